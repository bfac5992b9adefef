"""Answer a question from the graph alone: intent, concepts, then a cited answer.

No language model is involved and nothing is invented. The question's concepts are
found by :mod:`kg.annotate` (labels, aliases, plurals, British spellings; "inner and
outer alignment" read as two concepts) and then by a strict fuzzy match for misspellings
("psuedo alignment"). Every other word must be a framing word (:mod:`kg.vocab`:
function words, intent words, common verbs, context such as "in machine learning"). A
word that is none of these names something the graph does not hold, and the question is
answered as ``unknown`` rather than as a near miss: "What is the alignment tax?" is not
answered with the alignment problem, nor "Is GPT-3 a mesa-optimizer?" with a definition.

Intents:

- ``define``: one concept ("What is a mesa-optimizer?"); verbs such as "causes" or
  "produces" put the matching relations first ("What causes goal misgeneralization?");
- ``relate``: two or more concepts ("How does the base optimizer relate to the
  mesa-optimizer?"); a yes/no question answered by a chain of "is a kind of" / "is an
  example of" gets a plain "Yes";
- ``difference``: two or more with a word of contrast ("difference", "versus", ...);
- ``examples``: one concept with a word such as "example" or "instance";
- ``describe``: the question describes a concept without naming it ("What do you call
  a model that pretends to be aligned until it is deployed?"): found by
  :func:`kg.describe.describe`, the answer names the term, defines it, shows what in the
  graph's text matched the description, and offers the other concepts that fit as well.
  Asked whenever the question asks for a term ("what do you call", "the term for", "is
  there a word for", "what is it called"), and before giving up on a question that
  names no concept and no term the graph lacks;
- ``unknown``: the question names something the graph does not hold. The answer says
  what is missing, gives what the graph holds on the rest of the question and the closest
  concepts, and suggests questions it can answer.

Every claim in an answer carries ``[^n]`` footnotes numbered in order of first use.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> a = ask(g, "whats the diffrence between base and mesa optimisers")
>>> a.intent, a.concepts
('difference', ['base-optimizer', 'mesa-optimizer'])
>>> a = ask(g, "What is reward hacking?")
>>> a.intent, a.missing
('unknown', ['reward hacking'])
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process

from kg.annotate import Annotation, annotate
from kg.describe import COLUMNS, Described, category_words, describe, head_stem, index_for
from kg.errors import InvalidQuery, NotReady
from kg.explain import (
    OTHER_CONNECTIONS,
    Footnotes,
    Told,
    capitalize,
    choice_head,
    cited_text,
    clause,
    defined,
    explained,
    limiting,
    lowered,
    noun,
    relate_lines,
    with_footnotes,
)
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term
from kg.lexicon import POSSESSIVE, Lexicon, content_stems, fold_word, lexicon, stem
from kg.model import Citation, Concept, Relation
from kg.paths import Relatedness, relate
from kg.reasoning import (
    CAUSAL,
    EFFECTS,
    JUDGING,
    NO_REMEDY,
    SAME_WORD,
    SUFFICES,
    UPWARD,
    Choice,
    Verdict,
    an_example,
    and_what_it_fails,
    asked_kind,
    broken_down,
    defined_of,
    failures_of,
    how,
    is_kind_of,
    problems_about,
    shown_in_training,
    shows,
    story_told,
    verdict_line,
    what_happens,
    whether,
    whether_enough,
    which,
    which_judged,
    why,
)
from kg.search import search
from kg.verify import TooManyQuotations, verify
from kg.vocab import (
    AMONG,
    ASPECT_VERBS,
    CATEGORY_OF,
    CONTRASTED,
    DENIAL_WORDS,
    FIELD_WORDS,
    FUNCTION_WORDS,
    INTENT_WORDS,
    LEAD,
    ROLE_OF,
    correct_function_word,
    correct_intent_word,
    focus_types,
    is_adjective,
    is_common,
    role,
    slipped_verb,
)

Intent = Literal[
    "define",
    "relate",
    "difference",
    "examples",
    "yes_no",
    "which",
    "why",
    "how",
    "what_happens",
    "describe",
    "unknown",
]
INTENTS: tuple[Intent, ...] = get_args(Intent)
MAX_QUESTION = 500
"""Longest question, in characters, that is read."""
FUZZY_CUTOFF = 88.0
"""Least rapidfuzz ratio (0-100) at which a misspelt phrase is taken for a term."""
MAX_CONCEPTS = 3
"""Most concepts one answer covers."""

_DIFFERENCE = re.compile(
    r"\b(differen\w*|differ|differs|diff|distinguish\w*|distinction|versus|vs|compar\w*|"
    r"contrast\w*|same|similar\w*|alike|resembl\w*|unlike|opposite)\b"
)
_EXAMPLES = re.compile(r"\b(examples?|instances?|illustrat\w*|e\.?g|cases?)\b")
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|can|could|does|do|did|would|will|should|must|"
    r"might|may|has|have|had|need|needs)\b",
    re.I,
)
_WHAT_IS = re.compile(
    r"^\s*(?:(?:so|and|but|please|ok|okay)\s+)?(?:what\s+is|what's|whats|what\s+are|"
    r"what're|which\s+is|who\s+is|define|explain|describe|tell\s+me\s+about)\s+"
    r"(?:(?:the|a|an)\s+)?$",
    re.I,
)
_OF_BETWEEN = re.compile(
    r"^\s*(?:'s\s*|\u2019s\s*)?(?:of|for|in|within|inside)\s+"
    r"(?:(?:the|a|an)\s+)?$|^\s*(?:'s|\u2019s)\s*$",
    re.I,
)
_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_SHARED_HEAD_JOIN = re.compile(
    r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|\bvs\.?|\bversus\b|&|/)"
    r"\s*(?:(?:the|a|an)\s+)?$",
    re.I,
)
_PREDICATE_QUESTION = re.compile(
    r"^\s*(?:why|how|in what way|is|are|was|were|can|could|would|will|does|do)\b", re.I
)
_LAST_WORD = re.compile(r"([^\W_]+)\s*$")
_WHY = re.compile(
    r"(?:why\b|what\s+makes\b|for\s+what\s+reason\b|how\s+come\b"
    # "what's the reason gradient descent tends to produce optimizers?"
    r"|what(?:['\u2019]?s|\s+is|\s+are)\s+the\s+(?:main\s+)?reasons?\s+(?!for\s+the\s+name\b))",
    re.I,
)
_WHAT_HAPPENS = re.compile(
    r"(?:what\s+(?:happens|happened|would\s+happen|will\s+happen|could\s+happen|can\s+happen|"
    r"went\s+wrong|goes\s+wrong|can\s+go\s+wrong|could\s+go\s+wrong|"
    # "what does misalignment lead to?" (the name blanked: nothing but spaces between)
    r"(?:does|do|would|can|could|might)\s+(?:\S+\s+){0,2}"
    r"(?:lead\s+to|cause|result\s+in|bring\s+about)\b|are\s+the\s+"
    # "what are the (three) (possible) outcomes ...?"
    r"(?:[^\W_]+\s+){0,2}(?:effects|consequences|results|outcomes)|"
    r"is\s+the\s+(?:[^\W_]+\s+){0,2}(?:effect|consequence|result|outcome)|"
    r"if\b|"
    r"(?:does|do|did|will|would)\s+(?:it|they)\s+do|"
    # "what does a trained mesa-optimizer do when ...?" (the name is blanked)
    r"(?:does|do|did|will|would)\s+(?:(?:a|an|the)\s+)?(?:[^\W\d_]+\s+)?\s*do\s+"
    r"(?:when|if|once|after|whenever)\b))"
    r"\b",
    re.I,
)
_HOW = re.compile(
    r"how\s+(?:else\s+|exactly\s+|precisely\s+|really\s+|actually\s+)?"
    r"(?:does|do|did|can|could|would|will|is|are|might)\b",
    re.I,
)
_EXPLAINS = re.compile(rf"^\s*(?:{_WHY.pattern}|{_HOW.pattern})", re.I)
"""A question that asks for a reason or a mechanism, from its first word ("why would
...", "how could ...")."""
_WHICH = re.compile(r"\b(?:which|whether)\b|\bor\b", re.I)
_JUDGING = re.compile(
    r"\b(?:dangerous|bad|worrying|concerning|worse|worst|risky|scary|"
    r"harmful|problem|problems|problematic|matter|matters|important|hard|"
    r"difficult|tricky|tough|challenging|complicated|subtle|enough|insufficient|fail|"
    r"fails)\b",
    re.I,
)
"""Words by which a why-question asks why something is bad or matters, not why it
happens."""
_NEGATED = re.compile(
    r"\b(?:not|cannot|never|fail|fails|failed|failing)\b|n[’']t\b"
    # as chat spells them: "cant", "doesnt", "isnt"
    r"|\b(?:did|does|do|is|are|was|were|ca|could|would|wo|should|has|have)nt\b",
    re.I,
)
"""Words by which a question asks why something falls short ("why doesn't adversarial
training show ...")."""
_GENERIC_OBJECTIVE = frozenset(
    {"goal", "goals", "objective", "objectives", "aim", "aims", "purpose"}
)
"""Aliases of "objective function" that, beside another concept, ask for its objective."""
GENERAL_OBJECTIVE = "objective-function"
"""The concept that "objective" or "goal" names when it is no one's in particular."""


@dataclass(frozen=True)
class Found:
    """A concept named in the question, where, and how it was recognised."""

    id: str
    start: int
    end: int
    how: Literal["term", "shared-head", "adjective", "fuzzy", "keyword", "verbal", "quoted"]


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
    verdict: Verdict | None = None
    """For a yes/no question: yes, no, partly, not_necessarily, possibly or unknown, as the
    first sentence of the answer says it."""

    def record(self) -> dict[str, Any]:
        """The answer as JSON: what ``/v1/ask`` answers and ``kg ask --json`` prints, the
        concepts both as ids and as references, the footnotes with their passages."""
        graph = self.notes.graph
        return {
            "question": self.question,
            "intent": self.intent,
            "verdict": self.verdict,
            "concepts": list(self.concepts),
            "concept_refs": [
                {"id": c.id, "label": c.label, "kind": c.kind}
                for c in (graph.concepts[cid] for cid in self.concepts)
            ],
            "answer": self.answer,
            "citations": [
                {
                    "n": item.n,
                    "title": item.title,
                    "draft": item.draft,
                    "source": item.citation.source,
                    "quote": item.citation.quote,
                    "start": item.citation.start,
                    "end": item.citation.end,
                }
                for item in self.notes.items
            ],
            "suggestions": list(self.suggestions),
            "missing": list(self.missing),
        }


@dataclass
class _Word:
    text: str
    start: int
    end: int
    role: str | None = None
    """Function, intent, verb, context or generic; ``None`` for a content word."""
    concept: bool = False
    """Inside a concept's name."""


@dataclass
class Reading:
    """What a question was read as: its concepts, framing and leftover content."""

    found: list[Found]
    words: list[_Word]
    missing: list[str]
    """Runs of content words that name nothing in the graph (with any term they qualify)."""
    framing: str
    """The question with concept names blanked and misspelt intent words corrected."""
    named: list[str] = field(default_factory=list)
    """Like ``missing`` but counting verbs and generic nouns as content: what a question
    that names no concept is about."""
    occurrences: list[Found] = field(default_factory=list)
    """Every place a concept is named, in order, the same concept perhaps more than once
    ("the evolution analogy ...: evolution or humans?")."""


def read(graph: KnowledgeGraph, question: str) -> Reading:
    """Read ``question``: concepts, the roles of the other words, and what is missing.

    >>> from kg.load import load_graph
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> r = read(g, "is inner allignment about the base objectve in machine learning?")
    >>> [f.id for f in r.found], r.missing
    (['inner-alignment', 'base-objective'], [])
    >>> read(g, "what is the mesa-optimizer risk").missing
    ['mesa-optimizer risk']

    A phrase in quotes that no name covers may name the concept whose own text holds it
    (:func:`_quoted`): read so only when that leaves nothing of the question unread ("can
    gradient descent tell the 'go to green' agent apart from ...?"); a description that
    quotes ("shortcuts like 'head down and to the right'") is still read as one.
    """
    reading = _read(graph, question, [])
    if reading.missing and _QUOTED_PHRASE.search(question):
        quoted = _quoted(graph, question, reading.occurrences)
        if quoted:
            again = _read(graph, question, quoted)
            if not again.missing:
                return again
    return reading


def _read(graph: KnowledgeGraph, question: str, quoted: list[Found]) -> Reading:
    found: list[Found] = []
    for a in annotate(graph, question):
        found.append(Found(a.id, a.start, a.end, "term"))
        found.extend(_shared_heads(graph, question, a.start, a.text))
    found.extend(quoted)
    found.extend(_elided(graph, question, found))
    found, head = _both_elided(graph, question, found)
    words = [_Word(m.group(), m.start(), m.end()) for m in _WORDS.finditer(question)]
    found = _verbal(graph, question, words, found)
    _mark(words, found)
    found.extend(_participles(graph, question, found))
    _mark(words, found)
    found.extend(_adjectives(graph, words))
    _mark(words, found)
    widened = _widened(graph, question, words, found)
    for f in list(widened):
        if f not in found:
            # "inner and outter alignment": the head is shared as the right one's is
            widened.extend(_shared_heads(graph, question, f.start, graph.concepts[f.id].label))
    found = widened
    _mark(words, found)
    fuzzy = [
        f
        for f in _fuzzy(graph, question, words, found)
        if head is None or not head[0] <= f.start < head[1]
    ]
    for f in fuzzy:
        # "inner and outer alignmnet": the misspelt head is shared as the right one is
        found.extend(_shared_heads(graph, question, f.start, graph.concepts[f.id].label))
    found.extend(fuzzy)
    _mark(words, found)
    framing = _mask(question, found)
    known = lexicon(graph)
    for w in words:
        if w.concept:
            continue
        w.role = role(w.text)
        folded = fold_word(w.text)
        if w.role is None and (folded in known.words or stem(folded) in known.stems):
            pass  # a word the sources use is no misspelling: "world" is not "word"
        elif (
            w.role is None
            and w.text.islower()  # "Turing" is a name, not "turning"
            and (verb := slipped_verb(folded)) is not None
            and verb in known.words
        ):
            # "hapen" is the verb "happen", a letter short, not a word the graph lacks
            w.role = role(verb)
        elif w.role is None and (corrected := correct_intent_word(w.text)):
            w.role = "intent"
            framing = re.sub(rf"\b{re.escape(w.text.lower())}\b", corrected, framing, count=1)
        elif w.role is None and (corrected := correct_function_word(w.text)):
            w.role = "function"  # "betwen", "becuase": no name the graph lacks
            framing = re.sub(rf"\b{re.escape(w.text.lower())}\b", corrected, framing, count=1)
        elif w.role is None and _APART.search(question[: w.end]):
            w.role = "function"  # the "apart" of "tell ... apart", "come apart"
        if head is not None and head[0] <= w.start < head[1]:
            w.role = "generic"  # the noun both options share: "every *alignment failure*"
    for before, w, after in zip(words, words[1:], words[2:], strict=False):
        third_person = (
            w.text.endswith("s") and not w.text.endswith("ss") and after.role == "function"
        )
        if (
            w.role is None
            and not w.concept
            and w.text.isalpha()
            and before.concept
            and (after.text.lower() in _DETERMINERS or after.concept or third_person)
            and _adjacent(question, w, after)
        ):
            # a word between a name and "a"/"the" or another name, or one in -s before a
            # function word, is a verb, not a compound's head: "can adversarial training
            # *leave* a deceptive model in place?", "deception *pays* off"
            w.role = "verb"
    lex = lexicon(graph)
    found.sort(key=lambda f: f.start)
    occurrences = list(found)
    found = _unique(found)
    missing, kept = _missing(question, words, found, lex=lex)
    offered = len(kept) == 2 and re.search(r"\bor\b", _mask(question, kept))
    last_or = list(re.finditer(r"\bor\b", question, re.I))
    # "..., the troop-maximizing assistant or the one that only attacks Aurora?": an
    # option after the last "or" that names nothing may be named by a word of the sources
    bare_option = bool(last_or) and not any(f.start >= last_or[-1].end() for f in kept)
    if not missing and (len(kept) < 2 or offered or bare_option):
        # a word of the sources that only one concept's name holds points at that concept
        # when the question names no other: "troops", "brotherhood", "mother"
        named = {f.id for f in kept}
        tail = last_or[-1].end() if len(kept) >= 2 and not offered and last_or else 0
        for i, w in enumerate(words):
            if w.start < tail:
                continue
            if (
                w.text.lower() in ASPECT_VERBS
                and words[i + 1 : i + 2]
                and (words[i + 1].text.lower().endswith("ing"))
            ):
                continue  # a verb before a gerund ("why did it *stop* attacking?")
            cid = lex.keywords.get(fold_word(w.text)) if not w.concept and w.role is None else None
            if cid is not None and _compound(question, words, i, lex):
                continue  # "reward modelling": two such words together name something else
            if cid is not None and cid not in named:
                kept.append(Found(cid, w.start, w.end, "keyword"))
                named.add(cid)
                w.concept = True
        kept.sort(key=lambda f: f.start)
        occurrences = sorted(
            [*occurrences, *(f for f in kept if f.how == "keyword")], key=lambda f: f.start
        )
    loose, _ = _missing(question, words, found, loose=True)
    kept = _headed(question, kept)
    ids = {f.id for f in kept}
    return Reading(kept, words, missing, framing, loose, [f for f in occurrences if f.id in ids])


_THAT_IS = re.compile(
    r"\s*(?:,\s*)?(?:that|who)(?:'s|\s+is|\s+are|\s+was)\s+(?:just\s+|only\s+|really\s+)?"
    r"(?:(?:a|an|the)\s+)?$",
    re.I,
)


def _headed(question: str, found: list[Found]) -> list[Found]:
    """Without a concept that only heads what the next one says it is: "a *network* that's
    a collection of heuristics" is heuristics, not the neural network as well."""
    return [
        f
        for f, g in itertools.zip_longest(found, found[1:])
        if g is None or not _THAT_IS.fullmatch(question[f.end : g.start])
    ]


_APART = re.compile(
    r"\b(?:tell|tells|told|telling|set|sets|keep|keeps|pull|pulls|come|comes|came|coming)"
    r"\b(?:\W+\w+){0,7}?\W+apart$",
    re.I,
)
_QUOTED_PHRASE = re.compile(
    r"(?<![\w'\u2019])(['\u2018\"\u201c])(?P<phrase>[^\W\d_][^'\"\u2019\u201d]{2,80}?)"
    r"['\u2019\"\u201d](?![\w'\u2019])"
)
"""A phrase in quotes ("tell the *'go to green'* agent apart")."""


def _quoted(graph: KnowledgeGraph, question: str, found: list[Found]) -> list[Found]:
    """The concepts a question names by quoting, in quotes, a phrase of several words
    that their own text holds: "the 'go to green' agent" is the maze with green apples,
    whose definition says "go to green". An example is preferred to what it exemplifies
    (the phrase comes from its story), then the holder whose names or definition hold
    it; nothing when two fit as well. Until a large graph's description index is built,
    nothing."""
    out: list[Found] = []
    for m in _QUOTED_PHRASE.finditer(question):
        phrase = m.group("phrase")
        if len(phrase.split()) < 2 or any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        try:
            holders = index_for(graph).holders(phrase)
        except NotReady:
            return []
        examples = {c: col for c, col in holders.items() if graph.concepts[c].kind == "example"}
        ranked = sorted((examples or holders).items(), key=lambda kv: COLUMNS.index(kv[1]))
        if ranked and (len(ranked) == 1 or ranked[0][1] != ranked[1][1]):
            out.append(Found(ranked[0][0], m.start(), m.end(), "quoted"))
    return out


_OR_ONE = re.compile(r"\s+or\s+(?:(?:a|an|the)\s+)?(?P<word>[^\W\d_]+)\s+ones?\b", re.I)


_ONES = re.compile(
    r"(?:\beither\s+)?\b(?:(?:a|an|the)\s+)?(?P<a>[^\W\d_]+)\s+one\s+or\s+"
    r"(?:(?:a|an|the)\s+)?(?P<b>[^\W\d_]+)\s+one\b",
    re.I,
)
_HEAD_WORDS = re.compile(r"([^\W\d_]+)\s+([^\W\d_]+)\s*$")


def _elided(graph: KnowledgeGraph, question: str, found: list[Found]) -> list[Found]:
    """The second option of "a terminal goal or an instrumental *one*": the word before
    "one" with the first option's last words (one, then two: "an inner alignment failure
    or an outer one"), where that names a concept."""
    out: list[Found] = []
    for f in found:
        m = _OR_ONE.match(question, f.end)
        if m is None:
            continue
        words = question[f.start : f.end].split()
        for n in range(1, min(len(words), 3)):
            c = graph.lookup(f"{m.group('word')} {' '.join(words[-n:])}")
            if c is not None and c.id != f.id:
                out.append(Found(c.id, m.start("word"), m.end(), "term"))
                break
    return out


def _both_elided(
    graph: KnowledgeGraph, question: str, found: list[Found]
) -> tuple[list[Found], tuple[int, int] | None]:
    """``found`` with both options of "is every alignment failure either an inner *one*
    or an outer *one*?" read as concepts: each word with the noun before them ("inner
    alignment failure", "outer alignment failure"), where both name one; that noun is then
    what the two are kinds of, not a third concept asked about: its span is returned."""
    for m in _ONES.finditer(question):
        words = _HEAD_WORDS.search(question, 0, m.start())
        if words is None:
            continue
        for start in (words.start(1), words.start(2)):
            head = question[start : words.end(2)]
            a = graph.lookup(f"{m.group('a')} {head}")
            b = graph.lookup(f"{m.group('b')} {head}")
            if a is not None and b is not None and a.id != b.id:
                kept = [f for f in found if f.end <= start or f.start >= words.end(2)]
                return [
                    *kept,
                    Found(a.id, m.start("a"), m.end("a"), "term"),
                    Found(b.id, m.start("b"), m.end("b"), "term"),
                ], (start, words.end(2))
    return found, None


def _compound(question: str, words: list[_Word], i: int, lex: Lexicon) -> bool:
    """Whether word ``i`` stands beside another word that, like it, points at a concept of
    its own, the two making a phrase the sources never use ("reward modelling": not the
    reward-result gap, nor modelling the base objective)."""
    own = lex.keywords.get(fold_word(words[i].text))
    for a, b in ((i - 1, i), (i, i + 1)):
        if a < 0 or b >= len(words):
            continue
        other = words[b if a == i else a]
        points = lex.keywords.get(fold_word(other.text))
        if (
            other.concept
            or other.role is not None
            or points in (None, own)
            or not _adjacent(question, words[a], words[b])
        ):
            continue
        phrase = f" {fold_word(words[a].text)} {fold_word(words[b].text)} "
        if phrase not in lex.text:
            return True
    return False


_DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "it",
        "them",
        "his",
        "her",
        "our",
        "your",
        "any",
        "every",
    }
)
_VERB_LEAD = re.compile(r"(?:\s+(?:about|of|the|a|an|its|their|what|out|at|to|into))*\s+$", re.I)


_POINTED = re.compile(
    r"\s+(?:the\s+|its\s+|their\s+|a\s+|an\s+)?(?P<what>\S.*?)\s+(?P<at>at)\s+"
    r"(?:the\s+|its\s+|their\s+)?",
    re.I,
)
"""A verb, what it carries, and "at": "pointing *the mesa-objective at* the world model",
"point *the model's goal at its* world model"."""


_SCARE_QUOTES = re.compile(r"[\"\u201c\u201d]|(?<!\w)['\u2018]|['\u2019](?!\w)")
"""Quote marks around words, not an apostrophe inside one ("model's")."""


_IN_THE = re.compile(r"\b(?:in|within|inside|during)\s+(?:the|this|that|a|an|rob's|his)\s+$", re.I)
"""What names an example as the setting of a question ("... work *in the* maze example?")."""
_FIND_OUT = frozenset({"find", "finds", "found", "figure", "figures", "figured", "work", "works"})
"""Verbs that with "out" mean to learn ("find out", "figure out", "work out")."""


def _verbal(
    graph: KnowledgeGraph, question: str, words: list[_Word], found: list[Found]
) -> list[Found]:
    """Read a verb before a term as the concept its gerund names, where the graph has one:
    "does it *understand the base objective*" names "understanding the base objective",
    not the base objective itself."""
    out: list[Found] = []
    for f in found:
        before = [w for w in words if w.end <= f.start]
        for verb in reversed(before[-7:]):
            # a verb in scare quotes ("just *"point at"* its world model") reads as one
            between = _SCARE_QUOTES.sub("", question[verb.end : f.start])
            lead = _VERB_LEAD.fullmatch(between)
            # "*pointing* the mesa-objective *at* the world model": what points stands
            # between the verb and "at" when it is itself a concept the question names
            carried = _POINTED.fullmatch(between)
            if carried is not None and not any(
                # the whole of what is carried, or its head ("the model's *goal*")
                o.start >= verb.end + carried.start("what")
                and o.end == verb.end + carried.end("what")
                for o in found
            ):
                carried = None
            if lead is None and carried is None:
                continue
            stem = verb.text.lower()
            stems = {
                st
                for st in (
                    stem,
                    stem[:-1] if stem.endswith("s") else stem,
                    stem[:-3] if stem.endswith("ing") else stem,
                    stem[:-2] if stem.endswith("ed") else stem,
                )
                if len(st) >= 3 and st.isalpha()
            }
            rest = _SCARE_QUOTES.sub("", question[verb.end : f.end])
            if carried is not None:
                rest = rest[carried.start("at") - 1 :]
            out_of = re.match(r"\s+out\b", rest, re.I)
            if stem in _FIND_OUT and out_of is not None:
                # "find out what the base objective is" is to learn it
                stems, rest = {"learn"}, rest[out_of.end() :]
            # "learn *what* the base objective is" names "learning the base objective"
            rests = dict.fromkeys((rest, re.sub(r"^\s+what\b", "", rest, flags=re.I)))
            # "the objective *points at* the world model" names "pointer to the world
            # model": the doer's noun, with "to" for "at"
            at = re.match(r"\s+at\b", rest, re.I)
            doer = {rest[: at.start()] + " to" + rest[at.end() :]} if at else set()
            # "points at *its* world model": the doer's noun names the model as "the"
            doer |= {
                re.sub(r"^(\s+to\s+)(?:its|their|his|her|our|your)\b", r"\1the", d) for d in doer
            }
            hit = next(
                (
                    c
                    for st in sorted(stems)
                    for form, tails in (
                        (st + "ing", rests),
                        (st + st[-1] + "ing", rests),
                        (st + "er", {*rests, *doer}),
                    )
                    for tail in tails
                    if (c := graph.lookup(form + tail)) is not None and c.id != f.id
                ),
                None,
            )
            if hit is not None:
                f = Found(hit.id, verb.start, f.end, "verbal")
                break
        out.append(f)
    # what a verb carried ("pointing *the mesa-objective* at ...") is part of the doer
    verbal = [f for f in out if f.how == "verbal"]
    return [
        f
        for f in out
        if not any(v is not f and v.start <= f.start and f.end <= v.end for v in verbal)
    ]


def _mark(words: list[_Word], found: list[Found]) -> None:
    for w in words:
        w.concept = any(f.start <= w.start < f.end for f in found)


def _shared_heads(graph: KnowledgeGraph, question: str, start: int, text: str) -> list[Found]:
    """Read "inner and outer alignment" (or "corrigible, deceptive and internal alignment")
    as naming each concept."""
    parts = re.split(r"([ -])", text, maxsplit=1)
    if len(parts) < 3:
        return []
    _first, sep, tail = parts
    out: list[Found] = []
    end = start
    while True:
        join = _SHARED_HEAD_JOIN.search(question[:end])
        if not join:
            break
        word = _LAST_WORD.search(question[: join.start()])
        if not word:
            break
        concept = next(
            (
                c
                for j in (sep, " ", "-")
                if (c := graph.lookup(f"{word.group(1)}{j}{tail}")) is not None
            ),
            None,
        )
        if concept is None:
            break
        out.append(Found(concept.id, word.start(1), word.end(1), "shared-head"))
        end = word.start(1)
    return out


_ADJECTIVE_FORMS: WeakKeyDictionary[KnowledgeGraph, dict[str, str]] = WeakKeyDictionary()


def adjective_terms(graph: KnowledgeGraph) -> dict[str, str]:
    """Adjectives that name an alignment mode in a question ("would it be *deceptive*", "a
    *corrigible* model"): the first word of a label "<word> alignment", and its -ly form.
    Only questions read them: in running text "deceptive" alone is not a glossary term."""
    found = _ADJECTIVE_FORMS.get(graph)
    if found is None:
        found = {}
        for c in graph.concepts.values():
            m = re.fullmatch(r"(\w{5,})[ -]alignment", c.label.lower())
            if c.kind != "alignment_mode" or m is None:
                continue
            word = m.group(1)
            # "deceptive" -> "deceptively"; "corrigible" -> "corrigibly"
            adverb = word[:-1] + "y" if word.endswith("le") else word + "ly"
            for form in (word, adverb):
                if form and graph.lookup(form) is None:
                    found.setdefault(form, c.id)
        _ADJECTIVE_FORMS[graph] = found
    return found


_PARTICIPLE = re.compile(r"\b(?:([^\W\d_]+)[\s-]+)?(mis)?aligned\b", re.I)


def _participles(graph: KnowledgeGraph, question: str, found: list[Found]) -> list[Found]:
    """ "Inner misaligned", "outer aligned", "pseudo-aligned", "misaligned": the concept
    named "<word> (mis)alignment" or "misalignment", where the question names none there."""
    out: list[Found] = []
    for m in _PARTICIPLE.finditer(question):
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        word, mis = (m.group(1) or "").lower(), m.group(2) or ""
        concept = graph.lookup(f"{word} {mis}alignment") if word else None
        start = m.start()
        if concept is None and mis:
            concept, start = graph.lookup("misalignment"), m.start(2)
        if concept is not None:
            out.append(Found(concept.id, start, m.end(), "adjective"))
    return out


def _adjectives(graph: KnowledgeGraph, words: list[_Word]) -> list[Found]:
    terms = adjective_terms(graph)
    return [
        Found(terms[w.text.lower()], w.start, w.end, "adjective")
        for w in words
        if not w.concept and w.text.lower() in terms
    ]


def _closest_name(phrase: str, names: list[str]) -> str | None:
    """The name ``phrase`` is a misspelling of (:data:`FUZZY_CUTOFF`), if any."""
    best = process.extractOne(phrase, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return None if best is None else str(best[0])


def _fuzzy(
    graph: KnowledgeGraph, question: str, words: list[_Word], named: Collection[Found] = ()
) -> list[Found]:
    """Misspelt terms among the words no term covered; the longest phrases first. A word
    a term covered may be part of a misspelling of the same term: "nueral *network*"
    (``named``: what covered the words)."""
    terms = graph.terms()
    names = list(terms)
    found: list[Found] = []
    covered = [w.concept for w in words]
    by = [{f.id for f in named if f.start < w.end and w.start < f.end} for w in words]
    n = len(words)
    for size in range(min(6, n), 0, -1):
        for i in range(n - size + 1):
            span = words[i : i + size]
            within = set().union(*by[i : i + size])
            if all(covered[i : i + size]) or (any(covered[i : i + size]) and len(within) != 1):
                continue
            if role(span[0].text) is not None or role(span[-1].text) is not None:
                continue  # a phrase starts and ends with a content word ("optimise" is a verb)
            if _crosses_punctuation(question, span):
                continue
            phrase = normalize_term(question[span[0].start : span[-1].end])
            if len(phrase) < 5:
                continue
            best = _closest_name(phrase, names)
            if best is None or (
                # a covered word is part of the misspelt name, word for word
                within and (terms[best] not in within or len(best.split()) != size)
            ):
                continue
            found.append(Found(terms[best], span[0].start, span[-1].end, "fuzzy"))
            for j in range(i, i + size):
                covered[j] = True
    return found


_DOERS = frozenset("bot bots robot robots agent agents model models system systems".split())
"""Generic nouns for what acts that, after words of the sources, name nothing the graph
lacks ("a maze *bot*"); unlike "problem" or "process", which make a name of their own
("safety problem")."""


def _nearer_example(graph: KnowledgeGraph, q: str, found: list[Found]) -> list[Found]:
    """An example named by a name other examples share the words of ("the *maze example*")
    is the one of them closest to what else the question names: "how does the B, B, A,
    A, A maze example show that *deception* pays off?" is the deceptive maze toy, which
    deception is two steps from, not the maze with green apples, which it is three."""
    examples = [f for f in found if graph.concepts[f.id].kind == "example"]
    others = {f.id for f in found if graph.concepts[f.id].kind != "example"}
    if len(examples) != 1 or not others:
        return found
    (named,) = examples
    words = set(normalize_term(q[named.start : named.end]).split()) - {"example"}
    if not words:
        return found

    def near(cid: str) -> int:
        one = set(graph.neighbors(cid)[0])
        two = {n for m in one for n in graph.neighbors(m)[0]}
        return 2 * len(others & one) + len(others & (two - one))

    def rivals_by(words: set[str]) -> list[str]:
        return [
            c.id
            for c in graph.concepts.values()
            if c.kind == "example"
            and c.id != named.id
            and any(words <= set(normalize_term(n).split()) for n in (c.label, *c.aliases))
        ]

    rivals = rivals_by(words)
    if rivals:
        best = max(rivals, key=near)
        if near(best) <= near(named.id):
            return found
        return [Found(best, f.start, f.end, f.how) if f is named else f for f in found]
    # "how can gradient descent tell a *maze solver* that wants the green thing from one
    # that wants the exit?": a name of what acts shares only its head word ("maze") with
    # the other examples; the one the rest of the question tells of, clearly, is meant
    head = words - _ACTORS
    rivals = rivals_by(head) if head and head != words else []
    if not rivals:
        return found
    fits = {h.id: h.score for h in describe(graph, q, limit=8, among={named.id, *rivals})}
    best = max(rivals, key=lambda cid: (fits.get(cid, 0.0), cid))
    if fits.get(best, 0.0) < fits.get(named.id, 0.0) + EXAMPLE_MARGIN:
        return found
    return [Found(best, f.start, f.end, f.how) if f is named else f for f in found]


_ACTORS = _DOERS | frozenset(
    "solver solvers solving algorithm algorithms program programs network networks ai".split()
)
"""Words of a name for what acts in an example ("maze *solver*"), not of the example."""

EXAMPLE_MARGIN = 0.1
"""How much better the rest of a question must fit another example sharing the head of
the name it uses (:mod:`kg.describe` scores) for that one to be meant."""


TOLD_EXAMPLE_WORDS = 3
"""Least number of a question's own words an example's story must hold, and hold twice
as many of as another example's, to be the one a what-happens question tells of."""


def _told_example(graph: KnowledgeGraph, q: str, found: list[Found]) -> list[Found]:
    """Of two or more examples a what-happens question names, the one whose story (its
    own passages and notes) holds clearly more of the question's other words, alone:
    "what happens when the *maze solver* that learned 'go to the green thing' is
    deployed where the apples are green and the exit is gray?" tells the green-apple
    maze, not the route-finding program of the video's opening."""
    examples = [f for f in found if graph.concepts[f.id].kind == "example"]
    if len(examples) < 2 or not _WHAT_HAPPENS.match(LEAD.sub("", q, count=1)):
        return found
    asked = content_stems(_mask(q, found))
    held = {
        f.id: len(asked & content_stems(" ".join(_own_text(graph, graph.concepts[f.id]))))
        for f in examples
    }
    first, second = sorted(held.values(), reverse=True)[:2]
    if first < TOLD_EXAMPLE_WORDS or first < 2 * second:
        return found
    best = max(held, key=lambda cid: held[cid])
    return [f for f in found if f.id == best or graph.concepts[f.id].kind != "example"]


def _widened(
    graph: KnowledgeGraph, question: str, words: list[_Word], found: list[Found]
) -> list[Found]:
    """A name with a misspelt word right before it that, together, are one slip from a
    longer name: "outter alignment" is outer alignment, not "alignment" after a word the
    graph lacks. A word the sources use is not misspelt ("inter" stays)."""
    terms = graph.terms()
    known = lexicon(graph).words
    out: list[Found] = []
    for f in found:
        before = [w for w in words if w.end <= f.start]
        w = before[-1] if before and f.how == "term" else None
        if (
            w is not None
            and not w.concept
            and w.text.isalpha()
            and len(w.text) >= 4
            and role(w.text) is None
            and fold_word(w.text) not in known
            and question[w.end : f.start] in (" ", "-")
        ):
            named = normalize_term(question[f.start : f.end])
            phrase = normalize_term(question[w.start : f.end])
            best = _closest_name(phrase, list(terms))
            if best is not None and terms[best] != f.id and len(best) > len(named):
                out.append(Found(terms[best], w.start, f.end, "fuzzy"))
                continue
        out.append(f)
    return out


def _crosses_punctuation(question: str, span: list[_Word]) -> bool:
    return any(
        re.search(r"[^\s\-'\u2019]", question[a.end : b.start])
        for a, b in zip(span, span[1:], strict=False)
    )


def _missing(
    question: str,
    words: list[_Word],
    found: list[Found],
    loose: bool = False,
    lex: Lexicon | None = None,
) -> tuple[list[str], list[Found]]:
    """Runs of content words, each widened over a concept name it is joined to.

    A content word directly beside a concept's name (a space or hyphen apart) makes one
    compound with it ("alignment tax", "mesa-optimizer risk"): the compound is what was
    asked about, so the concept inside is dropped from what was found. ``loose`` counts
    verbs and generic nouns as content too, to name what a question with no concept is
    about ("treacherous turn"). With ``lex``, a run the sources themselves use ("apple",
    "green apples", a maze-solving network) names nothing missing (see :func:`_known`).
    """
    predicate = _PREDICATE_QUESTION.match(question) is not None
    attributive: set[int] = set()
    for i, (article, w, after) in enumerate(zip(words, words[1:], words[2:], strict=False)):
        if (
            article.text.lower() in ("the", "a", "an")
            and not w.concept
            and w.role is None
            and is_adjective(w.text)
            and not after.concept
            and after.role in (None, "verb")
            and _adjacent(question, w, after)
        ):
            # "the treacherous turn": an adjective between an article and a word is part
            # of a name, and so is that word, though it may look like a verb
            after.role = None
            attributive.add(i + 1)
    runs: list[list[_Word]] = []
    for i, w in enumerate(words):
        joins_run = bool(runs) and _adjacent(question, runs[-1][-1], w)
        # a verb or generic noun can carry on a name ("treacherous turn") but not start one
        content = not w.concept and (
            w.role is None or loose and joins_run and w.role in ("verb", "generic")
        )
        if (
            content
            and predicate
            and w.role is None
            and is_adjective(w.text)
            and i not in attributive
        ):
            w.role = "context"  # "why is deceptive alignment dangerous?", "how likely is"
            continue
        if (
            content
            and w.role is None
            and (
                len(w.text) > 4
                and w.text.lower().endswith("ly")
                or w.text.lower() in _ADVERBS
                or i
                and (words[i - 1].text.lower(), w.text.lower()) in _ADVERB_PAIRS
            )
        ):
            w.role = "context"  # an adverb is no name ("specify it perfectly", "already")
            continue
        before = words[i - 1] if i else None
        if (
            content
            and not joins_run
            and before is not None
            and before.role == "context"
            and before.text.lower() in FIELD_WORDS
            and not before.concept
            and not before.text.isdigit()
            and _adjacent(question, before, w)
        ):
            runs.append([before, w])  # "AI safety": the context word is part of the name
            continue
        if not content:
            # "GPT-3", "large language models": a number or a generic noun closes the name
            if joins_run and not w.concept and (w.text.isdigit() or w.role == "generic"):
                runs[-1].append(w)
            continue
        if joins_run and not runs[-1][-1].concept:
            runs[-1].append(w)
        else:
            runs.append([w])
    dropped: set[str] = set()
    spans: list[list[int]] = []
    anchored = bool(found)
    for run in runs:
        if _about_a_name(question, run, found, lex):
            continue
        # "a maze *bot*": a generic noun closing a run of the sources' own words adds
        # nothing the graph lacks
        core = run
        while len(core) > 1 and core[-1].text.lower() in _DOERS:
            core = core[:-1]
        if lex is not None and (
            _known(question, run, found, lex)
            or (core is not run and _known(question, core, found, lex))
        ):
            continue
        if (
            len(run) == 2
            and run[1].text.lower() in _PARTICLES
            and run[0].text.isalpha()
            and run[0].text.islower()
            and is_common(run[0].text)
        ):
            # "just completely *fall apart*", "*break down*": a verb with its particle
            # says what is asked of the things named, not a thing the graph lacks
            continue
        start, end = run[0].start, run[-1].end
        joins = [
            f
            for f in found
            if (
                f.end <= start
                and _joined(question[f.end : start])
                and not _bare_owner(question, f, run)
            )
            or (f.start >= end and _joined(question[end : f.start]))
        ]
        if (
            lex is not None
            and not joins
            and len(run) == 2
            and _VERB_BEFORE.search(question[:start])
            and all(w.text.isalpha() and w.text.islower() and is_common(w.text) for w in run)
        ):
            # "... and then *switch behavior* once deployed": everyday words after "then",
            # "to" or a modal are a verb and its object, what is said of the things named
            continue
        if (
            lex is not None
            and anchored
            and not joins
            and len(run) == 1
            and run[0].text.isalpha()
            and run[0].text.islower()
            and is_common(run[0].text)
        ):
            # one everyday word on its own, in a question that names a concept, says how
            # it is asked about ("the assistant that *filled* the barracks", "goes
            # *straight* for", "does its *job* well"), not what is asked about; a name the
            # graph lacks is a term of art ("corrigibility", "wireheading"), a compound
            # ("alignment tax"), a capitalised word or an acronym ("Goodhart", "RLHF")
            continue
        for f in joins:
            dropped.add(f.id)
            start, end = min(start, f.start), max(end, f.end)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)  # two runs joined over one concept name
        else:
            spans.append([start, end])
    phrases = [question[a:b] for a, b in spans]
    return list(dict.fromkeys(phrases)), [f for f in found if f.id not in dropped]


_ADVERBS = frozenset({"already", "twice", "thrice", "yet", "soon", "afterwards"})
"""Adverbs not in -ly, which name nothing: "a model trained on internet text *already*
has a sense of human values", "go to the exit *twice*"."""

_ADVERB_PAIRS = frozenset({("no", "longer"), ("any", "longer"), ("no", "more"), ("any", "more")})
"""Adverbs of two words whose second would pass for content: "when the exit is *no longer*
green"."""

_VERB_BEFORE = re.compile(
    r"\b(?:then|to|would|will|could|can|might|may|should|must|(?:do|does|did)(?:n't|\s+not)?"
    r"|not)\s+$",
    re.I,
)
"""What comes before a verb: the words before a run of everyday words that make it a verb
and its object rather than a name."""


_PARTICLES = frozenset("apart up down out off away back around".split())
"""The particles of English phrasal verbs ("fall *apart*", "break *down*")."""
_NAMING_WORDS = frozenset(
    "term terms terminology jargon vocabulary word words label labels name names "
    "naming notion concept concepts framing framework".split()
)
"""Nouns for a name itself: after a concept's name ("the base objective *terminology*")
they ask about the name, not about a thing the graph lacks."""
_MODIFIER = re.compile(r"^[^\W\d_]+-[^\W\d_]+(?:ing|ed)$")
"""A hyphenated participle ("apple-loving", "exit-seeking"): before a concept's name it
says which one is meant, and names nothing of its own."""


def _about_a_name(question: str, run: list[_Word], found: list[Found], lex: Lexicon | None) -> bool:
    """Whether a run of words beside a concept's name only qualifies it: words for a name
    after it ("the base objective *terminology*"), or one hyphenated participle of a
    thing of the sources' stories before it ("the *apple-loving* mesa-optimizer", whose
    head is the mesa-optimizer; not "a *power-seeking* mesa-optimizer", a term of its
    own)."""
    start, end = run[0].start, run[-1].end
    after = any(f.end <= start and _joined(question[f.end : start]) for f in found)
    before = any(f.start >= end and _joined(question[end : f.start]) for f in found)
    if after and all(w.text.lower() in _NAMING_WORDS for w in run):
        return True
    modifier = _MODIFIER.match(question[start:end])
    thing = question[start:end].split("-")[0]
    return (
        before and modifier is not None and lex is not None and stem(fold_word(thing)) in lex.story
    )


def _known(question: str, run: list[_Word], found: list[Found], lex: Lexicon) -> bool:
    """Whether a run of content words is the sources' own, so that it names nothing the
    graph lacks. Not so for a run with a number ("GPT-3"), one led by a word of context
    ("AI safety"), or one that is the head of a name a concept only qualifies
    ("mesa-optimizer risk", "alignment tax"), unless the sources use that whole name."""
    texts = [w.text for w in run]
    if any(ch.isdigit() for t in texts for ch in t) or run[0].role == "context":
        return False
    head_of = [
        f
        for f in found
        if f.end <= run[0].start
        and _joined(question[f.end : run[0].start])
        and not _bare_owner(question, f, run)
    ]
    if head_of:
        f = head_of[-1]
        return lex.known(_WORDS.findall(question[f.start : f.end]) + texts)
    return lex.known(texts)


def _adjacent(question: str, a: _Word, b: _Word) -> bool:
    return not re.search(r"[^\s\-'\u2019]", question[a.end : b.start])


def _bare_owner(question: str, f: Found, run: list[_Word] | None = None) -> bool:
    """Whether a concept's name, written in the plural right before one noun (the ``run``
    of words after it, if given), owns that noun with its apostrophe left out ("a
    *ducklings* brain", "the mesa *optimizers* objective"): English makes no compounds of
    a plural, so it names no new term. A plural before a participle or before several
    words is a subject with its verb ("humans *combined*", "humans *rank* outputs")."""
    if run is not None and (
        len(run) != 1 or run[0].text.lower().endswith(("ing", "ed", "ly", "s"))
    ):
        return False
    last = question[f.start : f.end].split()[-1].split("-")[-1]
    return (
        len(last) > 3
        and last[-1] in "sS"
        and last[-2] not in "sS'\u2019"
        and fold_word(last) != last.lower()
    )


def _joined(between: str) -> bool:
    return between in (" ", "-") or (bool(between) and not between.strip(" -"))


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
        chars[f.start : f.end] = " " * (f.end - f.start)
    return "".join(chars)


_LAST_SENTENCE = re.compile(r"[.!]\s+([^\s.!?][^.!?]*\?\s*)$")
"""The last sentence of a question that opens with a statement, when it is a question."""
_LATE_QUESTION = re.compile(
    r"[,;:.\u2014\u2013-]\s*(?:(?:so|but|and|then|yet)\s+)?((?:why|how|what\s+happens)\b)", re.I
)


def detect_intent(reading: Reading) -> Intent:
    """The intent of a question read by :func:`read` (see the module notes)."""
    if not reading.found or reading.missing:
        return "unknown"
    framing = reading.framing
    opening = framing[LEAD.match(framing).end() :]  # type: ignore[union-attr]
    late = _LATE_QUESTION.search(opening)
    # "distributional shift *is* an old problem, so why ...?": a name then "is" states
    stated = framing[:1].isspace() and re.match(r"(?:is|are|was|were)\b", opening) is not None
    if late is not None and (stated or not _ASKS.match(opening)):
        # "misalignment happens all the time today, so why is it supposed to become a big
        # deal later?": what comes before the question proper is what it rests on
        opening = opening[late.start(1) :]
    last = _LAST_SENTENCE.search(opening)
    if late is None and last is not None and not _ASKS.match(opening):
        # "The notes say mesa objectives should 'robustly agree across distributions'.
        # Does that mean ...?": what the question proper asks, after what it quotes
        opening = opening[last.start(1) :]
    two = len(reading.found) >= 2
    if _WHY.match(opening) or _WHAT_CAUSES.match(opening):
        return "why"
    if _WHAT_HAPPENS.match(opening):
        return "what_happens"
    if (
        _HOW.match(opening)
        and not _RELATE_WORDS.search(framing)
        and not _DIFFERENCE.search(framing)
    ):
        return "how"
    if len(reading.found) >= 3 and _options(reading) is not None:
        return "which"
    if _YES_NO.match(opening) and two and not _RELATE_WORDS.search(framing):
        if _options(reading) is not None:
            return "which"
        asked = [t for t in focus_types(framing) if t != "contrasts_with"]
        if not _DIFFERENCE.search(framing) or re.search(r"\bsame\b", framing) or asked:
            return "yes_no"
    if (
        _YES_NO.match(opening)
        and not two
        and (SUFFICES.search(framing) or _UNIVERSAL.search(framing))
    ):
        # "does solving outer alignment guarantee an aligned system?", "does a system
        # that does its job well have to be an optimizer?"
        return "yes_no"
    if two:
        return "difference" if _DIFFERENCE.search(framing) else "relate"
    if _EXAMPLES.search(framing):
        return "examples"
    return "define"


_WHAT_CAUSES = re.compile(
    r"^\s*what(?:'s|\s+is|\s+are)?\s+(?:(?:usually|actually|really|mainly)\s+)?"
    r"(?:causes?|caused|creates?|leads?\s+to|led\s+to|brings?\s+about|gives?\s+rise\s+to|"
    r"drives?|the\s+(?:causes?|reasons?)\s+(?:of|for|behind))\b",
    re.I,
)
"""A question that asks for the causes of something ("what causes pseudo-alignment?",
"what leads to deceptive alignment?"): a why-question in other words."""
_RELATE_WORDS = re.compile(r"\b(?:relat\w*|connect\w*|link\w*|relationship)\b")
_WHY_IS = re.compile(r"^\s*why\s+(?:is|are|was|were|'s)\b", re.I)
_UNIVERSAL = re.compile(
    r"\b(?:necessarily|always|automatically|inevitably|must|"
    r"ha(?:ve|s) to)\b|^\W*(?:is|are|does|do|will|would|can)\s+(?:every|all|any)\b",
    re.I,
)
_NEEDED_FOR = re.compile(
    r"\b(?:needed|required|necessary|essential|a\s+(?:prerequisite|precondition))\s+for\b", re.I
)
"""How a question asks whether the first thing it names is what the second needs."""
_AGENT_BY = re.compile(
    r"\b(?:caused|produced|created|made(?:\s+(?:much\s+)?(?:worse|more\s+likely|likelier))?|"
    r"brought\s+about|driven|introduced|generated|"
    r"selected|optimi[sz]ed|trained|solved|fixed|prevented)\s+by\s+(?:(?:the|a|an)\s+)?$",
    re.I,
)
"""A passive verb whose agent follows ("caused by ..."): the agent is the subject of the
relation asked about."""
_CONDITION = re.compile(r"\b(?:when|if|once|whenever)\b", re.I)
_DESPITE = re.compile(r"\beven\s+(?:if|when|though|with)\b", re.I)
_ASIDE_WORDS = r"instead\s+of|rather\s+than|other\s+than|apart\s+from|aside\s+from|besides|except"
"""The words that set something aside ("*besides* being corrected by gradient descent")."""
_SET_ASIDE = re.compile(rf"\b(?:{_ASIDE_WORDS})\b[^,.;:?!]*", re.I)
_TELL_APART = re.compile(r"\btell\w*\s+(?:\S+\s+){0,8}$", re.I)


def _set_aside(framing: str) -> str:
    """``framing`` without what it sets aside ("besides being corrected by gradient
    descent"), keeping the "apart from" of "tell X apart from Y"."""

    def drop(m: re.Match[str]) -> str:
        told_apart = m.group().lower().startswith("apart") and _TELL_APART.search(
            framing[: m.start()]
        )
        return m.group() if told_apart else " "

    return _SET_ASIDE.sub(drop, framing)


_INSTEAD = re.compile(rf"\b(?:{_ASIDE_WORDS}|than|over)\b", re.I)
"""What sets aside the concept named next, with the comparisons "than" and "over"."""


def _compared(
    q: str, found: list[Found], concepts: list[Concept]
) -> tuple[Concept, tuple[Concept, Concept]]:
    """Of three concepts in a question whether two are the same, the one it is asked
    within, and the two compared: the last named before the word for sameness and the
    first after it; the first and the last two when the question has no such word, or
    not between two names."""
    at = SAME_WORD.search(q)
    by_id = {c.id: c for c in concepts}
    if at is not None:
        before = [f for f in found if f.end <= at.start()]
        after = [f for f in found if f.start >= at.end()]
        if before and after and before[-1].id != after[0].id:
            x, y = by_id[before[-1].id], by_id[after[0].id]
            rest = [c for c in concepts if c is not x and c is not y]
            if len(rest) == 1:
                return rest[0], (x, y)
    return concepts[0], (concepts[1], concepts[2])


STORY_WORDS = 2
"""How many of a question's own words (not the example's names) an example's
definition and notes must use for the question to be telling its story."""


def _tells_story(graph: KnowledgeGraph, example_id: str, framing: str) -> bool:
    """Whether the words left when the names are taken out of a question (``framing``)
    are the example's story: "get three apples instead of one" is what the deceptive maze
    toy tells; "how does adversarial training *work* in the maze example?" asks nothing
    the example tells."""
    example = graph.concepts[example_id]
    named = content_stems(" ".join([example.label, *example.aliases]))
    asked = content_stems(framing) - named
    if len(asked) < STORY_WORDS:
        return False
    own = [example.definition] + [
        r.note or "" for r in graph.relations_of(example_id) if r.source == example_id
    ]
    return len(asked & content_stems(" ".join(own))) >= STORY_WORDS


def _after(
    graph: KnowledgeGraph, q: str, found: list[Found], marker: re.Pattern[str]
) -> Concept | None:
    """The concept a question names right after ``marker`` ("even if the base objective
    ...", "instead of heuristics"), read only if nothing but a few words come between."""
    m = marker.search(q)
    if m is None:
        return None
    later = [
        f
        for f in found
        if f.start >= m.end()
        and len(q[m.end() : f.start].split()) <= 4
        # "get three apples instead of one *in the toy example*": where it happens
        and not _IN_THE.search(q[m.end() : f.start])
    ]
    return graph.concepts[later[0].id] if later else None


CONDITION_DESCRIBED_SCORE = 0.6
"""Least :mod:`kg.describe` score at which a condition a question grants without naming
a concept ("if we write down exactly the right objective") is taken for the concept it
describes."""


CONDITION_NAMING_SCORE = 0.75
"""The same, for a condition that names concepts on the way ("if we managed to write down
exactly what we want as the training objective")."""


def _condition_described(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> Concept | None:
    """The concept that a question's condition describes without naming anything: the
    clause from "if"/"when" up to the comma or the question word; None when the clause
    names a concept (a goal that is no one's in particular names none), or nothing but
    an example fits it well enough (an example is a story, not a state of affairs
    granted)."""
    m = _CONDITION.search(q)
    if m is None:
        return None
    # "what" may be part of the clause ("exactly *what* we want"); the question word
    # after it comes past a comma, or is "why", "how"
    end = re.search(r"[,;]|\b(?:why|how|then)\b", q[m.end() :], re.I)
    clause = q[m.end() : m.end() + end.start()] if end else q[m.end() :]
    if len(clause.split()) < 3:
        return None
    # "the right *objective*" is no one's in particular: it names nothing; a clause that
    # names something ("what we want as the *training objective*") must be described
    # more closely to stand for another concept
    naming = any(
        a.id != GENERAL_OBJECTIVE or a.text.lower() not in _GENERIC_OBJECTIVE
        for a in annotate(graph, clause)
    )
    least = CONDITION_NAMING_SCORE if naming else CONDITION_DESCRIBED_SCORE
    named = {c.id for c in concepts}
    for hit in describe(graph, clause, limit=DESCRIBED + 2):
        if hit.score < least:
            return None
        c = graph.concepts[hit.id]
        if c.kind != "example" and c.id not in named:
            return c
    return None


def _asks_yes_no(q: str) -> bool:
    """Whether ``q`` asks yes or no, after any setting it opens with ("for a
    mesa-optimizer to be aligned, *does* its objective have to ...?")."""
    return _YES_NO.match(LEAD.sub("", q, count=1)) is not None


_SHOWN = re.compile(
    r"\b(?:show\w*|reveal\w*|detect\w*|notic\w*|spot\w*|catch\w*|caught|see|seen|expos\w*|"
    r"appear\w*|visible|apparent|obvious|observ\w*|surfac\w*|tell)\b",
    re.I,
)
_IN_TRAINING = re.compile(
    r"\b(?:during|in|while|throughout|at)\s+(?:the\s+)?training\b|\bbeing\s+trained\b"
    r"|\bon\s+(?:the\s+)?training\s+(?:data|set|examples?)\b|\btraining\s+time\b",
    re.I,
)
"""A yes/no question whether something shows itself while a model is trained: "will a
pseudo-aligned mesa-optimizer *show* its misalignment *during training*?"."""


def _shown_in_training(graph: KnowledgeGraph, q: str, found: list[Found]) -> Answer | None:
    """The answer to whether the first concept a yes/no question names shows itself in
    training (:data:`_SHOWN`, :data:`_IN_TRAINING`), by
    :func:`kg.reasoning.shown_in_training`; None for another question, one that also
    speaks of deployment, or when the graph records nothing on it."""
    if not (found and _asks_yes_no(q) and _SHOWN.search(q) and _IN_TRAINING.search(q)):
        return None
    if re.search(r"\bdeploy\w*", q, re.I):
        return None
    x = graph.concepts[found[0].id]
    notes = Footnotes(graph)
    lines, verdict = shown_in_training(graph, x, notes)
    if not lines:
        return None
    return _answered(graph, q, "yes_no", [x], lines, notes, verdict)


_PERFECT_STILL = re.compile(
    r"\b(?:perfect(?:ly)?|exact(?:ly)?|correct(?:ly)?|flawless(?:ly)?|solved|ideal)\b"
    r"(?P<between>.{0,60}?)\bstill\b",
    re.I,
)
"""A concession told before the question's verb: "can a *perfectly* specified base
objective *still* produce ...?" asks what may happen even so."""


def _conceded(graph: KnowledgeGraph, q: str, found: list[Found]) -> Concept | None:
    """The concept a question concedes before "still" ("can a perfect base objective
    still ..."), if a concept follows too; read like "even if"."""
    m = _PERFECT_STILL.search(q)
    if m is None:
        return None
    inside = [
        f for f in found if m.start() <= f.start and f.end <= m.start("between") + len(m["between"])
    ]
    after = [f for f in found if f.start >= m.end()]
    return graph.concepts[inside[0].id] if inside and after else None


_OR_BETWEEN = re.compile(r"[\s,]*or\s+(?:(?:of|for|in|to|by|with)\s+)?(?:(?:the|a|an)\s+)?", re.I)
"""What joins two options named one after the other: "or", "or the", "or of" ("a failure
of inner alignment *or of* outer alignment?")."""


def _options(reading: Reading) -> tuple[list[Found], Found, Found] | None:
    """For "Is S the A or the B?" (or "Which is S, A or B?"): the other concepts named
    (the subjects, S first) and the two options joined by "or"; None when the question
    offers no such choice."""
    places = reading.occurrences or reading.found
    for i in range(len(places) - 1):
        a, b = places[i], places[i + 1]
        between = reading.framing[a.end : b.start]
        if a.id == b.id or not _OR_BETWEEN.fullmatch(between):
            continue
        rest = [f for f in reading.found if f.id not in (a.id, b.id)]
        if rest:
            return rest, a, b
    # names are blanked in the framing: filled in again so the phrases keep their words
    filled = reading.framing
    for f in places:
        filled = filled[: f.start] + "x" * (f.end - f.start) + filled[f.end :]
    tail = _CHOICE_TAIL.search(filled)
    if tail is not None:
        # "what does evolution usually produce, optimizers or simple heuristic-following
        # systems?": the options close the question, each a phrase naming one concept
        a_side = [f for f in places if tail.start("a") <= f.start and f.end <= tail.end("a")]
        b_side = [f for f in places if tail.start("b") <= f.start and f.end <= tail.end("b")]
        if len({f.id for f in a_side}) == 1 and len({f.id for f in b_side}) == 1:
            a, b = a_side[0], b_side[0]
            rest = [f for f in reading.found if f.id not in (a.id, b.id)]
            if a.id != b.id and rest:
                return rest, a, b
    return None


_CHOICE_TAIL = re.compile(
    r"[,:;\u2014\u2013-]\s*(?P<a>(?:[\w'\u2019-]+\s+){0,3}?[\w'\u2019-]+)\s*,?\s+or\s+"
    r"(?P<b>(?:[\w'\u2019-]+\s+){0,5}[\w'\u2019-]+)\s*\?*\s*$",
    re.I,
)
"""Two options closing a question after a comma or colon, the first a phrase of at most
four words, the second of six: "..., optimizers or simple heuristic-following systems?",
"...: the troop-maximizing assistant or the one that only attacks Aurora?"."""


def ask(graph: KnowledgeGraph, question: str) -> Answer:
    """Answer ``question`` from ``graph`` (see the module notes).

    Raises :class:`~kg.errors.InvalidQuery` for an empty or over-long question.
    """
    q = " ".join(question.split())
    if not q:
        raise InvalidQuery("The question is empty.")
    if len(q) > MAX_QUESTION:
        raise InvalidQuery(f"The question is longer than {MAX_QUESTION} characters.")
    answer = _ask(graph, _condition_last(q))
    return replace(answer, question=q)


_LEADING_IF = re.compile(r"^\s*(if|when|whenever|once)\s+([^,?]+),\s*(.+?)\s*$", re.I)
_LEADING_IF_BARE = re.compile(
    r"^\s*(if)\s+([^,?]+?)\s+((?:(?:is|are|am|was|were|do|does|did|can|could|will|would|"
    r"should|must|shall|might|may)\s+(?:we|you|u|they|i|it|he|she|there|things|everything|"
    r"humans|people)|what\s+(?:happens|would\s+happen|will\s+happen))\b.*?)\s*$",
    re.I,
)
"""The same without the comma: "if we solve outer alignment perfectly *are we* safe?";
the question starts where an auxiliary verb meets a pronoun, or at "what happens"."""


def _condition_last(q: str) -> str:
    """ "If X, is Y?" read as "is Y even if X?" (and "If X, what happens?" as "what
    happens if X?", "When X, what does it do?" as "what does it do when X?"): the
    question comes first, as the readers of questions expect."""
    m = _LEADING_IF.match(q) or _LEADING_IF_BARE.match(q)
    if m is None:
        return q
    word, condition, main = m.group(1).lower(), m.group(2), m.group(3)
    if word != "if" and not (_WHAT_HAPPENS.match(main) or _YES_NO.match(main)):
        return q  # "when the model ..., what is that called?" describes, not asks when
    joint = f"even {word}" if _YES_NO.match(main) and word == "if" else word
    end = "?" if main.endswith("?") else ""
    return f"{main.rstrip('?').rstrip()} {joint} {condition}{end}"


_NAMING = re.compile(
    r"\bwhat\s+(?:do|would|did|does|should|could|can)\s+(?:you|we|they|people|"
    r"researchers|one|i|u)\s+call\b"
    r"|\bhow\s+(?:do|would)\s+(?:you|we|they|people)\s+call\b"
    r"|\bwhat(?:['\u2019]?s|\s+is|\s+was|\s+are)?\s+(?:it|this|that|they)\s+"
    r"(?:called|known\s+as|named)\b"
    r"|\b(?:is|was)\s+there\s+(?:a|an|any)\s+(?:\w+\s+)?(?:word|term|name|phrase|label)"
    r"\s+for\b"
    r"|\b(?:the|a|an)\s+(?:\w+\s+)?(?:word|term|name|phrase|label|jargon)\s+(?:for|of)\b"
    # "what's the term when gradient descent keeps tweaking ...", "the name if ..."
    r"|\bwhat(?:['\u2019]?s|\s+is)\s+the\s+(?:\w+\s+)?(?:word|term|name|phrase|label)"
    r"\s+(?:when|if|where|whereby)\b"
    r"|\bwhat\s+(?:term|word|name|concept)\s+(?:describes|means|refers\s+to|covers)\b"
    # "what term does the video use for ..."
    r"|\bwhat\s+(?:term|word|name|phrase|label)\s+(?:do|does|did|would)\s+(?:\S+\s+){1,3}?"
    r"(?:use|give)\s+(?:for|to)\b"
    r"|\b(?:called|known\s+as)\s*\?*\s*$"
    r"|\b(?:is|was)\s+there\s+(?:an?|any)\s+(?:example|story|case|illustration|analogy"
    r"|thought\s+experiment)\s+(?:where|in\s+which|when|that|with|about)\b"
    # "... What's that example?", "which example is that?"
    r"|\b(?:what|which)(?:['\u2019]?s|\s+is|\s+was)?\s+(?:that|this)\s+(?:example|story|case)\b"
    r"|\bwhich\s+(?:example|story|case)\s+(?:is|was)\s+(?:that|this|it)\b"
    # "whats the problem called of ...", "what's that kind of goal called"
    r"|\b(?:what|which)(?:['\u2019]?s|\s+is|\s+was|\s+are)?\s+(?:the|that|this)\s+"
    r"(?:[a-z-]+\s+){1,3}?(?:called|named)\b"
    # "term for the goal ...", "generic term: ...", "name for a misaligned ..."
    r"|(?:^|[.:;,!?]\s*)(?:\w+\s+)?(?:word|term|name|label)(?:\s+for\b|\s*:)"
    # "which example was it where ...", "what was the baby bird example, where ..."
    r"|\b(?:what|which)(?:['\u2019]?s|\s+is|\s+was)?\s+(?:(?:the|that|an?)\s+)?"
    r"(?:[\w'-]+\s+){0,3}?(?:example|story|case|analogy)\s*(?:\s(?:was|is)\s+it)?,?\s+"
    r"(?:where|in\s+which|when|has|had|involved|involves|involving)\b"
    # "what's the idea that ...", "whats the result that says ..."
    r"|\bwhat(?:['\u2019]?s|\s+is|\s+was)\s+the\s+(?:[\w-]+\s+){0,2}?(?:idea|mechanism|"
    r"phenomenon|result|process|property|principle|strategy|technique|trick|tendency|"
    r"observation)\s+(?:that|where|whereby|when|in\s+which|saying)\b"
    # "which role does 'reach the exit' play in the paper's terminology?"
    r"|\b(?:in|by)\s+(?:the\s+)?\w+(?:['\u2019]s|s['\u2019])\s+(?:own\s+)?"
    r"(?:terminology|jargon|vocabulary|terms(?!\s+of\b))\s*\??\s*$"
    # "which 2019 paper introduced ..."
    r"|\bwhich\s+(?:\d{4}\s+)?(?:paper|article|essay)\b"
    # "..., which of the alignment modes is that?"
    r"|\bwhich\s+(?:one\s+|of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?)?(?:is|was)\s+(?:that|this|it)"
    r"\s*\??\s*$",
    re.I,
)
"""How a question asks for a term ("what do you call ...", "the term for ...", "is there
a word for ...", "what is it called when ...", "... called?", "is there an example
where ..."): its answer is the concept it describes. ("What is the objective that ..."
is not among them: it as often asks about a concept it names, "what is the problem that
outer alignment solves?", as it describes one.)"""


_BARE = re.compile(
    r"^\s*(?:the|a|an|when|some|that|this|something|any|one|two|whatever)\b(?![^?]*\?)", re.I
)
"""How a description that asks nothing begins: a noun phrase ("the tendency of agents
with almost any goal to resist being shut off") or a situation ("when the environment at
deployment differs from training"), with no question mark after."""

UNKNOWN_DESCRIBED_SCORE = 0.5
"""Least :mod:`kg.describe` score at which a long question with words the graph lacks
is answered by the concept it describes rather than refused."""

UNKNOWN_DESCRIBED_WORDS = 5
"""How many words of its own (stems, the names taken out) such a question must have."""

BARE_WORDS = 6
"""How many words (stems) a description that asks nothing must have to be read as asking
for the term it describes, :data:`BARE_OWN_WORDS` of them not in the names it uses."""

BARE_OWN_WORDS = 3


def _bare_description(q: str, framing: str, words: list[_Word]) -> bool:
    """Whether ``q`` is a description typed without a question ("the objective a
    mesa-optimizer really ends up pursuing, as opposed to the one it was trained on"):
    its answer is the concept it describes, which need not be one it names on the way.
    A few words around a name ("the mesa-optimizer in the maze example") are no
    description, nor is a phrase with a word of what it asks ("the *difference* between
    ...")."""
    return (
        _BARE.match(q) is not None
        and len(content_stems(framing)) >= BARE_OWN_WORDS
        and len(content_stems(q)) >= BARE_WORDS
        and not any(w.role == "intent" and _RELATING.match(w.text) for w in words)
    )


_RELATING = re.compile(
    r"(?:differences?$|diff$|compar|relat|link|connect|contrast|versus|similar|alike|resembl|distin)",
    re.I,
)
"""Words of a phrase that asks how things relate: "the *difference* between ..."."""


_NAME_ORIGIN = re.compile(
    r"\bwhy\s+(?:is|are|was|were|do|does|did)\s+(?:\S+\s+){0,6}?(?:called|named|termed)\b"
    r"|\bwhy\s+(?:the\s+)?(?:name|term|word|prefix)\b"
    r"|\b(?:where|how)\s+(?:does|did|do)\s+(?:the\s+)?(?:name|term|word|prefix)\b"
    r".*\bcome\s+from\b"
    r"|\b(?:origin|meaning|etymology)\s+of\s+(?:the\s+)?(?:name|term|word|prefix)\b",
    re.I,
)
"""How a question asks where a name comes from ("why is it called mesa-optimization?",
"where does the name come from?")."""
_WORD_MEANING = re.compile(
    r"\bwhat\s+does\s+(?:the\s+)?(?:word\s+|prefix\s+|name\s+|term\s+)?"
    r"[\"'\u2018\u201c]?(?P<word>[^\W\d_]+(?:-[^\W\d_]+)?)[\"'\u2019\u201d]?\s+"
    # "what does the 'mesa' *in mesa-optimizer* mean?"
    r"(?:in\s+(?:the\s+|a\s+|an\s+)?[^\W\d_]+(?:[\s-][^\W\d_]+)?\s+)?"
    r"(?:mean|stand\s+for)\b",
    re.I,
)
"""How a question asks what a word means ("what does 'mesa' mean?"): where the name of a
concept it names is asked ("what does pseudo-aligned mean?"), a definition; where the
word is only part of names ("mesa"), where those names come from."""
_ASKING = frozenset("come comes came from mean means meant stand stands word term name".split())
"""Words of a question about a name that are not the name ("where does the word mesa
*come* from?")."""
_QUOTED_WORD = re.compile(r"['\u2018\u201c\"]([^\W\d_]+)['\u2019\u201d\"]")
_NAMES_IT = re.compile(r"\b(?:name[sd]?|call(?:s|ed)?|term(?:ed)?)\b", re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z'\"\u2018\u201c(])")


def _same_word(a: str, b: str) -> bool:
    """Whether two words are one word in two forms ("corrigibly", "corrigible")."""
    a, b = fold_word(a.lower()), fold_word(b.lower())
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= min(len(a), len(b)) - 2


def name_origin(
    graph: KnowledgeGraph, words: list[str], naming_only: bool = False
) -> tuple[Concept, str, tuple[Citation, ...]] | None:
    """The sentence of the graph's own text that says where a name made of ``words``
    comes from, the concept whose text it is and the quotes that back that text: a
    sentence of a definition or a relation's note that quotes one of the words first
    ("'Mesa' (below) is meant as the opposite of 'meta'") or that names the name ("The
    name mesa-optimizer was chosen as its opposite"); None if no text says. With
    ``naming_only``, only a sentence that names the name."""
    phrase = normalize_term(" ".join(words))
    naming = re.compile(
        rf"\b(?:name|called)\s+{re.escape(phrase)}\b|\b{re.escape(phrase)}\s+"
        r"(?:is|was|are|were)\s+(?:so\s+)?(?:called|named)\b"
    )
    best: tuple[float, Concept, str, tuple[Citation, ...]] | None = None
    for c in graph.concepts.values():
        texts = [(c.definition, c.citations)]
        texts += [(r.note, r.citations) for r in graph.relations_of(c.id) if r.note]
        own = 0 if normalize_term(c.label) == phrase else 2
        for i, (text, citations) in enumerate(texts):
            for rank, sentence in enumerate(_SENTENCES.split(text)):
                quoted = _QUOTED_WORD.findall(sentence)[:1]
                if not naming_only and any(_same_word(q, w) for q in quoted for w in words):
                    score = 0
                elif naming.search(normalize_term(sentence)):
                    score = 1
                else:
                    continue
                # about the concept asked for first, then a definition, then earliest
                key = score + own + min(i, 1) / 2 + rank / 100
                if best is None or key < best[0]:
                    best = (key, c, sentence, citations)
    return None if best is None else best[1:]


def _origin_answer(
    graph: KnowledgeGraph, q: str, concepts: list[Concept], words: list[str]
) -> Answer:
    """An answer to "why is it called X?": where the name comes from, as the graph's text
    says, then what X is."""
    notes = Footnotes(graph)
    shown = " ".join(words)
    found = name_origin(graph, words)
    lines: list[str] = []
    origin = [
        r
        for c in concepts[:1]
        for r in graph.relations_of(c.id)
        if r.type == "introduced_in" and r.source == c.id and not r.negated
    ]
    if found is None and origin:
        # "where does the term inner alignment come from?": the work that introduced it
        told = Told()
        lines.append(
            f"**Where \u201c{shown}\u201d comes from:** "
            + explained(graph, notes, origin[0], True, told)
        )
        lines.append("The sources do not say why this word was chosen.")
    elif found is None:
        lines.append(f"The sources do not say where the name \u201c{shown}\u201d comes from.")
    else:
        owner, sentence, citations = found
        backing = _backing_name(citations, sentence, words)
        line = f"**Why \u201c{shown}\u201d?** {cited_text(sentence, backing, notes)}"
        named = name_origin(graph, [normalize_term(owner.label)], naming_only=True)
        if named is not None and named[1] != sentence:
            # what the word says, then what the whole name was chosen to say ("The name
            # mesa-optimizer was chosen as the meta-optimizer's opposite: an optimizer
            # that is itself optimized by an optimizer"): out of the definition it was
            # part of, "its" is said by the name of whose definition it is
            chosen = named[1]
            if named[0] is not owner:
                chosen = re.sub(r"\bits\b", f"the {named[0].label}'s", chosen, count=1)
            line += " " + cited_text(chosen, named[2], notes)
        lines.append(line)
    if not concepts and found is not None:
        concepts = [found[0]]  # "what does 'mesa' mean?": what the word names
    elif found is not None and normalize_term(found[0].label) == normalize_term(
        " ".join([*words, concepts[0].label])
    ):
        # 'why is it called a "mesa" optimizer?': the word and the name after it make the
        # name of the concept whose text says why (the mesa-optimizer, not the optimizer)
        concepts = [found[0], *concepts[1:]]
    if concepts:
        asked = concepts[0]
        if found is not None and found[0] is asked:
            # the sentence just given is not said again in the definition below
            rest = " ".join(p for p in _SENTENCES.split(asked.definition) if p != found[1])
            asked = asked.model_copy(update={"definition": rest or asked.definition})
        lines += ["", *_define(graph, asked, notes, [])]
    if found is not None and found[0] not in concepts:
        # whose text says it comes first: a small context defines it before the other
        concepts = [found[0], *concepts]
    return _answered(graph, q, "define", concepts, lines, notes)


def _backing_name(
    citations: tuple[Citation, ...], sentence: str, words: list[str]
) -> tuple[Citation, ...]:
    """The ``citations`` that back a sentence about a name: those that hold every word
    the sentence quotes ("mesa is the opposite of meta"), else those that hold one of the
    name's words, else all of them."""
    quoted = [w.lower() for w in _QUOTED_WORD.findall(sentence)]

    def held(c: Citation) -> set[str]:
        return {w.lower() for w in _WORD_RE.findall(c.quote)}

    every = tuple(c for c in citations if quoted and set(quoted) <= held(c))
    some = tuple(c for c in citations if any(_same_word(w, x) for w in words for x in held(c)))
    return every or some or citations


_WORD_RE = re.compile(r"[^\W\d_]+")


GENERAL_KINDS = 3
"""Least number of kinds under a concept for it to be general enough that an example
named as the setting of a how-question is what the question asks about (optimizer),
rather than where it asks about the concept (adversarial training)."""
_ASKS_WHY_HOW = re.compile(r"\s*(?:why|how)\b", re.I)
NEIGHBOUR_DESCRIBED_SCORE = 0.6
"""Least :mod:`kg.describe` score at which a question that names a concept beside words
the graph lacks is taken to describe a neighbour of that concept."""
_WHY_WORD = re.compile(r"\bwhy\b", re.I)
EXPLAINED_DESCRIBED_SCORE = 0.5
"""Least :mod:`kg.describe` score at which a why- or how-question naming no concept
but a goal that is no one's in particular is answered by the note that matched it."""


def _ask(graph: KnowledgeGraph, q: str) -> Answer:
    reading = read(graph, _unwrapped(graph, q))
    quoted = _QUOTED_WORD.findall(q)
    meaning = _WORD_MEANING.search(q)
    if (
        meaning
        and not quoted
        and all(
            f.end <= meaning.start("word") or f.start >= meaning.end("word") for f in reading.found
        )
    ):
        # "what does mesa mean, is it like meta?": the word asked about is named nowhere
        # else; what the question names beside it ("meta") is the comparison
        quoted = [meaning.group("word")]
    if _NAME_ORIGIN.search(q) or (meaning and (not reading.found or quoted)):
        named = [graph.concepts[f.id] for f in reading.found][:1]
        if quoted:
            words = quoted[:1]  # "what does 'mesa' mean in mesa-objective?"
        elif named:
            words = named[0].label.replace("-", " ").split()
        else:
            unnamed = reading.missing or reading.named
            words = [w for p in unnamed for w in p.split() if w.lower() not in _ASKING][:3]
        if words:
            return _origin_answer(graph, q, named, words)
    naming = _NAMING.search(q) is not None or _bare_description(q, reading.framing, reading.words)
    if naming and _ASKS_WHOSE.match(q):
        # "which paper introduced the terms inner and outer misalignment?" names its terms:
        # where they come from is asked, not a term for a description
        naming = not reading.found or not all(
            any(
                r.type == "introduced_in" and r.source == f.id and not r.negated
                for r in graph.relations_of(f.id)
            )
            for f in reading.found
        )
    kind_of = CATEGORY_OF.search(q) or ROLE_OF.search(q)
    offered = kind_of is not None and (
        len([f for f in reading.found if f.start >= kind_of.end()]) >= 2
        and re.search(r"\bor\b", q[kind_of.end() :], re.I) is not None
    )
    if naming or (kind_of is not None and not offered):
        # a request for a term: what the rest describes, if the graph holds it; else the
        # question is read as any other. "Which kind of failure does the troop story
        # illustrate?" and "what role does evolution play?" ask for a term too, the kind
        # the thing is or the role it plays, when kg.describe finds one (unless the
        # question offers the options: "..., outer or inner misalignment?")
        hits = describe(graph, q, limit=DESCRIBED)
        # a role is told only of a thing the question names: reached from what it merely
        # describes ("in the maze example, what role does going to the green thing
        # play?"), the role is a guess
        sorted_by_kind = bool(hits) and (
            hits[0].via is not None
            if kind_of is None or (kind_of.re is CATEGORY_OF and not AMONG.search(kind_of.group()))
            else hits[0].via in {f.id for f in reading.found}
        )
        if hits and (naming or sorted_by_kind):
            return _described(graph, q, hits, kind_of if sorted_by_kind else None)
    found = reading.found
    # "is outer alignment the problem of making the trained model's goal match the
    # training objective?": whether the named concept is what the rest describes
    checked = _defining(graph, q, found) or _shown_in_training(graph, q, found)
    if checked is not None:
        return checked
    if (
        found
        and not reading.missing
        # a what-happens question is told by the situation it describes (_situation)
        and not _WHAT_HAPPENS.match(LEAD.sub("", q, count=1))
        and all(
            f.id == GENERAL_OBJECTIVE and q[f.start : f.end].lower() in _GENERIC_OBJECTIVE
            for f in found
        )
        # a passage a why-question quotes says what it asks about (_quoted_lead)
        and not (_WHY_WORD.search(q) and _quoted_lead(graph, q, reading.framing))
    ):
        # "why does an AI whose *goal* is even slightly off end up working against the
        # people using it?": a goal that is no one's in particular names nothing; what the
        # question describes around it may
        hits = describe(graph, q, limit=DESCRIBED)
        # a why-question so framed asks for a reason: a note that says it fits less
        # closely than a name would ("why is a model that competently pursues the wrong
        # goal after deployment more worrying than one that flails?" is the note on
        # goal misgeneralization against failing to generalize, and defining "goal"
        # would answer nothing)
        floor = (
            EXPLAINED_DESCRIBED_SCORE
            if hits and hits[0].field == "note" and _EXPLAINS.match(q)
            else NEIGHBOUR_DESCRIBED_SCORE
        )
        if hits and hits[0].score >= floor:
            return _described(graph, q, hits)
    # what the question sets aside ("besides being *corrected* by gradient descent") is
    # not what it asks about
    focus = worded = focus_types(_set_aside(reading.framing))
    if any(f.how == "verbal" for f in found):
        # "does a deceptive model understand the base objective?": whether it needs that
        # understanding is what the verb asks
        focus = [*focus, "requires", "relies_on"]
    # "the goal of evolution", "what is the mesa-optimizer's objective": the generic alias
    # asks for the other concept's objective, not for the concept "objective function"
    generic = [
        f
        for f in found
        if f.id == GENERAL_OBJECTIVE and q[f.start : f.end].lower() in _GENERIC_OBJECTIVE
    ]
    unnamed_owner = _unnamed_owner(graph, q, generic[0]) if generic and len(found) > 1 else None
    if unnamed_owner is not None:
        # "what if *the model's own goal* and the training objective conflict?": the
        # goal of an owner the question names only by a word of its kind's names is
        # that kind's objective (the mesa-objective)
        found = [
            Found(unnamed_owner, f.start, f.end, f.how) if f is generic[0] else f for f in found
        ]
        generic = []
    if generic and _AS_ITS.search(q, 0, generic[0].start):
        # "has it adopted the base objective *as its goal*?": a role, not a concept asked
        # about
        found = [f for f in found if f not in generic]
        generic = []
    if generic and len(found) > 1:
        owner = _objective_of(graph, q, found, generic[0])
        if not (owner is None and len(found) == 2 and _asks_yes_no(q)):
            # "do plants have goals of their own?" keeps the objective as what is asked
            found = [f for f in found if f not in generic]
        focus = ["has_objective", *focus]
        if owner is not None and len(found) > 1 and (_asks_yes_no(q) or _DISAGREE.search(q)):
            # "do humans care about the objective of evolution?": asks about the objective
            # itself, genetic fitness, not about evolution; so does "what happens when a
            # mesa-optimizer's own objective disagrees with the base objective?"
            found = [
                Found(owner[1], f.start, f.end, f.how) if f.id == owner[0] else f for f in found
            ]
    found = _told_example(graph, q, _nearer_example(graph, q, found))
    concepts = [graph.concepts[f.id] for f in found][:MAX_CONCEPTS]
    by_phrase = _phrase_options(graph, q, found)
    if by_phrase is not None:
        return by_phrase
    named_options = _described_options(graph, q, bool(reading.missing))
    if named_options is not None:
        # "which ...: the barracks full of weak troops or the assistant not attacking
        # Brotherhood?", "... or competently pursuing the wrong goal?": options told, not
        # named, are the concepts they describe; the question is answered as if it named
        # them
        again, described_as = named_options
        answer = _ask(graph, again)
        head = _BOLD_HEAD.match(answer.answer)
        for c, phrase in described_as:
            if head is not None and c.label.lower() in head.group(1).lower():
                # the choice in the question's words first, then what the graph calls it
                head_line = f"**{capitalize(phrase.strip())} ({noun(c)}).**"
                answer = replace(answer, answer=head_line + answer.answer[head.end() :])
        return replace(answer, question=q)
    if reading.missing and concepts:
        set_against = " ".join(m.group() for m in CONTRASTED.finditer(q)).lower()
        if all(p.lower() in set_against for p in reading.missing):
            # "why would gradient descent point the mesa-objective at the world model
            # *instead of building it up through repeated corrections*?": what the question
            # sets its subject against, unnamed, is not what it asks about
            reading = replace(reading, missing=[])
    asks = _ASKS_WHY_HOW.match(LEAD.sub("", q, count=1))
    if (reading.missing or not concepts) and asks is not None:
        # "why does the video say real machine learning systems 'don't actually work this
        # way'?": the passage quoted, not a name, says what is asked about
        quoted_said = _quoted_lead(graph, q, reading.framing)
        if quoted_said:
            notes = Footnotes(graph)
            told = Told()
            lines, about = _said_lines(graph, quoted_said, notes, told)
            lines[0] = told.reason_first(lines[0])  # the reason answers; the link follows
            why_how: Intent = "why" if asks.group().strip().lower() == "why" else "how"
            return _answered(graph, q, why_how, about, lines, notes)
    if reading.missing or not concepts:
        # with no concept at all, name the whole content, verbs too ("treacherous turn")
        missing = (reading.named or reading.missing) if not concepts else reading.missing
        described_hits: list[Described] | None = None  # what the question describes, asked once
        if not concepts and not any(annotate(graph, phrase) for phrase in missing):
            # nothing named, and no term made of a name ("alignment tax"): the question
            # may describe what it does not name
            described_hits = describe(graph, q, limit=DESCRIBED)
            if described_hits:
                return _described(graph, q, described_hits)
        elif concepts and not _ASKS_WHY_HOW.match(LEAD.sub("", q, count=1)):
            # "the strategy game example where the assistant only destroys villages
            # belonging to the one enemy alliance it had seen": words the graph lacks
            # around a name may still describe, closely, a neighbour of what it names
            described_hits = describe(graph, q, limit=DESCRIBED)
            if (
                described_hits
                and described_hits[0].score >= NEIGHBOUR_DESCRIBED_SCORE
                and any(graph.relations_between(described_hits[0].id, c.id) for c in concepts)
            ):
                return _described(graph, q, described_hits)
        if not _ASKS_WHY_HOW.match(LEAD.sub("", q, count=1)) and (
            len(content_stems(reading.framing)) >= UNKNOWN_DESCRIBED_WORDS
        ):
            # "creatures evolution produced that have brains, learn and plan, but do not
            # care about copying their DNA": a long description that names things on the
            # way, with words the graph lacks, may still fit one concept closely
            if described_hits is None:
                described_hits = describe(graph, q, limit=DESCRIBED)
            if described_hits and described_hits[0].score >= UNKNOWN_DESCRIBED_SCORE:
                return _described(graph, q, described_hits)
        return _unknown(graph, q, missing, concepts)
    intent = detect_intent(
        Reading(found, reading.words, [], reading.framing, [], reading.occurrences)
    )
    if intent == "examples" and concepts[0].kind == "example":
        intent = "define"  # "the bottle cap example": the example itself is asked about
    if intent not in ("why", "how", "yes_no"):
        alternative = _instead(graph, q, found, concepts)
        if alternative is not None:
            return alternative
    if intent == "define" and len(concepts) == 1 and _asks_yes_no(q):
        hard = _said_hard(graph, q, concepts[0])
        if hard is not None:
            return hard
        reason = _reason_matched(graph, q, concepts[0])
        if reason is not None:
            return reason
        other = _object_described(graph, reading, concepts[0], focus)
        if other is None:
            # "do the programmers get to write down the mesa-objective?": a passage close
            # to the question that denies it of the concept by name ("..., mesa-objective
            # is not")
            near = set(graph.neighbors(concepts[0].id)[0])
            denied = _reason_matched(
                graph, q, concepts[0], floor=PASSAGE_SAYING_UNKNOWN, near=near, saying=True
            )
            if denied is not None:
                return denied
        if other is not None:
            # "do animals actually care about copying their DNA?": the question asks
            # whether the relation it names ("care": an objective) joins the concept to
            # the one its other words describe (genetic fitness)
            intent, concepts = "yes_no", [concepts[0], other]
    if intent == "yes_no" and len(concepts) == 1 and focus and not SUFFICES.search(reading.framing):
        # "if we solve outer alignment, is the AI *guaranteed* to be aligned?" asks whether
        # the one concept settles the matter, not how it joins what "aligned" describes
        other = _object_described(graph, reading, concepts[0], focus)
        if other is not None:
            # "does something *have to* model its environment to count as an optimizer?":
            # whether the link asked about joins it to what its other words describe
            concepts = [concepts[0], other]
    if focus[:1] == ["introduced_in"] and (
        (len(concepts) > 1 and intent in ("relate", "yes_no"))
        or (len(concepts) == 1 and intent == "define" and _ASKS_ORIGIN.match(q))
    ):
        # "who came up with the terms inner and outer alignment?", "did Rob Miles come up
        # with them?": where each term comes from, not how the two relate
        origins = [
            r
            for c in concepts
            for r in graph.relations_of(c.id)
            if r.source == c.id and r.type == "introduced_in" and not r.negated
        ]
        if origins and {r.source for r in origins} == {c.id for c in concepts}:
            notes = Footnotes(graph)
            told = Told()
            lines = [line for r in origins for line in (explained(graph, notes, r, True, told), "")]
            works = list(dict.fromkeys(graph.concepts[r.target] for r in origins))
            if len(concepts) == 1:
                # "who wrote the paper that introduced mesa-optimizers?": the work, with
                # who wrote it and when
                lines += [f"**{capitalize(w.label)}**: {_definition(w, notes)}" for w in works]
                lines.append("")
            return _answered(
                graph, q, "relate", [*concepts, *works][:MAX_CONCEPTS], lines[:-1], notes
            )
    if len(found) >= 2:
        roles = _which_roles(graph, q, found) or _which_part(graph, q, found)
        if roles is not None:
            return roles
    if intent == "define" and len(found) == 1:
        chosen = _which_of_one(graph, q, reading.framing, found[0])
        if chosen is not None:
            return chosen
    if intent in ("relate", "difference") and len(found) >= 2:
        chosen = _which_judged(graph, q, reading, found)
        if chosen is not None:
            return chosen
    if intent in ("relate", "difference") and len(found) == 2:
        chosen = _which_by_words(graph, q, reading, found) or _which_phrase(graph, q, concepts)
        if chosen is not None:
            return chosen
    if intent in ("relate", "difference") and _BETTER.search(reading.framing):
        # a which-question whose options the reader could not take for two concepts
        chosen = _which_better(graph, q)
        if chosen is not None:
            return chosen
    toward: Concept | None = None
    if intent in ("relate", "difference") and _asks_of(q, found) and intent == "relate":
        # "what is the behavioural objective of a mesa-optimizer": define the first, with
        # what links it to the second first
        intent, toward = "define", concepts[1]
        concepts = concepts[:1]
    notes = Footnotes(graph)
    verdict: Verdict | None = None
    told = Told()
    led: list[str] = []
    said: list[Relation | Concept] = []
    said_about: list[Concept] = []
    described_lead: Relation | None = None
    if intent in ("why", "how", "what_happens"):
        # what happens is told by an effect, not by what the setting is an example of
        lead = _passage_lead(
            graph, reading.framing, concepts, EFFECTS if intent == "what_happens" else None
        )
        if lead is not None and intent == "why" and _NEGATED.search(reading.framing):
            # "why can't gradient descent tell the difference between a maze model that
            # heads for the exit and one that heads for green things?": what the subject
            # does not rule out, in a passage with the question's words, is the reason;
            # a passage of the story that only shares more of its words is not
            stems = content_stems(reading.framing)
            if not limiting(lead) and any(
                limiting(r)
                and r.source == c.id
                and len(stems & content_stems(_note_and_quotes(r))) >= NEGATIVE_REASON_WORDS
                for c in concepts
                if c.kind != "example"
                for r in graph.relations_of(c.id)
            ):
                lead = None
        if lead is None and intent == "what_happens":
            # "what happens to a mesa-optimizer that goes straight for its own goal (the
            # apple) during training?" tells a story of the sources (without naming it,
            # or naming the example it grew from): the example's passage that holds the
            # question's words tells what happens (a why-question is answered in general
            # terms first)
            examples = [c for c in graph.concepts.values() if c.kind == "example"]
            told_story = _passage_lead(graph, reading.framing, examples, None)
            if told_story is not None and told_story.source not in {c.id for c in concepts}:
                # another story than the one named ("the green-seeking mesa-optimizer"
                # of the maze goes for the apple in the toy's training episodes); the
                # named one tells what happens by its effects
                lead = told_story
                teller = graph.concepts[told_story.source]
                kin = {
                    c.id
                    for c in concepts
                    if c.kind == "example" and graph.relations_between(c.id, teller.id)
                }
                if kin or all(c.id == GENERAL_OBJECTIVE for c in concepts):
                    # the story the question's words tell is what the answer is about:
                    # not the example it grew from ("the green-seeking mesa-optimizer"
                    # of the maze, in the toy's "first training episode"), nor the word
                    # "objective", which names no one's in particular ("what happens if
                    # a model goes straight for its own objective while still in
                    # training?")
                    concepts = [teller] + [
                        c for c in concepts if c.id not in kin and c.id != GENERAL_OBJECTIVE
                    ]
        said = (
            _quoted_lead(graph, q, reading.framing, short=len(concepts) < 2)
            if intent != "what_happens"
            else []
        )
        if said:
            # what cites the words the question quotes tells why the sources said them
            led, said_about = _said_lines(graph, said, notes, told)
        elif lead is not None:
            # the relation whose own words the question uses is what it asks about
            led = [explained(graph, notes, lead, told=told), ""]
    # what a why-question asks about, without what a trailing condition grants; a negative
    # one ("why don't humans ..., if evolution ...?") is answered by what the graph denies
    # between all it names
    asked_of = (
        concepts
        if intent != "why" or _NEGATED.search(reading.framing)
        else _asked_outside_condition(q, found, concepts)
    )
    if intent == "which":
        picked = _options(reading)
        assert picked is not None
        setting = _SETTING_FIRST.match(q)
        subject_found = [
            f for f in picked[0] if setting is None or f.start >= setting.end()
        ] or picked[0]  # "*in the evolution analogy*, is the human brain ...?": humans
        subjects = [graph.concepts[f.id] for f in subject_found]
        a, b = graph.concepts[picked[1].id], graph.concepts[picked[2].id]
        # a verb that names an option ("*pointing* the objective at ...") is only its name
        lines, choice, subject = _which(graph, subjects, [a, b], worded, notes, told)
        by_note = (
            _object_named(graph, reading.framing, subject, [a, b])
            if choice is None or _loosely(choice, worded)
            else None
        )
        if by_note is not None and (choice is None or by_note[0] is not choice.chosen):
            # a bare link ("deceptive alignment concerns the mesa-objective") does not
            # answer a predicate that a note says in so many words of the other option;
            # what the lines set aside cited and told is not kept
            notes, told = Footnotes(graph), Told()
            lines, choice = _chosen_by_note(graph, subject, [a, b], by_note, notes, told)
        if choice is None:
            # no relation decides: the option whose own text the question's words
            # describe ("which is the *right way* ..., corrigibly or deceptively?"); a
            # word that judges the two first (the failure is the worse)
            by_words = _which_judged(graph, q, reading, found) or _which_by_words(
                graph, q, reading, found
            )
            if by_words is not None:
                return by_words
        predicate = (
            _described_predicate(graph, q, [a, b])
            if _only_settings(q, picked[0]) and not _POLARITY.search(reading.framing)
            else None
        )
        if predicate is not None:
            # "which is likelier to *fail completely* after a distributional shift,
            # heuristics or a mesa-optimizer?": the setting is not what the options are
            # compared on, but the predicate the question describes (failure to
            # generalize) is, as if it had named it
            notes, told = Footnotes(graph), Told()
            lines, choice, subject = _which(graph, [predicate], [a, b], worded, notes, told)
        elif _POLARITY.search(reading.framing) or _only_settings(q, picked[0]):
            # "which one is *not* an optimizer ...?", "which is *less* likely ...": the
            # choice is made by what holds, not by what does not; and a concept named
            # only as the setting, with nothing else that the options are compared on,
            # leaves it undecided
            lines, choice = [], None
        if not lines:
            # "in the Wikipedia ethics story, does the mesa-optimizer end up corrigible or
            # deceptive?": what the graph holds fits both options alike
            # (the story a setting names counts: what it shows may be what both need)
            named_first = [graph.concepts[f.id] for f in picked[0]]
            lines, subject = _either(graph, named_first, a, b, notes, told) or ([], subject)
        if not lines:
            intent = "relate"
            lines = _relate(graph, [subject, a, b], notes)
        concepts = [subject, a, b] if choice is None else [subject, choice.chosen, choice.other]
        if choice is not None and lines:
            lines[0] = _in_asked_words(graph, q, [picked[1], picked[2]], choice.chosen, lines[0])
    elif intent == "yes_no" and len(concepts) == 1:
        universal = content_stems(reading.framing) if _UNIVERSAL.search(reading.framing) else None
        if universal is not None and not SUFFICES.search(reading.framing):
            # "is the base objective *always* written by the programmers?" asks what
            # holds of it, not whether it settles anything: a passage that says
            # "usually" answers ("some base objective (usually specified by programmers)")
            usual = _reason_matched(
                graph, q, concepts[0], floor=PASSAGE_SAYING_UNKNOWN, saying=True
            )
            if usual is not None:
                return usual
        c = concepts[0]
        if universal is not None and _ASKS_ALWAYS.search(q) and _usually_so(q, c.definition):
            # "... always written by the programmers?": "normally specified by the
            # programmers", says its definition
            lines = [verdict_line("not_necessarily", _is_defined(c, notes))]
            verdict = "not_necessarily"
        else:
            lines, verdict = whether_enough(
                graph, c, notes, universal, settles=bool(SUFFICES.search(reading.framing))
            )
    elif intent == "yes_no":
        only = _OR_ONLY.search(q)
        if only is not None and len(concepts) > 2:
            # "can evolution produce optimizers, *or only* heuristic-followers like
            # plants?": whether the first option is possible too; the one it is set
            # against is granted
            set_by = {f.id for f in found if f.start >= only.end()}
            concepts = [c for c in concepts if c.id not in set_by] or concepts
        despite = _after(graph, q, found, _DESPITE) or _conceded(graph, q, found)
        others = [c for c in concepts if c is not despite]
        if despite is not None and len(concepts) > 2:
            x, y = others[:2]
        elif despite is not None and len(concepts) == 2:
            # "can a model be misaligned even if the base objective is perfect?": what may
            # happen is the other concept; the rest of the answer relates the two
            x, y = despite, others[0]
        else:
            x, y = concepts[:2]
            premise = _PREMISE.search(q)
            asked_of = [
                c
                for c in concepts
                if premise is None or any(f.id == c.id and f.start < premise.start() for f in found)
            ]
            if len(asked_of) >= 2 and len(asked_of) < len(concepts):
                # "is a plant a mesa-optimizer, *since evolution produced it*?": what the
                # question grants is not what it asks about
                concepts = asked_of
            # "does using birth control mean humans are inner misaligned?": what the
            # question predicates comes last; the first concept the graph relates to it
            # directly is what it is predicated of
            last = concepts[-1]
            asked = [
                c
                for c in concepts[:-1]
                if any(r.type in focus for r in graph.relations_between(c.id, last.id))
            ]
            related = [c for c in concepts[:-1] if graph.relations_between(c.id, last.id)]
            if len(concepts) > 2 and asked:
                # "do humans care about evolution's objective of genetic fitness?": the
                # relation asked about ("care": an objective) joins humans and the last
                x, y = asked[0], last
            elif (
                len(concepts) > 2
                and related
                and not graph.relations_between(x.id, y.id)
                and not _reference_of(q, found, y, last)
            ):
                x, y = related[0], last
            by = {f.id: f for f in found}
            if x.id in by and y.id in by and _AGENT_BY.search(q[by[x.id].end : by[y.id].start]):
                # "is distributional shift a new problem *caused by* mesa-optimizers?": the
                # agent after "by" is what would do it
                x, y = y, x
            elif x.id in by and y.id in by and _NEEDED_FOR.search(q[by[x.id].end : by[y.id].start]):
                # "is a mesa-optimizer *needed for* deceptive alignment to happen?": whether
                # deceptive alignment requires one
                x, y = y, x
                focus = ["requires", *focus]
        framing = reading.framing[LEAD.match(reading.framing).end() :]  # type: ignore[union-attr]
        if only is not None:
            framing = _OR_ONLY.split(framing)[0]  # what is granted is not asked ("only")
        within = None
        if despite is None and len(concepts) == 3 and asked_kind(focus, framing) == "same":
            # "does inner alignment require the mesa-objective to be identical to the base
            # objective?": whether the two on either side of "identical" are the same, as
            # the third has it ("... for a model to count as inner aligned?")
            within, (x, y) = _compared(q, found[:3], concepts)
        universal = content_stems(reading.framing) if _UNIVERSAL.search(framing) else None
        first_at = min((f.start for f in found), default=0)
        made_by = (
            [r for r in graph.relations_of(x.id) if r.type == "produces" and r.target == x.id]
            if despite is None and _MAKER_OF.search(q[:first_at])
            else []
        )
        made_by = [r for r in made_by if not r.negated]
        if made_by:
            # "was *the process that made* the bottle cap an optimizer?", "was *making* the
            # bottle cap an optimization process?": what produced x is the subject
            made = x
            x = graph.concepts[made_by[0].source]
            concepts = [x, *(c for c in concepts if c is not x)]
            if x.id == y.id:
                concepts = [made, x]
        if made_by and x.id == y.id:
            # what made the bottle cap is the very thing asked about: optimization
            lines = [verdict_line("yes", explained(graph, notes, made_by[0], False, told))]
            verdict = "yes"
        elif despite is None and _described_subject(q[:first_at]):
            # "are most organisms *that evolution selected* optimizers?": the subject is
            # what the clause describes, not evolution; a passage may say it ("Most of
            # the selected organisms (e.g. plants) are not optimizers")
            by_passage = _reason_matched(
                graph, q, floor=PASSAGE_SAYING_UNKNOWN, saying=True, predicate=concepts[-1]
            )
            if by_passage is not None:
                return by_passage
            lines, verdict = [], "unknown"
        else:
            lines, verdict = whether(
                graph,
                x,
                y,
                focus,
                notes,
                framing=framing,
                despite=despite,
                within=within,
                universal=universal,
            )
        if despite is not None and verdict in ("yes", "no") and lines:
            if _SAFE_FROM.search(reading.framing):
                # "if we solve outer alignment, are we *safe from* misalignment?" asks the
                # opposite of whether misalignment can happen despite it
                verdict = "no" if verdict == "yes" else "yes"
                lines[0] = _VERDICT_WORD.sub(f"**{verdict.capitalize()}.**", lines[0], count=1)
        if verdict == "yes" and lines:
            # "is SGD a *general-purpose real-world* optimizer?": an optimizer, but the
            # reason says "rather than a general-purpose optimizer acting in the world"
            lines[0], verdict = _qualifier_denied(q, found, y, lines[0])
        phrased = _worded_options(q, found, y) if verdict in ("yes", "no") else None
        if phrased is not None and lines:
            # "does gradient descent search over actions in the world *or* over network
            # weights?": not Yes or No, but the option the verdict on y picks, in the
            # question's words
            phrase = phrased[0] if verdict == "yes" else phrased[1]
            parts = _VERDICT_SAID.match(lines[0])
            if parts is not None:
                lines[0] = f"**{capitalize(phrase)}.** {lines[0][parts.start('said') :]}"
                intent, verdict = "which", None
        only_said = q[only.end() :].strip().rstrip("?").strip() if only is not None else ""
        if verdict in ("no", "not_necessarily") and lines and 0 < len(only_said.split()) <= 8:
            # "does inner alignment require the two objectives to be exactly the same, *or
            # only robustly aligned*?": not the first, so what the question sets against it
            head = _VERDICT_HEAD.match(lines[0])
            if head is not None:
                lines[0] = f"**{head.group(1)}: only {only_said}.**{lines[0][head.end() :]}"
        unlike = _unlike_neighbour(graph, q, x, y, notes) if verdict == "unknown" else None
        if unlike is not None:
            # "is a small network trained only briefly likely to be a mesa-optimizer?":
            # what the question describes x as (heuristics) is set against y
            lines, verdict = unlike, "not_necessarily"
        if verdict == "unknown":
            # "if an AI system performs its task really well, does that mean it's an
            # optimizer?": no relation joins what it names, but a passage says it in the
            # question's words ("... does not mean it has to be an optimizer")
            # "does doing a task well *make* a system an optimizer?": what is made is
            # the predicate a passage may deny ("... so it is not an optimizer")
            made_one = concepts[-1] if _ASKS_MAKES.search(q) else None
            passage = _reason_matched(graph, q, floor=PASSAGE_OVER_UNKNOWN, predicate=made_one)
            if passage is None:
                # "can you tell whether a system is an optimizer just by watching how well
                # it performs a task?": a less close passage will do when it is about what
                # the question names or a neighbour of it (the bottle cap's "performs some
                # tasks really well does not mean it has to be an optimizer")
                near = {c.id for c in concepts} | {
                    r.target if r.source == c.id else r.source
                    for c in concepts
                    for r in graph.relations_of(c.id)
                }
                passage = _reason_matched(graph, q, floor=PASSAGE_NEAR_UNKNOWN, near=near)
            if passage is None:
                # "if a trained model performs its task extremely well, does that mean
                # it's an optimizer?": a passage further down that says the verdict in
                # so many words ("... does not mean it has to be an optimizer")
                passage = _reason_matched(
                    graph, q, floor=PASSAGE_SAYING_UNKNOWN, near=near, saying=True
                )
            if passage is not None:
                return passage
    elif (
        intent == "why"
        and all(c.kind == "example" for c in asked_of)
        # "why do animals beat plants?": two stories the graph relates directly, other
        # than as one inside the other, are explained by that relation, not by telling
        # one of them
        and not (
            len(asked_of) >= 2
            and any(
                r.type not in UPWARD
                for r in graph.relations_between(asked_of[0].id, asked_of[1].id)
            )
        )
    ):
        # "why didn't the game assistant attack the Brotherhood players?": the story the
        # question names is the reason, told by the narrowest example it names; what a
        # condition grants is its setting ("why do people use birth control, if
        # evolution optimised us for genetic fitness?")
        story = (
            asked_of[0]
            if len(asked_of) < len(concepts)  # the one asked about, not the setting's words
            else story_told(graph, asked_of, content_stems(reading.framing))
        )
        assert story is not None
        lines = shows(graph, story, notes, told)
        if len(asked_of) < len(concepts):
            concepts = [story, *(c for c in concepts if c is not story)]
    elif intent == "why":
        described = _described_cause(graph, reading, _head(q, found, concepts))
        if described is not None:
            # "why would a mesa-optimizer pretend to be aligned during training?" names the
            # mesa-optimizer and describes deceptive alignment: why the one comes to the other
            concepts = [*concepts, described]
            # "why would a *misaligned* mesa-optimizer pretend ...": the argument starts
            # from the mesa-optimizer, which the first name only qualifies
            qualified = _head(q, found, concepts[:-1])
            if len(qualified) == 1 and len(concepts) > 2:
                concepts = [qualified[0], described]
        contrast = _after(graph, q, found, _INSTEAD)
        if contrast is not None and len(concepts) > 2:
            concepts = [c for c in concepts if c is not contrast]
        else:
            contrast = None
        concepts = _caused_last(graph, concepts)
        counted = _counted_as(graph, reading.framing, concepts)
        if counted is not None:
            # "why is humans using birth control *described as* an inner alignment
            # failure?": the link that makes the one a case of the other is asked about
            concepts = counted
        if _WHY_IS.match(reading.framing) and len(concepts) > 1:
            # "why is deception the best strategy for a mesa-optimizer": the first is what
            # is explained, the last the one it is explained for
            concepts = concepts[::-1]
        negative = bool(_NEGATED.search(reading.framing))
        named = list(dict.fromkeys(graph.concepts[f.id] for f in found))
        pairs = [
            (x, y)
            for x in named
            for y in named
            if any(r.negated and r.source == x.id for r in graph.relations_between(x.id, y.id))
        ]
        if negative and not pairs:
            # "why don't humans organize their lives around having *as many descendants as
            # possible*?": what the question describes, unnamed (genetic fitness), that the
            # graph denies of a thing it names
            pairs = [
                (x, graph.concepts[h.id])
                for h in describe(graph, reading.framing, limit=DESCRIBED)
                if h.score >= CASE_DESCRIBED_SCORE
                for x in named
                if any(r.negated and r.source == x.id for r in graph.relations_between(x.id, h.id))
            ][:1]
        granted = _after(graph, q, found, _CONDITION)
        if negative and granted is None:
            # "if we write down exactly the right objective, why isn't the alignment
            # problem solved?": what the condition describes, unnamed, is what is granted
            granted = _condition_described(graph, q, concepts)
        if negative and pairs:
            # "why don't humans try to have as many descendants as possible, if evolution
            # optimized us for genetic fitness?": what the graph denies between two of
            # the concepts named (humans do not pursue genetic fitness) is the answer,
            # before any passage the question's words happen to fit
            concepts = list(pairs[0])
            led = []
        elif negative and granted is not None and granted is not concepts[0]:
            # "if adversarial training makes the model do well everywhere, why isn't that
            # the end of the inner alignment problem?": why what the question grants
            # falls short of the first thing it names
            concepts = [granted, concepts[0]]
        if not led and not negative and contrast is None:
            # "why is deceptive alignment more dangerous than corrigible alignment?": the
            # graph's own judgement of the two, where it agrees with the question's
            judged = _why_judged(graph, reading, named, notes, told)
            if judged:
                led = [*judged, ""]
        lines = why(
            graph,
            concepts,
            notes,
            judging=negative or bool(_JUDGING.search(reading.framing)),
            contrast=contrast,
            negative=negative,
            asked=content_stems(reading.framing),
            told=told,
            insufficient=negative and bool(SUFFICES.search(reading.framing)),
            making="produces" in focus,
        )
        if contrast is not None:
            concepts = [*concepts, contrast]
        if described is not None and not led and lines and lines[0].endswith(":"):
            # an answer that opens with a heading ("The argument, premises first:") first
            # says what the question described: the reasons that follow are its
            led = [
                f"What the question describes is **{described.label}**:"
                f" {lowered(defined(described, notes))}",
                "",
            ]
        unworded = (
            not led
            and not _no_reason(q, lines)
            and _reasons_unworded(lines, content_stems(reading.framing))
        )
        if unworded:
            described_lead = _note_described(graph, q, concepts)
            if described_lead is not None:
                # the note leads; the reasons that share no word of the question go
                lines = []
                led = [explained(graph, notes, described_lead, told=told), ""]
        elif not led and _no_reason(q, lines):
            # "if the base objective is perfect, why can the model still be misaligned?":
            # where the graph gives no reason between the names, a note the whole
            # question describes closely does
            described_lead = _note_described(graph, q, concepts)
            if described_lead is not None:
                led = [explained(graph, notes, described_lead, told=told), ""]
            else:
                described_lead = (
                    None
                    if _JUDGING.search(reading.framing)
                    or len(content_stems(reading.framing)) < NEIGHBOUR_ENTRY_WORDS
                    else _neighbour_described(graph, q, concepts)
                )
                if described_lead is not None:
                    # what the question describes is a concept of its own: its entry
                    # answers, and how it bears on the concept named follows
                    (entry,) = {described_lead.source, described_lead.target} - {concepts[0].id}
                    c = graph.concepts[entry]
                    led = [
                        f"**{capitalize(c.label)}**: {defined(c, notes)}",
                        "",
                        explained(
                            graph, notes, described_lead, entry == described_lead.source, told
                        ),
                        "",
                    ]
    elif intent == "how":
        contrast = _after(graph, q, found, _INSTEAD)
        if contrast is not None and len(concepts) > 1:
            # "how can a model learn the base objective *other than through gradient
            # descent*?": what the question sets aside is not what it asks about
            concepts = [c for c in concepts if c is not contrast]
        settings = {
            f.id
            for f in found
            if graph.concepts[f.id].kind == "example" and _IN_THE.search(q[: f.start])
        }
        if settings and len(concepts) == len(settings) + 1:
            (other,) = [c for c in concepts if c.id not in settings]
            if len(graph.descendants(other.id)) >= GENERAL_KINDS:
                # "how does pretending pay off for the maze *optimizer* in the toy
                # example?": a kind as general as that says only what the example is
                # about; the example is what is asked about
                concepts = [c for c in concepts if c is not other]
            elif any(_tells_story(graph, s, reading.framing) for s in settings):
                # "how does a deceptive mesa-optimizer get *three apples instead of one*
                # in the toy example?": the question's own words are the example's story,
                # so the example is asked about, with what it shows
                pass
            else:
                # "how does adversarial training work *in the maze example*?": the example
                # is where the one other concept is asked about, not what is asked about
                concepts = [c for c in concepts if c.id not in settings]
        doing = [f for f in found if f.how == "verbal"]
        kept = {c.id for c in concepts}  # not one set aside ("besides gradient descent")
        doers = {
            f.id
            for f in found
            if doing
            and f.id in kept
            and f.end <= doing[0].start
            and graph.concepts[f.id].kind == "optimizer"
        }
        if doers and len(concepts) > len(doers):
            # "how can a mesa-optimizer *find out what the base objective is*?": how the
            # doing works is asked, not what the doer does
            concepts = [c for c in concepts if c.id not in doers]
        ways = _described_ways(graph, q, concepts) if not led else []
        if ways:
            # "how can a mesa-optimizer score well in training without caring about the
            # base objective?": nothing links the two it names; the question describes
            # what the sources call the case where that happens
            lines = _ways_lines(graph, ways, notes, told)
            concepts = [*ways, *concepts]
        else:
            lines = how(
                graph,
                concepts,
                focus,
                notes,
                asked=content_stems(reading.framing),
                told=told,
                doing=any(f.id == concepts[0].id for f in doing),
            )
    elif intent == "what_happens":
        condition = _CONDITION.search(q)
        kept = {c.id for c in concepts}  # not one the story stood in for
        later = [
            graph.concepts[f.id]
            for f in found
            if condition is not None and f.start >= condition.end() and f.id in kept
        ]
        if later and later[0] is not concepts[0]:
            # "what happens to its objective when the objective is a pointer to its world
            # model?": what happens follows from the condition
            concepts = [later[0], *(c for c in concepts if c is not later[0])]
        situation = _situation(graph, reading, concepts, q)
        failure = _disagreement(graph, q, concepts)
        if situation is not None:
            # "what happens when the deployment environment differs from the training
            # environment?" names training data but describes distributional shift
            concepts = [situation, *concepts]
        if failure is not None:
            # "what happens when the mesa-objective disagrees with the base objective?":
            # what happens is that failure (inner misalignment), told after the contrast
            # between the two; what the sources say happens then, in their own words
            # ("they'll go with their own every time"), leads
            concepts = [failure, *concepts]
            disagreeing = _said_on_disagreeing(graph, failure, told)
            if disagreeing is not None and not led:
                led = [explained(graph, notes, disagreeing, told=told), ""]
            lines = what_happens(
                graph, [failure], notes, asked=content_stems(reading.framing), told=told
            )
        else:
            happening = concepts
            if (
                led
                and lead is not None
                and graph.concepts[lead.source].kind != "example"
                and any(c.id == lead.source for c in concepts)
            ):
                # "what happens when the adversarial trainer generates a maze with green
                # walls?": the passage tells it of what acts (adversarial training); the
                # example it acts in is the setting, not what happens next
                happening = [graph.concepts[lead.source]] + [
                    c for c in concepts if c.id != lead.source and c.kind != "example"
                ]
            # what the question quotes says which thing it means ("the maze solver that
            # learned 'go to the green thing'"), not what happens to it
            unquoted = _QUOTED_PHRASE.sub(" ", reading.framing)
            lines = what_happens(graph, happening, notes, asked=content_stems(unquoted), told=told)
    elif intent == "define" and focus[:1] == ["part_of"] and _BROKEN_DOWN.search(q):
        # "which sub-problems can the inner alignment problem be split into?"
        lines = broken_down(graph, concepts[0], notes, told) or _define(
            graph, concepts[0], notes, focus, toward
        )
    elif intent == "define":
        lines = _define(
            graph, concepts[0], notes, focus, toward, say_none=not _TO_DO_WITH.search(q)
        )
        if toward is not None:
            concepts = [concepts[0], toward]
    elif intent == "examples":
        lines = _examples(graph, concepts[0], notes)
    elif intent == "difference":
        lines = _difference(graph, concepts, notes, alike="analogous_to" in focus)
    else:
        lines = _relate(graph, concepts, notes)
    if not any(lines):
        # an intent that found nothing to say must not leave the reader with nothing
        lines = _define(graph, concepts[-1], notes, focus)
    if led:
        # a passage that answers is no remedy the glossary lacks: "after the troops fiasco,
        # how did the player try to fix the goal?" is told by the retraining
        rest = [line for line in lines if not line.startswith(NO_REMEDY)]
        while rest and not rest[0]:
            rest.pop(0)
        if said:
            # the passage the question quotes is what it asks about; what the concepts it
            # names happen to be linked by would be beside the point
            rest = []
            concepts = said_about
        elif described_lead is not None:
            # the note the whole question describes is the answer; what the names in it
            # are linked by otherwise is padding ("misalignment is made worse by
            # capability" after why a perfect base objective is not enough)
            rest = []
            concepts = [
                graph.concepts[described_lead.source],
                graph.concepts[described_lead.target],
            ]
        lines = [*led, *rest]
    while lines and not lines[-1]:
        lines.pop()
    if intent in ("why", "how", "what_happens", "which") and lines:
        # the reason answers the question; the link it explains follows
        lines[0] = told.reason_first(lines[0])
    if intent in ("why", "how") and lines:
        # a bullet lifted above its heading keeps its link: "Adversarial training does
        # not rule out inner misalignment." says what the heading said. What happens is
        # told by all its outcomes together (one of three is no answer)
        lines = _lead_lifted(lines)
    return _answered(graph, q, intent, concepts, lines, notes, verdict)


_DEFINING = re.compile(
    r"^\W*(?:is|are|isn't|aren't|isnt|arent)\s+(?:the\s+|an?\s+)?(?P<subject>.+?)\s+"
    r"(?:(?:just|simply|basically|really|essentially|actually|exactly|also)\s+)?"
    r"(?P<predicate>(?:when|where|what\s+happens\s+when)\s+.+|"
    r"(?:the|an?)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:problem|task|challenge|question|issue|process|idea|name|term|word|objective|goal|"
    r"aim|thing|failure|risk|worry|concern|situation|case|model|system|optimizer|agent|"
    r"scenario|gap|way)\s+(?:of|for|that|which|where|when|in\s+which|whose|who|to|by|"
    r"the|an?|its|their|it|we|you|they|humans|people|training)\s+.+)$",
    re.I,
)
"""A yes/no question whether a named concept is what the rest of the question describes:
"Is outer alignment *the problem of making the trained model's goal match the training
objective*?", "Is deceptive alignment *when a model pretends ...*?". A predicate that
names a kind ("a kind of ...", "an example of ...") is a relation, not a description,
and is not matched."""
DEFINING_SCORE = 0.65
"""Least :mod:`kg.describe` score at which what a defining question describes is taken
to be another concept than the one it names."""
DEFINING_MARGIN = 0.05
"""How far behind the best fit the named concept may fit a defining question's
description and still be what it describes."""
_OWN_TEXT: frozenset[str] = frozenset({"label", "alias", "definition", "described_as", "quote"})
"""The fields of a :class:`kg.describe.Described` hit that say what the concept itself is
(a quote reported as such backs its definition); a relation's note speaks of two."""


def _defining(graph: KnowledgeGraph, q: str, found: list[Found]) -> Answer | None:
    """The answer to a question whether the concept it names first is what the rest of
    it describes (:data:`_DEFINING`), decided by :func:`kg.describe.describe` on that
    description: **Yes** when the named concept fits it best, **No** when another does
    clearly better and the graph sets the two against each other, with what each is.
    "Is outer alignment the problem of making the trained model's goal match the
    training objective?" is No: that is inner alignment. None when the description
    fits nothing well enough, or what fits best is only a neighbour (a relation between
    them answers better), or the evidence is a relation's note rather than what a
    concept is."""
    m = _DEFINING.match(q.strip())
    if m is None or not found:
        return None
    first = found[0]
    if not (first.start <= m.start("subject") + 1 and first.end >= m.end("subject") - 1):
        return None  # the subject is not exactly one concept
    named = graph.concepts[first.id]
    hits = describe(graph, m.group("predicate"), limit=DESCRIBED + 2)
    if not hits:
        return None
    best = max(hits, key=lambda h: h.score)
    own = next((h for h in hits if h.id == named.id), None)
    # what the graph sets against the named concept, fitting about as well, leaves the
    # question open ("is robust alignment when the objectives agree *only on the
    # training data*?" fits robust and pseudo-alignment alike, by the same quote)
    rivals = [h for h in hits if h.id != named.id and _opposed(graph, named.id, h.id)]
    notes = Footnotes(graph)
    told = Told()
    if own is not None and own.score >= best.score - DEFINING_MARGIN:
        if (
            own.score < PASSAGE_SAYING_UNKNOWN
            or own.field not in _OWN_TEXT
            or any(h.score > own.score - DEFINING_MARGIN for h in rivals)
        ):
            return None
        lines = [
            verdict_line(
                "yes", f"{capitalize(noun(named))} is {lowered(_definition(named, notes))}"
            ),
        ]
        return _answered(graph, q, "yes_no", [named], lines, notes, "yes")
    if (
        best.score < DEFINING_SCORE
        or best.field not in _OWN_TEXT
        # only a concept the graph sets against the named one is surely another thing:
        # one merely ranked first may be a neighbour the words also fit
        or best not in rivals
    ):
        return None
    other = graph.concepts[best.id]
    lines = [
        verdict_line(
            "no",
            f"What you describe is {noun(other)}: {lowered(_definition(other, notes))}",
        ),
        "",
        f"{capitalize(noun(named))} is {lowered(_definition(named, notes))}",
    ]
    between = [r for r in graph.relations_between(named.id, other.id) if r.type == "contrasts_with"]
    if between:
        lines += ["", explained(graph, notes, between[0], between[0].source == named.id, told)]
    return _answered(graph, q, "yes_no", [named, other], lines, notes, "no")


_WHOLE_LIST = re.compile(r"instance of|breaks? down|\bkinds?\b|\bexamples?\b|\bparts?\b", re.I)
"""Headings over lists whose items answer together: what a thing is an instance of, the
parts or kinds it breaks down into, its examples."""


def _lead_lifted(lines: list[str]) -> list[str]:
    """An answer that opens with a heading over bullets ("What does not rule it out:"),
    with its first bullet lifted above the heading as the opening paragraph: a reader
    (and two strict reviews) expect the first sentence to answer, not to announce a
    list. The heading stays over the bullets left; with none left, it goes."""
    if len(lines) < 3 or not lines[0].endswith(":") or lines[1] or not lines[2].startswith("- "):
        return lines
    if _WHOLE_LIST.search(lines[0]):
        return lines  # the list is the answer ("what inner alignment breaks down into")
    rest = lines[3:]
    body = [lines[2][2:], ""]
    if rest and rest[0].startswith("- "):
        return [*body, lines[0], "", *rest]
    while rest and not rest[0]:
        rest = rest[1:]
    return [*body, *rest]


_COUNTED_AS = re.compile(
    r"\b(?:described|seen|counted|considered|called|classed|classified|labell?ed|regarded|"
    r"treated|thought\s+of)\s+as\b|\b(?:an?\s+)?(?:example|case|instance|kind|form|type)\s+of\b"
    r"|\bcounts?\s+as\b",
    re.I,
)


def _counted_as(
    graph: KnowledgeGraph, framing: str, concepts: list[Concept]
) -> list[Concept] | None:
    """The two concepts a why-question asks to be told why one counts as the other ("why
    is humans using birth control described as an inner alignment failure?": birth
    control is an example of inner misalignment), when it says so and one of the concepts
    it names is recorded as a case or kind of another; None otherwise."""
    if len(concepts) < 2 or not _COUNTED_AS.search(framing):
        return None
    ids = {c.id for c in concepts}
    links = [
        r
        for c in concepts
        for r in graph.relations_of(c.id)
        if r.source == c.id and r.target in ids and r.type in UPWARD and not r.negated
    ]
    if not links:
        return None
    # an example before a kind: the narrowest case is what the question is about
    links.sort(key=lambda r: (graph.concepts[r.source].kind != "example", r.type != "example_of"))
    return [graph.concepts[links[0].source], graph.concepts[links[0].target]]


_PREMISE = re.compile(
    r",?\s*\b(?:since|because|given\s+that|seeing\s+(?:as|that)|now\s+that)\b", re.I
)
"""What a yes/no question grants after its question proper ("is a plant a mesa-optimizer,
*since* evolution produced it?")."""


def _caused_last(graph: KnowledgeGraph, concepts: list[Concept]) -> list[Concept]:
    """The concepts of a why-question with the one it asks the reason for last: the
    last named, unless the first brings about (or favours) only one of the others
    directly and not the last ("why would gradient descent make a model's objective
    *point at* its world model's idea of human values?" asks why gradient descent favours
    the pointer; human values only say what it points at)."""
    if len(concepts) < 3:
        return concepts
    subject, *middle, last = concepts

    def brings(c: Concept) -> bool:
        return any(
            r.source == subject.id and r.type in CAUSAL and not limiting(r)
            for r in graph.relations_between(subject.id, c.id)
        )

    caused = [c for c in middle if brings(c)]
    if brings(last) or len(caused) != 1:
        return concepts
    return [subject, *(c for c in middle if c is not caused[0]), last, caused[0]]


_ITS_OWN = re.compile(r"\b(?:its|their)(?:\s+own)?\s*$", re.I)


def _objective_of(
    graph: KnowledgeGraph, q: str, found: list[Found], generic: Found
) -> tuple[str, str] | None:
    """For "the objective of Y" (or "Y's goal", "Y's own goal", "Y ... its own goal"): Y
    and the one objective the graph says Y pursues, when it says so plainly; else None."""
    after = [
        f for f in found if f.start > generic.end and _OF_BETWEEN.match(q[generic.end : f.start])
    ]
    before = [
        f
        for f in found
        if f.end <= generic.start
        and (
            re.fullmatch(r"\s*(?:'s|\u2019s|['\u2019])(?:\s+own)?\s*", q[f.end : generic.start])
            or (q[f.end : generic.start] == " " and _bare_owner(q, f))
        )
    ]
    if not before and _ITS_OWN.search(q, 0, generic.start):
        # "what does a mesa-optimizer do when *its own* objective ...": the pronoun's
        # owner is the concept named last before it
        before = [f for f in found if f.end <= generic.start and f is not generic]
    for owner in after[:1] or before[-1:]:
        targets = [
            r.target
            for r in graph.relations_of(owner.id)
            if r.source == owner.id and r.type == "has_objective" and r.modality is None
        ]
        if len(targets) == 1:
            return owner.id, targets[0]
    return None


_AS_ITS = re.compile(r"\bas\s+(?:its|their|his|her|your|our|one's)\s+(?:own\s+)?$", re.I)
"""What says a goal named next is a role ("adopted it *as its* goal")."""
_OWN_OF = re.compile(r"\b([^\W\d_]+)(?:'s|\u2019s)\s+own\s*$", re.I)


def _unnamed_owner(graph: KnowledgeGraph, q: str, generic: Found) -> str | None:
    """The objective meant by "the *model's own* goal", where "model" names no concept
    but ends the names of one, after a participle (the learned algorithm: "trained
    model", "learned model"; not "world model"): of
    that concept and its kinds, the one objective the graph says one of them pursues,
    if exactly one does; else None."""
    m = _OWN_OF.search(q, 0, generic.start)
    if m is None or graph.lookup(m.group(1)) is not None:
        return None
    head = fold_word(m.group(1))
    # "trained model", "learned model": the head with what made it so before it, not a
    # model of something ("world model")
    owners = {
        cid
        for term, cid in graph.terms().items()
        if len(words := term.split()) == 2 and words[1] == head and words[0].endswith("ed")
    }
    if len(owners) != 1:
        return None
    (owner,) = owners
    targets = {
        r.target
        for cid in (owner, *graph.descendants(owner))
        for r in graph.relations_of(cid)
        if r.source == cid and r.type == "has_objective" and r.modality is None and not r.negated
    }
    return targets.pop() if len(targets) == 1 else None


_ASKS = re.compile(
    r"\s*(?:which|what|who|whom|whose|why|how|when|where|whether|is|are|was|were|does|do"
    r"|did|can|could|would|should|will|must)\b",
    re.I,
)
_PREAMBLE = re.compile(r"^([^:?]{1,60}):\s+(?=\S)")
_QUOTED = re.compile(r"^[\"\u201c'\u2018](.+)[\"\u201d'\u2019]\s*$")


def _unwrapped(graph: KnowledgeGraph, q: str) -> str:
    """The question without a preamble that names no concept ("Skeptic here:", "FAQ bot
    forwarding:") and without the quotes around a forwarded question; blanked rather
    than cut, so that offsets still point into the question as asked."""
    m = _PREAMBLE.match(q)
    # "Which is specified by the programmers: X or Y?" is the question, not a preamble
    if m and not annotate(graph, m.group(1)) and not _ASKS.match(m.group(1)):
        q = " " * m.end() + q[m.end() :]
    body = q.strip()
    quoted = _QUOTED.match(body)
    if quoted:
        at = q.index(body)
        q = q[:at] + " " + quoted.group(1) + " " * (len(body) - len(quoted.group(1)) - 1)
    setting = _IN_A_SOURCE.search(q)
    if setting and annotate(graph, q[: setting.start()]):
        # "what counts as optimization *in the learned optimization paper*?", "why do
        # animals beat plants, *according to the mesa optimizer video*?": which source
        # says it, not a concept asked about (the rest must name one)
        q = q[: setting.start()] + " " * (setting.end() - setting.start()) + q[setting.end() :]
    return q


_IN_A_SOURCE = re.compile(
    r",?\s*\b(?:in|according\s+to|from|by)\s+(?:the|that|this|rob\s+miles[\u2019']?s?)\s+"
    r"(?:[\w'\u2019-]+\s+){0,4}(?:paper|video|faq|notes|post|article|transcript|talk)"
    r"(?=\s*[?.!]*\s*$)",
    re.I,
)
"""A closing phrase that says in which source the asker read it ("..., according to the
mesa optimizer video?")."""


def _which(
    graph: KnowledgeGraph,
    subjects: list[Concept],
    options: list[Concept],
    focus: list[str],
    notes: Footnotes,
    told: Told | None = None,
) -> tuple[list[str], Choice | None, Concept]:
    """A which-question with one or more subjects. "Which is the base optimizer and which
    the mesa-optimizer: evolution or humans?" names two, each decided on its own; "Under
    distributional shift, which is more likely to fail to generalize: heuristics or a
    mesa-optimizer?" names a setting and a predicate, and the subject that decides the
    choice by the relation the question asks about is the one answered."""
    decided: list[tuple[Concept, Choice]] = []
    for subject in subjects[:2]:
        _trial, choice = which(graph, subject, options, Footnotes(graph), focus)
        if choice is not None:
            decided.append((subject, choice))
    if (
        len(decided) == 2
        and decided[0][1].chosen != decided[1][1].chosen
        and all(all(r.type in UPWARD for r in d[1].relations) for d in decided)
    ):
        # each subject takes one option: say both, under one set of footnotes
        lines: list[str] = []
        for subject, _choice in decided:
            more, _ = which(graph, subject, options, notes, focus, player=False, second=bool(lines))
            lines += ["", *more] if lines else more
        return lines, decided[0][1], decided[0][0]
    asked = [d for d in decided if any(r.type in focus for r in d[1].relations)]
    subject = (asked or decided)[0][0] if decided else subjects[0]
    lines, choice = which(graph, subject, options, notes, focus, told=told)
    return lines, choice, subject


_WHICH_OPENING = re.compile(r"^\s*(?:which|what)\b", re.I)
_WHICH_AFTER = re.compile(r"[,;:]\s*(?:which|what)\b[^,;:]*[,:]?\s*$", re.I)
"""A which-question after a clause that sets the scene ("When a mesa-optimizer comes to
pursue the base objective via its world model, *which way does the paper call the
right way*, corrigibly or deceptively?")."""
_POLARITY = re.compile(
    r"\b(?:not|no|never|neither|less|least|fewer|rather|instead|unlike|without|lacks?|"
    r"cannot|opposite|whereas|versus|vs|contrast|contrasted)\b|n[\u2019']t\b",
    re.I,
)
"""Words that turn a which-question's predicate around ("which one is *not* ...",
"*less* likely", "does*n't* care") or set things against each other ("rather than"):
a choice made by words or by what holds would then name the wrong option."""
WHICH_MARGIN = 0.1
"""How much better (in :mod:`kg.describe`'s score) the words of a which-question must fit
one option's text than the other's for that option to be the answer."""


_SETTING = re.compile(
    r"\b(?:after|under|during|following|amid|in\s+case\s+of|in\s+the\s+face\s+of)"
    r"(?:\s+(?:a|an|the|some))?\s*$",
    re.I,
)


def _described_predicate(graph: KnowledgeGraph, q: str, options: list[Concept]) -> Concept | None:
    """What a which-question whose named subjects are only its setting describes as the
    predicate the options are compared on ("... likelier to *fail completely* ...":
    failure to generalize): the concept :mod:`kg.describe` finds first, at
    :data:`OPTION_SCORE` or more, if the graph relates it to an option; else None."""
    hits = describe(graph, q, limit=1)
    if not hits or hits[0].score < OPTION_SCORE or hits[0].id in {o.id for o in options}:
        return None
    if not any(graph.relations_between(hits[0].id, o.id) for o in options):
        return None
    return graph.concepts[hits[0].id]


def _only_settings(q: str, subjects: list[Found]) -> bool:
    """Whether every subject of a which-question is named only as its setting ("which
    is more likely to fail completely *after a* distributional shift, ...?")."""
    return bool(subjects) and all(_SETTING.search(q[: f.start]) for f in subjects)


def _in_asked_words(
    graph: KnowledgeGraph, q: str, options: list[Found], chosen: Concept, line: str
) -> str:
    """A which-answer's bold choice in the words the question offered it by, where they
    are another name of the concept ("..., outer or inner misalignment?": **Outer
    misalignment.**, not **Outer alignment.**, the problem it is the failure of)."""
    head = choice_head(noun(chosen))
    said = next((q[f.start : f.end] for f in options if f.id == chosen.id), None)
    if said is not None and len(said.split()) == 1 and graph.lookup(said) is not chosen:
        # "outer or inner misalignment": the first shares the second's head word
        heads = [q[f.start : f.end].split()[-1] for f in options if f.id != chosen.id]
        said = f"{said} {heads[0]}" if heads else said
    if said is None or not line.startswith(head) or graph.lookup(said) is not chosen:
        return line
    mine, theirs = set(content_stems(chosen.label)), set(content_stems(said))
    if said.isupper() or mine <= theirs or theirs <= mine:
        return line  # "SGD", "collection of heuristics", "heuristic": the same name
    return choice_head(said) + line[len(head) :]


_DENIED = re.compile(rf"(?:{DENIAL_WORDS})[^,;:]*?(?=\bbut\b|[,;:]|$)", re.I)
"""The words a sentence denies: from "not" to the "but" that turns it round, or to the end
of the clause ("pursues the base objective *not for its own sake* but as a means")."""
_DETERMINER = r"(?:(?:the|its|their|a|an|his|her)\s+)?"


def _alike(word: str, stems: frozenset[str]) -> bool:
    """Whether a stem is one of ``stems`` or shares its first :data:`STEM` letters with one
    ("instrumental" and "instrumentally", which the stemmer leaves apart)."""
    return word in stems or (
        len(word) >= STEM and any(len(s) >= STEM and s[:STEM] == word[:STEM] for s in stems)
    )


def _chosen_by_note(
    graph: KnowledgeGraph,
    subject: Concept,
    options: list[Concept],
    by_note: tuple[Concept, Relation],
    notes: Footnotes,
    told: Told,
) -> tuple[list[str], Choice]:
    """A which-answer decided by :func:`_object_named`: the option, with the note that
    says the question's words of it, then what the other option is to the subject, in
    its notes' words."""
    chosen, said_by = by_note
    other = next(o for o in options if o is not chosen)
    lines = [
        f"{choice_head(noun(chosen))} "
        + explained(graph, notes, said_by, said_by.source == subject.id, told)
    ]
    for r in graph.relations_between(subject.id, other.id):
        if r is not said_by and not limiting(r) and r.type != "contrasts_with":
            line = explained(graph, notes, r, r.source == subject.id, told)
            lines += ["", told.reason_first(line)]
    return lines, Choice(chosen, other, [said_by])


def _which_phrase(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> Answer | None:
    """A which-question between two phrases that name no concept, about two concepts it
    names ("In the maze example, which is the base objective: reaching the exit, or
    going to the green thing?"): the option of which a relation between the two holds
    clearly more words in its note and quotes, with that relation; None when no such
    passage tells them apart."""
    tail = _options_tail(q)
    if tail is None:
        return None
    phrases = [tail.group("a"), tail.group("b")]
    if any(annotate(graph, p) for p in phrases):
        return None
    words = [content_stems(p) for p in phrases]
    a, b = concepts[:2]
    decided: list[tuple[int, Relation]] = []
    for r in graph.relations_between(a.id, b.id):
        if limiting(r) or r.type == "contrasts_with":
            continue
        held = content_stems(_note_and_quotes(r))
        counts = [len(w & held) for w in words]
        # clearly one: twice the other's words at least ("reach", "exit" against the
        # "go" of "going back to our maze example")
        if max(counts) >= 2 and max(counts) >= 2 * min(counts):
            decided.append((counts.index(max(counts)), r))
    if not decided or len({i for i, _ in decided}) > 1:
        return None
    i, rel = decided[0]
    notes = Footnotes(graph)
    told = Told()
    line = told.reason_first(explained(graph, notes, rel, rel.source == a.id, told))
    lines = [f"{choice_head(phrases[i].strip())} {line}"]
    # and what the other option is, where a passage of the first named says it ("its
    # mesa objective is 'go to the green thing'")
    other = words[1 - i]

    def fit(r: Relation) -> tuple[int, int]:  # the other option's words, the chosen's
        held = content_stems(_note_and_quotes(r))
        return len(other & held), len(words[i] & held)

    # ... of what the graph sets against the second (the mesa-objective against the
    # base objective)
    against = {
        r.target if r.source == b.id else r.source
        for r in graph.relations_of(b.id)
        if r.type == "contrasts_with" and not r.negated
    }
    fits = [
        (fit(r), r)
        for r in graph.relations_of(a.id)
        if r is not rel and not limiting(r) and {r.source, r.target} & against
    ]
    rest = [(f, r) for f, r in fits if f[0] >= 2 and f[0] > f[1]]
    if rest:
        best = max(rest, key=lambda fr: fr[0][0])[1]
        lines += ["", told.reason_first(explained(graph, notes, best, best.source == a.id, told))]
    return _answered(graph, q, "which", [a, b], lines, notes)


_BETTER = re.compile(r"\b(?:better|preferable|more\s+efficient)\b", re.I)
"""A which-question that asks which option is better ("which works *better* for the
model: ... or ...?"): an ``outperforms`` relation decides it."""


def _which_better(graph: KnowledgeGraph, q: str) -> Answer | None:
    """ "Which is better for a mesa-optimizer: learning about the base objective from its
    world model, or internalizing it through gradient descent?": each option phrase
    stands for the concepts it names and the two it describes best (:mod:`kg.describe`,
    at least :data:`OPTION_SCORE`); an ``outperforms`` relation from a concept of only
    one option to a concept of only the other chooses that option, with the relation's
    reason; None when there is none, or one each way."""
    tail = _OPTIONS_TAIL.search(q)
    if tail is None or _POLARITY.search(q):
        return None
    phrases = [tail.group("a").strip(), tail.group("b").strip()]
    names = [{a.id for a in annotate(graph, p)} for p in phrases]
    named = names[0] | names[1]
    # what an option names is its own; what it only describes, unless the other names it
    sides = [
        names[i]
        | {
            h.id
            for h in describe(graph, p, limit=2)
            if h.score >= OPTION_SCORE and h.id not in names[1 - i]
        }
        for i, p in enumerate(phrases)
    ]
    only = [sides[0] - sides[1], sides[1] - sides[0]]
    wins = [
        (i, r)
        for i in (0, 1)
        for cid in only[i]
        for r in graph.relations_of(cid)
        if r.type == "outperforms" and not r.negated and r.source == cid and r.target in only[1 - i]
    ]
    if not wins or len({i for i, _ in wins}) > 1:
        return None
    # a concept the option names before one it only describes
    i, rel = min(wins, key=lambda w: (w[1].source not in named, w[1].target not in named))
    notes = Footnotes(graph)
    told = Told()
    line = told.reason_first(explained(graph, notes, rel, True, told))
    head = choice_head(phrases[i][0].upper() + phrases[i][1:])
    concepts = [graph.concepts[rel.source], graph.concepts[rel.target]]
    return _answered(graph, q, "which", concepts, [f"{head} {line}"], notes)


def _loosely(choice: Choice, focus: list[str]) -> bool:
    """Whether a which-answer's choice rests on one link of a kind the question does not
    ask about and that does not say what the option is ("concerns")."""
    return len(choice.relations) == 1 and choice.relations[0].type not in {*focus, *UPWARD}


def _object_named(
    graph: KnowledgeGraph, framing: str, subject: Concept, options: list[Concept]
) -> tuple[Concept, Relation] | None:
    """Of two options, the one that a note on the subject's relations names as the object
    of the question's own words, in a sentence that holds every word of the question's
    predicate ("which goal does a deceptively aligned model *pursue only
    instrumentally*, ...?": "A deceptive model *pursues the base objective* not for its
    own sake but as a means to its mesa-objective, i.e. as an *instrumental* goal").
    The relation whose note says it comes with the option; None when no sentence says
    it, the sentences disagree, or the predicate is a single word (a lone verb could be
    said of either)."""
    asked = content_stems(framing)
    if len(asked) < 2 or _POLARITY.search(framing):
        return None
    names = {o.id: _names_pattern(o) for o in options}
    decided: dict[str, Relation] = {}
    for rel in graph.relations_of(subject.id):
        if not rel.note or limiting(rel):
            continue
        for sentence in _SENTENCES.split(" ".join(rel.note.split())):
            denied = [range(m.start(), m.end()) for m in _DENIED.finditer(sentence)]
            said = [
                m
                for m in _WORD_RE.finditer(sentence)
                if not any(m.start() in span for span in denied)
            ]
            words = frozenset(stem(fold_word(m.group())) for m in said)
            if not all(_alike(w, words) for w in asked):
                continue
            for m in said:
                if not _alike(stem(fold_word(m.group())), asked):
                    continue
                for o in options:
                    after = re.match(
                        rf"\s+{_DETERMINER}(?:{names[o.id]})\b", sentence[m.end() :], re.I
                    )
                    if after:
                        decided.setdefault(o.id, rel)
    if len(decided) != 1:
        return None
    [(cid, rel)] = decided.items()
    return graph.concepts[cid], rel


_WHICH_PART = re.compile(
    r"^\s*(?:so\s+|and\s+)?which\s+(?:one\s+)?of\s+(?:the\s+|its\s+)?"
    r"(?:two|three|both|several|\d+)?\b",
    re.I,
)
"""A question that asks which of a thing's parts is something ("*which of the two*
strategy-game failures is the inner misalignment one?")."""
_WHICH_WORD = re.compile(r"\bwhich\b", re.I)


def _being(graph: KnowledgeGraph, cid: str, what: str | None = None) -> list[Relation]:
    """What ``cid`` is, by a definite "is an example of" or "is a kind of" (not denied):
    of ``what`` only, if given; else of anything but an example or a work."""
    return [
        r
        for r in graph.relations_of(cid)
        if r.source == cid
        and r.type in ("example_of", "is_a")
        and r.modality is None
        and not r.negated
        and (
            r.target == what
            if what is not None
            else graph.concepts[r.target].kind not in ("example", "work")
        )
    ]


def _which_part(graph: KnowledgeGraph, q: str, found: list[Found]) -> Answer | None:
    """ "Which of the two strategy-game failures is the inner misalignment one?": of the
    parts of the first thing named, the one that is an example (or a kind) of the last
    thing named, with the reason, then what the other parts are examples of; None when
    not exactly one part is."""
    asking = _WHICH_PART.match(q) or _WHICH_WORD.search(q)
    if (
        asking is None
        or found[-1].start < asking.end()
        or found[0].start >= asking.start() > 0
        # "..., outer misalignment or inner misalignment?" offers the options itself
        or re.search(r"\bor\b", q[asking.end() :], re.I)
    ):
        # "of the two things that went wrong with the strategy-game assistant, which one
        # counts as inner misalignment?": the whole told before "which", the role after
        return None
    whole, role = graph.concepts[found[0].id], graph.concepts[found[-1].id]
    parts = [
        graph.concepts[r.source]
        for r in graph.relations_of(whole.id)
        if r.type == "part_of" and r.target == whole.id and not r.negated
    ]

    fitting = [(c, rels) for c in parts if (rels := _being(graph, c.id, role.id))]
    if len(parts) < 2 or len(fitting) != 1:
        return None
    chosen, (rel, *_) = fitting[0]
    notes = Footnotes(graph)
    told = Told()
    lines = [
        f"{choice_head(chosen.label)} "
        + told.reason_first(explained(graph, notes, rel, True, told))
    ]
    for other in parts:
        if other is not chosen and (kinds := _being(graph, other.id)):
            lines += ["", f"By contrast, {lowered(explained(graph, notes, kinds[0], True, told))}"]
    return _answered(graph, q, "which", [chosen, role, whole], lines, notes)


_WHICH_ROLES = re.compile(
    r"\bwhich(?:\s+one)?\s+(?:is|plays|are)\s+(?:the\s+|an?\s+)?(?P<a>[^,?]+?)"
    r",?\s+and\s+which(?:\s+one)?\s+(?:is|plays|are)?\s*(?:the\s+|an?\s+)?(?P<b>[^,?]+?)"
    r"\s*\??\s*$",
    re.I,
)
"""A question that asks which thing plays each of two roles ("in the evolution analogy,
*which one is* the base optimizer *and which one is* the mesa-optimizer?")."""


def _which_roles(graph: KnowledgeGraph, q: str, found: list[Found]) -> Answer | None:
    """ "In the evolution analogy, which one is the base optimizer and which one is the
    mesa-optimizer?": for each role the question names, the thing of its setting that
    is one (the setting itself, or what it is directly related to, by a definite "is an
    example of" or "is a kind of"): the setting first where it fills a role. None when a
    role has no such thing, or the question names no setting."""
    m = _WHICH_ROLES.search(q)
    if m is None:
        return None
    roles = [
        next((f for f in found if f.start >= m.start(g) and f.end <= m.end(g)), None)
        for g in ("a", "b")
    ]
    settings = [f for f in found if f.end <= m.start()]
    if roles[0] is None or roles[1] is None or not settings:
        return None
    setting = graph.concepts[settings[-1].id]
    near = [setting.id, *graph.neighbors(setting.id)[0]]

    def filling(role: str, taken: set[str]) -> Relation | None:
        return next(
            (
                r
                for cid in near
                if cid not in taken and cid != role
                for r in _being(graph, cid, role)
            ),
            None,
        )

    first = filling(roles[0].id, set())
    second = filling(roles[1].id, {first.source} if first else set())
    notes = Footnotes(graph)
    told = Told()
    if (first is None or second is None) and setting.kind == "example":
        # "in the maze example, which is the base objective and which the mesa-objective?":
        # what the example's own notes say of each role ("to reach the exit", "go to the
        # green thing")
        told_of = [
            next(
                (
                    r
                    for r in graph.relations_between(setting.id, f.id)
                    if r.source == setting.id and r.type == "concerns" and r.note
                ),
                None,
            )
            for f in roles
            if f is not None
        ]
        if len(told_of) == 2 and all(told_of):
            lines = [f"In {noun(setting)}:", ""]
            for r in told_of:
                assert r is not None
                role = graph.concepts[r.target]
                said = told.reason_first(explained(graph, notes, r, True, told))
                lines.append(f"- **{capitalize(role.label)}**: {said}")
            concepts = [setting, *(graph.concepts[r.target] for r in told_of if r)]
            return _answered(graph, q, "which", concepts, lines, notes)
    if first is None or second is None:
        return None

    def plays(r: Relation) -> str:
        c, role = graph.concepts[r.source], graph.concepts[r.target]
        if not c.plural:
            return f"{capitalize(noun(c))} is {noun(role)}"
        named = noun(role)  # "humans are the mesa-optimizers"
        return f"{capitalize(noun(c))} are {named if named.endswith('s') else named + 's'}"

    lines = [
        f"**{plays(first)}; {lowered(plays(second))}.** "
        + explained(graph, notes, first, True, told)
        + " "
        + explained(graph, notes, second, True, told)
    ]
    link = [
        r
        for r in graph.relations_between(first.source, second.source)
        if not r.negated and r not in told.relations
    ]
    if link:
        lines += ["", explained(graph, notes, link[0], link[0].source == first.source, told)]
    concepts = [
        graph.concepts[c] for c in (first.source, first.target, second.source, second.target)
    ]
    return _answered(graph, q, "which", concepts, lines, notes)


_WHICH_OF_ONE = re.compile(
    r"^\s*(?:which|what)\s+(?!(?:is|are|was|were|do|does|did|can|could|would|will|should"
    r"|has|have|had|kind|kinds|type|types|sort|sorts)\b)(?P<head>[a-z]+)\s+"
    r"(?:of|from|after)\s+(?:(?:the|a|an)\s+)?",
    re.I,
)
"""A which-question whose head noun is of the one concept it names ("*which outcome of*
distributional shift do we hope for?"): it asks which neighbour the rest describes."""


def _which_of_one(graph: KnowledgeGraph, q: str, framing: str, named: Found) -> Answer | None:
    """ "Which outcome of distributional shift do we hope for?": the one concept's
    neighbour whose relations with it say in their passages (notes and quotes) the
    question's own words, its head noun ("outcome") and the names aside, where exactly
    one neighbour's passages hold the most of them (weighted as :func:`_asking_weights`
    weighs them); in bold, then the relation whose passage holds them, then what the
    neighbour is. None when no neighbour stands out."""
    m = _WHICH_OF_ONE.match(q)
    if m is None or named.start != m.end():
        return None
    asked = framing[: m.start("head")] + " " * len(m.group("head")) + framing[m.end("head") :]
    weights = _asking_weights(graph, asked)
    if not weights:
        return None
    fits: dict[str, tuple[float, Relation]] = {}
    for r in graph.relations_of(named.id):
        other = r.target if r.source == named.id else r.source
        if r.negated or other == named.id:
            continue
        held = weights.keys() & content_stems(_note_and_quotes(r))
        score = sum(weights[w] for w in held)
        if score > 0 and score > fits.get(other, (0.0, r))[0]:
            fits[other] = (score, r)
    ranked = sorted(fits.items(), key=lambda kv: -kv[1][0])
    if not ranked or (len(ranked) > 1 and ranked[1][1][0] >= ranked[0][1][0]):
        return None
    cid, (_score, rel) = ranked[0]
    chosen, about = graph.concepts[cid], graph.concepts[named.id]
    notes = Footnotes(graph)
    told = Told()
    lines = [
        f"{choice_head(chosen.label)} "
        + told.reason_first(explained(graph, notes, rel, rel.source == chosen.id, told)),
        "",
        f"**{capitalize(chosen.label)}**: {_definition(chosen, notes)}",
    ]
    return _answered(graph, q, "which", [chosen, about], lines, notes)


_REFERENCE = re.compile(
    r"\s*(?:with\s+(?:respect|regard)\s+to|relative\s+to|with|to|towards?)"
    r"\s+(?:(?:the|a|an|its|their)\s+)?",
    re.I,
)


def _reference_of(q: str, found: list[Found], predicate: Concept, last: Concept) -> bool:
    """Whether ``last`` is only what the predicate is said with respect to, named right
    after it ("are humans *misaligned with evolution*?"): the question asks whether the
    subject is misaligned, not how it relates to evolution."""
    by = {f.id: f for f in found}
    p, r = by.get(predicate.id), by.get(last.id)
    return (
        p is not None
        and r is not None
        and p.end <= r.start
        and _REFERENCE.fullmatch(q[p.end : r.start]) is not None
    )


def _or_options(reading: Reading, found: list[Found]) -> tuple[Found, Found] | None:
    """The two options of a which-question: its last two names (where each occurs, if
    known), two different concepts joined by "or" ("..., *corrigible or deceptive*?");
    None when they are not."""
    places = reading.occurrences or found
    if len(places) < 2:
        return None
    a, b = places[-2], places[-1]
    if a.id == b.id or not re.fullmatch(
        r"[\s,]*(?:[^\W\d_]+\s+)?or\s+(?:(?:the|a|an)\s+)?", reading.framing[a.end : b.start]
    ):
        return None
    return a, b


def _why_judged(
    graph: KnowledgeGraph, reading: Reading, named: list[Concept], notes: Footnotes, told: Told
) -> list[str]:
    """Why the first of two concepts a why-question names is the worse (or the better,
    "safer") of the two, as :func:`kg.reasoning.which_judged` tells it, without its
    head; [] when the question judges nothing or the graph does not judge the first as
    the question does."""
    judging = JUDGING.search(reading.framing)
    if judging is None or len(named) != 2:
        return []
    if _POLARITY.search(reading.framing.replace(judging.group(), " ")):
        return []
    x, y = named
    worse = judging.group("good") is None
    head = choice_head(x.label)
    trial = which_judged(graph, x, y, worse, Footnotes(graph), Told())
    if not trial or not trial[0].startswith(head):
        return []
    lines = which_judged(graph, x, y, worse, notes, told)
    return [lines[0][len(head) :].lstrip(), *lines[1:]]


def _which_judged(
    graph: KnowledgeGraph, q: str, reading: Reading, found: list[Found]
) -> Answer | None:
    """ "Which is more dangerous, deceptive alignment or corrigible alignment?", "which
    way of learning the base objective is the right one: corrigible or deceptive?": two
    options, the last two names, joined by "or", and a word that judges them; the failure
    of the two is the worse (:func:`kg.reasoning.which_judged`). None when the question
    asks no such thing or the graph does not set the two apart."""
    judging = JUDGING.search(reading.framing)
    if judging is None or not (_WHICH_OPENING.match(q) or _WHICH_AFTER.search(q)):
        return None
    if _POLARITY.search(reading.framing.replace(judging.group(), " ")):
        return None
    options = _or_options(reading, found)
    if options is None:
        return None
    concepts = [graph.concepts[f.id] for f in options]
    notes = Footnotes(graph)
    lines = which_judged(
        graph, concepts[0], concepts[1], judging.group("good") is None, notes, Told()
    )
    if not lines:
        return None
    return _answered(graph, q, "which", concepts, lines, notes)


def _which_by_words(
    graph: KnowledgeGraph, q: str, reading: Reading, found: list[Found]
) -> Answer | None:
    """ "Which is specified by the programmers, the base objective or the mesa-objective?":
    two options joined by "or" and a predicate in words rather than a concept. The
    option whose own text the predicate describes clearly better (:func:`kg.describe`
    on the question without the options' names) is the answer, with the passage that
    matched and then how the two relate; None when neither is clearly better, and the
    question is answered as a relation."""
    places = reading.occurrences or found
    if len(places) < 2 or _POLARITY.search(reading.framing):
        return None
    a, b = places[-2], places[-1]
    if not _WHICH_OPENING.match(q) and not _WHICH_AFTER.search(q[: a.start]):
        return None
    if _or_options(reading, found) is None:
        return None
    # how well the words fit each option, however weakly: the two are compared, not
    # searched for
    hits = {h.id: h for h in describe(graph, reading.framing, limit=2, among={a.id, b.id})}
    ha, hb = hits.get(a.id), hits.get(b.id)
    sa = ha.score if ha is not None else 0.0
    sb = hb.score if hb is not None else 0.0
    subject = None
    if ha is not None and hb is not None and ha.evidence == hb.evidence:
        # one passage about both: it says the words of the question of the one it names
        # just before them ("While *the base objective* is specified by the programmers,
        # mesa-objective is not.")
        subject = _subject_of(graph, ha.evidence, reading.framing, (a.id, b.id))
    if subject is None and abs(sa - sb) < WHICH_MARGIN:
        # neither found clearly better: a passage of the two options' own that holds the
        # question's words may still say them of one ("which one do the programmers
        # specify, ...?": "While the base objective is specified by the programmers,
        # mesa-objective is not.")
        # the passage is found by the question's words with the other names it holds
        # ("likelier *for an optimizer* after a *distributional shift*"), which are what
        # the options are compared on; what it says of which option, by the words proper
        asked = reading.framing
        for f in places:
            if f.id not in (a.id, b.id):
                asked = asked[: f.start] + q[f.start : f.end].lower() + asked[f.end :]
        shared = _shared_passage(graph, asked, a.id, b.id)
        subject = _subject_of(graph, shared[0], reading.framing, (a.id, b.id)) if shared else None
        if shared is None or subject is None:
            return None
        c = graph.concepts[subject]
        ha = hb = Described(c.id, c.label, c.kind, max(sa, sb), shared[0], shared[1])
    hit = (ha if subject == a.id else hb) if subject is not None else (ha if sa > sb else hb)
    assert hit is not None
    chosen = graph.concepts[hit.id]
    other = graph.concepts[b.id if hit.id == a.id else a.id]
    if subject is None and (
        hit.evidence in _own_text(graph, other) or _POLARITY.search(hit.evidence)
    ):
        # a passage about both ("a collection of heuristics rather than a mesa
        # optimizer"), or one that sets things against each other ("it doesn't just
        # implement heuristics; it plans"), cannot tell which one the words fit
        return None
    notes = Footnotes(graph)
    because = _matched(graph, chosen, hit, notes) or _definition(chosen, notes)
    lines = [f"{choice_head(noun(chosen))} {because}"]
    told = hit.field == "note" and any(
        r.note == hit.evidence for r in graph.relations_between(chosen.id, other.id)
    )
    between = [] if told else _relate(graph, [chosen, other], notes)
    if any(between):
        lines += ["", *between]
    concepts = [chosen, other]
    return _answered(graph, q, "which", concepts, lines, notes)


SHARED_WORDS = 2
"""Least number of a which-question's own words a passage of both options must hold to
decide between them (:func:`_shared_passage`)."""


def _shared_passage(
    graph: KnowledgeGraph, framing: str, a: str, b: str
) -> tuple[str, Literal["quote", "note"]] | None:
    """The quote or note that both ``a`` and ``b`` have (cited by both, or the note of a
    relation between them) holding the most of the question's own words, at least
    :data:`SHARED_WORDS` of them; None when there is none."""
    asked = content_stems(framing)
    pa, pb = _passages_of(graph, a), _passages_of(graph, b)
    # the sources' own words before a note about them, among equals
    scored = sorted(
        ((len(asked & content_stems(text)), text) for text in pa.keys() & pb.keys()),
        key=lambda t: (-t[0], pa[t[1]] != "quote", t[1]),
    )
    if not scored or scored[0][0] < SHARED_WORDS:
        return None
    return scored[0][1], pa[scored[0][1]]


def _names_in(graph: KnowledgeGraph, c: Concept | None, text: str) -> bool:
    """Whether ``text`` names concept ``c`` (:func:`kg.annotate.annotate`)."""
    return c is not None and any(a.id == c.id for a in annotate(graph, text))


REASON_SCORE = 0.75
"""Least :mod:`kg.describe` score at which a relation's note or quote that a yes/no
question about one concept matches is taken for the reason it asks about."""


PASSAGE_OVER_UNKNOWN = 0.65
"""Least :mod:`kg.describe` score at which a relation's note or quote that a yes/no
question matches answers it when the relations between what it names decide nothing
("The glossary does not say so")."""


PASSAGE_NEAR_UNKNOWN = 0.55
"""The same, for a passage about a concept the question names or one of their
neighbours."""
PASSAGE_SAYING_UNKNOWN = 0.5
"""The same, for such a passage that says the verdict in so many words ("does not mean",
"need not"), among the question's :data:`SAYING_REACH` closest."""
SAYING_REACH = 5
NEIGHBOUR_REASON_SCORE = 0.6
"""Least :mod:`kg.describe` score at which a yes/no question about one concept that
describes one of its neighbours is taken to ask about the relation between the two
(:func:`_reason_matched`)."""


OBJECT_MARGIN = 0.05
"""How much better (in :mod:`kg.describe`'s score) the words of a yes/no question must
fit one neighbour of the concept it names than any other for that neighbour to be what
it asks about (:func:`_object_described`)."""


def _object_described(
    graph: KnowledgeGraph, reading: Reading, named: Concept, focus: list[str]
) -> Concept | None:
    """The neighbour of ``named`` that a yes/no question naming only it describes, joined
    to it by a relation of a type the question asks about ("do animals *care* about
    copying their DNA?": animals and genetic fitness, by an objective), the question's
    other words fitting it clearly better than any other such neighbour; else None."""
    joined = {
        r.target if r.source == named.id else r.source
        for r in graph.relations_of(named.id)
        if r.type in focus
    } - {named.id}
    if not joined:
        return None
    neighbours = {
        r.target if r.source == named.id else r.source for r in graph.relations_of(named.id)
    } - {named.id}
    # one ranking of all its neighbours, best first
    fits = describe(graph, reading.framing, limit=len(neighbours), among=neighbours)
    hits = [h for h in fits if h.id in joined][:2]
    if not hits or (len(hits) > 1 and hits[0].score - hits[1].score < OBJECT_MARGIN):
        return None
    # and the best of all its neighbours: "does a system that does its job well have to
    # be an optimizer?" describes the bottle cap, not what an optimizer relies on
    if fits[0].id != hits[0].id:
        return None
    return graph.concepts[hits[0].id]


def _asked_outside_condition(q: str, found: list[Found], concepts: list[Concept]) -> list[Concept]:
    """The concepts a question names outside a trailing condition ("... if evolution
    optimised us for genetic fitness?"), or all of them where it has none; never none."""
    m = _CONDITION.search(q)
    if m is None:
        return concepts
    granted = {f.id for f in found if f.start >= m.end()}
    kept = [c for c in concepts if c.id not in granted]
    return kept or concepts


UNLIKE_SCORE = 0.55
"""Least :mod:`kg.describe` score at which what a yes/no question describes its subject
as (a concept of the subject's own, by its own text) decides the question
(:func:`_unlike_neighbour`)."""


def _unlike_neighbour(
    graph: KnowledgeGraph, q: str, x: Concept, y: Concept, notes: Footnotes
) -> list[str] | None:
    """Where nothing decides whether x is y, but the question describes x, by words of a
    concept z's own text (its definition or descriptions, closely: :data:`UNLIKE_SCORE`),
    as what x can rely on or be, and the graph sets z against y: Not necessarily, with
    both links and what else x can rely on (the first such z of the three closest). "Is a
    small maze network trained only briefly likely to be a mesa-optimizer?" describes
    heuristics, which such a network probably relies on and which the sources set
    against a mesa-optimizer. None otherwise."""
    for hit in describe(graph, q, limit=3):
        if hit.id in (x.id, y.id) or hit.score < UNLIKE_SCORE or hit.field not in _OWN_TEXT:
            continue
        has = [
            r
            for r in graph.relations_between(x.id, hit.id)
            if r.source == x.id and r.type in ("relies_on", "is_a") and not r.negated and r.note
        ]
        unlike = [
            r
            for r in graph.relations_between(hit.id, y.id)
            if r.type == "contrasts_with" and not r.negated
        ]
        if has and unlike:
            told = Told()
            lines = [verdict_line("not_necessarily", explained(graph, notes, has[0], True, told))]
            # what else x can rely on or be ("with more training or a bigger network ... a
            # search algorithm"): the other side of the question
            others = [r for r in _outgoing(graph, x.id, has[0].type, hit.id) if r.note]
            for r in others[:1]:
                lines += ["", explained(graph, notes, r, True, told)]
            return [
                *lines,
                "",
                explained(graph, notes, unlike[0], unlike[0].source == hit.id, told),
            ]
    return None


def _reason_matched(
    graph: KnowledgeGraph,
    q: str,
    named: Concept | None = None,
    floor: float = REASON_SCORE,
    near: Collection[str] | None = None,
    saying: bool = False,
    predicate: Concept | None = None,
) -> Answer | None:
    """A yes/no question that names one concept and asks about something the graph says
    in a relation's own words ("Does doing well on the base objective in every
    environment mean the model has adopted it as its own?": "The model understands the
    base objective, but that doesn't mean that it has adopted the base objective"): that
    relation, with its note and quotes, first, then what it is about; None when the best
    match is no relation's passage or is not close (:data:`REASON_SCORE`). No verdict is
    given: the relation says it in its own terms. With ``saying``, the first of the
    question's closest passages (:data:`SAYING_REACH`) that says its verdict in so many
    words (:func:`_passage_verdict`, which ``predicate`` is passed to) is the one matched."""
    hits = describe(graph, q, limit=SAYING_REACH if saying else 1)
    if saying:
        # the concept's passage that says the verdict, whichever of its passages matched
        hits = [
            replace(h, evidence=text, field=field)
            for h in hits
            for text, field in _passages_of(graph, h.id).items()
            # near what the question names, or naming it ("The model understands the
            # base objective, but that doesn't mean that it has adopted the base
            # objective", on adversarial training)
            if (near is None or h.id in near or _names_in(graph, named, text))
            and _passage_verdict(q, text, named, predicate) is not None
        ][:1]
    if not hits:
        return None
    hit = hits[0]
    if (
        near is not None
        and hit.id not in near
        and not (saying and _names_in(graph, named, hit.evidence))
    ):
        return None
    if hit.field in ("note", "quote") and hit.score >= floor:
        rels = [
            r
            for r in graph.relations_of(hit.id)
            # the passage, or a quote that holds it or that it holds (a definition may
            # cite a shorter or a longer part)
            if r.note == hit.evidence
            or any(hit.evidence in c.quote or c.quote in hit.evidence for c in r.citations)
        ]
    elif named is not None and hit.id != named.id and hit.score >= NEIGHBOUR_REASON_SCORE:
        # "are today's AI misalignments a huge problem?": the question's other words
        # describe a neighbour of the concept it names (capability: "why today's goal
        # mismatches are no huge problem"), so the relation between the two, the one
        # whose note shares most of the question's words, is what it asks about
        asked = content_stems(q)
        rels = sorted(
            (r for r in graph.relations_between(named.id, hit.id) if r.note and not r.negated),
            key=lambda r: -len(asked & content_stems(r.note or "")),
        )
    else:
        return None
    if not rels:
        return None
    if predicate is not None:
        # of the relations the passage backs, the one about what is asked of ("plants
        # are not a kind of *optimizer*", not "plants rely on heuristics")
        rels.sort(key=lambda r: predicate.id not in (r.source, r.target))
    rel = rels[0]
    notes = Footnotes(graph)
    first = graph.concepts[hit.id]
    told = Told()
    # the note, in the question's own words, is the answer; the link's name adds nothing
    lead = told.reason_first(explained(graph, notes, rel, rel.source == first.id, told))
    verdict = _passage_verdict(q, _note_and_quotes(rel), named, predicate)
    qualifying = (
        [c for c in rel.citations if _usually_so(q, c.quote)]
        if _ASKS_ALWAYS.search(q) and not _SAYS_USUALLY.search(rel.note or "")
        else []
    )
    if verdict is not None and qualifying:
        # the note does not say the "usually" its quote does: the quote, in its own
        # words, gives the verdict, and the note follows
        said = (
            f"In the sources' words: \u201c{qualifying[0].quote}\u201d{notes.mark(qualifying[:1])}"
        )
        lines = [verdict_line(verdict, said), "", lead, ""]
    else:
        lines = [verdict_line(verdict, lead) if verdict is not None else lead, ""]
    if verdict is None:
        # with no verdict, what the passage is about says where it stands; after one,
        # a glossary entry of whatever the passage was found on only pads it, and may
        # name a concept the question is not about ("This is about **base objective**"
        # after whether the mesa-objective is written by programmers)
        lines += [f"This is about **{first.label}**:", ""]
        lines += [
            line
            for line in _define(graph, first, notes, [])
            if rel.note is None or rel.note not in line  # told once
        ]
    while lines and not lines[-1]:
        lines.pop()
    other = graph.concepts[rel.target if rel.source == first.id else rel.source]
    intent: Intent = "describe" if verdict is None else "yes_no"
    return _answered(graph, q, intent, [first, other], lines, notes, verdict)


_ASKS_MAKES = re.compile(
    r"\b(?:make|makes|turn|turns|render|renders)\s+(?:a|an|the|it|them|something|a\s+system)"
    r"\b(?:\s+\w+)?\s+(?:a|an|into)\b",
    re.I,
)
"""How a yes/no question asks whether something suffices to make a thing one ("does doing
a task well *make a system an* optimizer?")."""
_ASKS_ADOPTED = re.compile(
    r"\b(?:adopted|adopts?|taken\s+(?:it\s+)?on|takes?\s+(?:it\s+)?on|internali[sz]ed)\b", re.I
)
_SAYS_NOT_ADOPTED = re.compile(
    r"\bnot\s+the\s+same\s+as\s+taking\s+it\s+on\b"
    r"|\b(?:does\s+not|doesn[\u2019']t|not)\s+(?:show|mean)\s+(?:that\s+)?(?:the\s+model\s+|it\s+)?"
    r"(?:has\s+)?(?:adopted|taken\s+it\s+on)\b"
    r"|\bwithout\s+having\s+adopted\b",
    re.I,
)
"""How a question asks whether a model has made an objective its own, and how a passage
says that doing well on it does not show so ("not the same as taking it on")."""
_ASKS_MEANS = re.compile(r"\b(?:mean|means|imply|implies)\b", re.I)
_ASKS_NEEDS = re.compile(r"\b(?:ha(?:ve|s)\s+to|needs?\s+to|must|required?)\b", re.I)
_SAYS_NOT_MEANT = re.compile(
    r"\b(?:does\s+not|doesn[\u2019']t|do\s+not|don[\u2019']t)\s+(?:necessarily\s+)?mean\b", re.I
)
_SAYS_NOT_NEEDED = re.compile(
    r"\bneed\s+not\b|\bneedn[\u2019']t\b|\bnot\s+necessarily\b|\bnot\s+essential\b"
    r"|\b(?:does\s+not|doesn[\u2019']t)\s+(?:need|have)\s+to\b",
    re.I,
)


_ASKS_ALWAYS = re.compile(r"\b(?:always|invariably|every\s+time)\b", re.I)
_SAYS_USUALLY = re.compile(
    r"\b(?:usually|typically|generally|mostly|normally|in\s+most\s+cases)\b", re.I
)


_ASKS_MATTERS = re.compile(r"\b(?:matters?|mattered|count|counts|important)\b", re.I)
_SAYS_IRRELEVANT = re.compile(
    r"\b(?:(?:do|does|did)\s+not|don[\u2019']t|doesn[\u2019']t|didn[\u2019']t)\s+matter\b"
    r"|\b(?:mere|just\s+for|only\s+for)\s+decoration\b|\bearn\s+nothing\b",
    re.I,
)
"""How a passage says something is beside the point ("the apples are mere decoration and
earn nothing", "I know they don't matter")."""


_ASKS_KEEPS = re.compile(r"\b(?:keeps?|keeping|continues?|continuing|go(?:es)?\s+on)\b", re.I)
_SAYS_STOPS = re.compile(
    r"\b(?:drops?|dropping|stops?|abandons?|defects?|turns?\s+on\s+us|gives?\s+up)\b", re.I
)
"""How a passage says something ends ("then drops the pretence once deployed")."""


def _usually_so(q: str, passage: str) -> bool:
    """Whether ``passage`` says "usually" of what the question asks holds always: the
    words around it (:data:`USUALLY_REACH` characters either side) share one of the
    question's ("some base objective (usually specified by *programmers*)"), unlike a
    "usually" about something else ("that's usually a good enough abstraction")."""
    asked = content_stems(_ASKS_ALWAYS.sub(" ", q))
    return any(
        asked
        & content_stems(passage[max(0, m.start() - USUALLY_REACH) : m.end() + USUALLY_REACH])
        - content_stems(m.group())
        for m in _SAYS_USUALLY.finditer(passage)
    )


USUALLY_REACH = 30
"""How far, in characters, from a "usually" the words it qualifies are looked for."""


def _note_and_quotes(rel: Relation) -> str:
    """A relation's note and the quotes that back it, as one text to match words in."""
    return " ".join([rel.note or "", *(c.quote for c in rel.citations)])


def _passages_of(graph: KnowledgeGraph, cid: str) -> dict[str, Literal["note", "quote"]]:
    """The passages about ``cid``, each once: the quotes its definition cites, then the
    notes and quotes of its relations, in the graph's order."""
    found: dict[str, Literal["note", "quote"]] = {
        x.quote: "quote" for x in graph.concepts[cid].citations
    }
    for r in graph.relations_of(cid):
        if r.note:
            found.setdefault(r.note, "note")
        for x in r.citations:
            found.setdefault(x.quote, "quote")
    return found


def _names_pattern(c: Concept) -> str:
    """A regex alternation of a concept's label and aliases, longest first, so that the
    longest name it is called by matches."""
    return "|".join(re.escape(n) for n in sorted({c.label, *c.aliases}, key=len, reverse=True))


_SENTENCE_START = re.compile(r"[.!?]\s+(?=[A-Z])")
"""Where a sentence of a passage ends and the next begins (not inside "e.g. plants")."""


def _passage_verdict(
    q: str, passage: str, named: Concept | None = None, predicate: Concept | None = None
) -> Verdict | None:
    """The verdict a passage that answers a yes/no question says in so many words: asked
    whether one thing *means* another, "... doesn't mean that it has adopted the base
    objective" says No; asked whether something *has to* be so, "the mesa-objective need
    not be a copy of the base objective" says Not necessarily; asked, without a negation,
    something of the one concept the question names (``named``), a passage that denies
    something of it by name says No ("Do the programmers get to write down the
    mesa-objective?": "While the base objective is specified by the programmers,
    *mesa-objective is not*."); asked whether what it describes is a ``predicate``, a
    passage that says the same words "are not" one ("Most of the selected organisms
    (e.g. plants) *are not optimizers*") says No. None when it says neither."""
    if _ASKS_MEANS.search(q) and _SAYS_NOT_MEANT.search(passage):
        return "no"
    if _ASKS_ALWAYS.search(q) and _usually_so(q, passage):
        return "not_necessarily"
    if _ASKS_MATTERS.search(q) and not _NEGATED.search(q) and _SAYS_IRRELEVANT.search(passage):
        return "no"
    if _ASKS_KEEPS.search(q) and not _NEGATED.search(q) and _SAYS_STOPS.search(passage):
        # "once it's deployed, does a deceptively aligned model *keep going for* the base
        # objective?": "... then *drops the pretence* once deployed"
        return "no"
    if _ASKS_NEEDS.search(q) and _SAYS_NOT_NEEDED.search(passage):
        return "not_necessarily"
    if _ASKS_ADOPTED.search(q) and not _NEGATED.search(q) and _SAYS_NOT_ADOPTED.search(passage):
        # "... has the model *adopted* the base objective?": "knowing the base objective
        # is *not the same as taking it on*"
        return "not_necessarily"
    if named is not None and not _NEGATED.search(q):
        names = _names_pattern(named)
        denied = rf"\b(?:{names})\s+(?:is|are|was|were|does|do|can)(?:\s+not\b|n[\u2019']t\b)"
        if re.search(denied, passage, re.I):
            return "no"
    if predicate is not None and not _NEGATED.search(q):
        names = _names_pattern(predicate)
        denied = rf"\b(?:is|are|was|were)\s+not\s+(?:an?\s+)?(?:{names})s?\b"
        said = [m.start() for m in re.finditer(denied, passage, re.I)]
        if said:
            # "*most* of the selected organisms are not optimizers": to "are *the*
            # organisms ... optimizers?", not necessarily; to "are *most* ...?", no
            most = re.compile(r"\bmost(?:ly)?\b", re.I)
            starts = [m.end() for m in _SENTENCE_START.finditer(passage)]
            some = any(
                most.search(passage[max((j for j in starts if j <= i), default=0) : i])
                for i in said
            )
            return "not_necessarily" if some and not most.search(q) else "no"
    return None


LEAD_SHARE = 0.6
"""Least share of the question's own words (weighted by how telling each is in the
graph's text) that a relation's note and quotes must hold to lead a why/how/what-happens
answer (:func:`_passage_lead`)."""
LEAD_WORDS = 3
"""Least number of the question's own words such a passage must hold."""
LEAD_MARGIN = 0.1
"""By how much the leading passage must hold more of the question than any other."""


def _asking_weights(graph: KnowledgeGraph, framing: str) -> dict[str, float]:
    """The stems of a question's own words (not naming a concept, not asking), each
    weighted by how telling it is in the graph's text."""
    index = index_for(graph)
    weights: dict[str, float] = {}
    asking = _WHAT_HAPPENS.sub(" ", _EXPLAINS.sub(" ", framing))
    # "the apple-*loving* mesa-optimizer": a participle before a blanked name says which
    # one is meant, as "apple" does, but in the asker's words
    asking = _BEFORE_A_NAME.sub(
        lambda m: m.group(1) + " " * (len(m.group()) - 1 - len(m.group(1))), asking
    )
    for m in _WORDS.finditer(asking):
        low = m.group().lower()
        if low in FUNCTION_WORDS or low in INTENT_WORDS or len(low) < 3 or low in _TOLD_BY:
            continue  # nor what is left of a blanked name's "'s"
        low = POSSESSIVE.sub("", low)  # "the model's goal" speaks of the model
        weights.setdefault(stem(fold_word(low)), index.weight(low))
    return weights


_BEFORE_A_NAME = re.compile(r"\b([^\W\d_]+)-[^\W\d_]+(?:ing|ed)(?=\s{3,})")
"""A hyphenated participle right before a concept's name, which a framing blanks."""


QUOTED_WORDS = 3
"""Least number of words a question's quotation must have to be found nearly in the
sources (:func:`_quoted_lead`); two words ("much worse") only count when found exactly."""
QUOTED_AFTER = 400
"""How many characters past the words a question quotes a passage of the graph may begin
and still be what tells why the source said them (the reason follows: "... is only an
abstraction. ... You're not really selecting models that want to do X")."""


def _citing(graph: KnowledgeGraph) -> dict[str, list[tuple[int, int, Relation | Concept]]]:
    """Per source, the graph's cited passages in order, each with the relation or the
    concept (by its definition) that cites it."""
    found = _CITING.get(graph)
    if found is None:
        found = {}
        owners: list[Relation | Concept] = [*graph.concepts.values(), *graph.relations]
        for owner in owners:
            for c in owner.citations:
                found.setdefault(c.source, []).append((c.start, c.end, owner))
        for spans in found.values():
            spans.sort(key=lambda t: (t[0], t[1]))
        _CITING[graph] = found
    return found


_CITING: WeakKeyDictionary[KnowledgeGraph, dict[str, list[tuple[int, int, Relation | Concept]]]]
_CITING = WeakKeyDictionary()


QUOTED_AROUND = 300
"""How many characters before a short quotation said in several places are read to tell
which place a question means (:func:`_quoted_lead`)."""


def _said_at(graph: KnowledgeGraph, text: str) -> list[tuple[str, int, int]]:
    """Every place a source says a short quotation exactly, as (source, start, end):
    "very concerning" is one line of the video; "much worse" is said twice."""
    words = re.escape(" ".join(text.lower().split())).replace(r"\ ", r"\s+")
    return [
        (sid, m.start(), m.end())
        for sid, src in graph.sources.items()
        if src.has_text
        for m in re.finditer(rf"(?<!\w){words}(?!\w)", graph.source_text(sid).lower())
    ]


_TOLD_BY = frozenset("rob robert miles video notes faq paper article post blog".split())
"""Words for who told the sources, or where ("in Rob Miles' toy example"): not what a
question asks about."""
_QUOTE_FRAMING = frozenset(
    stem(w)
    for w in """say says said saying call calls called calling mention mentions mentioned
    describe describes described put puts someone somebody""".split()
) | frozenset(map(stem, _TOLD_BY))
"""Words that report who said what a question quotes ("why does *Rob call* it ...", "in
the *video* someone *says*"): not what it asks about (:func:`_quoted_lead`)."""


def _quoted_lead(
    graph: KnowledgeGraph, q: str, framing: str, short: bool = True
) -> list[Relation | Concept]:
    """What tells why (or how) the sources say the words a question quotes from them:
    "why does Rob say real machine learning systems 'don't actually work this way'?" is
    told by the relation whose passage holds those words, "in the maze example why would
    the network learn a rule like 'go down and to the right'?" by the definition of
    heuristics, which cites them with their reason. The quotation is found in a source as
    :func:`kg.verify.verify` finds one (exactly or nearly); of the relations and
    definitions citing that place or the passage just after it (:data:`QUOTED_AFTER`),
    the one whose note (or definition) and quotes hold most of the question's own words
    leads, nearer first among equals; a relation whose passage goes straight on from the
    leader's follows it (the source's reason may take two sentences). The words the
    question says itself weigh, not those it quotes: every candidate holds those ("...
    is 'much worse'. Why is it worse?" asks about the passage that holds "worse"). A
    quotation of two words counts only when a source has it exactly, once, and with
    ``short`` (a question naming two concepts or more is better told by how they relate
    than by a two-word line). Nothing when the question quotes no source."""
    try:
        checked = verify(graph, q, min_words=2, max_quotes=4)
    except TooManyQuotations:
        return []
    # each quotation at each place a source holds it: a two-word one at every place it
    # is said exactly ("much worse", said twice), for the question's own words to choose
    places: list[tuple[str, int, int]] = []
    for quote in checked.quotes:
        if quote.match is None or quote.status == "not_found":
            continue
        if len(quote.text.split()) >= QUOTED_WORDS:
            places.append((quote.match.source, quote.match.start, quote.match.end))
        elif short and quote.status == "exact":
            places += _said_at(graph, quote.text)
    several = len(places) > 1
    unquoted = framing
    for quote in checked.quotes:
        unquoted = unquoted[: quote.start] + " " * (quote.end - quote.start) + unquoted[quote.end :]
    weights = {
        w: weight
        for w, weight in (
            _asking_weights(graph, unquoted) or _asking_weights(graph, framing)
        ).items()
        if w not in _QUOTE_FRAMING
    }
    total = sum(weights.values()) or 1.0
    if several:
        # said in several places ("much worse"): the place whose surroundings hold the
        # question's own words is meant (the critic's "... give an objective to an
        # optimizer that optimizes a model ...", just before it), if one does most
        def echoed(place: tuple[str, int, int]) -> float:
            sid, start, end = place
            around = graph.source_text(sid)[max(0, start - QUOTED_AROUND) : end]
            return sum(weights[w] for w in weights.keys() & content_stems(around))

        ranked = sorted(places, key=echoed, reverse=True)
        if echoed(ranked[0]) <= echoed(ranked[1]):
            return []
        places = ranked[:1]
    best: tuple[float, int, Relation | Concept, str, int] | None = None
    for source_id, start, end in places:
        cited = _citing(graph).get(source_id, [])
        for cs, ce, owner in cited:
            if ce <= start or cs >= end + QUOTED_AFTER:
                continue
            if isinstance(owner, Relation):
                if owner.negated:
                    continue
                text = owner.note or ""
            else:
                text = owner.definition
            text = " ".join([text, *(c.quote for c in owner.citations)])
            share = sum(weights[w] for w in weights.keys() & content_stems(text)) / total
            away = max(0, cs - end)
            if best is None or (share, -away) > (best[0], -best[1]):
                best = (share, away, owner, source_id, ce)
    if best is None:
        return []
    _share, _away, owner, source, ce = best
    going_on = [
        o
        for s, _e, o in _citing(graph).get(source, [])
        if ce <= s <= ce + 2 and isinstance(o, Relation) and o is not owner and not o.negated
    ]
    return [owner, *going_on[:1]]


def _said_lines(
    graph: KnowledgeGraph, said: list[Relation | Concept], notes: Footnotes, told: Told
) -> tuple[list[str], list[Concept]]:
    """The passages :func:`_quoted_lead` found, each as a paragraph (a relation by its
    note, a concept by its definition), and the concepts they are about."""
    lines: list[str] = []
    for s in said:
        lines += [
            explained(graph, notes, s, told=told)
            if isinstance(s, Relation)
            else f"**{capitalize(s.label)}**: {_definition(s, notes)}",
            "",
        ]
    about = dict.fromkeys(
        graph.concepts[cid]
        for s in said
        for cid in ((s.source, s.target) if isinstance(s, Relation) else (s.id,))
    )
    return lines[:-1], list(about)


NEGATIVE_REASON_WORDS = 2
"""Least number of a negative why-question's words that a limit of the thing it names
must share to be its reason before any passage of a story."""


def _passage_lead(
    graph: KnowledgeGraph, framing: str, concepts: list[Concept], types: Collection[str] | None
) -> Relation | None:
    """The relation a why/how/what-happens question asks about in the words of its
    passage: "why does going to the exit in training win the green-seeker more apples?"
    is told by the note "By going to the exit in both training episodes the green-seeker
    avoids ...", though the question names only the maze example. The candidates are the
    relations of the concepts the question names and of the examples next to them; the
    one whose note and quotes hold most of the question's own words (those not naming a
    concept, weighted by how telling each is in the graph's text), its most telling word
    among them, clearly more than any other passage, leads; None when no passage stands
    out (:data:`LEAD_SHARE`, :data:`LEAD_WORDS`, :data:`LEAD_MARGIN`). With ``types``,
    only relations of those types are candidates."""
    weights = _asking_weights(graph, framing)
    total = sum(weights.values())
    if len(weights) < LEAD_WORDS or total <= 0:
        return None
    named = {c.id for c in concepts}
    near = set(named)
    for cid in named:
        for r in graph.relations_of(cid):
            other = r.target if r.source == cid else r.source
            if graph.concepts[other].kind == "example":
                near.add(other)
    candidates = [
        (r, _note_and_quotes(r))
        for cid in sorted(near)
        for r in graph.relations_of(cid)
        if not r.negated and (types is None or r.type in types)
    ]
    telling = max(weights, key=lambda w: weights[w])
    scored: dict[str, tuple[float, int, Relation, bool]] = {}
    for r, text in candidates:
        # a passage stated on several relations counts once, for one that touches what
        # the question names
        touches = bool({r.source, r.target} & named)
        prior = scored.get(text)
        if prior is None or (touches and not prior[3]):
            held = weights.keys() & content_stems(text)
            # a passage without the question's most telling word is not about it
            share = sum(weights[w] for w in held) / total if telling in held else 0.0
            scored[text] = (share, len(held), r, touches)
    ranked = sorted(scored.values(), key=lambda t: -t[0])
    if not ranked:
        return None
    share, held_count, best, touches = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if share < LEAD_SHARE or held_count < LEAD_WORDS or share - second < LEAD_MARGIN:
        return None
    if not touches and any(c.kind != "example" for c in concepts):
        # "why can't gradient descent tell a green-seeking model from an exit-seeking
        # one?": a neighbouring example's passage is the answer only to a question that
        # names nothing but examples; one that names gradient descent asks about it
        return None
    return best


_MAKER_OF = re.compile(
    r"(?:\b(?:process|thing|one|what)\s+(?:that|which)\s+"
    r"(?:made|makes|created|creates|produced|produces|designed|built)"
    r"|\b(?:making|creating|designing|building)"
    r"|\bthe\s+(?:making|creation|design|production)\s+of)"
    r"\s+(?:(?:the|a|an)\s+)?$",
    re.I,
)
"""Words before a concept by which a question asks about what produced it ("was *the
process that made* the bottle cap an optimizer?")."""
_RELATIVE_TAIL = re.compile(
    r"\b(?:that|which|who|whom|(?:selected|produced|made|created|trained|built)\s+by)\s*$", re.I
)


def _described_subject(before: str) -> bool:
    """Whether a yes/no question's subject is a thing it describes by a relative clause
    around its first concept, not that concept: what comes before the concept (``before``)
    is the question word, then words of content, then "that", "which" or "who" ("are most
    *organisms that* evolution selects optimizers?")."""
    lead = _YES_NO.match(before)
    if lead is None or not _RELATIVE_TAIL.search(before):
        return False
    return bool(content_stems(_RELATIVE_TAIL.sub("", before[lead.end() :])))


def _either(
    graph: KnowledgeGraph,
    subjects: list[Concept],
    a: Concept,
    b: Concept,
    notes: Footnotes,
    told: Told,
) -> tuple[list[str], Concept] | None:
    """An undecided choice between ``a`` and ``b`` that the graph shows to be open, with
    the subject it is open for: a
    subject that is an example of what both options require (the Wikipedia-ethics story
    shows a model learning the base objective, which corrigible and deceptive alignment
    both rest on), or two options that are both ways a subject can turn out (alignment
    modes defined of a mesa-optimizer). None when neither holds."""
    head = f"**Either: the sources leave it open between {noun(a, 'bare')} and {noun(b, 'bare')}.**"
    for subject in subjects:
        ups: dict[str, list[Relation]] = {subject.id: []} | _up_from(graph, subject.id)
        b_needs = _outgoing(graph, b.id, "requires")
        for need in _outgoing(graph, a.id, "requires"):
            if need.target in ups and any(r.target == need.target for r in b_needs):
                both = [need, *(r for r in b_needs if r.target == need.target)]
                up = ups[need.target]
                lines = [f"{head} {explained(graph, notes, up[0], True, told)}" if up else head, ""]
                lines += [f"- {explained(graph, notes, r, True, told)}" for r in both]
                return lines, subject
    for subject in subjects:
        modes = [c for c in (a, b) if c.kind == "alignment_mode" and defined_of(graph, c, subject)]
        if len(modes) == 2:
            lines = [
                f"{head} Both are ways {noun(subject, 'indefinite')} can turn out:",
                "",
            ]
            lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in modes]
            return lines, subject
    return None


def _up_from(graph: KnowledgeGraph, cid: str) -> dict[str, list[Relation]]:
    """What ``cid`` is an example or a kind of, one step up, with the relation."""
    return {
        r.target: [r]
        for r in graph.relations_of(cid)
        if r.source == cid and r.type in UPWARD and not r.negated and r.modality is None
    }


_EASY = re.compile(r"\b(?:easy|easily|simple|simply|straightforward|trivial)\b", re.I)
_HARD = re.compile(r"\b(?:hard|difficult|complicated|complex)\b", re.I)


def _said_hard(graph: KnowledgeGraph, q: str, named: Concept) -> Answer | None:
    """ "Is the human objective easy to write down as code?": No, where the definition of
    the named concept, or of the neighbour the question describes best (human values, an
    example of the intended goal), calls it hard, complicated or difficult. None when
    the question asks nothing of ease or no such definition fits it."""
    if not _EASY.search(q) or _NEGATED.search(q):
        return None
    near = {named.id, *graph.neighbors(named.id)[0]}
    fitting = [h.id for h in describe(graph, q, limit=DESCRIBED) if h.id in near]
    for cid in dict.fromkeys([*fitting, named.id]):
        c = graph.concepts[cid]
        if _HARD.search(c.definition):
            notes = Footnotes(graph)
            line = _is_defined(c, notes)
            if c.id != named.id:
                line += "\n\n" + explained(graph, notes, _link(graph, c, named), True)
            about = list(dict.fromkeys([named, c]))
            return _answered(graph, q, "yes_no", about, [verdict_line("no", line)], notes, "no")
    return None


def _is_defined(c: Concept, notes: Footnotes) -> str:
    """ "X is <its definition>", cited: the sentence a verdict read off a definition gives."""
    return f"{capitalize(noun(c))} {'are' if c.plural else 'is'} {lowered(defined(c, notes))}"


def _link(graph: KnowledgeGraph, c: Concept, other: Concept) -> Relation:
    """The first relation between two neighbours, from ``c``'s side."""
    between = graph.relations_between(c.id, other.id)
    return next((r for r in between if r.source == c.id), between[0])


_OR_ONLY = re.compile(r",?\s+or\s+(?:only|just|merely|simply)\b", re.I)
"""How a yes/no question sets what it asks against what it grants ("..., or only
heuristic-followers like plants?")."""


_WHOSE = r"who|which\s+(?:paper|work|article|authors?)"
_ASKS_ORIGIN = re.compile(rf"^\W*(?:{_WHOSE}|when|where)\b", re.I)
"""A question for where a term comes from ("*who* introduced ...", "*which paper* ...")."""
_ASKS_WHOSE = re.compile(rf"^\W*(?:{_WHOSE})\b", re.I)
"""The same by who or which work, not when or where ("*when* repeated SGD tweaks ..."
describes)."""
_SETTING_FIRST = re.compile(
    r"^\W*(?:in|within|for)\s+(?:the|this|that|rob(?:\s+miles)?[\u2019']?s?)\s+"
    r"(?:[\w'\u2019-]+\s+){0,4}(?:analogy|example|story|case|picture|scenario|comparison)"
    r"\s*[,:]",
    re.I,
)
"""An opening phrase that names the setting of a question ("In the evolution analogy,
...")."""


def _outgoing(
    graph: KnowledgeGraph, cid: str, rtype: str, besides: str | None = None
) -> list[Relation]:
    """The relations of type ``rtype`` from ``cid`` (not denied), to other ends than
    ``besides``: what it requires, or what else it can rely on, be, or do of that kind."""
    return [
        r
        for r in graph.relations_of(cid)
        if r.source == cid and r.type == rtype and r.target != besides and not r.negated
    ]


def _instead(
    graph: KnowledgeGraph, q: str, found: list[Found], concepts: list[Concept]
) -> Answer | None:
    """The answer to a question that asks what something does *instead of* a thing it
    names ("what kind of rules might a small maze network learn *instead of planning*?"):
    the other ends of the same relation from the subject (the network can rely on a
    search algorithm, or on heuristics), told first, then the one it is set against.
    None when the question sets nothing it names against another, or the graph holds no
    such alternative."""
    m = re.search(rf"\b(?:{_ASIDE_WORDS})\b", q, re.I)
    # the concept right after the words (two words between at most: "instead of *a*
    # search algorithm"), not one further on ("besides us ... more adaptable than plants")
    after = [
        f
        for f in found
        if m is not None and f.start >= m.end() and len(q[m.end() : f.start].split()) <= 2
    ]
    if not after:
        return None
    against = graph.concepts[after[0].id]
    subject = next((c for c in concepts if c.id != against.id), None)
    if subject is None:
        return None
    links = [
        r
        for r in graph.relations_between(subject.id, against.id)
        if r.source == subject.id and not r.negated
    ]
    if not links:
        return None
    alternatives = _outgoing(graph, subject.id, links[0].type, against.id)
    if not alternatives or len(alternatives) > MAX_CONCEPTS:
        return None
    notes = Footnotes(graph)
    told = Told()
    head = " or ".join(graph.concepts[r.target].label for r in alternatives)
    lines = [f"**{capitalize(head)}.** {explained(graph, notes, alternatives[0], True, told)}"]
    lines += [f"- {explained(graph, notes, r, True, told)}" for r in alternatives[1:]]
    lines += ["", f"The other option, {noun(against)}:", ""]
    lines += [f"- {explained(graph, notes, r, True, told)}" for r in links]
    chosen = [graph.concepts[r.target] for r in alternatives]
    return _answered(graph, q, "which", [*chosen, subject, against], lines, notes)


_DENIAL = re.compile(r"\b(?:rather\s+than|instead\s+of|not|never|nor)\b[^.;:]*", re.I)
"""A clause that denies what follows it ("... a simple one *rather than a general-purpose
optimizer acting in the world*")."""
_ARTICLE = re.compile(r"^\W*(?:an?|the|any|some)\s+", re.I)


def _qualifier_denied(q: str, found: list[Found], y: Concept, line: str) -> tuple[str, Verdict]:
    """A Yes to "is x a y?" turned to No where the question qualifies y ("a
    *general-purpose real-world* optimizer") and the reason that decided it denies that
    qualifier ("SGD is ... a simple one rather than a general-purpose optimizer acting in
    the world"): x is a y, but not such a y. Else the line and Yes unchanged."""
    at = next((f for f in found if f.id == y.id), None)
    if at is None:
        return line, "yes"
    before = q[: at.start]
    ends = [f.end for f in found if f.end <= at.start]
    # "a capable, general-purpose optimizer": the qualifiers, commas and all
    words = " ".join(_ARTICLE.sub("", before[max(ends, default=0) :]).replace(",", " ").split())
    if not words or re.search(r"[^\w\s'-]", words):
        return line, "yes"
    qualifier = content_stems(words) - content_stems(y.label)
    if not qualifier:
        return line, "yes"
    parts = _VERDICT_SAID.match(line)
    if parts is None:
        return line, "yes"
    reason = parts.group("rest")
    denied = frozenset().union(*(content_stems(m.group()) for m in _DENIAL.finditer(reason)))
    if len(qualifier & denied) * 2 < len(qualifier):
        return line, "yes"
    article = "an" if words[:1].lower() in "aeiou" else "a"
    said = f"{parts.group('said')}, but not {article} {words} one.{parts.group('marks')}"
    return verdict_line("no", said + reason), "no"


def _worded_options(q: str, found: list[Found], y: Concept) -> tuple[str, str] | None:
    """The two options a yes/no question closes with, when one names ``y`` and the other
    is words the glossary has no name for ("... over actions in the world *or* over
    network weights?"): (the option naming y, the other), each in the question's words;
    None when the question offers no such pair."""
    at = next((f for f in found if f.id == y.id), None)
    tail = re.search(r"\s+or\s+(?P<b>[^,;:?]+?)\s*\?*\s*$", q)
    if at is None or tail is None:
        return None
    b = tail.group("b").strip()
    first = b.split()[0].lower()
    # the first option starts as the second does ("over ... or over ..."), after the
    # question's own verb
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(first)}\b", q[: tail.start()], re.I)]
    if not starts or first in ("the", "a", "an"):
        return None
    a = q[starts[-1] : tail.start()].strip()
    in_b = at.start >= tail.start("b")
    in_a = starts[-1] <= at.start < tail.start()
    others = [f for f in found if f.id != y.id and f.start >= starts[-1]]
    if in_a == in_b or others or len(a.split()) > 6:
        return None
    return (b, a) if in_b else (a, b)


_SAFE_FROM = re.compile(
    r"\b(?:safe|protected|shielded|immune|free|secure)\s+(?:from|against|to)\b", re.I
)
"""A yes/no question's predicate that asks whether something cannot happen ("are we
*safe from* misalignment?")."""

_VERDICT_WORD = re.compile(r"^\*\*(?:Yes|No)\.\*\*")
"""A verdict line's plain yes or no."""


_VERDICT_HEAD = re.compile(r"^\*\*(No|Not necessarily)\.\*\*")
"""The head of a verdict line that denies."""

_VERDICT_SAID = re.compile(
    r"^\*\*[^*]+\*\*\s*(?P<said>[^.]+)\.(?P<marks>(?:\[\^\d+\])*)(?P<rest>.*)$", re.S
)
"""A verdict line: the verdict, its first sentence and that sentence's marks, the rest."""


WAYS_SCORE = 0.6
"""Least :mod:`kg.describe` score at which a case (an alignment or failure mode) that a
how-question describes around the two concepts it names answers it (:func:`_described_ways`)."""

WAYS_MARGIN = 0.05
"""How far behind the best such case a second may fit and be told too."""

_WAYS_KINDS = frozenset({"alignment_mode", "failure_mode"})
"""The kinds of concept that are a case of how a trained model turns out: what a
how-question about what a model can do despite something asks for."""


def _described_ways(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> list[Concept]:
    """The cases a how-question describes when no relation joins the two concepts it
    names: the alignment or failure modes :func:`kg.describe.describe` ranks closely
    (:data:`WAYS_SCORE`, :data:`WAYS_MARGIN`) whose definitions name one of them. "How can
    a mesa-optimizer score well in training without caring about the base objective?"
    describes pseudo-alignment and its kind, deceptive alignment; [] when the question
    names more or fewer than two, the graph relates them, or nothing fits well."""
    if len(concepts) != 2 or graph.relations_between(concepts[0].id, concepts[1].id):
        return []
    named = {c.id for c in concepts}
    ways: list[tuple[float, Concept]] = []
    for hit in describe(graph, q, limit=DESCRIBED + 2):
        c = graph.concepts[hit.id]
        if hit.id in named or c.kind not in _WAYS_KINDS:
            continue
        if ways and hit.score < ways[0][0] - WAYS_MARGIN:
            break
        if hit.score >= WAYS_SCORE and {a.id for a in annotate(graph, c.definition)} & named:
            ways.append((hit.score, c))
    return [c for _, c in ways[:2]]


def _ways_lines(
    graph: KnowledgeGraph, ways: list[Concept], notes: Footnotes, told: Told
) -> list[str]:
    """The cases :func:`_described_ways` found, each with what it is; a second that is a
    kind of the first is told as such; then an example of the first, with its story."""
    first = ways[0]
    what = lowered(_definition(first, notes))
    lines = [f"The sources call this {noun(first, 'bare')}: {what}", ""]
    for other in ways[1:]:
        if is_kind_of(graph, other.id, first.id):
            lead = f"One kind of it is {noun(other, 'bare')}"
        else:
            lead = f"Or it is {noun(other, 'bare')}"
        lines += [f"{lead}: {lowered(_definition(other, notes))}", ""]
    example = an_example(graph, first, told)
    if example is not None:
        lines += [explained(graph, notes, example, True, told), ""]
    return lines


_CONCEDED = re.compile(r"\b(?:still|even|anyway|nevertheless|despite)\b", re.I)
"""Words by which a why-question grants something that should have prevented what it
asks about ("if the base objective is perfect, why can the model *still* be
misaligned?")."""


def _no_reason(q: str, lines: list[str]) -> bool:
    """Whether a why-answer's lines give no reason for what ``q`` asks: nothing, or only
    what the thing is a kind of, or its definition (the fallbacks of
    :func:`kg.reasoning.why`); or, to a question that grants something
    (:data:`_CONCEDED`), only the general causes of the thing, which say nothing of why
    what is granted does not prevent it."""
    first = next((line for line in lines if line), "")
    if not first or first == "What it is an instance of:" or first.startswith("**"):
        return True
    return first in ("The reasons:", "What brings it about:") and bool(_CONCEDED.search(q))


def _reasons_unworded(lines: list[str], asked: frozenset[str]) -> bool:
    """Whether a why-answer's numbered reasons hold none of the question's own words
    (``asked``: the stems of its words but the names, at least
    :data:`NEIGHBOUR_ENTRY_WORDS` of them): "why would a misaligned mesa-optimizer
    *pretend* to pursue the base objective *during training*?" is not answered by what
    makes misalignment worse, and a note the whole question describes closely may be."""
    reasons = " ".join(line for line in lines if _NUMBERED.match(line))
    return (
        bool(reasons) and len(asked) >= NEIGHBOUR_ENTRY_WORDS and not asked & content_stems(reasons)
    )


_NUMBERED = re.compile(r"\d+\.\s")
"""A numbered reason of :func:`kg.reasoning.why`'s list (its examples follow unnumbered)."""


WHY_NOTE_SCORE = 0.64
"""Least :mod:`kg.describe` score at which the note a why-question describes as a whole
leads its answer (:func:`_note_described`)."""


def _note_described(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> Relation | None:
    """The relation whose note a why-question describes best, when that is what
    :func:`kg.describe.describe` ranks first, closely (:data:`WHY_NOTE_SCORE`), and the
    relation touches a concept the question names or a neighbour of one; else None."""
    hits = describe(graph, q, limit=1)
    if not hits or hits[0].field != "note" or hits[0].score < WHY_NOTE_SCORE:
        return None
    named = {c.id for c in concepts}
    near = set(named)
    for cid in named:
        near |= set(graph.neighbors(cid)[0])
    for rel in graph.relations_of(hits[0].id):
        if rel.note == hits[0].evidence and not rel.negated and {rel.source, rel.target} & near:
            return rel
    return None


NEIGHBOUR_ENTRY_SCORE = 0.45
"""Least :mod:`kg.describe` score at which a neighbour of the one concept a why-question
names, described by the rest of the question, gives the reason (:func:`_neighbour_described`)."""

NEIGHBOUR_ENTRY_MARGIN = 0.05
"""How far that neighbour must rank above the next concept described."""

NEIGHBOUR_ENTRY_WORDS = 3
"""How many words of its own (not the names) such a question must have: "why is outer
alignment difficult?" describes nothing beside what it names."""


def _neighbour_described(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> Relation | None:
    """Where a why-question names one concept and the graph has no reason for what it
    asks of it, the relation to the neighbour the question describes, clearly first:
    "why can neural nets represent basically any function? is that proven?" describes
    universal approximation, which is what the video says of neural networks; else None."""
    if len(concepts) != 1:
        return None
    (named,) = concepts
    hits = [h for h in describe(graph, q, limit=3) if h.id != named.id]
    if not hits or hits[0].score < NEIGHBOUR_ENTRY_SCORE:
        return None
    if len(hits) > 1 and hits[0].score - hits[1].score < NEIGHBOUR_ENTRY_MARGIN:
        return None
    between = [
        r
        for r in graph.relations_between(hits[0].id, named.id)
        if r.note and not r.negated and not limiting(r)
    ]
    return between[0] if len(between) == 1 else None


def _subject_of(
    graph: KnowledgeGraph, passage: str, framing: str, options: tuple[str, str]
) -> str | None:
    """Of two options a passage names, the one it says the question's words of: the
    one named last before the first of those words, in the same clause; None when
    neither is."""
    asked = content_stems(framing)
    words = list(_WORD_RE.finditer(passage))
    at = next((m.start() for m in words if content_stems(m.group()) & asked), None)
    if at is None:
        return None
    clause = max(passage.rfind(p, 0, at) for p in ",;:.")
    low = passage.lower()
    named: dict[str, int] = {}
    for cid in options:
        c = graph.concepts[cid]
        places = [low.rfind(n.lower(), clause + 1, at) for n in (c.label, *c.aliases)]
        named[cid] = max(places)
    best = max(options, key=lambda cid: named[cid])
    return best if named[best] >= 0 else None


_OPTIONS_TAIL = re.compile(
    r"[:,\u2014\u2013]\s*(?P<a>[^,:;?\u2014\u2013]+?),?\s+or\s+(?P<b>[^,:;?]+?)\s*\?*\s*$", re.I
)
OPTION_SCORE = 0.55
"""Least :mod:`kg.describe` score at which an option a which-question describes rather
than names ("the barracks full of weak troops") is read as the concept it describes."""


_BOLD_HEAD = re.compile(r"\*\*([^*]+)\.\*\*")


def _options_tail(q: str) -> re.Match[str] | None:
    """The two options closing a which-question, after a colon or comma and joined by
    "or" (:data:`_OPTIONS_TAIL`); a setting may come first ("in the strategy game example,
    which one was ..."). None for a question of another shape."""
    tail = _OPTIONS_TAIL.search(q)
    lead = LEAD.match(q)
    if tail is None or not _WHICH_OPENING.match(q[lead.end() if lead else 0 :]):
        return None
    return tail


def _described_options(
    graph: KnowledgeGraph, q: str, missing: bool
) -> tuple[str, list[tuple[Concept, str]]] | None:
    """A which-question whose two options (after a colon or comma, joined by "or") are
    described, not named (or one named as a whole, :func:`_named_whole`), with each
    described by a different concept (see :data:`OPTION_SCORE`), asked again with the
    concepts' labels in their place, and each concept with the words that described it;
    None when that does not hold (both named, either described by nothing well, or one
    naming a concept in passing). An option that says "goal" or "objective" only in
    passing ("competently pursuing the wrong *goal*") counts as described; otherwise
    only a question with words the glossary lacks (``missing``) is read this way."""
    tail = _options_tail(q)
    if tail is None:
        return None
    told: list[tuple[Concept, str]] = []
    phrases = (tail.group("a"), tail.group("b"))
    names = [annotate(graph, phrase) for phrase in phrases]
    whole = [_named_whole(phrase, n) for phrase, n in zip(phrases, names, strict=True)]
    in_passing = [bool(n) and all(x.id == GENERAL_OBJECTIVE for x in n) for n in names]
    if not missing and not any(in_passing):
        # options the reader took as they are, with nothing the question lacks
        return None
    for n, named, goal in zip(names, whole, in_passing, strict=True):
        if n and not goal and (named is None or not any(in_passing)):
            # what a phrase names is its option ("optimizers or simple heuristic-following
            # systems" is answered by the names); only "goal" or "objective", which names
            # no one's in particular, may be part of a description ("failing to generalize
            # or competently pursuing the wrong *goal*"), beside which the other option
            # may be named
            return None
    described = False
    for phrase, named in zip(phrases, whole, strict=True):
        if named is not None and named != GENERAL_OBJECTIVE:
            told.append((graph.concepts[named], phrase))
            continue
        hits = describe(graph, phrase, limit=1)
        if not hits or hits[0].score < OPTION_SCORE:
            return None
        described = True
        told.append((graph.concepts[hits[0].id], phrase))
    (a, _), (b, _) = told
    if a.id == b.id or not described:
        return None
    return f"{q[: tail.start('a')]}{a.label} or {b.label}?", told


PHRASE_FIT = 0.75
"""Least share of an option's own words (stems) a sentence must hold that names what a
which-question asks about, for that sentence to say the option is it
(:func:`_phrase_options`); the other option must fall short of it by as much again."""


def _phrase_options(graph: KnowledgeGraph, q: str, found: list[Found]) -> Answer | None:
    """ "Which one is inner alignment: aligning the base optimizer with the humans, or
    aligning the mesa-optimizer with the base optimizer?": two options that are phrases,
    not names, and one concept named before them; the option whose words a sentence of
    that concept's own passages holds beside its name ("And this one—aligning the mesa
    optimizer with the base optimizer—that's the inner alignment problem."), clearly more
    than the other's (:data:`PHRASE_FIT`), is the answer, in the question's words, with
    that passage. None when the question is not of that shape or no sentence decides."""
    tail = _options_tail(q)
    if tail is None:
        return None
    before = list(dict.fromkeys(f.id for f in found if f.end <= tail.start()))
    if len(before) != 1:
        return None
    subject = graph.concepts[before[0]]
    phrases = (tail.group("a").strip(), tail.group("b").strip())
    asked = [content_stems(p) for p in phrases]
    if any(len(words) < 3 for words in asked):
        return None  # options that are names or near it are read as names
    spans = [len(_WORD_RE.findall(p)) + 2 for p in phrases]  # a phrase, and two words more
    name = re.compile(rf"\b(?:{_names_pattern(subject)})\b", re.I)
    best: list[tuple[float, str, Literal["note", "quote"]]] = [(0.0, "", "quote")] * 2
    for passage, where in _passages_of(graph, subject.id).items():
        for sentence in _SENTENCE_START.split(passage):
            if not name.search(sentence.replace("-", " ")):
                continue
            tokens = [content_stems(w) for w in _WORD_RE.findall(sentence)]
            for i, words in enumerate(asked):
                # the option's words together, as a phrase of the sentence, not scattered
                # over it ("even if we get the *outer alignment* problem solved ... the
                # optimal strategy for a *mesa optimizer* is to pretend to be *aligned*")
                held = max(
                    (
                        len(words & frozenset().union(*tokens[at : at + spans[i]]))
                        for at in range(max(1, len(tokens) - spans[i] + 1))
                    ),
                    default=0,
                )
                share = held / len(words)
                if share > best[i][0]:
                    best[i] = (share, passage, where)
    i = 0 if best[0][0] > best[1][0] else 1
    if best[i][0] < PHRASE_FIT or best[i][0] - best[1 - i][0] < 1 - PHRASE_FIT:
        return None
    notes = Footnotes(graph)
    hit = Described(subject.id, subject.label, subject.kind, best[i][0], best[i][1], best[i][2])
    because = _matched(graph, subject, hit, notes)
    lines = [
        f"**{capitalize(phrases[i])}.** {because}",
        "",
        f"**{capitalize(subject.label)}**: {_definition(subject, notes)}",
    ]
    return _answered(graph, q, "which", [subject], lines, notes)


def _named_whole(phrase: str, names: list[Annotation]) -> str | None:
    """The concept that ``phrase`` names as a whole: one name, with nothing beside it but
    function words and generic nouns for what acts ("a deceptively aligned *model*");
    None when it names none, several, or one only in passing ("competently pursuing the
    wrong *goal*")."""
    if len({n.id for n in names}) != 1:
        return None
    rest = phrase
    for n in sorted(names, key=lambda n: -n.start):
        rest = rest[: n.start] + " " + rest[n.end :]
    left = [w for w in _WORD_RE.findall(rest) if w.lower() not in FUNCTION_WORDS | _DOERS]
    return None if left else names[0].id


SITUATION_SCORE = 0.6
"""Least :mod:`kg.describe` score at which what a what-happens question describes around
the one concept it names is taken for the situation asked about."""


def _situation(
    graph: KnowledgeGraph, reading: Reading, concepts: list[Concept], q: str
) -> Concept | None:
    """The concept a what-happens question describes without naming, when it names one
    general concept only (training data, not a mode, an optimizer or an example) and its
    other words fit another concept, not an example, closely (see
    :data:`SITUATION_SCORE`); else None. Examples are told by :func:`what_happens`
    itself, from the question's words."""
    if len(concepts) != 1 or concepts[0].kind != "concept" and concepts[0].id != GENERAL_OBJECTIVE:
        # a named mode, optimizer or example is what happens to; "an AI's *objective*"
        # names no one's in particular
        return None
    if concepts[0].id == GENERAL_OBJECTIVE:
        # "what happens if an AI's *objective* is slightly different from ours?": the
        # word is part of the description, not a name to blank out of it
        reading = replace(reading, framing=q)
    (named,) = concepts
    whole = describe(graph, q, limit=1)
    if whole and any(
        r.type in EFFECTS and r.source == named.id and r.target == whole[0].id and not r.negated
        for r in graph.relations_of(named.id)
    ):
        # "what happens to a maze solver that is just a collection of *heuristics* when
        # the deployment maze is very different?": the question as a whole describes an
        # effect of what it names (failure to generalize), which is what happens to it
        return None
    hits = _described_beside(graph, reading, named, SITUATION_SCORE, limit=1)
    return graph.concepts[hits[0].id] if hits else None


_DISAGREE = re.compile(
    r"\b(?:disagree\w*|differ\w*|diverg\w*|conflict\w*|mismatch\w*|come\s+apart"
    r"|comes\s+apart|(?:do|does|did)\s*n[o']t\s+match|(?:is|are)\s*n[o']t\s+the\s+same)\b",
    re.I,
)


def _disagreement(graph: KnowledgeGraph, q: str, concepts: list[Concept]) -> Concept | None:
    """The failure a what-happens question describes when it says two concepts the graph
    sets against each other disagree ("what happens when the mesa-objective disagrees
    with the base objective?"): a failure mode of a problem that is about both (inner
    misalignment, of inner alignment), the most general of them (the one the others
    are kinds of); else None."""
    if _DISAGREE.search(q) is None:
        return None
    pair = next(
        (
            (a, b)
            for i, a in enumerate(concepts)
            for b in concepts[i + 1 :]
            if any(r.type == "contrasts_with" for r in graph.relations_between(a.id, b.id))
        ),
        None,
    )
    if pair is None:
        return None
    a, b = pair
    failures = [
        graph.concepts[f]
        for p in sorted(problems_about(graph, a.id) & problems_about(graph, b.id))
        for f in failures_of(graph, p)
        if graph.concepts[f].kind == "failure_mode"
    ]
    if not failures:
        return None
    return max(failures, key=lambda c: (len(graph.descendants(c.id)), c.id))


def _said_on_disagreeing(graph: KnowledgeGraph, failure: Concept, told: Told) -> Relation | None:
    """Of the failures of the problems ``failure`` is a failure of (itself and its
    siblings: inner misalignment, pseudo-alignment), the first effect whose quote says
    what happens when the two objectives disagree ("But if their mesa objectives
    disagree with the base objective, they'll go with their own every time."); None when
    no quote does."""
    problems = and_what_it_fails(graph, failure)[1:]
    failures = [failure.id] + sorted(
        {f for p in problems for f in failures_of(graph, p)} - {failure.id}
    )
    for cid in failures:
        for r in graph.relations_of(cid):
            if (
                r.source == cid
                and r.type in EFFECTS
                and not r.negated
                and r not in told.relations
                and any(_DISAGREE.search(c.quote) for c in r.citations)
            ):
                return r
    return None


NARROWER_DESCRIBED_SCORE = 0.55
"""The same for a narrower kind of the concept named (a descendant of it)."""

WHY_DESCRIBED_SCORE = 0.75
CASE_DESCRIBED_SCORE = 0.5
"""Least score at which what a why-question describes beside the one concept it names
is taken for what is to be explained, when it is a case of that concept by definition
(:func:`kg.reasoning.defined_of`)."""
"""Least :mod:`kg.describe` score at which what a why-question describes beside the one
concept it names is taken for what is to be explained: "why do mesa-optimizers arise?"
describes nothing well (0.65 at best), "why would a mesa-optimizer pretend to be aligned
during training?" describes deceptive alignment (0.79)."""


def _described_cause(
    graph: KnowledgeGraph, reading: Reading, concepts: list[Concept]
) -> Concept | None:
    """What a why-question that names one concept describes around it, closely (see
    :data:`WHY_DESCRIBED_SCORE`), not an example; among equal fits, the one whose name the
    question's words share ("pretend to be *aligned*": deceptive alignment rather than
    deception, which the same passage backs); else None."""
    if len(concepts) != 1:
        return None
    hits = _described_beside(graph, reading, concepts[0], NARROWER_DESCRIBED_SCORE, limit=3)
    if hits and hits[0].score < WHY_DESCRIBED_SCORE:
        # less closely, only a narrower kind of what is named: "why would a misaligned AI
        # behave perfectly during training?" describes deceptive alignment (0.59)
        hits = [h for h in hits if is_kind_of(graph, h.id, concepts[0].id)][:1]
    if not hits:
        # or a case of what is named, one the sources define as what it does or is: "why
        # would a *trained model* act like it shares our goal during training and then
        # switch ...?" describes deceptive alignment, the case in which a mesa-optimizer
        # (a kind of learned model) pursues the base objective only until deployment
        hits = [
            h
            for h in _described_beside(
                graph, reading, concepts[0], CASE_DESCRIBED_SCORE, limit=DESCRIBED
            )
            if defined_of(graph, graph.concepts[h.id], concepts[0]) is True
        ][:1]
    if not hits:
        return None
    asked = content_stems(reading.framing)

    def shared(label: str) -> int:  # "align" begins "alignment"
        return sum(
            1
            for w in content_stems(label)
            if any(len(a) >= 4 and (w.startswith(a) or a.startswith(w)) for a in asked)
        )

    tied = [h for h in hits if h.score == hits[0].score]
    best = max(tied, key=lambda h: shared(h.label))
    found = graph.concepts[best.id]
    named = concepts[0].id
    if found.kind == "example" or found.id in graph.ancestors(named):
        # "for a deceptive model, why would it behave well in training?" describes
        # pseudo-alignment, which deceptive alignment is a kind of: the named one is asked.
        # A narrower kind is what is described ("why would a *misaligned* AI pretend to
        # be aligned ...": deceptive alignment, a kind of misalignment)
        return None
    return found


def _head(q: str, found: list[Found], concepts: list[Concept]) -> list[Concept]:
    """The concepts a question names, the names that only qualify the next one left
    out: "a *misaligned* mesa-optimizer" is a mesa-optimizer, said to be misaligned."""
    if len(found) != len(concepts) or len(found) < 2:
        return concepts
    if all(not q[a.end : b.start].strip() for a, b in itertools.pairwise(found)):
        return concepts[-1:]
    return concepts


def _described_beside(
    graph: KnowledgeGraph, reading: Reading, named: Concept, least: float, limit: int
) -> list[Described]:
    """What a question that names ``named`` describes around it, scoring at least
    ``least`` (the first ``limit`` of :func:`kg.describe.describe` on its framing, but
    ``named``); [] when the best is under ``least`` or is an example (examples are told
    as stories, from the question's words)."""
    hits = [h for h in describe(graph, reading.framing, limit=limit) if h.id != named.id]
    if not hits or hits[0].score < least or hits[0].kind == "example":
        return []
    return hits


def _own_text(graph: KnowledgeGraph, c: Concept) -> set[str]:
    """The passages and notes the graph holds about ``c``: its definition's quotes, and
    the note and quotes of every relation it takes part in."""
    out = {x.quote for x in c.citations}
    for r in graph.relations_of(c.id):
        out.update(x.quote for x in r.citations)
        if r.note:
            out.add(r.note)
    return out


def _asks_of(q: str, found: list[Found]) -> bool:
    """Whether the question reads "what is X of Y" (or "Y's X") for its first two concepts."""
    if len(found) != 2:
        return False
    first, second = found
    return bool(_WHAT_IS.match(q[: first.start]) and _OF_BETWEEN.match(q[first.end : second.start]))


# -- answers

_DEFINE_ORDER = (
    "is_a",
    "part_of",
    "has_objective",
    "produces",
    "optimizes",
    "concerns",
    "contrasts_with",
    "causes",
    "requires",
    "mitigates",
    "example_of",
    "analogous_to",
    "related_to",
    "introduced_in",
)
DEFINE_FACTS = 4
"""Most relations quoted under a definition, beyond those the question asks about."""
FOCUS_FACTS = 8
"""Most relations of the kinds the question asks about."""


def _facts(
    graph: KnowledgeGraph, c: Concept, focus: list[str], toward: Concept | None
) -> list[tuple[Relation, bool]]:
    """The relations that say most about ``c``, read from ``c``; asked-for ones first."""

    def rank(rel: Relation) -> tuple[int, int, int, str]:
        forward = rel.source == c.id
        other = graph.concepts[rel.target if forward else rel.source]
        order = _DEFINE_ORDER.index(rel.type) if rel.type in _DEFINE_ORDER else 99
        asked = (
            0
            if toward is not None and other.id == toward.id
            else 1 + focus.index(rel.type)
            if rel.type in focus
            else 99
        )
        return asked, order, 0 if forward else 1, other.label.lower()

    rels = sorted(graph.relations_of(c.id), key=rank)
    asked = [
        r
        for r in rels
        if r.type in focus or (toward is not None and toward.id in (r.source, r.target))
    ][:FOCUS_FACTS]
    # one of each kind of fact before a second of any: "the base objective is what the
    # base optimizer pursues", "... what gradient descent pursues", "... what stochastic
    # gradient descent pursues" say one thing three times
    others = [r for r in rels if r not in asked]
    seen: set[tuple[str, bool]] = set()
    first: list[Relation] = []
    again: list[Relation] = []
    for rel in others:
        (first if _first_of_kind(rel, c.id, seen) else again).append(rel)
    rest = sorted((first + again)[:DEFINE_FACTS], key=others.index)
    return [(r, r.source == c.id) for r in asked + rest]


def _first_of_kind(rel: Relation, cid: str, seen: set[tuple[str, bool]]) -> bool:
    """Whether ``rel`` is the first relation of its type and direction (from concept
    ``cid``) in ``seen``, which it is added to."""
    kind = (rel.type, rel.source == cid)
    if kind in seen:
        return False
    seen.add(kind)
    return True


def _definition(c: Concept, notes: Footnotes) -> str:
    return defined(c, notes)


_TO_DO_WITH = re.compile(r"\b(?:to\s+do\s+with|relat\w*\s+to|connect\w*\s+(?:to|with))\b", re.I)
"""How a question asks what a thing has to do with something it does not name as a
concept ("what does a duckling imprinting on its mom have to do with AI *goals*?"): the
word after it says what the thing bears on, not what it is asked to have."""


def _define(
    graph: KnowledgeGraph,
    c: Concept,
    notes: Footnotes,
    focus: list[str],
    toward: Concept | None = None,
    say_none: bool = True,
) -> list[str]:
    """What ``c`` is, its names and its facts, those ``focus`` asks about first; with
    ``say_none``, that the graph records none of what the focus asks for, if so."""
    lines = [f"**{capitalize(c.label)}** ({c.kind.replace('_', ' ')}): {_definition(c, notes)}"]
    aliases = _distinct_aliases(c)
    if aliases:  # none when every alias only spells the label otherwise ("behavioural")
        lines += ["", "Also called: " + ", ".join(aliases) + "."]
    facts = _facts(graph, c, focus, toward)
    if facts:
        lines += ["", "Related concepts:", ""]
        # each fact with its reason: the note says why it holds
        told = Told()
        lines += [f"- {explained(graph, notes, r, fwd, told)}" for r, fwd in facts]
    asked = focus[0] if focus else None
    if (
        say_none
        and asked in _NONE_RECORDED
        and not any(r.type == asked for r, _fwd in facts)
        # what is named so has none of its own: "what's wrong with the objective
        # 'minimize cancer'?" asks about the cancer-minimizing objective, not for its
        # objective
        and _NONE_RECORDED[asked] not in c.label.lower()
        # only what can pursue one lacks an objective: "what is the adversary in
        # adversarial training trying to do?" is no question for a technique's objective
        and (asked != "has_objective" or c.kind in _PURSUING_KINDS)
    ):
        lines += ["", f"The glossary records no {_NONE_RECORDED[asked]} for {noun(c)}."]
    if asked == "mitigates":
        lines += _side_effects(graph, c, notes)
    return lines


_BROKEN_DOWN = re.compile(
    r"\b(?:split|broken|break|divided|divide|splits|breaks)\b.*\b(?:into|up)\b"
    r"|\bsub-?(?:problems?|parts?|questions?)\b|\bparts?\s+of\b",
    re.I,
)
"""How a question asks what a thing breaks down into ("which *sub-problems* can ... be
*split into*?")."""


def _distinct_aliases(c: Concept) -> list[str]:
    """``c``'s aliases as a reader wants them listed: one of each set that differ only by
    inflection or spelling ("preventing us from turning it off", not also "prevent us
    from turning it off"; "modeling the base objective", not also "modelling"), none that
    says the label again in other forms."""

    def stems(text: str) -> frozenset[str]:
        return frozenset(
            stem(fold_word(w)) for w in _WORDS.findall(text) if w.lower() not in FUNCTION_WORDS
        )

    seen = {stems(c.label)}
    out = []
    for alias in c.aliases:
        said = stems(alias)
        if said and said not in seen:
            seen.add(said)
            out.append(alias)
    return out


_PURSUING_KINDS = frozenset({"optimizer", "example"})
"""The kinds of concept the graph gives objectives to (optimizers, and examples such as
humans): only of these is a missing objective worth saying."""
_NONE_RECORDED = {
    "causes": "causes or effects",
    "mitigates": "remedies",
    "requires": "requirements",
    "produces": "origin or products",
    "has_objective": "objective",
    "part_of": "parts",
    "introduced_in": "origin in a published work",
    "is_a": "kinds",
}
"""What is missing, named for an answer whose question asked for it and found none."""


def _side_effects(graph: KnowledgeGraph, c: Concept, notes: Footnotes) -> list[str]:
    """What a remedy also brings about, and what needs that: the caveat to "X helps"."""
    lines: list[str] = []
    for rel in graph.relations_of(c.id):
        if rel.type != "causes" or rel.source != c.id:
            continue
        effect = f"{capitalize(clause(graph, rel))}{notes.mark(rel.citations)}"
        needs = [
            r
            for r in graph.relations_of(rel.target)
            if r.type == "requires" and r.target == rel.target
        ]
        for need in needs:
            effect += f"; {clause(graph, need)}{notes.mark(need.citations)}"
        lines.append(f"- {effect}.")
    return (
        ["", f"But the graph also records what {noun(c)} brings about:", "", *lines]
        if lines
        else []
    )


def _relate(graph: KnowledgeGraph, concepts: list[Concept], notes: Footnotes) -> list[str]:
    lines: list[str] = []
    told = Told()  # one pair's answer does not tell again what another's told
    for a, b in zip(concepts, concepts[1:], strict=False):
        r = relate(graph, a.id, b.id)
        shown = _what_it_shows(graph, r, notes, told)
        more = [*shown, *relate_lines(graph, r, notes, told=told)]
        headings = [line for line in lines if line.endswith(":") and not line.startswith("-")]
        if more[:2] == [OTHER_CONNECTIONS, ""] and headings[-1:] == [OTHER_CONNECTIONS]:
            more = more[2:]  # the list under way goes on
        elif lines and more:
            lines.append("")
        lines += more
        if any(rel.type == "mitigates" and rel.source == a.id for rel in r.direct):
            lines += _side_effects(graph, a, notes)
    return lines


def _what_it_shows(
    graph: KnowledgeGraph, r: Relatedness, notes: Footnotes, told: Told
) -> list[str]:
    """What an example illustrates, first, when it is asked about beside a concept it has
    no direct link to: "how does the duckling example relate to mesa-optimizers?" is
    first of all an example of a pointer to the world model, however the two connect."""
    if r.direct:
        return []
    examples = [c for c in (r.x, r.y) if c.kind == "example"]
    if len(examples) != 1:
        return []
    shows = [
        rel
        for rel in graph.relations_of(examples[0].id)
        if rel.source == examples[0].id and rel.type == "example_of" and not rel.negated
    ]
    lines: list[str] = []
    for rel in shows[:2]:
        lines += [explained(graph, notes, rel, True, told), ""]
    return lines


def _difference(
    graph: KnowledgeGraph, concepts: list[Concept], notes: Footnotes, alike: bool = False
) -> list[str]:
    """Two or more concepts compared: what each is, then how each pair relates. With
    ``alike`` ("how is gradient descent similar to evolution?"), the analogy the graph
    states between the first two, if any, comes first: it is what is asked."""
    names = [f"**{capitalize(c.label) if i == 0 else c.label}**" for i, c in enumerate(concepts)]
    led: list[str] = []
    told = Told()
    if alike and len(concepts) >= 2:
        analogy = [
            r
            for r in graph.relations_between(concepts[0].id, concepts[1].id)
            if r.type == "analogous_to" and not r.negated
        ]
        if analogy:
            first = analogy[0]
            led = [explained(graph, notes, first, first.source == concepts[0].id, told), ""]
    lines = [*led, f"{', '.join(names[:-1])} and {names[-1]} compared:", ""]
    lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in concepts]
    for a, b in zip(concepts, concepts[1:], strict=False):
        r = relate(graph, a.id, b.id)
        lines.append("")
        more = relate_lines(graph, r, notes, others=1, told=told)
        if OTHER_CONNECTIONS in lines and more[:1] == [OTHER_CONNECTIONS]:
            # three compared: the second pair's paths go on under the first pair's heading
            more = more[2:] if more[1:2] == [""] else more[1:]
            while lines and not lines[-1]:
                lines.pop()
        lines += more
        if not r.shared and not r.direct and len(concepts) == 2:
            lines += ["", f"The glossary records nothing that {noun(a)} and {noun(b)} share."]
    return lines


@dataclass
class Example:
    """A concept that illustrates ``of``, and the relations that say so."""

    concept: Concept
    relations: list[Relation]
    via: str | None
    """The narrower concept it directly illustrates, when not ``of`` itself."""


MAX_EXAMPLES = 8


def examples_of(graph: KnowledgeGraph, cid: str) -> list[Example]:
    """Examples of ``cid``: those of ``cid`` first, then those of narrower concepts; each
    example once."""
    out: dict[str, Example] = {}
    targets = [cid, *sorted(graph.descendants(cid), key=lambda d: (graph.descendants(cid)[d], d))]
    for target in targets:
        for rel in graph.relations_of(target):
            if rel.type != "example_of" or rel.target != target or rel.source == cid:
                continue
            if rel.source not in out:
                via = None if target == cid else target
                out[rel.source] = Example(graph.concepts[rel.source], [rel], via)
    return list(out.values())


def _kinds_of(graph: KnowledgeGraph, cid: str) -> list[Relation]:
    return [r for r in graph.narrower(cid) if r.type == "is_a"]


def _examples(graph: KnowledgeGraph, c: Concept, notes: Footnotes) -> list[str]:
    found = examples_of(graph, c.id)[:MAX_EXAMPLES]
    lines: list[str] = []
    if found:
        lines += [f"Examples of {noun(c, 'example')} in the glossary:", ""]
        for ex in found:
            rel = ex.relations[0]
            how = capitalize(clause(graph, rel)) + notes.mark(rel.citations)
            if ex.via is not None:
                chain = graph.chain_up(ex.via, c.id)
                link = "part of" if chain and chain[0].type == "part_of" else "a kind of"
                target = noun(c) if link == "part of" else noun(c, "bare")
                how += f", which is {link} {target}" + notes.mark(
                    [x for r in chain for x in r.citations]
                )
            lines.append(
                f"- **{capitalize(ex.concept.label)}**: {how}. {_definition(ex.concept, notes)}"
            )
    kinds = _kinds_of(graph, c.id)
    if kinds:
        if lines:
            lines.append("")
        lines += [f"Kinds of {noun(c, 'bare')}:", ""]
        lines += [
            f"- **{capitalize(graph.concepts[r.source].label)}**: "
            f"{capitalize(clause(graph, r))}.{notes.mark(r.citations)}"
            for r in kinds
        ]
    own = [r for r in graph.relations_of(c.id) if r.type == "example_of" and r.source == c.id]
    if own:
        if lines:
            lines.append("")
        lines += [f"**{capitalize(c.label)}** is itself an example:", ""]
        lines += [f"- {capitalize(clause(graph, r))}.{notes.mark(r.citations)}" for r in own]
        lines += ["", _definition(c, notes)]
    if not lines:
        lines += [
            f"The glossary records no examples of {noun(c)}.",
            "",
            f"**{capitalize(c.label)}**: {_definition(c, notes)}",
        ]
    return lines


# -- questions that describe a concept without naming it

DESCRIBED = 3
"""Most concepts a described question is answered with: the term, then others that fit."""
ALSO_FITS_MARGIN = 0.01
"""How far behind the first a concept may fit a description and still be offered as
fitting it as well: 0.581 against 0.580 is a tie (:mod:`kg.describe` scores carry no
such precision)."""


def _answered(
    graph: KnowledgeGraph,
    q: str,
    intent: Intent,
    concepts: list[Concept],
    lines: list[str],
    notes: Footnotes,
    verdict: Verdict | None = None,
) -> Answer:
    """The answer of ``lines`` (with their footnotes) about ``concepts``, with the
    questions to ask next that :func:`_suggest` gives for them."""
    lines = notes.renumbered(lines)
    return Answer(
        q,
        intent,
        [c.id for c in concepts],
        with_footnotes(lines, notes),
        notes,
        _suggest(graph, concepts, intent),
        verdict=verdict,
    )


CLOSE_FIT = 0.5
"""The :mod:`kg.describe` score below which the concept a description fits best is
offered as the nearest entry, not as what was described: of the written descriptions'
first hits under it, 143 were right, 63 another concept, and 17 of the 21 hits for
questions about things the graph does not hold fell there."""


def _described(
    graph: KnowledgeGraph, q: str, hits: list[Described], category: re.Match[str] | None = None
) -> Answer:
    """The answer to a question that describes a concept: the term, its definition and
    facts (as :func:`_define` gives them), what in the graph's text matched the
    description, and the other concepts that fit it as well (by :mod:`kg.describe`'s
    score). To a question that asks which category a thing falls under or which role it
    plays (``category``, :data:`kg.vocab.CATEGORY_OF` or :data:`kg.vocab.ROLE_OF`), what
    links the thing to the answer comes first, before its definition."""
    notes = Footnotes(graph)
    first = graph.concepts[hits[0].id]
    # only those that fit as well: a weaker match beside a strong one is noise, and a
    # concept set against the first (robust against pseudo-alignment) shares its words
    # without fitting the description
    others = [
        graph.concepts[h.id]
        for h in hits[1:]
        # to a question asking for a kind or a role, only others of that kind or role
        if (
            h.via is not None
            if category is not None
            else h.score >= hits[0].score - ALSO_FITS_MARGIN
        )
        and not _opposed(graph, first.id, h.id)
    ]
    also = "Other concepts that fit your description as well:"
    if category is not None:
        # "which kind of failure": the noun is the category; with two words after
        # "kind of" it is not sure which are the noun ("what kind of training tasks")
        words = category_words(category) if category.re is CATEGORY_OF else []
        if category.re is ROLE_OF:
            kind = "role"
        elif len(words) == 1:
            # in the answer's own form when its label ends in it ("which of the two
            # *objectives*": the kind of *objective*)
            asked = words[0].lower()
            last = first.label.replace("-", " ").split()[-1]
            kind = f"kind of {last if head_stem(last) == head_stem(asked) else asked}"
        else:
            kind = "kind"
        lines = [f"The {kind} that fits is **{first.label}**:", ""]
        also = f"Other{'s of that kind' if kind != 'role' else ' roles'} that fit as well:"
        matched = _matched(graph, first, hits[0], notes)
        if matched:
            # what links the thing asked about to its category, told first and once
            lines += [matched, ""]
        lines += [line for line in _define(graph, first, notes, []) if line != f"- {matched}"]
    elif hits[0].field == "note" and _EXPLAINS.match(q):
        # "why would good training performance not show that a model is aligned?": the
        # relation whose note matched is the reason asked for, told first; then what it
        # is about
        told = Told()
        matched = _matched(graph, first, hits[0], notes, told)
        lines = [told.reason_first(matched), "", f"This is about **{first.label}**:", ""]
        lines += [line for line in _define(graph, first, notes, []) if line != f"- {matched}"]
    else:
        lines = [
            f"What you describe is closest to **{first.label}** in the glossary:"
            if hits[0].score >= CLOSE_FIT
            # a loose fit is said to be one: about a third of them are not what was meant
            else f"Nothing in the glossary fits your description closely; the nearest entry "
            f"is **{first.label}**:",
            "",
        ]
        lines += _define(graph, first, notes, [])
        matched = _matched(graph, first, hits[0], notes)
        if matched and f"- {matched}" not in lines:
            # a related concept's line already told is not told again
            lines += ["", "What matched your description:", "", f"- {matched}"]
    if others:
        lines += ["", also, ""]
        lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in others]
    concepts = [first, *others]
    return _answered(graph, q, "describe", concepts, lines, notes)


def _opposed(graph: KnowledgeGraph, a: str, b: str) -> bool:
    """Whether the graph sets ``a`` and ``b`` against each other: a contrast, or a
    relation it denies."""
    return any(r.type == "contrasts_with" or r.negated for r in graph.relations_between(a, b))


def _matched(
    graph: KnowledgeGraph, c: Concept, hit: Described, notes: Footnotes, told: Told | None = None
) -> str:
    """The text that matched a description, cited: a quote with its footnote, a note with
    the relation it explains; nothing for a name or the definition, told already."""
    if hit.field == "quote":
        cited = [x for x in c.citations if x.quote == hit.evidence] or [
            x for r in graph.relations_of(c.id) for x in r.citations if x.quote == hit.evidence
        ]
        return f"\u201c{' '.join(hit.evidence.split())}\u201d{notes.mark(cited[:1])}"
    if hit.field == "note":
        rel = next(r for r in graph.relations_of(c.id) if r.note == hit.evidence)
        return explained(graph, notes, rel, rel.source == c.id, told)
    return ""


# -- questions the graph cannot answer

CLOSEST_RATIO = 60.0
"""Least rapidfuzz ratio for a fuzzy search hit to be offered as close to a missing phrase."""
STEM = 6
"""Letters a missing word must share at the start with a term's word to count as close
("corrigibility" and "corrigible")."""


def _closest(graph: KnowledgeGraph, phrases: list[str], exclude: list[Concept]) -> list[Concept]:
    """Concepts whose names come close to ``phrases``; weak fuzzy hits are left out."""
    out: list[Concept] = []

    def offer(c: Concept) -> None:
        if c not in out and c not in exclude:
            out.append(c)

    for phrase in phrases:
        wanted = normalize_term(phrase)
        for hit in search(graph, phrase, limit=5):
            if (
                hit.match != "fuzzy"
                or fuzz.ratio(wanted, normalize_term(hit.matched)) >= CLOSEST_RATIO
            ):
                offer(graph.concepts[hit.id])
        stems = {w[:STEM] for w in wanted.split() if len(w) >= STEM and role(w) is None}
        if stems:
            for term, cid in graph.terms().items():
                if any(w[:STEM] in stems for w in term.split()):
                    offer(graph.concepts[cid])
    return out[:3]


def _unknown(graph: KnowledgeGraph, q: str, missing: list[str], known: list[Concept]) -> Answer:
    notes = Footnotes(graph)
    lines: list[str] = []
    named = ", ".join(f"\u201c{p}\u201d" for p in missing)
    if missing:
        lines.append(
            f"The glossary has no entry for {named}, so it cannot answer this question as asked."
        )
    else:
        lines.append(
            "The question names no concept the graph holds, so it cannot answer it as asked."
        )
    if known:
        lines += ["", "What it does hold on the rest of the question:", ""]
        lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in known]
    closest = _closest(graph, missing, known)
    if closest:
        lines += ["", f"Closest to {named} in the glossary:", ""]
    elif not known:
        closest = central_concepts(graph, 3)
        lines += [
            "",
            "The glossary covers inner alignment, mesa-optimizers and the concepts "
            "around them; central ones are:",
            "",
        ]
    lines += [f"- **{capitalize(c.label)}**: {_definition(c, notes)}" for c in closest]
    suggestions = _suggest(graph, [*known, *closest], "unknown")
    if suggestions:
        lines += ["", "Questions it can answer:", ""]
        lines += [f"- {s}" for s in suggestions]
    return Answer(
        q,
        "unknown",
        [c.id for c in known],
        with_footnotes(lines, notes),
        notes,
        suggestions,
        missing,
    )


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
        if intent != "examples" and c.kind != "example" and examples_of(graph, c.id):
            out.append(f"What is an example of {noun(c, 'example')}?")
        contrasts = [r for r in graph.relations_of(c.id) if r.type == "contrasts_with"]
        for r in contrasts[:1]:
            other = graph.concepts[r.target if r.source == c.id else r.source]
            if intent != "difference" or other not in concepts:
                out.append(f"What is the difference between {_named(c)} and {_named(other)}?")
    return list(dict.fromkeys(out))[:4]
