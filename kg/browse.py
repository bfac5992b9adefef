"""What a reader browses the glossary by: the hierarchy as a trail up from a concept and
as a tree from its roots, and an index of every concept by first letter.

The hierarchy browsed (and published: :mod:`kg.rdf` writes it as ``skos:broader``) is
the is_a and part_of relations of :meth:`kg.graph.KnowledgeGraph.broader` and
``narrower``, plus each example under what it is an example of
(:func:`kg.ontology.in_hierarchy`); reasoning and paths keep to the first two.

>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> trail(g, "mesa-optimizer")
['optimizer']
>>> [n.concept for n in tree(g).roots]
['optimizer']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kg.graph import HierarchyStep, KnowledgeGraph, PerGraph, hierarchy_steps
from kg.model import Concept, Relation
from kg.ontology import in_hierarchy


@dataclass(frozen=True)
class _Links:
    up: Mapping[str, tuple[Relation, ...]]
    down: Mapping[str, tuple[Relation, ...]]


def _links(graph: KnowledgeGraph) -> _Links:
    up: dict[str, list[Relation]] = {}
    down: dict[str, list[Relation]] = {}
    for rel in graph.relations:
        if in_hierarchy(rel.type, rel.modality):
            up.setdefault(rel.source, []).append(rel)
            down.setdefault(rel.target, []).append(rel)
    return _Links(
        MappingProxyType({k: tuple(v) for k, v in up.items()}),
        MappingProxyType({k: tuple(v) for k, v in down.items()}),
    )


_LINKS = PerGraph(_links, "hierarchy")


def broader(graph: KnowledgeGraph, cid: str) -> list[Relation]:
    """The relations that place ``cid`` under a broader concept, in stored order."""
    graph.concept(cid)
    return list(_LINKS(graph).up.get(cid, ()))


def narrower(graph: KnowledgeGraph, cid: str) -> list[Relation]:
    """The relations that place a concept under ``cid``, in stored order."""
    graph.concept(cid)
    return list(_LINKS(graph).down.get(cid, ()))


def steps(graph: KnowledgeGraph, cid: str, up: bool, limit: int = 200) -> list[HierarchyStep]:
    """Breadth-first steps up (broader) or down (narrower) from ``cid``, nearest first."""
    graph.concept(cid)
    links = _LINKS(graph)
    return hierarchy_steps(links.up if up else links.down, cid, up, limit)


def top_concepts(graph: KnowledgeGraph) -> list[str]:
    """The concepts nothing is broader than (the scheme's top concepts), by label."""
    up = _LINKS(graph).up
    return [c.id for c in sorted(graph.concepts.values(), key=_concept_key) if c.id not in up]


def trees(graph: KnowledgeGraph) -> int:
    """How many separate trees the hierarchy has: its connected parts, a concept with
    nothing broader or narrower counting as one."""
    parent = {cid: cid for cid in graph.concepts}

    def root(cid: str) -> str:
        while parent[cid] != cid:
            parent[cid] = parent[parent[cid]]
            cid = parent[cid]
        return cid

    for rels in _LINKS(graph).up.values():
        for rel in rels:
            parent[root(rel.source)] = root(rel.target)
    return len({root(cid) for cid in graph.concepts})


def trail(graph: KnowledgeGraph, cid: str) -> list[str]:
    """The broader concepts above ``cid``, from the top of the hierarchy down to its
    direct broader concept (a breadcrumb): the shortest chain up to the farthest of its
    ancestors, ties broken by label. Empty when nothing is broader."""
    above = {s.concept: s for s in steps(graph, cid, up=True, limit=10_000)}
    if not above:
        return []
    top = max(above, key=lambda a: (above[a].depth, _negated_label(graph, a)))
    chain = [top]
    while above[chain[-1]].via != cid:
        chain.append(above[chain[-1]].via)
    return chain


def _negated_label(graph: KnowledgeGraph, cid: str) -> tuple[int, ...]:
    # max() picks the deepest ancestor; among equals, the first by label
    return tuple(-ord(ch) for ch in graph.concepts[cid].label.lower())


@dataclass(frozen=True)
class Branch:
    """A concept in the tree, reached from its parent by ``type`` (None at a root)."""

    concept: str
    type: str | None
    children: tuple[Branch, ...]


@dataclass(frozen=True)
class Tree:
    roots: tuple[Branch, ...]
    """The concepts with narrower ones but none broader, each with all below it; a
    concept under two broader ones appears under both."""
    outside: tuple[str, ...]
    """The concepts with neither broader nor narrower ones, by label."""


def tree(graph: KnowledgeGraph) -> Tree:
    """The whole hierarchy from its roots down, children by label."""

    def branch(cid: str, via: str | None, path: frozenset[str]) -> Branch:
        below = sorted(narrower(graph, cid), key=lambda r: _label_key(graph, r.source))
        return Branch(
            cid,
            via,
            tuple(
                branch(r.source, r.type, path | {r.source})
                for r in below
                if r.source not in path  # the loader refuses cycles; never loop regardless
            ),
        )

    roots, outside = [], []
    down = _LINKS(graph).down
    for cid in top_concepts(graph):
        if cid in down:
            roots.append(branch(cid, None, frozenset({cid})))
        else:
            outside.append(cid)
    return Tree(tuple(roots), tuple(outside))


@dataclass(frozen=True)
class Letter:
    letter: str
    """A capital A to Z, or '#' for labels that start otherwise."""
    concepts: tuple[str, ...]


def letters(graph: KnowledgeGraph) -> list[Letter]:
    """Every concept under the first letter of its label, letters in order ('#' last),
    concepts by label within each."""
    by: dict[str, list[str]] = {}
    for c in sorted(graph.concepts.values(), key=_concept_key):
        first = c.label[:1].upper()
        by.setdefault(first if "A" <= first <= "Z" else "#", []).append(c.id)
    return [Letter(k, tuple(by[k])) for k in sorted(by, key=lambda k: (k == "#", k))]


def _concept_key(c: Concept) -> tuple[str, str]:
    return (c.label.lower(), c.id)


def _label_key(graph: KnowledgeGraph, cid: str) -> tuple[str, str]:
    return _concept_key(graph.concepts[cid])
