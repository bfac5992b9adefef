"""Questions phrased the way people ask them, answered from the shipped data."""

from __future__ import annotations

import re

import pytest

from kg.ask import DEFINE_FACTS, INTENTS, _facts, ask
from kg.graph import KnowledgeGraph
from tests.test_answer_quality import check_answer

# (question, intent, concepts the answer must be about, in order)
QUESTIONS: list[tuple[str, str, list[str]]] = [
    ("What is outer alignment?", "define", ["outer-alignment"]),
    ("what is a mesa optimiser", "define", ["mesa-optimizer"]),
    ("What are mesa-optimizers?", "define", ["mesa-optimizer"]),
    ("define pseudo alignment", "define", ["pseudo-alignment"]),
    ("Explain deceptive alignment", "define", ["deceptive-alignment"]),
    ("what does corrigible alignment mean", "define", ["corrigible-alignment"]),
    ("What is psuedo-alignment", "define", ["pseudo-alignment"]),
    ("what is inner allignment?", "define", ["inner-alignment"]),
    ("What's SGD?", "define", ["stochastic-gradient-descent"]),
    (
        "Who introduced the term mesa-optimizer?",
        "relate",
        ["mesa-optimizer", "risks-from-learned-optimization"],
    ),
    ("what is the behavioural objective", "define", ["behavioral-objective"]),
    ("What is goal misgeneralisation?", "define", ["goal-misgeneralization"]),
    ("WHAT IS A DECEPTIVELY ALIGNED MODEL", "define", ["deceptive-alignment"]),
    ("What is a mesa-optimizer in machine learning?", "define", ["mesa-optimizer"]),
    ("tell me about instrumental convergence please", "define", ["instrumental-convergence"]),
    ("What does the bottle cap example show?", "define", ["bottle-cap"]),
    (
        "What is the difference between training and deployment?",
        "define",
        ["training-vs-deployment"],
    ),
    (
        "How does the base optimizer relate to the mesa-optimizer?",
        "relate",
        ["base-optimizer", "mesa-optimizer"],
    ),
    ("how is evolution related to humans", "relate", ["evolution", "humans"]),
    (
        "Is deceptive alignment a kind of pseudo-alignment?",
        "yes_no",
        ["deceptive-alignment", "pseudo-alignment"],
    ),
    (
        "How does distributional shift cause pseudo-alignment?",
        "how",
        ["distributional-shift", "pseudo-alignment"],
    ),
    (
        "what connects gradient descent and mesa optimizers",
        "relate",
        ["gradient-descent", "mesa-optimizer"],
    ),
    ("Is gradient descent an optimizer?", "yes_no", ["gradient-descent", "optimizer"]),
    (
        "What is the difference between a base optimizer and a mesa-optimizer?",
        "difference",
        ["base-optimizer", "mesa-optimizer"],
    ),
    (
        "whats the difference between inner and outer alignment",
        "difference",
        ["inner-alignment", "outer-alignment"],
    ),
    (
        "What is the difference between corrigible and deceptive alignment?",
        "difference",
        ["corrigible-alignment", "deceptive-alignment"],
    ),
    ("inner alignment vs outer alignment", "difference", ["inner-alignment", "outer-alignment"]),
    (
        "Is the mesa-objective the same as the base objective?",
        "yes_no",
        ["mesa-objective", "base-objective"],
    ),
    (
        "compare internal and corrigible alignment",
        "difference",
        ["internal-alignment", "corrigible-alignment"],
    ),
    (
        "How does robust alignment differ from pseudo alignment",
        "difference",
        ["robust-alignment", "pseudo-alignment"],
    ),
    ("What are some examples of pseudo-alignment?", "examples", ["pseudo-alignment"]),
    ("give me an example of a mesa-optimiser", "examples", ["mesa-optimizer"]),
    ("examples of deceptive alignment", "examples", ["deceptive-alignment"]),
    ("Can you give an instance of a base optimizer?", "examples", ["base-optimizer"]),
    ("what causes goal misgeneralization", "why", ["goal-misgeneralization"]),
    ("what is the objective of evolution", "define", ["evolution"]),
    ("what is the mesa-optimizer's goal", "define", ["mesa-optimizer"]),
    ("what do humans optimise for", "define", ["humans"]),
    ("explain deceptive alignment like im five", "define", ["deceptive-alignment"]),
    (
        "What is the main difference between inner and outer alignment?",
        "difference",
        ["inner-alignment", "outer-alignment"],
    ),
    (
        "whats the diffrence between a mesa optimiser and a meta optimiser",
        "difference",
        ["mesa-optimizer", "meta-optimizer"],
    ),
    (
        "corrigible vs deceptive vs internal alignment",
        "difference",
        ["corrigible-alignment", "deceptive-alignment", "internal-alignment"],
    ),
    ("is a human an optimizer", "yes_no", ["humans", "optimizer"]),
    ("what is the bottlecap example about", "define", ["bottle-cap"]),
    ("Why is deceptive alignment dangerous?", "why", ["deceptive-alignment"]),
    ("Why would a mesa-optimizer be deceptive?", "why", ["mesa-optimizer", "deceptive-alignment"]),
    (
        "Are humans the base or the mesa-optimizer in the evolution analogy?",
        "which",
        ["humans", "mesa-optimizer", "base-optimizer"],
    ),
    ("What happens under distributional shift?", "what_happens", ["distributional-shift"]),
    (
        "Will adversarial training catch a deceptive model?",
        "yes_no",
        ["adversarial-training", "deceptive-alignment"],
    ),
    (
        "What do you call it when a model pretends to be aligned until deployment?",
        "describe",
        ["deceptive-alignment"],
    ),
    ("What is reward hacking?", "unknown", []),
    ("mesa-optimizer risk", "unknown", []),
    ("is GPT-3 a mesa optimizer", "unknown", ["mesa-optimizer"]),
    ("what is outer alignment in RLHF", "unknown", ["outer-alignment"]),
    ("is a thermostat an optimizer", "unknown", ["optimizer"]),
    ("What is the alignment tax?", "unknown", []),
    ("What is RLHF", "unknown", []),
    ("hello", "unknown", []),
    ("How does inner alignment relate to AI safety?", "unknown", ["inner-alignment"]),
]


@pytest.mark.parametrize(
    ("question", "intent", "concepts"), QUESTIONS, ids=[q for q, _i, _c in QUESTIONS]
)
def test_question(shipped: KnowledgeGraph, question: str, intent: str, concepts: list[str]) -> None:
    a = ask(shipped, question)
    assert (a.intent, a.concepts) == (intent, concepts)
    assert a.answer.strip()
    # footnotes are numbered 1..n in order of first use, and each one is defined
    used = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", a.answer)]
    first_use = list(dict.fromkeys(used))
    assert first_use == list(range(1, len(a.notes.items) + 1))
    for item in a.notes.items:
        c = item.citation
        assert shipped.source_text(c.source)[c.start : c.end] == c.quote
        assert f"[^{item.n}]: " in a.answer
    if intent != "unknown":
        assert a.notes.items, "an answer makes claims, and every claim is cited"


def test_there_are_at_least_thirty_questions() -> None:
    assert len(QUESTIONS) >= 30
    assert {i for _q, i, _c in QUESTIONS} == set(INTENTS)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What is the alignment tax?", ["alignment tax"]),
        ("mesa-optimizer risk", ["mesa-optimizer risk"]),
        ("is GPT-3 a mesa optimizer", ["GPT-3"]),
        ("what is the inner alignment problem in large language models", ["large language models"]),
        ("What is reward hacking?", ["reward hacking"]),
    ],
)
def test_unknown_names_what_is_missing(
    shipped: KnowledgeGraph, question: str, missing: list[str]
) -> None:
    a = ask(shipped, question)
    assert a.missing == missing
    assert a.answer.startswith(f"The glossary has no entry for \u201c{missing[0]}\u201d")
    assert a.suggestions


def test_yes_no_question_answered_by_a_chain_up(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "is a human an optimizer")
    assert a.verdict == "yes"
    assert a.answer.startswith("**Yes.** Humans are an example of an optimizer.")


@pytest.mark.parametrize(
    ("question", "verdict", "through"),
    [
        # its objective is an example of y
        ("Does evolution have a base objective?", "yes", "genetic-fitness"),
        ("Do humans have a mesa-objective?", "yes", "pleasure-and-pain"),
        # what its objective is, is set against y
        ("Does evolution have a mesa-objective?", "no", "genetic-fitness"),
        ("Does gradient descent have a mesa-objective?", "no", "base-objective"),
        ("Does a mesa-optimizer have a base objective?", "no", "mesa-objective"),
    ],
)
def test_to_have_an_objective_is_decided_by_the_objective_it_has(
    shipped: KnowledgeGraph, question: str, verdict: str, through: str
) -> None:
    """ "Does X have (an objective) Y?" asks what X pursues: the objective the graph
    gives X decides, by what that objective is an example of or set against; the answer
    names it (it said "The graph does not say so" to the first two, and answered the
    third without naming genetic fitness)."""
    a = ask(shipped, question)
    assert a.intent == "yes_no" and a.verdict == verdict
    first = a.answer.split("\n\n")[0]
    assert re.search(rf"pursues? (?:the )?{shipped.concepts[through].label}\b", first), first


@pytest.mark.parametrize(
    "question",
    [
        "Does the mesa-objective have to be exactly identical to the base objective for a "
        "model to count as inner aligned?",
        "Does inner alignment require the mesa-objective to be identical to the base objective?",
    ],
)
def test_of_three_concepts_the_two_beside_identical_are_compared(
    shipped: KnowledgeGraph, question: str
) -> None:
    """Whether two are the same, within a third: the two on either side of "identical",
    wherever the third is named (last, it was compared with the base objective and the
    graph "did not say so")."""
    a = ask(shipped, question)
    assert a.verdict == "not_necessarily"
    # asked whether they must be the same: what inner alignment aims at instead leads
    assert a.answer.startswith("**Not necessarily.** Inner alignment is about robust alignment.")
    assert "The mesa-objective is contrasted with the base objective." in a.answer


@pytest.mark.parametrize(
    "question",
    [
        "What happens when a trained model's mesa-objective disagrees with the base objective?",
        "what happens if the mesa-objective differs from the base objective",
    ],
)
def test_what_happens_when_two_objectives_disagree_is_the_failure_of_their_problem(
    shipped: KnowledgeGraph, question: str
) -> None:
    """Two concepts the graph sets against each other, said to disagree: what happens is
    the failure of the problem about both (inner misalignment, a failure of inner
    alignment), defined and followed by what it leads to; not what each of the two
    rests on (a reviewer found pointers and search algorithms in its place). What the
    sources say happens then leads, in their words: the model follows its own objective
    ("they'll go with their own every time")."""
    a = ask(shipped, question)
    assert a.intent == "what_happens" and a.concepts[0] == "inner-misalignment"
    first, rest = a.answer.split("\n\n", 1)
    assert "where the two disagree it follows its own" in first
    assert rest.startswith("**Inner misalignment**: ")
    assert "Inner misalignment makes deception more likely." in a.answer
    assert "pointer to the world model" not in a.answer


def test_what_else_is_about_a_thing_is_not_told_as_what_goes_right(
    shipped: KnowledgeGraph,
) -> None:
    """ "Goal misgeneralization is about the mesa-objective" is no help against it: what
    is about a thing has its own heading, and only when one thing is asked about."""
    a = ask(shipped, "what happens to the mesa-objective")
    assert "What can go right" not in a.answer
    assert "What else is about the mesa-objective:" in a.answer
    two = ask(shipped, "what happens when the mesa-objective meets distributional shift")
    assert "What else is about" not in two.answer


def test_a_which_question_before_a_colon_is_the_question_not_a_preamble(
    shipped: KnowledgeGraph,
) -> None:
    """ "Which is specified by the programmers: X or Y?" was read as a preamble and the
    bare "X or Y?"; and the one passage that says it of X names Y too ("While the base
    objective is specified by the programmers, mesa-objective is not."): it is said of
    the one named just before the question's words."""
    a = ask(
        shipped, "Which is specified by the programmers: the base objective or the mesa-objective?"
    )
    assert (a.intent, a.concepts[:2]) == ("which", ["base-objective", "mesa-objective"])
    assert a.answer.startswith(
        "**The base objective.** \u201cWhile the base objective is specified"
    )
    check_answer(shipped, a.answer, a.notes)
    # a preamble that names nothing and asks nothing is still left out
    b = ask(shipped, "Skeptic here: is a bottle cap an optimizer?")
    assert (b.intent, b.verdict) == ("yes_no", "no")


@pytest.mark.parametrize(
    ("failure", "answer"),
    [("inner", "aurora-alliance-example"), ("outer", "troop-maximization-example")],
)
def test_options_described_not_named_are_the_concepts_they_describe(
    shipped: KnowledgeGraph, failure: str, answer: str
) -> None:
    """A which-question whose options are told, not named, is answered as if it named
    the concepts they describe; it said "The graph has no entry for 'barracks full'"."""
    q = (
        f"Which failure in the strategy-game assistant example was {failure} misalignment: "
        "the barracks full of weak troops or the assistant not attacking Brotherhood?"
    )
    a = ask(shipped, q)
    assert a.question == q and a.intent == "which" and not a.missing
    verdict = a.answer.split("**")[1].lower()  # "**The Aurora alliance example.**"
    assert shipped.concepts[answer].label.lower() in verdict
    check_answer(shipped, a.answer, a.notes)
    # options the graph lacks stay unknown
    assert ask(shipped, "Which is a better alignment approach: RLHF or debate?").missing


def test_an_unnamed_thing_a_question_sets_its_subject_against_does_not_stop_it(
    shipped: KnowledgeGraph,
) -> None:
    """ "... instead of building up the objective through repeated corrections" names
    nothing the graph holds, but it is what the question sets its subject against, not
    what it asks about: the question is answered (it said the graph has no entry for
    "repeated corrections"). The same unnamed phrase as the subject still stops it."""
    a = ask(
        shipped,
        "Why would gradient descent make the mesa-objective point at the model's world model "
        "instead of building up the objective through repeated corrections?",
    )
    assert a.intent == "why" and not a.missing
    assert a.answer.startswith("Pointing the mesa-objective at an understanding the model")
    check_answer(shipped, a.answer, a.notes)
    b = ask(shipped, "Why would gradient descent rely on repeated corrections?")
    assert b.intent == "unknown" and b.missing


def test_what_an_example_is_about_is_told_with_the_part_it_plays(
    shipped: KnowledgeGraph,
) -> None:
    """How birth control is an example of inner misalignment: what the story is about,
    with the part each plays in the sources' general terms (genetic fitness the base
    objective, pleasure the mesa-objective), which the answer did not say."""
    a = ask(shipped, "How is birth control an example of inner misalignment?")
    assert "Genetic fitness is an example of a base objective." in a.answer
    assert "Pleasure and the avoidance of pain are an example of a mesa-objective." in a.answer
    check_answer(shipped, a.answer, a.notes)


def test_verbs_put_the_relations_asked_about_first(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "what reveals pseudo alignment")
    facts = a.answer.split("Related concepts:\n\n")[1].splitlines()
    assert facts[0].startswith("- Pseudo-alignment can be revealed by ")


def test_the_objective_of_a_concept_is_its_has_objective_relation(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "what is the objective of evolution")
    facts = a.answer.split("Related concepts:\n\n")[1].splitlines()
    assert facts[0].startswith("- Evolution pursues genetic fitness.")


def test_examples_list_each_example_once(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "inner misalignment examples")
    names = re.findall(r"^- \*\*(.+?)\*\*", a.answer, flags=re.M)
    assert names and len(names) == len(set(names))


def test_a_remedy_with_a_limit_is_not_a_plain_yes(shipped: KnowledgeGraph) -> None:
    # asked whether it settles the problem: a limit makes it a No, with what it can do
    a = ask(shipped, "does adversarial training fix pseudo alignment")
    assert (a.intent, a.verdict) == ("yes_no", "no")
    assert a.answer.startswith(
        "**No.** Adversarial training does not rule out deceptive alignment."
    )
    assert "may help against pseudo-alignment" in a.answer
    # asked whether it helps: it helps with part of it, and not with the rest
    a = ask(shipped, "does adversarial training help against pseudo alignment")
    assert (a.intent, a.verdict) == ("yes_no", "not_necessarily")


def test_asked_for_relations_that_are_missing_are_said_to_be(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "how can we prevent deceptive alignment")
    assert (a.intent, a.concepts) == ("how", ["deceptive-alignment"])
    assert a.answer.startswith("The glossary records no remedies for deceptive alignment.")
    assert "- Adversarial training does not rule out deceptive alignment." in a.answer


def test_a_definition_shows_one_fact_of_each_kind_before_a_second(shipped: KnowledgeGraph) -> None:
    """Under a definition, no relation type is told twice in the same direction while
    another kind of fact of the concept is left out ("the base objective is what the
    base optimizer pursues, what gradient descent pursues, what SGD pursues")."""
    for c in shipped.concepts.values():
        facts = _facts(shipped, c, [], None)
        told = [(r.type, forward) for r, forward in facts]
        every = {(r.type, r.source == c.id) for r in shipped.relations_of(c.id)}
        assert len(facts) == min(DEFINE_FACTS, len(shipped.relations_of(c.id)))
        assert len(set(told)) == min(len(told), len(every)), (c.id, told)


def test_a_word_the_sources_use_is_not_mended_into_a_word_of_asking(
    shipped: KnowledgeGraph,
) -> None:
    """ "world" is one letter from "word", and "chase" from "case": words the sources use
    are theirs, not misspelt words of what is asked ("out in the world" was read as "out in
    the word"). A misspelling the sources do not use is still mended."""
    from kg.ask import read

    reading = read(shipped, "then it turns on us once it is out in the world, and the chase")
    assert "in the world" in reading.framing and "the chase" in reading.framing
    mended = read(shipped, "whats the diffrence betwen inner and outer alignmnet").framing
    assert mended.startswith("whats the difference between")


def test_a_misspelt_word_before_a_name_makes_the_longer_name(shipped: KnowledgeGraph) -> None:
    """ "outter alignment" is outer alignment, not "alignment" after a word the graph lacks;
    "hapen" is the verb it is a letter short of; "Turing" is a name, not "turning"."""
    from kg.ask import read

    assert [f.id for f in read(shipped, "what is outter alignment").found] == ["outer-alignment"]
    both = read(shipped, "can inner and outter alignment failures hapen at the same time?")
    assert [f.id for f in both.found] == ["inner-alignment", "outer-alignment"]
    assert both.missing == []
    assert read(shipped, "what is the Turing test?").named == ["Turing test"]
    assert "no entry for \u201cTuring test\u201d" in ask(shipped, "what is the Turing test?").answer


def test_a_comparison_of_three_has_one_other_connections_heading(shipped: KnowledgeGraph) -> None:
    """Each pair's paths go under one heading, and no 'records nothing they share' line
    is added for a pair of three (a strict review read both as padding)."""
    q = "What is the difference between pseudo-alignment, robust alignment and training data?"
    a = ask(shipped, q)
    assert a.intent == "difference" and len(a.concepts) == 3
    assert a.answer.count("Other connections:") == 1
    assert "records nothing that" not in a.answer


def test_also_called_lists_only_names_other_than_the_label(shipped: KnowledgeGraph) -> None:
    """A concept whose aliases only spell its label otherwise ("behavioural objective")
    gets no "Also called" line, never an empty one; every name listed is an alias."""
    listed = 0
    for c in shipped.concepts.values():
        answer = ask(shipped, f"What is {c.label}?").answer
        for line in answer.splitlines():
            if line.startswith("Also called"):
                names = line.removeprefix("Also called: ").removesuffix(".").split(", ")
                assert all(name in c.aliases for name in names), (c.id, line)
                listed += 1
    assert listed > 20
    behavioral = ask(shipped, "What is the behavioral objective?").answer
    assert "Also called" not in behavioral


def test_the_negation_of_a_word_of_the_sources_is_no_missing_term(
    shipped: KnowledgeGraph,
) -> None:
    """The word "unsophisticated", the sources' "sophisticated" negated, names nothing the
    glossary lacks, so the question is not refused for it (what the answer says is the
    reasoning's business)."""
    q = "Is deception the optimal strategy for every misaligned mesa-optimizer, however {}?"
    for word in ("unsophisticated", "sophisticated"):
        assert "no entry for" not in ask(shipped, q.format(word)).answer
    assert "unqwertyed" in ask(shipped, q.format("unqwertyed")).answer  # not a word of theirs
