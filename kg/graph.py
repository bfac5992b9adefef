"""The knowledge graph: an immutable snapshot of concepts, relations and sources.

A :class:`KnowledgeGraph` is built once from validated parts (see :mod:`kg.load`) and
never changes; a new snapshot replaces it. Lookups are by id, or by any label or alias
after normalisation (:func:`kg.ids.normalize_term`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process

from kg.errors import (
    ConceptGone,
    ConceptNotFound,
    InvalidQuery,
    NoSourceText,
    NotReady,
    SourceNotFound,
)
from kg.ids import nearest, normalize_term
from kg.model import Concept, Relation, Source, Tombstone
from kg.ontology import HIERARCHICAL_TYPES, RELATION_TYPES

T = TypeVar("T")


@dataclass(frozen=True)
class HierarchyStep:
    """One step up or down the is_a/part_of hierarchy."""

    concept: str
    type: str
    via: str
    """The concept this step was reached from."""
    depth: int


def hierarchy_steps(
    links: Mapping[str, Sequence[Relation]], cid: str, up: bool, limit: int
) -> list[HierarchyStep]:
    """Breadth-first steps from ``cid`` over ``links`` (each concept's relations to the
    concepts above it when ``up``, below it otherwise), at most ``limit``."""
    steps: list[HierarchyStep] = []
    seen = {cid}
    queue = deque([(cid, 0)])
    while queue and len(steps) < limit:
        node, d = queue.popleft()
        for rel in links.get(node, ()):
            other = rel.target if up else rel.source
            if other in seen:
                continue
            seen.add(other)
            steps.append(HierarchyStep(other, rel.type, node, d + 1))
            queue.append((other, d + 1))
    return steps[:limit]


_UNFINISHED: WeakKeyDictionary[KnowledgeGraph, Callable[[], None]] = WeakKeyDictionary()
"""What is left to do for a graph read from its snapshot (see :func:`finish_later`)."""
_FINISHING = threading.RLock()


def finish_later(graph: KnowledgeGraph, finish: Callable[[], None]) -> None:
    """Leave ``finish`` to be run once, by the first that needs what it gives: the rest
    of a snapshot (the search index, what path finding builds), read while the graph is
    already served (:mod:`kg.snapshot`). Whatever would build one of those for
    ``graph`` (:class:`PerGraph`, :attr:`KnowledgeGraph.adjacency`,
    :attr:`KnowledgeGraph.node_costs`, :mod:`kg.paths`) runs it first, so that it finds
    them made; ``finish`` must not fail (what it does not give is built as usual). A
    graph left unfinished lives as long as ``finish`` holds it: one that will not be used
    is given to :func:`abandon`."""
    _UNFINISHED[graph] = finish


def abandon(graph: KnowledgeGraph) -> None:
    """Drop what :func:`finish_later` left to do for ``graph``, which will not be used
    (what is left to do may hold the graph, which would then live on)."""
    _UNFINISHED.pop(graph, None)


def finish(graph: KnowledgeGraph) -> None:
    """Run what :func:`finish_later` left to do for ``graph``, if anything (once: a
    caller meanwhile waits for it to end)."""
    if graph not in _UNFINISHED:
        return
    with _FINISHING:
        todo = _UNFINISHED.get(graph)
        if todo is None or todo is _running:
            return  # done meanwhile, or called from within ``todo`` itself
        # kept in the table until it has run, so that another thread that needs it
        # waits on the lock rather than finding it gone and building the same again
        _UNFINISHED[graph] = _running
        try:
            todo()
        finally:
            _UNFINISHED.pop(graph, None)


def _running() -> None:
    """Marks a graph whose :func:`finish_later` work is under way."""


class KnowledgeGraph:
    """An immutable, validated graph of concepts with cited relations.

    Parameters
    ----------
    sources, texts, concepts, relations
        Validated parts; normally produced by :func:`kg.load.load_graph`.
    normalize
        :func:`kg.ids.normalize_term`, or a function that gives the same results (the
        loader passes one that remembers the terms it has already folded).

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

    def __init__(
        self,
        sources: Mapping[str, Source],
        texts: Mapping[str, str],
        concepts: Mapping[str, Concept],
        relations: Iterable[Relation],
        normalize: Callable[[str], str] = normalize_term,
        tombstones: Iterable[Tombstone] = (),
    ) -> None:
        self._tombstones = MappingProxyType(
            {t.id: t for t in sorted(tombstones, key=lambda t: t.id)}
        )
        self._sources = MappingProxyType(dict(sources))
        self._texts = MappingProxyType(dict(texts))
        self._concepts = MappingProxyType(dict(sorted(concepts.items())))
        self._relations = tuple(relations)
        self._terms: dict[str, str] = {}
        self._forms: dict[str, tuple[str, ...]] = {}
        self._stats: dict[str, int] | None = None
        terms, all_forms = self._terms, self._forms  # local names: a graph may be large
        for cid, concept in self._concepts.items():
            forms = all_forms[cid] = tuple(map(normalize, (concept.label, *concept.aliases, cid)))
            for form in forms:
                if form not in terms:
                    terms[form] = cid
        self._out: dict[str, list[int]] = {cid: [] for cid in self._concepts}
        self._in: dict[str, list[int]] = {cid: [] for cid in self._concepts}
        self._up: dict[str, list[Relation]] = {}
        self._down: dict[str, list[Relation]] = {}
        out, into, up, down = self._out, self._in, self._up, self._down
        for i, rel in enumerate(self._relations):
            out[rel.source].append(i)
            into[rel.target].append(i)
            if rel.type in HIERARCHICAL_TYPES and not rel.negated:
                up.setdefault(rel.source, []).append(rel)
                down.setdefault(rel.target, []).append(rel)

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

    @property
    def tombstones(self) -> Mapping[str, Tombstone]:
        """What is left of deleted concepts, by id, in id order."""
        return self._tombstones

    def content(self) -> tuple[object, ...]:
        """Everything the snapshot holds, for comparing two snapshots for equality."""
        return (
            dict(self._sources),
            dict(self._texts),
            dict(self._concepts),
            self._relations,
            dict(self._tombstones),
        )

    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, cid: object) -> bool:
        return cid in self._concepts

    def stats(self) -> dict[str, int]:
        """Counts of concepts, relations, citations and sources (counted once: the graph
        never changes, and health checks ask for them all the time)."""
        if self._stats is None:
            citations = sum(len(c.citations) for c in self._concepts.values())
            citations += sum(len(r.citations) for r in self._relations)
            self._stats = {
                "concepts": len(self._concepts),
                "relations": len(self._relations),
                "citations": citations,
                "sources": len(self._sources),
            }
        return dict(self._stats)

    # -- lookups
    def concept(self, cid: str) -> Concept:
        """The concept with id ``cid``; raises :class:`ConceptGone` for a deleted one
        (a tombstone's id), else :class:`ConceptNotFound` with suggestions."""
        try:
            return self._concepts[cid]
        except KeyError:
            raise self.gone(cid) or ConceptNotFound(cid, self.suggest(cid)) from None

    def gone(self, cid: str) -> ConceptGone | None:
        """The error for ``cid`` when it names a deleted concept (a tombstone), else None."""
        tomb = self._tombstones.get(cid)
        if tomb is None:
            return None
        return ConceptGone(cid, tomb.label, tomb.deleted, tomb.replaced_by)

    def lookup(self, term: str) -> Concept | None:
        """The concept whose id, label or alias equals ``term`` after normalisation."""
        if term in self._concepts:
            return self._concepts[term]
        cid = self._terms.get(normalize_term(term))
        return self._concepts[cid] if cid else None

    def suggest(self, term: str, limit: int = 5) -> list[str]:
        """Ids of the concepts whose names are closest to ``term``, best first."""
        found = process.extract(
            normalize_term(term) or term,
            list(self._terms),
            scorer=fuzz.ratio,
            limit=limit * 3,
            score_cutoff=60,
        )
        out: list[str] = []
        for name, _score, _i in found:
            if self._terms[name] not in out:
                out.append(self._terms[name])
        return out[:limit]

    def terms(self) -> Mapping[str, str]:
        """Normalised term -> concept id, for every id, label and alias."""
        return MappingProxyType(self._terms)

    def forms(self, cid: str) -> tuple[str, ...]:
        """The normalised forms (:func:`kg.ids.normalize_term`) of the label, each alias
        and the id of ``cid``, in that order: folded once, when the graph was built."""
        return self._forms[cid]

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

    def passage(self, sid: str, start: int, end: int) -> str:
        """The text of source ``sid`` from offset ``start`` to ``end``; raises
        :class:`~kg.errors.InvalidQuery` for a range that is empty or runs past the text."""
        text = self.source_text(sid)
        if not 0 <= start < end:
            raise InvalidQuery(f"end ({end}) must be greater than start ({start}), both 0 or more.")
        if end > len(text):
            raise InvalidQuery(
                f"The text of {sid!r} has {len(text):,} characters; offsets go up to "
                f"{len(text):,}, not {end:,}."
            )
        return text[start:end]

    # -- structure
    def degree(self, cid: str) -> int:
        """Number of relations touching ``cid`` (both directions)."""
        return len(self._out[cid]) + len(self._in[cid])

    def _keys_of(self, cid: str) -> list[int]:
        return self._out[cid] + self._in[cid]

    def relations_of(self, cid: str) -> list[Relation]:
        """Relations from and to ``cid``: outgoing first, each group in stored order."""
        return [rel for _, rel in self.numbered_relations_of(cid)]

    def numbered_relations_of(self, cid: str) -> list[tuple[int, Relation]]:
        """Like :meth:`relations_of`, each with its position in :attr:`relations`."""
        self.concept(cid)
        return [(k, self._relations[k]) for k in self._keys_of(cid)]

    def relations_between(self, a: str, b: str) -> list[Relation]:
        """Relations joining ``a`` and ``b`` in either direction."""
        if a not in self._out or b not in self._out:
            return []
        if self.degree(b) < self.degree(a):
            a, b = b, a
        keys = [
            k
            for k in self._keys_of(a)
            if {self._relations[k].source, self._relations[k].target} == {a, b}
        ]
        return [self._relations[k] for k in sorted(keys)]

    def neighbors(
        self, cid: str, depth: int = 1, types: frozenset[str] | None = None
    ) -> tuple[dict[str, int], list[Relation]]:
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
        self.concept(cid)
        return list(self._up.get(cid, ()))

    def narrower(self, cid: str) -> list[Relation]:
        """The is_a/part_of relations pointing at ``cid`` from below."""
        self.concept(cid)
        return list(self._down.get(cid, ()))

    def ancestors(self, cid: str, max_depth: int | None = None) -> dict[str, int]:
        """Every concept above ``cid`` in the hierarchy (up to ``max_depth`` steps), with
        its distance."""
        return {c: depth for c, (depth, _) in self.up_tree(cid, max_depth).items()}

    def up_tree(
        self,
        cid: str,
        max_depth: int | None = None,
    ) -> dict[str, tuple[int, Relation]]:
        """Every concept above ``cid`` (up to ``max_depth`` steps) with its distance and
        the relation a shortest chain reaches it by (see :meth:`chain_in`)."""
        self.concept(cid)
        tree = self._upward([cid], max_depth)
        tree.pop(cid, None)  # only in a cycle, which the loader refuses
        return tree

    def _upward(
        self,
        starts: Iterable[str],
        max_depth: int | None = None,
        within: Container[str] | None = None,
    ) -> dict[str, tuple[int, Relation]]:
        """Breadth-first walk up from ``starts`` (through concepts ``within`` only, when
        given): each concept reached, with its distance and the relation it was reached by."""
        tree: dict[str, tuple[int, Relation]] = {}
        queue = deque((start, 0) for start in starts)
        while queue:
            node, d = queue.popleft()
            if max_depth is not None and d >= max_depth:
                break  # breadth first: every later node is as deep or deeper
            for rel in self._up.get(node, ()):
                if rel.target not in tree and (within is None or rel.target in within):
                    tree[rel.target] = (d + 1, rel)
                    queue.append((rel.target, d + 1))
        return tree

    @staticmethod
    def chain_in(tree: Mapping[str, tuple[int, Relation]], ancestor: str) -> list[Relation]:
        """The chain of relations from the root of ``tree`` (see :meth:`up_tree`) up to
        ``ancestor``, bottom first."""
        chain: list[Relation] = []
        node = ancestor
        while node in tree:
            rel = tree[node][1]
            chain.append(rel)
            node = rel.source
        return chain[::-1]

    def descendants(self, cid: str) -> dict[str, int]:
        """Every concept below ``cid`` in the hierarchy, with its distance."""
        return self._walk(cid, up=False)

    def above(self, cids: Iterable[str], within: Container[str] | None = None) -> set[str]:
        """Every concept strictly above at least one of ``cids`` in the hierarchy, going
        only through concepts ``within`` when given."""
        return set(self._upward(cids, within=within))

    def hierarchy(self, cid: str, up: bool, limit: int = 200) -> list[HierarchyStep]:
        """Breadth-first steps up (broader) or down (narrower) from ``cid``."""
        self.concept(cid)
        return hierarchy_steps(self._up if up else self._down, cid, up, limit)

    def chain_up(self, cid: str, ancestor: str) -> list[Relation]:
        """The is_a/part_of relations of a shortest chain from ``cid`` up to ``ancestor``."""
        return self.chain_in(self.up_tree(cid), ancestor)

    def _walk(self, cid: str, up: bool) -> dict[str, int]:
        return {s.concept: s.depth for s in self.hierarchy(cid, up, limit=10_000)}

    def prepare(self) -> None:
        """Build now what path finding builds on first use (a server does this at start)."""
        for built in (self.adjacency, self.node_costs):
            assert built is not None

    @cached_property
    def node_costs(self) -> Mapping[str, float]:
        """How generic each concept is for path ranking: log2(1 + degree)."""
        finish(self)  # the snapshot's, if it is still being read
        if "node_costs" in self.__dict__:
            return self.__dict__["node_costs"]  # type: ignore[no-any-return]
        return MappingProxyType({cid: math.log2(1 + self.degree(cid)) for cid in self._concepts})

    @cached_property
    def adjacency(self) -> Mapping[str, Mapping[str, Relation]]:
        """Every concept's neighbours, each with the cheapest relation joining them.

        The undirected view that paths are searched over, as plain dictionaries (fast to
        walk and to intersect); of equally cheap relations the first stored is kept. A
        relation that denies something ("humans do not pursue genetic fitness") joins
        nothing: a path through it would chain a denial as if it were a link.
        """
        finish(self)  # the snapshot's, if it is still being read
        if "adjacency" in self.__dict__:
            return self.__dict__["adjacency"]  # type: ignore[no-any-return]
        adj: dict[str, dict[str, Relation]] = {cid: {} for cid in self._concepts}
        cost = {name: t.cost for name, t in RELATION_TYPES.items()}
        for rel in self._relations:
            if rel.negated:
                continue
            a, b = rel.source, rel.target
            current = adj[a].get(b)
            if current is None or cost[rel.type] < cost[current.type]:
                adj[a][b] = rel
                adj[b][a] = rel
        return MappingProxyType(adj)


log = logging.getLogger(__name__)

RETRY_AFTER = 5
"""Seconds a caller is told to wait (``Retry-After``) for a value still being built in
the background."""


class PerGraph(Generic[T]):
    """One value built from each graph snapshot (an index, an annotator), built on first
    use and kept as long as the graph lives: graphs never change, so neither does the
    value. Built once even when two threads ask at the same time."""

    def __init__(self, build: Callable[[KnowledgeGraph], T], what: str = "index") -> None:
        self._build = build
        self._what = what
        self._values: WeakKeyDictionary[KnowledgeGraph, T] = WeakKeyDictionary()
        self._lock = threading.Lock()
        # graphs whose value a background thread is building (see build_in_background),
        # marked under their own lock: the build holds the other for its whole length
        self._building: WeakKeyDictionary[KnowledgeGraph, float] = WeakKeyDictionary()
        self._starting = threading.Lock()

    def __call__(self, graph: KnowledgeGraph) -> T:
        found = self._values.get(graph)
        if found is None and graph in _UNFINISHED:
            finish(graph)  # the rest of its snapshot may hold it
            found = self._values.get(graph)
        if found is None:
            started = self._building.get(graph)
            if started is not None:
                raise NotReady(
                    f"The {self._what} of this graph is still being built (started "
                    f"{time.monotonic() - started:.0f} s ago); try again shortly.",
                    retry_after=RETRY_AFTER,
                )
            with self._lock:
                found = self._values.get(graph)
                if found is None:
                    found = self._values[graph] = self._build(graph)
        return found

    def build_in_background(self, graph: KnowledgeGraph) -> threading.Thread | None:
        """Build ``graph``'s value in a daemon thread, unless it is built or being built
        (then None). Until it is done, asking for it raises :class:`~kg.errors.NotReady`
        rather than building it again in the caller, so a large graph's index does not
        hold up the request that first needs it; if the build fails, the next caller
        builds it (and sees the error)."""
        with self._starting:
            if graph in self._values or graph in self._building:
                return None
            self._building[graph] = time.monotonic()

        def build() -> None:
            try:
                with self._lock:
                    if graph not in self._values:
                        self._values[graph] = self._build(graph)
            except Exception:  # noqa: BLE001 - the next caller builds it and sees why
                log.exception("building the %s in the background failed", self._what)
            finally:
                self._building.pop(graph, None)

        thread = threading.Thread(target=build, name=f"build {self._what}", daemon=True)
        thread.start()
        return thread

    def __contains__(self, graph: object) -> bool:
        """Whether ``graph``'s value has been built (or kept)."""
        return graph in self._values

    def __len__(self) -> int:
        return len(self._values)

    def keep(self, graph: KnowledgeGraph, value: T) -> None:
        """Keep ``value``, built elsewhere (read from a snapshot file), as ``graph``'s."""
        self._values[graph] = value
