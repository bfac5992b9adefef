"""Questions about where a name comes from: "why is it called mesa-optimization?"."""

from __future__ import annotations

import pytest

from kg.ask import ask, name_origin
from kg.graph import KnowledgeGraph


@pytest.mark.parametrize(
    ("q", "cid"),
    [
        ("Why is it called mesa optimization?", "mesa-optimization"),
        ("Why is it called a mesa-optimiser?", "mesa-optimizer"),
        ("Where does the name mesa-optimizer come from?", "mesa-optimizer"),
        ("What does 'mesa' mean?", "mesa-optimizer"),
        ("what does mesa mean", "mesa-optimizer"),
    ],
)
def test_the_name_mesa_is_explained_with_its_passage(
    shipped: KnowledgeGraph, q: str, cid: str
) -> None:
    a = ask(shipped, q)
    # the concept whose text says where the name comes from, and the one asked about
    assert a.intent == "define" and a.concepts == list(dict.fromkeys(["mesa-optimizer", cid]))
    lead = a.answer.split("\n\n")[0]
    assert "opposite of 'meta'" in lead, lead
    # the lead's first footnote is the passage that says so
    marker = lead.split("[^", 1)[1].split("]")[0]
    note = next(n for n in a.answer.splitlines() if n.startswith(f"[^{marker}]:"))
    assert "mesa is the opposite of meta" in note
    # then what the whole name was chosen to say, and what the concept is
    assert "optimized by an optimizer" in lead, lead
    assert f"**{shipped.concepts[cid].label.capitalize()}**" in a.answer


def test_a_name_explained_in_a_relation_note(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "why are they called meta-optimizers")
    assert a.concepts == ["meta-optimizer"]
    assert a.answer.startswith("**Why \u201cmeta optimizer\u201d?** 'Meta' means one level up")


def test_a_name_the_sources_do_not_explain_is_said_to_be_so(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "Why is it called deceptive alignment?")
    assert a.answer.startswith(
        "The sources do not say where the name \u201cdeceptive alignment\u201d comes from."
    )
    assert "**Deceptive alignment**" in a.answer
    assert "The reasons:" not in a.answer  # not read as "why does it happen?"


def test_a_why_question_about_the_thing_is_not_about_its_name(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "Why is a mesa-optimizer dangerous?")
    assert a.intent == "why"
    assert not a.answer.startswith("**Why")


def test_name_origin_prefers_the_concept_asked_about(shipped: KnowledgeGraph) -> None:
    found = name_origin(shipped, ["meta", "optimizer"])
    assert found is not None and found[0].id == "meta-optimizer"
    found = name_origin(shipped, ["mesa", "optimizer"])
    assert found is not None and found[0].id == "mesa-optimizer"
    assert name_origin(shipped, ["zebra"]) is None


def test_what_a_concept_s_name_means_is_its_definition(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "What does pseudo-aligned mean?")
    assert a.concepts[0] == "pseudo-alignment"
    assert "where the name" not in a.answer
    assert a.answer.startswith("**Pseudo-alignment**")


def test_the_sentence_on_the_name_is_not_said_twice(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, "Where does the name mesa-optimizer come from?")
    assert a.answer.count("opposite of 'meta'") == 1
    # the rest of the definition is still given, cited
    first = shipped.concepts["mesa-optimizer"].definition.split(":")[0]
    assert first in a.answer


def test_a_term_s_origin_is_the_work_that_introduced_it(shipped: KnowledgeGraph) -> None:
    for q in (
        "Where does the term inner alignment come from?",
        "Why is it called inner alignment?",
    ):
        a = ask(shipped, q)
        lead = a.answer.split("\n\n")[0]
        assert lead.startswith("**Where \u201cinner alignment\u201d comes from:**"), lead
        assert "introduced in Risks from Learned Optimization" in lead
        assert "The sources do not say why this word was chosen." in lead


def test_the_word_asked_about_is_the_name_not_the_question_s_verbs(
    shipped: KnowledgeGraph,
) -> None:
    a = ask(shipped, "Where does the word mesa come from?")
    assert a.answer.startswith("**Why \u201cmesa\u201d?**")
    a = ask(shipped, "What does 'mesa' mean in mesa-objective?")
    assert a.answer.startswith("**Why \u201cmesa\u201d?**") and "mesa-objective" in a.concepts
