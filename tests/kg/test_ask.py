"""Questions phrased the way people ask them, answered from the shipped data."""

from __future__ import annotations

import re

import pytest

from kg.ask import ask
from kg.graph import KnowledgeGraph

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
    ("Who introduced the term mesa-optimizer?", "define", ["mesa-optimizer"]),
    ("what is the behavioural objective", "define", ["behavioral-objective"]),
    ("What is goal misgeneralisation?", "define", ["goal-misgeneralization"]),
    ("WHAT IS A DECEPTIVELY ALIGNED MODEL", "define", ["deceptive-alignment"]),
    ("What is a mesa-optimizer in machine learning?", "define", ["mesa-optimizer"]),
    ("tell me about instrumental convergence please", "define", ["instrumental-convergence"]),
    ("What does the bottle cap example show?", "define", ["bottle-cap"]),
    ("What is the difference between training and deployment?", "define",
     ["training-vs-deployment"]),
    ("How does the base optimizer relate to the mesa-optimizer?", "relate",
     ["base-optimizer", "mesa-optimizer"]),
    ("how is evolution related to humans", "relate", ["evolution", "humans"]),
    ("Is deceptive alignment a kind of pseudo-alignment?", "relate",
     ["deceptive-alignment", "pseudo-alignment"]),
    ("How does distributional shift cause pseudo-alignment?", "relate",
     ["distributional-shift", "pseudo-alignment"]),
    ("what connects gradient descent and mesa optimizers", "relate",
     ["gradient-descent", "mesa-optimizer"]),
    ("Is gradient descent an optimizer?", "relate", ["gradient-descent", "optimizer"]),
    ("What is the difference between a base optimizer and a mesa-optimizer?", "difference",
     ["base-optimizer", "mesa-optimizer"]),
    ("whats the difference between inner and outer alignment", "difference",
     ["inner-alignment", "outer-alignment"]),
    ("What is the difference between corrigible and deceptive alignment?", "difference",
     ["corrigible-alignment", "deceptive-alignment"]),
    ("inner alignment vs outer alignment", "difference", ["inner-alignment", "outer-alignment"]),
    ("Is the mesa-objective the same as the base objective?", "difference",
     ["mesa-objective", "base-objective"]),
    ("compare internal and corrigible alignment", "difference",
     ["internal-alignment", "corrigible-alignment"]),
    ("How does robust alignment differ from pseudo alignment", "difference",
     ["robust-alignment", "pseudo-alignment"]),
    ("What are some examples of pseudo-alignment?", "examples", ["pseudo-alignment"]),
    ("give me an example of a mesa-optimiser", "examples", ["mesa-optimizer"]),
    ("examples of deceptive alignment", "examples", ["deceptive-alignment"]),
    ("Can you give an instance of a base optimizer?", "examples", ["base-optimizer"]),
    ("What is reward hacking?", "unknown", []),
    ("What is the alignment tax?", "unknown", []),
    ("What is RLHF", "unknown", []),
    ("hello", "unknown", []),
    ("How does inner alignment relate to AI safety?", "unknown", ["inner-alignment"]),
]


@pytest.mark.parametrize(("question", "intent", "concepts"), QUESTIONS,
                         ids=[q for q, _i, _c in QUESTIONS])
def test_question(shipped: KnowledgeGraph, question: str, intent: str,
                  concepts: list[str]) -> None:
    a = ask(shipped, question)
    assert (a.intent, a.concepts) == (intent, concepts)
    assert a.answer.strip()
    # footnotes are numbered 1..n in order of first use, and each one is defined
    used = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", a.answer)]
    first_use = list(dict.fromkeys(used))
    assert first_use == list(range(1, len(a.notes.items) + 1))
    for item in a.notes.items:
        c = item.citation
        assert shipped.source_text(c.source)[c.start:c.end] == c.quote
        assert f"[^{item.n}]: " in a.answer
    if intent != "unknown":
        assert a.notes.items, "an answer makes claims, and every claim is cited"


def test_there_are_at_least_thirty_questions() -> None:
    assert len(QUESTIONS) >= 30
    assert {i for _q, i, _c in QUESTIONS} == {"define", "relate", "difference", "examples",
                                              "unknown"}
