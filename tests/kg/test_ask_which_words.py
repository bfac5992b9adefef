"""Which-questions whose predicate is words, not a concept: "which one pretends during
training, a deceptively aligned model or a corrigibly aligned one?"."""

from __future__ import annotations

import pytest

from kg.ask import ask
from kg.graph import KnowledgeGraph
from tests.test_answer_quality import check_answer


@pytest.mark.parametrize(
    ("q", "chosen", "other"),
    [
        (
            "Which one pretends during training, a deceptively aligned model or a corrigibly "
            "aligned one?",
            "deceptive-alignment",
            "corrigible-alignment",
        ),
        (
            "Which turns on us once deployed, a deceptively aligned model or a robustly "
            "aligned one?",
            "deceptive-alignment",
            "robust-alignment",
        ),
    ],
)
def test_the_option_whose_own_text_the_words_describe_is_chosen(
    shipped: KnowledgeGraph, q: str, chosen: str, other: str
) -> None:
    a = ask(shipped, q)
    assert a.intent == "which" and a.concepts == [chosen, other]
    label = shipped.concepts[chosen].label
    assert a.answer.startswith(f"**{label[0].upper() + label[1:]}.**")
    # the passage that decided it is one of the chosen concept's, with its footnote
    lead = a.answer.split("\n\n")[0]
    assert "pretend to be aligned during the training process" in lead
    check_answer(shipped, a.answer, a.notes)


@pytest.mark.parametrize(
    "q",
    [
        # the deciding passage speaks of both options and names neither just before the
        # question's words: it cannot tell which one it says is likelier to keep its
        # skills, so the relation is told, undecided ("While the base objective is
        # specified by the programmers, mesa-objective is not." does decide: test_ask)
        "Which kind of system is more likely to keep its skills but chase the wrong goal "
        "after a shift, heuristics or a mesa-optimizer?",
    ],
)
def test_a_passage_about_both_options_decides_nothing(shipped: KnowledgeGraph, q: str) -> None:
    a = ask(shipped, q)
    assert a.intent != "which"
    assert not a.answer.startswith("**")


@pytest.mark.parametrize(
    "q",
    [
        "Which one is not written by the programmers, the base objective or the mesa-objective?",
        # three concepts: the subject (optimizer) and two options
        "Which one is not an optimizer, gradient descent or a bottle cap?",
        "Which one does not care about genetic fitness, evolution or humans?",
        "Which one is less likely to keep working after a distributional shift, a "
        "mesa-optimizer or heuristics?",
        # the passage that fits sets the two against each other ("it doesn't just
        # implement heuristics; it plans")
        "Which one plans ahead, a collection of heuristics or a mesa-optimizer?",
    ],
)
def test_a_turned_predicate_chooses_nothing(shipped: KnowledgeGraph, q: str) -> None:
    """A negated or contrasting predicate would have the choice name the wrong option:
    the relation between the options is told, undecided."""
    a = ask(shipped, q)
    assert a.intent != "which", a.answer[:200]
    assert not a.answer.startswith("**The") and "**Heuristics.**" not in a.answer


@pytest.mark.parametrize(
    "q",
    [
        "Which one is more likely to fail completely after a distributional shift, a "
        "mesa-optimizer or a collection of heuristics?",
        "Which is likelier to fail completely after a distributional shift, heuristics or a "
        "mesa-optimizer?",
    ],
)
def test_a_described_predicate_decides_when_the_rest_is_setting(
    shipped: KnowledgeGraph, q: str
) -> None:
    """The only concept named besides the options is the setting, which the options are
    not compared on; what the question describes ("fail completely": failure to
    generalize, which heuristics make likelier) is, and it decides."""
    a = ask(shipped, q)
    assert a.intent == "which" and a.answer.startswith("**Heuristics.**"), a.answer[:200]
    assert a.concepts[0] == "generalization-failure"


def test_a_subject_beside_the_setting_still_decides(shipped: KnowledgeGraph) -> None:
    a = ask(
        shipped,
        "Under distributional shift, which is more likely to fail to generalize: heuristics "
        "or a mesa-optimizer?",
    )
    assert a.intent == "which" and a.answer.startswith("**Heuristics.**")


def test_what_happens_to_a_named_mode_is_not_taken_for_an_example(
    shipped: KnowledgeGraph,
) -> None:
    a = ask(shipped, "What happens once a deceptive mesa-optimizer is deployed?")
    assert a.concepts[0] == "deceptive-alignment"


@pytest.mark.parametrize(
    "q",
    [
        "Which is more likely after a shift for an optimizer: failure to generalize or goal "
        "misgeneralization?",
        # the comparative, and the setting's names ("optimizer", "distributional shift")
        # among the words a passage of both options is found by
        "For an optimizer, which is likelier after a distributional shift, goal "
        "misgeneralization or failure to generalize?",
    ],
)
def test_the_note_between_the_options_says_which_is_likelier(
    shipped: KnowledgeGraph, q: str
) -> None:
    # the video: a collection of heuristics is the likelier to fail to generalize; "a
    # third possibility, which is more likely if it's an optimizer" is competence turned
    # on the wrong objective
    a = ask(shipped, q)
    assert a.intent == "which"
    assert a.concepts[:2] == ["goal-misgeneralization", "generalization-failure"]
    assert a.answer.startswith("**Goal misgeneralization.**")
    lead = a.answer.split("\n\n")[0]
    assert "goal misgeneralization is the likelier" in lead
    assert "which is more likely if it's an optimizer" in a.answer
    check_answer(shipped, a.answer, a.notes)
