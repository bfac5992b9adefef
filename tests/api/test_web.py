"""The web pages and pictures, over the app (no browser)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from api.render import source_markdown
from kg.graph import KnowledgeGraph
from kg.paths import relate

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SVG_NS = "{http://www.w3.org/2000/svg}"


class _Page(HTMLParser):
    """Collects links, ids, images/svgs and the text of a page; checks tags balance."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.labels_for: set[str] = set()
        self.inputs: list[dict[str, str | None]] = []
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg":
            self.in_svg += 1
        if tag not in self.VOID and not (
            self.in_svg and tag in {"rect", "path", "line", "circle", "polygon"}
        ):
            self.stack.append(tag)
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "label" and a.get("for"):
            self.labels_for.add(str(a["for"]))
        if tag == "input":
            self.inputs.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg -= 1
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def get_page(client: TestClient, url: str, status: int = 200) -> _Page:
    r = client.get(url, follow_redirects=False)
    assert r.status_code == status, (url, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    page = parse(r.text)
    assert len(page.ids) == len(set(page.ids)), "ids are unique"
    for inp in page.inputs:
        if inp.get("type") not in ("hidden", "submit"):
            assert inp.get("id") in page.labels_for, f"input {inp} has a label"
    return page


def test_home_lists_every_concept_by_kind(live: TestClient, shipped: KnowledgeGraph) -> None:
    page = get_page(live, "/")
    hrefs = set(page.links)
    for cid in shipped.concepts:
        assert f"/concepts/{cid}" in hrefs
    kinds = {c.kind for c in shipped.concepts.values()}
    assert {f"kind-{k}" for k in kinds} <= set(page.ids)


def test_every_concept_page_renders(live: TestClient, shipped: KnowledgeGraph) -> None:
    for cid, concept in shipped.concepts.items():
        r = live.get(f"/concepts/{cid}")
        assert r.status_code == 200, cid
        page = parse(r.text)
        text = "".join(page.text)
        assert concept.label in text
        # every neighbour is linked, and every citation is listed with a link into its source
        for rel in shipped.relations_of(cid):
            other = rel.target if rel.source == cid else rel.source
            assert f"/concepts/{other}" in page.links, (cid, other)
        listed = [
            (m.group(1), int(m.group(2)), int(m.group(3)))
            for link in page.links
            if (m := re.fullmatch(r"/sources/([\w-]+)#q-(\d+)-(\d+)", link))
        ]
        for c in concept.citations:
            # listed itself, or inside a longer passage the page lists (one footnote for both)
            assert any(sid == c.source and a <= c.start and c.end <= b for sid, a, b in listed), (
                cid,
                c.quote,
            )


def test_concept_page_content(live: TestClient, shipped: KnowledgeGraph) -> None:
    r = live.get("/concepts/mesa-optimizer")
    html = r.text
    assert "<h1>mesa-optimizer</h1>" in html
    # the picture has a text alternative, and its concepts are links a screen reader reaches
    assert 'role="group" aria-labelledby="' in html and "<title" in html
    assert re.search(r'<g class="node"[^>]*data-id="mesa-objective"', html)
    assert (
        'The mesa-optimizer pursues <a href="/concepts/mesa-objective">the mesa-objective'
        "</a>" in html
    )
    # each relation says why it holds, cited like the sentence it explains
    rel = next(
        r
        for r in shipped.relations_between("mesa-optimizer", "mesa-objective")
        if r.type == "has_objective"
    )
    assert rel.note is not None
    first = html.index('<span class="note">', html.index('href="/concepts/mesa-objective">'))
    assert html[first : first + 200].startswith(f'<span class="note">{rel.note.split(".")[0]}')
    # how people describe it without its name, each description escaped, in order
    described = shipped.concepts["mesa-optimizer"].described_as
    assert described
    items = re.findall(r"<li>([^<]*)</li>", html[html.index('id="described-heading"') :])
    assert [unescape(i) for i in items[: len(described)]] == list(described)


def test_label_redirects_and_unknown_is_a_404_page(live: TestClient) -> None:
    r = live.get("/concepts/mesa optimiser", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/concepts/mesa-optimizer"
    page = get_page(live, "/concepts/mesa-optimzr", 404)
    assert "/concepts/mesa-optimizer" in page.links


def test_search_without_javascript(live: TestClient) -> None:
    r = live.get("/search?q=natural selection", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/concepts/evolution"
    page = get_page(live, "/search?q=mesa")
    assert {"/concepts/mesa-optimizer", "/concepts/mesa-objective"} <= set(page.links)
    assert "No concept matches" in "".join(get_page(live, "/search?q=zzzzqqq").text)


def test_relate_page(live: TestClient, shipped: KnowledgeGraph) -> None:
    page = get_page(live, "/relate?x=evolution&y=mesa-optimizer")
    text = "".join(page.text)
    assert "Evolution" in text and "mesa-optimizer" in text
    r = relate(shipped, "evolution", "mesa-optimizer")
    html = live.get("/relate?x=evolution&y=mesa-optimizer").text
    drawn = set(re.findall(r'<g class="node"[^>]*data-id="([^"]+)"', html))
    assert {"evolution", "mesa-optimizer"} <= drawn
    assert {s.to_id for s in r.paths[0].steps} <= drawn
    empty = get_page(live, "/relate")
    assert "rel-x" in empty.labels_for and "rel-y" in empty.labels_for


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("x=evolutoin&y=mesa-optimizer", 200, None),
        ("x=nothing-like-this&y=mesa-optimizer", 404, "No concept matches"),
        ("x=evolution&y=natural selection", 400, "both name"),
    ],
)
def test_relate_page_errors(live: TestClient, query: str, status: int, says: str | None) -> None:
    r = live.get(f"/relate?{query}")
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    if says:
        assert says in r.text and 'role="alert"' in r.text


def test_ask_page(live: TestClient) -> None:
    page = get_page(live, "/ask?q=whats the difference between inner and outer alignment")
    text = "".join(page.text)
    assert "difference" in text and "Inner alignment" in text
    assert any(link.startswith("/sources/") for link in page.links)
    get_page(live, "/ask")
    unknown = live.get("/ask?q=what is the alignment tax").text
    assert "no entry for \u201calignment tax\u201d" in unknown
    # the suggested questions are offered once, as links
    assert unknown.count("What is the alignment problem?") == 1
    assert '<a href="/ask?q=What%20is%20the%20alignment%20problem%3F">' in unknown


def test_source_page_highlights_every_quote(live: TestClient, shipped: KnowledgeGraph) -> None:
    sid = "what-is-inner-alignment"
    html = live.get(f"/sources/{sid}").text
    spans = {
        (c.start, c.end)
        for concept in shipped.concepts.values()
        for c in concept.citations
        if c.source == sid
    }
    spans |= {
        (c.start, c.end) for rel in shipped.relations for c in rel.citations if c.source == sid
    }
    anchors = set(re.findall(r'id="q-(\d+)-(\d+)"', html))
    assert {(str(a), str(b)) for a, b in spans} == anchors
    assert html.count("<mark>") >= 1
    # the text between tags is the source's markdown rendered, as it reads without marks
    plain = re.sub(
        r"<sup class=\"cited-by\">.*?</sup>",
        "",
        html.split('<div class="source-text">')[1].split("</div>")[0],
    )
    rendered = source_markdown(shipped.source_text(sid))

    def text(h: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", "", h)).split())

    assert text(plain) == text(rendered)
    get_page(live, "/sources")
    get_page(live, "/sources/risks-from-learned-optimization")
    get_page(live, "/sources/no-such-source", 404)


def test_browser_asking_for_a_concept_iri_lands_on_its_page(live: TestClient) -> None:
    r = live.get(
        "/alignment-kg/concept/mesa-optimizer", headers={"accept": BROWSER}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/concepts/mesa-optimizer"
    r = live.get(
        "/alignment-kg/concept/mesa-optimizer",
        headers={"accept": "text/turtle"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/v1/concepts/mesa-optimizer"
    r = live.get(
        "/alignment-kg/source/what-is-inner-alignment",
        headers={"accept": BROWSER},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/sources/what-is-inner-alignment"


def test_svg_endpoints(live: TestClient, shipped: KnowledgeGraph) -> None:
    r = live.get("/v1/concepts/mesa-optimizer/graph.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    ids = {g.get("data-id") for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"}
    neighbours = {
        rel.target if rel.source == "mesa-optimizer" else rel.source
        for rel in shipped.relations_of("mesa-optimizer")
    }
    assert ids == {"mesa-optimizer"} | neighbours
    r = live.get("/v1/relate.svg?x=evolution&y=mesa-optimizer")
    assert r.status_code == 200
    ET.fromstring(r.text)
    for url, status in [
        ("/v1/concepts/nope/graph.svg", 404),
        ("/v1/concepts/mesa-optimizer/graph.svg?depth=3", 422),
        ("/v1/relate.svg?x=evolution", 422),
        ("/v1/relate.svg?x=evolution&y=nope-nope", 404),
    ]:
        r = live.get(url)
        assert (
            r.status_code == status and r.headers["content-type"] == "application/problem+json"
        ), url


def test_static_assets_are_served(live: TestClient) -> None:
    assert live.get("/static/site.css").status_code == 200
    js = live.get("/static/autocomplete.js")
    assert js.status_code == 200 and "combobox" in js.text


@pytest.mark.parametrize(
    ("query", "status"),
    [("start=10&end=5", 400), ("start=0&end=99999999", 400), ("start=-1&end=5", 422)],
)
def test_a_bad_passage_of_a_source_page_is_an_error_page(
    live: TestClient, shipped: KnowledgeGraph, query: str, status: int
) -> None:
    sid = next(iter(shipped.sources))
    r = live.get(f"/sources/{sid}?{query}")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
