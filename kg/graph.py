"""The knowledge graph: an immutable snapshot of concepts, relations and sources.

A :class:`KnowledgeGraph` is built once from validated parts (see :mod:`kg.load`) and
never changes; a new snapshot replaces it. Lookups are by id, or by any label or alias
after normalisation (:func:`kg.ids.normalize_term`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import networkx as nx
from rapidfuzz import fuzz, process

from kg.errors import ConceptNotFound, NoSourceText, SourceNotFound
from kg.ids import nearest, normalize_term
from kg.model import Concept, Relation, Source
from kg.ontology import HIERARCHICAL_TYPES, RELATION_TYPES


@dataclass(frozen=True)
class HierarchyStep:
    """One step up or down the is_a/part_of hierarchy."""

    concept: str
    type: str
    via: str
    """The concept this step was reached from."""
    depth: int


class KnowledgeGraph:
    """An immutable, validated graph of concepts with cited relations.

    Parameters
    ----------
    sources, texts, concepts, relations
        Validated parts; normally produced by :func:`kg.load.load_graph`.

    Examples
    --------
    >>> from kg.load import load_graph
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> g.lookup("Mesa Optimisers").id
    'mesa-optimizer'
    >>> [r.type for r in g.relations_between("base-optimizer", "mesa-optimizer")]
    ['produces']
    """

    def __init__(self, sources: Mapping[str, Source], texts: Mapping[str, str],
                 concepts: Mapping[str, Concept], relations: Iterable[Relation]) -> None:
        self._sources = MappingProxyType(dict(sources))
        self._texts = MappingProxyType(dict(texts))
        self._concepts = MappingProxyType(dict(sorted(concepts.items())))
        self._relations = tuple(relations)
        self._terms: dict[str, str] = {}
        for cid, concept in self._concepts.items():
            for term in (concept.label, *concept.aliases, cid):
                self._terms.setdefault(normalize_term(term), cid)
        index = nx.MultiDiGraph()
        index.add_nodes_from(self._concepts)
        for i, rel in enumerate(self._relations):
            index.add_edge(rel.source, rel.target, key=i, type=rel.type)
        self._index = index

    # -- sizes and iteration
    @property
    def sources(self) -> Mapping[str, Source]:
        """Sources by id."""
        return self._sources

    @property
    def concepts(self) -> Mapping[str, Concept]:
        """Concepts by id, in id order."""
        return self._concepts

    @property
    def relations(self) -> tuple[Relation, ...]:
        """Every stored relation, in the direction it was stated."""
        return self._relations

    def content(self) -> tuple[object, ...]:
        """Everything the snapshot holds, for comparing two snapshots for equality."""
        return (dict(self._sources), dict(self._texts), dict(self._concepts), self._relations)

    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, cid: object) -> bool:
        return cid in self._concepts

    def stats(self) -> dict[str, int]:
        """Counts of concepts, relations, citations and sources."""
        citations = sum(len(c.citations) for c in self._concepts.values())
        citations += sum(len(r.citations) for r in self._relations)
        return {"concepts": len(self._concepts), "relations": len(self._relations),
                "citations": citations, "sources": len(self._sources)}

    # -- lookups
    def concept(self, cid: str) -> Concept:
        """The concept with id ``cid``; raises :class:`ConceptNotFound` with suggestions."""
        try:
            return self._concepts[cid]
        except KeyError:
            raise ConceptNotFound(cid, self.suggest(cid)) from None

    def lookup(self, term: str) -> Concept | None:
        """The concept whose id, label or alias equals ``term`` after normalisation."""
        if term in self._concepts:
            return self._concepts[term]
        cid = self._terms.get(normalize_term(term))
        return self._concepts[cid] if cid else None

    def suggest(self, term: str, limit: int = 5) -> list[str]:
        """Ids of the concepts whose names are closest to ``term``, best first."""
        found = process.extract(normalize_term(term) or term, list(self._terms),
                                scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60)
        out: list[str] = []
        for name, _score, _i in found:
            if self._terms[name] not in out:
                out.append(self._terms[name])
        return out[:limit]

    def terms(self) -> Mapping[str, str]:
        """Normalised term -> concept id, for every id, label and alias."""
        return MappingProxyType(self._terms)

    def source(self, sid: str) -> Source:
        """The source with id ``sid``."""
        try:
            return self._sources[sid]
        except KeyError:
            raise SourceNotFound(sid, nearest(sid, self._sources, limit=3)) from None

    def source_text(self, sid: str) -> str:
        """The full text of source ``sid`` as stored (quotes' offsets point into it)."""
        source = self.source(sid)
        if sid not in self._texts:
            raise NoSourceText(source.id)
        return self._texts[sid]

    # -- structure
    def degree(self, cid: str) -> int:
        """Number of relations touching ``cid`` (both directions)."""
        return int(self._index.degree(cid))

    def _keys_of(self, cid: str) -> list[int]:
        out = sorted(k for _, _, k in self._index.out_edges(cid, keys=True))
        inc = sorted(k for _, _, k in self._index.in_edges(cid, keys=True))
        return out + inc

    def relations_of(self, cid: str) -> list[Relation]:
        """Relations from and to ``cid``: outgoing first, each group in stored order."""
        return [rel for _, rel in self.numbered_relations_of(cid)]

    def numbered_relations_of(self, cid: str) -> list[tuple[int, Relation]]:
        """Like :meth:`relations_of`, each with its position in :attr:`relations`."""
        self.concept(cid)
        return [(k, self._relations[k]) for k in self._keys_of(cid)]

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Relations joining ``a`` and ``b`` in either direction."""
        keys: list[int] = []
        for u, v in ((a, b), (b, a)):
            if self._index.has_edge(u, v):
                keys.extend(self._index[u][v])
        return [self._relations[k] for k in sorted(keys)]

    def neighbors(self, cid: str, depth: int = 1,
                  types: frozenset[str] | None = None) -> tuple[dict[str, int], list[Relation]]:
        """Concepts within ``depth`` steps of ``cid`` (either direction) and the relations used.

        Returns the reached concept ids with their distance, and every relation whose two
        ends were both reached, restricted to ``types`` when given.
        """
        self.concept(cid)
        dist = {cid: 0}
        used: set[int] = set()
        queue = deque([cid])
        while queue:
            node = queue.popleft()
            if dist[node] >= depth:
                continue
            for k in self._keys_of(node):
                rel = self._relations[k]
                if types is not None and rel.type not in types:
                    continue
                used.add(k)
                other = rel.target if rel.source == node else rel.source
                if other not in dist:
                    dist[other] = dist[node] + 1
                    queue.append(other)
        return dist, [self._relations[k] for k in sorted(used)]

    def broader(self, cid: str) -> list[Relation]:
        """The is_a/part_of relations from ``cid`` upward."""
        return [r for r in self.relations_of(cid)
                if r.source == cid and r.type in HIERARCHICAL_TYPES]

    def narrower(self, cid: str) -> list[Relation]:
        """The is_a/part_of relations pointing at ``cid`` from below."""
        return [r for r in self.relations_of(cid)
                if r.target == cid and r.type in HIERARCHICAL_TYPES]

    def ancestors(self, cid: str) -> dict[str, int]:
        """Every concept above ``cid`` in the hierarchy, with its distance."""
        return self._walk(cid, up=True)

    def descendants(self, cid: str) -> dict[str, int]:
        """Every concept below ``cid`` in the hierarchy, with its distance."""
        return self._walk(cid, up=False)

    def hierarchy(self, cid: str, up: bool, limit: int = 200) -> list[HierarchyStep]:
        """Breadth-first steps up (broader) or down (narrower) from ``cid``."""
        self.concept(cid)
        steps: list[HierarchyStep] = []
        seen = {cid}
        queue = deque([(cid, 0)])
        while queue and len(steps) < limit:
            node, d = queue.popleft()
            for rel in (self.broader(node) if up else self.narrower(node)):
                other = rel.target if up else rel.source
                if other in seen:
                    continue
                seen.add(other)
                steps.append(HierarchyStep(other, rel.type, node, d + 1))
                queue.append((other, d + 1))
        return steps[:limit]

    def chain_up(self, cid: str, ancestor: str) -> list[Relation]:
        """The is_a/part_of relations of a shortest chain from ``cid`` up to ``ancestor``."""
        parent: dict[str, Relation] = {}
        queue = deque([cid])
        while queue and ancestor not in parent:
            node = queue.popleft()
            for rel in self.broader(node):
                if rel.target not in parent and rel.target != cid:
                    parent[rel.target] = rel
                    queue.append(rel.target)
        chain: list[Relation] = []
        node = ancestor
        while node in parent:
            chain.append(parent[node])
            node = parent[node].source
        return chain[::-1]

    def _walk(self, cid: str, up: bool) -> dict[str, int]:
        return {s.concept: s.depth for s in self.hierarchy(cid, up, limit=10_000)}

    @cached_property
    def undirected(self) -> nx.Graph:
        """Undirected view for path finding; each edge keeps its cheapest relation."""
        view = nx.Graph()
        view.add_nodes_from(self._concepts)
        for rel in self._relations:
            cost = RELATION_TYPES[rel.type].cost
            current = view.get_edge_data(rel.source, rel.target)
            if current is None or cost < current["cost"]:
                view.add_edge(rel.source, rel.target, cost=cost, relation=rel)
        return view
