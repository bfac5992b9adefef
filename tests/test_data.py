"""The shipped data: it validates, it is big enough, and it says what the sources say."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from kg.citations import normalize_text
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term

ROOT = Path(__file__).resolve().parent.parent
SHARED_SOURCES = ROOT.parent / "shared" / "sources"

REQUIRED = [
    "optimization",
    "optimizer",
    "base-optimizer",
    "base-objective",
    "mesa-optimizer",
    "mesa-objective",
    "learned-algorithm",
    "behavioral-objective",
    "inner-alignment",
    "outer-alignment",
    "pseudo-alignment",
    "robust-alignment",
    "deceptive-alignment",
    "corrigible-alignment",
    "distributional-shift",
    "adversarial-training",
    "gradient-hacking",
    "goal-misgeneralization",
    "stochastic-gradient-descent",
    "gradient-descent",
    "evolution",
    "humans",
    "heuristics",
    "terminal-goal",
    "instrumental-goal",
    "instrumental-convergence",
    "world-model",
    "reward-result-gap",
    "training-vs-deployment",
    "risks-from-learned-optimization",
]

# the sources' examples and analogies, each by a name a reader would use
EXAMPLES = [
    "maze with green apples",
    "strategy-game assistant",
    "birth control",
    "bottle cap",
    "cancer-minimizing objective",
    "duckling imprinting",
    "deceptive maze toy example",
]

TRUE_RELATIONS = [
    ("base-optimizer", "has_objective", "base-objective"),
    ("mesa-optimizer", "has_objective", "mesa-objective"),
    ("base-optimizer", "produces", "mesa-optimizer"),
    ("mesa-optimizer", "is_a", "learned-algorithm"),
    ("mesa-optimizer", "is_a", "optimizer"),
    ("deceptive-alignment", "part_of", "inner-alignment"),
    ("inner-alignment", "contrasts_with", "outer-alignment"),
    ("evolution", "example_of", "base-optimizer"),
    ("humans", "example_of", "mesa-optimizer"),
    ("adversarial-training", "mitigates", "distributional-shift"),
    ("deceptive-alignment", "contrasts_with", "corrigible-alignment"),
    ("adversarial-training", "insufficient_against", "deceptive-alignment"),
    ("humans", "has_objective", "genetic-fitness"),
    ("inner-misalignment", "failure_of", "inner-alignment"),
    ("mesa-optimizer", "exacerbates", "distributional-shift"),
    ("distributional-shift", "reveals", "pseudo-alignment"),
    ("inner-alignment", "fails_together", "outer-alignment"),
]

# what the sources hedge or deny must be stated so, not flatly
MODAL_RELATIONS = [
    ("base-optimizer", "produces", "mesa-optimizer", "can"),
    ("humans", "has_objective", "genetic-fitness", "does_not"),
    ("animals", "has_objective", "genetic-fitness", "does_not"),
    ("plants", "is_a", "optimizer", "does_not"),
    ("adversarial-training", "mitigates", "pseudo-alignment", "may"),
]


@pytest.mark.parametrize(("s", "t", "o", "modality"), MODAL_RELATIONS)
def test_hedges_and_denials(shipped: KnowledgeGraph, s: str, t: str, o: str, modality: str) -> None:
    found = [r for r in shipped.relations_between(s, o) if r.source == s and r.type == t]
    assert [r.modality for r in found] == [modality]


@pytest.mark.parametrize(
    ("cid", "alias"),
    [
        ("inner-alignment", "inner misalignment"),
        ("inner-alignment", "inner alignment failure"),
        ("mesa-optimizer", "mesa-optimization"),
        ("search-algorithm", "A*"),
        ("search-algorithm", "Dijkstra's algorithm"),
    ],
)
def test_aliases_that_are_not_synonyms_are_gone(
    shipped: KnowledgeGraph, cid: str, alias: str
) -> None:
    found = shipped.lookup(alias)
    assert found is None or found.id != cid


def test_sizes(shipped: KnowledgeGraph) -> None:
    stats = shipped.stats()
    assert stats["concepts"] >= 45 and stats["relations"] >= 220


def test_every_relation_says_why_it_holds(shipped: KnowledgeGraph) -> None:
    """Only "the term X was introduced in the paper" goes without a note: its type says all."""
    for r in shipped.relations:
        assert r.citations, (r.source, r.type, r.target)
        if r.type != "introduced_in":
            assert r.note and len(r.note) >= 40, (r.source, r.type, r.target)


def _copied_run(text: str, sources: list[str], n: int = 8) -> str | None:
    """The first run of ``n`` consecutive words of ``text`` found in one of ``sources``."""
    words = normalize_term(text).split()
    for i in range(len(words) - n + 1):
        run = " ".join(words[i : i + n])
        if any(run in t for t in sources):
            return run
    return None


@pytest.mark.parametrize("cid", REQUIRED)
def test_required_concepts(shipped: KnowledgeGraph, cid: str) -> None:
    concept = shipped.concepts[cid]
    assert concept.citations and concept.definition


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_are_example_concepts(shipped: KnowledgeGraph, name: str) -> None:
    found = shipped.lookup(name)
    assert found is not None and found.kind == "example"
    # an example illustrates something, or shows what something is not
    assert any(r.type in ("example_of", "contrasts_with") for r in shipped.relations_of(found.id))


@pytest.mark.parametrize(("s", "t", "o"), TRUE_RELATIONS)
def test_true_relations(shipped: KnowledgeGraph, s: str, t: str, o: str) -> None:
    assert any(
        r.type == t
        for r in shipped.relations_between(s, o)
        if r.source == s or t in ("contrasts_with", "analogous_to", "related_to")
    )


def test_every_citation_points_at_its_quote(shipped: KnowledgeGraph) -> None:
    cited = [c for x in shipped.concepts.values() for c in x.citations]
    cited += [c for r in shipped.relations for c in r.citations]
    for c in cited:
        text = shipped.source_text(c.source)
        assert normalize_text(text[c.start : c.end]) == normalize_text(c.quote)
        assert len(c.quote) <= 300, f"quote too long to be one clause: {c.quote[:60]!r}"


def test_every_concept_has_aliases_or_a_single_spelling(shipped: KnowledgeGraph) -> None:
    for c in shipped.concepts.values():
        assert c.aliases or c.kind in ("example", "work"), c.id


def test_definitions_and_notes_are_our_own_words(shipped: KnowledgeGraph) -> None:
    """No definition or note repeats eight or more consecutive words of a source text."""
    texts = [
        normalize_term(shipped.source_text(s))
        for s in shipped.sources
        if shipped.sources[s].has_text
    ]
    for c in shipped.concepts.values():
        assert _copied_run(c.definition, texts) is None, c.id
    for r in shipped.relations:
        assert r.note is None or _copied_run(r.note, texts) is None, (r.source, r.target)


def test_related_to_is_rare(shipped: KnowledgeGraph) -> None:
    vague = [r for r in shipped.relations if r.type == "related_to"]
    assert len(vague) <= len(shipped.relations) // 10


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="shared/sources not beside the repo")
def test_source_texts_are_unchanged_copies() -> None:
    for original in SHARED_SOURCES.glob("*.txt"):
        assert filecmp.cmp(original, ROOT / "data" / "sources" / original.name, shallow=False)
