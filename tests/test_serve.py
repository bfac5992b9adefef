"""`kg serve` starts a real server on 127.0.0.1 and the test stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port),
                             "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/v1/health", timeout=1)
                break
            except OSError as e:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read() if proc.stdout else ""
                    raise RuntimeError(f"server did not start: {output}") from e
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_serves_the_bundled_data(server: str) -> None:
    status, body = _get(server + "/v1/health")
    assert status == 200 and body["status"] == "ok" and int(body["concepts"]) >= 45  # type: ignore[call-overload]


def test_relate_over_http(server: str) -> None:
    status, body = _get(server + "/v1/relate?x=deceptive%20alignment&y=inner%20alignment")
    assert status == 200
    assert any(s["type"] == "part_of" for s in body["direct"])  # type: ignore[attr-defined]


def test_problem_over_http(server: str) -> None:
    status, body = _get(server + "/v1/concepts/no-such-concept")
    assert status == 404 and body["title"] == "Concept not found"


def test_refuses_bad_data(tmp_path: Path) -> None:
    (tmp_path / "concepts").mkdir()
    env = {**os.environ, "KG_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--port", str(_free_port())],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert "missing sources file" in done.stderr
