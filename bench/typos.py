"""Typos of names, for checking fuzzy search against the exhaustive comparison.

``tests/kg/test_search_equivalence.py`` and ``python -m bench.scale`` draw names of a
graph and misspell them with :func:`typo`; :func:`agreement` says how often
:func:`kg.search.search` (candidates from its index) gives what
:func:`kg.search.search_exhaustive` (every name compared) gives.

Examples
--------
>>> import random
>>> for kind in KINDS:
...     print(f"{kind}: {typo('mesa optimizer', random.Random(4), 1, kind)!r}")
substitution: 'mesk optimizer'
insertion: 'mesja optimizer'
deletion: 'mes optimizer'
transposition: 'mes aoptimizer'
dropped space: 'mesaoptimizer'
added space: 'mesa o ptimizer'
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kg.graph import KnowledgeGraph
from kg.search import search, search_exhaustive

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KINDS = (
    "substitution",
    "insertion",
    "deletion",
    "transposition",
    "dropped space",
    "added space",
)
"""The kinds of typo: a letter for another, a letter added, a letter left out, two
letters next to each other swapped, a space (or hyphen) left out, a space typed inside
a word."""


def typo(name: str, rng: random.Random, edits: int = 1, kind: str | None = None) -> str:
    """``name`` with ``edits`` typos, each of a kind drawn from :data:`KINDS` (or
    ``kind``). A name with no space (or one letter long) gets another kind where the
    one drawn cannot apply."""
    for _ in range(edits):
        name = _edit(name, rng, kind or rng.choice(KINDS))
    return name


def _edit(name: str, rng: random.Random, kind: str) -> str:
    n = len(name)
    if kind == "dropped space":
        spaces = [i for i, ch in enumerate(name) if ch in " -"]
        if spaces:
            i = rng.choice(spaces)
            return name[:i] + name[i + 1 :]
        kind = "deletion"
    if kind == "added space":
        inside = [i for i in range(1, n) if name[i - 1].isalpha() and name[i].isalpha()]
        if inside:
            i = rng.choice(inside)
            return name[:i] + " " + name[i:]
        kind = "insertion"
    if kind == "insertion" or n < 2:
        i = rng.randrange(n + 1)
        return name[:i] + rng.choice(LETTERS) + name[i:]
    if kind == "substitution":
        i = rng.randrange(n)
        return name[:i] + rng.choice(LETTERS.replace(name[i].lower(), "")) + name[i + 1 :]
    if kind == "deletion":
        i = rng.randrange(n)
        return name[:i] + name[i + 1 :]
    i = rng.randrange(n - 1)  # transposition
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def misspelt(graph: KnowledgeGraph, count: int, edits: int, seed: int) -> list[str]:
    """``count`` labels and aliases of ``graph`` drawn at random, each with ``edits``
    typos; the same for the same graph and seed."""
    rng = random.Random(f"typos-{seed}-{edits}")
    concepts = list(graph.concepts.values())
    names = []
    for _ in range(count):
        concept = concepts[rng.randrange(len(concepts))]
        names.append(typo(rng.choice((concept.label, *concept.aliases)), rng, edits))
    return names


@dataclass(frozen=True)
class Agreement:
    """How often the indexed search answered as the exhaustive comparison did."""

    queries: int
    same_top: int
    """Queries whose first hit is the same (or that have none either way)."""
    same_list: int
    """Queries whose whole list of hits is the same."""
    differ: tuple[str, ...]
    """The queries whose first hit differs."""


def agreement(graph: KnowledgeGraph, queries: list[str], limit: int = 10) -> Agreement:
    """Compares :func:`search` with :func:`search_exhaustive` on ``queries``."""
    same_top = same_list = 0
    differ = []
    for q in queries:
        got, want = search(graph, q, limit), search_exhaustive(graph, q, limit)
        same_list += got == want
        if got[:1] == want[:1]:
            same_top += 1
        else:
            differ.append(q)
    return Agreement(len(queries), same_top, same_list, tuple(differ))
