from __future__ import annotations

import re

import pytest

from kg.explain import noun, relate_answer, sentence
from kg.graph import KnowledgeGraph
from kg.ontology import RELATION_TYPES
from kg.paths import relate


@pytest.mark.parametrize(
    ("source", "target", "forward", "text"),
    [
        ("base-optimizer", "mesa-optimizer", True,
         "The base optimizer produces the mesa-optimizer."),
        ("base-optimizer", "mesa-optimizer", False,
         "The mesa-optimizer is produced by the base optimizer."),
        ("humans", "mesa-optimizer", True, "Humans are an example of a mesa-optimizer."),
        ("humans", "mesa-optimizer", False, "One example of a mesa-optimizer is humans."),
        ("evolution", "humans", True, "Evolution produces humans."),
        ("base-optimizer", "optimizer", True, "The base optimizer is a kind of optimizer."),
        ("base-optimizer", "optimizer", False, "One kind of optimizer is the base optimizer."),
        ("base-optimizer", "base-objective", False,
         "The base objective is what the base optimizer pursues."),
        ("mesa-optimizer", "the-paper", True,
         "The term mesa-optimizer was introduced in A Paper on Learned Optimization."),
        ("inner-alignment", "outer-alignment", False,
         "Outer alignment is contrasted with inner alignment."),
    ],
)
def test_sentences_read_in_the_direction_asked(good: KnowledgeGraph, source: str, target: str,
                                               forward: bool, text: str) -> None:
    (rel,) = [r for r in good.relations_between(source, target) if r.source == source]
    assert sentence(good, rel, forward) == text


def test_plural_subject_inside_a_sentence(shipped: KnowledgeGraph) -> None:
    (rel,) = [r for r in shipped.relations_between("humans", "pleasure-and-pain")
              if r.type == "has_objective"]
    assert sentence(shipped, rel, forward=False) == \
        "Pleasure and the avoidance of pain are what humans pursue."


def test_problems_are_named_as_problems_when_illustrated(good: KnowledgeGraph) -> None:
    assert noun(good.concepts["inner-alignment"], "example") == "the inner alignment problem"
    assert noun(good.concepts["base-optimizer"], "example") == "a base optimizer"


def test_every_type_has_templates_that_format() -> None:
    forms = {f"{p}{s}": p.upper() for p in "xyz" for s in ("", "a", "b", "e")}
    for t in RELATION_TYPES.values():
        for template in (t.forward, t.inverse, t.shared, t.shared_inverse):
            assert template.format(**forms)


def _footnotes(answer: str) -> tuple[list[int], list[int]]:
    body, _, notes = answer.partition("\n[^1]:")
    used = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", body)]
    defined = [1] + [int(n) for n in re.findall(r"^\[\^(\d+)\]:", notes, re.M)]
    return used, defined


def test_answer_footnotes_are_numbered_in_order_of_first_use(good: KnowledgeGraph) -> None:
    r = relate(good, "humans", "base objective")
    answer, notes = relate_answer(good, r)
    used, defined = _footnotes(answer)
    first_use = list(dict.fromkeys(used))
    assert first_use == list(range(1, len(first_use) + 1))
    assert defined == first_use == [i.n for i in notes.items]
    for item in notes.items:
        c = item.citation
        assert good.source_text(c.source)[c.start:c.end] == c.quote
        assert f'[^{item.n}]: \u201c{" ".join(c.quote.split())}\u201d' in answer


def test_a_claim_cites_each_passage_once(shipped: KnowledgeGraph) -> None:
    answer, _ = relate_answer(shipped, relate(shipped, "inner alignment", "goal misgeneralization"))
    for line in answer.splitlines():
        marks = re.findall(r"\[\^\d+\](?!:)", line)
        assert len(marks) == len(set(marks)), line


def test_answer_for_direct_and_indirect(good: KnowledgeGraph) -> None:
    direct, _ = relate_answer(good, relate(good, "inner alignment", "outer alignment"))
    assert direct.startswith("**Inner alignment** and **outer alignment** are directly related")
    assert "- Inner alignment is contrasted with outer alignment[^1]." in direct
    indirect, _ = relate_answer(good, relate(good, "evolution", "mesa-optimizer"))
    assert "not directly related; they are connected in 2 steps" in indirect
    assert "1. Evolution produces humans[^1]." in indirect


def test_answer_when_nothing_connects(good: KnowledgeGraph) -> None:
    r = relate(good, "the-paper", "base objective", max_hops=1)
    answer, notes = relate_answer(good, r)
    assert "records no connection" in answer and not notes.items
