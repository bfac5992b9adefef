"""The words of the sources and of the concepts' names, as question reading needs them.

A question may use any word the sources use ("does a mesa-optimizer go for the *apple*
while in training?") without naming something the graph lacks; what the graph lacks is a
word or phrase the sources never use ("alignment tax", "reward hacking", "RLHF"). And a
word that only one concept's name holds ("troops", "brotherhood", "mother") points at
that concept when the question names no other.

Words are compared folded: lower case, American spelling, singular.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> lex = lexicon(g)
>>> lex.known(["searches"]), lex.known(["thermostat"]), lex.known(["base", "optimizers"])
(True, False, True)
>>> lex.known(["optimizer", "base"]), lex.known(["thermostat", "base"])
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from kg.graph import KnowledgeGraph
from kg.ids import americanize, singular
from kg.vocab import FUNCTION_WORDS, INTENT_WORDS, letter_short

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")
MIN_KEYWORD = 4
"""Shortest word of a name that points at its concept on its own."""


def fold_word(word: str) -> str:
    """A word folded for comparison: lower case, American spelling, singular.

    >>> fold_word("Optimisers"), fold_word("Brotherhood")
    ('optimizer', 'brotherhood')
    """
    return singular(americanize(word.lower().replace("\u2019", "'")))


POSSESSIVE = re.compile(r"['\u2019]s$|(?<=s)['\u2019]$", re.I)
"""A possessive ending: "the model's goal" speaks of the model."""


_SUFFIXES = ("ingly", "edly", "ing", "ed", "es", "s")
_IRREGULAR = {
    "goes": "go",
    "goe": "go",
    "going": "go",
    "gone": "go",
    "went": "go",
    "likelier": "likely",
    "likeliest": "likely",
}
"""Forms of a word too short or too irregular for the suffixes ("goes", "going"); "goe"
is what :func:`fold_word` makes of "goes", read as a plural, before the stem is taken.
"Likelier" meets "more likely": which of two is the likelier is asked both ways."""


def stem(word: str) -> str:
    """A folded word without its inflection, so that "seeks" meets the sources' "seeking"
    and "stopped" their "stop"; rough, and only ever compared with other stems.

    >>> stem("seeks"), stem("seeking"), stem("stopped"), stem("stop"), stem("thing")
    ('seek', 'seek', 'stop', 'stop', 'thing')
    >>> stem("specified"), stem("specifies"), stem("specify")
    ('specify', 'specify', 'specify')
    >>> stem("goes"), stem("going"), stem(fold_word("goes"))
    ('go', 'go', 'go')
    >>> stem("likelier"), stem("likely")
    ('likely', 'likely')
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    if len(word) > 3 and word.endswith("i"):
        word = word[:-1] + "y"  # "specified", "specifies": "specify"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_stems(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` that carry content (not "the", "why", "does"),
    to tell which of several notes speaks of what a question mentions.

    >>> sorted(content_stems("Why can't it tell green things from the exit?"))
    ['exit', 'green', 'tell', 'thing']
    >>> sorted(content_stems("the model's goal"))
    ['goal', 'model']
    """
    return frozenset(
        stem(fold_word(POSSESSIVE.sub("", w)))
        for w in _WORD.findall(text)
        if w.lower() not in FUNCTION_WORDS and w.lower() not in INTENT_WORDS
    )


SPELL_MIN = 6
"""Least length of a typed word that may be read as a word with a letter left out."""


def slips(words: Iterable[str]) -> dict[str, list[str]]:
    """Each of ``words`` (one letter longer than :data:`SPELL_MIN` at least) under each
    form of it a slip of the hand inside it makes: one inner letter left out ("runing"
    and "runnig" under "running"), two neighbouring inner letters swapped ("behvaes"
    under "behaves"), or one of its letters but the last typed twice ("alligned" under
    "aligned"), a letter too many that seldom makes another word."""
    near: dict[str, list[str]] = {}
    for w in words:
        if len(w) > SPELL_MIN:
            short = letter_short(w)
            swapped = {
                w[:i] + w[i + 1] + w[i] + w[i + 2 :]
                for i in range(1, len(w) - 2)
                if w[i] != w[i + 1]
            }
            doubled = {
                w[: i + 1] + w[i:]
                for i in range(len(w) - 1)
                if w[i] != w[i + 1] and (i == 0 or w[i - 1] != w[i])
            }
            for d in short | swapped | doubled:
                near.setdefault(d, []).append(w)
    return near


def mended(word: str, near: dict[str, list[str]]) -> list[str]:
    """The words a typed ``word`` of at least :data:`SPELL_MIN` lower-case letters may be,
    one slip inside it away from one of them (``near``, from :func:`slips`): a letter
    left out, two neighbours swapped, or a letter typed twice, the slips most typed. Any
    other letter too many, a changed one, or one more at either end is as likely another
    word ("phrase", "references" for "preferences", "preference" for "preferences") and
    is not mended.

    >>> mended("runing", slips(["running", "ruling"]))
    ['running']
    >>> mended("behvaes", slips(["behaves", "behave"]))
    ['behaves']
    >>> mended("alligned", slips(["aligned"]))
    ['aligned']
    """
    if len(word) < SPELL_MIN or not word.isalpha() or not word.islower():
        return []
    return near.get(word, [])


@dataclass(frozen=True)
class Lexicon:
    """The folded words and running text of a graph's sources, and the words that point
    at exactly one concept."""

    words: frozenset[str]
    """The folded words of the sources and of the graph's definitions and notes."""
    text: str
    """Every source text as folded words joined by single spaces, with spaces at both
    ends, so that a phrase is found by `` {phrase} `` in it."""
    keywords: dict[str, str]
    sentences: tuple[frozenset[str], ...]
    """The stems (:func:`stem`) of the folded words of each sentence of the sources and
    of the graph's definitions and notes."""
    stems: frozenset[str]
    """The stems of every folded word of the sources."""
    story: frozenset[str] = frozenset()
    """The stems of the words the graph's examples are told in (their definitions and
    notes): the things of the sources' stories ("apple", "exit", "troop")."""
    short: dict[str, list[str]] = field(default_factory=dict)
    """:func:`slips` of :attr:`words`: a typed word with a letter left out or two
    swapped is the sources' word ("decendants", "behvaes")."""

    def _spelled(self, word: str) -> str:
        """``word``, or the sources' word it is one slip away from (:func:`mended`)."""
        if word in self.words:
            return word
        found = mended(word, self.short)
        return found[0] if found else word

    def _loosely(self, word: str) -> str:
        """``word``, or the sources' word it is with one inner letter too many
        ("descisions"). Too loose to mend a word by (see :func:`mended`), but enough to
        tell that a typed word is no term the graph lacks."""
        if len(word) <= SPELL_MIN or word in self.words or not word.isalpha():
            return word
        for i in range(1, len(word) - 1):
            shorter = word[:i] + word[i + 1 :]
            if shorter in self.words:
                return shorter
        return word

    def known(self, words: list[str]) -> bool:
        """Whether ``words`` are the sources' own: one word they use (in any inflection:
        "seeks" for their "seeking"), or several that one sentence of theirs uses together
        ("crowded barracks": "your barracks are crowded"; not "reward hacking", whose
        words no sentence holds together). One word typed with a letter left out is the
        word it is short of ("decendants")."""
        # "the FAQ's definition": a possessive is the word's own use
        folded = [self._loosely(self._spelled(fold_word(POSSESSIVE.sub("", w)))) for w in words]
        if len(folded) == 1:
            word = folded[0]
            if word.startswith("un") and len(word) > 5 and word[2:] in self.words:
                word = word[2:]  # "unsophisticated": the negation of a word of theirs
            return word in self.words or stem(word) in self.stems
        if f" {' '.join(folded)} " in self.text:
            return True
        wanted = {stem(w) for w in folded}
        return any(wanted <= sentence for sentence in self.sentences)


_LEXICONS: WeakKeyDictionary[KnowledgeGraph, Lexicon] = WeakKeyDictionary()


def lexicon(graph: KnowledgeGraph) -> Lexicon:
    """The lexicon of ``graph``, made on first use and kept with the graph."""
    found = _LEXICONS.get(graph)
    if found is None:
        texts = [graph.source_text(sid) for sid, s in graph.sources.items() if s.has_text]
        folded = [fold_word(w) for text in texts for w in _WORD.findall(text)]
        # the graph's own words (definitions, notes) are words a question may use too
        # ("a *bundle* of heuristics", "the gap they *close*")
        own = [c.definition for c in graph.concepts.values()]
        own += [r.note for r in graph.relations if r.note]
        ours = {fold_word(w) for text in own for w in _WORD.findall(text)}
        owners: dict[str, set[str]] = {}
        for c in graph.concepts.values():
            for name in (c.label, *c.aliases):
                for w in _WORD.findall(name):
                    if len(w) >= MIN_KEYWORD and not any(ch.isdigit() for ch in w):
                        owners.setdefault(fold_word(w), set()).add(c.id)
        keywords = {w: next(iter(ids)) for w, ids in owners.items() if len(ids) == 1}
        sentences = tuple(
            frozenset(stem(fold_word(w)) for w in _WORD.findall(part))
            for text in [*texts, *own]
            for part in _SENTENCE.split(text)
        )
        words = frozenset(folded) | ours
        told = [c.definition for c in graph.concepts.values() if c.kind == "example"]
        told += [
            r.note for r in graph.relations if r.note and graph.concepts[r.source].kind == "example"
        ]
        story = frozenset(stem(fold_word(w)) for text in told for w in _WORD.findall(text))
        found = _LEXICONS[graph] = Lexicon(
            words,
            f" {' '.join(folded)} ",
            keywords,
            sentences,
            frozenset(map(stem, words)),
            story,
            slips(words),
        )
    return found
