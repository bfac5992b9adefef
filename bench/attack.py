"""Attacks for a bounded time: ``python -m bench.attack [--seconds 10] [--base URL]``.

Starts ``kg serve`` as the README does (one process, access log on, every bound at its
default; its output goes to a temporary file) on 127.0.0.1 and a free port, or attacks a
server already running at ``--base`` on this machine. Then runs each attack below for
``--seconds`` while one client polls ``GET /v1/health`` every 50 ms, and a last round
with all of them at once. Traffic goes to 127.0.0.1 only, from a bounded number of
threads, each attack bounded in bytes and time:

============ ========================================================================
attack       what each of its threads does, again and again
============ ========================================================================
headers      sends a request whose one header line grows in 64 KiB pieces, up to
             ``--header-mb`` MiB, and reads what comes back
slow         opens a connection and sends a request line and headers a few bytes a
             second, never finishing (slowloris); and opens connections that send
             nothing
sparql       POSTs a query that takes rdflib seconds to parse (a FILTER of 4,900 terms),
             one that needs more memory than a query may use (100 unconnected triple
             patterns), and one whose answer is larger than the byte limit
annotate     POSTs a 1 MB text to ``/v1/annotate``
============ ========================================================================

Prints one JSON line: per round, what was sent (requests, bytes) and what came back
(statuses, or ``closed`` / ``timeout`` for a connection that ended without an answer),
and health's latency meanwhile (p50, p99, max in ms, and failures). Exits 1 if health
failed or any 5xx came back.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.http import free_port, server

PARSE_BOMB = "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 4900) + ") }"
CROSS = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(100)) + " } LIMIT 1"
HUGE = (
    "SELECT ?a ?b WHERE { ?x ?p ?a . ?y ?q ?b . "
    "FILTER(isLiteral(?a) && STRLEN(STR(?a)) > 300) } LIMIT 9999"
)
SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"


class Round:
    """What one round sent and got, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.got: Counter[str] = Counter()
        self.requests = 0
        self.bytes_sent = 0

    def record(self, outcome: str, sent: int) -> None:
        with self.lock:
            self.got[outcome] += 1
            self.requests += 1
            self.bytes_sent += sent


def _status(answer: bytes) -> str:
    if not answer:
        return "closed"
    try:
        return answer.split(b" ", 2)[1].decode()
    except IndexError:
        return "garbled"


def _read(sock: socket.socket) -> bytes:
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out:
                return out
    except TimeoutError:
        return out or b"timeout"
    except OSError:
        pass
    return out


def _host(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    assert parts.hostname in ("127.0.0.1", "localhost"), "attacks go to this machine only"
    return "127.0.0.1", parts.port or 80


def headers_attack(base: str, stop: threading.Event, r: Round, mb: float) -> None:
    with socket.create_connection(_host(base), timeout=30) as s:
        sent = 0  # written to the socket; the kernel takes some after the server closes
        try:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
            while sent < mb * 1024 * 1024 and not stop.is_set():
                s.sendall(b"a" * 65536)
                sent += 65536
        except OSError:
            pass  # refused and closed: what it said is still to be read
        r.record(_status(_read(s)), sent)


def slow_attack(base: str, stop: threading.Event, r: Round) -> None:
    with (
        socket.create_connection(_host(base), timeout=60) as s,
        socket.create_connection(_host(base), timeout=60) as idle,
    ):
        sent = 0
        started = time.monotonic()
        try:
            for byte in b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000:
                if stop.is_set() or time.monotonic() - started > 60:
                    break
                s.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.2)
        except OSError:
            pass
        r.record(_status(_read(s)), sent)
        r.record("idle-" + _status(_read(idle)), 0)


def _post(base: str, path: str, body: bytes, ctype: str) -> str:
    request = urllib.request.Request(
        base + path, data=body, method="POST", headers={"Content-Type": ctype}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            return str(answer.status)
    except urllib.error.HTTPError as e:
        e.read()
        return str(e.code)
    except OSError:
        return "closed"


def sparql_attack(base: str, stop: threading.Event, r: Round, i: int) -> None:
    query = (PARSE_BOMB, CROSS, HUGE)[i % 3]
    r.record(_post(base, "/v1/sparql", query.encode(), "application/sparql-query"), len(query))


def annotate_attack(base: str, stop: threading.Event, r: Round, text: str) -> None:
    body = json.dumps({"text": text}).encode()
    r.record(_post(base, "/v1/annotate", body, "application/json"), len(body))


class HealthPoll:
    """Polls health every 50 ms; keeps each latency and the failures."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.ms: list[float] = []
        self.failures = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stop.is_set():
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(self.base + "/v1/health", timeout=30) as r:
                    r.read()
            except OSError:
                self.failures += 1
            self.ms.append((time.perf_counter() - start) * 1000)
            self.stop.wait(0.05)

    def __enter__(self) -> HealthPoll:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)

    @property
    def worst(self) -> float:
        """The slowest answer so far, in seconds."""
        return max(self.ms, default=0.0) / 1000

    def figures(self) -> dict[str, Any]:
        ms = sorted(self.ms)

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1) if ms else 0.0

        return {
            "polls": len(ms),
            "failures": self.failures,
            "p50_ms": pct(50),
            "p99_ms": pct(99),
            "max_ms": round(ms[-1], 1) if ms else 0.0,
        }


Attack = Callable[[str, threading.Event, Round, int], None]


def run_round(base: str, attacks: list[tuple[str, Attack, int]], seconds: float) -> dict[str, Any]:
    """Run each attack with its number of threads for ``seconds``, health polled."""
    stop = threading.Event()
    rounds = {name: Round() for name, _, _ in attacks}
    health = HealthPoll(base)

    def loop(name: str, attack: Attack, i: int) -> None:
        while not stop.is_set():
            attack(base, stop, rounds[name], i)

    threads = [
        threading.Thread(target=loop, args=(name, attack, i))
        for name, attack, count in attacks
        for i in range(count)
    ]
    with health:
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(90)
    return {
        "health": health.figures(),
        **{
            name: {
                "requests": r.requests,
                "bytes_written": r.bytes_sent,
                "got": dict(sorted(r.got.items())),
            }
            for name, r in rounds.items()
        },
    }


@contextmanager
def started_server() -> Iterator[str]:
    """``kg serve`` as the README starts it, on a free loopback port."""
    port = free_port()
    with server(
        [sys.executable, "-m", "kg.cli", "serve", "--port", str(port)],
        port,
        dict(os.environ),
        wait=60,
    ) as base:
        yield base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each round")
    parser.add_argument("--base", help="attack this server (on 127.0.0.1) instead")
    parser.add_argument(
        "--header-mb", type=float, default=100, help="how far each oversized header may grow"
    )
    parser.add_argument(
        "--only",
        nargs="*",
        choices=["headers", "slow", "sparql", "annotate"],
        help="run only these rounds (and not all at once)",
    )
    args = parser.parse_args(argv)
    text = " ".join(p.read_text() for p in sorted(SOURCES.glob("*.txt")))
    megabyte = (text * (1 + 1_000_000 // max(1, len(text))))[:1_000_000]
    plan: dict[str, list[tuple[str, Attack, int]]] = {
        "headers": [("headers", lambda b, s, r, i: headers_attack(b, s, r, args.header_mb), 4)],
        "slow": [("slow", lambda b, s, r, i: slow_attack(b, s, r), 100)],
        "sparql": [("sparql", sparql_attack, 12)],
        "annotate": [("annotate", lambda b, s, r, i: annotate_attack(b, s, r, megabyte), 2)],
    }
    figures: dict[str, Any] = {
        "bench": "attack",
        "seconds_per_round": args.seconds,
        "config": "given server" if args.base else "kg serve, defaults, access log on",
    }
    run = nullcontext(args.base.rstrip("/")) if args.base else started_server()
    with run as base:
        _host(base)
        figures["quiet"] = run_round(base, [], args.seconds)
        for name, attacks in plan.items():
            if not args.only or name in args.only:
                figures[name] = run_round(base, attacks, args.seconds)
        if not args.only:
            figures["all_at_once"] = run_round(
                base, [a for attacks in plan.values() for a in attacks], args.seconds
            )
    print(json.dumps(figures))
    rounds = [v for v in figures.values() if isinstance(v, dict)]
    failed = any(r["health"]["failures"] for r in rounds) or any(
        status.startswith("5") and status != "503"
        for r in rounds
        for k, v in r.items()
        if k != "health"
        for status in v["got"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
