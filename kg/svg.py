"""Pictures of the graph, drawn server-side as standalone SVG 1.1 documents.

Two pictures: :func:`concept_svg` draws the neighbourhood of one concept on rings around
it, :func:`relate_svg` draws how two concepts are connected, from left to right. Both are
plain strings built with the standard library only: no fonts are loaded and nothing is
fetched, so text widths are estimated from the characters (generously, for the widest
common fallback font, DejaVu Sans).

Every node is a ``<g class="node" data-id="...">`` (inside an ``<a>`` when links are
asked for) and every edge a ``<g class="edge" data-source=".." data-target=".."
data-type="..">``; the ``<desc>`` states every edge drawn as an English sentence. Ids
inside a document start with a prefix derived from what is drawn, so that a page can
inline several pictures. Only presentation attributes are used (no ``<style>``), so an
inlined picture neither takes nor leaks CSS.

Examples
--------
>>> sorted(KIND_COLOURS) == sorted(KINDS)
True
>>> RELATION_LABELS["has_objective"]
'pursues'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape

from kg.errors import InvalidQuery
from kg.explain import sentence
from kg.graph import KnowledgeGraph
from kg.model import Concept, Relation
from kg.ontology import HIERARCHICAL_TYPES, KINDS, RELATION_TYPES
from kg.paths import Relatedness

KIND_COLOURS: dict[str, str] = {
    "optimizer": "#9cc9f0",
    "objective": "#ffdf80",
    "problem": "#f4a3a3",
    "alignment_mode": "#a9dc9c",
    "failure_mode": "#f5a865",
    "technique": "#bcb4f4",
    "example": "#f7c4e6",
    "concept": "#d6d9de",
    "work": "#8fdcd2",
    "person": "#dcc9a4",
}
"""Fill colour of a node by the kind of its concept: light tints of distinct hues (no two
closer than 22 in CIE76 colour difference), so that :data:`TEXT_COLOUR` on any of them
has a contrast ratio above 9 (WCAG AA asks for 4.5)."""

TEXT_COLOUR = "#111111"
"""Colour of node labels and legend text."""

RELATION_LABELS: dict[str, str] = {
    "is_a": "is a kind of",
    "part_of": "part of",
    "example_of": "example of",
    "has_objective": "pursues",
    "produces": "produces",
    "optimizes": "optimizes",
    "concerns": "is about",
    "requires": "requires",
    "relies_on": "relies on",
    "causes": "causes",
    "makes_likely": "makes likelier",
    "exacerbates": "makes worse",
    "reveals": "reveals",
    "mitigates": "helps against",
    "insufficient_against": "does not rule out",
    "outperforms": "outperforms",
    "failure_of": "is a failure of",
    "fails_together": "can fail together with",
    "contrasts_with": "contrasts with",
    "analogous_to": "analogous to",
    "introduced_in": "introduced in",
    "related_to": "related to",
}
"""The short label written on an edge, read from the relation's source to its target."""


def edge_label(rel: Relation) -> str:
    """The label of ``rel``'s edge: the short label, or for a relation with a modality its
    verb as the forward sentence has it ("can produce", "does not pursue").

    >>> edge_label(Relation(source="a", type="produces", target="b", citations=(),
    ...                     modality="can"))
    'can produce'
    """
    rtype = RELATION_TYPES.get(rel.type)
    if rel.modality is None or rtype is None or rel.modality not in rtype.modal:
        return RELATION_LABELS.get(rel.type, rel.type.replace("_", " "))
    words = rtype.template(True, rel.modality).split()
    return " ".join(w for w in words if not w.startswith("{"))


FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', sans-serif"
FONT_SIZE = 13
LINE_HEIGHT = 16
EDGE_FONT_SIZE = 11
LEGEND_FONT_SIZE = 12
PAD_X = 10
PAD_Y = 7
MIN_NODE_WIDTH = 56
WRAP_AT = 18
"""Labels longer than this are wrapped onto two lines."""
MAX_LINE = 28
"""A line of a node label never holds more characters than this; the rest is cut."""
NODE_GAP = 16
"""Least free space between two node boxes."""
MARGIN = 16

_STROKE = "#3c4043"
_EDGE = "#6b7078"
_EDGE_TEXT = "#30343a"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# advance widths in em of DejaVu Sans, wider than most system-ui fonts: a safe estimate
_WIDTHS = {
    **dict.fromkeys("il.,:;'|!", 0.28),
    **dict.fromkeys("jf", 0.33),
    "t": 0.40,
    "r": 0.42,
    " ": 0.32,
    "-": 0.37,
    "(": 0.39,
    ")": 0.39,
    "/": 0.34,
    "s": 0.53,
    "z": 0.53,
    "c": 0.55,
    "k": 0.58,
    **dict.fromkeys("vxy", 0.6),
    "w": 0.82,
    "m": 0.98,
    "M": 0.87,
    "W": 0.99,
    "\u2026": 1.0,
    "&": 0.78,
    "@": 1.0,
}

Point = tuple[float, float]
Box = tuple[float, float, float, float]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in pixels of ``text`` set at ``size`` pixels.

    >>> text_width("mesa-optimizer", 13) > text_width("humans", 13)
    True
    """
    em = 0.0
    for ch in text:
        if ch in _WIDTHS:
            em += _WIDTHS[ch]
        elif ch.isupper():
            em += 0.72
        else:
            em += 0.63
    return em * size * (1.08 if bold else 1.0)


def wrap_label(label: str) -> list[str]:
    """``label`` as one line, or two balanced lines when it is longer than :data:`WRAP_AT`.

    Lines break at spaces or after hyphens; a label too long for two lines of
    :data:`MAX_LINE` characters is cut with an ellipsis.

    >>> wrap_label("base objective")
    ['base objective']
    >>> wrap_label("pleasure and the avoidance of pain")
    ['pleasure and the', 'avoidance of pain']
    """
    label = " ".join(label.split())
    if len(label) <= WRAP_AT:
        return [label]
    best: tuple[int, str, str] | None = None
    for i, ch in enumerate(label):
        if ch == " ":
            a, b = label[:i], label[i + 1 :]
        elif ch == "-" and 0 < i < len(label) - 1:
            a, b = label[: i + 1], label[i + 1 :]
        else:
            continue
        score = max(len(a), len(b))
        if best is None or score < best[0]:
            best = (score, a, b)
    if best is not None and best[0] <= MAX_LINE:
        return [best[1], best[2]]
    if best is None and len(label) <= MAX_LINE:
        return [label]
    first = _cut(label, MAX_LINE)
    rest = label[len(first) :].strip()
    if not rest:
        return [first]
    second = rest if len(rest) <= MAX_LINE else _cut(rest, MAX_LINE - 1).rstrip(" -,") + "\u2026"
    return [first.strip(), second]


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` of at most ``limit`` characters ending at a word."""
    if len(text) <= limit:
        return text
    at = max(text.rfind(" ", 0, limit + 1), text.rfind("-", 0, limit) + 1)
    return text[:at] if at > 0 else text[:limit]


def _esc(text: str) -> str:
    """``text`` safe inside XML character data and double-quoted attributes."""
    return escape(_XML_ILLEGAL.sub("", text), quote=True)


def _num(value: float) -> str:
    """A coordinate with at most one decimal, without trailing zeros."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


# -- the parts of a drawing


@dataclass
class _Node:
    concept: Concept
    emphasis: bool
    lines: list[str] = field(default_factory=list)
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        self.lines = wrap_label(self.concept.label)
        widest = max(text_width(line, FONT_SIZE, self.emphasis) for line in self.lines)
        self.w = max(MIN_NODE_WIDTH, math.ceil(widest + 2 * PAD_X + (4 if self.emphasis else 0)))
        self.h = len(self.lines) * LINE_HEIGHT + 2 * PAD_Y + (4 if self.emphasis else 0)

    @property
    def cid(self) -> str:
        return self.concept.id

    def box(self, pad: float = 0.0) -> Box:
        return (
            self.x - self.w / 2 - pad,
            self.y - self.h / 2 - pad,
            self.x + self.w / 2 + pad,
            self.y + self.h / 2 + pad,
        )


@dataclass
class _Edge:
    rel: Relation
    text: str
    """The relation as a sentence, for ``<desc>`` and the edge's tooltip."""
    label: str = ""
    start: Point = (0.0, 0.0)
    ctrl: Point = (0.0, 0.0)
    end: Point = (0.0, 0.0)
    curved: bool = False
    samples: list[Point] = field(default_factory=list)
    bounds: Box = (0.0, 0.0, 0.0, 0.0)
    label_at: Point = (0.0, 0.0)
    label_w: float = 0.0
    label_h: float = 15.0

    def __post_init__(self) -> None:
        self.label = edge_label(self.rel)
        self.label_w = math.ceil(text_width(self.label, EDGE_FONT_SIZE) + 8)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rel.source, self.rel.type, self.rel.target)

    def label_box(self, pad: float = 0.0) -> Box:
        x, y = self.label_at
        return (
            x - self.label_w / 2 - pad,
            y - self.label_h / 2 - pad,
            x + self.label_w / 2 + pad,
            y + self.label_h / 2 + pad,
        )


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _any_overlap(nodes: list[_Node]) -> bool:
    boxes = [n.box(NODE_GAP / 2) for n in nodes]
    return any(
        _overlaps(boxes[i], boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
    )


def _quad(p0: Point, c: Point, p1: Point, t: float) -> Point:
    u = 1.0 - t
    return (
        u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0],
        u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1],
    )


def _clip(node: _Node, toward: Point, gap: float = 3.0) -> Point:
    """Where the ray from ``node``'s centre toward ``toward`` leaves its box (plus gap)."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    hw, hh = node.w / 2 + gap, node.h / 2 + gap
    scales = [hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf]
    t = min(scales)
    if math.isinf(t):
        return (node.x, node.y)
    return (node.x + dx * t, node.y + dy * t)


_SAMPLES = [i / 16 for i in range(1, 16)]
_LABEL_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8)
_GROWTH_LIMIT = 300
"""Most steps a ring grows by before its layout is taken as it is."""
_BENDS = (0.0, 0.22, -0.22, 0.4, -0.4, 0.6, -0.6)
"""Bends tried for an edge that would cross a node, as a fraction of its length."""


def _shape(edge: _Edge, a: _Node, b: _Node, bend: float) -> None:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    ctrl = ((a.x + b.x) / 2 + nx * bend, (a.y + b.y) / 2 + ny * bend)
    edge.curved = bend != 0
    edge.start, edge.end = _clip(a, ctrl), _clip(b, ctrl)
    edge.ctrl = (
        ctrl
        if edge.curved
        else ((edge.start[0] + edge.end[0]) / 2, (edge.start[1] + edge.end[1]) / 2)
    )
    edge.samples = [_quad(edge.start, edge.ctrl, edge.end, t) for t in _SAMPLES]
    points = [edge.start, *edge.samples, edge.end]
    edge.bounds = (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


def _bend(
    edge: _Edge, nodes: dict[str, _Node], base: float = 0.0, bends: tuple[float, ...] = _BENDS
) -> int:
    """Shape ``edge``, bent as little as needed to cross no other node; the nodes crossed."""
    a, b = nodes[edge.rel.source], nodes[edge.rel.target]
    lo, hi = sorted((a.cid, b.cid))
    sign = 1.0 if a.cid == lo else -1.0
    length = math.hypot(b.x - a.x, b.y - a.y)
    others = [n.box(4) for cid, n in nodes.items() if cid not in (lo, hi)]
    best: tuple[int, float] | None = None
    for frac in bends:
        bend = base + frac * length
        _shape(edge, a, b, sign * bend)
        hits = sum(1 for box in others if _meets(edge, box))
        if best is None or hits < best[0]:
            best = (hits, bend)
        if hits == 0:
            return 0
    assert best is not None
    _shape(edge, a, b, sign * best[1])
    return best[0]


def _segment_meets(p: Point, q: Point, box: Box) -> bool:
    """Whether the segment from ``p`` to ``q`` passes through ``box`` (Liang-Barsky)."""
    low, high = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for delta, near, far in (
        (dx, box[0] - p[0], box[2] - p[0]),
        (dy, box[1] - p[1], box[3] - p[1]),
    ):
        if delta == 0:
            if near > 0 or far < 0:
                return False
            continue
        t0, t1 = sorted((near / delta, far / delta))
        low, high = max(low, t0), min(high, t1)
        if low > high:
            return False
    return True


def _meets(edge: _Edge, box: Box) -> bool:
    """Whether the drawn line of ``edge`` passes through ``box``."""
    x0, y0, x1, y1 = edge.bounds
    if x1 < box[0] or x0 > box[2] or y1 < box[1] or y0 > box[3]:
        return False
    if not edge.curved:
        return _segment_meets(edge.start, edge.end, box)
    points = [edge.start, *edge.samples, edge.end]
    return any(_segment_meets(p, q, box) for p, q in zip(points, points[1:], strict=False))


def _spot(
    edge: _Edge, node_boxes: list[Box], placed: list[Box], edges: list[_Edge], strict: bool = False
) -> int:
    """Slide ``edge``'s label to the best spot along it; the collisions left there.

    A spot is bad when the label covers a node, another label or either end of its own
    edge (so that some line and the arrowhead stay visible); among good spots, fewer
    lines of other edges under the label is better. With ``strict`` a spot over any
    other line counts as bad too.
    """
    (sx, sy), (ex, ey) = edge.start, edge.end
    length = math.hypot(ex - sx, ey - sy) or 1.0
    ux, uy = (ex - sx) / length, (ey - sy) / length
    tip = 14.0 if RELATION_TYPES[edge.rel.type].symmetric else 24.0
    half = edge.label_w / 2 * abs(ux) + edge.label_h / 2 * abs(uy)
    choice: tuple[int, int, Point] | None = None
    for t in _LABEL_SPOTS:
        edge.label_at = _quad(edge.start, edge.ctrl, edge.end, t)
        box = edge.label_box(2)
        hard = sum(1 for b in (*node_boxes, *placed) if _overlaps(box, b))
        along = (edge.label_at[0] - sx) * ux + (edge.label_at[1] - sy) * uy
        if along - half < 14.0 or along + half > length - tip:
            hard += 1  # the line or the arrowhead would hide under the label
        soft = (
            0 if hard else sum(1 for o in edges if o is not edge and _meets(o, edge.label_box(5)))
        )
        if strict and soft:
            hard, soft = hard + 1, 0
        if choice is None or (hard, soft) < choice[:2]:
            choice = (hard, soft, edge.label_at)
        if hard == soft == 0:
            break
    assert choice is not None
    edge.label_at = choice[2]
    return choice[0]


def _route(nodes: dict[str, _Node], edges: list[_Edge], strict: bool = False) -> int:
    """Shape every edge and place its label; the number of collisions left.

    An edge is bent when a straight line would cross another node; parallel edges are
    bent apart. A label slides along its edge to the first spot that covers no node and
    no other label, preferring spots with fewer lines of other edges under them.
    """
    problems = 0
    groups: dict[tuple[str, str], list[_Edge]] = {}
    for e in edges:
        groups.setdefault(
            (min(e.rel.source, e.rel.target), max(e.rel.source, e.rel.target)), []
        ).append(e)
    for group in groups.values():
        for i, e in enumerate(group):
            a, b = nodes[e.rel.source], nodes[e.rel.target]
            length = math.hypot(b.x - a.x, b.y - a.y)
            problems += _bend(e, nodes, (i - (len(group) - 1) / 2) * max(36.0, 0.25 * length))
    placed: list[Box] = []
    node_boxes = [n.box(2) for n in nodes.values()]
    for e in edges:
        problems += _spot(e, node_boxes, placed, edges, strict)
        placed.append(e.label_box(2))
    return problems


def _too_short(nodes: dict[str, _Node], edges: list[_Edge]) -> bool:
    """Whether a straight edge would leave too little line around its label."""
    for e in edges:
        a, b = nodes[e.rel.source], nodes[e.rel.target]
        (sx, sy), (ex, ey) = _clip(a, (b.x, b.y)), _clip(b, (a.x, a.y))
        length = math.hypot(ex - sx, ey - sy)
        if (ex - sx) * (b.x - a.x) + (ey - sy) * (b.y - a.y) <= 0 or length == 0:
            return True
        along = (e.label_w * abs(ex - sx) + e.label_h * abs(ey - sy)) / length
        if length < along + 48:
            return True
    return False


def _segments(edge: _Edge) -> list[tuple[Point, Point]]:
    points = [edge.start, *edge.samples, edge.end]
    return list(zip(points, points[1:], strict=False))


def _cross(p: tuple[Point, Point], q: tuple[Point, Point]) -> bool:
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(q[0], q[1], p[0]), side(q[0], q[1], p[1])
    d3, d4 = side(p[0], p[1], q[0]), side(p[0], p[1], q[1])
    return d1 * d2 < 0 and d3 * d4 < 0


def _crossings(edge: _Edge, others: list[_Edge]) -> int:
    mine = _segments(edge)
    count = 0
    for o in others:
        if o.rel.source in (edge.rel.source, edge.rel.target) or o.rel.target in (
            edge.rel.source,
            edge.rel.target,
        ):
            continue
        theirs = _segments(o)
        if any(_cross(p, q) for p in mine for q in theirs):
            count += 1
    return count


def _try_extra(nodes: dict[str, _Node], edges: list[_Edge], edge: _Edge, longest: float) -> bool:
    """Add ``edge`` to a routed drawing if it fits: no longer than ``longest``, straight or
    slightly bent, crossing no node, no label and no other edge, with its own label on a
    clear spot."""
    a, b = nodes[edge.rel.source], nodes[edge.rel.target]
    if math.hypot(b.x - a.x, b.y - a.y) > longest:
        return False
    if any(
        e.rel.source in (edge.rel.source, edge.rel.target)
        and e.rel.target in (edge.rel.source, edge.rel.target)
        for e in edges
    ):
        return False
    if _bend(edge, nodes, bends=_BENDS[:3]):
        return False
    labels = [e.label_box(1) for e in edges]
    if any(_meets(edge, box) for box in labels):
        return False
    if _crossings(edge, edges):
        return False
    if _spot(
        edge,
        [n.box(2) for n in nodes.values()],
        [e.label_box(2) for e in edges],
        edges,
        strict=True,
    ):
        return False
    edges.append(edge)
    return True


def _extent(nodes: Iterable[_Node], edges: Iterable[_Edge]) -> Box:
    xs: list[float] = []
    ys: list[float] = []
    for n in nodes:
        x0, y0, x1, y1 = n.box()
        xs += [x0, x1]
        ys += [y0, y1]
    for e in edges:
        x0, y0, x1, y1 = e.label_box()
        xs += [x0, x1]
        ys += [y0, y1]
        for p in e.samples:
            xs.append(p[0])
            ys.append(p[1])
    return (min(xs), min(ys), max(xs), max(ys))


def _prefix(*parts: object) -> str:
    text = "\x1f".join(str(p) for p in parts)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"kg{digest}"


# -- writing the document


def _node_svg(node: _Node, ident: str, href: Callable[[str], str] | None) -> str:
    x0, y0, _, _ = node.box()
    fill = KIND_COLOURS.get(node.concept.kind, KIND_COLOURS["concept"])
    stroke_w = 3 if node.emphasis else 1
    weight = ' font-weight="bold"' if node.emphasis else ""
    kind = node.concept.kind.replace("_", " ")
    out = [
        f'<g class="node" id="{ident}" data-id="{_esc(node.cid)}" '
        f'data-kind="{_esc(node.concept.kind)}">',
        f"<title>{_esc(node.concept.label)} ({_esc(kind)})</title>",
        f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(node.w)}" '
        f'height="{_num(node.h)}" rx="7" ry="7" fill="{fill}" stroke="{_STROKE}" '
        f'stroke-width="{stroke_w}"/>',
        f'<text x="{_num(node.x)}" text-anchor="middle" font-size="{FONT_SIZE}" '
        f'fill="{TEXT_COLOUR}"{weight}>',
    ]
    first = node.y - (len(node.lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE * 0.36
    for i, line in enumerate(node.lines):
        out.append(
            f'<tspan x="{_num(node.x)}" y="{_num(first + i * LINE_HEIGHT)}">{_esc(line)}</tspan>'
        )
    out.append("</text></g>")
    text = "".join(out)
    if href is None:
        return text
    url = _esc(href(node.cid))
    return f'<a href="{url}" xlink:href="{url}">{text}</a>'


def _edge_svg(edge: _Edge, ident: str, arrow: str) -> str:
    rtype = RELATION_TYPES.get(edge.rel.type)
    symmetric = rtype.symmetric if rtype else False
    (sx, sy), (cx, cy), (ex, ey) = edge.start, edge.ctrl, edge.end
    if edge.curved:
        path = f"M{_num(sx)},{_num(sy)} Q{_num(cx)},{_num(cy)} {_num(ex)},{_num(ey)}"
    else:
        path = f"M{_num(sx)},{_num(sy)} L{_num(ex)},{_num(ey)}"
    extra = "" if symmetric else f' marker-end="url(#{arrow})"'
    if edge.rel.type == "related_to" or edge.rel.negated:
        extra += ' stroke-dasharray="5 4"'
    x0, y0, _, _ = edge.label_box()
    lx, ly = edge.label_at
    return (
        f'<g class="edge" id="{ident}" data-source="{_esc(edge.rel.source)}" '
        f'data-target="{_esc(edge.rel.target)}" data-type="{_esc(edge.rel.type)}">'
        f"<title>{_esc(edge.text)}</title>"
        f'<path d="{path}" fill="none" stroke="{_EDGE}" stroke-width="1.5"{extra}/>'
        f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(edge.label_w)}" '
        f'height="{_num(edge.label_h)}" rx="3" ry="3" fill="#ffffff"/>'
        f'<text x="{_num(lx)}" y="{_num(ly + EDGE_FONT_SIZE * 0.35)}" '
        f'text-anchor="middle" font-size="{EDGE_FONT_SIZE}" fill="{_EDGE_TEXT}">'
        f"{_esc(edge.label)}</text></g>"
    )


def _document(
    prefix: str,
    title: str,
    desc: str,
    nodes: list[_Node],
    edges: list[_Edge],
    href: Callable[[str], str] | None,
    kind: str,
) -> str:
    """The SVG document: edges under nodes, a legend of kinds below, all fitted."""
    x0, y0, x1, y1 = _extent(nodes, edges)
    dx, dy = MARGIN - x0, MARGIN - y0
    for n in nodes:
        n.x += dx
        n.y += dy
    for e in edges:
        e.start = (e.start[0] + dx, e.start[1] + dy)
        e.end = (e.end[0] + dx, e.end[1] + dy)
        e.ctrl = (e.ctrl[0] + dx, e.ctrl[1] + dy)
        e.label_at = (e.label_at[0] + dx, e.label_at[1] + dy)
    width = max(x1 - x0, 240.0)
    kinds = [k for k in KINDS if any(n.concept.kind == k for n in nodes)]
    kinds += sorted({n.concept.kind for n in nodes} - set(KINDS))
    legend: list[str] = []
    lx, ly = 0.0, 0.0
    for k in kinds:
        name = k.replace("_", " ")
        item_w = 14 + 6 + text_width(name, LEGEND_FONT_SIZE) + 18
        if lx > 0 and lx + item_w - 18 > width:
            lx, ly = 0.0, ly + 22
        fill = KIND_COLOURS.get(k, KIND_COLOURS["concept"])
        legend.append(
            f'<g class="legend-item" id="{prefix}-legend-{_esc(k)}" '
            f'data-kind="{_esc(k)}">'
            f'<rect x="{_num(MARGIN + lx)}" y="{_num(ly)}" width="14" height="14" '
            f'rx="3" ry="3" fill="{fill}" stroke="{_STROKE}" stroke-width="1"/>'
            f'<text x="{_num(MARGIN + lx + 20)}" y="{_num(ly + 11.5)}" '
            f'font-size="{LEGEND_FONT_SIZE}" fill="{TEXT_COLOUR}">{_esc(name)}</text>'
            "</g>"
        )
        lx += item_w
    legend_top = MARGIN + (y1 - y0) + 22
    # a picture whose concepts are links is a group of links under its title (a role of
    # img would hide the links from assistive technology); one without links, an image
    role = "img" if href is None else "group"
    total_w = math.ceil(width + 2 * MARGIN)
    total_h = math.ceil(legend_top + ly + 14 + MARGIN)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{total_w}" height="{total_h}" '
        f'viewBox="0 0 {total_w} {total_h}" role="{role}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="kg-{kind}" '
        f'font-family="{_esc(FONT_FAMILY)}">',
        f'<title id="{prefix}-title">{_esc(title)}</title>',
        f'<desc id="{prefix}-desc">{_esc(desc)}</desc>',
        f'<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_EDGE}"/></marker></defs>',
        f'<rect id="{prefix}-background" x="0" y="0" width="{total_w}" height="{total_h}" '
        'fill="#ffffff"/>',
        f'<g class="edges" id="{prefix}-edges">',
    ]
    out += [_edge_svg(e, f"{prefix}-e{i}", f"{prefix}-arrow") for i, e in enumerate(edges)]
    out.append(f'</g><g class="nodes" id="{prefix}-nodes">')
    out += [_node_svg(n, f"{prefix}-n{i}", href) for i, n in enumerate(nodes)]
    out.append(
        f'</g><g class="legend" id="{prefix}-legend" transform="translate(0,{_num(legend_top)})">'
    )
    out += legend
    out.append("</g></svg>")
    return "\n".join(out)


# -- the neighbourhood of a concept


def _cost(rel: Relation) -> float:
    rtype = RELATION_TYPES.get(rel.type)
    return rtype.cost if rtype else 3.0


def _side(cid: str, rels: list[Relation]) -> int:
    """Where a neighbour goes around the centre ``cid``: 0 above (broader), 1 right
    (what the centre points at), 2 below (narrower, examples), 3 left (the rest)."""
    sides = []
    for rel in rels:
        if rel.source == cid and rel.type in HIERARCHICAL_TYPES and not rel.negated:
            sides.append(0)
        elif rel.target == cid and (rel.type in HIERARCHICAL_TYPES or rel.type == "example_of"):
            sides.append(2)
        elif rel.source == cid and not RELATION_TYPES[rel.type].symmetric:
            sides.append(1)
        else:
            sides.append(3)
    return min(sides)


def _ring_angles(weights: list[float], sides: list[int]) -> list[float]:
    """Angles (clockwise from the right) for a ring of nodes, each in the middle of a sector
    as wide as its weight, turned so that the nodes above (side 0) are centred at the top,
    or else those below (side 2) at the bottom."""
    total = sum(weights)
    angles: list[float] = []
    at = 0.0
    for w in weights:
        angles.append(at + math.pi * w / total)
        at += 2 * math.pi * w / total
    if 0 in sides:
        group, aim = [a for a, s in zip(angles, sides, strict=True) if s == 0], -math.pi / 2
    elif 2 in sides:
        group, aim = [a for a, s in zip(angles, sides, strict=True) if s == 2], math.pi / 2
    else:
        group, aim = angles[:1], -math.pi / 2
    turn = aim - (group[0] + group[-1]) / 2
    return [a + turn for a in angles]


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence nearest ``values`` in least squares (pool adjacent
    violators)."""
    blocks: list[tuple[float, int]] = []
    for v in values:
        total, count = v, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / count:
            prev_total, prev_count = blocks.pop()
            total, count = total + prev_total, count + prev_count
        blocks.append((total, count))
    return [total / count for total, count in blocks for _ in range(count)]


def _pack(
    ideal: list[float], sizes: list[tuple[float, float]], aspect: float, radius: float
) -> list[float] | None:
    """Angles as near ``ideal`` as boxes of ``sizes`` allow on an ellipse of half-axes
    ``aspect * radius`` and ``radius`` without touching, in the same circular order; None
    when they do not fit around it.

    The circle is cut at the widest gap between wanted angles; along the cut-open line,
    keeping each box at least its neighbour's distance away while moving the boxes as
    little as possible (least squares) is an isotonic regression, so a group of boxes
    wanting the same angle spreads evenly about it.
    """
    count = len(ideal)
    if count < 2:
        return list(ideal)
    full = 2 * math.pi

    def half(k: int, angle: float) -> float:
        sin, cos = abs(math.sin(angle)), abs(math.cos(angle))
        s2 = (aspect * sin) ** 2 + cos**2
        w, h = sizes[k]
        # 10% and 4 pixels to spare: boxes are as far apart as the arc, not the chord
        extent = (w * aspect * sin + h * cos) / s2 * 1.1 + (NODE_GAP + 4) / math.sqrt(s2)
        return extent / radius / 2

    gaps = [(ideal[(i + 1) % count] - ideal[i]) % full for i in range(count)]
    start = (max(range(count), key=lambda i: (gaps[i], -i)) + 1) % count
    order = [(start + i) % count for i in range(count)]
    wanted = [ideal[order[0]]]
    for k in order[1:]:
        wanted.append(wanted[-1] + (ideal[k] - wanted[-1]) % full)
    line = list(wanted)
    for _ in range(3):
        halves = [half(k, a) for k, a in zip(order, line, strict=True)]
        offsets = [0.0]
        for i in range(count - 1):
            offsets.append(offsets[-1] + halves[i] + halves[i + 1])
        shifted = _isotonic([w - o for w, o in zip(wanted, offsets, strict=True)])
        line = [b + o for b, o in zip(shifted, offsets, strict=True)]
    halves = [half(k, a) for k, a in zip(order, line, strict=True)]
    if line[-1] - line[0] + halves[-1] + halves[0] > full:
        return None
    if any(line[i + 1] - line[i] < (halves[i] + halves[i + 1]) * 0.98 for i in range(count - 1)):
        return None
    angles = [0.0] * count
    for k, a in zip(order, line, strict=True):
        angles[k] = a
    return angles


def _select(
    graph: KnowledgeGraph, cid: str, dist: dict[str, int], rels: list[Relation], max_nodes: int
) -> tuple[list[str], dict[str, list[str]]]:
    """The ring-1 neighbours kept, and the ring-2 ones kept under each ring-1 parent.

    Neighbours joined by cheaper (more specific) relations and with fewer relations of
    their own are kept first; a ring-2 concept needs a kept parent.
    """
    by_pair: dict[frozenset[str], list[Relation]] = {}
    for rel in rels:
        by_pair.setdefault(frozenset((rel.source, rel.target)), []).append(rel)

    def link(a: str, b: str) -> float:
        return min(_cost(r) for r in by_pair[frozenset((a, b))])

    first = sorted(
        (n for n, d in dist.items() if d == 1), key=lambda n: (link(cid, n), graph.degree(n), n)
    )[: max_nodes - 1]
    rank = {n: i for i, n in enumerate(first)}
    candidates: list[tuple[float, int, str, str]] = []
    for n, d in dist.items():
        if d != 2:
            continue
        parents = [(link(n, p), rank[p], p) for p in first if frozenset((n, p)) in by_pair]
        if parents:
            cost, _, parent = min(parents)
            candidates.append((cost, graph.degree(n), n, parent))
    children: dict[str, list[str]] = {n: [] for n in first}
    for _, _, n, parent in sorted(candidates)[: max(0, max_nodes - 1 - len(first))]:
        children[parent].append(n)
    return first, children


def _inner_order(
    graph: KnowledgeGraph, cid: str, inner: list[str], drawn: list[Relation], sides: dict[str, int]
) -> list[str]:
    """The inner ring in drawing order: by side, then by the first relation type (in
    :data:`RELATION_TYPES` order) joining each to the centre ``cid``, then by label."""

    def key(n: str) -> tuple[int, int, str]:
        types = [r.type for r in drawn if n in (r.source, r.target) and cid in (r.source, r.target)]
        first_type = min(
            list(RELATION_TYPES).index(t) if t in RELATION_TYPES else 99 for t in types
        )
        return (sides[n], first_type, graph.concepts[n].label.lower())

    return sorted(inner, key=key)


def _tree_and_extra(
    graph: KnowledgeGraph, drawn: list[Relation], ring_of: dict[str, int], parent_of: dict[str, str]
) -> tuple[list[_Edge], list[_Edge]]:
    """The ``drawn`` relations as edges, each read outward from the centre: those joining
    a concept to the one it hangs from (the tree, always drawn), and the others."""
    tree: list[_Edge] = []
    extra: list[_Edge] = []
    for rel in drawn:
        edge = _Edge(rel, sentence(graph, rel, ring_of[rel.source] <= ring_of[rel.target]))
        if parent_of.get(rel.source) == rel.target or parent_of.get(rel.target) == rel.source:
            tree.append(edge)
        else:
            extra.append(edge)
    return tree, extra


def _neighbourhood_desc(
    centre: Concept,
    depth: int,
    cut: int,
    shown: list[str],
    drawn: list[Relation],
    edges: list[_Edge],
) -> str:
    """The ``<desc>``: what is drawn, what is not (``cut`` concepts, relations of
    ``drawn`` without an edge), and every edge as a sentence."""
    left_out = len(drawn) - len(edges)
    desc = f"The neighbourhood of {centre.label}: {len(shown)} concepts and {len(edges)} relations"
    if cut:
        desc += f"; {cut} more concepts within {depth} steps are not shown"
    if left_out:
        desc += f"; {left_out} relations among those shown are left out for clarity"
    return desc + ". " + " ".join(e.text for e in edges)


def _outer_ideal(
    graph: KnowledgeGraph,
    inner: list[str],
    inner_ideal: list[float],
    children: dict[str, list[str]],
) -> tuple[list[str], list[float]]:
    """The outer ring in angle order, and the angle each would take: its parent's,
    siblings spread a little in label order."""
    wanted: list[tuple[float, str]] = []
    for n, angle in zip(inner, inner_ideal, strict=True):
        kids = sorted(children[n], key=lambda k: graph.concepts[k].label.lower())
        wanted += [(angle + (i - (len(kids) - 1) / 2) * 1e-3, k) for i, k in enumerate(kids)]
    wanted.sort(key=lambda t: (t[0] % (2 * math.pi), t[1]))
    return [k for _, k in wanted], [angle % (2 * math.pi) for angle, _ in wanted]


@dataclass(frozen=True)
class _Placement:
    """Where the rings of a neighbourhood go, on ellipses ``aspect`` times wider than high:
    the inner ring's half-height and angles, and each outer concept's half-height and
    angle."""

    aspect: float
    inner_radius: float
    outer_radii: list[float]
    inner_angles: list[float]
    outer_angles: list[float]

    def scaled(self, scale: float) -> _Placement:
        return _Placement(
            self.aspect,
            self.inner_radius * scale,
            [r * scale for r in self.outer_radii],
            self.inner_angles,
            self.outer_angles,
        )


_ASPECTS = (1.0, 1.25, 1.5, 1.75, 2.0)
"""Width-to-height ratios of the rings tried for a neighbourhood."""


class _RingLayout:
    """The concepts around ``centre`` on two rings: ``inner`` (the neighbours, wanting
    the angles ``inner_ideal``) and ``outer`` (their neighbours, wanting ``outer_ideal``);
    ``tree`` are the edges from the centre to the inner ring and from each outer concept
    to its parent, the ones that must fit."""

    def __init__(
        self,
        nodes: dict[str, _Node],
        centre: str,
        inner: list[str],
        inner_ideal: list[float],
        outer: list[str],
        outer_ideal: list[float],
        tree: list[_Edge],
    ) -> None:
        self.nodes = nodes
        self.centre = centre
        self.inner = inner
        self.inner_ideal = inner_ideal
        self.outer = outer
        self.outer_ideal = outer_ideal
        self.tree = tree
        self.spokes = [e for e in tree if centre in (e.rel.source, e.rel.target)]
        self.inner_nodes = [nodes[centre], *(nodes[n] for n in inner)]
        self.all_nodes = list(nodes.values())
        self.inner_sizes = [(nodes[n].w, nodes[n].h) for n in inner]
        self.outer_sizes = [(nodes[n].w, nodes[n].h) for n in outer]

    def place(self, at: _Placement) -> None:
        """Move the nodes to ``at`` (outer concepts only as far as it gives radii)."""
        nodes, aspect = self.nodes, at.aspect
        for n, angle in zip(self.inner, at.inner_angles, strict=True):
            nodes[n].x = aspect * at.inner_radius * math.cos(angle)
            nodes[n].y = at.inner_radius * math.sin(angle)
        for n, radius, angle in zip(self.outer, at.outer_radii, at.outer_angles, strict=False):
            nodes[n].x, nodes[n].y = aspect * radius * math.cos(angle), radius * math.sin(angle)

    def _fit_inner(self, aspect: float) -> tuple[float, list[float]]:
        """The inner ring's half-height and angles: grown until its boxes and the centre
        do not touch and every spoke has room for its label."""
        nodes = self.nodes
        radius = (
            nodes[self.centre].h + max((nodes[n].h for n in self.inner), default=0)
        ) / 2 + NODE_GAP
        for _ in range(_GROWTH_LIMIT):
            angles = _pack(self.inner_ideal, self.inner_sizes, aspect, radius)
            if angles is not None:
                self.place(_Placement(aspect, radius, [], angles, []))
                if not _any_overlap(self.inner_nodes) and not _too_short(nodes, self.spokes):
                    break
            radius *= 1.04
        return radius, angles if angles is not None else list(self.inner_ideal)

    def _fit_outer(
        self, aspect: float, inner_radius: float, inner_angles: list[float]
    ) -> tuple[float, list[float]]:
        """The outer ring's half-height and angles: grown until no boxes touch and every
        tree edge has room for its label."""
        nodes = self.nodes
        radius = inner_radius + max((n.h for n in self.all_nodes), default=0) + NODE_GAP
        for _ in range(_GROWTH_LIMIT):
            angles = _pack(self.outer_ideal, self.outer_sizes, aspect, radius)
            if angles is not None:
                self.place(
                    _Placement(
                        aspect, inner_radius, [radius] * len(self.outer), inner_angles, angles
                    )
                )
                if not _any_overlap(self.all_nodes) and not _too_short(nodes, self.tree):
                    break
            radius += 0.04 * inner_radius
        return radius, angles if angles is not None else list(self.outer_ideal)

    def _pull_in(
        self,
        aspect: float,
        inner_radius: float,
        inner_angles: list[float],
        outer_radius: float,
        outer_angles: list[float],
    ) -> list[float]:
        """Each outer concept's half-height, pulled in from the outer ring as far as it
        goes without touching anything."""
        radii = [outer_radius] * len(self.outer)
        for i, n in enumerate(self.outer):
            mine = [e for e in self.tree if n in (e.rel.source, e.rel.target)]
            for fraction in (0.2, 0.4, 0.6, 0.8):
                radii[i] = inner_radius + fraction * (outer_radius - inner_radius)
                self.place(_Placement(aspect, inner_radius, radii, inner_angles, outer_angles))
                if not _any_overlap(self.all_nodes) and not _too_short(self.nodes, mine):
                    break
            else:
                radii[i] = outer_radius
        return radii

    def best(self) -> _Placement:
        """For each aspect, the rings fitted and then grown until every label fits; of
        them all, the placement with the fewest collisions and then the smallest drawing
        (with legend and margins, as it best fits a 1400 x 1000 screen)."""
        best: tuple[tuple[int, float], _Placement] | None = None
        for aspect in _ASPECTS:
            inner_radius, inner_angles = self._fit_inner(aspect)
            outer_radius, outer_angles = self._fit_outer(aspect, inner_radius, inner_angles)
            radii = self._pull_in(aspect, inner_radius, inner_angles, outer_radius, outer_angles)
            fitted = _Placement(aspect, inner_radius, radii, inner_angles, outer_angles)
            for step in range(10):
                placement = fitted.scaled(1.08**step)
                self.place(placement)
                problems = _route(self.nodes, self.tree)
                x0, y0, x1, y1 = _extent(self.all_nodes, self.tree)
                key = (problems, max((x1 - x0 + 2 * MARGIN) / 1.4, y1 - y0 + 2 * MARGIN + 40))
                if best is None or key < best[0]:
                    best = (key, placement)
                if not problems:
                    break
        assert best is not None
        return best[1]


def _with_extra(nodes: dict[str, _Node], tree: list[_Edge], extra: list[_Edge]) -> list[_Edge]:
    """The routed ``tree`` edges and those of ``extra`` that fit among them, cheapest
    relations first, none longer than the longest tree edge."""
    edges = list(tree)
    longest = max(
        (
            math.hypot(
                nodes[e.rel.source].x - nodes[e.rel.target].x,
                nodes[e.rel.source].y - nodes[e.rel.target].y,
            )
            for e in tree
        ),
        default=0.0,
    )
    for edge in sorted(extra, key=lambda e: _cost(e.rel)):
        _try_extra(nodes, edges, edge, longest)
    return edges


def concept_svg(
    graph: KnowledgeGraph,
    cid: str,
    depth: int = 1,
    max_nodes: int = 30,
    href: Callable[[str], str] | None = None,
) -> str:
    """The neighbourhood of concept ``cid`` as an SVG picture.

    The concept is drawn in the middle with a thick border, its neighbours on a ring
    around it (broader concepts above, narrower ones and examples below) and, with
    ``depth=2``, their neighbours on an outer ring next to the neighbour they hang from.
    Every relation between the centre and a neighbour, and between an outer concept and
    the neighbour it hangs from, is drawn; any other relation among the drawn concepts
    (``depth=2`` only) is drawn only where it fits without crossing a node, a label or
    another edge, and the ``<desc>`` says how many were left out.

    Parameters
    ----------
    graph
        The knowledge graph.
    cid
        Id of the concept in the middle.
    depth
        1 for the neighbours only, 2 for the neighbours' neighbours as well.
    max_nodes
        Most concepts drawn, the centre included. When there are more, those joined by
        the most specific relations (lowest relation cost) and with the fewest relations
        of their own are kept; inner-ring concepts before outer-ring ones.
    href
        When given, ``href(concept_id)`` is the URL each node links to.

    Returns
    -------
    str
        A standalone SVG 1.1 document.

    Raises
    ------
    kg.errors.ConceptNotFound
        ``cid`` names no concept.
    kg.errors.InvalidQuery
        ``depth`` is not 1 or 2, or ``max_nodes`` is below 1.

    Examples
    --------
    >>> from kg.load import load_graph
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> svg = concept_svg(g, "base-optimizer", href=lambda c: f"/concepts/{c}")
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(svg)
    >>> sorted(n.get("data-id") for n in root.iter("{http://www.w3.org/2000/svg}g")
    ...        if n.get("class") == "node")
    ['base-objective', 'base-optimizer', 'evolution', 'mesa-optimizer', 'optimizer']
    >>> root.find("{http://www.w3.org/2000/svg}title").text
    'Neighbourhood of base optimizer'
    """
    centre = graph.concept(cid)
    if depth not in (1, 2):
        raise InvalidQuery(f"depth must be 1 or 2, not {depth}.")
    if max_nodes < 1:
        raise InvalidQuery(f"max_nodes must be at least 1, not {max_nodes}.")
    distance, relations = graph.neighbors(cid, depth)
    inner, children = _select(graph, cid, distance, relations, max_nodes)
    ring_of = {cid: 0, **dict.fromkeys(inner, 1)}
    for kids in children.values():
        ring_of.update(dict.fromkeys(kids, 2))
    drawn = [r for r in relations if r.source in ring_of and r.target in ring_of]
    sides = {
        n: _side(
            cid, [r for r in drawn if cid in (r.source, r.target) and n in (r.source, r.target)]
        )
        for n in inner
    }
    inner = _inner_order(graph, cid, inner, drawn, sides)
    nodes = {n: _Node(graph.concepts[n], n == cid) for n in ring_of}
    parent_of = dict.fromkeys(inner, cid)
    parent_of.update({k: n for n, kids in children.items() for k in kids})
    tree, extra = _tree_and_extra(graph, drawn, ring_of, parent_of)
    # a neighbour with many outer concepts gets a wider sector, so they stay near it
    weights = [max(1.0, float(len(children[n]))) for n in inner]
    inner_ideal = _ring_angles(weights, [sides[n] for n in inner]) if inner else []
    outer, outer_ideal = _outer_ideal(graph, inner, inner_ideal, children)
    layout = _RingLayout(nodes, cid, inner, inner_ideal, outer, outer_ideal, tree)
    layout.place(layout.best())
    _route(nodes, tree)
    edges = _with_extra(nodes, tree, extra)
    edges.sort(key=lambda e: drawn.index(e.rel))
    shown = [cid, *inner, *outer]
    desc = _neighbourhood_desc(centre, depth, len(distance) - len(shown), shown, drawn, edges)
    return _document(
        _prefix("concept", cid, depth, max_nodes),
        f"Neighbourhood of {centre.label}",
        desc,
        [nodes[n] for n in shown],
        edges,
        href,
        "concept",
    )


# -- how two concepts relate


def relate_svg(
    graph: KnowledgeGraph,
    r: Relatedness,
    max_paths: int = 3,
    href: Callable[[str], str] | None = None,
) -> str:
    """How ``r.x`` relates to ``r.y`` as an SVG picture.

    ``r.x`` is drawn on the left and ``r.y`` on the right, both with thick borders; the
    direct relations join them straight across and each ranked path is a row in
    between (the best path nearest the middle). A concept on several paths is drawn once.

    Parameters
    ----------
    graph
        The knowledge graph ``r`` was computed on.
    r
        The result of :func:`kg.paths.relate`.
    max_paths
        Most paths drawn, best first.
    href
        When given, ``href(concept_id)`` is the URL each node links to.

    Returns
    -------
    str
        A standalone SVG 1.1 document.

    Raises
    ------
    kg.errors.InvalidQuery
        ``max_paths`` is negative.

    Examples
    --------
    >>> from kg.load import load_graph
    >>> from kg.paths import relate
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
    >>> svg = relate_svg(g, relate(g, "evolution", "mesa-optimizer"), max_paths=2)
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(svg)
    >>> [n.get("data-id") for n in root.iter("{http://www.w3.org/2000/svg}g")
    ...  if n.get("class") == "node"]
    ['evolution', 'mesa-optimizer', 'humans', 'base-optimizer']
    >>> "Evolution produces humans." in root.find("{http://www.w3.org/2000/svg}desc").text
    True
    """
    if max_paths < 0:
        raise InvalidQuery(f"max_paths must not be negative, not {max_paths}.")
    x, y = r.x.id, r.y.id
    paths = list(r.paths[:max_paths])
    nodes: dict[str, _Node] = {x: _Node(graph.concepts[x], True), y: _Node(graph.concepts[y], True)}
    edges: dict[tuple[str, str, str], _Edge] = {}
    desc: list[str] = []

    def add(rel: Relation, forward: bool) -> str:
        text = sentence(graph, rel, forward)
        edge = _Edge(rel, text)
        edges.setdefault(edge.key, edge)
        return text

    if r.direct:
        desc.append("Directly: " + " ".join(add(rel, rel.source == x) for rel in r.direct))
    last = max((len(p.steps) for p in paths), default=1)
    if r.direct:
        slots = [float(s) for k in range(1, len(paths) + 1) for s in (-k, k)][: len(paths)]
    else:
        slots = sorted(
            (k - (len(paths) - 1) / 2 for k in range(len(paths))), key=lambda s: (abs(s), s)
        )
    for i, path in enumerate(paths, 1):
        desc.append(f"Path {i}: " + " ".join(add(s.relation, s.forward) for s in path.steps))
    # columns: longer paths first, so that a concept they share with shorter ones gets the
    # column the longer path needs; new concepts are spread between those placed
    # a concept's row is that of the best path through it
    row_of: dict[str, float] = {}
    for path, slot in zip(paths, slots, strict=True):
        for step in path.steps[:-1]:
            row_of.setdefault(step.to_id, slot)
    cell: dict[str, tuple[float, float]] = {x: (0.0, 0.0), y: (float(last), 0.0)}
    for i in sorted(range(len(paths)), key=lambda i: (-len(paths[i].steps), i)):
        seq = [x, *(s.to_id for s in paths[i].steps)]
        anchors = [j for j, n in enumerate(seq) if n in cell]
        for ja, jb in zip(anchors, anchors[1:], strict=False):
            ca, cb = cell[seq[ja]][0], cell[seq[jb]][0]
            count = jb - ja - 1
            room = abs(cb - ca) - 1 >= count
            for j in range(1, count + 1):
                col = ca + j * (cb - ca) / (count + 1)
                cell[seq[ja + j]] = (math.floor(col + 0.5) if room else col, row_of[seq[ja + j]])
                nodes[seq[ja + j]] = _Node(graph.concepts[seq[ja + j]], False)
    if not desc:
        desc.append("The graph records no connection between them within the hop limit.")
    edge_list = list(edges.values())
    col_w = [0.0] * (last + 1)
    for n, (col, _) in cell.items():
        if col == int(col):
            col_w[int(col)] = max(col_w[int(col)], nodes[n].w)
    gaps = [80.0] * last
    for e in edge_list:
        ca, cb = sorted((cell[e.rel.source][0], cell[e.rel.target][0]))
        if cb - ca == 1 and ca == int(ca):
            gaps[int(ca)] = max(gaps[int(ca)], e.label_w + 50)
    pitch = max(n.h for n in nodes.values()) + 52

    def place(spread: float) -> None:
        xs = [0.0]
        for c in range(last):
            xs.append(xs[-1] + col_w[c] / 2 + gaps[c] * spread + col_w[c + 1] / 2)
        for n, (col, row) in cell.items():
            whole = min(int(col), last - 1)
            nodes[n].x = xs[whole] + (col - whole) * (xs[whole + 1] - xs[whole])
            nodes[n].y = row * pitch * spread

    best: tuple[int, float] | None = None
    for attempt in range(10):
        spread = 1.12**attempt
        place(spread)
        problems = _route(nodes, edge_list, strict=True)
        if best is None or problems < best[0]:
            best = (problems, spread)
        if not problems:
            break
    assert best is not None
    place(best[1])
    _route(nodes, edge_list, strict=True)
    order = [x, y, *(s.to_id for p in paths for s in p.steps)]
    nodes = {n: nodes[n] for n in dict.fromkeys(order)}
    title = f"How {r.x.label} relates to {r.y.label}"
    return _document(
        _prefix("relate", x, y, max_paths),
        title,
        f"{title}. " + " ".join(desc),
        list(nodes.values()),
        edge_list,
        href,
        "relate",
    )
