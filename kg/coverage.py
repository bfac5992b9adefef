"""Which sentences of each source back a definition or a relation of the graph.

A source text is split into sentences (:func:`sentences`); a sentence is *covered* when
a citation of the graph (of a definition or of a relation) quotes at least part of it.
Sentences that carry no claim (greetings, headings, reading lists, thanks to patrons)
are listed with the reason in ``coverage.yaml`` at the top of the data directory, each
by a verbatim passage (as quotes are written) that the exempt sentences overlap; what is
neither covered nor exempt is a claim the graph does not record yet.

Examples
--------
>>> [s.text for s in sentences("---\\ntitle: x\\n---\\nHi. So this is A. And B!")]
['Hi.', 'So this is A.', 'And B!']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.citations import IndexedText
from kg.errors import DataError, Problem
from kg.graph import KnowledgeGraph

EXEMPT_FILE = "coverage.yaml"
"""The file, at the top of a data directory, that lists the sentences with no claim."""

MIN_OVERLAP = 12
"""Characters a citation must share with a sentence (or all of a shorter one) to cover it."""

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_END = re.compile(r"(?<=[.!?])[\"”’)\]*]*\s+(?=[\"“‘(\[*]*[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source: ``text[start:end]``."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``: each line is split after ., ! or ? that a capital
    follows; a YAML front-matter block and lines without letters are left out."""
    out: list[Sentence] = []
    skip = _FRONT_MATTER.match(text)
    pos = skip.end() if skip else 0
    for line in text[pos:].splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip())
        pos += len(line)
        cuts = [m.end() for m in _END.finditer(text, start, end)]
        for a, b in zip([start, *cuts], [*cuts, end], strict=True):
            piece = text[a:b].strip()
            if not _WORD.search(piece):
                continue
            lead = a + len(text[a:b]) - len(text[a:b].lstrip())
            out.append(Sentence(lead, lead + len(piece), piece))
    return out


@dataclass(frozen=True)
class Exemption:
    """Sentences with no claim: those overlapping ``quote``, for the reason ``why``."""

    source: str
    quote: str
    why: str
    start: int
    end: int


@dataclass
class SourceCoverage:
    """How far one source's sentences back the graph."""

    source: str
    covered: list[Sentence] = field(default_factory=list)
    exempt: list[tuple[Sentence, str]] = field(default_factory=list)
    uncovered: list[Sentence] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.exempt) + len(self.uncovered)

    @property
    def substantive(self) -> int:
        """Sentences that carry a claim: all but the exempt ones."""
        return len(self.covered) + len(self.uncovered)

    @property
    def share(self) -> float:
        """Covered sentences as a share of all sentences."""
        return len(self.covered) / self.total if self.total else 1.0

    @property
    def substantive_share(self) -> float:
        """Covered sentences as a share of those that carry a claim."""
        return len(self.covered) / self.substantive if self.substantive else 1.0


def load_exemptions(path: Path, graph: KnowledgeGraph) -> list[Exemption]:
    """Read ``coverage.yaml``: ``{source id: [{quote, why}, ...]}``; every quote must be
    found in its source, as citations must. A missing file exempts nothing."""
    if not path.is_file():
        return []
    shown = str(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise DataError([Problem(shown, 1, f"cannot read: {e}")]) from e
    problems: list[Problem] = []
    found: list[Exemption] = []
    if not isinstance(data, dict):
        raise DataError([Problem(shown, 1, "must map source ids to lists of {quote, why}")])
    for sid, items in data.items():
        if sid not in graph.sources or not graph.sources[sid].has_text:
            problems.append(Problem(shown, 1, f"unknown source or source without text {sid!r}"))
            continue
        text = IndexedText.build(graph.source_text(sid))
        for item in items or []:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("quote"), str)
                or not isinstance(item.get("why"), str)
                or not item["why"].strip()
            ):
                problems.append(Problem(shown, 1, f"{sid}: each entry needs a quote and a why"))
                continue
            where = text.locate(item["quote"])
            if where is None:
                problems.append(
                    Problem(
                        shown,
                        1,
                        f"{sid}: passage not found: {item['quote'][:80]!r}",
                        f"closest passage: {text.closest(item['quote'])!r}",
                    )
                )
                continue
            found.append(Exemption(sid, item["quote"], item["why"].strip(), *where))
    if problems:
        raise DataError(problems)
    return found


def _cited_spans(graph: KnowledgeGraph) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    citations = [c for concept in graph.concepts.values() for c in concept.citations]
    citations += [c for rel in graph.relations for c in rel.citations]
    for c in citations:
        spans.setdefault(c.source, []).append((c.start, c.end))
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def coverage(graph: KnowledgeGraph, exemptions: list[Exemption]) -> list[SourceCoverage]:
    """For every source with a text, its sentences: covered, exempt or uncovered."""
    spans = _cited_spans(graph)
    out: list[SourceCoverage] = []
    for sid, source in graph.sources.items():
        if not source.has_text:
            continue
        report = SourceCoverage(sid)
        cited = spans.get(sid, [])
        exempt = [e for e in exemptions if e.source == sid]
        for s in sentences(graph.source_text(sid)):
            need = min(MIN_OVERLAP, s.end - s.start)
            if any(_overlap((s.start, s.end), span) >= need for span in cited):
                report.covered.append(s)
                continue
            why = next(
                (e.why for e in exempt if _overlap((s.start, s.end), (e.start, e.end))), None
            )
            if why is not None:
                report.exempt.append((s, why))
            else:
                report.uncovered.append(s)
        out.append(report)
    return out


def report_lines(
    reports: list[SourceCoverage], titles: Mapping[str, str], show: bool = True
) -> Iterator[str]:
    """A plain-text report: per source the figures, then (with ``show``) each sentence
    that is neither covered nor exempt."""
    for r in reports:
        yield (
            f"{r.source}: {len(r.covered)} of {r.total} sentences covered "
            f"({r.share:.0%}); {len(r.exempt)} carry no claim; "
            f"{len(r.covered)} of {r.substantive} with a claim covered "
            f"({r.substantive_share:.0%})"
        )
        if show:
            for s in r.uncovered:
                yield f"  uncovered @{s.start}: {s.text}"
    covered = sum(len(r.covered) for r in reports)
    substantive = sum(r.substantive for r in reports)
    total = sum(r.total for r in reports)
    yield (
        f"all sources: {covered} of {total} sentences covered; {covered} of {substantive} "
        f"with a claim ({covered / substantive if substantive else 1:.0%})"
    )
