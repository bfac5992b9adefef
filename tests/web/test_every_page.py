"""Every page a reader or a curator sees, at a desktop's and a phone's width: each is
checked with axe-core (no serious or critical accessibility violation) and kept as a
screenshot, ``NAME-WIDTH.png`` in the screenshots folder. The server has a store, so
the workbench's pages are there too; the reader's pages are seen signed out, the
workbench's signed in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.web.conftest import WAIT, Served, sign_in

pytestmark = pytest.mark.slow

READER_PAGES = [
    ("home", "/"),
    ("concept", "/concepts/mesa-optimizer"),
    ("hierarchy", "/hierarchy"),
    ("letter", "/browse/letters/m"),
    ("kind", "/browse/kinds/example"),
    ("relate", "/relate?x=evolution&y=mesa-optimizer"),
    ("ask", "/ask?q=What+is+the+difference+between+inner+and+outer+alignment"),
    ("source", "/sources/what-is-inner-alignment"),
    ("search", "/search?q=align"),
    ("error", "/concepts/no-such-thing"),
    ("docs", "/docs"),
]
CURATOR_PAGES = [
    ("signin", "/signin"),
    ("edit", "/concepts/evolution/edit"),
    ("new-concept", "/new-concept"),
    ("history", "/concepts/evolution/history"),
    ("changes", "/changes"),
]
SERIOUS = {"serious", "critical"}
"""The impacts axe-core grades that fail a page."""

AXE = Axe()


def violations(page: Any) -> list[str]:
    """The serious and critical accessibility violations axe-core finds on the page, each
    with the elements it found them on."""
    found = AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.fixture(params=[1280, 390])
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def seen(browser: Any, width: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT)
    yield pg
    context.close()


def look(page: Any, url: str, shots: Path, name: str, width: int) -> list[str]:
    """Open ``url``, keep its screenshot and return what axe-core finds wrong."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1, h2").first).to_be_visible()
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    return [f"{name}: {v}" for v in violations(page)]


def test_every_page_is_accessible_and_kept_as_a_screenshot(
    seen: Any, served: Served, shots: Path, width: int
) -> None:
    found: list[str] = []
    for name, path in READER_PAGES:
        found += look(seen, served.base + path, shots, name, width)
    found += look(seen, served.base + "/signin", shots, "signin-signed-out", width)
    sign_in(seen, served, "evolution")
    for name, path in CURATOR_PAGES:
        found += look(seen, served.base + path, shots, name, width)
    assert not found, "\n".join(found)
