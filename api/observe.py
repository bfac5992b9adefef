"""Request ids, a structured access log and Prometheus metrics.

:class:`Observe` sits in front of everything else (the read cache included), so every
answer, cached or not, gets an ``X-Request-ID`` header, one JSON line in the ``kg.access``
log and a place in the metrics served at ``/metrics``:

- ``kg_requests_total{method, route, status}``: answers given;
- ``kg_request_duration_seconds{route}``: a histogram of the time to answer;
- ``kg_graph_concepts``, ``kg_graph_relations``: the snapshot being served;
- ``kg_reloads_total{result}``: data reloads, ``ok`` or ``rejected``.

``route`` is the route's path template (``/v1/concepts/{cid}``), never the raw path, so
the number of series stays bounded; requests that match no route count as ``unmatched``.
Figures are per process: with ``--workers N`` each worker counts its own.

The access log is written off the request path (:class:`AccessLog`): a request only
queues its figures; a thread of the process turns them into JSON lines and hands them to
the ``kg.access`` logger a batch at a time, so the default server does not pay a log
record and a write to standard output for every request.
"""

from __future__ import annotations

import atexit
import functools
import json
import logging
import os
import random
import re
import threading
import time
from bisect import bisect_left
from collections import defaultdict, deque
from itertools import accumulate
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOG = logging.getLogger("kg.access")
REQUEST_ID = b"x-request-id"
_GOOD_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Upper bounds (seconds) of the latency histogram's buckets."""


def request_id(scope: Scope) -> str:
    """The client's ``X-Request-ID`` if it is a sane token, else a new random one."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID and _GOOD_ID.fullmatch(value):
            token: str = value.decode("ascii")
            return token
    return new_request_id()


def new_request_id() -> str:
    """A random id, written as :func:`uuid.uuid4`'s ``hex`` (version and variant bits
    included), from :mod:`random` rather than the system's random source: one system
    call less on every request (tens of microseconds on a busy machine). Ids only tell
    requests apart in logs; :mod:`random` draws a new seed in a forked worker."""
    bits = random.getrandbits(128) & ~_VERSION_MASK | _VERSION_4
    return f"{bits:032x}"


_VERSION_MASK = (0xF000 << 64) | (0xC000 << 48)
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def route_of(scope: Scope) -> str:
    """The path template of the route that answered, or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None) or scope.get("kg.route")
    return str(path) if path else "unmatched"


class Metrics:
    """Counters and latency histograms, written in Prometheus' text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        # answers by the first bucket they fit in (the last: none), summed up when shown
        self.buckets: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.sums: defaultdict[str, float] = defaultdict(float)
        self.counts: defaultdict[str, int] = defaultdict(int)
        self.reloads: defaultdict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            self.buckets[route][bisect_left(BUCKETS, seconds)] += 1
            self.sums[route] += seconds
            self.counts[route] += 1

    def reloaded(self, result: str) -> None:
        with self._lock:
            self.reloads[result] += 1

    def render(self, gauges: dict[str, tuple[str, float]]) -> str:
        """Everything counted so far, plus ``gauges`` (name: (help, value))."""
        out: list[str] = []
        with self._lock:
            out += [
                "# HELP kg_requests_total Answers given, by method, route and status.",
                "# TYPE kg_requests_total counter",
            ]
            for (method, route, status), n in sorted(self.requests.items()):
                out.append(
                    f"kg_requests_total{{method={_q(method)},route={_q(route)},"
                    f'status="{status}"}} {n}'
                )
            out += [
                "# HELP kg_request_duration_seconds Time to answer, by route.",
                "# TYPE kg_request_duration_seconds histogram",
            ]
            for route in sorted(self.counts):
                label = f"route={_q(route)}"
                below = accumulate(self.buckets[route][: len(BUCKETS)])
                for bound, n in zip(BUCKETS, below, strict=True):
                    out.append(f'kg_request_duration_seconds_bucket{{{label},le="{bound}"}} {n}')
                out.append(
                    f'kg_request_duration_seconds_bucket{{{label},le="+Inf"}} {self.counts[route]}'
                )
                out.append(f"kg_request_duration_seconds_sum{{{label}}} {self.sums[route]:.6f}")
                out.append(f"kg_request_duration_seconds_count{{{label}}} {self.counts[route]}")
            out += [
                "# HELP kg_reloads_total Data reloads, by result.",
                "# TYPE kg_reloads_total counter",
            ]
            for result in ("ok", "rejected"):
                out.append(f'kg_reloads_total{{result="{result}"}} {self.reloads[result]}')
        for name, (help_, value) in gauges.items():
            out += [f"# HELP {name} {help_}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(out) + "\n"


def _q(value: str) -> str:
    """A label value, quoted and escaped for the text format."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_Entry = tuple[float, str, str, str, bytes, str, int, int, float, str | None]
"""What a request leaves for the access log: end time, request id, method, path, query
string, route, status, bytes sent, seconds taken, client address."""


class AccessLog:
    """The ``kg.access`` log, written by a thread of its own.

    :meth:`add` appends a request's figures to a queue (a deque append, which needs no
    lock); at most every ``interval`` seconds the writer thread formats what is queued as
    JSON lines (:func:`access_line`) and logs them as one record whose message is the
    lines joined by newlines, so a batch costs one record and one write. Each line is
    what a request logged before, in the order the requests ended. The thread starts
    with the first request of a process (none is started at import); a forked child
    (``kg serve --workers N`` forks them) starts afresh, with a lock of its own, nothing
    queued (what the parent queued is the parent's to write) and its own thread on its
    first request. What is still queued when the process exits is written by
    :meth:`flush`, registered with :mod:`atexit`.
    """

    def __init__(self, logger: logging.Logger = ACCESS_LOG, interval: float = 0.05) -> None:
        self.logger = logger
        self.interval = interval
        self._queued: deque[_Entry] = deque()
        self._writing = threading.Lock()
        self._running = False  # whether this process's writer thread is started
        os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        self._queued = deque()
        self._writing = threading.Lock()
        self._running = False

    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def add(self, entry: _Entry) -> None:
        self._queued.append(entry)
        if not self._running:
            self._start()

    def _start(self) -> None:
        with self._writing:
            if self._running:
                return
            self._running = True
            threading.Thread(target=self._run, name="kg-access-log", daemon=True).start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()

    def flush(self) -> None:
        """Log everything queued so far, as one record."""
        with self._writing:
            lines = []
            while self._queued:
                ended, rid, method, path, query, route, status, sent, took, client = (
                    self._queued.popleft()
                )
                lines.append(
                    _line(ended, rid, method, path, query, route, status, sent, took, client)
                )
            if lines:
                self.logger.info("\n".join(lines))


ACCESS = AccessLog()
"""The process's access log (one writer thread per process, started on first use)."""


class Observe:
    """ASGI middleware: request id, access log line and metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, log: AccessLog = ACCESS) -> None:
        self.app = app
        self.metrics = metrics
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope["kg.request_id"] = rid
        started = time.perf_counter()
        status = 500
        sent = 0

        async def tagged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID, rid.encode("ascii")),
                ]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            self.answered(scope, rid, route_of(scope), status, sent, started)

    def answered(
        self, scope: Scope, rid: str, route: str, status: int, sent: int, started: float
    ) -> None:
        """Count an answer in the metrics and queue its access log line: ``status`` and
        ``sent`` bytes of body, begun at ``started`` (:func:`time.perf_counter`)."""
        elapsed = time.perf_counter() - started
        self.metrics.observe(scope["method"], route, status, elapsed)
        if self.log.enabled():
            client = scope.get("client")
            self.log.add(
                (
                    time.time(),
                    rid,
                    scope["method"],
                    scope["path"],
                    scope.get("query_string", b""),
                    route,
                    status,
                    sent,
                    elapsed,
                    client[0] if client else None,
                )
            )


def access_line(scope: Scope, rid: str, route: str, status: int, sent: int, elapsed: float) -> str:
    """One JSON object describing an answered request (as the access log writes it)."""
    client = scope.get("client")
    query = scope.get("query_string", b"")
    return _line(
        time.time(),
        rid,
        scope["method"],
        scope["path"],
        query,
        route,
        status,
        sent,
        elapsed,
        client[0] if client else None,
    )


def _line(
    ended: float,
    rid: str,
    method: str,
    path: str,
    query: bytes,
    route: str,
    status: int,
    sent: int,
    took: float,
    client: str | None,
) -> str:
    line: dict[str, Any] = {
        "time": _utc_second(int(ended)),
        "request_id": rid,
        "method": method,
        "path": path,
        "query": query.decode("latin-1")[:1000],
        "route": route,
        "status": status,
        "bytes": sent,
        "duration_ms": round(took * 1000, 2),
        "client": client,
    }
    encoded = orjson.dumps(line)
    if encoded.isascii():
        return encoded.decode("ascii")
    # as the standard library writes it: non-ASCII characters escaped, so the line is the
    # same whatever encoding the log's stream has
    return json.dumps(line, separators=(",", ":"))


@functools.lru_cache(maxsize=4)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))


class HeadAsGet:
    """Answer HEAD wherever GET is answered: the GET's status and headers, no body.

    FastAPI routes declared for GET do not take HEAD (Starlette's own routes do), so a
    client checking a URL with HEAD got a 405.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
