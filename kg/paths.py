"""How two concepts relate: direct relations, ranked paths and shared context.

Paths are searched over the undirected view of the graph (:attr:`KnowledgeGraph.adjacency`),
k cheapest first, by a best-first search with a lower bound of the cost still to go.
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

import heapq
import math
import threading
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from operator import add, attrgetter, itemgetter
from weakref import WeakKeyDictionary, ref

from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph, finish
from kg.model import Concept, Relation
from kg.ontology import RELATION_TYPES
from kg.search import resolve

MAX_HOPS = 6
MAX_LIMIT = 20
HUB_WEIGHT = 1.0
"""Weight of log2(1 + degree) of each concept a path passes through."""
EAGER_DEGREE = 32
"""Concepts with more neighbours than this hand them to the search one at a time,
cheapest first, rather than all at once."""
NEAR_Y_MAX = 20_000
"""Most neighbours of neighbours of y to gather for pruning the search (see
_cheapest_paths)."""
SHARED_DEPTH = 4
"""How far up the is_a/part_of hierarchy common ancestors are looked for."""
STEP_COST = {name: t.cost for name, t in RELATION_TYPES.items()}


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
    return HUB_WEIGHT * graph.node_costs[cid]


def relate(graph: KnowledgeGraph, x: str, y: str, max_hops: int = 4, limit: int = 5) -> Relatedness:
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


def rank_paths(
    graph: KnowledgeGraph, x: str, y: str, max_hops: int = 4, limit: int = 5
) -> list[RankedPath]:
    """The ``limit`` cheapest indirect paths (2 to ``max_hops`` steps) from x to y.

    A direct relation is not repeated here: :func:`relate` reports it in ``direct``.
    Equally cheap paths come shorter first, then in the order of their concept ids.
    """
    if max_hops < 2 or x == y or x not in graph.adjacency or y not in graph.adjacency:
        return []
    # search from the end with fewer relations: the first steps fan out, the last
    # ones are set intersections (see _cheapest_paths); costs are the same both ways
    backward = graph.degree(y) < graph.degree(x)
    found = []
    for cost, nodes, rels in _cheapest_paths(
        graph, *((y, x) if backward else (x, y)), max_hops, limit
    ):
        if backward:
            nodes, rels = nodes[::-1], rels[::-1]
        found.append((round(cost, 9), len(rels), nodes, rels))
    found.sort(key=lambda f: f[:3])
    return [
        RankedPath(
            tuple(Step(rel, forward=rel.source == u) for u, rel in zip(nodes, rels, strict=False)),
            round(cost, 4),
        )
        for cost, _, nodes, rels in found
    ]


def _cheapest_paths(
    graph: KnowledgeGraph, x: str, y: str, max_hops: int, limit: int
) -> list[tuple[float, tuple[str, ...], tuple[Relation, ...]]]:
    """Best-first search over simple paths from x, cheapest first (A*).

    A step from u to v costs the relation type's cost plus half of each end's
    :func:`node_cost`, so a path pays its type costs, every concept it passes through in
    full and half of x and y. A partial path ending at v is ranked by its cost plus a
    lower bound of what reaching y from v still costs: the step to y if v touches y,
    else (two steps at least) half of v's cost, the cheapest step of all, then the
    cheapest way into y from one of its neighbours (that neighbour's cost in full) and
    half of y's. Because the bound never overestimates,
    whole paths leave the queue cheapest first and the search stops after ``limit``.
    Two steps from the end only neighbours of y are taken, found by intersecting
    neighbour sets, so a hub there costs one set operation rather than a walk over its
    neighbours; three steps from the end, only concepts within two steps of y, when that
    set is small enough to gather. A concept with many neighbours hands them over one at
    a time, cheapest first (a cursor in the queue ranked by the next one's bound), so a
    hub passed early costs a few queue entries, not one per neighbour.
    """
    adj = graph.adjacency
    around_y = adj[y]
    node: Mapping[str, float] = graph.node_costs
    if HUB_WEIGHT != 1.0:
        node = {cid: HUB_WEIGHT * c for cid, c in node.items()}
    half_y = node[y] / 2
    cheapest_step = min(STEP_COST.values())
    # the cheapest last step into y, paying for the concept it comes from in full
    into_y = min((STEP_COST[rel.type] + node[b] for b, rel in around_y.items()), default=math.inf)
    two_steps = cheapest_step + into_y + half_y
    # three steps from the end, only concepts within two steps of y can still reach it:
    # worth knowing when that set is cheap to make, as it is unless y's neighbours are hubs
    near_y: set[str] | None = None
    if max_hops >= 3 and sum(len(adj[b]) for b in around_y) <= NEAR_Y_MAX:
        near_y = set(around_y).union(*(adj[b].keys() for b in around_y))

    found: list[tuple[float, tuple[str, ...], tuple[Relation, ...]]] = []
    # entries: (estimate, hops, nodes, what, cost, relations, at); what is _PATH for the
    # path ``nodes`` of that cost, or _NEXT for the neighbours of its last concept from
    # position ``at`` of their cheapest-first order, ``cost`` then counting half of it
    queue: list[tuple[float, int, tuple[str, ...], int, float, tuple[Relation, ...], int]]
    queue = [(0.0, 0, (x,), _PATH, 0.0, (), 0)]
    push, pop = heapq.heappush, heapq.heappop
    orders = _orders_of(graph)
    while queue and len(found) < limit:
        _, hops, nodes, what, cost, steps, at = pop(queue)
        here = nodes[-1]
        if what == _NEXT:
            # the cheapest neighbour from ``at`` on not taken yet, and a cursor past it
            keys, ids = orders[here]
            left = max_hops - hops + 1
            while at < len(ids):
                v = ids[at]
                at += 1
                if (
                    v in nodes
                    or v in around_y
                    or v == y
                    or (left == 3 and near_y is not None and v not in near_y)
                ):
                    continue
                rel = adj[here][v]
                spent = cost + STEP_COST[rel.type] + node[v] / 2
                push(
                    queue,
                    (
                        cost + keys[at - 1] + two_steps,
                        hops,
                        nodes + (v,),
                        _PATH,
                        spent,
                        steps + (rel,),
                        0,
                    ),
                )
                break
            if at < len(ids):
                push(queue, (cost + keys[at] + two_steps, hops, nodes, _NEXT, cost, steps, at))
            continue
        if here == y:
            found.append((cost, nodes, steps))
            continue
        left = max_hops - hops
        near = adj[here]
        nexts: Iterable[str]
        lazy = left > 2 and len(near) > EAGER_DEGREE
        if left == 1:
            nexts = (y,) if y in near else ()
        elif left == 2 or lazy:
            # the neighbours of y; with many neighbours, the others come from a cursor
            nexts = near.keys() & around_y.keys()
            if y in near:
                nexts.add(y)
        elif left == 3 and near_y is not None:
            nexts = near.keys() & near_y
        else:
            nexts = near
        cost += node[here] / 2
        if lazy:
            push(
                queue,
                (cost + orders[here][0][0] + two_steps, hops + 1, nodes, _NEXT, cost, steps, 0),
            )
        for v in nexts:
            if v in nodes:
                continue
            rel = near[v]
            half_v = node[v] / 2
            spent = cost + STEP_COST[rel.type] + half_v
            if v == y:
                if hops:  # the direct relation is not a path
                    push(queue, (spent, hops + 1, nodes + (v,), _PATH, spent, steps + (rel,), 0))
                continue
            # the least that reaching y from v can still cost
            last = around_y.get(v)
            to_go = math.inf if last is None else STEP_COST[last.type] + half_v + half_y
            if left > 2 and half_v + two_steps < to_go:
                to_go = half_v + two_steps
            push(queue, (spent + to_go, hops + 1, nodes + (v,), _PATH, spent, steps + (rel,), 0))
    return found


_PATH, _NEXT = 0, 1
_Order = tuple["array[float]", tuple[str, ...]]
_ORDERS: WeakKeyDictionary[KnowledgeGraph, _Orders] = WeakKeyDictionary()
_TYPE = attrgetter("type")


def prepare(graph: KnowledgeGraph) -> None:
    """Build now what finding paths in ``graph`` builds on first use: the adjacency and
    node costs (:meth:`KnowledgeGraph.prepare`), and the neighbours of every concept
    with more than :data:`EAGER_DEGREE` of them in cheapest-first order, which the first
    paths through a hub would otherwise wait for. A server does this before its first
    request."""
    graph.prepare()
    orders = _orders_of(graph)
    for cid, near in graph.adjacency.items():
        if len(near) > EAGER_DEGREE and cid not in orders:
            orders[cid] = orders.make(graph, cid)


def prepare_later(graph: KnowledgeGraph) -> None:
    """:func:`prepare` ``graph`` in a thread of its own, and return at once.

    For a graph that is to be served at once, such as the one a write has just built:
    preparing a large graph takes about a second (50,000 concepts), which a write
    would otherwise wait for before answering. A path search on ``graph`` meanwhile
    builds what it needs itself, as on any graph that was never prepared, with the same
    answers. One thread prepares one graph at a time; when graphs come faster than it
    prepares them, only the last one given is prepared next (a graph replaced before
    its turn is skipped), and a graph nothing else holds any longer is not prepared.
    """
    global _worker
    with _LATER:
        _waiting[:] = [ref(graph)]
        if _worker is None:
            _worker = threading.Thread(
                target=_prepare_waiting, name="kg-paths-prepare", daemon=True
            )
            _worker.start()


def prepare_pending() -> bool:
    """Whether :func:`prepare_later` has a graph still to prepare, or is preparing one."""
    with _LATER:
        return _worker is not None


_LATER = threading.Lock()
_waiting: list[ref[KnowledgeGraph]] = []
"""The graph :func:`prepare_later` was given last and has not started on (one at most)."""
_worker: threading.Thread | None = None
"""The thread of :func:`prepare_later`, while it runs."""


def _prepare_waiting() -> None:
    """Prepare the graph waiting, then the next one given meanwhile, until none waits."""
    global _worker
    try:
        while True:
            with _LATER:
                if not _waiting:
                    _worker = None
                    return
                graph = _waiting.pop()()
            if graph is not None:
                prepare(graph)
            graph = None  # not kept alive by this thread while it waits for the lock
    except BaseException:  # the next prepare_later starts a thread again
        with _LATER:
            _worker = None
        raise


def prepared(graph: KnowledgeGraph) -> dict[str, _Order]:
    """What :func:`prepare` built for ``graph`` beyond the graph itself (the neighbour
    orders of its hubs, and any other order made since), to be kept with a snapshot of
    it (:mod:`kg.snapshot`) and handed back to :func:`keep_prepared` when it is read."""
    return dict(_orders_of(graph))


def keep_prepared(graph: KnowledgeGraph, orders: Mapping[str, _Order]) -> None:
    """Keep ``orders`` (what :func:`prepared` gave for this graph, read from its
    snapshot) as the neighbour orders of ``graph``, so that :func:`prepare` finds them
    made."""
    _orders_of(graph).update(orders)


def _orders_of(graph: KnowledgeGraph) -> _Orders:
    """The neighbour orders of ``graph`` (see :class:`_Orders`)."""
    orders = _ORDERS.get(graph)
    if orders is None:
        finish(graph)  # the rest of its snapshot holds the hubs' orders
        orders = _ORDERS.get(graph)
    if orders is None:
        orders = _ORDERS[graph] = _Orders(graph)
    return orders


class _Orders(dict[str, _Order]):
    """The neighbours of concepts in cheapest-first order, by concept, each made when
    first asked for unless :func:`prepare` made them all: as two sequences of the same
    length, the step cost plus the neighbour's node cost (the key the search ranks by),
    and the neighbour, equal keys in id order. Only concepts with more than
    :data:`EAGER_DEGREE` neighbours are asked for, so making an order is most of what a
    hub costs the first path through it: the keys are summed and sorted in C (map, zip,
    sorted) and kept as an array of floats beside a tuple of ids, 16 bytes a neighbour
    rather than a tuple of three (about 100); the relation is looked up in the adjacency
    when a neighbour is taken. The graph is held by a weak reference, since the orders
    are kept in a WeakKeyDictionary keyed by it."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        super().__init__()
        self._graph = ref(graph)

    def __missing__(self, cid: str) -> _Order:
        graph = self._graph()
        assert graph is not None  # the graph asking is alive
        order = self[cid] = self.make(graph, cid)
        return order

    @staticmethod
    def make(graph: KnowledgeGraph, cid: str) -> _Order:
        near = graph.adjacency[cid]
        cost = graph.node_costs
        node: Iterable[float] = map(cost.__getitem__, near)
        if HUB_WEIGHT != 1.0:
            node = (HUB_WEIGHT * c for c in node)
        keys = map(add, map(STEP_COST.__getitem__, map(_TYPE, near.values())), node)
        # ids are distinct, so pairs compare by key, then id, never further
        pairs = sorted(zip(keys, near, strict=True))
        return array("d", map(itemgetter(0), pairs)), tuple(map(itemgetter(1), pairs))


def shared_context(graph: KnowledgeGraph, x: str, y: str, limit: int = 10) -> list[SharedContext]:
    """Concepts x and y share: same relation to the same concept, common ancestors.

    ``related_to`` is left out: it says too little to be worth showing. Common
    ancestors are the lowest ones within :data:`SHARED_DEPTH` steps up from each.
    """

    def links(cid: str) -> dict[tuple[str, bool, str], Relation]:
        out: dict[tuple[str, bool, str], Relation] = {}
        for rel in graph.relations_of(cid):
            # a possibility ("may pursue") is not something two concepts share
            if rel.type == "related_to" or rel.modality is not None:
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
    ups = _parents_of(graph)
    tx = _Walk(ups, x)
    ty = _Walk(ups, y) if tx.depth else tx  # nothing above x: nothing in common
    dx, dy = tx.depth, ty.depth
    common = {c: d + dy[c] for c, d in dx.items() if c in dy and c not in (x, y)}
    if common:
        # keep only the lowest common ancestors: drop any that is above another one
        above = _above(ups, common, dx.keys() | dy.keys())
        lowest = sorted((c for c in common if c not in above), key=lambda c: (common[c], c))
        # the answer puts hierarchical relations first, then these, and keeps ``limit``
        # in all: the chains of the ancestors it leaves out need not be found
        room = limit - sum(s.type in _FIRST for s in found)
        for c in [c for c in lowest if c not in named][: max(room, 0)]:
            steps = (*tx.chain(graph, c), *ty.chain(graph, c))
            found.append(SharedContext(c, "broader", True, steps))
    found.sort(key=lambda s: s.type not in _FIRST)
    return found[:limit]


_FIRST = ("is_a", "part_of", "broader")
"""The types of shared context shown first."""

# Common ancestors, as KnowledgeGraph.up_tree, above and chain_in find them, with the
# same answers: a walk up from a concept moves a level at a time, each level's parents
# gathered in C (chain, dict.fromkeys, set operations) rather than one relation at a
# time, which on a large generated graph made shared context half of relate's time
# (ancestors within four steps number in the hundreds, through concepts with hundreds
# of parents). Only the chains of the ancestors shown are looked up.
_PARENTS: WeakKeyDictionary[KnowledgeGraph, dict[str, tuple[str, ...]]] = WeakKeyDictionary()


def _parents_of(graph: KnowledgeGraph) -> dict[str, tuple[str, ...]]:
    """The targets of each concept's is_a/part_of relations, in their order
    (:meth:`KnowledgeGraph.broader`), by concept; made on first use."""
    ups = _PARENTS.get(graph)
    if ups is None:
        ups = _PARENTS[graph] = _Parents(graph)
    return ups


class _Parents(dict[str, tuple[str, ...]]):
    """A concept's broader concepts, looked up in the graph when first asked for (the
    graph by a weak reference: it is the key these are kept under)."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        super().__init__()
        self._graph = ref(graph)

    def __missing__(self, cid: str) -> tuple[str, ...]:
        graph = self._graph()
        assert graph is not None  # the graph asking is alive
        targets = self[cid] = tuple(rel.target for rel in graph.broader(cid))
        return targets


class _Walk:
    """The walk up from ``start`` of :meth:`KnowledgeGraph.up_tree` with
    :data:`SHARED_DEPTH`."""

    def __init__(self, ups: Mapping[str, tuple[str, ...]], start: str) -> None:
        self.ups = ups
        self.levels = [[start]]
        """The start, then each level's new concepts in the order the walk meets them."""
        self.depth: dict[str, int] = {}
        """Every concept above the start (within the depth), with its distance."""
        for d in range(1, SHARED_DEPTH + 1):
            met = dict.fromkeys(chain.from_iterable(map(ups.__getitem__, self.levels[-1])))
            level = [c for c in met if c not in self.depth]
            if not level:
                break
            self.depth.update(dict.fromkeys(level, d))
            self.levels.append(level)
        self.depth.pop(start, None)  # only in a cycle, which the loader refuses

    def chain(self, graph: KnowledgeGraph, top: str) -> list[Relation]:
        """The relations from the start up to ``top``, bottom first: at each step the
        one the walk met first (as :meth:`KnowledgeGraph.chain_in` on an up tree)."""
        found: list[Relation] = []
        node = top
        while node in self.depth:
            below = next(c for c in self.levels[self.depth[node] - 1] if node in self.ups[c])
            found.append(next(rel for rel in graph.broader(below) if rel.target == node))
            node = below
        return found[::-1]


def _above(ups: Mapping[str, tuple[str, ...]], starts: Iterable[str], within: set[str]) -> set[str]:
    """Every concept above one of ``starts`` through concepts ``within`` only (as
    :meth:`KnowledgeGraph.above`)."""
    found: set[str] = set()
    level: Iterable[str] = starts
    while level:
        new = set(chain.from_iterable(map(ups.__getitem__, level)))
        new &= within
        new -= found
        found |= new
        level = new
    return found
