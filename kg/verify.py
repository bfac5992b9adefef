"""Check the quotations in a text, such as a language model's answer, against the sources.

:func:`verify` finds every quoted passage of a text and says, for each, whether a source
of the graph holds it: ``exact``, ``near`` (with the closest passage and how alike the
two are) or ``not_found``. It also lists the glossary terms the text uses, so that a
client can link them.

What counts as a quoted passage:

- words between straight double quotes ``"..."``, curly double quotes, and curly or
  straight single quotes, within one paragraph. A single quote mark inside a word or
  after a word's last letter (don't, models' goals) is an apostrophe unless a single
  quote is open; a straight one opens a quotation only where an apostrophe could not
  stand (not after a letter, and before a word); an open quote is closed by the first
  single quote mark that ends a word, so a possessive plural inside a single-quoted
  passage ends it early;
- markdown block quotes: consecutive lines starting with ``>`` are one passage. A last
  line starting with a dash (``— Robert Miles``) is an attribution and is left out, and
  quote marks around the whole passage are dropped. Quote marks inside a block quote
  belong to the quoted text and start no passage of their own;
- nothing inside code (fenced blocks and backtick spans).

An inline quotation of fewer than ``min_words`` words (:data:`MIN_QUOTE_WORDS`, 4, by
default) is a *term* (a scare-quoted word, a name such as "mesa-optimizer"), not a
claim to quote anyone: it is listed under ``terms`` and not looked for. Block quotes are
always checked.

An ellipsis (``…``, ``...``, ``[…]``) splits a quotation into parts quoted separately:
each part must be found, in order, in the same source.

A passage is ``exact`` when its words are in a source text, compared as the loader
compares a citation's quote (:class:`kg.citations.IndexedText`: runs of white space and
typographic quotes folded); failing that, with these differences also allowed, none of
which changes the words: trailing punctuation inside the closing quote mark ("the base
objective,"), the case of the first letter, quote marks and apostrophes (left out, as a
model often leaves out the source's own quote marks), dashes (an em dash, an en dash,
``--`` or a spaced hyphen, with or without spaces around it), and the source's markdown
(``*emphasis*``, a link's ``[text](url)`` read as its text). A part is matched at word
boundaries: "select" is not found in "selects". Of several places, the first in the
first source (in the graph's order) is given.

Otherwise the closest passage of each source is looked for (:func:`_near`: where the
quotation's rarer words are, then rapidfuzz's ``fuzz.ratio`` over whole-word windows
there), and the best of them is scored by the mean of two similarities, each 0..1 and
ignoring case: of the characters (``fuzz.ratio``) and of the word sequences (normalised
Levenshtein similarity over words). A score of at least ``threshold``
(:data:`NEAR_THRESHOLD`) is ``near``, with the passage and the words that differ; below
it, ``not_found``. The word similarity is what keeps invented sentences out: written
about the same things in the sources' own words, they come close on characters but not
on the order of the words. Parts of fewer than ``min_words`` words (after an ellipsis)
are never ``near``: they are found exactly or not at all.

Sources without a text (the 2019 paper) are never matched.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "data")
>>> r = verify(g, 'Miles calls SGD "the base optimizer" and says that "a mesa-optimizer '
...     'is a learned algorithm that is itself an optimizer."')
>>> [(q.text, q.status, q.match and q.match.source) for q in r.quotes]
[('a mesa-optimizer is a learned algorithm that is itself an optimizer.', 'exact', \
'what-is-inner-alignment')]
>>> [t.text for t in r.terms], r.summary.exact
(['the base optimizer'], 1)
>>> (q,) = verify(g, '"This is a failure of outer alignment."').quotes
>>> q.status, q.match.text, [(d.quoted, d.source) for d in q.differences]
('near', 'This is a failure of inner alignment.', [('outer', 'inner')])
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, Literal
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kg.annotate import annotate
from kg.citations import IndexedText, normalize_text
from kg.errors import KGError
from kg.graph import KnowledgeGraph

MIN_QUOTE_WORDS = 4
"""Inline quotations shorter than this many words are terms, not quotations."""
NEAR_THRESHOLD = 0.75
"""The least score of a ``near`` passage, chosen on the scores bench/README.md lists
(``python -m bench.verify --calibrate``): above every sentence made up on the topic,
below nearly every passage of the sources of six or more words with one word changed."""

COMMON = 50
"""A word found more often than this in a source (the, of, and objective in the video)
does not help find where a quotation is in it: only rarer words are used to find the
places to look."""

MAX_QUOTES = 2_000
"""The most quoted passages one call checks (each part an ellipsis separates counts).
The work is per passage, and most for one no source has, so a bound on the text's
length alone would let a text of nothing but short made-up quotations run far longer
than any answer needs (bench/README.md). A long model answer holds dozens."""
MAX_SLACK = 20
"""How many words a near passage may start or end away from where the votes put it."""
VOTERS = 16
"""How many of a quotation's words (its rarest in the source) are used to find where it
may be."""

Status = Literal["exact", "near", "not_found"]
Style = Literal["straight", "curly", "single", "block"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Frozen):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class SourcePassage(_Frozen):
    """A passage of a source text: ``text`` is the source's text from ``start`` to ``end``."""

    source: str = Field(description="the source's id")
    title: str = Field(description="the source's title")
    start: int = Field(ge=0, description="offset in the source text as stored")
    end: int = Field(ge=0, description="offset just after the passage")
    text: str = Field(description="the passage as the source has it")
    cited: Span | None = Field(
        default=None,
        description="the passage of this source cited by the graph that overlaps this one "
        "most, if any (the source's page marks and anchors the passages the graph cites)",
    )


class Difference(_Frozen):
    """Words of a quotation that its source passage has otherwise."""

    quoted: str = Field(description="the words as quoted (empty: the quotation leaves out)")
    source: str = Field(description="the words as the source has them (empty: it adds)")


class QuotePart(_Frozen):
    """One part of a quotation (the whole of it unless an ellipsis splits it)."""

    start: int = Field(ge=0, description="offset of the part in the text checked")
    end: int = Field(ge=0, description="offset just after the part")
    text: str = Field(description="the part as quoted")
    status: Status
    score: float = Field(ge=0, le=1, description="1 when exact; how alike otherwise")
    match: SourcePassage | None = Field(
        description="where the source has the part (exact) or its closest passage (near)"
    )
    differences: tuple[Difference, ...] = Field(
        default=(),
        description="when near, the words that differ from the passage, in order (case and "
        "punctuation aside)",
    )


class Quote(_Frozen):
    """A quoted passage of the text and whether a source holds it."""

    start: int = Field(ge=0, description="offset of the quoted words in the text checked")
    end: int = Field(ge=0, description="offset just after them")
    text: str = Field(
        description="the quoted words: the text from start to end, except that a block "
        "quote's markers and attribution line are left out"
    )
    style: Style = Field(
        description="straight or curly double quotes (straight, curly), curly or straight "
        "single quotes (single), or a block quote (block)"
    )
    status: Status = Field(
        description="exact: a source has these words; near: a source has a passage much "
        "like them (match); not_found: no source has anything close"
    )
    score: float = Field(
        ge=0,
        le=1,
        description="1 when exact; otherwise the similarity of the closest passage (the "
        "lowest of the parts')",
    )
    match: SourcePassage | None = Field(
        description="the source passage from the first part's start to the last part's end; "
        "null when not_found"
    )
    parts: tuple[QuotePart, ...] = Field(
        description="the parts an ellipsis separates, in order; one part when there is none"
    )
    differences: tuple[Difference, ...] = Field(
        default=(), description="when near, the parts' differences from the source, in order"
    )


class QuotedTerm(_Frozen):
    """A quoted string too short to be a quotation: a term or a scare-quoted word."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    style: Style
    concept: str | None = Field(description="the concept the term names, if it names one")


class GlossaryTerm(_Frozen):
    """A glossary term the text uses (its first occurrence)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = Field(description="the words as they appear in the text")
    id: str = Field(description="the concept they name")
    label: str


class Summary(_Frozen):
    quotes: int = Field(ge=0, description="quotations checked")
    exact: int = Field(ge=0)
    near: int = Field(ge=0)
    not_found: int = Field(ge=0)
    terms: int = Field(ge=0, description="quoted strings taken as terms, not checked")


class Verification(_Frozen):
    """What :func:`verify` finds in a text."""

    quotes: tuple[Quote, ...]
    terms: tuple[QuotedTerm, ...]
    glossary: tuple[GlossaryTerm, ...]
    summary: Summary


# -- finding the quoted passages


@dataclass(frozen=True)
class _Passage:
    """Quoted words: ``text[i]`` stood at ``at[i]`` in the text checked."""

    text: str
    at: Sequence[int]
    """A range for words quoted inline, a tuple for a block quote's lines."""
    style: Style

    def span(self, i: int, j: int) -> tuple[int, int]:
        """The offsets in the text checked of ``self.text[i:j]``."""
        return self.at[i], self.at[j - 1] + 1

    def sub(self, i: int, j: int) -> _Passage:
        return _Passage(self.text[i:j], self.at[i:j], self.style)

    def stripped(self) -> _Passage:
        i, j = 0, len(self.text)
        while i < j and self.text[i].isspace():
            i += 1
        while j > i and self.text[j - 1].isspace():
            j -= 1
        return self.sub(i, j)


_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)[^\n]*\n.*?(?:^[ \t]{0,3}\1[^\n]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:[^`\n]|\n(?![ \t]*\n))+?\1")
_BLOCK_LINE = re.compile(r"^[ \t]{0,3}>[ \t]?(?:>[ \t]?)*", re.M)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_MARKS = re.compile(r"[\"'\u201c\u201d\u2018\u2019]|\n[ \t]*\n")
_ATTRIBUTION = re.compile(r"[ \t]*(?:\u2014|\u2013|--)[ \t]*\S")
_ELLIPSIS = re.compile(r"\[\s*(?:\u2026|\.\s?\.\s?\.)\s*\]|\u2026|\.\s?\.\s?\.")
_WRAPS = {'"': '"', "\u201c": "\u201d", "\u2018": "\u2019"}


def _code_spans(text: str) -> list[tuple[int, int]]:
    fences = [m.span() for m in _FENCE.finditer(text)]
    spans = [m.span() for m in _CODE_SPAN.finditer(text) if not _within(fences, m.start())]
    return sorted(fences + spans)


def _within(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether ``at`` is inside one of ``spans`` (sorted, not overlapping)."""
    k = bisect_right(spans, at, key=_first) - 1
    return k >= 0 and at < spans[k][1]


def _first(span: tuple[int, int]) -> int:
    return span[0]


def _block_quotes(
    text: str, code: list[tuple[int, int]], limit: int | None = None
) -> list[tuple[_Passage, int, int]]:
    """Each block quote as a passage, with the span of its lines in ``text``; past
    ``limit`` of them, :class:`TooManyQuotations`."""
    blocks: list[tuple[_Passage, int, int]] = []
    lines: list[tuple[int, int, int]] = []  # line start, content start, content end

    def close() -> None:
        if not lines:
            return
        chars: list[str] = []
        at: list[int] = []
        pieces = [(text[c:e], c, e) for _s, c, e in lines]
        if len(pieces) > 1 and _ATTRIBUTION.match(pieces[-1][0]):
            pieces.pop()
        for n, (piece, c, e) in enumerate(pieces):
            if n:
                chars.append("\n")
                at.append(pieces[n - 1][2])
            chars.extend(piece)
            at.extend(range(c, e))
        passage = _unwrapped(_Passage("".join(chars), tuple(at), "block").stripped())
        if passage.text:
            blocks.append((passage, lines[0][0], lines[-1][2]))
            if limit is not None and len(blocks) > limit:
                raise TooManyQuotations(limit)
        lines.clear()

    for m in _BLOCK_LINE.finditer(text):
        if _within(code, m.start()):
            continue
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if lines and text.count("\n", lines[-1][2], m.start()) != 1:
            close()
        lines.append((m.start(), m.end(), end))
    close()
    return blocks


def _unwrapped(passage: _Passage) -> _Passage:
    """A block quote without quote marks around all of it (and an attribution after them:
    ``"..." — Robert Miles`` or ``"..." (the FAQ)``)."""
    text = passage.text
    close = _WRAPS.get(text[:1])
    if close is None:
        return passage
    end = text.rfind(close, 1)
    rest = text[end + 1 :].strip() if end > 0 else ""
    if end > 0 and (not rest or rest[0] in "\u2014\u2013-("):
        return passage.sub(1, end).stripped()
    return passage


def _inline_quotes(text: str, skip: list[tuple[int, int]]) -> Iterator[_Passage]:
    """The passages between quote marks, outside ``skip`` (code and block quotes)."""
    size = len(text)
    opened: tuple[str, int] | None = None  # the open mark and where it is
    bounds = [b for span in skip for b in span]
    for m in _MARKS.finditer(text):
        i = m.start()
        if bounds:
            k = bisect_right(bounds, i)
            if k % 2:  # inside a skipped span
                opened = None
                continue
            if opened and bisect_right(bounds, opened[1]) != k:  # a skipped span between
                opened = None
        mark = m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < size else " "
        if mark.startswith("\n"):
            opened = None
        elif mark == "\u201c":
            if opened is None or opened[0] == "\u201c":
                opened = (mark, i)
        elif mark == "\u201d":
            if opened and opened[0] == "\u201c":
                if i > opened[1] + 1:
                    yield _span(text, opened[1] + 1, i, "curly")
                opened = None
        elif mark == '"':
            if opened and opened[0] == '"' and not before.isspace():
                if i > opened[1] + 1:
                    yield _span(text, opened[1] + 1, i, "straight")
                opened = None
            elif (opened is None or opened[0] == '"') and not after.isspace():
                if not before.isalnum():
                    opened = (mark, i)
        elif mark == "'" and opened and opened[0] == "'":
            # closes where an apostrophe could not stand: after a word, before no letter
            # ("don't" and "it's" stay inside, "models' goals" closes, as with curly ones)
            if not before.isspace() and not after.isalnum():
                if i > opened[1] + 1:
                    yield _span(text, opened[1] + 1, i, "single")
                opened = None
        elif mark == "'":
            # opens where an apostrophe could not stand: not after a letter, before a word
            if opened is None and not before.isalnum() and not after.isspace():
                opened = (mark, i)
        elif mark == "\u2018":
            if (opened is None or opened[0] == "\u2018") and not before.isalnum():
                opened = (mark, i)
        elif mark == "\u2019":
            if opened and opened[0] == "\u2018" and not before.isspace() and not after.isalnum():
                if i > opened[1] + 1:
                    yield _span(text, opened[1] + 1, i, "single")
                opened = None


def _span(text: str, start: int, end: int, style: Style) -> _Passage:
    return _Passage(text[start:end], range(start, end), style).stripped()


def _quoted(text: str, limit: int | None = None) -> list[_Passage]:
    """Every quoted passage of ``text``, in order of position; past ``limit`` of them,
    :class:`TooManyQuotations`."""
    code = _code_spans(text)
    blocks = _block_quotes(text, code, limit)
    skip = sorted([*code, *((a, b) for _p, a, b in blocks)])
    merged: list[tuple[int, int]] = []
    for a, b in skip:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    found = [p for p, _a, _b in blocks]
    for p in _inline_quotes(text, merged):
        if p.text:
            found.append(p)
            if limit is not None and len(found) > limit:
                raise TooManyQuotations(limit)
    return sorted(found, key=lambda p: p.at[0])


def _parts(passage: _Passage) -> list[_Passage]:
    """The parts an ellipsis separates, without empty ones."""
    out = []
    last = 0
    for m in _ELLIPSIS.finditer(passage.text):
        out.append(passage.sub(last, m.start()).stripped())
        last = m.end()
    out.append(passage.sub(last, len(passage.text)).stripped())
    return [p for p in out if any(c.isalnum() for c in p.text)]


# -- the sources, prepared for look-ups


_MARKUP = re.compile(
    r"\[(?P<link>[^\[\]\n]*)\]\([^()\s]*\)"
    r"|(?P<dash>\s*(?:[\u2012\u2013\u2014\u2015]|--)\s*|[ \t]+-[ \t]+)"
    r"|(?P<emphasis>\*+)"
    r"|(?P<quote>[\"'\u2018\u2019\u201c\u201d])"
)
_TRAILING = re.compile(r"[\s.,;:!?]+$")
_WORDS = re.compile(r"\w+")


def _plain(text: str) -> tuple[str, list[int]]:
    """``text`` with markdown links read as their text, emphasis and quote marks (and
    apostrophes) dropped and every dash written one way, with the offset in ``text`` of
    each character kept."""
    out: list[str] = []
    at: list[int] = []
    last = 0
    for m in _MARKUP.finditer(text):
        out.append(text[last : m.start()])
        at.extend(range(last, m.start()))
        if m.group("link") is not None:
            out.append(m.group("link"))
            at.extend(range(m.start("link"), m.end("link")))
        elif m.group("dash") is not None:
            out.append("\u2014")
            at.append(m.start() + len(m.group()) - len(m.group().lstrip()))
        last = m.end()
    out.append(text[last:])
    at.extend(range(last, len(text)))
    return "".join(out), at


@dataclass(frozen=True)
class _Layer:
    """A source text folded one way: ``orig[i]`` is where ``text[i]`` is in the source."""

    text: str
    orig: tuple[int, ...]

    def find(self, needle: str, pos: int) -> tuple[int, int] | None:
        """The first whole-word occurrence of ``needle`` at or after source offset ``pos``,
        as offsets in the source."""
        i = bisect_left(self.orig, pos)
        for _ in range(_TRIES):
            at = self.text.find(needle, i)
            if at < 0:
                return None
            if not self._touches(needle, at):
                return self.orig[at], self.orig[at + len(needle) - 1] + 1
            i = at + 1
        # a short part inside many words ("e"): the rest is searched by a pattern, which
        # is slower to start but does not walk every occurrence in Python
        found = _pattern(needle).search(self.text, i)
        if found is None:
            return None
        return self.orig[found.start()], self.orig[found.end() - 1] + 1

    def rfind(self, needle: str, limit: int) -> tuple[int, int] | None:
        """The last whole-word occurrence of ``needle`` ending by source offset ``limit``
        (of the last :data:`_TRIES` occurrences, whole words or not)."""
        j = bisect_left(self.orig, limit)
        for _ in range(_TRIES):
            at = self.text.rfind(needle, 0, j)
            if at < 0:
                return None
            if not self._touches(needle, at):
                return self.orig[at], self.orig[at + len(needle) - 1] + 1
            j = at + len(needle) - 1
        return None

    def _touches(self, needle: str, at: int) -> bool:
        end = at + len(needle)
        if at and needle[0].isalnum() and self.text[at - 1].isalnum():
            return True
        return end < len(self.text) and needle[-1].isalnum() and self.text[end].isalnum()


_TRIES = 20


@lru_cache(maxsize=4096)
def _pattern(needle: str) -> re.Pattern[str]:
    """``needle`` as whole words: no letter or digit just before or after it where it
    starts or ends with one."""
    before = r"(?<![^\W_])" if needle[:1].isalnum() else ""
    after = r"(?![^\W_])" if needle[-1:].isalnum() else ""
    return re.compile(before + re.escape(needle) + after)


@dataclass(frozen=True)
class _Source:
    id: str
    title: str
    text: str
    verbatim: _Layer
    """Folded as the loader folds a quote."""
    plain: _Layer
    """Also folded as :func:`_plain` does."""
    lower: str
    """``plain.text`` lower-cased (the same length), for fuzzy matching."""
    starts: tuple[int, ...]
    """Where each word of ``lower`` starts (words are separated by single spaces)."""
    ends: tuple[int, ...]
    """Where each word of ``lower`` ends."""
    postings: dict[str, tuple[int, ...]]
    """For each word's letters and digits (:func:`_key`), the words of ``lower`` that
    have them, in order; left out for words more frequent than :data:`COMMON`."""
    cited: tuple[tuple[int, int], ...]
    """The passages of this source the graph cites, in order."""
    longest: int
    """The length of the longest of them."""

    @classmethod
    def build(cls, graph: KnowledgeGraph, sid: str) -> _Source:
        text = graph.source_text(sid)
        verbatim = IndexedText.build(text)
        plain_text, back = _plain(text)
        plain = IndexedText.build(plain_text)
        lower = _lower(plain.normalized)
        cited = {c for concept in graph.concepts.values() for c in concept.citations}
        cited |= {c for r in graph.relations for c in r.citations}
        spans = sorted({(c.start, c.end) for c in cited if c.source == sid})
        return cls(
            id=sid,
            title=graph.sources[sid].title,
            text=text,
            verbatim=_Layer(verbatim.normalized, verbatim.offsets),
            plain=_Layer(plain.normalized, tuple(back[i] for i in plain.offsets)),
            lower=lower,
            **_word_index(lower),
            cited=tuple(spans),
            longest=max((e - s for s, e in spans), default=0),
        )

    def passage(self, start: int, end: int) -> SourcePassage:
        best: tuple[int, int] | None = None
        overlap = 0
        # only a cited passage starting less than the longest one's length before this
        # one can overlap it
        first = bisect_left(self.cited, (start - self.longest, 0))
        for span in self.cited[first : bisect_left(self.cited, (end, 0))]:
            shared = min(end, span[1]) - max(start, span[0])
            if shared > overlap:
                best, overlap = span, shared
        return SourcePassage(
            source=self.id,
            title=self.title,
            start=start,
            end=end,
            text=self.text[start:end],
            cited=Span(start=best[0], end=best[1]) if best else None,
        )


def _word_index(lower: str) -> dict[str, Any]:
    starts: list[int] = []
    ends: list[int] = []
    postings: dict[str, list[int]] = {}
    at = 0
    for n, word in enumerate(lower.split(" ") if lower else []):
        starts.append(at)
        ends.append(at + len(word))
        at += len(word) + 1
        postings.setdefault(_key(word), []).append(n)
    postings.pop("", None)
    return {
        "starts": tuple(starts),
        "ends": tuple(ends),
        "postings": {k: tuple(v) for k, v in postings.items() if len(v) <= COMMON},
    }


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_SOURCES: WeakKeyDictionary[KnowledgeGraph, tuple[_Source, ...]] = WeakKeyDictionary()


def _sources(graph: KnowledgeGraph) -> tuple[_Source, ...]:
    """The sources of ``graph`` that have a text, prepared once per graph snapshot."""
    found = _SOURCES.get(graph)
    if found is None:
        found = _SOURCES[graph] = tuple(
            _Source.build(graph, sid) for sid, s in graph.sources.items() if s.has_text
        )
    return found


# -- matching


@dataclass(frozen=True)
class _Needle:
    """A part of a quotation, folded every way it is looked for."""

    words: int
    verbatim: tuple[str, ...]
    """As the loader folds a quote."""
    plain: tuple[str, ...]
    """Also folded as :func:`_plain` folds a source, as quoted, without its trailing
    punctuation, and with its first letter's case changed."""
    lower: str
    """The first of ``plain`` lower-cased, for fuzzy matching."""
    keys: tuple[str, ...]
    """Its words' letters and digits (:func:`_key`)."""

    @classmethod
    def build(cls, part: str) -> _Needle:
        base = normalize_text(_plain(part)[0])
        forms = [base, _TRAILING.sub("", base)]
        forms += [f[0].swapcase() + f[1:] for f in forms if f and f[0].isalpha()]
        lower = _lower(base)
        return cls(
            words=len(part.split()),
            verbatim=tuple(v for v in [normalize_text(part)] if v),
            plain=tuple(f for f in dict.fromkeys(forms) if f),
            lower=lower,
            keys=tuple(_key(w) for w in lower.split(" ")) if lower else (),
        )


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    score: float


def _exact(layer: _Layer, variants: Sequence[str], pos: int) -> _Hit | None:
    """The earliest occurrence at or after ``pos`` of any variant (the longest there)."""
    best: _Hit | None = None
    for v in variants:
        found = layer.find(v, pos)
        if found and (best is None or (found[0], -found[1]) < (best.start, -best.end)):
            best = _Hit(found[0], found[1], 1.0)
    return best


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def _similarity(quote: str, passage: str) -> float:
    chars = fuzz.ratio(quote, passage) / 100
    words = Levenshtein.normalized_similarity(_words(quote), _words(passage))
    return float((chars + words) / 2)


def _near(src: _Source, needle: _Needle, pos: int) -> _Hit | None:
    """The passage of ``src`` at or after source offset ``pos`` most like ``needle``.

    Where to look is decided first by the words the two share: each of the
    :data:`VOTERS` rarest words of the quotation that the source has votes for the
    source word the quotation would start at, if it were there, give or take a few words
    for words left out or added. Around each of the three places with the most votes,
    whole-word windows are compared with the quotation (rapidfuzz's ``fuzz.ratio``):
    the start first, then the end, then both again by a word.
    """
    size = len(needle.keys)
    if not size or not src.starts or size > 2 * len(src.starts):
        return None  # a quotation twice as long as the source is not much like any of it
    first = bisect_left(src.starts, bisect_left(src.plain.orig, pos))
    voters = sorted(
        (len(src.postings[k]), i, k) for i, k in enumerate(needle.keys) if k in src.postings
    )
    votes: dict[int, int] = {}
    for _n, i, key in voters[:VOTERS]:
        places = src.postings[key]
        for p in places[bisect_left(places, first) :]:
            votes[p - i] = votes.get(p - i, 0) + 1
    if not votes:
        return None
    slack = min(2 + size // 10, MAX_SLACK)
    diagonals = sorted(votes)
    totals = list(accumulate(votes[d] for d in diagonals))

    def band(d: int) -> int:
        hi = bisect_right(diagonals, d + slack) - 1
        lo = bisect_left(diagonals, d - slack) - 1
        return totals[hi] - (totals[lo] if lo >= 0 else 0)

    centres: list[int] = []
    for d in sorted(diagonals, key=lambda d: (-band(d), d)):
        if all(abs(d - c) > size for c in centres):
            centres.append(d)
            if len(centres) == 3:
                break
    best: _Hit | None = None
    for d in centres:
        hit = _fitted(src, needle.lower, d, size, slack, first)
        if hit and (best is None or hit.score > best.score):
            best = hit
    return best


def _fitted(
    src: _Source, needle: str, start: int, size: int, slack: int, first: int
) -> _Hit | None:
    """The whole-word window most like ``needle`` of about ``size`` words from about
    word ``start`` (within ``slack`` words; never before word ``first``).

    Its start is where the quotation's first :data:`_EDGE` words fit best, its end where
    its last ones do; then both are moved by a word if the whole fits better.
    """
    last = len(src.starts) - 1
    lower, starts, ends = src.lower, src.starts, src.ends
    words = needle.split(" ")
    edge = min(size, _EDGE)
    head, tail = " ".join(words[:edge]), " ".join(words[-edge:])

    def best(text: str, pairs: Iterator[tuple[int, int]]) -> tuple[float, int, int] | None:
        found = None
        for s, e in pairs:
            if first <= s <= e <= last:
                r = fuzz.ratio(text, lower[starts[s] : ends[e]])
                if found is None or r > found[0]:
                    found = (r, s, e)
        return found

    step = best(
        head, ((s, min(last, s + edge - 1)) for s in range(start - slack, start + slack + 1))
    )
    if step is None:
        return None
    s = step[1]
    end = s + size - 1
    step = best(tail, ((max(s, e - edge + 1), e) for e in range(end - slack, end + slack + 1)))
    e = step[2] if step else min(last, end)
    step = best(needle, ((a, b) for a in range(s - 1, s + 2) for b in range(e - 1, e + 2)))
    if step is None:
        return None
    a, b = starts[step[1]], ends[step[2]]
    return _Hit(src.plain.orig[a], src.plain.orig[b - 1] + 1, _similarity(needle, lower[a:b]))


_EDGE = 12


def _key(word: str) -> str:
    return "".join(_WORDS.findall(word.lower()))


def _differences(quoted: str, passage: str) -> tuple[Difference, ...]:
    """The runs of words that differ between a quotation and its passage."""
    ours = [w for w in quoted.split() if _key(w)]
    theirs = [w for w in passage.split() if _key(w)]
    out: list[Difference] = []
    run: list[int] | None = None  # quoted start and end, source start and end
    for op in Levenshtein.opcodes([_key(w) for w in ours], [_key(w) for w in theirs]):
        if op.tag == "equal":
            if run:
                out.append(_difference(ours, theirs, run))
            run = None
        elif run is None:
            run = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            run[1], run[3] = op.src_end, op.dest_end
    if run:
        out.append(_difference(ours, theirs, run))
    return tuple(out)


def _difference(ours: list[str], theirs: list[str], run: list[int]) -> Difference:
    return Difference(
        quoted=" ".join(ours[run[0] : run[1]]), source=" ".join(theirs[run[2] : run[3]])
    )


@dataclass(frozen=True)
class _Found:
    source: _Source
    hits: tuple[_Hit, ...]

    @property
    def score(self) -> float:
        return min(h.score for h in self.hits)


def _all_exact(src: _Source, parts: Sequence[_Needle]) -> _Found | None:
    """Every part found exactly, in order, in ``src`` (as close together as they are)."""
    for layer, forms in (
        (src.verbatim, [p.verbatim for p in parts]),
        (src.plain, [p.plain for p in parts]),
    ):
        hits: list[_Hit] = []
        pos = 0
        for variants in forms:
            hit = _exact(layer, variants, pos)
            if hit is None:
                break
            hits.append(hit)
            pos = hit.end
        else:
            # the earlier parts moved as late as they can go: the tightest span
            for i in range(len(hits) - 2, -1, -1):
                for v in forms[i]:
                    later = layer.rfind(v, hits[i + 1].start)
                    if later and later[0] > hits[i].start:
                        hits[i] = _Hit(later[0], later[1], 1.0)
            return _Found(src, tuple(hits))
    return None


def _closest(src: _Source, parts: Sequence[_Needle], min_words: int) -> _Found | None:
    """Each part, in order, found exactly or else at its closest passage in ``src``."""
    hits: list[_Hit] = []
    pos = 0
    for part in parts:
        hit = _exact(src.verbatim, part.verbatim, pos) or _exact(src.plain, part.plain, pos)
        if hit is None:
            if part.words < min_words:
                return None
            hit = _near(src, part, pos)
            if hit is None:
                return None
        hits.append(hit)
        pos = hit.end
    return _Found(src, tuple(hits)) if hits else None


def _check(
    sources: Sequence[_Source], passage: _Passage, min_words: int, threshold: float
) -> Quote:
    parts = _parts(passage)
    if len(parts) > 1:
        whole = [_Needle.build(passage.text)]
        if any(_all_exact(src, whole) for src in sources):
            parts = [passage]
    needles = [_Needle.build(p.text) for p in parts]
    found = next((f for src in sources if (f := _all_exact(src, needles))), None)
    if found is None:
        candidates = [f for src in sources if (f := _closest(src, needles, min_words))]
        found = max(candidates, key=lambda f: f.score, default=None)
    status: Status
    if found is None:
        status, score = "not_found", 0.0
    elif found.score >= 1.0:
        status, score = "exact", 1.0
    elif found.score >= threshold:
        status, score = "near", found.score
    else:
        status, score = "not_found", found.score
    out_parts = []
    for n, p in enumerate(parts):
        hit = found.hits[n] if found and status != "not_found" else None
        start, end = p.span(0, len(p.text))
        if found is None or hit is None:
            best = found.hits[n].score if found else 0.0
            out_parts.append(
                QuotePart(
                    start=start,
                    end=end,
                    text=p.text,
                    status="not_found",
                    score=round(best, 3),
                    match=None,
                )
            )
            continue
        where = found.source.passage(hit.start, hit.end)
        near = hit.score < 1.0
        out_parts.append(
            QuotePart(
                start=start,
                end=end,
                text=p.text,
                status="near" if near else "exact",
                score=round(hit.score, 3),
                match=where,
                differences=_differences(p.text, where.text) if near else (),
            )
        )
    start, end = passage.span(0, len(passage.text))
    match = None
    if found and status != "not_found":
        match = found.source.passage(found.hits[0].start, found.hits[-1].end)
    return Quote(
        start=start,
        end=end,
        text=passage.text,
        style=passage.style,
        status=status,
        score=round(score, 3),
        match=match,
        parts=tuple(out_parts),
        differences=tuple(d for p in out_parts for d in p.differences),
    )


class TooManyQuotations(KGError):
    """A text with more quoted passages than one call checks (``limit``): the parts an
    ellipsis separates count one each, and so do terms."""

    title = "Too many quotations"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The text holds more than {limit:,} quoted passages (an ellipsis makes two of "
            f"one quotation); at most {limit:,} are checked at once."
        )
        self.limit = limit


def verify(
    graph: KnowledgeGraph,
    text: str,
    *,
    min_words: int = MIN_QUOTE_WORDS,
    threshold: float = NEAR_THRESHOLD,
    max_quotes: int | None = MAX_QUOTES,
) -> Verification:
    """Check every quotation of ``text`` against the sources of ``graph`` (see the module
    notes), and list the glossary terms ``text`` uses.

    Raises :class:`TooManyQuotations`, before checking any, when ``text`` holds more than
    ``max_quotes`` quoted passages (the parts an ellipsis separates count one each; terms
    do not count; None: no limit).
    """
    passages: list[_Passage] = []
    short: list[_Passage] = []
    for passage in _quoted(text, max_quotes):
        words = sum(len(p.text.split()) for p in _parts(passage))
        if not words:
            continue
        if passage.style == "block" or words >= min_words:
            passages.append(passage)
        else:
            short.append(passage.sub(0, len(_TRAILING.sub("", passage.text)) or len(passage.text)))
    if max_quotes is not None and sum(len(_parts(p)) for p in passages) + len(short) > max_quotes:
        raise TooManyQuotations(max_quotes)
    terms = []
    for term in short:
        start, end = term.span(0, len(term.text))
        concept = graph.lookup(term.text)
        terms.append(
            QuotedTerm(
                start=start,
                end=end,
                text=term.text,
                style=term.style,
                concept=concept.id if concept else None,
            )
        )
    sources = _sources(graph)
    quotes = tuple(_check(sources, p, min_words, threshold) for p in passages)
    glossary = tuple(
        GlossaryTerm(start=a.start, end=a.end, text=a.text, id=a.id, label=a.label)
        for a in annotate(graph, text, first_only=True)
    )
    return Verification(
        quotes=quotes,
        terms=tuple(terms),
        glossary=glossary,
        summary=Summary(
            quotes=len(quotes),
            exact=sum(q.status == "exact" for q in quotes),
            near=sum(q.status == "near" for q in quotes),
            not_found=sum(q.status == "not_found" for q in quotes),
            terms=len(terms),
        ),
    )
