from __future__ import annotations

import pytest

from kg.errors import AmbiguousTerm, ConceptNotFound, InvalidQuery
from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Relation
from kg.paths import rank_paths, relate, shared_context

CITE = (Citation(source="s", quote="q", start=0, end=1),)


def _graph(edges: list[tuple[str, str, str]]) -> KnowledgeGraph:
    names = sorted({e[0] for e in edges} | {e[2] for e in edges})
    concepts = {n: Concept(id=n, label=n.replace("-", " "), kind="concept", definition=n,
                           citations=CITE) for n in names}
    relations = [Relation(source=s, type=t, target=o, citations=CITE) for s, t, o in edges]
    return KnowledgeGraph({}, {}, concepts, relations)


def _route(path: object) -> list[str]:
    steps = path.steps  # type: ignore[attr-defined]
    return [steps[0].from_id] + [s.to_id for s in steps]


@pytest.fixture
def hub_graph() -> KnowledgeGraph:
    """x and y are joined through a hub (many neighbours) and through one specific node."""
    edges = [("x", "is_a", "hub"), ("y", "is_a", "hub"),
             ("x", "produces", "specific"), ("specific", "part_of", "y")]
    edges += [(f"leaf-{i}", "is_a", "hub") for i in range(12)]
    return _graph(edges)


def test_specific_path_beats_hub_path(hub_graph: KnowledgeGraph) -> None:
    paths = rank_paths(hub_graph, "x", "y")
    assert [_route(p) for p in paths] == [["x", "specific", "y"], ["x", "hub", "y"]]
    assert paths[0].score > paths[1].score


def test_related_to_path_loses_to_specific_path_of_same_length() -> None:
    g = _graph([("x", "related_to", "vague"), ("vague", "related_to", "y"),
                ("x", "causes", "exact"), ("exact", "causes", "y")])
    assert [_route(p) for p in rank_paths(g, "x", "y")] == [["x", "exact", "y"],
                                                           ["x", "vague", "y"]]


def test_a_shorter_path_beats_a_longer_one_when_nodes_are_alike() -> None:
    g = _graph([("x", "causes", "a"), ("a", "causes", "y"),
                ("x", "causes", "b"), ("b", "causes", "c"), ("c", "causes", "y")])
    assert [p.length for p in rank_paths(g, "x", "y")] == [2, 3]


def test_max_hops_and_limit_bound_the_answer() -> None:
    chain = [(f"n{i}", "causes", f"n{i + 1}") for i in range(6)]
    g = _graph(chain)
    assert rank_paths(g, "n0", "n6", max_hops=5) == []
    assert [p.length for p in rank_paths(g, "n0", "n6", max_hops=6)] == [6]
    fan = _graph([("x", "causes", f"m{i}") for i in range(10)]
                 + [(f"m{i}", "causes", "y") for i in range(10)])
    assert len(rank_paths(fan, "x", "y", limit=3)) == 3


def test_steps_read_in_the_direction_travelled(hub_graph: KnowledgeGraph) -> None:
    best = rank_paths(hub_graph, "y", "x")[0]
    assert [(s.from_id, s.type, s.to_id, s.forward) for s in best.steps] == [
        ("y", "has_part", "specific", False), ("specific", "produced_by", "x", False)]


def test_direct_relations_both_ways_and_not_repeated_as_paths() -> None:
    g = _graph([("a", "produces", "b"), ("b", "contrasts_with", "a"), ("a", "causes", "c"),
                ("c", "causes", "b")])
    r = relate(g, "b", "a")
    assert sorted(rel.type for rel in r.direct) == ["contrasts_with", "produces"]
    assert all(p.length >= 2 for p in r.paths)


def test_shared_context(good: KnowledgeGraph) -> None:
    shared = {(s.concept, s.type, s.outgoing)
              for s in shared_context(good, "base-optimizer", "mesa-optimizer")}
    assert ("optimizer", "is_a", True) in shared
    examples = shared_context(_graph([("e", "example_of", "p"), ("e", "example_of", "q")]),
                              "p", "q")
    assert [(s.concept, s.type, s.outgoing) for s in examples] == [("e", "example_of", False)]


def test_common_ancestor_over_several_steps_is_cited() -> None:
    g = _graph([("a", "is_a", "mid"), ("mid", "is_a", "top"), ("b", "part_of", "top")])
    (s,) = shared_context(g, "a", "b")
    assert (s.concept, s.type) == ("top", "broader")
    assert [(r.source, r.target) for r in s.relations] == [("a", "mid"), ("mid", "top"),
                                                           ("b", "top")]


@pytest.mark.parametrize(
    ("x", "y", "error"),
    [("nothing-like-it", "evolution", ConceptNotFound), ("evolution", "evolution", InvalidQuery),
     ("natural selection", "evolution", InvalidQuery), ("mesa", "evolution", AmbiguousTerm)],
)
def test_relate_errors(good: KnowledgeGraph, x: str, y: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        relate(good, x, y)


@pytest.mark.parametrize(("max_hops", "limit"), [(0, 5), (7, 5), (4, 0), (4, 21)])
def test_relate_bounds(good: KnowledgeGraph, max_hops: int, limit: int) -> None:
    with pytest.raises(InvalidQuery):
        relate(good, "evolution", "humans", max_hops=max_hops, limit=limit)
