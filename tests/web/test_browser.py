"""Drive the pages in Chromium the way a reader does, and keep screenshots of each."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def _node_ids(page: Any, where: str) -> set[str]:
    return set(page.locator(f"{where} g.node").evaluate_all(
        "nodes => nodes.map(n => n.dataset.id)"))


def test_search_pick_a_suggestion_and_follow_a_relation(page: Any, live_server: str,
                                                         shots: Path) -> None:
    page.goto(live_server + "/")
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    box = page.get_by_label("Look up a term")
    box.press_sequentially("mesa opt", delay=40)
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    assert any(t.startswith("mesa-optimizer") for t in labels), labels
    page.screenshot(path=str(shots / "autocomplete.png"))
    # with the keyboard: down to the mesa-optimizer suggestion, then Enter
    target = next(i for i, t in enumerate(labels) if t.startswith("mesa-optimizer"))
    for _ in range(target + 1):
        box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-\d+$"))
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
    listed = set(page.locator("figcaption a[data-id]").evaluate_all(
        "links => links.map(a => a.dataset.id)"))
    assert listed == drawn
    labels = page.locator("figure svg g.edge text").evaluate_all(
        "texts => texts.map(t => t.textContent)")
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
    for name, path in [("ask", "/ask?q=What+is+the+difference+between+inner+and+outer+alignment"),
                       ("ask-unknown", "/ask?q=what+is+the+alignment+tax"),
                       ("search", "/search?q=align"),
                       ("sources", "/sources"),
                       ("concept-depth2", "/concepts/inner-alignment?depth=2"),
                       ("not-found", "/concepts/no-such-thing"),
                       ("relate-error", "/relate?x=evolution&y=zzzz")]:
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
