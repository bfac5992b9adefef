"""The HTTP read path against its ceiling: ``python -m bench.http [--data DIR]``.

Starts the service (``kg serve``, ``--workers`` processes, 1 by default) and a bare ASGI
app (:mod:`bench.bare`) that answers the same URLs with the same recorded bytes and
headers on the same server (uvicorn, same settings), then loads each with wrk in
alternating rounds, so that noise on a shared machine hits both alike. Two workloads:
one concept lookup, and relate over twenty varied pairs. The service runs as the README
starts it (access log on), then again with ``--no-access-log`` (figures suffixed
``_no_access_log``). The servers measured start from a snapshot (:mod:`kg.snapshot`) in
a cache directory of the benchmark's own, which the first start, the one that records
the answers, writes: the benchmark waits for it, so that the copy writing it does not
share the machine with the measurements. Prints one JSON line: requests per second of
each (median over the rounds), their ratio to the bare app, wrk's error counts, each
server's CPU time per request (``_cpu_us``, ``_bare_cpu_us``) and the load average at
the start and the end. Needs ``wrk`` (Debian: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg import snapshot
from kg.load import load_graph
from kg.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_snapshot(data_dir: Path, cache_dir: Path, wait: float) -> None:
    """Wait until the snapshot of ``data_dir`` that a ``kg serve`` started with
    ``cache_dir`` writes in a forked copy of itself is whole on disk (small data gets
    none); raises :class:`RuntimeError` after ``wait`` seconds. Until then the copy takes
    a processor, which a measurement must not share with it."""
    deadline = time.perf_counter() + wait
    size = sum(p.stat().st_size for p in data_dir.glob("*/*") if p.is_file())
    while size >= snapshot.MIN_BYTES and (
        not list(cache_dir.glob("*.snapshot")) or list(cache_dir.glob("*.tmp"))
    ):
        if time.perf_counter() > deadline:
            raise RuntimeError("kg serve wrote no snapshot")
        time.sleep(0.05)


@contextmanager
def server(command: list[str], port: int, env: dict[str, str], wait: float = 600) -> Iterator[str]:
    """Run a server until the block ends; yields its base URL once it answers.

    Readiness is asked of ``/v1/ready`` (the service answers 503 until its data is
    loaded; the bare app, which knows no such URL, 404 at once): not of the home page,
    which at 50,000 concepts takes a minute to render. Its output goes to a temporary
    file (a pipe nobody reads would stall it once full) and is shown if it does not start
    within ``wait`` seconds (a cold start on 50,000 concepts takes half a minute on a
    busy machine). It is stopped with SIGINT, then killed if it has not stopped 15
    seconds later.
    """
    with tempfile.TemporaryFile("w+") as said:
        proc = subprocess.Popen(command, env=env, stdout=said, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        PIDS[base] = proc.pid
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    urllib.request.urlopen(base + "/v1/ready", timeout=5)
                    break
                except urllib.error.HTTPError as e:
                    if e.code != 503:
                        break  # it answers, if only with an error
                    e.close()
                    if proc.poll() is not None or time.monotonic() > deadline:
                        said.seek(0)
                        raise RuntimeError(f"server did not get ready: {said.read()}") from e
                    time.sleep(0.2)
                except OSError as e:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        said.seek(0)
                        raise RuntimeError(f"server did not start: {said.read()}") from e
                    time.sleep(0.2)
            yield base
        finally:
            stop(proc, 15)


PIDS: dict[str, int] = {}
"""The process of each server :func:`server` started, by its base URL."""
WORKERS = [1]
"""The servers' ``--workers`` (set by :func:`main`)."""


def cpu_seconds(pid: int, workers: bool = False) -> float:
    """The CPU time (user and system) of process ``pid``, with ``workers`` also of its
    children now alive (``--workers N``: the workers; one server process has only a
    passing child, the copy that writes or checks the snapshot, left out), in seconds;
    0 for a process that is gone."""
    total = 0
    for each in (pid, *(children(pid) if workers else ())):
        fields = stat_fields(each)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name, from the state on (the
    parent's pid is the second, the process's user and system CPU time in clock ticks
    the 12th and 13th, those of its children it waited for the 14th and 15th); None if
    there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # the command name, in parentheses, may hold spaces and parentheses
    return text[text.rindex(")") + 2 :].split()


def _stat_ppid(pid: int) -> int | None:
    fields = stat_fields(pid)
    return None if fields is None else int(fields[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, read from ``/proc/*/stat``.

    >>> children(2 ** 22 + 1)
    []
    """
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _stat_ppid(int(entry)) == pid:
            found.append(int(entry))
    return sorted(found)


def stop(proc: subprocess.Popen[Any], grace: float) -> None:
    """Stop a server as Ctrl-C would; kill it if it has not stopped after ``grace`` s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def record(base: str, urls: list[str]) -> dict[str, dict[str, Any]]:
    """The service's answer to each URL: headers and body, as the bare app will replay."""
    out: dict[str, dict[str, Any]] = {}
    for url in urls:
        with urllib.request.urlopen(base + url, timeout=30) as r:
            body = r.read()
            headers = [
                (k.lower(), v)
                for k, v in r.getheaders()
                if k.lower() not in ("date", "server", "transfer-encoding", "connection")
            ]
        out[url] = {"headers": headers, "body": base64.b64encode(body).decode()}
    return out


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def wrk(base: str, urls: list[str], seconds: int, connections: int) -> dict[str, float]:
    """One wrk run over ``urls`` in turn: requests/s, error counts, and the server's CPU
    time per request in microseconds (when :func:`server` started it)."""
    pid = PIDS.get(base)
    cpu = cpu_seconds(pid, WORKERS[0] > 1) if pid else 0.0
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % ", ".join(json.dumps(u) for u in urls))
        script = f.name
    try:
        done = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script, base + urls[0]],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script)
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    if sockets:
        errors += sum(int(g) for g in sockets.groups())
    done_requests = re.search(r"(\d+) requests in", text)
    served = int(done_requests.group(1)) if done_requests else 0
    cpu_us = (cpu_seconds(pid, WORKERS[0] > 1) - cpu) / served * 1e6 if pid and served else 0.0
    return {"rps": rps, "errors": errors, "cpu_us": cpu_us}


CONFIGURATIONS: tuple[tuple[str, list[str]], ...] = (
    ("", []),  # `kg serve` as the README starts it: access log on
    ("_no_access_log", ["--no-access-log"]),
)
"""The service's configurations measured, each against the same bare app: the default
first (its figures carry no suffix), then the labelled extras."""


def serve_command(port: int, workers: int, extra: list[str]) -> list[str]:
    """``kg serve`` on ``port`` with the given extra flags and nothing else changed."""
    command = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)]
    return [*command, "--workers", str(workers), *extra]


def compare(
    real: str, bare: str, urls: list[str], args: argparse.Namespace
) -> tuple[float, float, int, float, float]:
    """Median requests/s of the service and of the bare app over alternating rounds, the
    service's error count, and the median CPU time per request of each (microseconds)."""
    runs: dict[str, list[dict[str, float]]] = {"service": [], "bare": []}
    wrk(real, urls, 1, args.connections)  # warm both
    wrk(bare, urls, 1, args.connections)
    for _ in range(args.rounds):
        runs["service"].append(wrk(real, urls, args.seconds, args.connections))
        runs["bare"].append(wrk(bare, urls, args.seconds, args.connections))
    service = statistics.median(r["rps"] for r in runs["service"])
    ceiling = statistics.median(r["rps"] for r in runs["bare"])
    errors = int(sum(r["errors"] for r in runs["service"]))
    service_cpu = statistics.median(r["cpu_us"] for r in runs["service"])
    ceiling_cpu = statistics.median(r["cpu_us"] for r in runs["bare"])
    return service, ceiling, errors, service_cpu, ceiling_cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data directory (default: the shipped data)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=1, help="server processes, for both")
    args = parser.parse_args(argv)
    load_at_start = os.getloadavg()[0]
    WORKERS[0] = args.workers
    data = Path(args.data) if args.data else Settings().data_dir
    graph = load_graph(data)
    rng = random.Random(args.seed)
    ids = sorted(graph.concepts)
    lookup = ["/v1/concepts/" + urllib.parse.quote(rng.choice(ids))]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < 20:
        x, y = rng.sample(ids, 2)
        pairs.add((x, y))
    relate = [
        f"/v1/relate?x={urllib.parse.quote(x)}&y={urllib.parse.quote(y)}" for x, y in sorted(pairs)
    ]
    bare_port = free_port()
    figures: dict[str, Any] = {
        "bench": "http",
        "concepts": len(graph),
        "workers": args.workers,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "connections": args.connections,
    }
    workloads = (("lookup", lookup), ("relate", relate))
    with tempfile.TemporaryDirectory() as tmp:
        responses = str(Path(tmp) / "responses.json")
        # a cache directory of its own: the first start is a cold one, and writes the
        # snapshot the measured servers start from, as a user's restarts would
        cache = Path(tmp) / "cache"
        env = {**os.environ, "KG_DATA_DIR": str(data.resolve()), "KG_CACHE_DIR": str(cache)}
        # the answers the bare app replays, recorded from the service as users run it
        port = free_port()
        with server(serve_command(port, args.workers, []), port, env) as real:
            Path(responses).write_text(json.dumps(record(real, lookup + relate)))
        # the copy of that server that writes the snapshot (half a minute at 50,000
        # concepts) would take a processor from the first measured rounds
        wait_for_snapshot(data, cache, 600)
        bare_command = [sys.executable, "-m", "bench.bare", responses, "--port", str(bare_port)]
        with server([*bare_command, "--workers", str(args.workers)], bare_port, env) as bare:
            for label, extra in CONFIGURATIONS:
                port = free_port()
                with server(serve_command(port, args.workers, extra), port, env) as real:
                    for name, urls in workloads:
                        service, ceiling, errors, cpu, bare_cpu = compare(real, bare, urls, args)
                        key = name + label
                        figures[f"{key}_rps"] = round(service)
                        figures[f"{key}_bare_rps"] = round(ceiling)
                        figures[f"{key}_ratio"] = round(service / ceiling, 3)
                        figures[f"{key}_errors"] = errors
                        figures[f"{key}_cpu_us"] = round(cpu, 1)
                        figures[f"{key}_bare_cpu_us"] = round(bare_cpu, 1)
    figures["load_average"] = [load_at_start, os.getloadavg()[0]]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
