from __future__ import annotations

import pytest

from kg.errors import AmbiguousTerm, ConceptNotFound
from kg.graph import KnowledgeGraph
from kg.search import resolve, search


@pytest.mark.parametrize(
    ("query", "cid", "match"),
    [
        ("mesa-optimizer", "mesa-optimizer", "label"),
        ("the-paper", "the-paper", "id"),
        ("Mesa Optimizer", "mesa-optimizer", "label"),
        ("mesa-optimisers", "mesa-optimizer", "label"),
        ("learned optimizers", "mesa-optimizer", "alias"),
        ("natural selection", "evolution", "alias"),
        ("mesa optimzer", "mesa-optimizer", "fuzzy"),
        ("evolutoin", "evolution", "fuzzy"),
        ("outer align", "outer-alignment", "prefix"),
        ("selection", "evolution", "prefix"),
    ],
)
def test_top_hit(good: KnowledgeGraph, query: str, cid: str, match: str) -> None:
    hit = search(good, query)[0]
    assert (hit.id, hit.match) == (cid, match)


def test_bands_exact_beats_prefix_beats_fuzzy(good: KnowledgeGraph) -> None:
    hits = search(good, "optimizer", limit=10)
    assert hits[0].id == "optimizer" and hits[0].match == "label"
    bands = [{"id": 0, "label": 0, "alias": 0, "prefix": 1, "fuzzy": 2}[h.match] for h in hits]
    assert bands == sorted(bands)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_kind_filter_and_limit(good: KnowledgeGraph) -> None:
    hits = search(good, "mesa", kind="objective")
    assert [h.id for h in hits] == ["mesa-objective"]
    assert len(search(good, "o", limit=2)) <= 2


@pytest.mark.parametrize("query", ["", "   ", "---", "zzzzqqqq"])
def test_nothing_found(good: KnowledgeGraph, query: str) -> None:
    assert search(good, query) == []


def test_resolve(good: KnowledgeGraph) -> None:
    assert resolve(good, "outer alignment problem").id == "outer-alignment"
    assert resolve(good, "mesa optimzer").id == "mesa-optimizer"
    assert resolve(good, "outer al").id == "outer-alignment"
    with pytest.raises(AmbiguousTerm) as amb:
        resolve(good, "mesa", "x")
    assert amb.value.suggestions == ["mesa-objective", "mesa-optimizer"]
    with pytest.raises(ConceptNotFound) as nf:
        resolve(good, "paperclip maximizer", "y")
    assert nf.value.param == "y"
