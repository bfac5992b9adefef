from __future__ import annotations

import pytest

from kg.citations import IndexedText, locate, normalize_text

TEXT = (
    "Intro.\n\nA \u201cmesa-optimizer\u201d is a learned   algorithm\n"
    "that is itself an optimizer. It\u2019s here."
)


@pytest.mark.parametrize(
    "quote",
    [
        'A "mesa-optimizer" is a learned algorithm that is itself an optimizer.',
        "A \u201cmesa-optimizer\u201d is a learned algorithm",
        "learned algorithm that is",
        "It's here.",
        "  Intro. A  ",
    ],
)
def test_offsets_point_at_the_quote(quote: str) -> None:
    where = locate(quote, TEXT)
    assert where is not None
    start, end = where
    assert normalize_text(TEXT[start:end]) == normalize_text(quote)
    # the passage starts and ends on the quote's own characters, not on padding
    assert not TEXT[start].isspace() and not TEXT[end - 1].isspace()


@pytest.mark.parametrize(
    "quote", ["a learned algorithm that is itself a optimizer", "", "   ", "Mesa-optimizer"]
)
def test_missing_quote_is_none(quote: str) -> None:
    assert locate(quote, TEXT) is None


def test_first_occurrence_is_used() -> None:
    assert locate("b", "a b a b") == (2, 3)


def test_closest_passage_for_a_misquote() -> None:
    text = IndexedText.build(TEXT)
    near = text.closest("is a learnt algorithm that is itself an optimiser")
    assert "learned algorithm that is itself an optimizer" in near


def test_offsets_survive_typographic_quotes_and_newlines() -> None:
    text = IndexedText.build(TEXT)
    assert len(text.offsets) == len(text.normalized)
    for i, ch in enumerate(text.normalized):
        original = TEXT[text.offsets[i]]
        assert ch == original or (ch == " " and original.isspace()) or ch in "\"'"
