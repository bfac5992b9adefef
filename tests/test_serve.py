"""`kg serve` starts a real server on 127.0.0.1 and the test stops it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import free_port


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_serves_the_bundled_data(live_server: str) -> None:
    status, body = _get(live_server + "/v1/health")
    assert status == 200 and body["status"] == "ok" and int(body["concepts"]) >= 45  # type: ignore[call-overload]


def test_relate_over_http(live_server: str) -> None:
    status, body = _get(live_server + "/v1/relate?x=deceptive%20alignment&y=inner%20alignment")
    assert status == 200
    assert any(s["type"] == "part_of" for s in body["direct"])  # type: ignore[attr-defined]


def test_problem_over_http(live_server: str) -> None:
    status, body = _get(live_server + "/v1/concepts/no-such-concept")
    assert status == 404 and body["title"] == "Concept not found"


def test_refuses_bad_data(tmp_path: Path) -> None:
    (tmp_path / "concepts").mkdir()
    env = {**os.environ, "KG_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert "missing sources file" in done.stderr
