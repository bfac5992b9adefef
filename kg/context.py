"""Grounded context for a question: what a language model needs to answer it from the
graph, and nothing more, within a token budget.

:func:`build_context` gathers, for a question:

1. the concepts it names (read as :func:`kg.ask.ask` reads them: labels, aliases,
   plurals, misspellings, "inner and outer alignment" as two) and, after them, up to
   :data:`DESCRIBED_MAX` it describes without naming them (:func:`kg.describe.describe`
   on what the question says around its names; beside names, only when that holds
   :data:`BESIDE_WORDS` content words or more);
2. their definitions (our words), each sentence followed by the numbers of the verbatim
   quotes backing it;
3. the relations among them, as sentences read in the direction told, each followed by
   its note (why it holds) and its quotes; then the relations the graph's own reasoned
   answer to the question tells (:func:`kg.ask.ask`: the chain of a why, what decides a
   yes/no) and the definitions it gives on the way; then paths of two steps between
   two of them; then the definitions of the concepts these relations bring in; then
   their other relations (neighbours), those whose note or other end shares words with
   the question first; then the definitions of those neighbours.

Facts are ranked in that order and kept whole, most useful first, until the budget is
spent: a fact that does not fit (with the quotes it would add) is left out, counted in
``omitted``, and a smaller one after it may still fit. Each quote is given once, numbered
in order of first use; facts cite it by number. A question that names nothing the graph
holds and describes nothing gives an empty context that says so, and a phrase the graph
has no entry for ("the alignment tax") is named as missing, so that a model is told the
sources do not cover it rather than left to fill the gap.

Tokens are estimated, never counted with a model's tokenizer (that would mean a download
at run time): see :func:`estimate_tokens`. The estimate is meant to err high for English
prose, so a context of ``budget`` estimated tokens fits ``budget`` real ones.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> ctx = build_context(g, "How does the base optimizer relate to a mesa-optimizer?")
>>> [c.id for c in ctx.concepts][:2]
['base-optimizer', 'mesa-optimizer']
>>> ctx.relations[0].sentence
'The base optimizer produces a mesa-optimizer.'
>>> ctx.tokens <= ctx.budget == 1000
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Literal
from weakref import WeakKeyDictionary

from pydantic import BaseModel, Field

from kg.annotate import annotate
from kg.ask import ask, read
from kg.describe import describe
from kg.errors import InvalidQuery
from kg.explain import (
    DRAFT_NOTE,
    MARK_RUN,
    Footnotes,
    Told,
    clause,
    defined,
    explained,
    from_draft,
    misleading,
    ordered_direct,
    path_sentence,
    sentence,
)
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term
from kg.lexicon import content_stems
from kg.model import Citation, Concept, Relation
from kg.ontology import Modality
from kg.paths import RankedPath, Step, relate
from kg.vocab import focus_types

MIN_BUDGET = 50
MAX_BUDGET = 20_000
DEFAULT_BUDGET = 1000
"""Bounds and default of ``budget``, in estimated tokens."""
PATHS_PER_PAIR = 2
"""Most two-step paths told between two of the question's concepts."""
NEIGHBOURS_PER_CONCEPT = 12
"""Most further relations (neighbours) of each of the question's concepts."""
ALIASES_SHOWN = 2
"""Most other names given with a definition."""
DESCRIBED_MAX = 2
"""Most concepts taken from a description of them, beside those named."""
BESIDE_WORDS = 3
"""Least content words a question that names concepts must hold besides the names for
what it says around them to be read as a description ("what do you call the *goal* that
the *programmers* *specify* for *training*"; "why would a misaligned mesa-optimizer
*pretend* to be *aligned* during *training*?", whose subject, deception, it does not
name); with fewer ("what causes X?", "do X care about Y?") it describes nothing,
whatever :func:`kg.describe.describe` makes of them. 2, 3 and 4 give the same figures
on bench.context's questions; 3 is the least that reads the pretending question, which a
reviewer found answered with nothing on deception at 4."""

ConceptRole = Literal["named", "described", "related"]
RelationRole = Literal["among", "answer", "path", "neighbour"]


# -- the answer's shape


class ContextQuote(BaseModel):
    """A verbatim passage of a source, numbered as the context cites it."""

    n: int = Field(ge=1, description="the number facts cite it by, as [n]")
    source: str = Field(description="source id")
    title: str = Field(description="title of the source")
    start: int = Field(ge=0, description="offset of the passage in /v1/sources/{source}/text")
    end: int = Field(ge=0, description="offset just after the passage")
    text: str = Field(description="the passage, verbatim: the source's text[start:end]")
    draft: bool = Field(
        default=False,
        description="the passage comes from draft material kept with the source text (the "
        "FAQ page's scratchpad), not from the text as published",
    )


class ContextConcept(BaseModel):
    """A concept whose definition the context gives."""

    id: str
    label: str
    kind: str
    role: ConceptRole = Field(
        description="named: the question names it; described: the question describes it "
        "without naming it; related: a relation in the context brings it in"
    )
    definition: str = Field(description="the definition, in the curators' words")
    quotes: list[int] = Field(description="numbers of the quotes backing the definition")
    score: float | None = Field(
        default=None, description="for a described concept, how well the description fits (0-1)"
    )


class ContextRelation(BaseModel):
    """A relation the context tells, read in the direction it is told."""

    source: str = Field(description="id of the concept the relation is stated from")
    type: str
    target: str = Field(description="id of the concept it is stated to")
    modality: Modality | None = Field(
        default=None, description="can, may or does_not (a denial); null when stated plainly"
    )
    sentence: str = Field(description="the relation as a sentence, read as the context tells it")
    note: str | None = Field(default=None, description="why it holds, in the curators' words")
    quotes: list[int] = Field(description="numbers of the quotes backing it")
    role: RelationRole = Field(
        description="among: joins two of the question's concepts; answer: the graph's "
        "own answer to the question tells it (and it joins no two of them); path: a step "
        "of a two-step path between two of the question's concepts; neighbour: a further "
        "relation of one of them"
    )
    path: int | None = Field(
        default=None, description="the steps of one path share this number (1, 2, ...)"
    )


class GroundedContext(BaseModel):
    """What a language model needs to answer a question from the graph, within a budget."""

    question: str = Field(description="the question as read, white space collapsed")
    budget: int = Field(description="the budget asked for, in estimated tokens")
    tokens: int = Field(description="estimated tokens of `text` (never more than `budget`)")
    omitted: int = Field(description="facts left out because the budget was spent")
    named: list[str] = Field(description="ids of the concepts the question names")
    described: list[str] = Field(
        description="ids of the concepts the question describes without naming them"
    )
    missing: list[str] = Field(description="phrases of the question the graph has no entry for")
    concepts: list[ContextConcept] = Field(description="definitions given, most useful first")
    relations: list[ContextRelation] = Field(description="relations told, most useful first")
    quotes: list[ContextQuote] = Field(description="every quote cited, once, by number")
    text: str = Field(
        description="the same as one plain-text block with numbered sources, ready to put "
        "in a prompt (quotes there have their white space collapsed)"
    )


# -- estimating tokens

_PIECE = re.compile(r"[A-Za-z]+|[^\W\d_]+|\d+|\S", re.UNICODE)
LETTERS_PER_TOKEN = 6
"""A run of ASCII letters is counted as one token per this many letters (or part)."""
DIGITS_PER_TOKEN = 3


def estimate_tokens(text: str) -> int:
    """An estimate, meant to err high, of how many tokens ``text`` takes in the
    tokenizers of current language models (byte-pair encodings such as OpenAI's
    cl100k and o200k).

    It counts pieces: a run of ASCII letters is one token per
    :data:`LETTERS_PER_TOKEN` letters or part of them ("optimizer" is 2, "the" 1); a
    run of other letters one per letter; digits one per :data:`DIGITS_PER_TOKEN`; every
    other character that is not white space (punctuation, brackets, quotation marks)
    one; and each line break one. Such encodings give most English words one token and
    split long and rare ones, so this counts more than they do. On the graph's own
    prose (the 377 paragraphs, definitions and notes in ``data/``) it was never below
    cl100k's or o200k's count, and about 20% above them in total (measured once, with
    the encodings of the npm package ``gpt-tokenizer``); it is not a count, and text
    unlike English prose may come out lower.

    >>> estimate_tokens("A mesa-optimizer is itself an optimizer. [1][2]")
    17
    """
    n = text.count("\n")
    for piece in _PIECE.findall(text):
        first = piece[0]
        if "a" <= first.lower() <= "z" and first.isascii():
            n += math.ceil(len(piece) / LETTERS_PER_TOKEN)
        elif first.isalpha():
            n += len(piece)
        elif first.isdigit():
            n += math.ceil(len(piece) / DIGITS_PER_TOKEN)
        else:
            n += 1
    return n


# -- building


@dataclass
class _Fact:
    """One unit the budget keeps or leaves out: a definition, a relation, or a path."""

    role: ConceptRole | RelationRole
    concept: Concept | None = None
    steps: tuple[tuple[Relation, bool], ...] = ()
    """The relations told, each with whether it is read forward (from its source)."""
    score: float | None = None

    @property
    def section(self) -> str:
        return "definitions" if self.concept is not None else "relations"


@dataclass
class _Rendered:
    line: str
    new: list[ContextQuote]
    told: Told


_SECTIONS = {"missing": "", "definitions": "Definitions:", "relations": "Relations:"}


@dataclass
class _Builder:
    graph: KnowledgeGraph
    budget: int
    quotes: list[ContextQuote] = field(default_factory=list)
    lines: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in _SECTIONS})
    told: Told = field(default_factory=Told)
    spent: int = 0
    omitted: int = 0
    concepts: list[ContextConcept] = field(default_factory=list)
    relations: list[ContextRelation] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    paths: int = 0
    tried: set[object] = field(default_factory=set)
    """The facts already added or left out, so that none is counted twice."""

    # -- quotes
    def _number(self, c: Citation, new: list[ContextQuote]) -> int:
        """The number of the quote ``c``: one already given (or a passage holding it), or
        the next one, added to ``new``."""
        for q in (*self.quotes, *new):
            if q.source == c.source and q.start <= c.start and c.end <= q.end:
                return q.n
        title = self.graph.sources[c.source].title
        n = len(self.quotes) + len(new) + 1
        new.append(
            ContextQuote(
                n=n,
                source=c.source,
                title=title,
                start=c.start,
                end=c.end,
                text=c.quote,
                draft=from_draft(self.graph, c),
            )
        )
        return n

    def _numbers(self, citations: Iterable[Citation]) -> list[int]:
        """The numbers of quotes given already that hold ``citations``."""
        return sorted({self._number(c, []) for c in citations})

    def _sources(self, quotes: Iterable[ContextQuote]) -> list[str]:
        """The sources of ``quotes`` in order of first use."""
        return list(dict.fromkeys(q.source for q in quotes))

    @staticmethod
    def quote_line(q: ContextQuote, key: str) -> str:
        text = " ".join(q.text.split())
        draft = f", {DRAFT_NOTE}" if q.draft else ""
        return f'[{q.n}] "{text}" ({key}, chars {q.start}-{q.end}{draft})'

    def source_line(self, sid: str, key: str) -> str:
        return f"{key}: {self.graph.sources[sid].title}"

    # -- facts
    def _render(self, fact: _Fact) -> _Rendered | None:
        """The fact as a line of the text with its quotes numbered, told after what the
        context has told already; None when it would tell nothing new."""
        told = Told(set(self.told.relations), set(self.told.explained))
        notes = Footnotes(self.graph)
        if fact.concept is not None:
            c = fact.concept
            head = c.label
            aliases = _other_names(self.graph, c)
            detail = c.kind.replace("_", " ")
            if aliases:
                detail += "; also called " + ", ".join(aliases[:ALIASES_SHOWN])
            if fact.role == "described":
                detail += "; the question seems to describe it"
            body = f"{head} ({detail}): {defined(c, notes)}"
        elif len(fact.steps) == 1:
            rel, forward = fact.steps[0]
            if rel in told.relations:
                return None
            body = explained(self.graph, notes, rel, forward, told)
        else:
            if any(rel in told.relations for rel, _fwd in fact.steps):
                return None
            path = RankedPath(tuple(Step(rel, fwd) for rel, fwd in fact.steps), 0.0)
            body = "Through " + self.graph.concepts[path.steps[0].to_id].label + ": "
            body += path_sentence(self.graph, notes, path, told)
        new: list[ContextQuote] = []

        def renumber(m: re.Match[str]) -> str:
            numbers: list[int] = []
            for local in re.findall(r"\d+", m.group()):
                citation = notes.items[int(local) - 1].citation
                n = self._number(citation, new)
                if n not in numbers:
                    numbers.append(n)
            return "".join(f"[{n}]" for n in sorted(numbers))

        line = "- " + MARK_RUN.sub(renumber, body)
        runs = _MARK_RUN.findall(line)
        if len(fact.steps) == 1 and len(runs) == 2 and runs[0] == runs[1]:
            # "Sentence.[1][2] Note.[1][2]": the note's numbers say it once for both
            line = line.replace(runs[0], "", 1)
        return _Rendered(line, new, told)

    def _cost(self, section: str, line: str, new: list[ContextQuote]) -> int:
        cost = estimate_tokens(line) + 1  # the line and its line break
        if not self.lines[section] and _SECTIONS[section]:
            cost += estimate_tokens(_SECTIONS[section]) + 2  # heading, and a blank line
        if new and not self.quotes:
            cost += estimate_tokens("Quotes:") + estimate_tokens("Sources:") + 4
        known = self._sources(self.quotes)
        fresh = [sid for sid in self._sources(new) if sid not in known]
        keys = {sid: _key(i) for i, sid in enumerate([*known, *fresh])}
        cost += sum(estimate_tokens(self.quote_line(q, keys[q.source])) + 1 for q in new)
        cost += sum(estimate_tokens(self.source_line(sid, keys[sid])) + 1 for sid in fresh)
        return cost

    def note(self, line: str) -> bool:
        """Add a line that cites nothing (what the graph lacks), if it fits."""
        cost = self._cost("missing", line, [])
        if self.spent + cost > self.budget:
            self.omitted += 1
            return False
        self.lines["missing"].append(line)
        self.spent += cost
        return True

    def _least(self, fact: _Fact) -> int | None:
        """The fewest tokens ``fact`` can take (its definition, or its sentences and
        notes, without quotes or numbers); None when it would tell nothing new."""
        if fact.concept is not None:
            return estimate_tokens(fact.concept.definition)
        if any(rel in self.told.relations for rel, _fwd in fact.steps):
            return None
        return sum(
            estimate_tokens(clause(self.graph, rel, fwd)) + estimate_tokens(rel.note or "")
            for rel, fwd in fact.steps
        )

    def add(self, fact: _Fact) -> bool:
        """Add ``fact`` if it fits what is left of the budget; whether it was added."""
        key = fact.concept.id if fact.concept is not None else fact.steps
        if key in self.tried:
            return False
        self.tried.add(key)
        least = self._least(fact)
        if least is None:
            return False
        if self.spent + least > self.budget:
            self.omitted += 1  # too big whatever its quotes: not worth writing out
            return False
        for form in (fact, *_leaner(fact)):
            rendered = self._render(form)
            if rendered is None:
                return False
            cost = self._cost(form.section, rendered.line, rendered.new)
            if self.spent + cost <= self.budget:
                fact = form
                break
        else:
            self.omitted += 1
            return False
        self.spent += cost
        self.lines[fact.section].append(rendered.line)
        self.quotes += rendered.new
        self.told = rendered.told
        if fact.concept is not None:
            c = fact.concept
            self.defined.add(c.id)
            role: ConceptRole = "related"
            if fact.role == "named" or fact.role == "described":
                role = fact.role
            self.concepts.append(
                ContextConcept(
                    id=c.id,
                    label=c.label,
                    kind=c.kind,
                    role=role,
                    definition=c.definition,
                    quotes=self._numbers(c.citations),
                    score=fact.score,
                )
            )
            return True
        path = None
        if len(fact.steps) > 1:
            self.paths += 1
            path = self.paths
        for rel, forward in fact.steps:
            self.relations.append(
                ContextRelation(
                    source=rel.source,
                    type=rel.type,
                    target=rel.target,
                    modality=rel.modality,
                    sentence=sentence(self.graph, rel, forward),
                    note=rel.note,
                    quotes=self._numbers(rel.citations),
                    role=fact.role,
                    path=path,
                )
            )
        return True

    def finish(self) -> str:
        """Number the quotes in the order the text cites them (they were numbered in the
        order facts were added, and a definition added late is shown early), then write
        the text: its sections, the quotes, and the sources they come from."""
        # a passage inside another one given is that one: its text is already there
        holder = {q.n: q for q in self.quotes}
        for q in self.quotes:
            for other in self.quotes:
                if (
                    other.source == q.source
                    and other.start <= q.start
                    and q.end <= other.end
                    and other.end - other.start > holder[q.n].end - holder[q.n].start
                ):
                    holder[q.n] = other
        order: dict[int, int] = {}
        for section in _SECTIONS:
            for line in self.lines[section]:
                for n in _NUMBER.findall(line):
                    order.setdefault(holder[int(n)].n, len(order) + 1)
        for q in self.quotes:
            order[q.n] = order[holder[q.n].n]

        def renumber(m: re.Match[str]) -> str:
            numbers = sorted({order[int(n)] for n in re.findall(r"\d+", m.group())})
            return "".join(f"[{n}]" for n in numbers)

        for section in _SECTIONS:
            self.lines[section] = [_MARK_RUN.sub(renumber, line) for line in self.lines[section]]
        self.quotes = sorted(
            (q.model_copy(update={"n": order[q.n]}) for q in self.quotes if holder[q.n] is q),
            key=lambda q: q.n,
        )
        for concept in self.concepts:
            concept.quotes = sorted({order[n] for n in concept.quotes})
        for relation in self.relations:
            relation.quotes = sorted({order[n] for n in relation.quotes})
        keys = {sid: _key(i) for i, sid in enumerate(self._sources(self.quotes))}
        blocks: list[str] = []
        for section, heading in _SECTIONS.items():
            if self.lines[section]:
                lines = self.lines[section]
                blocks.append("\n".join([heading, *lines] if heading else lines))
        if self.quotes:
            blocks.append(
                "\n".join(["Quotes:", *(self.quote_line(q, keys[q.source]) for q in self.quotes)])
            )
            blocks.append(
                "\n".join(["Sources:", *(self.source_line(sid, k) for sid, k in keys.items())])
            )
        return "\n\n".join(blocks)


def _leaner(fact: _Fact) -> tuple[_Fact, ...]:
    """A fact backed by several quotes, with its first quote only: what a small budget
    keeps rather than leave the fact out (a definition with its quotes takes about 260
    estimated tokens, one quote about a hundred fewer; a relation whose note rests on
    four passages, as "outer alignment does not rule out inner misalignment" does, does
    not fit 300 tokens with them all). A path keeps its quotes."""
    c = fact.concept
    if c is not None:
        if len(c.citations) < 2:
            return ()
        lean = c.model_copy(update={"citations": c.citations[:1]})
        return (_Fact(fact.role, concept=lean, score=fact.score),)
    if len(fact.steps) != 1 or len(fact.steps[0][0].citations) < 2:
        return ()
    rel, forward = fact.steps[0]
    lean_rel = rel.model_copy(update={"citations": rel.citations[:1]})
    return (_Fact(fact.role, steps=((lean_rel, forward),), score=fact.score),)


def _key(i: int) -> str:
    """The letter a source is cited by in the text: A, B, ..., Z, AA, AB, ..."""
    key = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        key = chr(ord("A") + r) + key
    return key


_NUMBER = re.compile(r"\[(\d+)\]")
_MARK_RUN = re.compile(r"(?:\[\d+\])+")


def _other_names(graph: KnowledgeGraph, c: Concept) -> list[str]:
    """The aliases of ``c`` that are other names, not spellings of its label
    ("learned optimizer" for the mesa-optimizer, not "mesa optimiser")."""
    seen = {normalize_term(c.label)}
    out: list[str] = []
    for alias in c.aliases:
        form = normalize_term(alias)
        if form not in seen:
            seen.add(form)
            out.append(alias)
    return out


_CLAUSES: WeakKeyDictionary[KnowledgeGraph, list[tuple[str, Relation, bool]]]
_CLAUSES = WeakKeyDictionary()


def _clauses(graph: KnowledgeGraph) -> list[tuple[str, Relation, bool]]:
    """Every relation's clause, both ways, lower-cased: made once per graph."""
    found = _CLAUSES.get(graph)
    if found is None:
        found = _CLAUSES[graph] = [
            (clause(graph, rel, forward).lower(), rel, forward)
            for rel in graph.relations
            for forward in (True, False)
        ]
    return found


_MARKS = re.compile(r"\[\^\d+\](?!:)")
_RECORDS_NO = re.compile(r"^The glossary( records no (?:[^.\n]|\.(?=\S))*\.)$", re.M)
"""A sentence of an answer of :func:`kg.ask.ask` saying what the graph lacks."""
_ASKS_FOR_TERM = re.compile(
    r"\b(?:call(?:ed)?|(?:term|word|name|phrase|jargon)\s+(?:for|of)|"
    r"(?:term|word|name)\s+(?:is|was)\s+(?:there|used))\b",
    re.I,
)
"""Words by which a question asks what something is called ("what do you *call* ...",
"the *term for* ...")."""
_QUESTION = re.compile(
    r"\?|(?:^|[:\"\u201c])\W*(?:what|why|how|which|who|whom|whose|is|are|was|were|can|"
    r"could|does|do|did|will|would|should|must|may|might|has|have|had|in\s+what)\b",
    re.I,
)
"""A question, not a description: one with a question mark, or that opens with a
question word or an auxiliary verb (also after a preamble: 'FAQ bot forwarding: "is
...'")."""


def _told_by(graph: KnowledgeGraph, answer: str) -> list[tuple[Relation, bool]]:
    """The relations an answer of :func:`kg.ask.ask` tells, in the order it tells them,
    each read the way it reads it: every sentence of an answer is a relation's clause
    (:func:`kg.explain.clause`), so a clause found in its text is a relation it tells."""
    body = _MARKS.sub("", answer.split("\n[^1]:")[0]).lower()
    at: dict[Relation, tuple[int, bool]] = {}
    for text, rel, forward in _clauses(graph):
        i = body.find(text)
        if i >= 0 and (rel not in at or i < at[rel][0]):
            at[rel] = (i, forward)
    return [(rel, fwd) for rel, (_i, fwd) in sorted(at.items(), key=lambda kv: kv[1][0])]


def _defined_by(graph: KnowledgeGraph, answer: str) -> list[str]:
    """The concepts whose definition an answer of :func:`kg.ask.ask` gives (its first
    sentence, found in the answer's text), in the order it gives them."""
    text = _MARKS.sub("", answer.split("\n[^1]:")[0])
    body = text.lower()
    at: dict[str, int] = {}
    # only a concept the answer names can be one it defines ("... aligned: robust
    # alignment, the case in which ..."): the glossary's automaton finds those at once
    for cid in dict.fromkeys(a.id for a in annotate(graph, text, first_only=True)):
        c = graph.concepts[cid]
        first = _MARKS.sub("", c.definition).split(". ")[0].lower().rstrip(".")
        i = body.find(first) if len(first) > 20 else -1
        if i >= 0:
            at[c.id] = i
    return sorted(at, key=at.__getitem__)


_TYPE_ORDER = (
    "is_a",
    "part_of",
    "failure_of",
    "example_of",
    "has_objective",
    "produces",
    "causes",
    "makes_likely",
    "exacerbates",
    "reveals",
    "mitigates",
    "insufficient_against",
    "requires",
    "relies_on",
    "optimizes",
    "contrasts_with",
    "outperforms",
    "fails_together",
    "concerns",
    "analogous_to",
    "related_to",
    "introduced_in",
)
"""Of a concept's relations that the question's words do not pick out, the order they
are told in: what it is first, then what it aims at, causes, and is helped or hurt by;
vague links and where it was named last."""


_WORDS: WeakKeyDictionary[KnowledgeGraph, dict[tuple[Relation, str], frozenset[str]]]
_WORDS = WeakKeyDictionary()


def _words(graph: KnowledgeGraph, rel: Relation, other: Concept) -> frozenset[str]:
    """The content stems of a relation's note and of the names of its end ``other``, by
    which a neighbour is matched to a question: made once per graph."""
    known = _WORDS.get(graph)
    if known is None:
        known = _WORDS[graph] = {}
    found = known.get((rel, other.id))
    if found is None:
        found = known[(rel, other.id)] = content_stems(
            " ".join([rel.note or "", other.label, *other.aliases])
        )
    return found


def _neighbours(
    graph: KnowledgeGraph, core: Sequence[str], asked: frozenset[str], focus: Sequence[str]
) -> list[tuple[Relation, bool]]:
    """The relations of the question's concepts to others, most telling first: those
    whose note or other end shares words with the question, then those of a type the
    question's wording asks about, then by type; each concept's best before any
    concept's second best (with ties broken that way)."""
    ranked: list[tuple[tuple[int, int, int, int, int], Relation, bool]] = []
    inside = set(core)
    for k, cid in enumerate(core):
        mine = []
        for rel in graph.relations_of(cid):
            forward = rel.source == cid
            other = graph.concepts[rel.target if forward else rel.source]
            if other.id in inside:
                continue  # told among the question's concepts
            overlap = len(asked & _words(graph, rel, other))
            order = _TYPE_ORDER.index(rel.type) if rel.type in _TYPE_ORDER else len(_TYPE_ORDER)
            mine.append(((-overlap, 0 if rel.type in focus else 1, order), rel, forward))
        mine.sort(key=lambda m: m[0])
        for i, (key, rel, forward) in enumerate(mine[:NEIGHBOURS_PER_CONCEPT]):
            ranked.append(((key[0], key[1], i, k, key[2]), rel, forward))
    ranked.sort(key=lambda r: r[0])
    seen: set[Relation] = set()
    out = []
    for _key, rel, forward in ranked:
        if rel not in seen:
            seen.add(rel)
            out.append((rel, forward))
    return out


def _described(graph: KnowledgeGraph, framing: str) -> list[tuple[str, float | None]]:
    """The concepts the question describes without naming them, best first, with their
    scores: :func:`kg.describe.describe` on the question with its names blanked out
    (``framing``), so that a name is not read as a description of its neighbours ("is
    evolution a mesa-optimizer?" describes nothing) and a description beside a name is
    still found ("why would a mesa-optimizer *pretend to be aligned in training*?")."""
    return [(d.id, d.score) for d in describe(graph, framing)]


def build_context(
    graph: KnowledgeGraph, question: str, *, budget: int = DEFAULT_BUDGET
) -> GroundedContext:
    """The grounded context for ``question`` within ``budget`` estimated tokens (see the
    module notes for what it holds and in which order).

    Raises :class:`~kg.errors.InvalidQuery` for an empty question, one over
    :data:`kg.ask.MAX_QUESTION` characters, or a budget outside
    :data:`MIN_BUDGET`-:data:`MAX_BUDGET`.
    """
    if not MIN_BUDGET <= budget <= MAX_BUDGET:
        raise InvalidQuery(
            f"budget must be between {MIN_BUDGET} and {MAX_BUDGET:,} tokens, not {budget}."
        )
    answer = ask(graph, question)  # raises for an empty or over-long question
    q = answer.question
    reading = read(graph, q)
    # what ask's answer is about comes first; a concept it read but set aside (beyond its
    # three, or a generic word: "the *goal* of evolution") is defined after the relations,
    # and only its direct relations with the others are told, no paths or neighbours
    asked_term = answer.intent == "describe"  # ask found what the question describes
    first = [] if asked_term else list(answer.concepts)
    later = [cid for cid in dict.fromkeys(f.id for f in reading.found) if cid not in first]
    named = [*first, *later]
    # a text that names nothing, asks what something is called, or is a description and
    # not a question ("a model that keeps its skills but pursues the wrong goal") is
    # about what it describes; a question about named concepts may describe others too,
    # if it says enough beside their names
    describing = (
        asked_term or not named or bool(_ASKS_FOR_TERM.search(q)) or not _QUESTION.search(q)
    )
    beside = len(content_stems(reading.framing)) >= BESIDE_WORDS
    found = _described(graph, reading.framing) if describing or beside else []
    if asked_term:
        scores = {d.id: d.score for d in describe(graph, q)}
        found = [(cid, scores.get(cid)) for cid in answer.concepts]
    described = [(cid, s) for cid, s in found if cid not in named][:DESCRIBED_MAX]
    core = [*first, *(cid for cid, _s in described)]
    b = _Builder(graph, budget)
    missing = list(answer.missing)
    phrases = " or ".join(f"\u201c{p}\u201d" for p in missing)
    if core and missing:
        b.note(
            f"The glossary has no entry for {phrases}; below is only what it holds on "
            "the rest of the question."
        )
    elif missing:
        b.note(
            f"The glossary has no entry for {phrases}, and the question names nothing "
            "else it holds."
        )
    elif not core:
        b.note(
            "The glossary holds nothing on this question: it names no concept the glossary "
            "defines and describes none closely enough."
        )
    if core:
        # what the graph's answer says it lacks ("records no remedies for deceptive
        # alignment") keeps a model from filling the gap
        for lack in dict.fromkeys(_RECORDS_NO.findall(_MARKS.sub("", answer.answer))):
            b.note("The glossary" + lack)
    guessed = [
        _Fact(
            "described",
            concept=graph.concepts[cid],
            score=None if score is None else round(score, 4),
        )
        for cid, score in described
    ]
    # when the text is about what it describes, that leads, taking turns with what it
    # names: a name may be one of the words describing it ("a model that ... pursues
    # the wrong *goal*") or the very thing ("the assistant that only attacked *Aurora*")
    own = [_Fact("named", concept=graph.concepts[cid]) for cid in first]
    if describing:
        own = [f for pair in zip_longest(guessed, own) for f in pair if f is not None]
    # the relations the graph's own answer tells, in its order (it leads with what
    # decides the question), then the other relations among the question's concepts
    inside = {*core, *later}
    told = _told_by(graph, answer.answer) if core else []
    if answer.intent in _ANSWERED_BY_RELATIONS and told:
        # a yes/no, why, how or which question is answered by the relation the graph's
        # answer leads with (what decides it, the first cause): with little room, that
        # matters more than what the concepts are
        b.add(_told_fact(told[0], inside))
    for fact in own:
        b.add(fact)
    if core:
        for step in told:
            b.add(_told_fact(step, inside))
    # a concept the answer defines on the way ("not necessarily: ... robust alignment,
    # the case in which ..."), not by a relation: part of its reason, told after what the
    # question names and describes (an answer listing examples defines each)
    defined_on_the_way = (
        [cid for cid in _defined_by(graph, answer.answer) if cid not in inside] if core else []
    )
    paths: list[RankedPath] = []
    every = [*core, *later]
    for i, x in enumerate(every):
        for y in every[i + 1 :]:
            r = relate(graph, x, y, max_hops=2, limit=PATHS_PER_PAIR + 2)
            for rel in ordered_direct(r):
                b.add(_Fact("among", steps=((rel, rel.source == x),)))
            if x in core and y in core:
                paths += [p for p in r.paths if not misleading(p)][:PATHS_PER_PAIR]
    # beside the concepts a question asks about by name, those it seems to describe are
    # a guess: they wait until what the graph says of the named ones has been told
    for fact in guessed:
        b.add(fact)
    for cid in later:
        b.add(_Fact("named", concept=graph.concepts[cid]))
    for cid in defined_on_the_way:
        b.add(_Fact("related", concept=graph.concepts[cid]))
    for p in paths:
        b.add(_Fact("path", steps=tuple((s.relation, s.forward) for s in p.steps)))
    _define_brought_in(b, every)
    asked = content_stems(reading.framing)
    focus = focus_types(reading.framing)
    for rel, forward in _neighbours(graph, core, asked, focus):
        b.add(_Fact("neighbour", steps=((rel, forward),)))
    _define_brought_in(b, every)
    text = b.finish()
    return GroundedContext(
        question=q,
        budget=budget,
        tokens=estimate_tokens(text),
        omitted=b.omitted,
        named=named,
        described=[cid for cid, _s in described],
        missing=missing,
        concepts=b.concepts,
        relations=b.relations,
        quotes=b.quotes,
        text=text,
    )


_ANSWERED_BY_RELATIONS = frozenset({"yes_no", "which", "why", "how", "what_happens"})
"""The intents of :func:`kg.ask.ask` whose answer leads with a relation, not a definition."""


def _told_fact(step: tuple[Relation, bool], inside: set[str]) -> _Fact:
    """A relation ask's answer tells: among the question's concepts, or brought in."""
    rel, forward = step
    role: RelationRole = "among" if {rel.source, rel.target} <= inside else "answer"
    return _Fact(role, steps=((rel, forward),))


def _define_brought_in(b: _Builder, core: Iterable[str]) -> None:
    """Define the concepts the relations told so far bring in, in order of mention."""
    inside = set(core)
    for rel in b.relations:
        for cid in (rel.source, rel.target):
            if cid not in inside and cid not in b.defined:
                b.add(_Fact("related", concept=b.graph.concepts[cid]))
