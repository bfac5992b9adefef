"""What a reader browses the glossary by: the hierarchy as a trail up from a concept and
as a tree from its roots, and an index of every concept by first letter and by kind,
whole or a page at a time (:func:`page_of`): a large glossary's front page shows how
many concepts each letter and kind has, and links to their pages (:data:`FULL_INDEX_MAX`).

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from kg.errors import PageNotFound
from kg.graph import HierarchyStep, KnowledgeGraph, PerGraph, hierarchy_steps
from kg.model import Concept, Relation
from kg.ontology import KINDS, in_hierarchy

FULL_INDEX_MAX = 500
"""The most concepts the front page and the hierarchy page list whole. The front page
lists every concept twice (A-Z, and by kind with the first sentence of its definition):
at the shipped 70 concepts that is 36 KB, at 500 about 250 KB and 40 ms of CPU, a long
but still readable page; it grows with every concept (14.7 MB and over a minute of CPU
at 50,000, one request that holds a worker), and the hierarchy page, which shows a
concept under each of its broader ones, grows faster still. Above this many concepts the
front page shows each letter and kind with its count (a kind with its first
:data:`SAMPLE` concepts), linking to their pages of :data:`PAGE_SIZE` concepts, and the
hierarchy page lists the top concepts a page at a time."""

PAGE_SIZE = 100
"""The most concepts a page of a listing (a letter, a kind, the top concepts) holds."""

MAX_PAGE = 1_000_000
"""The highest page number a listing's address may ask for: past it the request is
refused as malformed, below it a page past the last is not found."""

SAMPLE = 5
"""How many concepts of each kind a large glossary's front page names."""


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
class Tops:
    roots: tuple[str, ...]
    """The top concepts with narrower ones (the roots of :func:`tree`), by label."""
    outside: tuple[str, ...]
    """The concepts with neither broader nor narrower ones, by label."""
    below: Mapping[str, int]
    """How many concepts are directly under each root."""


def _tops(graph: KnowledgeGraph) -> Tops:
    down = _LINKS(graph).down
    found = top_concepts(graph)
    roots = tuple(c for c in found if c in down)
    return Tops(
        roots,
        tuple(c for c in found if c not in down),
        MappingProxyType({c: len({r.source for r in down[c]}) for c in roots}),
    )


tops = PerGraph(_tops, "top concepts")
"""The hierarchy's roots and the concepts outside it, without the tree below them (which
repeats a concept under each of its broader ones: too large to show whole for a large
glossary)."""


@dataclass(frozen=True)
class Letter:
    letter: str
    """A capital A to Z, or '#' for labels that start otherwise."""
    concepts: tuple[str, ...]

    @property
    def slug(self) -> str:
        """The letter as its page's address names it: lower case, 'other' for '#'."""
        return "other" if self.letter == "#" else self.letter.lower()


def _letters(graph: KnowledgeGraph) -> tuple[Letter, ...]:
    by: dict[str, list[str]] = {}
    for c in sorted(graph.concepts.values(), key=_concept_key):
        first = c.label[:1].upper()
        by.setdefault(first if "A" <= first <= "Z" else "#", []).append(c.id)
    return tuple(Letter(k, tuple(by[k])) for k in sorted(by, key=lambda k: (k == "#", k)))


_LETTERS = PerGraph(_letters, "A-Z index")


def letters(graph: KnowledgeGraph) -> list[Letter]:
    """Every concept under the first letter of its label, letters in order ('#' last),
    concepts by label within each; a letter no label starts with is left out."""
    return list(_LETTERS(graph))


def letter(graph: KnowledgeGraph, slug: str) -> Letter | None:
    """The letter a page's address names (``a`` to ``z`` in either case, or ``other``),
    with its concepts (none when no label starts with it); None for anything else."""
    key = slug.upper() if len(slug) == 1 and slug.isascii() and slug.isalpha() else None
    if slug.lower() == "other":
        key = "#"
    if key is None:
        return None
    return next((g for g in _LETTERS(graph) if g.letter == key), Letter(key, ()))


@dataclass(frozen=True)
class Kind:
    kind: str
    """A kind of :data:`kg.ontology.KINDS`."""
    concepts: tuple[str, ...]
    """The concepts of that kind, by label."""


def _kinds(graph: KnowledgeGraph) -> tuple[Kind, ...]:
    by: dict[str, list[str]] = {k: [] for k in KINDS}
    for c in sorted(graph.concepts.values(), key=_concept_key):
        by[c.kind].append(c.id)
    return tuple(Kind(k, tuple(ids)) for k, ids in by.items())


_KINDS = PerGraph(_kinds, "index by kind")


def kinds(graph: KnowledgeGraph) -> list[Kind]:
    """The kinds that have concepts, in the ontology's order, each with its concepts by
    label."""
    return [k for k in _KINDS(graph) if k.concepts]


def kind(graph: KnowledgeGraph, name: str) -> Kind | None:
    """A kind of the ontology with its concepts by label (none, if it has none); None
    for a name that is not a kind."""
    return next((k for k in _KINDS(graph) if k.kind == name), None)


def full_index(graph: KnowledgeGraph) -> bool:
    """Whether the front page lists every concept (see :data:`FULL_INDEX_MAX`)."""
    return len(graph.concepts) <= FULL_INDEX_MAX


@dataclass(frozen=True)
class Page:
    """One page of a listing: its ``items``, page ``number`` of ``pages`` (1-based),
    out of ``total`` items."""

    items: tuple[str, ...]
    number: int
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def first(self) -> int:
        """The position in the whole listing of the page's first item, from 1."""
        return (self.number - 1) * PAGE_SIZE + 1


def page_of(items: Sequence[str], number: int, what: str) -> Page:
    """Page ``number`` (from 1) of ``items``, :data:`PAGE_SIZE` to a page; an empty
    listing has one, empty, page. Raises :class:`~kg.errors.PageNotFound`, naming the
    listing as ``what``, for a page past the last."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    if not 1 <= number <= pages:
        raise PageNotFound(
            f"{what.capitalize()} has {pages} page{'s' if pages != 1 else ''} "
            f"of up to {PAGE_SIZE} concepts; there is no page {number}."
        )
    start = (number - 1) * PAGE_SIZE
    return Page(tuple(items[start : start + PAGE_SIZE]), number, pages, len(items))


def _concept_key(c: Concept) -> tuple[str, str]:
    return (c.label.lower(), c.id)


def _label_key(graph: KnowledgeGraph, cid: str) -> tuple[str, str]:
    return _concept_key(graph.concepts[cid])
