from __future__ import annotations

import gc
import random
import tempfile
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from weakref import WeakKeyDictionary

import networkx as nx
import pytest

from kg import paths
from kg.errors import AmbiguousTerm, ConceptNotFound, InvalidQuery
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.model import Citation, Concept, Relation
from kg.ontology import RELATION_TYPES
from kg.paths import node_cost, rank_paths, relate, shared_context

CITE = (Citation(source="s", quote="q", start=0, end=1),)


def _graph(edges: list[tuple[str, str, str]]) -> KnowledgeGraph:
    names = sorted({e[0] for e in edges} | {e[2] for e in edges})
    concepts = {
        n: Concept(id=n, label=n.replace("-", " "), kind="concept", definition=n, citations=CITE)
        for n in names
    }
    relations = [Relation(source=s, type=t, target=o, citations=CITE) for s, t, o in edges]
    return KnowledgeGraph({}, {}, concepts, relations)


def _route(path: object) -> list[str]:
    steps = path.steps  # type: ignore[attr-defined]
    return [steps[0].from_id] + [s.to_id for s in steps]


@pytest.fixture
def hub_graph() -> KnowledgeGraph:
    """x and y are joined through a hub (many neighbours) and through one specific node."""
    edges = [
        ("x", "is_a", "hub"),
        ("y", "is_a", "hub"),
        ("x", "produces", "specific"),
        ("specific", "part_of", "y"),
    ]
    edges += [(f"leaf-{i}", "is_a", "hub") for i in range(12)]
    return _graph(edges)


def test_specific_path_beats_hub_path(hub_graph: KnowledgeGraph) -> None:
    paths = rank_paths(hub_graph, "x", "y")
    assert [_route(p) for p in paths] == [["x", "specific", "y"], ["x", "hub", "y"]]
    assert paths[0].score > paths[1].score


def test_related_to_path_loses_to_specific_path_of_same_length() -> None:
    g = _graph(
        [
            ("x", "related_to", "vague"),
            ("vague", "related_to", "y"),
            ("x", "causes", "exact"),
            ("exact", "causes", "y"),
        ]
    )
    assert [_route(p) for p in rank_paths(g, "x", "y")] == [
        ["x", "exact", "y"],
        ["x", "vague", "y"],
    ]


def test_a_shorter_path_beats_a_longer_one_when_nodes_are_alike() -> None:
    g = _graph(
        [
            ("x", "causes", "a"),
            ("a", "causes", "y"),
            ("x", "causes", "b"),
            ("b", "causes", "c"),
            ("c", "causes", "y"),
        ]
    )
    assert [p.length for p in rank_paths(g, "x", "y")] == [2, 3]


def test_max_hops_and_limit_bound_the_answer() -> None:
    chain = [(f"n{i}", "causes", f"n{i + 1}") for i in range(6)]
    g = _graph(chain)
    assert rank_paths(g, "n0", "n6", max_hops=5) == []
    assert [p.length for p in rank_paths(g, "n0", "n6", max_hops=6)] == [6]
    fan = _graph(
        [("x", "causes", f"m{i}") for i in range(10)]
        + [(f"m{i}", "causes", "y") for i in range(10)]
    )
    assert len(rank_paths(fan, "x", "y", limit=3)) == 3


def test_steps_read_in_the_direction_travelled(hub_graph: KnowledgeGraph) -> None:
    best = rank_paths(hub_graph, "y", "x")[0]
    assert [(s.from_id, s.type, s.to_id, s.forward) for s in best.steps] == [
        ("y", "has_part", "specific", False),
        ("specific", "produced_by", "x", False),
    ]


def test_direct_relations_both_ways_and_not_repeated_as_paths() -> None:
    g = _graph(
        [
            ("a", "produces", "b"),
            ("b", "contrasts_with", "a"),
            ("a", "causes", "c"),
            ("c", "causes", "b"),
        ]
    )
    r = relate(g, "b", "a")
    assert sorted(rel.type for rel in r.direct) == ["contrasts_with", "produces"]
    assert all(p.length >= 2 for p in r.paths)


def test_shared_context(good: KnowledgeGraph) -> None:
    shared = {
        (s.concept, s.type, s.outgoing)
        for s in shared_context(good, "base-optimizer", "mesa-optimizer")
    }
    assert ("optimizer", "is_a", True) in shared
    examples = shared_context(
        _graph([("e", "example_of", "p"), ("e", "example_of", "q")]), "p", "q"
    )
    assert [(s.concept, s.type, s.outgoing) for s in examples] == [("e", "example_of", False)]


def test_common_ancestor_over_several_steps_is_cited() -> None:
    g = _graph([("a", "is_a", "mid"), ("mid", "is_a", "top"), ("b", "part_of", "top")])
    (s,) = shared_context(g, "a", "b")
    assert (s.concept, s.type) == ("top", "broader")
    assert [(r.source, r.target) for r in s.relations] == [
        ("a", "mid"),
        ("mid", "top"),
        ("b", "top"),
    ]


@pytest.mark.parametrize(
    ("x", "y", "error"),
    [
        ("nothing-like-it", "evolution", ConceptNotFound),
        ("evolution", "evolution", InvalidQuery),
        ("natural selection", "evolution", InvalidQuery),
        ("mesa", "evolution", AmbiguousTerm),
    ],
)
def test_relate_errors(good: KnowledgeGraph, x: str, y: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        relate(good, x, y)


@pytest.mark.parametrize(("max_hops", "limit"), [(0, 5), (7, 5), (4, 0), (4, 21)])
def test_relate_bounds(good: KnowledgeGraph, max_hops: int, limit: int) -> None:
    with pytest.raises(InvalidQuery):
        relate(good, "evolution", "humans", max_hops=max_hops, limit=limit)


@pytest.fixture(scope="module")
def generated() -> KnowledgeGraph:
    from bench.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        return load_graph(generate(Path(tmp) / "data", 120, 700, seed=5))


def _all_costs(graph: KnowledgeGraph, x: str, y: str, max_hops: int) -> list[float]:
    """The cost of every simple path of 2 to max_hops steps, cheapest first, by listing
    them all: what the search must agree with."""
    view = nx.Graph()
    for a, around in graph.adjacency.items():
        for b in around:
            view.add_edge(a, b)
    costs = []
    for nodes in nx.all_simple_paths(view, x, y, cutoff=max_hops):
        if len(nodes) < 3:
            continue
        cost = 0.0
        for u, v in zip(nodes, nodes[1:], strict=False):
            rel = graph.adjacency[u][v]
            cost += RELATION_TYPES[rel.type].cost + (node_cost(graph, u) + node_cost(graph, v)) / 2
        costs.append(cost)
    return sorted(costs)


@pytest.mark.parametrize(("eager", "near"), [(32, 20_000), (2, 20_000), (2, 0), (1000, 0)])
def test_ranked_paths_are_the_cheapest_of_all(
    generated: KnowledgeGraph, eager: int, near: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "EAGER_DEGREE", eager)
    monkeypatch.setattr(paths, "NEAR_Y_MAX", near)
    monkeypatch.setattr(paths, "_ORDERS", WeakKeyDictionary())
    rng = random.Random(eager + near)
    ids = sorted(generated.concepts)
    checked = 0
    for _ in range(25):
        x, y = rng.sample(ids, 2)
        max_hops, limit = rng.choice([(2, 5), (3, 5), (3, 12), (4, 5)])
        want = _all_costs(generated, x, y, max_hops)[:limit]
        got = rank_paths(generated, x, y, max_hops, limit)
        assert [p.cost for p in got] == pytest.approx([round(c, 4) for c in want], abs=2e-4)
        for p in got:
            route = _route(p)
            assert route[0] == x and route[-1] == y and len(set(route)) == len(route)
            assert 2 <= p.length <= max_hops
        checked += bool(want)
    assert checked >= 10


@pytest.fixture(scope="module")
def deep() -> KnowledgeGraph:
    """A generated graph with a hierarchy several levels deep and hubs in it."""
    from bench.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        return load_graph(generate(Path(tmp) / "data", 600, 4000, seed=11))


def _shared_by_the_graph(graph: KnowledgeGraph, x: str, y: str, limit: int) -> list[object]:
    """shared_context's common ancestors as the graph's own walks find them
    (up_tree, above, chain_in), one relation at a time: what the level-at-a-time walk
    of kg.paths must agree with."""
    found = [
        s
        for s in shared_context(graph, x, y, limit=10_000)
        if s.type != "broader"  # relations shared, found by links() as they always were
    ]
    named = {s.concept for s in found}
    ax, ay = graph.up_tree(x, paths.SHARED_DEPTH), graph.up_tree(y, paths.SHARED_DEPTH)
    common = {c: ax[c][0] + ay[c][0] for c in ax.keys() & ay.keys() if c not in (x, y)}
    above = graph.above(common, within=ax.keys() | ay.keys())
    for c in sorted((c for c in common if c not in above), key=lambda c: (common[c], c)):
        if c not in named:
            chain = (*graph.chain_in(ax, c), *graph.chain_in(ay, c))
            found.append(paths.SharedContext(c, "broader", True, chain))
    found.sort(key=lambda s: s.type not in ("is_a", "part_of", "broader"))
    return [(s.concept, s.type, s.outgoing, s.relations) for s in found[:limit]]


def test_common_ancestors_are_those_the_graphs_walks_find(deep: KnowledgeGraph) -> None:
    rng = random.Random(2)
    ids = sorted(deep.concepts)
    children: dict[str, list[str]] = {}
    for rel in deep.relations:
        if rel.type in ("is_a", "part_of") and not rel.negated:
            children.setdefault(rel.target, []).append(rel.source)
    parents = sorted(c for c, below in children.items() if len(below) > 1)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(300)]
    for _ in range(300):  # concepts under one parent, or one level further down
        a, b = rng.sample(children[rng.choice(parents)], 2)
        if a in children and rng.random() < 0.5:
            a = rng.choice(children[a])
        if a != b:
            pairs.append((a, b))
    broader = 0
    for x, y in pairs:
        for limit in (10, 3, 1):
            got = [
                (s.concept, s.type, s.outgoing, s.relations)
                for s in shared_context(deep, x, y, limit)
            ]
            assert got == _shared_by_the_graph(deep, x, y, limit), (x, y, limit)
        broader += any(s.type == "broader" for s in shared_context(deep, x, y))
    assert broader >= 100  # the pairs do reach common ancestors over several steps


def test_prepare_makes_every_hub_order_as_paths_would(
    deep: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "EAGER_DEGREE", 8)
    monkeypatch.setattr(paths, "_ORDERS", WeakKeyDictionary())
    rng = random.Random(4)
    ids = sorted(deep.concepts)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(60)]
    lazy = [rank_paths(deep, x, y) for x, y in pairs]
    made = dict(paths._ORDERS[deep])
    monkeypatch.setattr(paths, "_ORDERS", WeakKeyDictionary())
    paths.prepare(deep)
    orders = paths._ORDERS[deep]
    hubs = {c for c, near in deep.adjacency.items() if len(near) > 8}
    assert set(orders) == hubs and made.keys() <= hubs
    for cid in hubs:
        keys, ids_ = orders[cid]
        want = sorted(
            (RELATION_TYPES[rel.type].cost + node_cost(deep, v), v)
            for v, rel in deep.adjacency[cid].items()
        )
        assert list(zip(keys, ids_, strict=True)) == want
        if cid in made:
            assert made[cid] == orders[cid]
    assert [rank_paths(deep, x, y) for x, y in pairs] == lazy


@pytest.fixture(scope="module")
def deep_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data of the ``deep`` graph, to load it afresh."""
    from bench.generate import generate

    return generate(tmp_path_factory.mktemp("deep") / "data", 600, 4000, seed=11)


def _small(n: int) -> KnowledgeGraph:
    """A small graph of its own (a star of ``n`` + 2 spokes and a chain)."""
    spokes = [("hub", "related_to", f"s{i}") for i in range(n + 2)]
    return _graph([*spokes, ("s0", "is_a", "s1"), ("s1", "is_a", "top")])


def _prepared_soon() -> None:
    """Wait (generously: the machine may be busy) until prepare_later has finished."""
    deadline = time.monotonic() + 120
    while paths.prepare_pending():
        assert time.monotonic() < deadline, "prepare_later never finished"
        time.sleep(0.01)


def test_prepare_later_prepares_as_prepare_does_and_answers_stay(
    deep_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graph given to prepare_later ends up with what prepare builds; relate queries
    asked while it works, in other threads, answer as on a graph prepared beforehand."""
    monkeypatch.setattr(paths, "EAGER_DEGREE", 8)
    monkeypatch.setattr(paths, "_ORDERS", WeakKeyDictionary())
    reference = load_graph(deep_dir)
    paths.prepare(reference)
    rng = random.Random(5)
    ids = sorted(reference.concepts)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(40)]
    want = [rank_paths(reference, x, y) for x, y in pairs]
    assert len(paths.prepared(reference)) >= 20 and sum(map(bool, want)) >= 20
    graph = load_graph(deep_dir)
    assert "adjacency" not in vars(graph)
    paths.prepare_later(graph)
    with ThreadPoolExecutor(max_workers=3) as pool:
        got = list(pool.map(lambda pair: rank_paths(graph, *pair), pairs))
    _prepared_soon()
    assert got == want
    assert "adjacency" in vars(graph) and "node_costs" in vars(graph)
    assert paths.prepared(graph).keys() == paths.prepared(reference).keys()
    for cid, (keys, near) in paths.prepared(reference).items():
        assert paths.prepared(graph)[cid] == (keys, near), cid


def test_prepare_later_prepares_the_last_graph_given_and_skips_dropped_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Graphs given faster than they are prepared: the last is prepared; one that was
    replaced while waiting is not; one nothing holds any longer is let go."""
    monkeypatch.setattr(paths, "_ORDERS", WeakKeyDictionary())
    started, release = threading.Event(), threading.Event()
    real = paths.prepare
    prepared: list[KnowledgeGraph] = []

    def slow(graph: KnowledgeGraph) -> None:
        started.set()
        release.wait(60)
        real(graph)
        prepared.append(graph)

    monkeypatch.setattr(paths, "prepare", slow)
    first, skipped, last = (_small(n) for n in (1, 2, 3))
    paths.prepare_later(first)
    assert started.wait(60)  # the thread is busy with the first graph
    paths.prepare_later(skipped)
    paths.prepare_later(last)  # replaces the one waiting
    dropped = _small(4)
    paths.prepare_later(dropped)
    paths.prepare_later(last)
    gone = weakref.ref(dropped)
    del dropped
    gc.collect()
    assert gone() is None  # waiting for its turn does not keep a graph alive
    release.set()
    _prepared_soon()
    assert prepared == [first, last]
    assert "adjacency" not in vars(skipped)
    # and a new graph later gets a thread again
    again = _small(5)
    paths.prepare_later(again)
    _prepared_soon()
    assert prepared[-1] is again
