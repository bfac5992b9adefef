"""Citation checks: the quotations of a model's answer, found in the sources or not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.citations import normalize_text
from kg.graph import KnowledgeGraph
from kg.verify import (
    MIN_QUOTE_WORDS,
    NEAR_THRESHOLD,
    Quote,
    QuotePart,
    TooManyQuotations,
    Verification,
    verify,
)

FAQ = "what-is-inner-alignment"
NOTES = "inner-and-outer-misalignment-notes"
VIDEO = "mesa-optimizers-video-transcript"
PAPER = "risks-from-learned-optimization"


def one(result: Verification) -> Quote:
    (quote,) = result.quotes
    return quote


def at(graph: KnowledgeGraph, sid: str, passage: str) -> tuple[str, int, int]:
    """Where ``passage`` is in source ``sid``, found here from the text (once only)."""
    text = graph.source_text(sid)
    assert text.count(passage) == 1, passage
    start = text.index(passage)
    return sid, start, start + len(passage)


def where(quote: Quote | QuotePart) -> tuple[str, int, int] | None:
    m = quote.match
    return (m.source, m.start, m.end) if m else None


# -- exact


@pytest.mark.parametrize(
    ("sid", "sentence"),
    [
        (
            FAQ,
            "Inner alignment is the problem of making sure that the goal an AI ends up "
            "pursuing is the same as the goal we optimized it for.",
        ),
        (
            NOTES,
            "Whether a system is an optimizer is a property of how the system works "
            "internally, not how the system behaves.",
        ),
        (
            VIDEO,
            "But in principle, this is very concerning because you have a system which is "
            "very capable at getting what it wants, but it's learned to want the wrong thing.",
        ),
    ],
)
def test_a_real_quote_is_exact_at_its_offsets(
    shipped: KnowledgeGraph, sid: str, sentence: str
) -> None:
    text = f'The source says: "{sentence}" That settles it.'
    quote = one(verify(shipped, text))
    assert quote.status == "exact" and quote.score == 1.0
    assert (quote.start, quote.end) == (18, 18 + len(sentence))
    assert text[quote.start : quote.end] == quote.text == sentence
    assert where(quote) == at(shipped, sid, sentence)
    assert quote.match and quote.match.text == sentence
    assert quote.match.title == shipped.sources[sid].title
    assert quote.differences == () and len(quote.parts) == 1
    assert quote.parts[0].match == quote.match


def test_folding_white_space_quotes_dashes_and_markdown_is_still_exact(
    shipped: KnowledgeGraph,
) -> None:
    # the source: "... fulfilled the goal — maximizing the number of troops — but ..."
    dashes = one(
        verify(shipped, '"robustly fulfilled the goal -- maximizing the number of troops -- but"')
    )
    assert dashes.status == "exact"
    assert dashes.match and "goal \u2014 maximizing" in dashes.match.text
    # the source has the "mesa-optimizer" in curly quotes; the model leaves them out
    dropped = one(verify(shipped, '"A mesa-optimizer is a learned algorithm that is itself"'))
    assert where(dropped) == at(
        shipped, FAQ, "A \u201cmesa-optimizer\u201d is a learned algorithm that is itself"
    )
    # the source's markdown links are read as their text
    links = one(
        verify(
            shipped,
            "It \u201ccan be split into sub-problems like deceptive alignment, "
            "distribution shifts, and gradient hacking.\u201d",
        )
    )
    assert where(links) == at(
        shipped,
        FAQ,
        "can be split into sub-problems like deceptive alignment, [distribution shifts](#), "
        "and [gradient hacking](#).",
    )
    # line breaks and runs of spaces in the quotation, a capital the source lacks, and a
    # comma inside the closing quote that the source does not have
    spaced = one(
        verify(
            shipped,
            'He calls it "The exit is always\n  green, and anything green is always the exit,"',
        )
    )
    assert where(spaced) == at(
        shipped, VIDEO, "the exit is always green, and anything green is always the exit"
    )


def test_a_part_matches_whole_words_only(shipped: KnowledgeGraph) -> None:
    # "the base objective captures the intended goal" is in the FAQ; "the base objectiv"
    # is in it too, but not as words
    assert one(verify(shipped, '"the base objective captures the intended goal"')).status == (
        "exact"
    )
    assert one(verify(shipped, '"the base objectiv captures the intended goal"')).status == "near"
    assert one(verify(shipped, '"he base objective captures the"')).status != "exact"


# -- near and not found


def test_one_word_changed_is_near_with_the_right_passage(shipped: KnowledgeGraph) -> None:
    quote = one(verify(shipped, 'The FAQ: "This is a failure of outer alignment."'))
    assert quote.status == "near" and NEAR_THRESHOLD <= quote.score < 1
    assert where(quote) == at(shipped, FAQ, "This is a failure of inner alignment.")
    assert [(d.quoted, d.source) for d in quote.differences] == [("outer", "inner")]
    longer = one(
        verify(
            shipped,
            "\u201cgoes to the apples and ignores the exit, because the exit is now grey and "
            "the apples now happen to be green.\u201d",
        )
    )
    assert longer.status == "near"
    assert where(longer) == at(
        shipped,
        VIDEO,
        "goes to the apples and ignores the exit, because the exit is now gray and the apples "
        "now happen to be green.",
    )
    assert [(d.quoted, d.source) for d in longer.differences] == [("grey", "gray")]


def test_a_word_left_out_and_a_meaning_reversed_are_near(shipped: KnowledgeGraph) -> None:
    dropped = one(
        verify(
            shipped,
            '"the assistant only learned to destroy villages of Aurora players, which was '
            'the only enemy alliance it had seen during training!"',
        )
    )
    assert dropped.status == "near"
    assert dropped.match and dropped.match.text.endswith("it had seen during the training!")
    assert [(d.quoted, d.source) for d in dropped.differences] == [("", "the")]
    reversed_ = one(
        verify(
            shipped, '"we pursue our mesa objectives while caring deeply about the base objective"'
        )
    )
    assert reversed_.status == "near"
    assert where(reversed_) == at(
        shipped, VIDEO, "we pursue our mesa objectives without caring about the base objective."
    )
    assert [(d.quoted, d.source) for d in reversed_.differences] == [
        ("while", "without"),
        ("deeply", ""),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "every sufficiently large neural network will eventually become a mesa-optimizer",
        "a deceptive mesa-optimizer would simply behave well whenever it believes it is "
        "being trained",
        "pseudo-alignment is the default outcome of any gradient-based training procedure",
        "Gradient descent selects for models that perform well, not for models that share "
        "our values.",
        "The base objective is the loss function used during training.",
    ],
)
def test_an_invented_sentence_is_not_found(shipped: KnowledgeGraph, sentence: str) -> None:
    quote = one(verify(shipped, f"He wrote that \u201c{sentence}\u201d"))
    assert quote.status == "not_found" and quote.match is None
    assert quote.score < NEAR_THRESHOLD and quote.differences == ()
    assert quote.parts[0].status == "not_found" and quote.parts[0].match is None


def test_the_threshold_decides_near(shipped: KnowledgeGraph) -> None:
    text = '"This is a failure of outer alignment."'
    assert one(verify(shipped, text)).status == "near"
    strict = one(verify(shipped, text, threshold=1.0))
    assert strict.status == "not_found" and strict.match is None
    assert strict.score == one(verify(shipped, text)).score


# -- what counts as a quotation


def test_straight_curly_single_and_block_quotes(shipped: KnowledgeGraph) -> None:
    text = (
        'Straight: "mesa is the opposite of meta," curly: \u201ca mesa optimizer is an '
        "optimizer that is optimized by an optimizer.\u201d and single: \u2018Is that all "
        "clear as mud?\u2019\n\n"
        "> We are mesa optimizers, and we pursue our mesa objectives\n"
        "> without caring about the base objective.\n\n"
        "After the block."
    )
    result = verify(shipped, text)
    assert [q.style for q in result.quotes] == ["straight", "curly", "single", "block"]
    assert all(q.status == "exact" for q in result.quotes)
    for q in result.quotes[:3]:
        assert text[q.start : q.end] == q.text
    block = result.quotes[3]
    assert block.text == (
        "We are mesa optimizers, and we pursue our mesa objectives\n"
        "without caring about the base objective."
    )
    assert block.start == text.index("We are") and block.end == text.index("\n\nAfter")
    assert where(block) == at(
        shipped,
        VIDEO,
        "We are mesa optimizers, and we pursue our mesa objectives without caring about the "
        "base objective.",
    )


def test_block_quotes_drop_attribution_and_wrapping_quote_marks(shipped: KnowledgeGraph) -> None:
    sentence = "The problem posed by misaligned mesa-optimizers is a kind of reward-result gap."
    for text in (
        f"> {sentence}\n> \u2014 the notes",
        f'> "{sentence}"',
        f"> \u201c{sentence}\u201d \u2014 Hubinger et al.",
        ">The problem posed by misaligned\n>mesa-optimizers is a kind of reward-result gap.",
    ):
        quote = one(verify(shipped, text))
        assert quote.status == "exact", text
        assert normalize_text(quote.text) == sentence
        assert where(quote) == at(shipped, NOTES, sentence)
    # a blank line ends a block quote: two passages
    two = verify(shipped, f"> {sentence}\n\n> {sentence}")
    assert [q.status for q in two.quotes] == ["exact", "exact"]


def test_apostrophes_are_not_quote_marks(shipped: KnowledgeGraph) -> None:
    text = (
        "The models\u2019 goals don\u2019t match the designers\u2019 intentions; it\u2019s "
        "the optimizer\u2019s choice, and that\u2019s the 90\u2019s view. Don't, won't, "
        "models' goals."
    )
    result = verify(shipped, text)
    assert result.quotes == () and result.terms == ()
    # an apostrophe inside a single-quoted passage does not close it
    inside = verify(
        shipped, "Miles: \u2018it doesn\u2019t just implement heuristics; it plans\u2019."
    )
    assert [q.text for q in inside.quotes] == [
        "it doesn\u2019t just implement heuristics; it plans"
    ]
    assert inside.quotes[0].status == "exact"


def test_straight_single_quotes_are_checked_and_apostrophes_are_not(
    shipped: KnowledgeGraph,
) -> None:
    invented = "mesa-optimizers are an unavoidable consequence of scaling and will always deceive"
    source = shipped.source_text("mesa-optimizers-video-transcript")
    real = "gradient descent is going to want to produce optimizers if possible."
    start = source.index(real)
    text = (
        f"The paper warns that '{invented}'. Miles says '{real}' and it's right; "
        "the models' goals don't matter, and the 'mesa' prefix means below."
    )
    result = verify(shipped, text)
    assert [(q.style, q.text, q.status) for q in result.quotes] == [
        ("single", invented, "not_found"),
        ("single", real, "exact"),
    ]
    match = result.quotes[1].match
    assert match is not None and (match.start, match.end) == (start, start + len(real))
    assert [t.text for t in result.terms] == ["mesa"]  # a scare-quoted word is a term


def test_quotes_in_code_are_not_quotations(shipped: KnowledgeGraph) -> None:
    text = (
        'Use `print("this is not a quotation at all")` or:\n\n'
        "```python\n"
        'x = "nor is this a quotation of anything"\n'
        "> nor this line\n"
        "```\n"
    )
    result = verify(shipped, text)
    assert result.quotes == () and result.terms == ()


def test_an_unclosed_quote_ends_at_a_blank_line(shipped: KnowledgeGraph) -> None:
    text = 'He said "the base optimizer is here\n\nand then "mesa is the opposite of meta" too.'
    assert [q.text for q in verify(shipped, text).quotes] == ["mesa is the opposite of meta"]


# -- ellipses


def test_an_ellipsis_splits_a_quotation_into_parts_found_in_order(
    shipped: KnowledgeGraph,
) -> None:
    text = (
        "A bottle cap \u201cdoes well the task for which it\u2019s used \u2026 But it does "
        "not perform any optimization.\u201d"
    )
    quote = one(verify(shipped, text))
    assert quote.status == "exact"
    assert [p.text for p in quote.parts] == [
        "does well the task for which it\u2019s used",
        "But it does not perform any optimization.",
    ]
    for part in quote.parts:
        assert text[part.start : part.end] == part.text and part.status == "exact"
    first = at(shipped, NOTES, "does well the task for which it\u2019s used")
    second = at(shipped, NOTES, "But it does not perform any optimization")
    assert [where(p) for p in quote.parts] == [first, second]
    # the quotation's passage runs from the first part to the end of the last
    assert where(quote) == (NOTES, first[1], second[2])
    assert quote.match and "keeping the water inside the bottle" in quote.match.text


@pytest.mark.parametrize("mark", ["...", "\u2026", "[\u2026]", "[...]", ". . ."])
def test_every_way_of_writing_an_ellipsis(shipped: KnowledgeGraph, mark: str) -> None:
    text = (
        f'"we will call the problem of eliminating the base-mesa objective gap {mark} '
        'the inner alignment problem"'
    )
    quote = one(verify(shipped, text))
    assert quote.status == "exact" and len(quote.parts) == 2


def test_parts_out_of_order_or_from_two_sources_are_not_exact(shipped: KnowledgeGraph) -> None:
    swapped = one(
        verify(
            shipped,
            '"But it does not perform any optimization \u2026 does well the task for which '
            'it\u2019s used"',
        )
    )
    assert swapped.status == "not_found"
    mixed = one(
        verify(
            shipped,
            '"Inner alignment is the problem of making sure \u2026 mesa is the opposite of meta"',
        )
    )
    assert mixed.status == "not_found" and mixed.match is None


def test_a_short_part_is_found_exactly_or_not_at_all(shipped: KnowledgeGraph) -> None:
    found = one(verify(shipped, '"the base optimizer \u2026 the mesa optimizer"'))
    assert found.status == "exact"
    missing = one(verify(shipped, '"the base optimizer \u2026 the banana optimizer"'))
    assert missing.status == "not_found" and missing.match is None


def test_a_misquoted_part_makes_the_quotation_near(shipped: KnowledgeGraph) -> None:
    quote = one(
        verify(
            shipped,
            '"does well the task for which it\u2019s used \u2026 But it does not perform any '
            'optimisation at all"',
        )
    )
    assert quote.status == "near"
    assert [p.status for p in quote.parts] == ["exact", "near"]
    assert quote.differences == quote.parts[1].differences != ()


# -- terms, glossary, summary


def test_short_quotations_are_terms(shipped: KnowledgeGraph) -> None:
    text = (
        "The \u201cmesa-optimizer\u201d and the \u201cbase optimizer,\u201d which "
        'natural selection \u2018designed\u2019, are "not quotations".'
    )
    result = verify(shipped, text)
    assert result.quotes == ()
    assert [(t.text, t.style, t.concept) for t in result.terms] == [
        ("mesa-optimizer", "curly", "mesa-optimizer"),
        ("base optimizer", "curly", "base-optimizer"),
        ("designed", "single", None),
        ("not quotations", "straight", None),
    ]
    for term in result.terms:
        assert text[term.start : term.end] == term.text
    assert result.summary.terms == 4 and result.summary.quotes == 0
    # min_words decides: with 1, each is a quotation to check
    assert len(verify(shipped, text, min_words=1).quotes) == 4
    assert MIN_QUOTE_WORDS == 4


def test_glossary_terms_are_flagged_once_each(shipped: KnowledgeGraph) -> None:
    text = "Mesa-optimizers pursue a mesa-objective; a mesa optimizer is not the base optimizer."
    result = verify(shipped, text)
    assert [(g.text, g.id) for g in result.glossary] == [
        ("Mesa-optimizers", "mesa-optimizer"),
        ("mesa-objective", "mesa-objective"),
        ("base optimizer", "base-optimizer"),
    ]
    assert result.glossary[0].label == shipped.concepts["mesa-optimizer"].label


def test_empty_and_quote_free_texts(shipped: KnowledgeGraph) -> None:
    for text in ("", "   \n\n ", 'Nothing "" quoted \u201c\u201d here, \u2018 \u2019 or "..."'):
        result = verify(shipped, text)
        assert result.quotes == () and result.terms == ()
        assert result.summary.model_dump() == {
            "quotes": 0,
            "exact": 0,
            "near": 0,
            "not_found": 0,
            "terms": 0,
        }


def test_the_summary_counts_the_statuses(shipped: KnowledgeGraph) -> None:
    text = (
        '"mesa is the opposite of meta" and "This is a failure of outer alignment." and '
        '"every sufficiently large neural network will become a mesa-optimizer" and "goal"'
    )
    s = verify(shipped, text).summary
    assert (s.quotes, s.exact, s.near, s.not_found, s.terms) == (3, 1, 1, 1, 1)


def test_too_many_quoted_passages_are_refused_before_any_is_checked(
    shipped: KnowledgeGraph,
) -> None:
    text = " ".join(f'"one two three four {n}"' for n in range(11))
    with pytest.raises(TooManyQuotations) as raised:
        verify(shipped, text, max_quotes=10)
    assert raised.value.limit == 10
    assert "more than 10 quoted passages" in raised.value.detail
    assert len(verify(shipped, text, max_quotes=11).quotes) == 11
    assert len(verify(shipped, text, max_quotes=None).quotes) == 11
    # each part an ellipsis separates counts, and so does each term
    parts = '"one two three four \u2026 five six seven eight" and "a term"'
    with pytest.raises(TooManyQuotations):
        verify(shipped, parts, max_quotes=2)
    assert verify(shipped, parts, max_quotes=3).summary.terms == 1
    blocks = "\n\n".join(f"> line {n} of a block quote" for n in range(11))
    with pytest.raises(TooManyQuotations):
        verify(shipped, blocks, max_quotes=10)


def test_the_paper_without_text_is_never_matched(shipped: KnowledgeGraph) -> None:
    assert not shipped.sources[PAPER].has_text
    result = verify(shipped, "\n\n".join(ANSWERS))
    sources = {p.match.source for q in result.quotes for p in q.parts if p.match}
    assert sources == {FAQ, NOTES, VIDEO}


# -- realistic answers, read as an editor would

ANSWERS = [
    # real quotes, one word order changed, one meaning reversed
    '**What is inner alignment?**\n\nAccording to AISafety.info, "Inner alignment is the '
    "problem of making sure that the goal an AI ends up pursuing is the same as the goal we "
    'optimized it for." SGD is called the \u201cbase optimizer,\u201d and a '
    "\u201cmesa-optimizer\u201d is \u201ca learned algorithm that is itself an optimizer."
    '\u201d\n\nNatural selection \u2018designed\u2019 humans to achieve "the goal of high '
    'genetic fitness," but humans "no longer primarily pursue reproductive success; instead '
    'they use birth control." As the answer puts it, "This is a failure of outer alignment."',
    # a block quote with spaced dashes, real quotes, and two invented claims
    "Miles introduces the terminology:\n\n> To distinguish between these two optimizers, "
    "we'll call this one \u2014 the one that's like gradient descent \u2014 that's the base "
    'optimizer, and its objective is the base objective.\n\nHe explains: "mesa is the '
    'opposite of meta," so "a mesa optimizer is an optimizer that is optimized by an '
    'optimizer." He also claims that "every sufficiently large neural network will '
    'eventually become a mesa-optimizer," which is "the most important unsolved problem in '
    'AI safety."',
    # an ellipsis, a dropped word, a misspelling, an attribution line, an invented sentence
    'The assistant "robustly fulfilled the goal -- maximizing the number of troops -- but '
    'you realized that this is not in fact what you intended." Later, "the assistant only '
    "learned to destroy villages of Aurora players, which was the only enemy alliance it "
    'had seen during training!" A bottle cap "does well the task for which it\'s used '
    '\u2026 But it does not perform any optimization." After deployment the model "goes to '
    "the apples and ignores the exit, because the exit is now grey and the apples now "
    'happen to be green."\n\n> But in principle, this is very concerning because you have a '
    "system which is very capable at getting what it wants, but it's learned to want the "
    'wrong thing.\n> \u2014 Robert Miles\n\nThe author warns that "pseudo-alignment is the '
    'default outcome of any gradient-based training procedure."',
    # the paper quoted through the FAQ, nested quotes in single quotes, a reversal
    '> "We refer to this problem of aligning mesa-optimizers with the base objective as the '
    'inner alignment problem."\n\nThe notes add: "we will call the problem of eliminating '
    "the base-mesa objective gap \u2026 the inner alignment problem.\" Evolution's objective "
    'is "something like \'make as many copies of your DNA as possible,\'" and "we pursue '
    'our mesa objectives while caring deeply about the base objective."\n\n```\nprint("code'
    ' is never a quotation")\n```',
]
EXPECTED: list[list[tuple[str, str | None, str | None]]] = [
    [
        (
            "exact",
            FAQ,
            "Inner alignment is the problem of making sure that the goal an AI ends up "
            "pursuing is the same as the goal we optimized it for.",
        ),
        ("exact", FAQ, "a learned algorithm that is itself an optimizer."),
        ("exact", FAQ, "the goal of high genetic fitness,"),
        (
            "near",
            FAQ,
            "no longer primarily pursue reproductive success; they instead use birth control",
        ),
        ("near", FAQ, "This is a failure of inner alignment."),
    ],
    [
        (
            "exact",
            VIDEO,
            "To distinguish between these two optimizers, we'll call this one\u2014the one "
            "that's like gradient descent\u2014that's the base optimizer, and its objective is "
            "the base objective.",
        ),
        ("exact", VIDEO, "mesa is the opposite of meta"),
        ("exact", VIDEO, "a mesa optimizer is an optimizer that is optimized by an optimizer."),
        ("not_found", None, None),
        ("not_found", None, None),
    ],
    [
        (
            "exact",
            NOTES,
            "robustly fulfilled the goal \u2014 maximizing the number of troops \u2014 but you "
            "realized that this is not in fact what you intended.",
        ),
        (
            "near",
            NOTES,
            "the assistant only learned to destroy villages of Aurora players, which was the "
            "only enemy alliance it had seen during the training!",
        ),
        (
            "exact",
            NOTES,
            "does well the task for which it\u2019s used, keeping the water inside the bottle. "
            "But it does not perform any optimization",
        ),
        (
            "near",
            VIDEO,
            "goes to the apples and ignores the exit, because the exit is now gray and the "
            "apples now happen to be green.",
        ),
        (
            "exact",
            VIDEO,
            "But in principle, this is very concerning because you have a system which is very "
            "capable at getting what it wants, but it's learned to want the wrong thing.",
        ),
        ("not_found", None, None),
    ],
    [
        (
            "exact",
            FAQ,
            "We refer to this problem of aligning mesa-optimizers with the base objective as "
            "the inner alignment problem.",
        ),
        (
            "exact",
            NOTES,
            "We will call the problem of eliminating the base-mesa objective gap the inner "
            "alignment problem",
        ),
        ("exact", VIDEO, 'something like "make as many copies of your DNA as possible'),
        (
            "near",
            VIDEO,
            "we pursue our mesa objectives without caring about the base objective.",
        ),
    ],
]


@pytest.mark.parametrize(("text", "expected"), list(zip(ANSWERS, EXPECTED, strict=True)))
def test_model_answers_read_as_an_editor_would(
    shipped: KnowledgeGraph,
    text: str,
    expected: list[tuple[str, str | None, str | None]],
) -> None:
    result = verify(shipped, text)
    got = [(q.status, *(where(q) or (None, None, None))) for q in result.quotes]
    want = [
        (status, *(at(shipped, sid, passage) if sid and passage else (None, None, None)))
        for status, sid, passage in expected
    ]
    assert got == want
    for q in result.quotes:
        if q.style != "block":
            assert text[q.start : q.end] == q.text
        if q.match:
            assert q.match.text == shipped.source_text(q.match.source)[q.match.start : q.match.end]
        assert (q.status == "near") == bool(q.differences)


# -- the property: any passage of a source, quoted, is found where it is

_AWKWARD = re.compile(
    '["\u201c\u201d\u2018\u2019`\u2026]|\\.\\s?\\.\\s?\\.|\\n[ \\t]*\\n|\\n[ \\t]*>'
)


@st.composite
def passages(draw: st.DrawFn, graph: KnowledgeGraph) -> tuple[str, int, int]:
    """A run of at least MIN_QUOTE_WORDS whole words of a source: its id and offsets."""
    sid = draw(st.sampled_from([FAQ, NOTES, VIDEO]))
    words = [m.span() for m in re.finditer(r"\S+", graph.source_text(sid))]
    n = draw(st.integers(MIN_QUOTE_WORDS, 40))
    i = draw(st.integers(0, len(words) - n))
    return sid, words[i][0], words[i + n - 1][1]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.data(), style=st.sampled_from(["straight", "curly", "block"]))
def test_any_passage_of_a_source_quoted_is_exact_where_it_is(
    shipped: KnowledgeGraph, data: st.DataObject, style: str
) -> None:
    sid, start, end = data.draw(passages(shipped))
    passage = shipped.source_text(sid)[start:end]
    if _AWKWARD.search(passage):
        return  # quote marks, ellipses or paragraph breaks of its own: not this property
    if style == "straight":
        before, quoted, after = 'As the source says, "', passage, '" and so on.'
    elif style == "curly":
        before, quoted, after = "As the source says, \u201c", passage, "\u201d and so on."
    else:
        before, quoted, after = (
            "As the source says:\n\n> ",
            passage.replace("\n", "\n> "),
            "\n\nSo.",
        )
    text = before + quoted + after
    quote = one(verify(shipped, text))
    assert quote.status == "exact" and quote.start == len(before)
    assert quote.end == len(before) + len(quoted)
    assert quote.match is not None
    found = shipped.source_text(quote.match.source)[quote.match.start : quote.match.end]
    assert normalize_text(found) == normalize_text(passage)
    folded = normalize_text(passage)
    if sum(normalize_text(shipped.source_text(s)).count(folded) for s in (FAQ, NOTES, VIDEO)) == 1:
        assert where(quote) == (sid, start, end)
