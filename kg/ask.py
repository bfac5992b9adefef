"""Answer a question from the graph alone: intent, concepts, then a cited answer.

No language model is involved and nothing is invented. The question's concepts are
found by :mod:`kg.annotate` (labels, aliases, plurals, British spellings, "inner and
outer alignment" read as two concepts) and then by a strict fuzzy match for misspellings
("psuedo alignment"). The intent comes from the words around them:

- ``define``: one concept ("What is a mesa-optimizer?");
- ``relate``: two or more ("How does the base optimizer relate to the mesa-optimizer?");
- ``difference``: two or more with a word of contrast ("difference", "versus", ...);
- ``examples``: one concept with a word such as "example" or "instance";
- ``unknown``: the question names nothing the graph holds, or names something it does
  not hold beside what it does ("What is the alignment tax?"). The answer then says what
  is missing, offers the closest concepts the graph has, and suggests questions it can
  answer. It never answers a near miss as if it were the question.

Every claim in an answer carries ``[^n]`` footnotes numbered in order of first use.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> a = ask(g, "whats the difference between base and mesa optimisers")
>>> a.intent, a.concepts
('difference', ['base-optimizer', 'mesa-optimizer'])
>>> ask(g, "What is reward hacking?").intent
'unknown'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from kg.annotate import annotate
from kg.errors import InvalidQuery
from kg.explain import (
    Footnotes,
    capitalize,
    clause,
    noun,
    relate_lines,
    with_footnotes,
)
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term
from kg.model import Concept, Relation
from kg.paths import relate
from kg.search import search

Intent = Literal["define", "relate", "difference", "examples", "unknown"]
INTENTS: tuple[Intent, ...] = ("define", "relate", "difference", "examples", "unknown")
MAX_QUESTION = 500
"""Longest question, in characters, that is read."""
FUZZY_CUTOFF = 88.0
"""Least rapidfuzz ratio (0-100) at which a misspelt phrase is taken for a term."""
MAX_CONCEPTS = 3
"""Most concepts one answer covers."""

_DIFFERENCE = re.compile(
    r"\b(differen\w*|differ|differs|distinguish\w*|distinction|versus|vs|compar\w*|"
    r"contrast\w*|same|similar\w*|unlike|opposite)\b")
_EXAMPLES = re.compile(r"\b(examples?|instances?|illustrat\w*|e\.?g|cases?|analog\w*)\b")
_RELATE = re.compile(
    r"\b(relat\w*|connect\w*|link\w*|between|lead|leads|cause\w*|affect\w*|interact\w*|"
    r"depend\w*|tied|role|influence\w*|produce\w*)\b")
_ORIGIN = re.compile(r"\b(who|introduc\w*|coin\w*|origin\w*|come from|comes from|paper)\b")
# "what is X", "define X", ... up to X; the subject then runs to a preposition or the end
_SUBJECT = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+|please\s+)?(?:what\s+is|what's|whats|what\s+are|what're|"
    r"who\s+is|who\s+are|define|explain|describe|tell\s+me\s+about|"
    r"what\s+do\s+you\s+mean\s+by|what\s+is\s+meant\s+by|what\s+does|what\s+do|"
    r"meaning\s+of|definition\s+of)\s+"
    r"(?:(?:the|a|an)\s+)?(?:(?:meaning|definition|concept|notion|idea|term)\s+of\s+)?"
    r"(?:(?:the|a|an)\s+)?")
_SUBJECT_END = re.compile(
    r"\b(in|for|on|with|within|under|from|according|at|by|when|if|as|during|mean|means|"
    r"stand|refer|refers|exactly|really|please|and|or|but|why|how|which|that|who|where|"
    r"whose|vs|versus)\b|[,;:?!.]")
_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_BEFORE_SHARED_HEAD = re.compile(r"([^\W_]+)\s*(?:,|\band\b|\bor\b|\bvs\.?|\bversus\b|&|/)\s*$")

STOP_WORDS = frozenset("""
a about above after again all also am an and any anything are aren't as at be because been
before being below between both but by can can't could couldn't did didn't do does doesn't
doing don't down during each else ever every few for from further get gets give had hadn't
has hasn't have haven't having he her here hers herself him himself his how however i i'm
if in into is isn't it it's its itself just let let's like me more most much must my myself
no nor not of off on once one only or other others our ours ourselves out over own please
quite rather really same say says she should shouldn't simply so some such tell than that
that's the their theirs them themselves then there there's these they this those through to
too under until up us very was wasn't we were weren't what what's whats when where which
while who who's whom why will with within without won't would wouldn't you you're your
yours yourself yourselves hello hi hey thanks thank
answer ask basically briefly concept concepts define defined definition describe described
explain explained explanation exactly idea ideas know mean meaning meant means name notion
question show simple term terms thing things understand word words versus vs
difference differences different differ differs distinguish distinction compare compared
comparison contrast contrasted similar similarity similarities unlike opposite
relate relates related relation relations relationship relationships connect connected
connection connections link linked links lead leads role affect affects interact
example examples instance instances illustrate illustrates illustration case cases
analogy analogies eg e.g kind kinds type types sort sorts mean way ways work works
""".split())
"""Words that carry no subject: function words and the words that express an intent."""

GENERIC_HEADS = frozenset("""
model models system systems agent agents ai ais policy policies problem problems phenomenon
thing things case scenario scenarios process processes setting
""".split())
"""Nouns that may follow a term without changing what is asked ("deceptively aligned model")."""


@dataclass(frozen=True)
class Found:
    """A concept named in the question, where, and how it was recognised."""

    id: str
    start: int
    end: int
    how: Literal["term", "shared-head", "fuzzy"]


@dataclass
class Answer:
    """A grounded answer: markdown with footnotes, the concepts it is about, and hints."""

    question: str
    intent: Intent
    concepts: list[str]
    answer: str
    notes: Footnotes
    suggestions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Phrases of the question that name nothing in the graph."""


@dataclass
class _Word:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("\u2019", "'")


def find_concepts(graph: KnowledgeGraph, question: str) -> tuple[list[Found], list[str]]:
    """The concepts named in ``question``, in order, and the content phrases left over.

    >>> from kg.load import load_graph
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> found, rest = find_concepts(g, "is inner allignment about the base objectve in AI?")
    >>> [f.id for f in found], rest
    (['inner-alignment', 'base-objective'], [])
    """
    found: list[Found] = []
    for a in annotate(graph, question):
        found.append(Found(a.id, a.start, a.end, "term"))
        found.extend(_shared_head(graph, question, a.start, a.end, a.text))
    words = [_Word(m.group(), m.start(), m.end()) for m in _WORDS.finditer(question)]
    covered = [any(f.start <= w.start < f.end for f in found) for w in words]
    found.extend(_fuzzy(graph, question, words, covered))
    found.sort(key=lambda f: f.start)
    rest = _leftover(question, words, covered)
    return _unique(found), rest


def _shared_head(graph: KnowledgeGraph, question: str, start: int, end: int,
                 text: str) -> list[Found]:
    """Read "inner and outer alignment" as naming inner alignment too."""
    parts = re.split(r"([ -])", text, maxsplit=1)
    if len(parts) < 3:
        return []
    _first, sep, tail = parts
    before = _BEFORE_SHARED_HEAD.search(question[:start])
    if not before:
        return []
    for joiner in (sep, " ", "-"):
        concept = graph.lookup(f"{before.group(1)}{joiner}{tail}")
        if concept is not None:
            return [Found(concept.id, before.start(1), before.end(1), "shared-head")]
    return []


def _fuzzy(graph: KnowledgeGraph, question: str, words: list[_Word],
           covered: list[bool]) -> list[Found]:
    """Misspelt terms among the words no term covered; the longest phrases first."""
    terms = graph.terms()
    names = list(terms)
    found: list[Found] = []
    n = len(words)
    for size in range(min(6, n), 0, -1):
        for i in range(n - size + 1):
            span = words[i:i + size]
            if any(covered[i:i + size]):
                continue
            if span[0].lower in STOP_WORDS or span[-1].lower in STOP_WORDS:
                continue
            if _crosses_punctuation(question, span):
                continue
            phrase = normalize_term(question[span[0].start:span[-1].end])
            if len(phrase) < 5:
                continue
            best = process.extractOne(phrase, names, scorer=fuzz.ratio,
                                      score_cutoff=FUZZY_CUTOFF)
            if best is None:
                continue
            found.append(Found(terms[best[0]], span[0].start, span[-1].end, "fuzzy"))
            for j in range(i, i + size):
                covered[j] = True
    return found


def _crosses_punctuation(question: str, span: list[_Word]) -> bool:
    return any(re.search(r"[^\s\-'\u2019]", question[a.end:b.start])
               for a, b in zip(span, span[1:], strict=False))


def _leftover(question: str, words: list[_Word], covered: list[bool]) -> list[str]:
    """Runs of uncovered content words: what the question names that the graph lacks."""
    runs: list[str] = []
    current: list[_Word] = []

    def close() -> None:
        while current and current[-1].lower in GENERIC_HEADS:
            current.pop()
        if current:
            runs.append(question[current[0].start:current[-1].end])
        current.clear()

    for word, cov in zip(words, covered, strict=True):
        content = not cov and word.lower not in STOP_WORDS
        if content and current and _crosses_punctuation(question, [current[-1], word]):
            close()
        if content:
            current.append(word)
        else:
            close()
    close()
    return runs


def _unique(found: list[Found]) -> list[Found]:
    seen: set[str] = set()
    out = []
    for f in found:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out


def _mask(question: str, found: list[Found]) -> str:
    """The question lower-cased, with the named concepts blanked out."""
    chars = list(question.lower())
    for f in found:
        chars[f.start:f.end] = " " * (f.end - f.start)
    return "".join(chars)


def _subject_gap(question: str, found: list[Found]) -> str | None:
    """For "what is X?" questions: the part of X that names nothing, if any."""
    m = _SUBJECT.match(question.lower())
    if not m:
        return None
    end = _SUBJECT_END.search(question.lower(), m.end())
    stop = end.start() if end else len(question)
    words = [_Word(w.group(), w.start(), w.end())
             for w in _WORDS.finditer(question, m.end(), stop)]
    uncovered = [w for w in words
                 if not any(f.start <= w.start < f.end for f in found)
                 and w.lower not in STOP_WORDS and w.lower not in GENERIC_HEADS]
    # the whole phrase was asked about, even where a known term sits inside it
    # ("the alignment tax" is not the alignment problem)
    return question[words[0].start:words[-1].end] if uncovered else None


def detect_intent(question: str, found: list[Found], rest: list[str]) -> Intent:
    """The intent of ``question`` given the concepts found in it (see the module notes)."""
    text = _mask(question, found)
    if not found:
        return "unknown"
    if len(found) >= 2:
        return "difference" if _DIFFERENCE.search(text) else "relate"
    if _EXAMPLES.search(text):
        return "examples"
    if rest and (_DIFFERENCE.search(text) or _RELATE.search(text)):
        return "unknown"  # "how does X relate to <something the graph lacks>"
    return "define"


def ask(graph: KnowledgeGraph, question: str) -> Answer:
    """Answer ``question`` from ``graph`` (see the module notes).

    Raises :class:`~kg.errors.InvalidQuery` for an empty or over-long question.
    """
    q = " ".join(question.split())
    if not q:
        raise InvalidQuery("The question is empty.")
    if len(q) > MAX_QUESTION:
        raise InvalidQuery(f"The question is longer than {MAX_QUESTION} characters.")
    found, rest = find_concepts(graph, q)
    gap = _subject_gap(q, found)
    if gap is not None:
        # "what is the alignment tax": a term inside the phrase is not what was asked
        at = q.find(gap)
        outside = [f for f in found if not at <= f.start < at + len(gap)]
        return _unknown(graph, q, [gap], [graph.concepts[f.id] for f in outside])
    intent = detect_intent(q, found, rest)
    concepts = [graph.concepts[f.id] for f in found][:MAX_CONCEPTS]
    if intent == "unknown":
        return _unknown(graph, q, rest, concepts)
    notes = Footnotes(graph)
    if intent == "define":
        lines = _define(graph, concepts[0], notes, origin=bool(_ORIGIN.search(q.lower())))
    elif intent == "examples":
        lines = _examples(graph, concepts[0], notes)
    elif intent == "difference":
        lines = _difference(graph, concepts, notes)
    else:
        lines = _relate(graph, concepts, notes)
    return Answer(q, intent, [c.id for c in concepts], with_footnotes(lines, notes), notes,
                  _suggest(graph, concepts, intent))


# -- answers

_DEFINE_ORDER = ("is_a", "part_of", "has_objective", "produces", "optimizes", "concerns",
                 "contrasts_with", "causes", "requires", "mitigates", "example_of",
                 "analogous_to", "related_to", "introduced_in")
DEFINE_FACTS = 4
"""Most relations quoted under a definition."""


def _facts(graph: KnowledgeGraph, c: Concept, origin: bool) -> list[tuple[Relation, bool]]:
    """The relations that say most about ``c``, read from ``c``."""
    def rank(rel: Relation) -> tuple[int, int, str]:
        forward = rel.source == c.id
        order = _DEFINE_ORDER.index(rel.type) if rel.type in _DEFINE_ORDER else 99
        if origin and rel.type == "introduced_in":
            order = -1
        other = graph.concepts[rel.target if forward else rel.source]
        return order, 0 if forward else 1, other.label.lower()
    rels = sorted(graph.relations_of(c.id), key=rank)
    return [(r, r.source == c.id) for r in rels[:DEFINE_FACTS]]


def _definition(c: Concept, notes: Footnotes) -> str:
    return f"{c.definition.strip()}{notes.mark(c.citations)}"


def _define(graph: KnowledgeGraph, c: Concept, notes: Footnotes, origin: bool = False) -> list[str]:
    lines = [f"**{capitalize(c.label)}** ({c.kind.replace('_', ' ')}): {_definition(c, notes)}"]
    if c.aliases:
        lines += ["", "Also called: " + ", ".join(c.aliases) + "."]
    facts = _facts(graph, c, origin)
    if facts:
        lines += ["", "In the graph:", ""]
        lines += [f"- {capitalize(clause(graph, r, fwd))}.{notes.mark(r.citations)}"
                  for r, fwd in facts]
    return lines


def _relate(graph: KnowledgeGraph, concepts: list[Concept], notes: Footnotes) -> list[str]:
    lines: list[str] = []
    for a, b in zip(concepts, concepts[1:], strict=False):
        if lines:
            lines.append("")
        lines += relate_lines(graph, relate(graph, a.id, b.id), notes)
    return lines


def _difference(graph: KnowledgeGraph, concepts: list[Concept], notes: Footnotes) -> list[str]:
    names = [f"**{capitalize(c.label) if i == 0 else c.label}**" for i, c in enumerate(concepts)]
    lines = [f"{', '.join(names[:-1])} and {names[-1]} compared:", ""]
    lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in concepts]
    for a, b in zip(concepts, concepts[1:], strict=False):
        r = relate(graph, a.id, b.id)
        lines.append("")
        lines += relate_lines(graph, r, notes)
        if not r.shared:
            lines += ["", f"The graph records nothing that {noun(a)} and {noun(b)} share."]
    return lines


def examples_of(graph: KnowledgeGraph, cid: str) -> list[tuple[Relation, str | None]]:
    """Relations ``example_of`` into ``cid`` or into a kind of it, with that kind's id."""
    out: list[tuple[Relation, str | None]] = []
    for rel in graph.relations_of(cid):
        if rel.type == "example_of" and rel.target == cid:
            out.append((rel, None))
    for kind_id in graph.descendants(cid):
        for rel in graph.relations_of(kind_id):
            if rel.type == "example_of" and rel.target == kind_id:
                out.append((rel, kind_id))
    return out


def _examples(graph: KnowledgeGraph, c: Concept, notes: Footnotes) -> list[str]:
    found = examples_of(graph, c.id)
    lines: list[str] = []
    if found:
        lines.append(f"Examples of {noun(c, 'example')} in the graph:")
        lines.append("")
        for rel, via in found:
            ex = graph.concepts[rel.source]
            how = capitalize(clause(graph, rel)) + "."
            if via is not None:
                how = how[:-1] + f", which is a kind of {noun(c)}."
            lines.append(f"- **{capitalize(ex.label)}**: {how}{notes.mark(rel.citations)} "
                         f"{_definition(ex, notes)}")
    own = [r for r in graph.relations_of(c.id) if r.type == "example_of" and r.source == c.id]
    if own:
        if lines:
            lines.append("")
        lines.append(f"**{capitalize(c.label)}** is itself an example:")
        lines.append("")
        for rel in own:
            lines.append(f"- {capitalize(clause(graph, rel))}.{notes.mark(rel.citations)}")
        lines += ["", _definition(c, notes)]
    if not lines:
        lines.append(f"The graph records no examples of {noun(c)}.")
        lines += ["", f"**{capitalize(c.label)}**: {_definition(c, notes)}"]
    return lines


# -- questions the graph cannot answer

CLOSEST_RATIO = 60.0
"""Least rapidfuzz ratio for a fuzzy search hit to be offered as close to a missing phrase."""


def _closest(graph: KnowledgeGraph, phrases: list[str], exclude: list[Concept]) -> list[Concept]:
    """Concepts whose names come close to ``phrases``; weak fuzzy hits are left out."""
    out: list[Concept] = []
    for phrase in phrases:
        wanted = normalize_term(phrase)
        hits = [h for h in search(graph, phrase, limit=5)
                if h.match != "fuzzy"
                or fuzz.ratio(wanted, normalize_term(h.matched)) >= CLOSEST_RATIO]
        for hit in hits:
            c = graph.concepts[hit.id]
            if c not in out and c not in exclude:
                out.append(c)
    return out[:3]


def _unknown(graph: KnowledgeGraph, q: str, missing: list[str],
             known: list[Concept]) -> Answer:
    notes = Footnotes(graph)
    lines: list[str] = []
    named = ", ".join(f"\u201c{p}\u201d" for p in missing)
    if missing:
        lines.append(f"The graph has no entry for {named}, so it cannot answer this "
                     "question as asked.")
    else:
        lines.append("The question names no concept the graph holds, so it cannot answer "
                     "it as asked.")
    if known:
        lines += ["", "What it does hold on the rest of the question:", ""]
        lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in known]
    closest = _closest(graph, missing, known)
    if closest:
        lines += ["", f"Closest to {named} in the graph:", ""]
    elif not known:
        closest = central_concepts(graph, 3)
        lines += ["", "The graph covers inner alignment, mesa-optimizers and the concepts "
                      "around them; central ones are:", ""]
    lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in closest]
    suggestions = _suggest(graph, [*known, *closest], "unknown")
    if suggestions:
        lines += ["", "Questions it can answer:", ""]
        lines += [f"- {s}" for s in suggestions]
    return Answer(q, "unknown", [c.id for c in known], with_footnotes(lines, notes), notes,
                  suggestions, missing)


def central_concepts(graph: KnowledgeGraph, n: int) -> list[Concept]:
    """The ``n`` most connected concepts: where a newcomer should start."""
    ranked = sorted(graph.concepts.values(), key=lambda c: (-graph.degree(c.id), c.id))
    return [c for c in ranked if c.kind != "work"][:n]


def _named(c: Concept) -> str:
    """How a concept is named inside a suggested question."""
    return noun(c, "definite" if c.kind == "problem" else "indefinite")


def _suggest(graph: KnowledgeGraph, concepts: list[Concept], intent: Intent) -> list[str]:
    """Questions about ``concepts`` that the graph can answer, other than the one asked."""
    out: list[str] = []
    for c in concepts[:3]:
        if intent != "define" or c is not concepts[0]:
            out.append(f"What {'are' if c.plural else 'is'} {_named(c)}?")
        if intent != "examples" and examples_of(graph, c.id):
            out.append(f"What is an example of {noun(c, 'example')}?")
        contrasts = [r for r in graph.relations_of(c.id) if r.type == "contrasts_with"]
        for r in contrasts[:1]:
            other = graph.concepts[r.target if r.source == c.id else r.source]
            if intent != "difference" or other not in concepts:
                out.append(f"What is the difference between {_named(c)} and {_named(other)}?")
    return list(dict.fromkeys(out))[:4]
