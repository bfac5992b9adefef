"""The faster folding of names (issue 19's cold start) gives what the plain one gave.

:func:`kg.ids.normalize_term` now folds each word through a remembered function, and
:func:`kg.ids.look_alike_key` finds the words of ASCII text with an ASCII pattern (and
folds ASCII text by one table instead of two ICU skeletons). The
references below are the functions as they were before; they are compared on every term
of the shipped data, of a generated graph, and of random names with British spellings,
plurals, other scripts and odd characters.
"""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pytest

from bench.generate import build
from kg import ids
from kg.load import load_graph

DATA = Path(__file__).resolve().parents[2] / "data"


def tokens_before(term: str) -> list[str]:
    text = term.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [ids.singular(ids.americanize(w)) for w in ids._WORD.findall(text)]


def look_alike_key_before(term: str) -> str:
    folded = ids.skeleton(ids.skeleton(term).casefold()).casefold().replace("rn", "m")
    return " ".join(ids.singular(ids.americanize(w)) for w in ids._LOOK_WORD.findall(folded))


def shipped_terms() -> list[str]:
    graph = load_graph(DATA)
    return [t for c in graph.concepts.values() for t in (c.id, c.label, *c.aliases)]


def generated_terms() -> list[str]:
    corpus = build(400, 1200, seed=7)
    return [t for c in corpus.concepts for t in (c.id, c.label, *c.aliases)]


_PIECES = (
    "optimisers behaviours modelling colour organisation policies boxes analyses humans "
    "heuristics processes Mesa-Optimizer rnesa AI Al l1 0O Löb's naïve café ﬁne Straße "
    "m\u0435sa \u03b1\u03b2 \u0430\u043b\u044c\u0444\u0430 \u00aa\u00ba \u00b2\u00b3 "
    "\u0663\u0664 it\u2019s don\u2018t x\u200by e\u0301 \u2160\u2161 \uff21\uff22"
).split()


def random_terms(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + " -_'.,&/()" + "éøñ\u0391\u0436\u4e2d"
    terms = []
    for _ in range(count):
        words = [
            rng.choice(_PIECES)
            if rng.random() < 0.6
            else "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
            for _ in range(rng.randint(1, 4))
        ]
        terms.append(rng.choice([" ", "-", "_", "  "]).join(words))
    return terms


@pytest.mark.parametrize(
    "terms",
    [shipped_terms, generated_terms, lambda: random_terms(4000, 19)],
    ids=["shipped", "generated", "random"],
)
def test_folding_is_what_it_was(terms: object) -> None:
    found = terms()  # type: ignore[operator]
    assert len(found) > 100
    for term in found:
        assert ids.tokens(term) == tokens_before(term), term
        assert ids.normalize_term(term) == " ".join(tokens_before(term)), term
        assert ids.look_alike_key(term) == look_alike_key_before(term), term


def test_the_ascii_word_pattern_is_the_full_one_on_ascii() -> None:
    for code in range(128):
        ch = chr(code)
        assert bool(ids._ASCII_LOOK_WORD.fullmatch(ch)) == bool(ids._LOOK_WORD.fullmatch(ch))
    text = "".join(chr(c) for c in range(128)) * 2
    assert ids._ASCII_LOOK_WORD.findall(text) == ids._LOOK_WORD.findall(text)
    assert re.fullmatch("[A-Za-z0-9]+", "".join(ids._ASCII_LOOK_WORD.findall(text)))


def test_the_ascii_table_is_the_two_skeletons() -> None:
    rng = random.Random(34)
    every = "".join(chr(c) for c in range(128))
    terms = [every, every[::-1], "rnM%m", '0I1|`"', "Ml rn-rn_m"]
    terms += ["".join(rng.choice(every) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for term in terms:
        assert ids.look_alike_key(term) == look_alike_key_before(term), term
    assert "%" in ids._ASCII_SLOW  # its prototype is not ASCII: the ICU way
