"""Term search and resolution: exact id/label/alias, then prefix, then fuzzy.

Matching folds case, hyphens versus spaces, plurals and British spelling
(:func:`kg.ids.normalize_term`) and tolerates small typos. Scores fall in separate bands
so that any exact match beats any prefix match, which beats any fuzzy match:
exact 0.95-1.0, prefix 0.55-0.9, fuzzy below 0.5. Fuzzy matching scores with rapidfuzz
the names that an index of their words offers as candidates, not every name (see
:class:`SearchIndex`); :func:`search_exhaustive` compares every name, as a reference.

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
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, combinations
from typing import Literal, NamedTuple
from zlib import crc32

from rapidfuzz import fuzz, process

from kg.errors import AmbiguousTerm, ConceptNotFound
from kg.graph import KnowledgeGraph, PerGraph
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


class _Entry(NamedTuple):
    """One id, label or alias of a concept, in normalised form (``form``) and as
    written (``surface``). A named tuple, which a snapshot (:mod:`kg.snapshot`) loads
    several times faster than a frozen dataclass: a large graph has hundreds of
    thousands."""

    form: str
    cid: str
    what: Literal["id", "label", "alias"]
    surface: str


class SearchIndex:
    """Every id, label and alias of a graph in normalised form.

    Fuzzy matching does not compare a query with every form: :class:`_Words` chooses the
    candidates, and rapidfuzz scores them as :meth:`search` with ``exhaustive`` scores
    every form (same scorer, cutoff and order of equal scores), so the hits are the
    same whenever the candidates hold the forms the exhaustive comparison finds. See
    :class:`_Words` for when they do.
    """

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
        exact: dict[str, list[_Entry]] = {}
        for e in entries:
            exact.setdefault(e.form, []).append(e)
        # each distinct form once, for fuzzy matching, with the entries that have it,
        # shortest first: a ratio can reach the cutoff only within a window of lengths
        # (see _Scan), and a form's index is its place in that order
        forms = sorted(exact, key=len)
        self.exact: dict[str, tuple[_Entry, ...]] = {f: tuple(exact[f]) for f in forms}
        self.forms = forms
        self.form_entries = list(self.exact.values())
        # token_sort_ratio is ratio on words put in order: ordered once here (the length
        # stays); a form already in order needs no second look unless the query is out
        # of order (None then in reordered_of)
        self.in_order: list[str] = []
        self.reordered_of: list[str | None] = []
        for form in forms:
            ordered = _in_order(form)
            self.in_order.append(form if ordered == form else ordered)
            self.reordered_of.append(None if ordered == form else ordered)
        self.words = _Words(forms)
        # for prefix look-ups: whole forms, and the tails of forms that start at a later
        # word; a tail such as "crelex" ends many forms, and is kept once
        self.heads = _Prefixes((e.form, i, len(e.form)) for i, e in enumerate(entries))
        tails: dict[str, str] = {}
        self.tails = _Prefixes(
            (tails.setdefault(tail, tail), i, len(e.form))
            for i, e in enumerate(entries)
            for tail in _tails(e.form)
        )

    def search(
        self, query: str, limit: int = 10, kind: str | None = None, *, exhaustive: bool = False
    ) -> list[SearchHit]:
        """Concepts for ``query``, best first; see the module docstring. ``exhaustive``
        compares the query with every form for fuzzy hits instead of the candidates (see
        :func:`search_exhaustive`)."""
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
        for entry in sorted(self.exact.get(q, ()), key=lambda e: e.what != "label"):
            if entry.what == "id":
                offer(entry, 1.0 if raw == entry.cid else 0.97, "id")
            else:
                offer(entry, 1.0 if entry.what == "label" else 0.98, entry.what)
        # prefix: the query begins the term, or begins one of its later words; the best
        # ``limit`` concepts overall are among the best ``limit`` of each way
        heads: set[str] = set()
        for i in self.heads.starting(q, lambda: len(heads) >= limit):
            entry = self.entries[i]
            if entry.form != q and offer(entry, 0.6 + 0.3 * len(q) / len(entry.form), "prefix"):
                heads.add(entry.cid)
        if len(q) >= 3:
            tails: set[str] = set()
            for i in self.tails.starting(q, lambda: len(tails) >= limit):
                entry = self.entries[i]
                if offer(entry, 0.55 + 0.2 * len(q) / len(entry.form), "prefix"):
                    tails.add(entry.cid)
            # a fuzzy score stays below 0.5, under every exact and prefix score: with
            # ``limit`` concepts found already, no fuzzy hit could make the list
            if len(best) < limit:
                for score, i in self._fuzzy(q, limit * 4, exhaustive):
                    for entry in self.form_entries[i]:
                        offer(entry, 0.5 * score / 100 - 0.0001, "fuzzy")
        hits = [
            SearchHit(cid, concepts[cid].label, concepts[cid].kind, round(score, 4), match, surface)
            for cid, (score, match, surface) in best.items()
        ]
        hits.sort(key=lambda h: (-h.score, len(h.label), h.label))
        return hits[:limit]

    def _fuzzy(self, q: str, limit: int, exhaustive: bool = False) -> list[tuple[float, int]]:
        """Forms like ``q``: (score, form index), the better of the plain ratio and
        0.95 times the ratio with words in order (rapidfuzz's token_sort_ratio)."""
        sorted_q = _in_order(q)
        if exhaustive or len(self.forms) <= BUDGET:
            # with few forms, comparing every one costs no more than choosing candidates
            plain, ordered, reordered = self._scans
            first = plain.extract(q, limit, FUZZY_CUTOFF)
            # when neither side changes on ordering, the second score is 0.95 of the first
            scan = ordered if sorted_q != q else reordered
            second = scan.extract(sorted_q, limit, FUZZY_CUTOFF / 0.95)
        else:
            forms = list(self.words.candidates(q))
            first = _among(q, self.forms, forms, limit, FUZZY_CUTOFF)
            texts = self.in_order if sorted_q != q else self.reordered_of
            second = _among(sorted_q, texts, forms, limit, FUZZY_CUTOFF / 0.95)
        best: dict[int, float] = {}
        for score, i in first:
            best[i] = score
        for score, i in second:
            best[i] = max(best.get(i, 0.0), 0.95 * score)
        return sorted(((score, i) for i, score in best.items()), key=lambda f: -f[0])

    @cached_property
    def _scans(self) -> tuple[_Scan, _Scan, _Scan]:
        """Every form, every form with its words in order, and those of the latter
        that changed: what the exhaustive comparison reads (made when first asked)."""
        every = range(len(self.forms))
        changed = [i for i in every if self.reordered_of[i] is not None]
        return (
            _Scan(self.forms, every),
            _Scan(self.in_order, every),
            _Scan([self.in_order[i] for i in changed], changed),
        )


def _among(
    q: str, texts: Sequence[str | None], forms: list[int], limit: int, cutoff: float
) -> list[tuple[float, int]]:
    """What :meth:`_Scan.extract` finds among all ``texts`` (shortest first, by form
    index), from those of ``forms`` only: the ``limit`` best from ``cutoff`` up, equal
    scores in the order of the texts. A form of a length out of the scan's window cannot
    reach the cutoff; a text that is None is passed over."""
    found = process.extract(
        q, list(map(texts.__getitem__, forms)), scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
    )
    best = sorted(((score, forms[j]) for _text, score, j in found), key=lambda f: (-f[0], f[1]))
    return best[:limit]


class _Group:
    """The forms that hold the words near a probe of the query (see :class:`_Words`)."""

    __slots__ = ("of", "postings", "size")

    def __init__(self, postings: list[array[int]], of: frozenset[str] = frozenset()) -> None:
        self.postings = postings
        self.size = sum(map(len, postings))
        """How many forms, a form counted once for each of its words found."""
        self.of = of
        """The words of the query the probe stands for."""

    def forms(self) -> set[int]:
        return set(chain.from_iterable(self.postings))

    def common(self, other: _Group) -> set[int]:
        """The forms in both groups."""
        if not self.size or not other.size:
            return set()
        small, large = (self, other) if self.size <= other.size else (other, self)
        return small.forms().intersection(chain.from_iterable(large.postings))


class _Words:
    """The words of the forms, to choose which forms fuzzy matching compares with a
    query: for each word the forms that hold it (form indices, so shortest first), and
    the words near a query's words, found with a symmetric deletion dictionary
    (:class:`_Deletions`).

    The candidates of a query (:meth:`candidates`) are the forms holding a word near one
    of its words (within two deletions on either side, or one for a word of three or
    four letters, so two substitutions, insertions or deletions, or a transposition),
    or near two of its words written as one (a space typed inside a word); and for a
    word that is none of the names' words, split in two where both halves are, or one
    half is and the other near one (a space left out), those holding both halves, or
    near words of both halves when the word is near no word at all. Groups of forms are
    taken smallest first up to :data:`BUDGET` forms; of the groups left out (words
    common in the names), the forms within two letters of the query's length, and those
    holding two of the query's words, are still taken.

    Why one typo leaves the first hit as it is: a form can match better than the name
    typed only if it is within two deletions of the query on one side, or one on each
    (a better ratio allows no more edits), so within two letters of its length. Each of
    its words but at most two is then a word of the query, and the others are near one
    or join two of them, or it splits a word of the query where a half is a name's word:
    it is a candidate, unless the only halves that would find it have one or two
    letters. No first hit has differed in the samples of the tests
    (``tests/kg/test_search_equivalence.py``, all six kinds of typo) or of
    ``python -m bench.scale`` at 50,000 concepts. What can be missed is a fuzzy hit low
    in the list (ratios of 72-80) that shares only a common word with the query, or no
    word near one; how often that changes the list with two typos is measured there.
    """

    def __init__(self, forms: list[str]) -> None:
        postings: dict[str, list[int]] = {}
        for i, form in enumerate(forms):
            for word in dict.fromkeys(form.split()):
                postings.setdefault(word, []).append(i)
        self.ids = {word: k for k, word in enumerate(postings)}
        self.postings = [array("i", found) for found in postings.values()]
        self.deletions = _Deletions(self.ids.items())
        # the first form of each length and more (forms are shortest first)
        longest = len(forms[-1]) if forms else 0
        self.first_of_length = array(
            "i", (bisect_left(forms, n, key=len) for n in range(longest + 2))
        )

    def of_length(self, n: int) -> int:
        """The first form at least ``n`` long (the number of forms if none is)."""
        starts = self.first_of_length
        return starts[min(max(n, 0), len(starts) - 1)]

    def near(self, word: str, depth: int, of: frozenset[str] = frozenset()) -> _Group:
        """The forms holding words near ``word``, within ``depth`` deletions of it."""
        return _Group([self.postings[k] for k in set(self.deletions.find(word, depth))], of)

    def candidates(self, q: str) -> set[int]:
        """The forms fuzzy matching compares with the normalised query ``q``."""
        words = q.split()
        near = {w: self.near(w, 2, frozenset((w,))) for w in words}
        # spaces typed inside words: two words next to each other as one, and all
        joins = {a + b: frozenset((a, b)) for a, b in zip(words, words[1:], strict=False)}
        joins.setdefault("".join(words), frozenset(words))
        joined = [self.near(w, 1, of) for w, of in joins.items() if w not in near]
        found: set[int] = set()
        left = _take([*near.values(), *joined], found, BUDGET, first=True)
        # of the groups left out, the forms that could beat the name typed ...
        lo, hi = self.of_length(len(q) - 2), self.of_length(len(q) + 3)
        for group in left:
            for posting in group.postings:
                found.update(posting[bisect_left(posting, lo) : bisect_left(posting, hi)])
        # ... and those holding two of the query's words (not a word and the two it
        # joins: they are often near the same word of a name, which makes no pair)
        for one, other in combinations(left, 2):
            if not one.of & other.of:
                found |= one.common(other)
        halves: list[_Group] = []
        for w in dict.fromkeys(words):
            if w in self.ids or len(w) < 6:
                continue
            fuzzy = not near[w].postings
            for k in range(3, len(w) - 2):
                head, tail = w[:k], w[k:]
                if fuzzy or head in self.ids or tail in self.ids:
                    a = self.near(head, 1 if fuzzy or head not in self.ids else 0)
                    b = self.near(tail, 1 if fuzzy or tail not in self.ids else 0)
                    found |= a.common(b)
                    halves += (a, b)
        _take(halves, found, BUDGET - len(found))
        return found


BUDGET = 3000
"""How many forms the groups of a query's words may add to its candidates, smallest
group first (see :class:`_Words`)."""


def _take(groups: list[_Group], found: set[int], budget: int, first: bool = False) -> list[_Group]:
    """Adds the forms of ``groups`` to ``found``, smallest group first, as long as they
    fit in ``budget`` (and the smallest that is not empty in any case when ``first``);
    returns the groups left out."""
    left: list[_Group] = []
    total = 0
    for group in sorted(groups, key=lambda g: g.size):
        if (first and not total) or total + group.size <= budget:
            found.update(chain.from_iterable(group.postings))
            total += group.size
        else:
            left.append(group)
    return left


def _depth(n: int) -> int:
    """How many deletions of a word of ``n`` letters are looked at."""
    return 0 if n <= 2 else 1 if n <= 4 else 2


def _deletions(text: str, depth: int) -> set[str]:
    """``text`` and what deleting up to ``depth`` of its characters leaves."""
    found = edge = {text}
    for _ in range(depth):
        edge = {t[:i] + t[i + 1 :] for t in edge for i in range(len(t))}
        found = found | edge
    return found


class _Deletions:
    """Strings by their deletions (as many as :func:`_depth` says for their length), to
    find those within a few deletions on either side of a query: a symmetric deletion
    dictionary, as in SymSpell. Kept compact: one sorted array of 64-bit items, the CRC32
    of the string or of a deletion above the id of the string, with where each value of
    the hash's top bits starts; a hash shared by chance only adds a candidate, which
    rapidfuzz then scores. CRC32 rather than ``hash()``, which differs from one process to
    the next: the index is kept in snapshots (:mod:`kg.snapshot`) that another process
    loads."""

    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        chunks = [array("Q") for _ in range(16)]  # sorted a sixteenth at a time
        for text, k in items:
            for v in _deletions(text, _depth(len(text))):
                h = crc32(v.encode())
                chunks[h >> 28].append(h << 32 | k)
        self.items = array("Q")
        for chunk in chunks:
            self.items.extend(sorted(chunk))
        self.starts = array("I", (bisect_left(self.items, b << 50) for b in range(_BUCKETS + 1)))

    def find(self, q: str, depth: int) -> Iterator[int]:
        """Ids of the strings within ``depth`` deletions of ``q`` (fewer for a short
        ``q``, see :func:`_depth`) on either side, and a few more."""
        items, starts = self.items, self.starts
        for text in _deletions(q, min(depth, _depth(len(q)))):
            h = crc32(text.encode())
            end = starts[(h >> 18) + 1]
            at = bisect_left(items, h << 32, starts[h >> 18], end)
            while at < end and items[at] >> 32 == h:
                yield items[at] & _LOW
                at += 1


_LOW = 0xFFFFFFFF
_BUCKETS = 1 << 14


class _Prefixes:
    """Texts with the entry each belongs to, sorted, in buckets by the length of the
    entry's whole form (a prefix hit scores higher the shorter its form, so the buckets
    are read shortest first and reading stops once enough are found); the texts of a
    bucket in a list beside an array of their entries."""

    def __init__(self, items: Iterable[tuple[str, int, int]]) -> None:
        buckets: dict[int, list[tuple[str, int]]] = {}
        for text, i, length in items:
            buckets.setdefault(length, []).append((text, i))
        self.buckets: list[tuple[int, list[str], array[int]]] = []
        for length in sorted(buckets):
            pairs = sorted(buckets.pop(length))
            texts = [text for text, _ in pairs]
            self.buckets.append((length, texts, array("i", [i for _, i in pairs])))

    def starting(self, q: str, enough: Callable[[], bool]) -> Iterator[int]:
        """Entries whose text starts with ``q``, shortest form first, one length of form
        at a time until ``enough()`` says so."""
        for length, texts, entries in self.buckets:
            if length < len(q):
                continue
            at = bisect_left(texts, q)
            while at < len(texts) and texts[at].startswith(q):
                yield entries[at]
                at += 1
            if enough():
                return


class _Scan:
    """Strings shortest first, each with the index it stands for, for fuzzy matching."""

    def __init__(self, texts: list[str], index: Sequence[int]) -> None:
        self.texts = texts
        self.index = index
        self.lengths = [len(t) for t in texts]

    def extract(self, q: str, limit: int, cutoff: float) -> list[tuple[float, int]]:
        """(score, index) of the ``limit`` texts with the best ratio to ``q`` from
        ``cutoff`` (0-100) up, best first, equal scores in the order of the texts. A
        ratio of r needs lengths within a factor of (200 - r) / r of each other, so only
        that window of lengths is scanned."""
        n = len(q)
        factor = (200 - cutoff) / cutoff
        lo = bisect_left(self.lengths, math.ceil(n / factor - 1e-9))
        hi = bisect_right(self.lengths, math.floor(n * factor + 1e-9))
        if lo >= hi:
            return []
        found = process.extract(
            q, self.texts[lo:hi], scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        return [(score, self.index[lo + j]) for _text, score, j in found]


def _tails(form: str) -> Iterator[str]:
    """What follows each space of ``form``, first to last."""
    at = form.find(" ")
    while at >= 0:
        yield form[at + 1 :]
        at = form.find(" ", at + 1)


def _in_order(form: str) -> str:
    return " ".join(sorted(form.split()))


_INDEXES = PerGraph(SearchIndex)


def index_for(graph: KnowledgeGraph) -> SearchIndex:
    """The search index of ``graph``, built on first use and kept with the graph."""
    return _INDEXES(graph)


def keep_index(graph: KnowledgeGraph, index: SearchIndex) -> None:
    """Keep ``index`` (read from a snapshot file) as the search index of ``graph``."""
    _INDEXES.keep(graph, index)


def search(
    graph: KnowledgeGraph, query: str, limit: int = 10, kind: str | None = None
) -> list[SearchHit]:
    """Search ``graph`` for ``query`` (see :class:`SearchIndex`)."""
    return index_for(graph).search(query, limit, kind)


def search_exhaustive(
    graph: KnowledgeGraph, query: str, limit: int = 10, kind: str | None = None
) -> list[SearchHit]:
    """:func:`search` comparing the query with every name for fuzzy hits rather than
    with the candidates of its index: the reference the index is checked against (by
    the tests and ``bench.scale``), too slow for a large graph."""
    return index_for(graph).search(query, limit, kind, exhaustive=True)


def resolve(graph: KnowledgeGraph, term: str, param: str | None = None) -> Concept:
    """The one concept ``term`` names: by id, label or alias, then by a clear best guess.

    Raises :class:`ConceptNotFound` (with suggestions) when nothing fits, its
    :class:`~kg.errors.ConceptGone` for a deleted concept's id, and
    :class:`AmbiguousTerm` when several concepts fit a prefix equally.
    """
    exact = graph.lookup(term)
    if exact is not None:
        return exact
    gone = graph.gone(term)  # a deleted concept's id: said so, not guessed at
    if gone is not None:
        raise gone
    hits = search(graph, term, limit=5)
    prefix = [h for h in hits if h.match == "prefix"]
    if len(prefix) == 1:
        return graph.concepts[prefix[0].id]
    fuzzy = [h for h in hits if h.match == "fuzzy"]
    if not prefix and fuzzy and fuzzy[0].score >= 0.5 * RESOLVE_CUTOFF / 100 - 0.0001:
        runner_up = fuzzy[1].score if len(fuzzy) > 1 else 0.0
        if fuzzy[0].score - runner_up >= 0.01:
            return graph.concepts[fuzzy[0].id]
    raise _unresolved(graph, term, hits, param)


def unresolved(
    graph: KnowledgeGraph, term: str, param: str | None = None
) -> AmbiguousTerm | ConceptNotFound:
    """The error for ``term`` when it is not a concept's id, label or alias: a deleted
    concept's :class:`~kg.errors.ConceptGone`, else the
    candidates :func:`resolve` would list (several concepts a prefix fits equally, else
    the nearest names), so that every front end that refuses a term offers the same ones."""
    return graph.gone(term) or _unresolved(graph, term, search(graph, term, limit=5), param)


def _unresolved(
    graph: KnowledgeGraph, term: str, hits: list[SearchHit], param: str | None
) -> AmbiguousTerm | ConceptNotFound:
    prefix = [h.id for h in hits if h.match == "prefix"]
    if len(prefix) > 1:
        return AmbiguousTerm(term, prefix, param)
    return ConceptNotFound(term, [h.id for h in hits] or graph.suggest(term), param)
