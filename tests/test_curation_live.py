"""Writes to a real server: kill -9 during acknowledged writes, and racing writers.

The server is `kg serve --store` in its own process; the tokens come from `kg token
create`, as a curator would make them.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.http import free_port, stop
from kg.curate import Curator
from kg.load import load_graph
from kg.store import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
QUOTE = {
    "source": "what-is-inner-alignment",
    "quote": "A “mesa-optimizer” is a learned algorithm that is itself an optimizer.",
}


def call(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], Any]:
    """One request on a new connection (so that, with several workers, any may answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        head = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=data, headers=head)
        r = conn.getresponse()
        raw = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(raw) if raw else None
    finally:
        conn.close()


def make_token(store: str | Path) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "token",
            "create",
            "tester",
            "--store",
            str(store),
            "--data",
            str(ROOT / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "shown only now" in done.stderr
    return done.stdout.strip()


@contextmanager
def serving(store: str | Path, port: int, workers: int = 1) -> Iterator[subprocess.Popen[str]]:
    """`kg serve --store` until the block ends (or the test kills it)."""
    with tempfile.TemporaryFile("w+") as said:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "serve",
                "--store",
                str(store),
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--data",
                str(ROOT / "data"),
            ],
            stdout=said,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "KG_STORE_POLL_INTERVAL": "0.2"},
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if call(port, "GET", "/v1/ready", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    said.seek(0)
                    raise RuntimeError(f"server did not start: {said.read()}")
                time.sleep(0.1)
            yield proc
        finally:
            stop(proc, 20)


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    store = tmp_path / "kg.sqlite3"
    auth = {"Authorization": f"Bearer {make_token(store)}"}
    port = free_port()
    acknowledged: dict[str, str] = {}  # concept id -> the definition acknowledged last
    sent: dict[str, list[str]] = {}  # every definition sent, acknowledged or not
    with serving(store, port) as proc:

        def write() -> None:
            etags: dict[str, str] = {}
            for i in range(10_000):
                cid = f"durable-{i % 7}"
                definition = f"Definition number {i} of a concept written to be killed."
                sent.setdefault(cid, []).append(definition)
                body = {
                    "label": f"durable {i % 7}",
                    "kind": "concept",
                    "definition": definition,
                    "citations": [QUOTE],
                }
                headers = {**auth, **({"If-Match": etags[cid]} if cid in etags else {})}
                try:
                    status, head, _ = call(port, "PUT", f"/v1/concepts/{cid}", body, headers)
                except OSError:
                    return  # killed
                assert status in (200, 201), status
                etags[cid] = head["etag"]
                acknowledged[cid] = definition

        writer = threading.Thread(target=write)
        writer.start()
        while sum(len(v) for v in sent.values()) < 40:
            time.sleep(0.05)
            assert writer.is_alive()
        os.kill(proc.pid, signal.SIGKILL)
        writer.join(timeout=60)
        proc.wait(timeout=10)
    assert len(acknowledged) == 7

    # the store is whole: SQLite's check, and it loads as data
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with serving(store, port):
        for cid, definition in acknowledged.items():
            status, _, body = call(port, "GET", f"/v1/concepts/{cid}")
            assert status == 200
            # the last acknowledged write, or the one in flight when the server died
            assert body["definition"] == definition or body["definition"] == sent[cid][-1], (
                cid,
                body["definition"],
            )
        status, _, history = call(port, "GET", "/v1/concepts/durable-0/history?limit=1000")
        assert status == 200
        revisions = [h["revision"] for h in history["items"]]
        assert revisions == sorted(revisions, reverse=True)
    s = SqliteStore(store)
    graph, _ = Curator(s).load()
    s.dump(tmp_path / "dump")
    s.close()
    assert load_graph(tmp_path / "dump").content() == graph.content()


@pytest.mark.slow
def test_racing_writers_one_wins_one_gets_412_nothing_lost(tmp_path: Path) -> None:
    store = tmp_path / "kg.sqlite3"
    auth = {"Authorization": f"Bearer {make_token(store)}"}
    port = free_port()
    with serving(store, port, workers=2):
        for round_ in range(6):
            cid = ("evolution", "mesa-optimizer", "deception")[round_ % 3]
            status, head, record = call(port, "GET", f"/v1/concepts/{cid}/record")
            assert status == 200
            start = threading.Barrier(2)
            results: dict[str, int] = {}
            patches = {
                "aliases": {"aliases": [*record["aliases"], f"alias {round_}"]},
                "definition": {"definition": f"Rewritten in round {round_}."},
            }

            def patch(
                name: str,
                cid: str = cid,
                etag: str = head["etag"],
                patches: dict[str, Any] = patches,
                start: threading.Barrier = start,
                results: dict[str, int] = results,
            ) -> None:
                start.wait()
                results[name] = call(
                    port, "PATCH", f"/v1/concepts/{cid}", patches[name], {**auth, "If-Match": etag}
                )[0]

            threads = [threading.Thread(target=patch, args=(n,)) for n in patches]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert sorted(results.values()) == [200, 412], results
            loser = next(n for n, s in results.items() if s == 412)
            # the loser reads again and redoes its edit on what is there now
            status, head2, _ = call(port, "GET", f"/v1/concepts/{cid}/record")
            assert head2["etag"] != head["etag"]
            status, _, _ = call(
                port,
                "PATCH",
                f"/v1/concepts/{cid}",
                patches[loser],
                {**auth, "If-Match": head2["etag"]},
            )
            assert status == 200
            status, _, final = call(port, "GET", f"/v1/concepts/{cid}/record")
            assert f"alias {round_}" in final["aliases"]
            assert final["definition"] == f"Rewritten in round {round_}."
            # every worker serves it soon (each polls the store)
            deadline = time.monotonic() + 10
            while True:
                seen = {call(port, "GET", f"/v1/concepts/{cid}")[2]["definition"] for _ in range(8)}
                if seen == {f"Rewritten in round {round_}."}:
                    break
                assert time.monotonic() < deadline, seen
                time.sleep(0.1)
        status, _, feed = call(port, "GET", "/v1/changes?since=0&limit=1000")
        edits = [i for i in feed["items"] if i["action"] == "update"]
        assert len(edits) == 12 and {i["author"] for i in edits} == {"tester"}
