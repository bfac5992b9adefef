"""Glossary-term annotation: the rules AISafety.info's pop-ups follow."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.annotate import annotate, fold, surface_forms
from kg.graph import KnowledgeGraph


def found(graph: KnowledgeGraph, text: str, first_only: bool = False) -> list[tuple[str, str]]:
    return [(a.text, a.id) for a in annotate(graph, text, first_only)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # case-insensitive, capitals kept in the reported words
        ("MESA-OPTIMIZER", [("MESA-OPTIMIZER", "mesa-optimizer")]),
        # plural, British, hyphen/space forms
        ("mesa optimisers", [("mesa optimisers", "mesa-optimizer")]),
        ("Mesa-Objectives", [("Mesa-Objectives", "mesa-objective")]),
        ("the behavioural objective", [("behavioural objective", "behavioral-objective")]),
        ("inner-alignment failures", [("inner-alignment", "inner-alignment")]),
        # longest match wins where terms overlap
        ("the inner alignment problem", [("inner alignment problem", "inner-alignment")]),
        ("a base objective function", [("base objective function", "base-objective")]),
        # a letter, digit, hyphen or underscore next to the words blocks them
        ("a mesa-optimizer-like system", []),
        ("pre-mesa-optimizer", []),
        ("mesa-optimizers2", []),
        ("mesa_optimizer", []),
        ("superoptimizer", []),
        # punctuation and possessives do not block
        (
            "(mesa-optimizer), \u201cmesa-optimizer\u201d",
            [("mesa-optimizer", "mesa-optimizer"), ("mesa-optimizer", "mesa-optimizer")],
        ),
        (
            "the mesa-optimizer's goal",
            [("mesa-optimizer", "mesa-optimizer"), ("goal", "objective-function")],
        ),
        # line breaks, several spaces and typographic hyphens inside a term
        ("inner\n  alignment", [("inner\n  alignment", "inner-alignment")]),
        ("mesa\u2011optimizer", [("mesa\u2011optimizer", "mesa-optimizer")]),
        ("nothing to see here", []),
        ("", []),
    ],
)
def test_rules(shipped: KnowledgeGraph, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(shipped, text) == expected


def test_first_only_marks_each_concept_once(shipped: KnowledgeGraph) -> None:
    text = "A mesa-optimizer is a learned optimizer; every mesa optimizer has a mesa-objective."
    assert found(shipped, text, first_only=True) == [
        ("mesa-optimizer", "mesa-optimizer"),
        ("mesa-objective", "mesa-objective"),
    ]
    assert [i for _t, i in found(shipped, text)].count("mesa-optimizer") == 3


def test_offsets_survive_characters_that_change_length_when_lower_cased(
    shipped: KnowledgeGraph,
) -> None:
    # U+0130 lower-cases to two characters; the offsets after it must not shift
    text = "\u0130\u0130\u0130 deceptive alignment"
    (a,) = annotate(shipped, text)
    assert (a.start, a.end, a.text) == (4, 23, "deceptive alignment")


def test_every_label_and_alias_is_found_as_written(shipped: KnowledgeGraph) -> None:
    for concept in shipped.concepts.values():
        for term in (concept.label, *concept.aliases):
            hits = annotate(shipped, f"about {term}.")
            assert [(a.text, a.id) for a in hits] == [(term, concept.id)], term


def test_fold_keeps_length() -> None:
    text = "Mesa\u2011Optimizer\u2019s\u00a0goal\tand \u0130"
    assert len(fold(text)) == len(text)


def test_surface_forms_cover_spellings() -> None:
    forms = surface_forms("base optimizer")
    assert {"base optimizer", "base-optimizers", "base optimiser", "base-optimisers"} <= forms


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "mesa-optimizer",
                "Inner Alignment",
                "objective",
                "-",
                " ",
                "\n",
                "x",
                "optimisers",
                "base",
                "\u0130",
                "é",
                "'s",
                ",",
            ]
        ),
        max_size=30,
    )
)
def test_offsets_always_point_at_the_reported_words(
    shipped: KnowledgeGraph, parts: list[str]
) -> None:
    text = "".join(parts)
    spans = annotate(shipped, text)
    for a in spans:
        assert text[a.start : a.end] == a.text
        assert a.start == 0 or not (text[a.start - 1].isalnum() or text[a.start - 1] in "-_")
    assert all(x.end <= y.start for x, y in zip(spans, spans[1:], strict=False))
