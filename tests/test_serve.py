"""`kg serve` starts a real server on 127.0.0.1 and the test stops it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.http import children, free_port, stop


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


@pytest.mark.slow
def test_refuses_bad_data(tmp_path: Path) -> None:
    (tmp_path / "concepts").mkdir()
    env = {**os.environ, "KG_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert "missing sources file" in done.stderr


@pytest.mark.slow
def test_workers_are_separate_processes_that_all_answer(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline:
            try:
                if _get(base + "/v1/health")[0] == 200:
                    # forked from the server process: the same command line as it
                    workers = [
                        k
                        for k in children(proc.pid)
                        if Path(f"/proc/{k}/cmdline").read_bytes()
                        == Path(f"/proc/{proc.pid}/cmdline").read_bytes()
                    ]
                    if len(workers) == 2:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        assert len(workers) == 2, "two worker processes serve the app"
        # many separate connections: every one is answered, whichever worker takes it
        statuses = [
            _get(base + f"/v1/concepts/{cid}")[0]
            for cid in ("mesa-optimizer", "evolution", "inner-alignment") * 10
        ]
        assert statuses == [200] * 30
    finally:
        stop(proc, 20)


def _wait_for(check: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def _label(base: str) -> object:
    return _get(base + "/v1/concepts/mesa-optimizer")[1]["label"]


@pytest.mark.slow
def test_sighup_reloads_every_worker_and_a_bad_edit_leaves_the_old_data_serving(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", data)
    concept = data / "concepts" / "mesa-optimizer.yaml"
    original = concept.read_text("utf-8")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--data",
            str(data),
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-access-log",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    said: list[str] = []

    def log_has(text: str, times: int) -> bool:
        return sum(text in line for line in said) >= times

    try:
        assert proc.stderr is not None
        os.set_blocking(proc.stderr.fileno(), False)

        def read_log() -> bool:
            said.extend(proc.stderr.readlines())  # type: ignore[union-attr]
            return False

        _wait_for(lambda: read_log() or log_has("Application startup complete", 2))
        assert _label(base) == "mesa-optimizer"

        # a bad edit: every worker refuses it and keeps serving what it had
        concept.write_text(original.replace("kind: optimizer", "kind: optimiser"), "utf-8")
        proc.send_signal(signal.SIGHUP)
        _wait_for(lambda: read_log() or log_has("reload rejected", 2))
        for _ in range(6):
            status, health = _get(base + "/v1/health")
            assert status == 200 and _label(base) == "mesa-optimizer"
            assert health["reload_problems"] == [
                "data/concepts/mesa-optimizer.yaml:2: unknown kind 'optimiser' "
                "(did you mean 'optimizer'?)"
            ]
        assert proc.poll() is None

        # a good edit: served by every worker once they have reloaded
        concept.write_text(
            original.replace("label: 'mesa-optimizer'", "label: 'mesa-optimizer (learned)'"),
            "utf-8",
        )
        proc.send_signal(signal.SIGHUP)
        count = len(list((data / "concepts").glob("*.yaml")))
        _wait_for(lambda: read_log() or log_has(f"reloaded {count} concepts", 2))
        labels = {_label(base) for _ in range(8)}
        assert labels == {"mesa-optimizer (learned)"}
        assert _get(base + "/v1/health")[1]["reload_problems"] == []
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, "SIGTERM is a graceful stop"


@pytest.mark.slow
def test_access_log_is_one_json_line_per_request_with_its_id(tmp_path: Path) -> None:
    port = free_port()
    log, err = tmp_path / "out.log", tmp_path / "err.log"
    with log.open("w") as out, err.open("w") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)],
            stdout=out,
            stderr=errors,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: _get(base + "/v1/ready")[0] == 200)
            request = urllib.request.Request(
                base + "/v1/concepts/evolution?x=1", headers={"X-Request-ID": "trace-42"}
            )
            with urllib.request.urlopen(request, timeout=10) as r:
                assert r.headers["x-request-id"] == "trace-42"

            def logged() -> list[dict[str, object]]:
                lines = [
                    json.loads(line)
                    for line in log.read_text().splitlines()
                    if line.startswith("{")
                ]
                return [e for e in lines if e["request_id"] == "trace-42"]

            _wait_for(lambda: logged())
            (entry,) = logged()
            assert entry["method"] == "GET" and entry["path"] == "/v1/concepts/evolution"
            assert entry["query"] == "x=1" and entry["status"] == 200
            assert entry["route"] == "/v1/concepts/{id}" and int(entry["bytes"]) > 100  # type: ignore[call-overload]
            assert float(entry["duration_ms"]) >= 0  # type: ignore[arg-type]
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=30)
    # uvicorn stops gracefully, then ends by the signal it caught
    assert code in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in err.read_text()


@pytest.mark.slow
def test_a_cold_start_answers_as_a_start_from_the_snapshot(tmp_path: Path) -> None:
    """One process builds the search index and what path finding needs in the
    background on a cold start (no snapshot); search and relate answer the same
    meanwhile and after, as a start from the snapshot the first start wrote, which has
    it all prepared."""
    from bench.generate import generate
    from kg import snapshot
    from kg.load import load_graph

    data = generate(tmp_path / "data", 900, 6000, seed=3)
    cache = tmp_path / "cache"
    size = sum(p.stat().st_size for p in data.glob("*/*") if p.is_file())
    assert size >= snapshot.MIN_BYTES  # large enough to get a snapshot
    ids = sorted(load_graph(data).concepts)
    pairs = [(ids[i], ids[-1 - 7 * i]) for i in range(12)]
    # prefixes, and names with a letter dropped (typos)
    queries = [ids[5 * i][:6] for i in range(6)] + [
        ids[3 * i][:4] + ids[3 * i][5:] for i in range(6)
    ]
    env = {**os.environ, "KG_CACHE_DIR": str(cache)}

    def answers() -> list[tuple[int, dict[str, object]]]:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--data", str(data)]
            + ["--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: _get(base + "/v1/ready")[0] == 200, 120)
            found = [_get(f"{base}/v1/search?q={q}") for q in queries]
            return found + [_get(f"{base}/v1/relate?x={x}&y={y}") for x, y in pairs]
        finally:
            stop(proc, 20)

    cold = answers()
    _wait_for(lambda: list(cache.glob("*.snapshot")) and not list(cache.glob("*.tmp")), 120)
    warm = answers()
    assert cold == warm
    assert all(status == 200 and body["results"] for status, body in cold[: len(queries)])
    assert any(status == 200 for status, _ in cold[len(queries) :])
