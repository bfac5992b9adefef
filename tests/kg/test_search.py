from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from kg.errors import AmbiguousTerm, ConceptNotFound
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term
from kg.load import load_graph
from kg.search import FUZZY_CUTOFF, resolve, search


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


def _every_score(graph: KnowledgeGraph, query: str, kind: str | None) -> dict[str, float]:
    """The best score of every concept for ``query``, by scoring every name: the plain
    definition that the index's shortcuts (length buckets, early stops) must agree with."""
    q = normalize_term(query)
    best: dict[str, float] = {}
    for cid, c in graph.concepts.items():
        if kind is not None and c.kind != kind:
            continue
        for what, name in [("label", c.label), *(("alias", a) for a in c.aliases), ("id", cid)]:
            form = normalize_term(name)
            scores = []
            if form == q:
                scores.append(
                    {"label": 1.0, "alias": 0.98}.get(what, 1.0 if query.strip() == cid else 0.97)
                )
            elif form.startswith(q):
                scores.append(0.6 + 0.3 * len(q) / len(form))
            if len(q) >= 3:
                words = form.split(" ")
                if any(" ".join(words[j:]).startswith(q) for j in range(1, len(words))):
                    scores.append(0.55 + 0.2 * len(q) / len(form))
                for scorer, weight in ((fuzz.ratio, 1.0), (fuzz.token_sort_ratio, 0.95)):
                    score = scorer(q, form)
                    if score >= FUZZY_CUTOFF / weight:
                        scores.append(0.5 * weight * score / 100 - 0.0001)
            if scores:
                best[cid] = max(best.get(cid, 0.0), *scores)
    return best


@pytest.fixture(scope="module")
def generated() -> KnowledgeGraph:
    from bench.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        return load_graph(generate(Path(tmp) / "data", 400, 1200, seed=11))


def test_search_agrees_with_scoring_every_name(generated: KnowledgeGraph) -> None:
    from bench.scale import search_queries

    queries = search_queries(generated, 150, seed=4) + ["a", "b", "ch", "the", "zz"]
    for i, query in enumerate(queries):
        limit = (1, 5, 10, 25)[i % 4]
        kind = None if i % 3 else generated.concepts[sorted(generated.concepts)[i]].kind
        hits = search(generated, query, limit=limit, kind=kind)
        every = _every_score(generated, query, kind)
        if len(every) <= limit:
            want = set(every)
        else:  # every concept scoring above the last place must be there
            cut = sorted(every.values(), reverse=True)[limit - 1]
            want = {cid for cid, s in every.items() if s > cut + 1e-9}
        got = {h.id for h in hits}
        assert want <= got, (query, limit, kind)
        assert len(hits) == min(limit, len(every)), (query, limit, kind)
        for h in hits:
            assert h.score == pytest.approx(round(every[h.id], 4), abs=1e-4), (query, h)
