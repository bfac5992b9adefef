from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from kg.errors import ConceptNotFound, InvalidQuery
from kg.explain import sentence
from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Relation
from kg.ontology import KINDS, RELATION_TYPES
from kg.paths import relate
from kg.svg import (
    KIND_COLOURS,
    MAX_LINE,
    RELATION_LABELS,
    TEXT_COLOUR,
    concept_svg,
    relate_svg,
    wrap_label,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
CITE = (Citation(source="s", quote="q", start=0, end=1),)

Box = tuple[float, float, float, float]


def _graph(
    edges: list[tuple[str, str, str]],
    labels: dict[str, str] | None = None,
    kinds: dict[str, str] | None = None,
) -> KnowledgeGraph:
    labels = labels or {}
    kinds = kinds or {}
    names = sorted({e[0] for e in edges} | {e[2] for e in edges})
    concepts = {
        n: Concept(
            id=n,
            label=labels.get(n, n.replace("-", " ")),
            kind=kinds.get(n, "concept"),
            definition=n,
            citations=CITE,
        )
        for n in names
    }
    relations = [Relation(source=s, type=t, target=o, citations=CITE) for s, t, o in edges]
    return KnowledgeGraph({}, {}, concepts, relations)


# -- reading a picture back


def _translate(element: ET.Element) -> tuple[float, float]:
    found = re.search(r"translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)", element.get("transform", ""))
    return (float(found.group(1)), float(found.group(2))) if found else (0.0, 0.0)


def _walk(
    element: ET.Element, dx: float = 0.0, dy: float = 0.0
) -> Iterator[tuple[ET.Element, float, float]]:
    """Every element with the translation its ancestors (and itself) apply."""
    tx, ty = _translate(element)
    dx, dy = dx + tx, dy + ty
    yield element, dx, dy
    for child in element:
        yield from _walk(child, dx, dy)


def _rect(rect: ET.Element, dx: float, dy: float) -> Box:
    tx, ty = _translate(rect)
    x, y = float(rect.get("x", 0)) + dx + tx, float(rect.get("y", 0)) + dy + ty
    return (x, y, x + float(rect.get("width", 0)), y + float(rect.get("height", 0)))


def _boxes(root: ET.Element, cls: str) -> dict[str, Box]:
    """The box of the first rect in each ``<g class=cls>``, by data-id (or id)."""
    out: dict[str, Box] = {}
    for g, dx, dy in _walk(root):
        if g.tag == f"{SVG}g" and g.get("class") == cls:
            rect = g.find(f"{SVG}rect")
            assert rect is not None
            key = g.get("data-id") or g.get("id") or ""
            assert key not in out
            out[key] = _rect(rect, dx, dy)
    return out


def _nodes(root: ET.Element) -> list[str]:
    return [g.get("data-id", "") for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def _edges(root: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (g.get("data-source", ""), g.get("data-type", ""), g.get("data-target", ""))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "edge"
    ]


def _text(root: ET.Element, tag: str) -> str:
    element = root.find(f"{SVG}{tag}")
    assert element is not None and element.text is not None
    return element.text


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(root: ET.Element) -> dict[str, str]:
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "legend-item":
            text = g.find(f"{SVG}text")
            assert text is not None and text.text
            out[g.get("data-kind", "")] = text.text
    return out


def _check_readable(svg: str) -> ET.Element:
    """Parse and check what makes a picture readable: sizes, overlaps, clipping."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    vx, vy, vw, vh = (float(v) for v in root.get("viewBox", "").split())
    assert (float(root.get("width", 0)), float(root.get("height", 0))) == (vw, vh)
    nodes = _boxes(root, "node")
    labels = _boxes(root, "edge")
    legend = _boxes(root, "legend-item")
    everything = [*nodes.values(), *labels.values(), *legend.values()]
    for box in everything:
        assert vx <= box[0] and box[2] <= vx + vw and vy <= box[1] and box[3] <= vy + vh
    boxes = list(nodes.items())
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            assert not _overlap(box_a, box_b), f"{a} overlaps {b}"
    for e, label in labels.items():
        for n, box in nodes.items():
            assert not _overlap(label, box), f"label of {e} covers {n}"
        for key, box in legend.items():
            assert not _overlap(label, box), f"label of {e} covers the legend {key}"
    for n, box in nodes.items():
        for key, lbox in legend.items():
            assert not _overlap(box, lbox), f"{n} covers the legend {key}"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    return root


# -- the neighbourhood of a concept


def test_concept_svg_is_an_accessible_svg_document(good: KnowledgeGraph) -> None:
    root = _check_readable(concept_svg(good, "mesa-optimizer"))
    assert root.get("version") == "1.1"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Neighbourhood of mesa-optimizer"
    assert "'Segoe UI'" in root.get("font-family", "")


@pytest.mark.parametrize(
    "cid", ["mesa-optimizer", "evolution", "inner-alignment", "base-objective"]
)
def test_nodes_and_edges_are_the_centre_and_its_relations(
    shipped: KnowledgeGraph, cid: str
) -> None:
    root = _check_readable(concept_svg(shipped, cid))
    rels = shipped.relations_of(cid)
    neighbours = {r.target if r.source == cid else r.source for r in rels}
    assert len(neighbours) < 30
    nodes = _nodes(root)
    assert nodes[0] == cid
    assert sorted(nodes) == sorted({cid} | neighbours)
    assert sorted(_edges(root)) == sorted((r.source, r.type, r.target) for r in rels)
    desc = _text(root, "desc")
    for rel in rels:
        assert sentence(shipped, rel, rel.source == cid) in desc


def test_depth_two_reaches_the_neighbours_of_neighbours(shipped: KnowledgeGraph) -> None:
    cid = "evolution"
    root = _check_readable(concept_svg(shipped, cid, depth=2, max_nodes=30))
    dist, _ = shipped.neighbors(cid, 2)
    nodes = _nodes(root)
    assert len(nodes) == len(set(nodes)) <= 30
    assert set(nodes) <= set(dist)
    assert {n for n, d in dist.items() if d == 1} <= set(nodes)
    assert any(dist[n] == 2 for n in nodes)
    drawn = _edges(root)
    stored = {(r.source, r.type, r.target) for r in shipped.relations}
    assert set(drawn) <= stored
    # every outer concept hangs from a drawn edge
    touched = {e[0] for e in drawn} | {e[2] for e in drawn}
    assert set(nodes) - {cid} <= touched
    desc = _text(root, "desc")
    for s, t, o in drawn:
        (rel,) = [r for r in shipped.relations_between(s, o) if (r.type, r.target) == (t, o)]
        assert sentence(shipped, rel, True) in desc or sentence(shipped, rel, False) in desc


@pytest.mark.parametrize("max_nodes", [1, 2, 5, 12])
def test_max_nodes_is_respected_and_the_centre_always_drawn(
    shipped: KnowledgeGraph, max_nodes: int
) -> None:
    for depth in (1, 2):
        nodes = _nodes(_check_readable(concept_svg(shipped, "inner-alignment", depth, max_nodes)))
        assert nodes[0] == "inner-alignment"
        assert len(nodes) == max_nodes


def test_thirty_nodes_at_most_by_default(shipped: KnowledgeGraph) -> None:
    dist, _ = shipped.neighbors("inner-alignment", 2)
    assert len(dist) > 30
    root = _check_readable(concept_svg(shipped, "inner-alignment", depth=2))
    assert len(_nodes(root)) == 30
    assert "more concepts within 2 steps are not shown" in _text(root, "desc")


def test_cutting_keeps_specific_relations_and_small_concepts() -> None:
    edges = [("c", "is_a", "specific"), ("c", "related_to", "vague"), ("c", "is_a", "hub")]
    edges += [(f"leaf-{i}", "is_a", "hub") for i in range(8)]
    g = _graph(edges)
    assert _nodes(ET.fromstring(concept_svg(g, "c", max_nodes=2))) == ["c", "specific"]
    assert sorted(_nodes(ET.fromstring(concept_svg(g, "c", max_nodes=3)))) == [
        "c",
        "hub",
        "specific",
    ]


@pytest.mark.parametrize("depth", [1, 2])
def test_every_shipped_neighbourhood_is_readable(shipped: KnowledgeGraph, depth: int) -> None:
    for cid in shipped.concepts:
        _check_readable(concept_svg(shipped, cid, depth=depth))


def test_centre_is_emphasised(good: KnowledgeGraph) -> None:
    root = ET.fromstring(concept_svg(good, "base-optimizer"))
    widths = {
        g.get("data-id"): float(g.find(f"{SVG}rect").get("stroke-width", 1))  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
    }
    assert widths.pop("base-optimizer") > max(widths.values())


def test_legend_lists_exactly_the_kinds_drawn(shipped: KnowledgeGraph) -> None:
    for cid, depth in (("mesa-optimizer", 1), ("inner-alignment", 2), ("evolution", 1)):
        root = ET.fromstring(concept_svg(shipped, cid, depth=depth))
        kinds = {shipped.concepts[n].kind for n in _nodes(root)}
        legend = _legend(root)
        assert set(legend) == kinds
        assert all(legend[k] == k.replace("_", " ") for k in kinds)
        fills = {
            g.get("data-kind"): g.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
            for g in root.iter(f"{SVG}g")
            if g.get("class") in ("node", "legend-item")
        }
        assert fills == {k: KIND_COLOURS[k] for k in kinds}


def test_edges_have_arrowheads_unless_symmetric(shipped: KnowledgeGraph) -> None:
    root = ET.fromstring(concept_svg(shipped, "inner-alignment"))
    seen = set()
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "edge":
            continue
        path = g.find(f"{SVG}path")
        assert path is not None
        rtype = g.get("data-type", "")
        seen.add(RELATION_TYPES[rtype].symmetric)
        assert (path.get("marker-end") is None) == RELATION_TYPES[rtype].symmetric
        label = g.find(f"{SVG}text")
        assert label is not None and label.text == RELATION_LABELS[rtype]
        marker = path.get("marker-end")
        if marker:
            ident = marker.removeprefix("url(#").removesuffix(")")
            assert root.find(f".//{SVG}marker[@id='{ident}']") is not None
    assert seen == {True, False}


def test_unknown_concept_and_bad_bounds_are_refused(good: KnowledgeGraph) -> None:
    with pytest.raises(ConceptNotFound) as info:
        concept_svg(good, "mesa-optimiser-x")
    assert "mesa-optimizer" in info.value.suggestions
    with pytest.raises(InvalidQuery):
        concept_svg(good, "mesa-optimizer", depth=3)
    with pytest.raises(InvalidQuery):
        concept_svg(good, "mesa-optimizer", max_nodes=0)


def test_a_concept_without_relations_is_drawn_alone() -> None:
    g = KnowledgeGraph(
        {},
        {},
        {"lone": Concept(id="lone", label="lone", kind="person", definition="d", citations=CITE)},
        [],
    )
    root = _check_readable(concept_svg(g, "lone", depth=2))
    assert _nodes(root) == ["lone"]
    assert _edges(root) == []
    assert _legend(root) == {"person": "person"}


def test_parallel_relations_are_both_drawn_apart() -> None:
    g = _graph([("a", "produces", "b"), ("b", "part_of", "a"), ("a", "causes", "c")])
    root = _check_readable(concept_svg(g, "a"))
    assert sorted(_edges(root)) == [
        ("a", "causes", "c"),
        ("a", "produces", "b"),
        ("b", "part_of", "a"),
    ]
    paths = []
    for edge in root.iter(f"{SVG}g"):
        path = edge.find(f"{SVG}path")
        if edge.get("class") == "edge" and edge.get("data-target") != "c" and path is not None:
            paths.append(path.get("d"))
    assert len(set(paths)) == 2 and all(p and "Q" in p for p in paths)


# -- how two concepts relate


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("evolution", "mesa-optimizer"),
        ("base-objective", "mesa-objective"),
        ("outer-alignment", "mesa-objective"),
        ("inner-alignment", "outer-alignment"),
    ],
)
def test_relate_svg_draws_x_y_and_every_path_concept_once(
    shipped: KnowledgeGraph, x: str, y: str
) -> None:
    r = relate(shipped, x, y)
    root = _check_readable(relate_svg(shipped, r))
    nodes = _nodes(root)
    on_paths = {s.to_id for p in r.paths[:3] for s in p.steps[:-1]}
    assert on_paths and len(nodes) == len(set(nodes))
    assert set(nodes) == {x, y} | on_paths
    assert _text(root, "title") == f"How {r.x.label} relates to {r.y.label}"
    wanted = {(rel.source, rel.type, rel.target) for rel in r.direct}
    wanted |= {
        (s.relation.source, s.relation.type, s.relation.target)
        for p in r.paths[:3]
        for s in p.steps
    }
    assert sorted(_edges(root)) == sorted(wanted)
    desc = _text(root, "desc")
    for p in r.paths[:3]:
        for s in p.steps:
            assert sentence(shipped, s.relation, s.forward) in desc
    for rel in r.direct:
        assert sentence(shipped, rel, rel.source == x) in desc
    # x on the left, y on the right, both emphasised
    boxes = _boxes(root, "node")
    centres = {n: (b[0] + b[2]) / 2 for n, b in boxes.items()}
    assert all(centres[x] < centres[n] < centres[y] for n in on_paths)
    strokes = {
        g.get("data-id"): float(g.find(f"{SVG}rect").get("stroke-width", 1))  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "node"
    }
    assert min(strokes[x], strokes[y]) > max(strokes[n] for n in on_paths)


def test_relate_svg_respects_max_paths(shipped: KnowledgeGraph) -> None:
    r = relate(shipped, "evolution", "mesa-optimizer")
    assert len(r.paths) > 2
    assert sorted(_nodes(ET.fromstring(relate_svg(shipped, r, max_paths=0)))) == [
        "evolution",
        "mesa-optimizer",
    ]
    one = _nodes(ET.fromstring(relate_svg(shipped, r, max_paths=1)))
    assert set(one) == {"evolution", "mesa-optimizer"} | {s.to_id for s in r.paths[0].steps}
    with pytest.raises(InvalidQuery):
        relate_svg(shipped, r, max_paths=-1)


def test_relate_svg_of_unconnected_concepts() -> None:
    g = _graph([("a", "is_a", "b"), ("c", "is_a", "d")])
    root = _check_readable(relate_svg(g, relate(g, "a", "d")))
    assert _nodes(root) == ["a", "d"]
    assert _edges(root) == []
    assert "no connection" in _text(root, "desc")


def test_every_sampled_relate_picture_is_readable(shipped: KnowledgeGraph) -> None:
    ids = sorted(shipped.concepts)
    for i, x in enumerate(ids[::5]):
        y = ids[(i * 7 + 3) % len(ids)]
        if x != y:
            _check_readable(relate_svg(shipped, relate(shipped, x, y), max_paths=5))


# -- safety, links, ids


def test_labels_and_links_are_escaped() -> None:
    labels = {"a": "Q&A <script>alert(1)</script>", "b": "say \"hi\" & 'bye' >"}
    g = _graph([("a", "causes", "b")], labels=labels)
    for svg in (
        concept_svg(g, "a", href=lambda c: f"/c?id={c}&x=<1>"),
        relate_svg(g, relate(g, "a", "b"), href=lambda c: f"/c?id={c}&x=<1>"),
    ):
        assert "<script" not in svg and "& " not in svg
        root = ET.fromstring(svg)
        assert labels["a"] in _text(root, "title")
        texts = sorted(
            " ".join(t.text or "" for t in g_.iter(f"{SVG}tspan"))
            for g_ in root.iter(f"{SVG}g")
            if g_.get("class") == "node"
        )
        assert texts == sorted(" ".join(wrap_label(v)) for v in labels.values())
        links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
        assert set(links) == {"/c?id=a&x=<1>", "/c?id=b&x=<1>"}
        for url, a in links.items():
            assert a.get(f"{XLINK}href") == url
            (node,) = list(a)
            assert node.get("class") == "node" and url == f"/c?id={node.get('data-id')}&x=<1>"


def test_control_characters_do_not_break_the_xml() -> None:
    g = _graph([("a", "causes", "b")], labels={"a": "bell\x07 and\x00 null"})
    root = ET.fromstring(concept_svg(g, "a"))
    assert "bell and null" in _text(root, "title")


def test_ids_are_unique_across_pictures_of_one_page(shipped: KnowledgeGraph) -> None:
    svgs = [
        concept_svg(shipped, "mesa-optimizer"),
        concept_svg(shipped, "evolution"),
        concept_svg(shipped, "evolution", depth=2),
        relate_svg(shipped, relate(shipped, "evolution", "mesa-optimizer")),
    ]
    seen: set[str] = set()
    for svg in svgs:
        ids = {el.get("id", "") for el in ET.fromstring(svg).iter() if el.get("id")}
        assert not ids & seen
        seen |= ids


def test_output_is_deterministic(shipped: KnowledgeGraph) -> None:
    assert concept_svg(shipped, "inner-alignment", depth=2) == concept_svg(
        shipped, "inner-alignment", depth=2
    )
    r = relate(shipped, "outer-alignment", "mesa-objective")
    assert relate_svg(shipped, r) == relate_svg(shipped, r)


# -- the building blocks


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_kind_colours_cover_every_kind_and_keep_labels_readable() -> None:
    assert set(KIND_COLOURS) == set(KINDS)
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    text = _luminance(TEXT_COLOUR)
    for colour in KIND_COLOURS.values():
        assert (_luminance(colour) + 0.05) / (text + 0.05) >= 4.5


def test_every_relation_type_has_a_short_label() -> None:
    assert set(RELATION_LABELS) == set(RELATION_TYPES)
    assert RELATION_LABELS["is_a"] == "is a kind of"
    assert RELATION_LABELS["mitigates"] == "helps against"


@pytest.mark.parametrize(
    "label",
    [
        "humans",
        "pleasure and the avoidance of pain",
        "difference between training and deployment",
        "Risks from Learned Optimization in Advanced Machine Learning Systems",
        "x" * 70,
        "a-very-long-hyphenated-name-x",
    ],
)
def test_labels_wrap_onto_at_most_two_lines(label: str) -> None:
    lines = wrap_label(label)
    assert 1 <= len(lines) <= 2
    assert all(len(line) <= MAX_LINE for line in lines)
    if len(label) <= 18:
        assert lines == [label]
    joined = " ".join(lines)
    if "\u2026" not in joined:
        assert joined.replace("- ", "-") == label or "".join(lines) == label
