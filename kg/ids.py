"""Ids, term normalisation and nearest-name hints.

A term is normalised so that the spellings people use for one concept meet:
case, hyphens/underscores versus spaces, typographic quotes, British versus American
spelling and plurals are all folded. Terms that only *look* alike (a Cyrillic letter for
a Latin one, ``rn`` for ``m``) meet under :func:`look_alike_key`, built on the confusable
skeleton of Unicode Technical Standard #39 (:func:`skeleton`).

Examples
--------
>>> normalize_term("Mesa-Optimisers")
'mesa optimizer'
>>> normalize_term("base  objectives")
'base objective'
>>> normalize_term("the behaviour of learned_algorithms")
'the behavior of learned algorithm'
>>> slugify("Risks from Learned Optimization!")
'risks-from-learned-optimization'
>>> is_slug("mesa-optimizer"), is_slug("Mesa optimizer")
(True, False)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import icu
from rapidfuzz import fuzz, process

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# British -ise/-isation spellings of stems that occur in the field; a blanket -ise rule
# would also rewrite words such as "otherwise", "promise" or "noise".
_ISE = re.compile(
    r"\b(optim|minim|maxim|general|misgeneral|internal|special|formal|recogn|real|organ|"
    r"priorit|util|character|normal|visual|categor|summar|emphas|capital|author|standard|"
    r"rational|synthes|memor|stabil|regular|parameter|personal|operational|conceptual|"
    r"modular|initial|penal|central|global|local|final|symbol|theor|hypothes|anthropomorph|"
    r"incentiv|apolog|special|vectoral|tokeni|agoni|jeopard|subsid|scrutin)is(e|es|ed|ing|"
    r"er|ers|ation|ations|ational)\b"
)
_OUR = re.compile(
    r"\b(behavi|col|fav|hon|neighb|lab|hum|harb|rum|vap|flav|endeav)our(s|ed|"
    r"ing|al|ally|ism|ist|ists|ite|ites)?\b"
)
_BRITISH_WORDS = {
    "modelling": "modeling",
    "modelled": "modeled",
    "labelled": "labeled",
    "labelling": "labeling",
    "travelled": "traveled",
    "centre": "center",
    "centres": "centers",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "offence": "offense",
    "judgement": "judgment",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "grey": "gray",
    "greys": "grays",
}
_IRREGULAR_PLURALS = {
    "analyses": "analysis",
    "hypotheses": "hypothesis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "mice": "mouse",
    "children": "child",
    "people": "person",
    "data": "data",
    "species": "species",
    "series": "series",
}
_KEEP_S = ("ss", "us", "is", "ics", "ous", "as")


def slugify(text: str) -> str:
    """Turn a label into an id: lowercase words joined by hyphens."""
    return "-".join(_WORD.findall(text.lower().replace("'", "")))


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid id (lowercase, digits, single hyphens)."""
    return bool(_SLUG.match(text))


def americanize(word: str) -> str:
    """Rewrite one lower-case word in American spelling.

    >>> americanize("optimisation"), americanize("behaviour"), americanize("otherwise")
    ('optimization', 'behavior', 'otherwise')
    """
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    word = _ISE.sub(r"\1iz\2", word)
    return _OUR.sub(lambda m: f"{m.group(1)}or{m.group(2) or ''}", word)


_AMERICAN_WORDS = {american: british for british, american in _BRITISH_WORDS.items()}


def british_forms(word: str) -> set[str]:
    """British spellings of one lower-case American word (empty when there are none).

    Only spellings that :func:`americanize` folds back to ``word`` are offered.

    >>> sorted(british_forms("optimizers")), sorted(british_forms("behavior"))
    (['optimisers'], ['behaviour'])
    >>> british_forms("horizon"), british_forms("modeling")
    (set(), {'modelling'})
    """
    found = set()
    if word in _AMERICAN_WORDS:
        found.add(_AMERICAN_WORDS[word])
    for american, british in (("iz", "is"), ("or", "our")):
        for i in [m.start() for m in re.finditer(american, word)]:
            candidate = word[:i] + british + word[i + len(american) :]
            if americanize(candidate) == word:
                found.add(candidate)
    return found


def plural_forms(word: str) -> set[str]:
    """The other number of one lower-case word: its plural, or its singular if plural.

    >>> plural_forms("optimizer"), plural_forms("policy"), plural_forms("humans")
    ({'optimizers'}, {'policies'}, {'human'})
    >>> plural_forms("heuristics"), plural_forms("process"), plural_forms("2019")
    (set(), {'processes'}, set())
    """
    if not word[-1:].isalpha():
        return set()  # "Hubinger et al. 2019" has no plural
    one = singular(word)
    if one != word:
        return {one}
    if word.endswith("ics"):
        return set()
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word + "es"}
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return {word[:-1] + "ies"}
    return {word + "s"}


def singular(word: str) -> str:
    """A crude singular of one lower-case English word, enough to fold plurals.

    It need not be a real word; it only has to map a plural and its singular together.

    >>> [singular(w) for w in ["optimizers", "heuristics", "policies", "boxes", "process"]]
    ['optimizer', 'heuristics', 'policy', 'box', 'process']
    """
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    return word[:-1]


def tokens(term: str) -> list[str]:
    """Normalised words of ``term``: lower case, American spelling, singular."""
    text = term.lower().replace("\u2019", "'").replace("\u2018", "'")
    return list(map(_folded_word, _WORD.findall(text)))


def normalize_term(term: str) -> str:
    """The form under which a term is looked up (see the module examples)."""
    return " ".join(tokens(term))


def _char_class(pattern: str) -> str:
    """A regular-expression character class holding the ICU set ``pattern``."""
    ranges = icu.UnicodeSet(pattern).ranges()
    return (
        "["
        + "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in ranges)
        + "]"
    )


INVISIBLE = re.compile(_char_class("[[:Cf:][:Default_Ignorable_Code_Point:]]"))
"""Invisible format characters, which no name may hold: bidi controls (U+202A-U+202E,
U+2066-U+2069, the marks U+200E, U+200F and U+061C), zero-width space, joiners and
non-joiner, word joiner, byte order mark, soft hyphen, variation selectors, tag
characters, and the rest of Unicode's format (Cf) and default-ignorable characters.
They show as nothing, so a name holding one passes for another or hides what it says."""

_SPOOF = icu.SpoofChecker()
_LOOK_WORD = re.compile(_char_class("[[:L:][:M:][:N:]]") + "+")
_ASCII_LOOK_WORD = re.compile("[A-Za-z0-9]+")
"""What :data:`_LOOK_WORD` finds in ASCII text (its letters, marks and numbers there), found
several times faster: nearly every term is ASCII, and a load folds every term."""


def skeleton(text: str) -> str:
    """The confusable skeleton of ``text`` (Unicode Technical Standard #39, section 4):
    two strings that look alike have the same skeleton. ICU's, from Unicode's
    confusables data: each character becomes the prototype it can be mistaken for,
    and default-ignorable characters are dropped.

    >>> skeleton("m\u0435sa"), skeleton("mesa"), skeleton("rnesa")  # Cyrillic \u0435
    ('rnesa', 'rnesa', 'rnesa')
    >>> skeleton("AI") == skeleton("Al")
    True
    """
    result: str = _SPOOF.getSkeleton(0, text)
    return result


def look_alike_key(term: str) -> str:
    """The form under which terms that look alike meet: the confusable :func:`skeleton`,
    with what :func:`normalize_term` folds also folded (case, separators, British
    spelling, plurals), so that a look-alike of any spelling of a name meets it.

    Letters of every script are kept (:func:`normalize_term` keeps only ``a-z``). The
    skeleton is taken again after case folding, since lower-case letters have
    prototypes of their own; it writes ``m`` as ``rn``, which is turned back into ``m``
    (no skeleton holds an ``m``, so this keeps skeletons apart that were apart) so that
    British spellings such as "optimise" are still recognised (not so where the word has
    an ``rn`` of its own: "internalise" is kept apart from "internalize").

    >>> look_alike_key("M\u0435sa-Optimisers") == look_alike_key("mesa optimizer")
    True
    >>> look_alike_key("rnesa-optimizer"), look_alike_key("AI"), look_alike_key("Al")
    ('mesa optimizer', 'al', 'al')
    >>> look_alike_key("L\u00f6b's theorem") == look_alike_key("Lob's theorem")
    False
    """
    if term.isascii() and _ASCII_SLOW.isdisjoint(term):  # nearly every term: one table
        folded = term.translate(_ASCII_FOLD).replace("rn", "m")
        words = _ASCII_LOOK_WORD.findall(folded)
    else:
        folded = skeleton(skeleton(term).casefold()).casefold().replace("rn", "m")
        words = (_ASCII_LOOK_WORD if folded.isascii() else _LOOK_WORD).findall(folded)
    return " ".join(map(_folded_word, words))


_SAME_KEYS = re.compile("[a-zA-HJ-Z2-9 -]*")
"""ASCII names whose :func:`look_alike_key` is their :func:`normalize_term` when they
hold no ``rn`` in any case: letters but ``I`` (whose skeleton is ``l``), digits but ``0``
and ``1`` (``o``, ``l``), spaces and hyphens. :data:`_ASCII_FOLD` maps each of these to
its lower case but ``m``, which it writes ``rn`` and :func:`look_alike_key` turns back;
with no apostrophe both split the same words."""


def term_keys(term: str) -> tuple[str, str]:
    """``(normalize_term(term), look_alike_key(term))``, folding the words once for a
    name of :data:`_SAME_KEYS` (a load folds each of 50,000 concepts' names both ways).

    >>> term_keys("Mesa-Optimizers"), term_keys("AI")
    (('mesa optimizer', 'mesa optimizer'), ('ai', 'al'))
    """
    key = normalize_term(term)
    if _SAME_KEYS.fullmatch(term) is not None and "rn" not in term.lower():
        return key, key
    return key, look_alike_key(term)


def _ascii_fold() -> tuple[dict[int, str], frozenset[str]]:
    """What :func:`look_alike_key` makes of each ASCII character before it splits words
    (its skeleton, case folded, its skeleton again, case folded), for the characters that
    this leaves ASCII; and the others.

    A skeleton maps a string character by character (after NFD, which leaves ASCII as
    it is, and before another NFD, which leaves the ASCII prototypes as they are), and
    ASCII case folding is too, so for a term made of the first set the whole chain is
    one :meth:`str.translate`: two ICU calls fewer for each of a large load's 186,000
    names (tests/kg/test_ids.py compares the two ways)."""
    table: dict[int, str] = {}
    slow: set[str] = set()
    for code in range(128):
        once = skeleton(chr(code))
        twice = skeleton(once.casefold()).casefold()
        if once.isascii() and once.casefold().isascii() and twice.isascii():
            table[code] = twice
        else:
            slow.add(chr(code))
    return table, frozenset(slow)


_ASCII_FOLD, _ASCII_SLOW = _ascii_fold()


@functools.lru_cache(maxsize=1 << 16)
def _folded_word(word: str) -> str:
    """One word in American spelling and singular; remembered, as names share words
    (a load of 50,000 concepts folds each of a few thousand words hundreds of times)."""
    return singular(americanize(word))


def nearest(value: str, choices: Iterable[str], limit: int = 1, cutoff: float = 60.0) -> list[str]:
    """The valid names closest to a misspelt ``value``, best first.

    >>> nearest("produce", ["produces", "requires", "is_a"])
    ['produces']
    """
    found = process.extract(
        value, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff
    )
    return [choice for choice, _score, _index in found]


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint such as ``did you mean 'produces'?``, or ``''`` when nothing is close."""
    best = nearest(value, choices)
    return f"did you mean {best[0]!r}?" if best else ""
