"""What a write over HTTP costs: ``python -m bench.writes [--concepts N] [--writes K]``.

Serves a store made from the shipped data (or, with ``--concepts N``, from a generated
directory of N concepts) in process, and PATCHes the definition of K concepts one after
another, each with the ETag just read. Every write validates the whole data set with the
edit applied, commits, rebuilds the graph and installs it before it is answered, so this
is the time from request to a write that is durable and served. Prints one JSON line:
the median, p90 and slowest write in milliseconds, and writes a second.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.context import context_of
from api.settings import ServerSettings
from bench.generate import generate
from kg.settings import bundled_data_dir
from kg.store import SqliteStore


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--concepts", type=int, default=0, help="0: the shipped data")
    p.add_argument("--writes", type=int, default=50)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = bundled_data_dir()
        if args.concepts:
            data = Path(tmp) / "data"
            generate(data, args.concepts, args.concepts * 10)
        store = SqliteStore.create(Path(tmp) / "kg.sqlite3", data)
        auth = {"Authorization": "Bearer " + store.create_token("bench", ("concepts:write",))[1]}
        store.close()
        app = create_app(ServerSettings(store_path=Path(tmp) / "kg.sqlite3", data_dir=data))
        rng = random.Random(7)
        with TestClient(app) as client:
            ids = list(context_of(app).graph.concepts)
            times = []
            for n in range(args.writes):
                cid = rng.choice(ids)
                etag = client.get(f"/v1/concepts/{cid}/record").headers["etag"]
                started = time.perf_counter()
                r = client.patch(
                    f"/v1/concepts/{cid}",
                    headers={**auth, "If-Match": etag},
                    json={"definition": f"Rewritten by the benchmark, {n}."},
                )
                times.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text
        times.sort()
        print(
            json.dumps(
                {
                    "concepts": len(ids),
                    "writes": len(times),
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "p90_ms": round(times[int(0.9 * (len(times) - 1))] * 1000, 1),
                    "max_ms": round(times[-1] * 1000, 1),
                    "writes_per_s": round(len(times) / sum(times), 1),
                }
            )
        )


if __name__ == "__main__":
    main()
