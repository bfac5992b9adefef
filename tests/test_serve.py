"""`kg serve` starts a real server on 127.0.0.1 and the test stops it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def test_workers_are_separate_processes_that_all_answer(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port),
                             "--workers", "2", "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline:
            try:
                if _get(base + "/v1/health")[0] == 200:
                    workers = [k for k in _children(proc.pid)
                               if "spawn_main" in Path(f"/proc/{k}/cmdline").read_text()]
                    if len(workers) == 2:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        assert len(workers) == 2, "two worker processes serve the app"
        # many separate connections: every one is answered, whichever worker takes it
        statuses = [_get(base + f"/v1/concepts/{cid}")[0] for cid in
                    ("mesa-optimizer", "evolution", "inner-alignment") * 10]
        assert statuses == [200] * 30
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
