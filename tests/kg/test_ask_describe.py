"""kg.ask's describe intent: a question that describes a concept without naming it gets
the term, its definition and what matched, cited like every other answer; a question
that names something the graph lacks stays unknown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.ask import _NAMING, ask
from kg.graph import KnowledgeGraph
from tests.test_answer_quality import check_answer

DESCRIBED = [
    # (question, the concept the answer must name, a phrase the answer must hold)
    (
        "What do you call it when a model pretends to be aligned until deployment?",
        "deceptive-alignment",
        "pretend to be aligned during the training process",
    ),
    (
        "what do you call a model that behaves well in training and defects later?",
        "deceptive-alignment",
        "defects once deployed",
    ),
    (
        "What is the name of the training method that deliberately searches for a model's "
        "weaknesses and trains on them?",
        "adversarial-training",
        "seeks out a model's weaknesses",
    ),
    (
        "what's the name of the example where code to cure cancer could be satisfied by "
        "killing all the people",
        "cancer-objective-example",
        "killing everyone",
    ),
    (
        "What's the term for a system's internal picture of how its environment works?",
        "world-model",
        "internal representation of how its environment works",
    ),
    (
        "Is there a word for a goal you want just for its own sake?",
        "terminal-goal",
        "valued for its own sake",
    ),
    # no frame: the unknown path asks kg.describe before it gives up
    (
        "the thing where the duck assumes whatever it sees first when it hatches is its mother",
        "duckling-imprinting",
        "first living thing they see after hatching",
    ),
    (
        "an AI that will try to stop you from pressing its off switch",
        "shutdown-avoidance",
        "stop humans from switching it off",
    ),
    # a description typed without a question, naming concepts on the way
    (
        "the objective a mesa-optimizer really ends up pursuing, as opposed to the one it was "
        "trained on",
        "mesa-objective",
        "the learned model itself, actually pursues",
    ),
    (
        "the problem of aligning the learned optimizer with the objective it was trained on",
        "inner-alignment",
        "robustly matches the base objective",
    ),
    # words the graph lacks around names, in a long description that fits one concept
    (
        "creatures evolution produced that have brains, learn and plan, but do not care about "
        "copying their DNA",
        "animals",
        "do not care about",
    ),
    # requests for a term in other words
    (
        "whats the problem called of making sure the thing the trained model ends up wanting "
        "actually matches what we trained it for",
        "inner-alignment",
        "robustly matches the base objective",
    ),
    (
        "which 2019 paper introduced the whole mesa/base optimizer terminology?",
        "risks-from-learned-optimization",
        "2019 paper",
    ),
]


@pytest.mark.parametrize(
    ("question", "cid", "phrase"), DESCRIBED, ids=[q for q, _c, _p in DESCRIBED]
)
def test_a_description_gets_the_term(
    shipped: KnowledgeGraph, question: str, cid: str, phrase: str
) -> None:
    a = ask(shipped, question)
    assert a.intent == "describe"
    assert a.concepts[0] == cid and len(a.concepts) <= 3
    label = shipped.concepts[cid].label
    first = a.answer.splitlines()[0]
    assert f"**{label}**" in first
    # the term is defined, in the graph's words, with its quotes
    assert f"**{label[0].upper() + label[1:]}**" in a.answer
    assert shipped.concepts[cid].definition.split(".")[0] in a.answer
    assert phrase in a.answer
    assert a.notes.items and a.suggestions
    check_answer(shipped, a.answer, a.notes)


@pytest.mark.parametrize(
    "question",
    [
        "What do you call the fear of spiders?",
        "Is there a word for reward hacking?",
        "What is the term for the alignment tax?",
        "What is the name of the company that makes the iPhone?",
        "What is the word for an AI that tampers with its reward sensor?",
        "What do you call RLHF?",
        "hello",
    ],
)
def test_what_the_graph_lacks_stays_unknown(shipped: KnowledgeGraph, question: str) -> None:
    a = ask(shipped, question)
    assert a.intent == "unknown"
    assert "has no entry for" in a.answer or "names no concept" in a.answer


def test_a_named_concept_is_defined_not_described(shipped: KnowledgeGraph) -> None:
    """A request for the term of something the question names is answered about it."""
    for q in ("What do you call a mesa-optimizer?", "what is a mesa-optimizer called?"):
        a = ask(shipped, q)
        assert (a.intent, a.concepts) == ("define", ["mesa-optimizer"])


@pytest.mark.parametrize(
    "question",
    [
        "What do you call a model that pretends to be aligned?",
        "what's it called when the AI is nice during training",
        "whats it called when an AI lies",
        "Is there a technical term for this: an AI pretending to be aligned?",
        "What is the name for an optimizer inside a model?",
        "the word for a goal valued for its own sake",
        "how do you call a goal that is only a means to an end",
        "an AI that fakes alignment, what is that known as?",
        "whats the problem called of making sure the model wants what we trained it for",
        "what's that kind of goal called, as opposed to the one the model learns?",
        "term for the goal living inside the neural net",
        "generic term: the thing an optimiser is scored against",
        "which animal example was it where evolution points at a concept?",
        "Which example has a network learn to head for green things?",
        "What's the idea that agents with almost any final aim want the same sub-goals?",
        "which 2019 paper coined inner vs outer alignment?",
        "a model that knows the base objective but pursues it instrumentally, which of the "
        "alignment modes is that",
    ],
)
def test_requests_for_a_term_are_recognised(question: str) -> None:
    assert _NAMING.search(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is a mesa-optimizer?",
        "What is the difference between inner and outer alignment?",
        "Why would a mesa-optimizer be deceptive?",
        "Which is the base optimizer, evolution or humans?",
        "What does the duckling example show?",
        "What is an example of deceptive alignment?",
        "What is the idea of mesa-optimization?",
        "Which example shows deceptive alignment?",
        "Which is it, inner or outer alignment?",
    ],
)
def test_other_questions_are_not_requests_for_a_term(question: str) -> None:
    assert not _NAMING.search(question)


def test_most_written_requests_for_a_term_name_a_right_one(shipped: KnowledgeGraph) -> None:
    """Of the written descriptive questions that ask for a term ("what do you call",
    "the term for", ...), 30 of the 34 tune ones are answered with a right concept first
    (0.88): the rest get a nearer concept sharing the words, or no answer. Of those
    written blind, longer and more casual, 7 of 26 held_out_2 ones (0.27) and 13 of 29
    held_out_3 ones (0.45) are: most of the others get no answer, as kg.describe finds
    little for them (tests/kg/test_describe.py)."""
    cases: list[dict[str, Any]] = yaml.safe_load(
        (Path(__file__).parent.parent / "quality" / "descriptive.yaml").read_text("utf-8")
    )["describe"]

    def share(split: str) -> float:
        asking = [c for c in cases if c["split"] == split and _NAMING.search(c["q"])]
        assert len(asking) >= 25
        right = [c for c in asking if ask(shipped, c["q"]).concepts[:1] in ([i] for i in c["ids"])]
        return len(right) / len(asking)

    assert share("tune") >= 30 / 34
    assert share("held_out_2") >= 7 / 26
    assert share("held_out_3") >= 13 / 29


def test_a_concept_set_against_the_term_is_not_offered_as_fitting_too(
    shipped: KnowledgeGraph,
) -> None:
    q = (
        "Is there a term for a mesa-objective that agrees with the base objective on "
        "training data but not on future data?"
    )
    a = ask(shipped, q)
    assert a.concepts[0] == "pseudo-alignment"
    # robust alignment shares the words but is the contrast, not another fit
    assert "robust-alignment" not in a.concepts
    assert "fit your description as well:\n\n- **Robust alignment**" not in a.answer


CATEGORY_QUESTIONS = [
    # (question, the category, the thing asked about)
    ("What kind of failure is birth control an example of?", "inner-misalignment", "birth-control"),
    ("What kind of optimizer is evolution?", "base-optimizer", "evolution"),
    (
        "the game bot that filled its barracks with the weakest unit is which kind of failure?",
        "outer-alignment",
        "troop-maximization-example",
    ),
]


@pytest.mark.parametrize("case", CATEGORY_QUESTIONS, ids=lambda case: case[0])
def test_which_kind_a_thing_is_gets_the_kind_and_why(
    shipped: KnowledgeGraph, case: tuple[str, str, str]
) -> None:
    """A question asking which kind of failure X is gets the kind, then the link that
    makes X one (its note, cited), once, then the kind's definition."""
    question, cid, thing = case
    a = ask(shipped, question)
    assert (a.intent, a.concepts[0]) == ("describe", cid)
    label = shipped.concepts[cid].label
    lines = a.answer.splitlines()
    assert lines[0].startswith("The kind") and lines[0].endswith(f"is **{label}**:")
    (link,) = [r for r in shipped.relations_between(thing, cid) if r.note]
    # the note is told whole, once; its sentences may each carry their own footnote marks
    unmarked = re.sub(r"\[\^\d+\]", "", a.answer)
    assert link.note is not None and link.note in re.sub(r"\[\^\d+\]", "", lines[2])
    assert unmarked.count(link.note) == 1
    assert shipped.concepts[cid].definition.split(".")[0] in a.answer
    check_answer(shipped, a.answer, a.notes)


def test_a_which_kind_question_that_offers_the_kinds_is_a_choice(shipped: KnowledgeGraph) -> None:
    """With the options given, the question is a choice between them, answered as such,
    in the words the question offered it by ("outer misalignment", another name of outer
    alignment)."""
    a = ask(
        shipped,
        "Which kind of failure is the troop-count objective, outer misalignment or inner "
        "misalignment?",
    )
    assert a.intent == "which"
    assert a.answer.startswith("**Outer misalignment.**")
    assert "outer-alignment" in a.concepts


def test_is_there_an_example_where_asks_for_the_example_described(
    shipped: KnowledgeGraph,
) -> None:
    """ "Is there an example where ..." asks for the example the rest describes, not for
    examples of the first thing it names; "is there an example of X" still lists X's."""
    a = ask(
        shipped,
        "is there an example where a network trained on mazes with decorative fruit ends up "
        "chasing the fruit after deployment because the colours changed?",
    )
    assert (a.intent, a.concepts[0]) == ("describe", "maze-green-apple-example")
    check_answer(shipped, a.answer, a.notes)
    a = ask(shipped, "is there an example of deceptive alignment?")
    assert (a.intent, a.concepts[0]) == ("examples", "deceptive-alignment")


def test_which_of_the_two_asks_about_a_thing_it_names(shipped: KnowledgeGraph) -> None:
    """ "Which of the two optimizers is gradient descent?" is answered like "which kind of
    optimizer", in the answer's own word form; with nothing named to ask about, the hit
    that fits the question's words best is not told as the kind (the mesa-objective is
    the one *nobody* writes down, though its words fit "write down")."""
    a = ask(shipped, "Which of the two optimizers is gradient descent?")
    assert (a.intent, a.concepts[0]) == ("describe", "base-optimizer")
    assert a.answer.splitlines()[0] == "The kind of optimizer that fits is **base optimizer**:"
    check_answer(shipped, a.answer, a.notes)
    a = ask(shipped, "Which of the two objectives do the programmers write down?")
    assert not a.answer.startswith("The kind")


def test_the_role_a_thing_plays_gets_the_role_and_why(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "If people are the inner optimizers, what role does evolution play?")
    assert (a.intent, a.concepts[0]) == ("describe", "base-optimizer")
    assert a.answer.splitlines()[0] == "The role that fits is **base optimizer**:"
    (link,) = shipped.relations_between("evolution", "base-optimizer")
    assert link.note is not None and link.note in a.answer.splitlines()[2]
    check_answer(shipped, a.answer, a.notes)
    # a concept that is an example of nothing is asked about, not described
    a = ask(shipped, "What role does the base objective play?")
    assert a.intent != "describe" and "base-objective" in a.concepts


def test_a_why_question_that_matches_a_reason_gets_the_reason_first(
    shipped: KnowledgeGraph,
) -> None:
    """A why or how question that names nothing, whose best match is the note of a
    relation, is answered with that relation and its note first (the reason asked for),
    then the concept it is about; a question that asks for a term keeps the term first."""
    a = ask(shipped, "why would good performance in training not show that a model is aligned")
    assert a.intent == "describe"
    first = a.answer.splitlines()[0]
    (rel,) = [
        r for r in shipped.relations_of(a.concepts[0]) if r.note and r.note.split(".")[0] in first
    ]
    # "is not ruled out by training data": the reason is what training cannot show
    assert rel.type == "insufficient_against" and rel.note is not None
    assert f"This is about **{shipped.concepts[a.concepts[0]].label}**:" in a.answer
    assert a.answer.count(rel.note.split(". ")[-1]) == 1  # told once
    check_answer(shipped, a.answer, a.notes)
    term = ask(
        shipped, "what do you call it when good training performance does not show alignment"
    )
    assert not term.answer.startswith(first)


def test_a_yes_no_question_about_one_concept_in_a_relations_words_gets_that_relation(
    shipped: KnowledgeGraph,
) -> None:
    """ "Does doing well ... mean the model has adopted the base objective as its own?"
    names one concept and asks what a relation says in its own quote ("that doesn't
    mean that it has adopted the base objective as its own"): that relation comes
    first, told by its note, which answers in our words, not by the link's name
    ("Adversarial training does not rule out inner misalignment"), and nothing after it:
    a glossary entry of what the passage was found on only padded the verdict (it was
    the base objective's definition card, then adversarial training's). A yes/no
    question about one concept that matches no relation's passage is defined."""
    a = ask(
        shipped,
        "Does doing well on the base objective in every environment mean the model has "
        "adopted the base objective as its own?",
    )
    # the passage says "doesn't mean" to a question asking whether it means: No
    assert a.intent == "yes_no" and a.verdict == "no"
    assert a.concepts[:2] == ["adversarial-training", "inner-misalignment"]
    assert a.answer.startswith("**No.** Thorough adversarial training can only show")
    assert "does not rule out" not in a.answer.split("\n")[0]
    assert "This is about" not in a.answer
    check_answer(shipped, a.answer, a.notes)
    assert ask(shipped, "Is deceptive alignment dangerous?").intent == "define"


def test_most_written_descriptions_are_answered_with_a_right_concept_first(
    shipped: KnowledgeGraph,
) -> None:
    """ask, not only kg.describe, is what a bot calls with a description. Of the 1,075
    written descriptive questions, 762 (0.709) get a right concept first from ask (633,
    0.589, before requests for a term were recognised in more wordings, a description
    typed without a question was read as one, and a long question with words the graph
    lacks was answered by the concept it closely describes instead of refused): most of
    the rest name another concept on the way and are answered about it."""
    cases: list[dict[str, Any]] = yaml.safe_load(
        (Path(__file__).parent.parent / "quality" / "descriptive.yaml").read_text("utf-8")
    )["describe"]
    right = [c for c in cases if ask(shipped, c["q"]).concepts[:1] in ([i] for i in c["ids"])]
    assert len(right) >= 762


def test_a_loose_fit_is_offered_as_the_nearest_entry_only(shipped: KnowledgeGraph) -> None:
    """Under :data:`kg.ask.CLOSE_FIT` the concept a question fits best is offered as the
    nearest entry, not as what it describes: most questions about things the graph does
    not hold that kg.describe matches at all fall there."""
    from kg.ask import CLOSE_FIT
    from kg.describe import describe

    q = "what does the EU AI Act say about general-purpose models"
    hits = describe(shipped, q, limit=1)
    assert hits and hits[0].score < CLOSE_FIT
    a = ask(shipped, q)
    first = a.answer.splitlines()[0]
    assert first.startswith("Nothing in the glossary fits your description closely")
    assert f"**{shipped.concepts[hits[0].id].label}**" in first
    close = ask(
        shipped, "What do you call it when a model pretends to be aligned until deployment?"
    )
    assert close.answer.startswith("What you describe is closest to")
