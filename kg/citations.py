"""Locate verbatim quotes in source texts.

Quotes are compared after folding runs of white space to one space and typographic
quotes to straight ones; the offsets returned point into the original text, so that
``text[start:end]`` is the quoted passage as the source has it.

Examples
--------
>>> text = "He said \u201cmesa\u201d.\\n  Then   left."
>>> locate("said \\"mesa\\". Then left", text)
(3, 29)
>>> locate("not there", text) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_SPACE = re.compile(r"\s+")


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
_EMPHASIS = re.compile(r"(?<!\w)(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_HEADING = re.compile(r"^\s*(?:#{1,6}|[-*+]|\d+[.)]|>)\s+", re.M)


_DRAFT_HEADING = re.compile(r"^(#{1,6})\s+(?:scratchpad|drafts?|removed)\b[^\n]*$", re.I | re.M)


@lru_cache(maxsize=64)
def draft_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where a source text holds draft material kept with it rather than the text as
    published: a markdown section headed "Scratchpad", "Draft" or "Removed", to the next
    heading of its level or above (the FAQ page keeps text it removed from its answer
    under "## Scratchpad", before "## Sources"). A quote from there is the page's, but not
    what it publishes.

    >>> text = "Intro.\\n## Scratchpad\\n### Removed\\nOld text.\\n## Sources\\nx"
    >>> [text[a:b].split()[:3] for a, b in draft_spans(text)]
    [['##', 'Scratchpad', '###']]
    """
    spans: list[tuple[int, int]] = []
    at = 0
    while (m := _DRAFT_HEADING.search(text, at)) is not None:
        level = len(m.group(1))
        end = re.compile(rf"^#{{1,{level}}}\s", re.M).search(text, m.end())
        stop = end.start() if end is not None else len(text)
        spans.append((m.start(), stop))
        at = stop
    return tuple(spans)


def in_draft(text: str, start: int) -> bool:
    """Whether offset ``start`` of ``text`` falls in its draft material (:func:`draft_spans`)."""
    return any(a <= start < b for a, b in draft_spans(text))


def plain_quote(quote: str) -> str:
    """A quote as a reader sees it, without the markdown of the source it comes from
    (links, emphasis, heading and list marks), on one line; the citation's offsets still
    point at the passage as the source has it.

    >>> plain_quote("sub-problems like [distribution shifts](#), and *trying to do*")
    'sub-problems like distribution shifts, and trying to do'
    """
    text = _HEADING.sub("", quote)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """Fold white space runs and typographic quotes; strip the ends."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class IndexedText:
    """A source text with its normalised form and a map back to original offsets."""

    original: str
    normalized: str
    offsets: tuple[int, ...]
    """``offsets[i]`` is the index in ``original`` of ``normalized[i]``."""
    _found: dict[str, tuple[int, int] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Quotes located so far: data quotes the same passage many times over."""

    @classmethod
    def build(cls, text: str) -> IndexedText:
        """Normalise ``text`` as :func:`normalize_text` does, keeping offsets."""
        chars: list[str] = []
        offsets: list[int] = []
        translated = text.translate(_QUOTES)
        in_space = False
        for i, ch in enumerate(translated):
            if ch.isspace():
                if not in_space and chars:
                    chars.append(" ")
                    offsets.append(i)
                in_space = True
                continue
            in_space = False
            chars.append(ch)
            offsets.append(i)
        if chars and chars[-1] == " ":
            chars.pop()
            offsets.pop()
        return cls(text, "".join(chars), tuple(offsets))

    def locate(self, quote: str) -> tuple[int, int] | None:
        """Offsets of the first occurrence of ``quote`` in the original text."""
        if quote in self._found:
            return self._found[quote]
        where = self._found[quote] = self._locate(quote)
        return where

    def _locate(self, quote: str) -> tuple[int, int] | None:
        needle = normalize_text(quote)
        if not needle:
            return None
        at = self.normalized.find(needle)
        if at < 0:
            return None
        last = at + len(needle) - 1
        return self.offsets[at], self.offsets[last] + 1

    def closest(self, quote: str) -> str:
        """The passage of the text most like ``quote``, for error messages."""
        needle = normalize_text(quote)
        if not needle or not self.normalized:
            return ""
        found = fuzz.partial_ratio_alignment(needle, self.normalized)
        if found is None or found.score < 50:
            return ""
        start, end = found.dest_start, found.dest_end
        text = self.normalized
        while start > 0 and text[start - 1] != " ":
            start -= 1
        while end < len(text) and text[end] != " ":
            end += 1
        return text[start:end]


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``text`` (see the module examples), or None."""
    return IndexedText.build(text).locate(quote)
