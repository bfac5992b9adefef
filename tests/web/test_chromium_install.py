"""The browser tests' own Chromium install takes turns: of several test workers that find
Chromium missing at once, one installs it and the others wait and find it there (a CI
run lost ten browser tests when a second worker's apt-get failed on dpkg's lock)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.web import conftest


def test_workers_that_need_chromium_at_once_install_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = tmp_path / "chromium"
    installs: list[float] = []

    def install() -> str | None:  # stands in for apt-get, which only one may run
        installs.append(time.monotonic())
        time.sleep(0.3)
        browser.write_text("#!/bin/sh\n")
        return None

    monkeypatch.setattr(conftest, "CHROMIUM", browser)
    monkeypatch.setattr(conftest, "_apt_install_chromium", install)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))

    results: list[str | None] = []
    workers = [
        threading.Thread(target=lambda: results.append(conftest._install_chromium()))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)
    assert results == [None, None, None]
    assert len(installs) == 1  # the others waited on the lock and found it installed
    assert browser.exists()
