from __future__ import annotations

import pytest

from kg.ids import did_you_mean, is_slug, normalize_term, slugify


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
    [("Risks from Learned Optimization", "risks-from-learned-optimization"),
     ("  Mesa--Optimizer ", "mesa-optimizer"), ("A* search", "a-search"),
     ("Humans' goals", "humans-goals")],
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
