"""Term search and resolution: exact id/label/alias, then prefix, then fuzzy.

Matching folds case, hyphens versus spaces, plurals and British spelling
(:func:`kg.ids.normalize_term`) and tolerates small typos. Scores fall in separate bands
so that any exact match beats any prefix match, which beats any fuzzy match:
exact 0.95-1.0, prefix 0.55-0.9, fuzzy below 0.5.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> [(h.id, h.match) for h in search(g, "Mesa Optimisers")][:1]
[('mesa-optimizer', 'label')]
>>> [h.id for h in search(g, "mesa")]
['mesa-objective', 'mesa-optimizer']
>>> search(g, "mesa optimzer")[0].match
'fuzzy'
>>> resolve(g, "natural selection").id
'evolution'
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process

from kg.errors import AmbiguousTerm, ConceptNotFound
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term
from kg.model import Concept

Match = Literal["id", "label", "alias", "prefix", "fuzzy"]
FUZZY_CUTOFF = 72.0
"""Least rapidfuzz similarity (0-100) for a fuzzy hit."""
RESOLVE_CUTOFF = 85.0
"""Least similarity for a fuzzy hit to be taken as the meaning of a term on its own."""


@dataclass(frozen=True)
class SearchHit:
    """One concept found for a query, with how it matched."""

    id: str
    label: str
    kind: str
    score: float
    match: Match
    matched: str
    """The label, alias or id that matched."""


@dataclass(frozen=True)
class _Entry:
    form: str
    cid: str
    what: Literal["id", "label", "alias"]
    surface: str


class SearchIndex:
    """Every id, label and alias of a graph in normalised form."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph
        entries: list[_Entry] = []
        for cid, concept in graph.concepts.items():
            entries.append(_Entry(normalize_term(concept.label), cid, "label", concept.label))
            entries.extend(_Entry(normalize_term(a), cid, "alias", a) for a in concept.aliases)
            entries.append(_Entry(normalize_term(cid), cid, "id", cid))
        self.entries = entries
        self.forms = [e.form for e in entries]
        self.exact: dict[str, list[_Entry]] = {}
        for e in entries:
            self.exact.setdefault(e.form, []).append(e)
        # sorted (text, entry index) pairs, for prefix look-ups by bisection: whole forms,
        # and the tails of forms that start at a later word
        self.heads = sorted((e.form, i) for i, e in enumerate(entries))
        self.tails = sorted((e.form[j + 1:], i) for i, e in enumerate(entries)
                            for j, ch in enumerate(e.form) if ch == " ")

    @staticmethod
    def _starting(pairs: list[tuple[str, int]], q: str) -> Iterator[int]:
        at = bisect_left(pairs, (q, -1))
        while at < len(pairs) and pairs[at][0].startswith(q):
            yield pairs[at][1]
            at += 1

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list[SearchHit]:
        """Concepts for ``query``, best first; see the module docstring."""
        q = normalize_term(query)
        if not q:
            return []
        best: dict[str, SearchHit] = {}

        def offer(entry: _Entry, score: float, match: Match) -> None:
            concept = self.graph.concepts[entry.cid]
            if kind is not None and concept.kind != kind:
                return
            old = best.get(entry.cid)
            if old is None or score > old.score:
                best[entry.cid] = SearchHit(entry.cid, concept.label, concept.kind,
                                            round(score, 4), match, entry.surface)

        raw = query.strip()
        # the label is named before an alias or an id that spell the same
        for entry in sorted(self.exact.get(q, []), key=lambda e: e.what != "label"):
            if entry.what == "id":
                offer(entry, 1.0 if raw == entry.cid else 0.97, "id")
            else:
                offer(entry, 1.0 if entry.what == "label" else 0.98, entry.what)
        # prefix: the query begins the term, or begins one of its later words
        for i in self._starting(self.heads, q):
            entry = self.entries[i]
            if entry.form != q:
                offer(entry, 0.6 + 0.3 * len(q) / len(entry.form), "prefix")
        if len(q) >= 3:
            for i in self._starting(self.tails, q):
                entry = self.entries[i]
                offer(entry, 0.55 + 0.2 * len(q) / len(entry.form), "prefix")
            for scorer, weight in ((fuzz.ratio, 1.0), (fuzz.token_sort_ratio, 0.95)):
                found = process.extract(q, self.forms, scorer=scorer, limit=limit * 4,
                                        score_cutoff=FUZZY_CUTOFF / weight)
                for _form, score, i in found:
                    offer(self.entries[i], 0.5 * weight * score / 100 - 0.0001, "fuzzy")
        ranked = sorted(best.values(), key=lambda h: (-h.score, len(h.label), h.label))
        return ranked[:limit]


_INDEXES: WeakKeyDictionary[KnowledgeGraph, SearchIndex] = WeakKeyDictionary()


def index_for(graph: KnowledgeGraph) -> SearchIndex:
    """The search index of ``graph``, built on first use and kept with the graph."""
    index = _INDEXES.get(graph)
    if index is None:
        index = _INDEXES[graph] = SearchIndex(graph)
    return index


def search(graph: KnowledgeGraph, query: str, limit: int = 10,
           kind: str | None = None) -> list[SearchHit]:
    """Search ``graph`` for ``query`` (see :class:`SearchIndex`)."""
    return index_for(graph).search(query, limit, kind)


def resolve(graph: KnowledgeGraph, term: str, param: str | None = None) -> Concept:
    """The one concept ``term`` names: by id, label or alias, then by a clear best guess.

    Raises :class:`ConceptNotFound` (with suggestions) when nothing fits, and
    :class:`AmbiguousTerm` when several concepts fit a prefix equally.
    """
    exact = graph.lookup(term)
    if exact is not None:
        return exact
    hits = search(graph, term, limit=5)
    prefix = [h for h in hits if h.match == "prefix"]
    if len(prefix) == 1:
        return graph.concepts[prefix[0].id]
    if len(prefix) > 1:
        raise AmbiguousTerm(term, [h.id for h in prefix], param)
    fuzzy = [h for h in hits if h.match == "fuzzy"]
    if fuzzy and fuzzy[0].score >= 0.5 * RESOLVE_CUTOFF / 100 - 0.0001:
        runner_up = fuzzy[1].score if len(fuzzy) > 1 else 0.0
        if fuzzy[0].score - runner_up >= 0.01:
            return graph.concepts[fuzzy[0].id]
    suggestions = [h.id for h in hits] or graph.suggest(term)
    raise ConceptNotFound(term, suggestions, param)
