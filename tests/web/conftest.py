"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium comes from Debian (``apt-get install chromium``); when it is missing, the first
browser test installs it if it can (root with apt-get). Where it cannot, the browser
tests are skipped with the reason, unless ``KG_REQUIRE_BROWSER`` is set (CI sets it),
which makes that a failure. Screenshots of every page are written to
``test-artifacts/screenshots/`` (or ``$KG_TEST_ARTIFACTS/screenshots``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bench.http import free_port, server
from kg.edit import record_of
from kg.store import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _install_chromium() -> str | None:
    """Install Debian's Chromium; returns why it could not, or None. The test workers
    (pytest-xdist) each start a session: they take turns through a lock file, so that
    the second finds Chromium installed instead of failing on dpkg's lock, and apt-get
    waits for any other holder of that lock (``DPkg::Lock::Timeout``)."""
    if not shutil.which("apt-get"):
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing it needs root"
    with open(Path(tempfile.gettempdir()) / "alignment-kg-chromium.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return None if CHROMIUM.exists() else _apt_install_chromium()


def _apt_install_chromium() -> str | None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in range(2):
        done = subprocess.run(
            ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "chromium"],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode == 0 and CHROMIUM.exists():
            return None
        if attempt == 0:  # the package lists may be missing on a fresh machine
            subprocess.run(
                ["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600, check=False
            )
    return f"apt-get install chromium failed: {done.stderr.strip()[-300:]}"


@pytest.fixture(scope="session")
def chromium() -> str:
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why:
            message = f"browser tests need Chromium at {CHROMIUM}: {why}"
            if os.environ.get("KG_REQUIRE_BROWSER"):
                pytest.fail(message)  # CI sets this: there, a skip would hide a failure
            pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    base = Path(os.environ.get("KG_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    folder = base / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(WAIT)  # generous: a busy two-core machine runs these
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # a page may itself be a 404 on purpose; its scripts, styles and fetches may not fail
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    yield pg
    context.close()
    assert not errors, f"the page logged errors: {errors}"


DATA = ROOT / "data"
WAIT = 60_000
"""Milliseconds a step may take on a busy machine before it fails."""


class Served:
    def __init__(self, base: str, store: Path, token: str) -> None:
        self.base, self.store, self.token = base, store, token

    def file(self, cid: str) -> dict[str, Any]:
        store = SqliteStore(self.store)
        try:
            found = store.read(f"concepts/{cid}.yaml")
        finally:
            store.close()
        assert found is not None
        return record_of(found[0])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    path = tmp_path_factory.mktemp("workbench") / "kg.sqlite3"
    store = SqliteStore.create(path, DATA)
    _, token = store.create_token("curator", ("concepts:write", "relations:write"))
    store.close()
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "serve", "--store", str(path)]
    command += ["--data", str(DATA), "--port", str(port), "--log-level", "warning"]
    with server(command, port, dict(os.environ), wait=60) as base:
        yield Served(base, path, token)


def at_path(path: str) -> Callable[[str], bool]:
    """A URL test for ``wait_for_url``: the page's path is ``path``. (A glob such as
    ``**/concepts/x/edit`` also matches the sign-in page ``/signin?next=/concepts/x/edit``,
    so it would not wait for the redirect at all.)"""
    return lambda url: urlsplit(url).path == path


def sign_in(page: Any, served: Served, cid: str) -> None:
    page.goto(f"{served.base}/concepts/{cid}")
    page.get_by_role("link", name="Sign in to edit").click()
    page.get_by_label("Token").fill(served.token)
    page.get_by_label("Token").press("Enter")  # the keyboard is enough
    page.wait_for_url(at_path(f"/concepts/{cid}/edit"), timeout=WAIT)
