from __future__ import annotations

import re

import pytest

from kg.explain import noun, relate_answer, sentence
from kg.graph import KnowledgeGraph
from kg.model import Relation
from kg.ontology import RELATION_TYPES
from kg.paths import relate


@pytest.mark.parametrize(
    ("source", "target", "forward", "text"),
    [
        ("base-optimizer", "mesa-optimizer", True, "The base optimizer produces a mesa-optimizer."),
        (
            "base-optimizer",
            "mesa-optimizer",
            False,
            "The mesa-optimizer is produced by the base optimizer.",
        ),
        ("humans", "mesa-optimizer", True, "Humans are an example of a mesa-optimizer."),
        ("humans", "mesa-optimizer", False, "One example of a mesa-optimizer is humans."),
        ("evolution", "humans", True, "Evolution produces humans."),
        ("base-optimizer", "optimizer", True, "The base optimizer is a kind of optimizer."),
        ("base-optimizer", "optimizer", False, "One kind of optimizer is the base optimizer."),
        (
            "base-optimizer",
            "base-objective",
            False,
            "The base objective is what the base optimizer pursues.",
        ),
        (
            "mesa-optimizer",
            "the-paper",
            True,
            "The term mesa-optimizer was introduced in A Paper on Learned Optimization.",
        ),
        (
            "inner-alignment",
            "outer-alignment",
            False,
            "Outer alignment is contrasted with inner alignment.",
        ),
    ],
)
def test_sentences_read_in_the_direction_asked(
    good: KnowledgeGraph, source: str, target: str, forward: bool, text: str
) -> None:
    (rel,) = [r for r in good.relations_between(source, target) if r.source == source]
    assert sentence(good, rel, forward) == text


def test_plural_subject_inside_a_sentence(shipped: KnowledgeGraph) -> None:
    (rel,) = [
        r
        for r in shipped.relations_between("humans", "pleasure-and-pain")
        if r.type == "has_objective"
    ]
    assert (
        sentence(shipped, rel, forward=False)
        == "Pleasure and the avoidance of pain are what humans pursue."
    )


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
        assert good.source_text(c.source)[c.start : c.end] == c.quote
        assert f"[^{item.n}]: \u201c{' '.join(c.quote.split())}\u201d" in answer


def test_a_claim_cites_each_passage_once(shipped: KnowledgeGraph) -> None:
    answer, _ = relate_answer(shipped, relate(shipped, "inner alignment", "goal misgeneralization"))
    for cluster in re.findall(r"(?:\[\^\d+\](?!:))+", answer):
        marks = re.findall(r"\[\^\d+\]", cluster)
        assert len(marks) == len(set(marks)), cluster


def test_every_sentence_of_an_answer_that_makes_a_claim_is_cited(shipped: KnowledgeGraph) -> None:
    """Sentences end in footnotes; only headings ending in ':' carry none."""
    for x, y in [
        ("adversarial training", "deceptive alignment"),
        ("evolution", "mesa-optimizer"),
        ("bottle cap", "mesa-optimizer"),
        ("humans", "genetic fitness"),
    ]:
        answer, _ = relate_answer(shipped, relate(shipped, x, y))
        body = answer.split("\n[^1]:")[0]
        for line in filter(None, body.splitlines()):
            if line.endswith(":"):
                continue
            for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.lstrip("-0123456789. ")):
                assert re.search(r"\[\^\d+\]$", part.rstrip(".")) or re.search(
                    r"\[\^\d+\]\.?$", part
                ), (x, y, part)


def test_answer_for_direct_and_indirect(good: KnowledgeGraph) -> None:
    direct, _ = relate_answer(good, relate(good, "inner alignment", "outer alignment"))
    assert direct.startswith("Inner alignment is contrasted with outer alignment.[^1]\n")
    assert "directly" not in direct
    indirect, _ = relate_answer(good, relate(good, "evolution", "mesa-optimizer"))
    assert indirect.startswith(
        "**Evolution** and **the mesa-optimizer** are linked through "
        "humans:\n\n1. Evolution produces humans.[^1]\n"
    )


def test_a_direct_relation_leads_with_its_note_and_a_limit_follows_with_but(
    shipped: KnowledgeGraph,
) -> None:
    answer, _ = relate_answer(shipped, relate(shipped, "adversarial training", "pseudo-alignment"))
    first, second = answer.split("\n\n")[:2]
    rel = next(
        r
        for r in shipped.relations_between("adversarial-training", "pseudo-alignment")
        if r.type == "reveals"
    )
    assert first.startswith("Adversarial training can reveal pseudo-alignment.[^1] ")
    assert rel.note is not None and rel.note.split(";")[0] in first
    assert second.startswith("Adversarial training may help against pseudo-alignment.")
    # a limit after a link reads "But ..."
    limit, _ = relate_answer(shipped, relate(shipped, "outer alignment", "inner misalignment"))
    assert limit.startswith("Outer alignment does not rule out inner misalignment.")


def test_a_denial_that_parts_two_concepts_leads_the_answer(shipped: KnowledgeGraph) -> None:
    answer, _ = relate_answer(shipped, relate(shipped, "bottle cap", "mesa-optimizer"))
    assert answer.startswith(
        "The bottle cap is not an example of an optimizer[^1][^2], while the "
        "mesa-optimizer is a kind of optimizer[^3]."
    )


def test_other_connections_and_what_they_share_never_repeat(shipped: KnowledgeGraph) -> None:
    for x, y in [
        ("evolution", "mesa-optimizer"),
        ("plants", "humans"),
        ("outer alignment", "mesa-objective"),
        ("gradient descent", "evolution"),
    ]:
        answer, _ = relate_answer(shipped, relate(shipped, x, y))
        bullets = [b for b in answer.split("\n") if b.startswith("- ")]
        sentences = [re.sub(r"\[\^\d+\]", "", b).split(".")[0] for b in bullets]
        assert len(sentences) == len(set(sentences)), (x, y)
        r = relate(shipped, x, y)
        through = {s.to_id for p in r.paths[:3] for s in p.steps[:-1]}
        if "What they have in common:" in answer and "Other connections:" in answer:
            common = answer.split("What they have in common:")[1]
            for cid in through:
                assert f"both produce {shipped.concepts[cid].label}" not in common


def test_answer_when_nothing_connects(good: KnowledgeGraph) -> None:
    r = relate(good, "the-paper", "base objective", max_hops=1)
    answer, notes = relate_answer(good, r)
    assert "records no connection" in answer
    # what each of them is, cited, so the answer still says something true
    assert "- **A Paper on Learned Optimization**: " in answer and len(notes.items) == 2


def test_renumbering_follows_first_use_and_drops_unused_footnotes(
    shipped: KnowledgeGraph,
) -> None:
    """An answer that turns a line round may use footnote 2 before 1, or stop citing a
    passage it had numbered: Footnotes.renumbered puts the marks in order again and
    drops the footnote no line marks."""
    from kg.explain import Footnotes

    notes = Footnotes(shipped)
    cites = [c for rel in shipped.relations_of("mesa-optimizer") for c in rel.citations]
    first, second, third = (notes.mark([c]) for c in cites[:3])
    assert (first, second, third) == ("[^1]", "[^2]", "[^3]")
    lines = [f"Said second.{third}", f"Then{first}{third} and more."]
    out = notes.renumbered(lines)
    assert out == ["Said second.[^1]", "Then[^1][^2] and more."]
    assert [i.n for i in notes.items] == [1, 2]
    assert [i.citation for i in notes.items] == [cites[2], cites[0]]
    # the same passage keeps its new number when marked again
    assert notes.mark([cites[0]]) == "[^2]"


def test_a_reason_leads_but_a_note_that_only_names_the_link_does_not(
    shipped: KnowledgeGraph,
) -> None:
    """Told.reason_first puts a relation's note in place of its sentence when the note
    is a reason ("Optimizers do very well on the task ..."), but not for a link whose
    note only restates it ("Humans are ... the video's case of an optimizer that
    evolution produced"): that line stays as explained() wrote it."""
    from kg.explain import Footnotes, Told, explained

    def first(source: str, rtype: str, target: str) -> Relation:
        return next(
            r
            for r in shipped.relations_of(source)
            if r.source == source and r.type == rtype and r.target == target
        )

    told = Told()
    notes = Footnotes(shipped)
    reason = explained(
        shipped, notes, first("gradient-descent", "makes_likely", "mesa-optimizer"), told=told
    )
    named = explained(shipped, notes, first("evolution", "produces", "humans"), told=told)
    assert told.reason_first(reason).startswith("Optimizers do very well")
    assert told.reason_first(named) == named
    assert told.reason_first("**Heuristics.** " + reason).startswith(
        "**Heuristics.** Optimizers do very well"
    )


def test_a_passage_inside_another_is_one_footnote_whichever_is_cited_first(
    shipped: KnowledgeGraph,
) -> None:
    """Two citations of one source, one passage inside the other, make one footnote:
    the shorter after the longer reuses its number, and the longer after the shorter
    widens the footnote the shorter made, so no footnote repeats another's words."""
    from kg.explain import Footnotes

    pairs = [
        (short, long)
        for short in (c for r in shipped.relations for c in r.citations)
        for long in (c for r in shipped.relations for c in r.citations)
        if short.source == long.source
        and long.start <= short.start
        and short.end <= long.end
        and (long.start, long.end) != (short.start, short.end)
    ]
    assert pairs, "the shipped data cites passages inside others"
    short, long = pairs[0]
    for order in ((long, short), (short, long)):
        notes = Footnotes(shipped)
        marks = [notes.mark([c]) for c in order]
        assert marks == ["[^1]", "[^1]"]
        assert [i.citation for i in notes.items] == [long]
        assert notes.mark([short]) == notes.mark([long]) == "[^1]"
