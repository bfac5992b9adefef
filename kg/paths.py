"""How two concepts relate: direct relations, ranked paths and shared context.

Paths are searched over the undirected view of the graph, k cheapest first (Yen's
algorithm on the part of the graph that can hold a path of at most ``max_hops``).
The cost of a path is the sum over its steps of the relation type's cost (vague types
such as ``related_to`` cost most) plus, for every concept passed through, the log of its
degree, so that answers do not route through generic hubs.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> r = relate(g, "evolution", "mesa-optimizer")
>>> [[s.to_id for s in p.steps] for p in r.paths][:2]
[['humans', 'mesa-optimizer'], ['base-optimizer', 'mesa-optimizer']]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import islice

import networkx as nx

from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.model import Concept, Relation
from kg.ontology import RELATION_TYPES
from kg.search import resolve

MAX_HOPS = 6
MAX_LIMIT = 20
HUB_WEIGHT = 1.0
"""Weight of log2(1 + degree) of each concept a path passes through."""
CANDIDATES_PER_PATH = 8
"""How many candidate paths Yen's algorithm may yield per path asked for."""


@dataclass(frozen=True)
class Step:
    """A relation travelled from ``from_id`` to ``to_id``."""

    relation: Relation
    forward: bool
    """True when travelled from the relation's source to its target."""

    @property
    def from_id(self) -> str:
        return self.relation.source if self.forward else self.relation.target

    @property
    def to_id(self) -> str:
        return self.relation.target if self.forward else self.relation.source

    @property
    def type(self) -> str:
        """The relation type as read in the direction travelled (inverse name if backward)."""
        rtype = RELATION_TYPES[self.relation.type]
        return rtype.name if self.forward or rtype.symmetric else rtype.inverse_name


@dataclass(frozen=True)
class RankedPath:
    """A path from x to y with its cost (lower is better)."""

    steps: tuple[Step, ...]
    cost: float

    @property
    def length(self) -> int:
        return len(self.steps)

    @property
    def score(self) -> float:
        """A score in (0, 1]; higher is better."""
        return round(1.0 / (1.0 + self.cost), 4)


@dataclass(frozen=True)
class SharedContext:
    """A concept both x and y are tied to in the same way.

    ``type`` is the relation type; ``outgoing`` tells whether x and y point at
    ``concept`` (True) or ``concept`` points at both (False). ``type`` is ``broader``
    for a common ancestor in the is_a/part_of hierarchy reached over several steps.
    """

    concept: str
    type: str
    outgoing: bool
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class Relatedness:
    """Everything known about how ``x`` relates to ``y``."""

    x: Concept
    y: Concept
    direct: tuple[Relation, ...]
    paths: tuple[RankedPath, ...]
    shared: tuple[SharedContext, ...]


def node_cost(graph: KnowledgeGraph, cid: str) -> float:
    """How generic a concept is: log2 of (1 + its degree), weighted."""
    return HUB_WEIGHT * math.log2(1 + graph.degree(cid))


def relate(graph: KnowledgeGraph, x: str, y: str, max_hops: int = 4,
           limit: int = 5) -> Relatedness:
    """Relate terms ``x`` and ``y`` (ids, labels or aliases).

    Raises :class:`~kg.errors.ConceptNotFound` for an unknown term and
    :class:`~kg.errors.InvalidQuery` for bounds out of range or x and y the same.
    """
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidQuery(f"max_hops must be between 1 and {MAX_HOPS}, not {max_hops}.")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}, not {limit}.")
    cx = resolve(graph, x, "x")
    cy = resolve(graph, y, "y")
    if cx.id == cy.id:
        raise InvalidQuery(f"x and y both name {cx.id!r}; relate needs two different concepts.")
    direct = tuple(graph.relations_between(cx.id, cy.id))
    paths = tuple(rank_paths(graph, cx.id, cy.id, max_hops, limit))
    return Relatedness(cx, cy, direct, paths, tuple(shared_context(graph, cx.id, cy.id)))


def _candidate_graph(graph: KnowledgeGraph, x: str, y: str, max_hops: int) -> nx.Graph:
    """The part of the undirected view that lies on some path of at most max_hops."""
    view = graph.undirected
    from_x = nx.single_source_shortest_path_length(view, x, cutoff=max_hops)
    if y not in from_x:
        return nx.Graph()
    from_y = nx.single_source_shortest_path_length(view, y, cutoff=max_hops)
    keep = [n for n, d in from_x.items() if n in from_y and d + from_y[n] <= max_hops]
    return view.subgraph(keep)


def rank_paths(graph: KnowledgeGraph, x: str, y: str, max_hops: int = 4,
               limit: int = 5) -> list[RankedPath]:
    """The ``limit`` cheapest indirect paths (2 to ``max_hops`` steps) from x to y.

    A direct relation is not repeated here: :func:`relate` reports it in ``direct``.
    """
    if max_hops < 2:
        return []
    sub = _candidate_graph(graph, x, y, max_hops)
    if x not in sub or y not in sub:
        return []
    costs = {n: node_cost(graph, n) for n in sub}

    def weight(u: str, v: str, data: dict[str, object]) -> float:
        return float(data["cost"]) + (costs[u] + costs[v]) / 2  # type: ignore[arg-type]

    found: list[RankedPath] = []
    candidates = nx.shortest_simple_paths(sub, x, y, weight=weight)
    for nodes in islice(candidates, limit * CANDIDATES_PER_PATH + 1):
        hops = len(nodes) - 1
        if hops < 2 or hops > max_hops:
            continue
        steps = []
        cost = 0.0
        for u, v in zip(nodes, nodes[1:], strict=False):
            data = sub.get_edge_data(u, v)
            rel: Relation = data["relation"]
            steps.append(Step(rel, forward=rel.source == u))
            cost += weight(u, v, data)
        found.append(RankedPath(tuple(steps), round(cost, 4)))
        if len(found) == limit:
            break
    return found


def shared_context(graph: KnowledgeGraph, x: str, y: str,
                   limit: int = 10) -> list[SharedContext]:
    """Concepts x and y share: same relation to the same concept, common ancestors.

    ``related_to`` is left out: it says too little to be worth showing.
    """
    def links(cid: str) -> dict[tuple[str, bool, str], Relation]:
        out: dict[tuple[str, bool, str], Relation] = {}
        for rel in graph.relations_of(cid):
            if rel.type == "related_to":
                continue
            symmetric = RELATION_TYPES[rel.type].symmetric
            if rel.source == cid:
                out[(rel.type, True, rel.target)] = rel
            else:
                out[(rel.type, True if symmetric else False, rel.source)] = rel
        return out

    def order(key: tuple[str, bool, str]) -> tuple[bool, float, bool, str, str]:
        rtype = RELATION_TYPES[key[0]]
        return (not rtype.hierarchical, rtype.cost, not key[1], key[0], key[2])

    lx, ly = links(x), links(y)
    found: list[SharedContext] = []
    for key in sorted(lx.keys() & ly.keys(), key=order):
        rtype, outgoing, other = key
        if other in (x, y):
            continue
        found.append(SharedContext(other, rtype, outgoing, (lx[key], ly[key])))
    named = {s.concept for s in found}
    ax, ay = graph.ancestors(x), graph.ancestors(y)
    common = {c: ax[c] + ay[c] for c in ax.keys() & ay.keys() if c not in (x, y)}
    # keep only the lowest common ancestors: drop any that is above another one
    above = {o: graph.ancestors(o) for o in common}
    lowest = [c for c in common if not any(c in above[o] for o in common if o != c)]
    for c in sorted(lowest, key=lambda c: (common[c], c)):
        if c not in named:
            chain = (*graph.chain_up(x, c), *graph.chain_up(y, c))
            found.append(SharedContext(c, "broader", True, chain))
    found.sort(key=lambda s: s.type not in ("is_a", "part_of", "broader"))
    return found[:limit]
