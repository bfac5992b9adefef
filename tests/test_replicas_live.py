"""Three replicas on loopback: three ``kg serve --store postgresql://...`` processes on
one PostgreSQL of their own. Writes on one are served by the others; two replicas
racing on one concept give one win and one 412, and nothing is lost; a replica killed
with SIGKILL during a stream of writes loses no acknowledged write and, restarted,
serves them all; PostgreSQL stopped leaves reads and readiness up and writes 503 with
Retry-After, and once it is back every replica takes writes and hears them again."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from bench.http import free_port
from bench.postgres import Cluster, binaries
from tests.test_curation_live import QUOTE, call, make_token, serving

WAIT = 60.0
"""Seconds to wait for what must come soon (generous: the machine may be busy)."""


def served_everywhere(ports: list[int], path: str, check: Callable[[Any], bool]) -> None:
    """Wait until every replica answers ``path`` with a body ``check`` accepts."""
    deadline = time.monotonic() + WAIT
    for port in ports:
        while True:
            status, _, body = call(port, "GET", path)
            if status == 200 and check(body):
                break
            assert time.monotonic() < deadline, (port, path, status, body)
            time.sleep(0.05)


def concept(cid: str, definition: str) -> dict[str, Any]:
    return {"id": cid, "label": cid.replace("-", " "), "kind": "concept",
            "definition": definition, "citations": [QUOTE]}  # fmt: skip


@pytest.fixture
def cluster(postgres: Cluster) -> Iterator[Cluster]:
    """A PostgreSQL of this test's own, to stop and start (the session's, which other
    tests use, only proves PostgreSQL is there)."""
    bindir = binaries()
    assert bindir is not None
    with Cluster(bindir) as own:
        yield own


@pytest.mark.slow
def test_three_replicas(cluster: Cluster, tmp_path: Path) -> None:
    url = cluster.create_database("kg")
    auth = {"Authorization": f"Bearer {make_token(url)}"}
    ports = [free_port() for _ in range(3)]
    with ExitStack() as replicas:
        procs = [replicas.enter_context(serving(url, port)) for port in ports]

        # a write on one is served by the others
        status, _, _ = call(ports[0], "POST", "/v1/concepts", concept("first", "One."), auth)
        assert status == 201
        served_everywhere(ports, "/v1/concepts/first", lambda b: b["definition"] == "One.")

        # two replicas racing on one concept: one wins, the other gets 412, and the
        # loser's edit, redone on what is there now, lands too
        status, head, record = call(ports[1], "GET", "/v1/concepts/evolution/record")
        patches = {
            ports[1]: {"aliases": [*record["aliases"], "raced alias"]},
            ports[2]: {"definition": "Rewritten by a racing replica."},
        }
        results: dict[int, int] = {}
        start = threading.Barrier(2)

        def patch(port: int) -> None:
            start.wait()
            results[port] = call(
                port,
                "PATCH",
                "/v1/concepts/evolution",
                patches[port],
                {**auth, "If-Match": head["etag"]},
            )[0]

        racers = [threading.Thread(target=patch, args=(p,)) for p in patches]
        for t in racers:
            t.start()
        for t in racers:
            t.join(timeout=WAIT)
        assert sorted(results.values()) == [200, 412], results
        loser = next(p for p, s in results.items() if s == 412)
        _, again, _ = call(loser, "GET", "/v1/concepts/evolution/record")
        status, _, _ = call(
            loser, "PATCH", "/v1/concepts/evolution", patches[loser],
            {**auth, "If-Match": again["etag"]},
        )  # fmt: skip
        assert status == 200
        served_everywhere(
            ports,
            "/v1/concepts/evolution/record",
            lambda b: (
                "raced alias" in b["aliases"]
                and b["definition"] == "Rewritten by a racing replica."
            ),
        )

        # kill -9 of a replica during a stream of writes: no acknowledged write is lost
        acknowledged: list[str] = []

        def stream() -> None:
            for i in range(10_000):
                cid = f"stream-{i}"
                try:
                    status, _, _ = call(
                        ports[1], "POST", "/v1/concepts", concept(cid, f"Number {i}."), auth
                    )
                except OSError:
                    return  # killed
                assert status == 201, status
                acknowledged.append(cid)

        writer = threading.Thread(target=stream)
        writer.start()
        deadline = time.monotonic() + WAIT
        while len(acknowledged) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(procs[1].pid, signal.SIGKILL)
        writer.join(timeout=WAIT)
        procs[1].wait(timeout=10)
        assert len(acknowledged) >= 15
        served_everywhere([ports[0], ports[2]], f"/v1/concepts/{acknowledged[-1]}", bool)
        for cid in acknowledged:
            assert call(ports[2], "GET", f"/v1/concepts/{cid}")[0] == 200, cid
        # restarted, it serves them all
        procs[1] = replicas.enter_context(serving(url, ports[1]))
        for cid in acknowledged:
            assert call(ports[1], "GET", f"/v1/concepts/{cid}")[0] == 200, cid

        # PostgreSQL stopped: reads and readiness stay up, writes are 503 with Retry-After
        cluster.stop()
        try:
            for port in ports:
                assert call(port, "GET", "/v1/ready")[0] == 200
                assert call(port, "GET", "/v1/concepts/first")[0] == 200
            status, headers, problem = call(
                ports[2], "POST", "/v1/concepts", concept("during", "Refused."), auth
            )
            assert status == 503, problem
            assert problem["type"] == f"http://127.0.0.1:{ports[2]}/problems/store-unavailable"
            assert int(headers["retry-after"]) >= 1
        finally:
            cluster.start()
        # back: writes land again on every replica and are heard by the others, with no
        # restart of any of them
        for i, port in enumerate(ports):
            cid = f"after-{i}"
            deadline = time.monotonic() + WAIT
            while True:
                with contextlib.suppress(OSError):
                    status = call(port, "POST", "/v1/concepts", concept(cid, "Back."), auth)[0]
                if status == 201 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert status == 201, (port, status)
            served_everywhere(ports, f"/v1/concepts/{cid}", bool)
        heads = {call(port, "GET", "/v1/health")[2]["revision"] for port in ports}
        assert len(heads) == 1
