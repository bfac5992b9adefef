"""The grounded context for language models: what it holds, in which order, within the
budget, every quote verbatim and given once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bench.context import measure
from kg.ask import MAX_QUESTION, ask
from kg.context import (
    MAX_BUDGET,
    MIN_BUDGET,
    GroundedContext,
    build_context,
    estimate_tokens,
)
from kg.errors import InvalidQuery
from kg.explain import sentence
from kg.graph import KnowledgeGraph
from kg.paths import relate

ROOT = Path(__file__).resolve().parent.parent.parent
CASES = yaml.safe_load((ROOT / "tests" / "quality" / "cases.yaml").read_text("utf-8"))
QUESTIONS = [c["q"] for c in CASES["ask"]]
BUDGETS = (MIN_BUDGET, 120, 300, 1000, 3000)
_NUMBER = re.compile(r"\[(\d+)\]")


def facts(ctx: GroundedContext) -> list[str]:
    """The lines of the text that state facts (definitions and relations)."""
    return [line for line in ctx.text.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("budget", BUDGETS)
def test_every_context_keeps_to_its_budget(shipped: KnowledgeGraph, budget: int) -> None:
    for q in QUESTIONS:
        ctx = build_context(shipped, q, budget=budget)
        assert ctx.tokens == estimate_tokens(ctx.text), q
        assert ctx.tokens <= budget, (q, budget)
        assert ctx.budget == budget


def test_a_bigger_budget_gives_more(shipped: KnowledgeGraph) -> None:
    q = "Why would a mesa-optimizer be deceptive?"
    small, large = (build_context(shipped, q, budget=b) for b in (300, 3000))
    assert len(facts(small)) < len(facts(large))
    assert small.omitted > large.omitted
    assert large.tokens > 1000


def test_at_a_tiny_budget_the_named_definitions_survive(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "What is a mesa-optimizer?", budget=300)
    assert [(c.id, c.role) for c in ctx.concepts] == [("mesa-optimizer", "named")]
    assert ctx.relations == [] and ctx.omitted > 0
    assert ctx.text.startswith("Definitions:\n- mesa-optimizer (optimizer")
    two = build_context(shipped, "Is a bottle cap an optimizer?", budget=600)
    assert [c.id for c in two.concepts][:2] == ["bottle-cap", "optimizer"]


def test_a_small_budget_keeps_a_definition_with_its_first_quote_rather_than_none(
    shipped: KnowledgeGraph,
) -> None:
    q = "How does evolution relate to a mesa-optimizer?"
    full = {c.id: c for c in build_context(shipped, q, budget=3000).concepts}
    assert len(full["evolution"].quotes) > 1 and len(full["mesa-optimizer"].quotes) > 1
    small = build_context(shipped, q, budget=300)
    kept = {c.id: c for c in small.concepts}
    # both named concepts are defined, each on its first quote, which is the source's
    # passage at the first citation of its definition
    assert {"evolution", "mesa-optimizer"} <= set(kept)
    for cid in ("evolution", "mesa-optimizer"):
        (n,) = kept[cid].quotes
        quote = next(x for x in small.quotes if x.n == n)
        first = shipped.concepts[cid].citations[0]
        assert (quote.source, quote.start, quote.end) == (first.source, first.start, first.end)
    assert small.tokens <= 300


@pytest.mark.parametrize(
    ("q", "deciding"),
    [
        ("Does solving outer alignment guarantee a safe AI?", "outer-alignment"),
        ("Is evolution a mesa-optimizer?", "evolution"),
    ],
)
def test_a_small_budget_keeps_what_decides_a_yes_no_question(
    shipped: KnowledgeGraph, q: str, deciding: str
) -> None:
    """With room for little, the relation the graph's verdict rests on comes before
    definitions: without it a model has the terms but not the answer."""
    verdict = ask(shipped, q)
    told = verdict.answer.split("[^")[0]  # "**No.** Evolution is an example of ..."
    small = build_context(shipped, q, budget=300)
    assert small.tokens <= 300
    assert small.relations, small.text
    first = small.relations[0]
    assert first.source == deciding
    assert first.sentence.rstrip(".") in told
    assert first.note is not None and first.note in small.text


def test_named_concepts_come_first_then_what_decides_the_question(
    shipped: KnowledgeGraph,
) -> None:
    ctx = build_context(shipped, "Does solving outer alignment solve inner alignment?")
    assert [c.id for c in ctx.concepts][:2] == ["outer-alignment", "inner-alignment"]
    first = ctx.relations[0]
    # the graph's own verdict rests on this limit: it leads the relations
    assert (first.source, first.type, first.target) == (
        "outer-alignment",
        "insufficient_against",
        "inner-misalignment",
    )
    assert first.sentence == "Outer alignment does not rule out inner misalignment."
    for q in QUESTIONS:
        # the question's own concepts are defined before those its relations bring in
        roles = [c.role for c in build_context(shipped, q, budget=3000).concepts]
        assert roles == sorted(roles, key=lambda role: role == "related"), q


def test_a_concept_the_answer_defines_on_the_way_is_defined(shipped: KnowledgeGraph) -> None:
    """The graph's verdict on "is a mesa-optimizer always misaligned?" rests on no
    relation between the two but on the ways a mesa-optimizer can turn out aligned,
    which it defines: a model given the context needs those definitions too."""
    q = "Is a mesa-optimizer always misaligned?"
    assert "robust alignment, the case in which" in ask(shipped, q).answer
    ctx = build_context(shipped, q, budget=1000)
    ids = [c.id for c in ctx.concepts]
    assert ids[:2] == ["mesa-optimizer", "misalignment"]
    assert "robust-alignment" in ids and "corrigible-alignment" in ids
    assert {c.role for c in ctx.concepts if c.id == "robust-alignment"} == {"related"}


def test_relations_among_named_concepts_come_with_their_notes(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "How does the base optimizer relate to the mesa-optimizer?")
    among = [r for r in ctx.relations if r.role == "among"]
    produces = next(r for r in among if r.type == "produces")
    assert (produces.source, produces.target) == ("base-optimizer", "mesa-optimizer")
    rel = next(
        r
        for r in shipped.relations_between("base-optimizer", "mesa-optimizer")
        if r.type == "produces"
    )
    assert produces.note == rel.note and rel.note
    assert produces.sentence == sentence(shipped, rel)
    line = next(line for line in facts(ctx) if produces.sentence in line)
    assert rel.note in _NUMBER.sub("", line)  # the note follows its sentence
    numbers = {int(n) for n in _NUMBER.findall(line)}
    assert set(produces.quotes) <= numbers and produces.quotes
    for n in produces.quotes:
        quote = ctx.quotes[n - 1]
        assert any(
            c.source == quote.source and quote.start <= c.start and c.end <= quote.end
            for c in rel.citations
        )


def test_two_concepts_with_no_direct_link_are_linked(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "How do plants relate to genetic fitness?", budget=3000)
    assert not shipped.relations_between("plants", "genetic-fitness")
    told = {(r.source, r.type, r.target) for r in ctx.relations}
    best = relate(shipped, "plants", "genetic-fitness", max_hops=2).paths[0]
    assert {(s.relation.source, s.relation.type, s.relation.target) for s in best.steps} <= told


def test_a_path_is_two_steps_between_two_of_the_questions_concepts(
    shipped: KnowledgeGraph,
) -> None:
    told = 0
    for q in QUESTIONS:
        ctx = build_context(shipped, q, budget=5000)
        core = {*ctx.named, *ctx.described}
        paths: dict[int | None, list[tuple[str, str]]] = {}
        for r in ctx.relations:
            if r.role == "path":
                paths.setdefault(r.path, []).append((r.source, r.target))
        for steps in paths.values():
            assert len(steps) == 2, (q, steps)
            first, second = set(steps[0]), set(steps[1])
            middle = first & second
            assert len(middle) == 1 and (first | second) - middle <= core, (q, steps)
        told += len(paths)
        lines = [line for line in facts(ctx) if line.startswith("- Through ")]
        assert len(lines) == len(paths), q
    assert told >= 10


@pytest.mark.parametrize("budget", (300, 3000))
def test_every_quote_is_verbatim_at_its_offsets_and_given_once(
    shipped: KnowledgeGraph, budget: int
) -> None:
    for q in QUESTIONS:
        ctx = build_context(shipped, q, budget=budget)
        assert [x.n for x in ctx.quotes] == list(range(1, len(ctx.quotes) + 1))
        spans = [(x.source, x.start, x.end) for x in ctx.quotes]
        assert len(spans) == len(set(spans)), q
        for x in ctx.quotes:
            assert shipped.source_text(x.source)[x.start : x.end] == x.text
            assert x.title == shipped.sources[x.source].title
            # nor is one inside another: that one is cited instead
            assert not any(
                y is not x and y.source == x.source and y.start <= x.start and x.end <= y.end
                for y in ctx.quotes
            ), q
            assert f'[{x.n}] "{" ".join(x.text.split())}"' in ctx.text
        # numbered in the order the text cites them, and every one cited
        body = ctx.text.split("\n\nQuotes:\n")[0]
        cited = list(dict.fromkeys(int(n) for n in _NUMBER.findall(body)))
        assert cited == list(range(1, len(ctx.quotes) + 1)), q
        for numbers in [c.quotes for c in ctx.concepts] + [r.quotes for r in ctx.relations]:
            assert numbers and set(numbers) <= set(cited)


def test_nothing_is_told_twice(shipped: KnowledgeGraph) -> None:
    for q in QUESTIONS:
        ctx = build_context(shipped, q, budget=MAX_BUDGET)
        ids = [c.id for c in ctx.concepts]
        assert len(ids) == len(set(ids)), q
        rels = [(r.source, r.type, r.target, r.modality) for r in ctx.relations]
        assert len(rels) == len(set(rels)), q
        lines = facts(ctx)
        assert len(lines) == len(set(lines)), q
        plain = _NUMBER.sub("", ctx.text)
        for note in {r.note for r in ctx.relations if r.note}:
            assert plain.count(note) == 1, (q, note)


def test_definitions_are_the_graphs(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "What is the difference between inner and outer alignment?")
    for c in ctx.concepts:
        concept = shipped.concepts[c.id]
        assert (c.label, c.kind, c.definition) == (concept.label, concept.kind, concept.definition)
    assert {"inner-alignment", "outer-alignment"} <= {c.id for c in ctx.concepts}
    assert ctx.named[:2] == ["inner-alignment", "outer-alignment"]


def test_a_question_naming_nothing_gives_an_empty_context_that_says_so(
    shipped: KnowledgeGraph,
) -> None:
    ctx = build_context(shipped, "What is the capital of France?")
    assert ctx.concepts == [] and ctx.relations == [] and ctx.quotes == []
    assert ctx.named == [] and ctx.described == []
    assert "holds nothing" in ctx.text or "names nothing else it holds" in ctx.text
    assert 0 < ctx.tokens <= ctx.budget
    tax = build_context(shipped, "What is the alignment tax?")
    assert tax.missing == ["alignment tax"] and tax.concepts == []
    assert "no entry for \u201calignment tax\u201d" in tax.text


def test_what_the_graph_lacks_is_named_beside_what_it_holds(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "Can corrigibility prevent deceptive alignment?")
    assert ctx.missing == ["corrigibility"]
    assert ctx.text.startswith("The glossary has no entry for \u201ccorrigibility\u201d")
    assert ctx.concepts[0].id == "deceptive-alignment"


@pytest.mark.parametrize("budget", (MIN_BUDGET - 1, MAX_BUDGET + 1, 0, -5))
def test_a_budget_out_of_bounds_is_refused(shipped: KnowledgeGraph, budget: int) -> None:
    with pytest.raises(InvalidQuery, match="budget"):
        build_context(shipped, "What is a mesa-optimizer?", budget=budget)


@pytest.mark.parametrize("q", ["", "   ", "x" * (MAX_QUESTION + 1)])
def test_an_empty_or_overlong_question_is_refused(shipped: KnowledgeGraph, q: str) -> None:
    with pytest.raises(InvalidQuery):
        build_context(shipped, q)


# Token counts of cl100k_base and o200k_base (OpenAI's encodings), measured once with the
# npm package gpt-tokenizer 3: the estimate must not fall below either.
MEASURED = [
    ("A mesa-optimizer is a learned algorithm that is itself an optimizer.", 14, 14),
    (
        "Evolution produces humans. Humans are, with intelligent animals, the video's case "
        "of an optimizer that evolution produced.[4]",
        25,
        23,
    ),
    (
        "[12] \"Most agents, with most goals, again\u2014if they're sophisticated enough to "
        "realize that it's a possibility\u2014will try to protect their goals from being "
        'modified." (B, chars 24809-24964)',
        46,
        45,
    ),
    (
        "Deceptive alignment requires a difference between training and deployment. Faking "
        "alignment pays only because the model is modified in training but not after "
        "it.[11][12]",
        32,
        33,
    ),
    (
        "Inner alignment is the problem of making sure that the goal an AI ends up pursuing "
        "is the same as the goal we optimized it for.",
        27,
        27,
    ),
    (
        "- deceptive alignment (alignment mode; also called deceptively aligned, deceptive "
        "mesa-optimizer): The case in which a mesa-optimizer understands the base objective "
        "but has a different objective of its own.[4][5][6]",
        46,
        45,
    ),
    (
        '[3] "A \u201cmesa-optimizer\u201d is a learned algorithm that is itself an '
        'optimizer." (C, chars 495-565)',
        30,
        29,
    ),
    ("B: The OTHER AI Alignment Problem: Mesa-Optimizers and Inner Alignment", 16, 15),
    (
        "Stochastic gradient descent (SGD) adjusts 175,000,000,000 weights; \u00e9t\u00e9, "
        "na\u00efve, \u201cquoted\u201d\u2014dash.",
        29,
        29,
    ),
]


@pytest.mark.parametrize(("text", "cl100k", "o200k"), MEASURED)
def test_the_token_estimate_errs_high(text: str, cl100k: int, o200k: int) -> None:
    assert estimate_tokens(text) >= max(cl100k, o200k)
    assert estimate_tokens(text) <= 1.5 * max(cl100k, o200k)  # an estimate, not a guess


def test_the_token_estimate_counts_pieces_and_line_breaks() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a\nb") == 3
    assert estimate_tokens("optimizer") == 2  # a long word counts as more than one
    assert estimate_tokens("\u00e9t\u00e9") == 3  # letters outside ASCII one each
    assert estimate_tokens("1234567") == 3
    text = 'Definitions:\n- one line.[1]\n\nQuotes:\n[1] "x" (A, chars 1-2)'
    assert estimate_tokens(text) == sum(map(estimate_tokens, text.split("\n"))) + 4


def test_at_1000_tokens_the_context_holds_what_the_answers_are_about(
    shipped: KnowledgeGraph,
) -> None:
    # the bar: the concepts each answer must be about (the case's own list, or
    # those /v1/ask's answer is about) are defined in 95% of the cases' needs or more
    figures = measure(shipped, 1000)
    assert figures["about_recall"] >= 0.95, figures
    assert figures["phrases_recall"] >= 0.85, figures
    assert measure(shipped, 300)["about_recall"] < figures["about_recall"]


def test_a_concept_described_without_its_name_is_defined(shipped: KnowledgeGraph) -> None:
    ctx = build_context(
        shipped, "What is it called when a model pretends to be aligned until it is deployed?"
    )
    assert ctx.named == [] and "deceptive-alignment" in ctx.described
    described = next(c for c in ctx.concepts if c.id == "deceptive-alignment")
    assert described.role == "described" and described.score is not None
    assert 0 < described.score <= 1
    line = next(line for line in facts(ctx) if line.startswith("- deceptive alignment ("))
    assert "the question seems to describe it" in line


def test_a_few_words_beside_names_describe_nothing(shipped: KnowledgeGraph) -> None:
    # "what causes" and "outperform" are what is asked about the named concepts, not a
    # description of others
    for q in ("What causes goal misgeneralization?", "Why do optimizers outperform heuristics?"):
        ctx = build_context(shipped, q)
        assert ctx.described == [] and ctx.named, q
        assert {c.role for c in ctx.concepts} <= {"named", "related"}, q


def test_a_description_that_is_no_question_leads_with_what_it_describes(
    shipped: KnowledgeGraph,
) -> None:
    # "goal" names the objective function, but the text describes something else
    ctx = build_context(
        shipped,
        "a model that keeps its skills in a new situation but competently pursues the wrong goal",
    )
    assert "goal-misgeneralization" in ctx.described
    assert ctx.concepts[0].role == "described" and ctx.concepts[0].id in ctx.described


def test_what_the_graph_records_none_of_is_said(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, "How can we prevent deceptive alignment?")
    assert ctx.text.startswith("The glossary records no remedies for deceptive alignment.\n")
    # what it does record on the matter follows: what does not rule it out
    assert any(r.type == "insufficient_against" for r in ctx.relations)


def test_a_question_that_names_some_concepts_and_describes_another_gets_both(
    shipped: KnowledgeGraph,
) -> None:
    """ "Pretend to be aligned" is deceptive alignment, which the question does not
    name: the context must hold it (ask's answer reads it from the description, so it
    comes as one of the answer's concepts) and a quote that answers the question."""
    ctx = build_context(
        shipped, "Why would a misaligned mesa-optimizer pretend to be aligned during training?"
    )
    roles = {c.id: c.role for c in ctx.concepts}
    assert roles.get("mesa-optimizer") == "named"
    assert "deceptive-alignment" in roles or roles.get("deception") == "described"
    assert "the optimal strategy for a mesa optimizer is to pretend to be aligned" in ctx.text
