"""Drive the pages in Chromium the way a reader does, and keep screenshots of each."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def _node_ids(page: Any, where: str) -> set[str]:
    return set(
        page.locator(f"{where} g.node").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    )


def test_search_pick_a_suggestion_and_follow_a_relation(
    page: Any, live_server: str, shots: Path
) -> None:
    page.goto(live_server + "/")
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    box = page.get_by_label("Look up a term")
    box.press_sequentially("mesa opt", delay=40)
    options = page.get_by_role("option")
    expect(page.get_by_role("option", name=re.compile(r"^mesa-optimizer"))).to_be_visible()
    # the list for the last keystroke, not one a slower earlier request left showing:
    # on a busy machine the suggestions for "mesa op" can arrive after the labels are read
    page.wait_for_load_state("networkidle")
    labels = options.all_inner_texts()
    assert any(t.startswith("mesa-optimizer") for t in labels), labels
    page.screenshot(path=str(shots / "autocomplete.png"))
    # with the keyboard: down until the mesa-optimizer suggestion is the active one (its
    # id in aria-activedescendant), then Enter. Read after each key rather than counted
    # from the labels: on a busy machine a late answer for a shorter prefix can redraw
    # the list between reading it and pressing the keys (the picked suggestion stays
    # picked across a redraw, so the walk still ends on it)
    for _ in range(len(labels) + 2):
        box.press("ArrowDown")
        active = box.get_attribute("aria-activedescendant")
        if active and page.locator(f"#{active}").inner_text().startswith("mesa-optimizer"):
            break
    else:
        raise AssertionError(f"no mesa-optimizer suggestion became active among {labels}")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/concepts/mesa-optimizer$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("mesa-optimizer")
    assert "mesa-objective" in _node_ids(page, "figure")
    page.screenshot(path=str(shots / "concept.png"), full_page=True)
    page.locator("ul.relations a[href='/concepts/mesa-objective']").first.click()
    page.wait_for_url(re.compile(r"/concepts/mesa-objective$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("mesa-objective")


def test_relate_and_check_the_diagram(page: Any, live_server: str, shots: Path) -> None:
    page.goto(live_server + "/relate")
    x = page.get_by_label("First concept")
    x.press_sequentially("evolu", delay=40)
    page.get_by_role("option", name=re.compile(r"^evolution")).click()
    expect(x).to_have_value("evolution")
    page.get_by_label("Second concept").fill("mesa-optimizer")
    page.get_by_role("button", name="Relate").click()
    page.wait_for_url(re.compile(r"/relate\?x=evolution&y=mesa-optimizer"))
    expect(page.locator("figure svg")).to_be_visible()
    with urllib.request.urlopen(f"{live_server}/v1/relate?x=evolution&y=mesa-optimizer") as r:
        expected = json.load(r)
    drawn = _node_ids(page, "figure")

    def nodes(path: dict[str, Any]) -> set[str]:
        return {s[k]["id"] for s in path["steps"] for k in ("source", "target")}

    # the best path is drawn, and nothing that is on no path
    assert {"evolution", "mesa-optimizer"} | nodes(expected["paths"][0]) <= drawn
    assert drawn <= set().union(*(nodes(p) for p in expected["paths"]))
    # every drawn concept is also a link in the text for readers who cannot see the picture
    listed = set(
        page.locator("figcaption a[data-id]").evaluate_all("links => links.map(a => a.dataset.id)")
    )
    assert listed == drawn
    labels = page.locator("figure svg g.edge text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert any("produces" in t for t in labels), labels
    page.screenshot(path=str(shots / "relate.png"), full_page=True)


def test_source_page_links_quotes_to_concepts(page: Any, live_server: str, shots: Path) -> None:
    page.goto(live_server + "/sources/what-is-inner-alignment")
    marks = page.locator(".source-text mark")
    assert marks.count() > 5
    page.screenshot(path=str(shots / "source.png"), full_page=True)
    link = page.locator(".source-text sup.cited-by a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(href or "") + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_every_other_page_for_screenshots(page: Any, live_server: str, shots: Path) -> None:
    for name, path in [
        ("ask", "/ask?q=What+is+the+difference+between+inner+and+outer+alignment"),
        ("ask-unknown", "/ask?q=what+is+the+alignment+tax"),
        ("search", "/search?q=align"),
        ("sources", "/sources"),
        ("concept-depth2", "/concepts/inner-alignment?depth=2"),
        ("not-found", "/concepts/no-such-thing"),
        ("relate-error", "/relate?x=evolution&y=zzzz"),
    ]:
        page.goto(live_server + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_concept_iri_in_a_browser_lands_on_the_page(page: Any, live_server: str) -> None:
    page.goto(live_server + "/alignment-kg/concept/deceptive-alignment")
    assert page.url.endswith("/concepts/deceptive-alignment")
    expect(page.get_by_role("heading", level=1)).to_have_text("deceptive alignment")


def test_keyboard_only_reader_reaches_search_first(page: Any, live_server: str) -> None:
    page.goto(live_server + "/concepts/evolution")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused


def _csp_reports(page: Any) -> list[str]:
    """Every Content-Security-Policy violation the page reports, as they come."""
    found: list[str] = []
    page.on(
        "console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None
    )
    return found


def test_pages_and_docs_run_under_their_policy(page: Any, live_server: str, shots: Path) -> None:
    violations = _csp_reports(page)
    page.goto(live_server + "/concepts/mesa-optimizer")
    expect(page.get_by_role("heading", level=1)).to_have_text("mesa-optimizer")
    expect(page.locator("figure svg g.node").first).to_be_visible()
    expect(page.locator("p.kind svg.swatch")).to_be_visible()  # the kind's colour
    # the page's one script runs: the search field suggests concepts
    page.get_by_label("Search the glossary").press_sequentially("inner", delay=40)
    expect(page.get_by_role("option").first).to_be_visible()
    # /docs: Swagger UI renders from this server's files and calls the API from the page
    page.goto(live_server + "/docs")
    operation = page.locator("#operations-search-search_v1_search_get")
    expect(operation).to_be_visible()
    operation.locator("button.opblock-summary-control").click()  # open the operation
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder=q]").fill("mesa")
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_have_text("200")
    page.screenshot(path=str(shots / "docs.png"))
    assert not violations, violations


def test_redoc_renders_and_fetches_nothing_from_outside(
    browser: Any, live_server: str, shots: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = _csp_reports(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    page.on(
        "requestfinished",
        lambda r: (
            outside.append(r.url) if not r.url.startswith((live_server, "blob:", "data:")) else None
        ),
    )
    page.goto(live_server + "/redoc")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alignment knowledge graph")
    expect(page.get_by_text("/v1/relate").first).to_be_attached()
    page.screenshot(path=str(shots / "redoc.png"))
    context.close()
    assert not errors and not outside, (errors, outside)
    # ReDoc's sidebar asks for its maker's logo from a CDN; the policy refuses it, and
    # that is the only thing it refuses
    assert all("img-src" in v and "cdn.redoc.ly" in v for v in violations), violations


_MARKERS_APART = """() => [...document.querySelectorAll('sup.fn')].filter(sup => {
  const before = sup.previousSibling;
  let box;
  if (before && before.nodeType === Node.TEXT_NODE) {
    const text = before.textContent.replace(/\\u2060+$/, '');
    if (!text.trim()) return false;
    const range = document.createRange();
    range.setStart(before, text.length - 1);
    range.setEnd(before, text.length);
    box = range.getBoundingClientRect();
  } else if (before && before.nodeType === Node.ELEMENT_NODE) {
    const rects = before.getClientRects();
    box = rects[rects.length - 1];
  } else return false;
  const own = sup.getBoundingClientRect();
  return !(own.top < box.bottom && own.bottom > box.top);  // not on the same line
}).map(sup => sup.textContent)"""


def test_footnote_markers_stay_on_their_words_line_on_a_phone(
    page: Any, live_server: str, shots: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    for name, path in [
        ("ask-390", "/ask?q=What+is+the+difference+between+inner+and+outer+alignment"),
        ("concept-390", "/concepts/inner-alignment"),
    ]:
        page.goto(live_server + path)
        assert page.locator("sup.fn").count() > 5
        assert page.evaluate(_MARKERS_APART) == [], path
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


_TOGGLES_APART = """() => [...document.querySelectorAll("ul.tree li.branch")].filter(li => {
  const link = li.querySelector(":scope > a").getBoundingClientRect();
  const toggle = li.querySelector(":scope > details > summary").getBoundingClientRect();
  return !(toggle.top < link.bottom && toggle.bottom > link.top);  // not on the same line
}).map(li => li.querySelector(":scope > a").textContent)"""


def test_the_hierarchy_toggles_sit_on_their_concepts_line(
    page: Any, live_server: str, shots: Path
) -> None:
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(live_server + "/hierarchy")
    assert page.locator("ul.tree li.branch").count() > 10
    assert page.evaluate(_TOGGLES_APART) == []
    # a closed branch opens by its toggle, its narrower concepts below
    closed = page.locator("ul.tree details:not([open])").first.element_handle()
    assert closed is not None
    summary = closed.query_selector(":scope > summary")
    assert summary is not None
    summary.click()
    assert closed.get_attribute("open") is not None
    inside = closed.query_selector(":scope > ul > li > a")
    assert inside is not None and inside.is_visible()
    assert page.evaluate(_TOGGLES_APART) == []
    page.screenshot(path=str(shots / "hierarchy-open.png"), full_page=True)


def test_no_page_scrolls_sideways_on_a_phone(page: Any, live_server: str, shots: Path) -> None:
    """On a small phone (360 px) the menu wraps rather than pushing its last link off the
    screen."""
    page.set_viewport_size({"width": 360, "height": 800})
    for name, path in [
        ("home-360", "/"),
        ("hierarchy-360", "/hierarchy"),
        ("concept-360", "/concepts/deceptive-alignment"),
    ]:
        page.goto(live_server + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
        # every menu link wholly on the screen, the last one too
        width = page.evaluate("document.documentElement.clientWidth")
        for box in page.locator("header.site nav a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect().right)"
        ):
            assert box <= width, (path, box, width)
        page.screenshot(path=str(shots / f"{name}.png"))


_SMALLEST_LABEL = """figure => {
  const svg = figure.querySelector("svg");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll("text")].map(
    t => parseFloat(t.getAttribute("font-size")) * scale));
}"""


def test_diagrams_on_a_phone_keep_their_labels_readable_and_pan_and_zoom(
    page: Any, live_server: str, shots: Path
) -> None:
    """At 390 px a diagram is not shrunk to the screen: its smallest label stays at 11
    CSS px or more, the figure scrolls to pan (the page itself does not scroll
    sideways), and the zoom buttons scale it; the SVG keeps its title and description."""
    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in [
        ("relate-390", "/relate?x=evolution&y=mesa-optimizer"),
        ("concept-depth2-390", "/concepts/mesa-optimizer?depth=2"),
    ]:
        page.goto(live_server + path)
        figure = page.locator("figure.diagram").first
        assert figure.evaluate(_SMALLEST_LABEL) >= 11, path
        assert figure.evaluate("f => f.scrollWidth > f.clientWidth"), path  # pans
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (path, overflow)
        assert figure.locator("svg > title").count() == 1
        assert figure.locator("svg > desc").count() == 1
        width = figure.evaluate("f => f.querySelector('svg').getBoundingClientRect().width")
        page.get_by_role("button", name="Zoom out").first.click()
        smaller = figure.evaluate("f => f.querySelector('svg').getBoundingClientRect().width")
        assert smaller < width, path
        page.get_by_role("button", name="Zoom in").first.click()
        page.get_by_role("button", name="Zoom in").first.click()
        assert figure.evaluate(_SMALLEST_LABEL) > 11, path
        page.get_by_role("button", name="Show at actual size").first.click()
        after = figure.evaluate("f => f.querySelector('svg').getBoundingClientRect().width")
        assert abs(after - width) < 1, path
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    # on a wide screen the diagram still fits the column
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/concepts/mesa-optimizer?depth=2")
    figure = page.locator("figure.diagram").first
    assert not figure.evaluate("f => f.scrollWidth > f.clientWidth + 1")
