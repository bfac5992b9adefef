"""What a reader browses the glossary by: the hierarchy (is_a and part_of, as
:meth:`kg.graph.KnowledgeGraph.broader` and ``narrower`` give it) as a trail up from a
concept and as a tree from its roots, and an index of every concept by first letter.

>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> trail(g, "mesa-optimizer")
['optimizer']
>>> [n.concept for n in tree(g).roots]
['optimizer']
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.graph import KnowledgeGraph
from kg.model import Concept


def trail(graph: KnowledgeGraph, cid: str) -> list[str]:
    """The broader concepts above ``cid``, from the top of the hierarchy down to its
    direct broader concept (a breadcrumb): the shortest chain up to the farthest of its
    ancestors, ties broken by label. Empty when nothing is broader."""
    tree_up = graph.up_tree(cid)
    if not tree_up:
        return []
    top = max(tree_up, key=lambda a: (tree_up[a][0], _negated_label(graph, a)))
    return [rel.target for rel in reversed(graph.chain_in(tree_up, top))]


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
        below = sorted(graph.narrower(cid), key=lambda r: _label_key(graph, r.source))
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
    for c in sorted(graph.concepts.values(), key=_concept_key):
        if graph.broader(c.id):
            continue
        if graph.narrower(c.id):
            roots.append(branch(c.id, None, frozenset({c.id})))
        else:
            outside.append(c.id)
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
