"""Mixed traffic for minutes: ``python -m bench.load [--seconds 120] [--concurrency 8]``.

Starts ``kg serve`` on 127.0.0.1 and a free port (``--workers`` processes, the shipped
data or ``--data DIR``), or loads a server already running at ``--base URL`` (its memory
is then read only when ``--pid`` names it). Learns the graph through the API (concept
pages of 500, a sample of concept details for labels, aliases and IRIs, the source
texts), warms up, then ``--concurrency`` client threads (httpx, one keep-alive client
each) send a weighted mix of real requests until ``--seconds`` have passed or
``--max-requests`` have been sent, whichever comes first:

======== ================================================================== ======
route    request                                                            weight
======== ================================================================== ======
lookup   ``GET /v1/concepts/{id}``, an id from the concept pages                 18
by_name  the same by label or alias: a 307 to the id, followed                    6
list     ``GET /v1/concepts?limit=&offset=``                                      2
search   ``GET /v1/search?q=``, a prefix or a one-letter typo of a name          16
relate   ``GET /v1/relate?x=&y=``, two different concepts, default limits        14
ask      ``GET /v1/ask?q=``: what is X, how does X relate to Y, difference       12
annotate ``POST /v1/annotate``, a paragraph cut from the source texts             8
sparql   ``GET /v1/sparql?query=``, small SELECT (with LIMIT) and ASK queries     8
export   ``GET /v1/export?format=turtle|ntriples``                                2
health   ``GET /v1/health``                                                       6
bad      bad input on purpose: unknown ids and terms, an update, a bad format     6
======== ================================================================== ======

Each thread draws from its own generator seeded from ``--seed`` and starts with one
request of every route, so even a short run covers them all. An *error* is a transport
error, a timeout, a 5xx, or any status the request did not expect (a 404 for an id taken
from the concept list, a 200 for bad input); the 4xx answers that bad input should get
are tallied per status as ``expected_non_2xx``, not as errors, as are followed redirects
(``redirects``). The first few errors of each route are kept with their request.

Memory is VmRSS from ``/proc/PID/status``: of the server process with one worker, or
summed over uvicorn's worker processes with more (``rss_*``), and summed over the whole
process tree, SPARQL worker processes included (``rss_tree_*``); read after the warm-up,
every ``--sample`` seconds during the run, and at the end. With one worker, the read
cache's size as ``/metrics`` reports it (``kg_read_cache_bytes``) is read at the same
moments (``read_cache_samples_mb``) and ``rss_growth_net_of_cache_pct`` leaves out what
the cache took: it holds up to ``KG_CACHE_MAX_BYTES`` (128 MB by default) of answers, so
traffic over many distinct URLs grows RSS until it is full without leaking; the run is
then judged on the growth net of the cache. With more workers (whose caches ``/metrics``
cannot tell apart) it is judged on RSS as measured; ``KG_CACHE_MAX_BYTES=0`` in the
environment turns the cache off in the server started. Prints one JSON line and exits 1
when there were errors or either sum grew by more than ``--max-growth`` percent (10 by
default), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.http import children, free_port, server
from kg.rdf import SKOS
from kg.settings import Settings

WEIGHTS = {
    "lookup": 18,
    "by_name": 6,
    "list": 2,
    "search": 16,
    "relate": 14,
    "ask": 12,
    "annotate": 8,
    "sparql": 8,
    "export": 2,
    "health": 6,
    "bad": 6,
}
ROUTES = tuple(WEIGHTS)
DETAILS = 300
"""Most concept details fetched to learn labels, aliases and IRIs."""
SAMPLES_PER_ROUTE = 5


# --- memory -------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it, parents first."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        tree.append(p)
        todo.extend(children(p))
    return tree


def rss_kib(pid: int) -> int:
    """VmRSS of ``pid`` in KiB; 0 when it has gone.

    >>> rss_kib(os.getpid()) > 0
    True
    """
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def serving(root: int, workers: int) -> list[int]:
    """The processes answering requests: ``root`` itself with one worker, else uvicorn's
    worker processes (its children other than multiprocessing's resource tracker)."""
    if workers <= 1:
        return [root]
    return [p for p in children(root) if "resource_tracker" not in _cmdline(p)]


@dataclass
class Memory:
    """RSS of the server's processes, in MiB, as read at one moment."""

    serving_mb: float
    tree_mb: float
    processes: dict[int, float]
    cache_mb: float | None = None
    cache_entries: int | None = None

    @classmethod
    def read(cls, root: int, workers: int, cache: tuple[float, int] | None = None) -> Memory:
        tree = {p: rss_kib(p) / 1024 for p in process_tree(root)}
        return cls(
            serving_mb=sum(rss_kib(p) for p in serving(root, workers)) / 1024,
            tree_mb=sum(tree.values()),
            processes=tree,
            cache_mb=cache[0] if cache else None,
            cache_entries=cache[1] if cache else None,
        )


def read_cache(client: httpx.Client) -> tuple[float, int] | None:
    """The read cache's size in MiB and its entries as ``/metrics`` reports them
    (``kg_read_cache_bytes``, ``kg_read_cache_entries``; of the one process that
    answers); None when the server does not say."""
    try:
        r = client.get("/metrics")
    except httpx.HTTPError:
        return None
    found: dict[str, float] = {}
    if r.status_code == 200:
        for line in r.text.splitlines():
            name, _, value = line.partition(" ")
            if name in ("kg_read_cache_bytes", "kg_read_cache_entries"):
                found[name] = float(value)
    if len(found) < 2:
        return None
    return found["kg_read_cache_bytes"] / 2**20, int(found["kg_read_cache_entries"])


def growth_pct(start: float, end: float) -> float:
    """Percent growth from ``start`` to ``end``.

    >>> growth_pct(100.0, 104.5)
    4.5
    """
    return round(100 * (end - start) / start, 2) if start else 0.0


def find_server(port: int) -> int | None:
    """The ``kg serve`` process this process started on ``port``, if any."""
    for pid in children(os.getpid()):
        line = _cmdline(pid)
        if "serve" in line and f"--port {port}" in line:
            return pid
    return None


# --- what the graph holds -----------------------------------------------------------


@dataclass
class World:
    """What the requests are built from, learnt through the API."""

    ids: list[str]
    names: list[tuple[str, str]]
    """(label or alias, id) for the concepts whose details were read"""
    iris: list[str]
    texts: list[str]


def discover(client: httpx.Client, rng: random.Random) -> World:
    ids: list[str] = []
    while True:
        page = client.get("/v1/concepts", params={"limit": 500, "offset": len(ids)})
        page.raise_for_status()
        data = page.json()
        ids.extend(item["id"] for item in data["items"])
        if not data["items"] or len(ids) >= data["total"]:
            break
    if len(ids) < 2:
        raise RuntimeError("the graph needs at least two concepts")
    names: list[tuple[str, str]] = []
    iris: list[str] = []
    for cid in rng.sample(ids, min(DETAILS, len(ids))):
        detail = client.get("/v1/concepts/" + urllib.parse.quote(cid, safe=""))
        detail.raise_for_status()
        d = detail.json()
        iris.append(d["uri"])
        names.extend((name, cid) for name in [d["label"], *d["aliases"]] if name != cid)
    sources = client.get("/v1/sources")
    sources.raise_for_status()
    texts = []
    for s in sources.json()["items"]:
        if s["has_text"]:
            text = client.get(f"/v1/sources/{urllib.parse.quote(s['id'], safe='')}/text")
            text.raise_for_status()
            texts.append(text.text)
    if not texts:
        texts = [" ".join(name for name, _ in names) or " ".join(ids)]
    return World(ids=ids, names=names or [(cid, cid) for cid in ids], iris=iris, texts=texts)


# --- the mix ------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    route: str
    method: str
    url: str
    expect: frozenset[int] = frozenset({200})
    json: dict[str, Any] | None = None
    follow: bool = False


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter dropped, doubled, swapped with the next, or replaced.

    >>> len(typo("mesa-optimizer", random.Random(1))) in (13, 14, 15)
    True
    """
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1)
    how = rng.randrange(4)
    if how == 0:
        return word[:i] + word[i + 1 :]
    if how == 1:
        return word[:i] + word[i] + word[i:]
    if how == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


class Mix:
    """Draws requests by weight; the first ones cover every route once."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.first = list(ROUTES)
        rng.shuffle(self.first)
        self.make: dict[str, Callable[[], Request]] = {r: getattr(self, "_" + r) for r in ROUTES}

    def next(self) -> Request:
        route = (
            self.first.pop()
            if self.first
            else self.rng.choices(ROUTES, weights=[WEIGHTS[r] for r in ROUTES])[0]
        )
        return self.make[route]()

    def _name(self) -> str:
        w, rng = self.world, self.rng
        return rng.choice(w.names)[0] if rng.random() < 0.6 else rng.choice(w.ids)

    def _lookup(self) -> Request:
        return Request("lookup", "GET", "/v1/concepts/" + _q(self.rng.choice(self.world.ids)))

    def _by_name(self) -> Request:
        name = self.rng.choice(self.world.names)[0]
        return Request("by_name", "GET", "/v1/concepts/" + _q(name), follow=True)

    def _list(self) -> Request:
        limit = self.rng.choice((10, 50, 100, 500))
        offset = self.rng.randrange(max(1, len(self.world.ids)))
        return Request("list", "GET", f"/v1/concepts?limit={limit}&offset={offset}")

    def _search(self) -> Request:
        rng = self.rng
        name = self._name()
        if rng.random() < 0.5:
            q = name[: rng.randint(min(2, len(name)), len(name))]
        else:
            q = typo(name, rng)
        if rng.random() < 0.5:
            q = q.lower()
        return Request("search", "GET", "/v1/search?q=" + _q(q.strip() or name))

    def _relate(self) -> Request:
        x, y = self.rng.sample(self.world.ids, 2)
        return Request("relate", "GET", f"/v1/relate?x={_q(x)}&y={_q(y)}")

    def _ask(self) -> Request:
        rng = self.rng
        x, y = self._name(), self._name()
        q = rng.choice(
            (
                f"What is {x}?",
                f"what is {x.lower()}",
                f"What are examples of {x}?",
                f"How does {x} relate to {y}?",
                f"how is {x} related to {y}",
                f"What is the difference between {x} and {y}?",
                f"difference between {x.lower()} and {y.lower()}",
            )
        )
        return Request("ask", "GET", "/v1/ask?q=" + _q(q))

    def _annotate(self) -> Request:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(1, 3)):
            text = rng.choice(self.world.texts)
            size = rng.randint(300, 2000)
            start = rng.randrange(max(1, len(text) - size))
            dot = text.find(". ", start)
            start = dot + 2 if 0 <= dot < start + size // 2 else start
            parts.append(text[start : start + size])
        return Request(
            "annotate",
            "POST",
            "/v1/annotate",
            json={"text": "\n\n".join(parts), "first_only": rng.random() < 0.7},
        )

    def _sparql(self) -> Request:
        rng, w = self.rng, self.world
        iri = rng.choice(w.iris)
        n = rng.randint(1, 100)
        query = rng.choice(
            (
                f"PREFIX skos: <{SKOS.iri}> SELECT ?c ?label WHERE {{ ?c skos:prefLabel ?label }} "
                f"LIMIT {n}",
                f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT {n}",
                f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT {n}",
                f"PREFIX skos: <{SKOS.iri}> SELECT ?b WHERE {{ <{iri}> skos:broader ?b }} LIMIT 10",
                f"PREFIX skos: <{SKOS.iri}> ASK {{ <{iri}> skos:prefLabel ?l }}",
                f"PREFIX skos: <{SKOS.iri}> SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a skos:Concept }} "
                "LIMIT 1",
            )
        )
        return Request("sparql", "GET", "/v1/sparql?query=" + _q(query))

    def _export(self) -> Request:
        fmt = self.rng.choice(("turtle", "ntriples"))
        return Request("export", "GET", "/v1/export?format=" + fmt)

    def _health(self) -> Request:
        return Request("health", "GET", "/v1/health")

    def _bad(self) -> Request:
        rng = self.rng
        junk = "".join(rng.choices("qxzjvk", k=12))
        cid = rng.choice(self.world.ids)
        return rng.choice(
            (
                Request("bad", "GET", f"/v1/concepts/zz-{junk}", frozenset({404})),
                Request("bad", "GET", f"/v1/relate?x={_q(cid)}&y={junk}", frozenset({404})),
                Request(
                    "bad",
                    "GET",
                    f"/v1/relate?x={_q(cid)}&y={_q(cid)}&max_hops=99",
                    frozenset({422}),
                ),
                Request("bad", "GET", "/v1/search?q=", frozenset({422})),
                Request("bad", "GET", "/v1/export?format=" + junk, frozenset({400})),
                Request(
                    "bad",
                    "GET",
                    "/v1/sparql?query=" + _q("INSERT DATA { <a:b> <a:c> 1 }"),
                    frozenset({400}),
                ),
                Request("bad", "POST", "/v1/annotate", frozenset({422}), json={"txt": junk}),
            )
        )


# --- running ------------------------------------------------------------------------


@dataclass
class Tally:
    """What one client thread saw on one route."""

    ms: list[float] = field(default_factory=list)
    errors: int = 0
    expected: Counter[int] = field(default_factory=Counter)
    redirects: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        self.ms += other.ms
        self.errors += other.errors
        self.expected += other.expected
        self.redirects += other.redirects
        self.samples += other.samples[: SAMPLES_PER_ROUTE - len(self.samples)]


class Tickets:
    """At most ``limit`` requests in all threads together."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def send(client: httpx.Client, req: Request, tally: Tally) -> None:
    """One request; its latency and outcome go into ``tally``."""
    outcome: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        r = client.request(req.method, req.url, json=req.json, follow_redirects=req.follow)
        r.read()
    except httpx.TimeoutException as e:
        outcome = {"error": f"timeout: {type(e).__name__}"}
    except httpx.HTTPError as e:
        outcome = {"error": f"transport: {type(e).__name__}: {e}"}
    ms = (time.perf_counter() - started) * 1000
    tally.ms.append(ms)
    if not outcome:
        if r.history:
            tally.redirects += 1
        if r.status_code in req.expect:
            if r.status_code >= 300:
                tally.expected[r.status_code] += 1
            return
        outcome = {"status": r.status_code, "body": r.text[:300]}
    tally.errors += 1
    if len(tally.samples) < SAMPLES_PER_ROUTE:
        tally.samples.append(
            {
                "method": req.method,
                "url": req.url,
                **({"json": req.json} if req.json else {}),
                **outcome,
                "ms": round(ms, 1),
            }
        )


def drive(
    base: str,
    world: World,
    *,
    seconds: float,
    concurrency: int,
    max_requests: int,
    seed: int,
    timeout: float,
    on_tick: Callable[[], None] | None = None,
    tick: float = 10.0,
) -> tuple[dict[str, Tally], float, bool]:
    """Run the mix; returns the tallies by route, the seconds taken and whether it was
    interrupted. ``on_tick`` runs every ``tick`` seconds in the calling thread."""
    stop = threading.Event()
    tickets = Tickets(max_requests)
    per_thread: list[dict[str, Tally]] = [{r: Tally() for r in ROUTES} for _ in range(concurrency)]

    def client_loop(i: int) -> None:
        mix = Mix(world, random.Random(f"{seed}/{i}"))
        tallies = per_thread[i]
        with httpx.Client(base_url=base, timeout=timeout) as client:
            while not stop.is_set() and tickets.take():
                req = mix.next()
                send(client, req, tallies[req.route])

    threads = [
        threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(concurrency)
    ]
    started = time.monotonic()
    end = started + seconds
    next_tick = started + tick
    interrupted = False
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            now = time.monotonic()
            if now >= end:
                break
            if on_tick is not None and now >= next_tick:
                on_tick()
                next_tick += tick
            time.sleep(min(0.2, max(0.0, end - now)))
    except KeyboardInterrupt:
        interrupted = True
    stop.set()
    for t in threads:
        t.join(timeout + 5)
    elapsed = time.monotonic() - started
    out = {r: Tally() for r in ROUTES}
    for tallies in per_thread:
        for r, tally in tallies.items():
            out[r].merge(tally)
    return out, elapsed, interrupted


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile by nearest rank.

    >>> percentile([float(v) for v in range(1, 101)], 99)
    99.0
    >>> percentile([5.0], 50)
    5.0
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(tallies: dict[str, Tally]) -> dict[str, dict[str, Any]]:
    """Count, errors, expected non-2xx answers, redirects and latencies of each route."""
    out: dict[str, dict[str, Any]] = {}
    for route, t in tallies.items():
        row: dict[str, Any] = {"count": len(t.ms), "errors": t.errors}
        if t.expected:
            row["expected_non_2xx"] = {str(k): v for k, v in sorted(t.expected.items())}
        if t.redirects:
            row["redirects"] = t.redirects
        for p in (50, 95, 99):
            row[f"p{p}_ms"] = round(percentile(t.ms, p), 1)
        row["max_ms"] = round(max(t.ms, default=0.0), 1)
        out[route] = row
    return out


@contextmanager
def started_server(data: Path, workers: int) -> Iterator[tuple[str, int | None]]:
    """``kg serve`` on a free loopback port (see :func:`bench.http.server`): base URL, pid."""
    port = free_port()
    env = {**os.environ, "KG_DATA_DIR": str(data.resolve())}
    # critical: bench.http.server leaves the server's stderr in a pipe nobody reads, so
    # logged tracebacks would fill it and stall the server; the failing requests are
    # reported here instead
    with server(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "critical",
        ],
        port,
        env,
    ) as base:
        yield base, find_server(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="length of the run")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=500_000,
        help="stop after this many requests even if time is left",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--data", help="data directory (default: the shipped data)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (with --base: how many the server runs)",
    )
    parser.add_argument("--base", help="load this running server instead of starting one")
    parser.add_argument("--pid", type=int, help="with --base: the server's pid, to read RSS")
    parser.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="seconds of the mix before memory is first read (not counted)",
    )
    parser.add_argument(
        "--sample", type=float, default=10, help="seconds between memory readings during the run"
    )
    parser.add_argument(
        "--max-growth",
        type=float,
        default=10.0,
        help="percent RSS growth above which the run fails",
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else Settings().data_dir

    figures: dict[str, Any] = {
        "bench": "load",
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "max_requests": args.max_requests,
        "seed": args.seed,
    }
    run = (
        nullcontext((args.base.rstrip("/"), args.pid))
        if args.base
        else started_server(data, args.workers)
    )
    with run as (base, pid):
        figures["base"] = base
        with httpx.Client(base_url=base, timeout=args.timeout) as client:
            world = discover(client, random.Random(args.seed))
        figures["concepts"] = len(world.ids)
        warm, _, interrupted = drive(
            base,
            world,
            seconds=args.warmup,
            concurrency=args.concurrency,
            max_requests=args.max_requests,
            seed=args.seed + 1,
            timeout=args.timeout,
        )
        memory: list[Memory] = []

        def read() -> None:
            if pid is not None:
                with httpx.Client(base_url=base, timeout=args.timeout) as client:
                    cache = read_cache(client) if args.workers == 1 else None
                memory.append(Memory.read(pid, args.workers, cache))

        if pid is None and not args.base:
            print("bench.load: could not find the server process; RSS not read", file=sys.stderr)
        read()
        if not interrupted:
            tallies, elapsed, interrupted = drive(
                base,
                world,
                seconds=args.seconds,
                concurrency=args.concurrency,
                max_requests=args.max_requests,
                seed=args.seed,
                timeout=args.timeout,
                on_tick=read,
                tick=args.sample,
            )
        else:
            tallies, elapsed = {r: Tally() for r in ROUTES}, 0.0
        read()

    routes = summary(tallies)
    warm_routes = summary(warm)
    requests = sum(r["count"] for r in routes.values())
    errors = sum(r["errors"] for r in routes.values())
    figures.update(
        elapsed_s=round(elapsed, 1),
        requests=requests,
        rps=round(requests / elapsed, 1) if elapsed else 0.0,
        errors=errors,
        expected_non_2xx=sum(sum(r.get("expected_non_2xx", {}).values()) for r in routes.values()),
        warmup_requests=sum(r["count"] for r in warm_routes.values()),
        warmup_errors=sum(r["errors"] for r in warm_routes.values()),
        routes=routes,
    )
    failed = errors > 0 or figures["warmup_errors"] > 0
    if memory:
        first, last = memory[0], memory[-1]
        figures.update(
            rss_start_mb=round(first.serving_mb, 1),
            rss_end_mb=round(last.serving_mb, 1),
            rss_growth_pct=growth_pct(first.serving_mb, last.serving_mb),
            rss_tree_start_mb=round(first.tree_mb, 1),
            rss_tree_end_mb=round(last.tree_mb, 1),
            rss_tree_growth_pct=growth_pct(first.tree_mb, last.tree_mb),
            rss_samples_mb=[round(m.serving_mb, 1) for m in memory],
            **(
                {
                    "read_cache_samples_mb": [
                        round(m.cache_mb, 1) for m in memory if m.cache_mb is not None
                    ]
                }
                if all(m.cache_mb is not None for m in memory)
                else {}
            ),
            processes={
                str(p): [round(first.processes.get(p, 0.0), 1), round(mb, 1)]
                for p, mb in last.processes.items()
            },
        )
        judged = [figures["rss_growth_pct"], figures["rss_tree_growth_pct"]]
        if first.cache_mb is not None and last.cache_mb is not None:
            # what the read cache took is bounded (KG_CACHE_MAX_BYTES, which counts every
            # byte an answer holds), not a leak: the run is judged net of it
            cached = last.cache_mb - first.cache_mb
            figures["read_cache_entries_end"] = last.cache_entries
            figures["rss_growth_net_of_cache_pct"] = growth_pct(
                first.serving_mb, last.serving_mb - cached
            )
            judged = [
                figures["rss_growth_net_of_cache_pct"],
                growth_pct(first.tree_mb, last.tree_mb - cached),
            ]
        failed |= max(judged) > args.max_growth
    samples = [dict(route=r, **s) for r, t in tallies.items() for s in t.samples] + [
        dict(route=r, warmup=True, **s) for r, t in warm.items() for s in t.samples
    ]
    if samples:
        figures["error_samples"] = samples
    figures["interrupted"] = interrupted
    figures["ok"] = not failed and not interrupted
    print(json.dumps(figures), flush=True)
    return 130 if interrupted else 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
