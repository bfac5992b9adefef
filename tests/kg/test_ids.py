from __future__ import annotations

import itertools
import random

import pytest

from kg.ids import (
    INVISIBLE,
    did_you_mean,
    is_slug,
    look_alike_key,
    normalize_term,
    skeleton,
    slugify,
    term_keys,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mesa-optimizer", "Mesa Optimizer"),
        ("mesa-optimizer", "mesa_optimizers"),
        ("mesa-optimizer", "mesa-optimiser"),
        ("optimization", "Optimisation"),
        ("base objective", "base objectives"),
        ("behavioral objective", "behavioural objective"),
        ("goal misgeneralization", "goal misgeneralisation"),
        ("policy", "policies"),
        ("inner alignment", "  inner\talignment "),
        ("world model", "world-models"),
        ("humans", "human"),
    ],
)
def test_spellings_of_one_term_meet(a: str, b: str) -> None:
    assert normalize_term(a) == normalize_term(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mesa-optimizer", "mesa-objective"),
        ("inner alignment", "outer alignment"),
        ("otherwise", "otherwize"),  # only known stems are re-spelt
        ("process", "proces"),
    ],
)
def test_different_terms_stay_apart(a: str, b: str) -> None:
    assert normalize_term(a) != normalize_term(b)


def test_singular_keeps_words_that_only_look_plural() -> None:
    assert normalize_term("heuristics analysis process") == "heuristics analysis process"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Risks from Learned Optimization", "risks-from-learned-optimization"),
        ("  Mesa--Optimizer ", "mesa-optimizer"),
        ("A* search", "a-search"),
        ("Humans' goals", "humans-goals"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert is_slug(slug)


@pytest.mark.parametrize("bad", ["Mesa", "mesa optimizer", "mesa--optimizer", "-a", "a-", ""])
def test_is_slug_rejects(bad: str) -> None:
    assert not is_slug(bad)


def test_did_you_mean() -> None:
    hint = did_you_mean("has_objectve", ["has_objective", "is_a"])
    assert hint == "did you mean 'has_objective'?"
    assert did_you_mean("zzzzzz", ["has_objective", "is_a"]) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("paypal", "paypaI"),  # capital I for small L
        ("mesa-optimizer", "m\u0435sa-optimizer"),  # Cyrillic ie
        ("modern", "modem"),  # rn for m
        ("GPT-0", "GPT-O"),
        ("\ufb01le", "file"),  # a ligature
        ("inner alignment", "inner a\u200blignment"),  # an invisible character drops out
    ],
)
def test_look_alikes_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("na\u00efve", "naive"),
        ("mesa", "mess"),
        ("inner alignment", "outer alignment"),
        ("GPT-2", "GPT-3"),
    ],
)
def test_names_that_differ_visibly_do_not(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)
    assert look_alike_key(a) != look_alike_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("mesa-optimizer", "M\u0435sa Optimisers"),  # a look-alike of another spelling
        ("AI", "Al"),
        ("gpt-0", "GPT-O"),
        ("learned optimizer", "Iearned_optimizers"),
        ("base objective", "\u0412ase \u03bfbjectives"),  # Cyrillic Ve, Greek omicron
    ],
)
def test_look_alikes_of_any_spelling_meet(a: str, b: str) -> None:
    assert look_alike_key(a) == look_alike_key(b)


@pytest.mark.parametrize(
    "ch",
    [
        "\u202e",
        "\u202a",
        "\u2066",
        "\u2069",
        "\u200e",
        "\u061c",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u00ad",
        "\ufe0f",
        "\U000e0041",
        "\u180e",
        "\u3164",
    ],
)
def test_invisible_characters_are_known(ch: str) -> None:
    assert INVISIBLE.search(f"mesa{ch}optimizer")


@pytest.mark.parametrize(
    "text",
    [
        "mesa-optimizer",
        "na\u00efve",
        "\u00a0",
        "A*",
        "\U0001f600",
        "\u043c\u0435\u0437\u0430",
        "tab\there",
    ],
)
def test_visible_text_is_not_invisible(text: str) -> None:
    assert INVISIBLE.search(text) is None


def test_term_keys_are_the_two_folds() -> None:
    """term_keys folds once where both folds agree: it must give what the two give,
    on names of every character a name may start or end with."""
    rng = random.Random(19)
    alphabet = "abcimnrsz AIMNRZ-'\"`|_.0129\u0435\u00e9"
    names = ["".join(p) for p in itertools.product("rnmMIi1- '", repeat=3)]
    names += ["".join(rng.choices(alphabet, k=rng.randint(1, 14))) for _ in range(3000)]
    names += ["modern optimizers", "Mesa-Optimisers", "AI", "Iearned", "gpt-0", "rnesa"]
    for name in names:
        assert term_keys(name) == (normalize_term(name), look_alike_key(name)), name
