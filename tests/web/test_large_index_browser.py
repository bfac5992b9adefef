"""A large glossary in Chromium: the front page's letters and kinds lead, page by page,
to every concept; screenshots of each listing are kept."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from bench.generate import generate
from bench.http import free_port, server
from kg.browse import FULL_INDEX_MAX, PAGE_SIZE

pytestmark = pytest.mark.slow

CONCEPTS = FULL_INDEX_MAX + 400


@pytest.fixture(scope="module")
def large_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = generate(tmp_path_factory.mktemp("large") / "data", CONCEPTS, CONCEPTS * 3, seed=4)
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "serve", "--data", str(data)]
    command += ["--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}
    with server(command, port, env, wait=120) as base:
        yield base


def test_a_reader_pages_through_a_letter_and_a_kind(
    page: Any, large_server: str, shots: Path
) -> None:
    page.goto(large_server + "/")
    letters = page.get_by_role("navigation", name="Letters").get_by_role("link")
    assert letters.count() >= 10
    page.screenshot(path=str(shots / "home-large.png"), full_page=True)

    letter = letters.first.inner_text().split()[0]
    letters.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"A–Z: {letter}")
    expect(page.locator("dl.glossary dt")).not_to_have_count(0)
    page.screenshot(path=str(shots / "letter.png"), full_page=True)

    page.goto(large_server + "/")
    page.locator("p.more a").first.click()
    first = page.locator("dl.glossary dt a").all_inner_texts()
    assert len(first) == PAGE_SIZE
    page.locator("nav.pager a[rel=next]").first.click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?page=2")
    second = page.locator("dl.glossary dt a").all_inner_texts()
    assert second and not set(first) & set(second)
    page.screenshot(path=str(shots / "kind-page-2.png"), full_page=True)
    page.locator("nav.pager a[rel=prev]").first.click()
    assert page.locator("dl.glossary dt a").all_inner_texts() == first

    page.goto(large_server + "/hierarchy")
    expect(page.locator("ul.tops li")).not_to_have_count(0)
    page.screenshot(path=str(shots / "hierarchy-large.png"), full_page=True)


def test_large_listings_read_on_a_phone(page: Any, large_server: str, shots: Path) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    for name, path in [("home-large-phone", "/"), ("kind-phone", "/browse/kinds/example")]:
        page.goto(large_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways ({width}px)"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
