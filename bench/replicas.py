"""Writes through each backend, and how fast a write reaches the other replicas:
``python -m bench.replicas [--writes N]``.

Starts a throwaway PostgreSQL (:mod:`bench.postgres`; needs Debian's ``postgresql``
package). First, for each backend (an SQLite file, a PostgreSQL database), one ``kg
serve --store`` and one client that creates concepts one after another: writes per
second, each validated against the whole data set and acknowledged once committed.
Then three replicas on one PostgreSQL database: each write on the first is timed from
its acknowledgement until the two others serve it (each polled every 2 ms by a thread
of its own). Prints one JSON line: writes per second by backend, and the propagation
latency's median, p99 and maximum in milliseconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.http import free_port, server
from bench.postgres import Cluster, binaries

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
QUOTE = {
    "source": "what-is-inner-alignment",
    "quote": "A “mesa-optimizer” is a learned algorithm that is itself an optimizer.",
}


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> int:
    """One request on a new connection; the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, None if body is None else json.dumps(body), headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def concept(cid: str) -> dict[str, Any]:
    return {
        "id": cid,
        "label": cid.replace("-", " "),
        "kind": "concept",
        "definition": f"A concept written by the benchmark ({cid}).",
        "citations": [QUOTE],
    }


def token(store: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "token", "create", "bench", "--store", store,
         "--data", str(DATA)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return done.stdout.strip()


def replica(stack: ExitStack, store: str) -> int:
    """A ``kg serve --store`` until the stack closes; its port."""
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "serve", "--store", store, "--port", str(port),
               "--log-level", "warning", "--no-access-log", "--data", str(DATA)]  # fmt: skip
    stack.enter_context(server(command, port, dict(os.environ), wait=120))
    return port


def writes_per_second(store: str, writes: int) -> float:
    secret = token(store)
    with ExitStack() as stack:
        port = replica(stack, store)
        started = time.perf_counter()
        for i in range(writes):
            status = call(port, "POST", "/v1/concepts", concept(f"bench-{i}"), secret)
            assert status == 201, status
        return writes / (time.perf_counter() - started)


def propagation(store: str, writes: int) -> list[float]:
    """Milliseconds from a write's acknowledgement on one replica until another serves
    it, for each write and each of the two other replicas."""
    secret = token(store)
    latencies: list[float] = []
    with ExitStack() as stack:
        first, *others = [replica(stack, store) for _ in range(3)]
        for i in range(writes):
            cid = f"spread-{i}"
            status = call(first, "POST", "/v1/concepts", concept(cid), secret)
            assert status == 201, status
            acknowledged = time.perf_counter()

            def wait(port: int, cid: str = cid, acknowledged: float = acknowledged) -> None:
                deadline = acknowledged + 30
                while call(port, "GET", f"/v1/concepts/{cid}") != 200:
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"{cid} did not reach the replica on {port}")
                    time.sleep(0.002)
                latencies.append((time.perf_counter() - acknowledged) * 1000)

            pollers = [threading.Thread(target=wait, args=(p,)) for p in others]
            for t in pollers:
                t.start()
            for t in pollers:
                t.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=200, help="writes per measure")
    args = parser.parse_args()
    bindir = binaries()
    if bindir is None:
        sys.exit("needs Debian's postgresql package (initdb and pg_ctl)")
    with Cluster(bindir) as cluster, tempfile.TemporaryDirectory() as tmp:
        sqlite = writes_per_second(str(Path(tmp) / "kg.sqlite3"), args.writes)
        postgresql = writes_per_second(cluster.create_database("writes"), args.writes)
        latencies = sorted(propagation(cluster.create_database("spread"), args.writes))
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    print(
        json.dumps(
            {
                "writes_per_second": {
                    "sqlite": round(sqlite, 1),
                    "postgresql": round(postgresql, 1),
                },
                "propagation_ms": {
                    "samples": len(latencies),
                    "median": round(statistics.median(latencies), 1),
                    "p99": round(p99, 1),
                    "max": round(latencies[-1], 1),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
