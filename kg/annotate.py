"""Find glossary terms in free text, as glossary pop-ups need them.

An Aho-Corasick automaton holds every label and alias of the graph together with their
plural, British and hyphen/space forms, so one pass over the text finds every candidate.
The rules follow what AISafety.info's site does with its glossary:

- matching ignores case, and offsets point into the text as sent, capitals kept;
- whole words only: a letter, digit, hyphen or underscore next to a match blocks it
  ("agent" is not found in "agent-like");
- where candidates overlap, the longest wins ("inner alignment problem" over
  "inner alignment"), then the leftmost;
- with ``first_only`` each concept is marked once, at its first occurrence.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> text = "Mesa-Optimisers pursue a mesa objective; a mesa-optimizer-like thing does not."
>>> [(a.text, a.id) for a in annotate(g, text, first_only=False)]
[('Mesa-Optimisers', 'mesa-optimizer'), ('mesa objective', 'mesa-objective')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import product
from weakref import WeakKeyDictionary

import ahocorasick

from kg.graph import KnowledgeGraph
from kg.ids import americanize, british_forms, plural_forms

FIRST_ONLY = True
"""Whether a front end (``kg annotate``, ``POST /v1/annotate``, the MCP tool) marks each
concept once by default: a glossary links a term where a reader first meets it, and
marking every repetition clutters the text."""

# Length-preserving folds, so that an offset in the folded text is one in the original.
_FOLD = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\t": " ",
    "\n": " ",
    "\r": " ",
    "\f": " ",
    "\v": " ",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u3000": " ",
    "\u0085": " ",
    "\u2028": " ",
    "\u2029": " ",
}
# a substitution of just these characters: faster on real text than str.translate, which
# also holds the interpreter for the whole of a long text (bench/README.md, "Figures
# behind choices in the code")
_FOLD_RE = re.compile("[" + re.escape("".join(_FOLD)) + "]")
_SPACES = re.compile(r"  +")
_SEPARATOR = re.compile(r"([ -])")
_BLOCKING = "-_"


@dataclass(frozen=True)
class Annotation:
    """One glossary term found in a text: ``text[start:end]`` names concept ``id``."""

    start: int
    end: int
    text: str
    id: str
    label: str


def fold(text: str) -> str:
    """Lower-case ``text`` and fold quotes, hyphens and white space, keeping its length.

    >>> fold("Mesa\u2011Optimizer\u2019s\\ngoal")
    "mesa-optimizer's goal"
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        # a few characters (such as U+0130) lower-case to two; keep those as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _FOLD_RE.sub(lambda m: _FOLD[m.group()], lowered)


def surface_forms(term: str) -> set[str]:
    """The folded spellings under which ``term`` is recognised in a text.

    Each word may be American or British, the last word singular or plural, and the
    words joined as written, all by spaces or all by hyphens.

    >>> sorted(surface_forms("mesa-optimizer"))[:4]
    ['mesa optimiser', 'mesa optimisers', 'mesa optimizer', 'mesa optimizers']
    >>> len(surface_forms("mesa-optimizer"))
    8
    """
    parts = _SEPARATOR.split(" ".join(fold(term).split()))
    words, seps = parts[0::2], parts[1::2]
    choices: list[set[str]] = []
    for i, word in enumerate(words):
        american = americanize(word)
        spellings = {word, american} | british_forms(american)
        if i == len(words) - 1:
            spellings |= {p for s in spellings for p in plural_forms(s)}
        choices.append({s for s in spellings if s})
    joins = {tuple(seps), tuple(" " for _ in seps), tuple("-" for _ in seps)}
    forms = set()
    for spelled in product(*choices):
        for join in joins:
            forms.add("".join(w + s for w, s in zip(spelled, (*join, ""), strict=True)))
    return forms


class Annotator:
    """An automaton over every term of a graph; build once per graph snapshot."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        # the concepts only, not the graph: kept in a WeakKeyDictionary keyed by the
        # graph, a reference back to it would keep every old snapshot alive
        self.concepts = graph.concepts
        # surface form -> (rank, concept id); a term as written outranks a derived form
        best: dict[str, tuple[int, str]] = {}
        for concept in graph.concepts.values():
            for term in (concept.label, *concept.aliases):
                written = " ".join(fold(term).split())
                for form in surface_forms(term):
                    rank = (0 if form == written else 1, concept.id)
                    if form not in best or rank < best[form]:
                        best[form] = rank
        self.owners: dict[str, str] = {form: cid for form, (_rank, cid) in sorted(best.items())}
        """Every surface form the automaton knows, with the concept it names: what a
        client that matches literally needs as its list of phrases (see
        :mod:`kg.glossary`)."""
        self.automaton = ahocorasick.Automaton()
        for form, cid in self.owners.items():
            self.automaton.add_word(form, (len(form), cid))
        if best:
            self.automaton.make_automaton()
        self.forms = len(best)

    def annotate(self, text: str, first_only: bool = False) -> list[Annotation]:
        """Every glossary term in ``text``, in order of position."""
        if not self.forms or not text:
            return []
        folded = fold(text)
        folded, runs, shifts = _squeeze(folded)
        candidates = []
        size = len(folded)
        for last, (length, cid) in self.automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if start > 0 and _blocks(folded[start - 1]):
                continue
            if end < size and _blocks(folded[end]):
                continue
            candidates.append((start, end, cid))
        # longest first, then leftmost; a span already taken blocks any overlap
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(size)
        chosen = []
        for start, end, cid in candidates:
            if taken.find(1, start, end) == -1:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, cid))
        chosen.sort()
        out: list[Annotation] = []
        seen: set[str] = set()
        for start, end, cid in chosen:
            if first_only:
                if cid in seen:
                    continue
                seen.add(cid)
            if runs:
                start = start + shifts[bisect_left(runs, start)]
                end = end + shifts[bisect_left(runs, end)]
            concept = self.concepts[cid]
            out.append(Annotation(start, end, text[start:end], cid, concept.label))
        return out


def _blocks(char: str) -> bool:
    return char.isalnum() or char in _BLOCKING


def _squeeze(folded: str) -> tuple[str, list[int], list[int]]:
    """Collapse runs of spaces to one, with what is needed to map offsets back.

    Returns the squeezed text, the squeezed position of each collapsed run's space, and
    for each index ``k`` into that list the characters removed before it.
    """
    if "  " not in folded:
        return folded, [], [0]
    pieces: list[str] = []
    runs: list[int] = []
    shifts = [0]
    last = removed = 0
    for m in _SPACES.finditer(folded):
        pieces.append(folded[last : m.start() + 1])
        runs.append(m.start() - removed)
        removed += m.end() - m.start() - 1
        shifts.append(removed)
        last = m.end()
    pieces.append(folded[last:])
    return "".join(pieces), runs, shifts


_ANNOTATORS: WeakKeyDictionary[KnowledgeGraph, Annotator] = WeakKeyDictionary()


def annotator_for(graph: KnowledgeGraph) -> Annotator:
    """The annotator of ``graph``, built on first use and kept with the graph."""
    found = _ANNOTATORS.get(graph)
    if found is None:
        found = _ANNOTATORS[graph] = Annotator(graph)
    return found


def annotate(graph: KnowledgeGraph, text: str, first_only: bool = False) -> list[Annotation]:
    """Find every glossary term of ``graph`` in ``text`` (see the module notes)."""
    return annotator_for(graph).annotate(text, first_only)
