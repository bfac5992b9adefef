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

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
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
MAX_HITS = 50
"""Most hits one search may ask for: ``/v1/search``, the MCP tool and ``kg search`` take
``limit`` up to this."""


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
        # the concepts only, not the graph: kept in a WeakKeyDictionary keyed by the
        # graph, a reference back to it would keep every old snapshot alive
        self.concepts = graph.concepts
        entries: list[_Entry] = []
        for cid, concept in graph.concepts.items():  # folded when the graph was built
            label, *aliases, id_ = graph.forms(cid)
            entries.append(_Entry(label, cid, "label", concept.label))
            entries.extend(
                _Entry(form, cid, "alias", a)
                for form, a in zip(aliases, concept.aliases, strict=True)
            )
            entries.append(_Entry(id_, cid, "id", cid))
        self.entries = entries
        self.exact: dict[str, list[_Entry]] = {}
        for e in entries:
            self.exact.setdefault(e.form, []).append(e)
        # each distinct form once, for fuzzy matching, with the entries that have it
        self.forms = list(self.exact)
        self.form_entries = list(self.exact.values())
        # fuzzy matching scans forms of a length that could still score (see _fuzzy),
        # so they are kept shortest first; token_sort_ratio is ratio on words put in order:
        # order them once here (the length stays); a form already in order needs no
        # second look unless the query is out of order
        by_length = sorted(range(len(self.forms)), key=lambda i: len(self.forms[i]))
        self.plain = _Scan([self.forms[i] for i in by_length], by_length)
        in_order = [_in_order(self.forms[i]) for i in by_length]
        self.ordered = _Scan(in_order, by_length)
        changed = [j for j, i in enumerate(by_length) if in_order[j] != self.forms[i]]
        self.reordered = _Scan([in_order[j] for j in changed], [by_length[j] for j in changed])
        # for prefix look-ups by bisection: (text, entry index) pairs, sorted, of whole
        # forms and of the tails of forms that start at a later word, in buckets by the
        # length of the whole form (a prefix hit scores higher the shorter its form, so
        # the buckets are read shortest first and reading stops once enough are found)
        self.heads = _by_length((e.form, i, len(e.form)) for i, e in enumerate(entries))
        self.tails = _by_length(
            (e.form[j + 1 :], i, len(e.form))
            for i, e in enumerate(entries)
            for j, ch in enumerate(e.form)
            if ch == " "
        )

    @staticmethod
    def _starting(
        buckets: list[tuple[int, list[tuple[str, int]]]], q: str, enough: Callable[[], bool]
    ) -> Iterator[int]:
        """Entries whose text starts with ``q``, shortest form first, one length of form
        at a time until ``enough()`` says so."""
        for length, pairs in buckets:
            if length < len(q):
                continue
            at = bisect_left(pairs, (q, -1))
            while at < len(pairs) and pairs[at][0].startswith(q):
                yield pairs[at][1]
                at += 1
            if enough():
                return

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list[SearchHit]:
        """Concepts for ``query``, best first; see the module docstring."""
        q = normalize_term(query)
        if not q:
            return []
        concepts = self.concepts
        best: dict[str, tuple[float, Match, str]] = {}

        def offer(entry: _Entry, score: float, match: Match) -> bool:
            if kind is not None and concepts[entry.cid].kind != kind:
                return False
            old = best.get(entry.cid)
            if old is None or score > old[0]:
                best[entry.cid] = (score, match, entry.surface)
            return True

        raw = query.strip()
        # the label is named before an alias or an id that spell the same
        for entry in sorted(self.exact.get(q, []), key=lambda e: e.what != "label"):
            if entry.what == "id":
                offer(entry, 1.0 if raw == entry.cid else 0.97, "id")
            else:
                offer(entry, 1.0 if entry.what == "label" else 0.98, entry.what)
        # prefix: the query begins the term, or begins one of its later words; the best
        # ``limit`` concepts overall are among the best ``limit`` of each way
        heads: set[str] = set()
        for i in self._starting(self.heads, q, lambda: len(heads) >= limit):
            entry = self.entries[i]
            if entry.form != q and offer(entry, 0.6 + 0.3 * len(q) / len(entry.form), "prefix"):
                heads.add(entry.cid)
        if len(q) >= 3:
            tails: set[str] = set()
            for i in self._starting(self.tails, q, lambda: len(tails) >= limit):
                entry = self.entries[i]
                if offer(entry, 0.55 + 0.2 * len(q) / len(entry.form), "prefix"):
                    tails.add(entry.cid)
            # a fuzzy score stays below 0.5, under every exact and prefix score: with
            # ``limit`` concepts found already, no fuzzy hit could make the list
            if len(best) < limit:
                for score, i in self._fuzzy(q, limit * 4):
                    for entry in self.form_entries[i]:
                        offer(entry, 0.5 * score / 100 - 0.0001, "fuzzy")
        hits = [
            SearchHit(cid, concepts[cid].label, concepts[cid].kind, round(score, 4), match, surface)
            for cid, (score, match, surface) in best.items()
        ]
        hits.sort(key=lambda h: (-h.score, len(h.label), h.label))
        return hits[:limit]

    def _fuzzy(self, q: str, limit: int) -> list[tuple[float, int]]:
        """Forms like ``q``: (score, form index), the better of the plain ratio and
        0.95 times the ratio with words in order (rapidfuzz's token_sort_ratio)."""
        best: dict[int, float] = {}
        for score, i in self.plain.extract(q, limit, FUZZY_CUTOFF):
            best[i] = score
        sorted_q = _in_order(q)
        # when neither side changes on ordering, the second score is 0.95 of the first
        scan = self.ordered if sorted_q != q else self.reordered
        for score, i in scan.extract(sorted_q, limit, FUZZY_CUTOFF / 0.95):
            best[i] = max(best.get(i, 0.0), 0.95 * score)
        return sorted(((score, i) for i, score in best.items()), key=lambda f: -f[0])


class _Scan:
    """Strings shortest first, each with the index it stands for, for fuzzy matching."""

    def __init__(self, texts: list[str], index: list[int]) -> None:
        self.texts = texts
        self.index = index
        self.lengths = [len(t) for t in texts]

    def extract(self, q: str, limit: int, cutoff: float) -> Iterator[tuple[float, int]]:
        """(score, index) of the ``limit`` texts with the best ratio to ``q`` from
        ``cutoff`` (0-100) up. A ratio of r needs lengths within a factor of
        (200 - r) / r of each other, so only that window of lengths is scanned."""
        n = len(q)
        factor = (200 - cutoff) / cutoff
        lo = bisect_left(self.lengths, math.ceil(n / factor - 1e-9))
        hi = bisect_right(self.lengths, math.floor(n * factor + 1e-9))
        if lo >= hi:
            return
        found = process.extract(
            q, self.texts[lo:hi], scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        for _text, score, j in found:
            yield score, self.index[lo + j]


def _by_length(items: Iterable[tuple[str, int, int]]) -> list[tuple[int, list[tuple[str, int]]]]:
    """(text, entry, form length) triples as sorted (text, entry) lists, by form length."""
    buckets: dict[int, list[tuple[str, int]]] = {}
    for text, i, length in items:
        buckets.setdefault(length, []).append((text, i))
    return [(length, sorted(buckets[length])) for length in sorted(buckets)]


def _in_order(form: str) -> str:
    return " ".join(sorted(form.split()))


_INDEXES: WeakKeyDictionary[KnowledgeGraph, SearchIndex] = WeakKeyDictionary()


def index_for(graph: KnowledgeGraph) -> SearchIndex:
    """The search index of ``graph``, built on first use and kept with the graph."""
    index = _INDEXES.get(graph)
    if index is None:
        index = _INDEXES[graph] = SearchIndex(graph)
    return index


def search(
    graph: KnowledgeGraph, query: str, limit: int = 10, kind: str | None = None
) -> list[SearchHit]:
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
