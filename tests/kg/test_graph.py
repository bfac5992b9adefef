from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg.errors import ConceptNotFound, NoSourceText, NotReady, SourceNotFound
from kg.graph import KnowledgeGraph, PerGraph
from kg.load import load_graph


@pytest.mark.parametrize(
    ("term", "cid"),
    [
        ("mesa-optimizer", "mesa-optimizer"),
        ("Mesa Optimisers", "mesa-optimizer"),
        ("learned optimizer", "mesa-optimizer"),
        ("natural selection", "evolution"),
        ("human", "humans"),
        ("INNER ALIGNMENT PROBLEM", "inner-alignment"),
    ],
)
def test_lookup_by_any_name(good: KnowledgeGraph, term: str, cid: str) -> None:
    found = good.lookup(term)
    assert found is not None and found.id == cid


def test_lookup_misses(good: KnowledgeGraph) -> None:
    assert good.lookup("mesa") is None
    assert good.lookup("") is None


def test_unknown_concept_has_suggestions(good: KnowledgeGraph) -> None:
    with pytest.raises(ConceptNotFound) as caught:
        good.concept("mesa-optimiser-x")
    assert caught.value.suggestions[0] == "mesa-optimizer"


def test_relations_of_lists_both_directions(good: KnowledgeGraph) -> None:
    rels = good.relations_of("mesa-optimizer")
    outgoing = [(r.type, r.target) for r in rels if r.source == "mesa-optimizer"]
    incoming = [(r.source, r.type) for r in rels if r.target == "mesa-optimizer"]
    assert outgoing == [
        ("is_a", "optimizer"),
        ("has_objective", "mesa-objective"),
        ("introduced_in", "the-paper"),
    ]
    assert sorted(incoming) == [("base-optimizer", "produces"), ("humans", "example_of")]


def test_neighbors_by_depth_and_type(good: KnowledgeGraph) -> None:
    dist, rels = good.neighbors("humans", depth=1)
    assert dist == {"humans": 0, "mesa-optimizer": 1, "evolution": 1, "optimization": 1}
    assert len(rels) == 3
    dist, rels = good.neighbors("humans", depth=2, types=frozenset({"example_of", "produces"}))
    assert set(dist) == {"humans", "mesa-optimizer", "evolution", "base-optimizer"}
    assert {r.type for r in rels} <= {"example_of", "produces"}


def test_hierarchy(good: KnowledgeGraph) -> None:
    up = good.hierarchy("base-optimizer", up=True)
    assert [(s.concept, s.type, s.depth) for s in up] == [("optimizer", "is_a", 1)]
    down = good.hierarchy("optimizer", up=False)
    assert sorted(s.concept for s in down) == ["base-optimizer", "mesa-optimizer"]
    assert good.ancestors("mesa-optimizer") == {"optimizer": 1}


def test_sources(good: KnowledgeGraph) -> None:
    assert good.source_text("primer").startswith("A primer for tests.")
    with pytest.raises(NoSourceText):
        good.source_text("the-paper")
    with pytest.raises(SourceNotFound):
        good.source("primr")


def test_snapshot_is_read_only(good: KnowledgeGraph) -> None:
    with pytest.raises(TypeError):
        good.concepts["x"] = good.concepts["humans"]  # type: ignore[index]
    with pytest.raises(ValueError):
        good.concepts["humans"].label = "people"  # type: ignore[misc]


def test_a_per_graph_value_is_built_once_and_goes_with_its_graph(good_dir: Path) -> None:
    builds: list[int] = []
    lock = threading.Lock()

    def build(graph: KnowledgeGraph) -> int:
        time.sleep(0.05)  # long enough for every thread to ask before the first is done
        with lock:
            builds.append(len(graph.concepts))
        return len(builds)

    per = PerGraph(build)
    graph = load_graph(good_dir)
    assert graph not in per and len(per) == 0
    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(per, [graph] * 8))
    assert values == [1] * 8 and len(builds) == 1 and graph in per
    other = load_graph(good_dir)
    per.keep(other, 42)
    assert per(other) == 42 and len(builds) == 1
    del graph, other
    gc.collect()
    assert len(per) == 0  # kept no longer than the graphs


def test_a_value_built_in_the_background_is_not_ready_until_built(good_dir: Path) -> None:
    """While a background thread builds a graph's value, asking for it raises NotReady
    (with a time to retry after) instead of building it again or waiting; then it is
    the value built. A build that fails leaves the next caller to build it."""
    release = threading.Event()
    builds: list[int] = []

    def build(graph: KnowledgeGraph) -> int:
        assert release.wait(10)
        builds.append(1)
        return len(graph.concepts)

    per = PerGraph(build, "test index")
    graph = load_graph(good_dir)
    thread = per.build_in_background(graph)
    assert thread is not None
    assert per.build_in_background(graph) is None  # one build at a time
    with pytest.raises(NotReady, match="test index") as caught:
        per(graph)
    assert caught.value.retry_after > 0 and graph not in per
    release.set()
    thread.join(10)
    assert per(graph) == len(graph.concepts) and builds == [1]

    def broken(graph: KnowledgeGraph) -> int:
        raise RuntimeError("no")

    failing = PerGraph(broken)
    started = failing.build_in_background(graph)
    assert started is not None
    started.join(10)
    with pytest.raises(RuntimeError, match="no"):
        failing(graph)  # built by the caller, which sees why it fails


def test_what_is_left_to_finish_runs_once_and_others_wait_for_it(tmp_path: Path) -> None:
    """kg.graph.finish: a second thread that needs what a snapshot left to read while the
    first is reading it waits for it, rather than finding it gone and building the same
    again; a call from within the work itself returns at once."""
    from kg.graph import finish, finish_later

    graph = load_graph(Path(__file__).parent.parent / "data" / "good")
    started, release, runs = threading.Event(), threading.Event(), []

    def work() -> None:
        runs.append(1)
        finish(graph)  # re-entrant: returns, does not run the work again
        started.set()
        release.wait(30)

    finish_later(graph, work)
    first = threading.Thread(target=finish, args=(graph,))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=finish, args=(graph,))
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the first, not returned early
    release.set()
    first.join(30)
    second.join(30)
    assert not first.is_alive() and not second.is_alive()
    assert runs == [1]
    finish(graph)  # nothing left
    assert runs == [1]
