"""Serve read answers from memory with strong ETags.

The graph is an immutable snapshot, so the answer to a GET of the read API depends only
on the URL and the Accept header. The first request renders it; later ones are served
from memory without touching routing, validation or serialisation, with a strong ETag
(a hash of the bytes) and ``Cache-Control``, and a ``304 Not Modified`` when the client
already holds those bytes (``If-None-Match``). When the app is handed a new graph (a
reload), everything cached for the old one is dropped.
"""

from __future__ import annotations

import hashlib
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.headers import none_match as matches

Headers = list[tuple[bytes, bytes]]
Around = tuple[Headers, Headers]
"""What the layers in front of the cache put around an answer's own headers: the headers
before the request id and those after it."""

CACHEABLE = (
    "/v1/concepts",
    "/v1/relate",
    "/v1/search",
    "/v1/ask",
    "/v1/context",  # and /v1/context.jsonld
    "/v1/sources",
    "/v1/ontology",
    "/v1/export",
)
"""Path prefixes whose GET answers depend only on the graph, the URL and Accept."""

FROM_STORE = frozenset({"record", "history"})
"""Under /v1/concepts/{id}/, answers read from the store (its ETags and revision log),
which may be ahead of this worker's graph: never cached."""


@dataclass(frozen=True)
class Entry:
    """One cached answer."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    route: str | None = None
    """The path template of the route that rendered it (for metrics and logs)."""
    cost: int = 0
    """The memory it takes, as counted against the cache's limit (see :func:`cost_of`)."""
    around: Around | None = None
    """The headers the layers in front of the cache give it, before and after the
    request id, when they are the same for every request (see :class:`api.front.Front`)."""


ENTRY_OVERHEAD = 400
"""Bytes of an entry beyond its body, key and headers: the entry object, its place in
the ordered dict, the tuples holding key and headers."""


def cost_of(key: tuple[bytes, ...], headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """The memory an entry takes: body, key, headers and bookkeeping (on a 64-bit build a
    small answer's bookkeeping outweighs its body, so counting bodies alone would let
    the cache grow well past its limit)."""
    return (
        sys.getsizeof(body)
        + sum(sys.getsizeof(part) for part in key)
        + sum(sys.getsizeof(k) + sys.getsizeof(v) + 56 for k, v in headers)
        + ENTRY_OVERHEAD
    )


def etag_of(body: bytes) -> bytes:
    """A strong entity tag for ``body``: a quoted hash of its bytes."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


class ReadCache:
    """ASGI middleware caching 200 answers to cacheable GETs (see the module notes)."""

    def __init__(
        self,
        app: ASGIApp,
        graph_of: Callable[[], object],
        max_bytes: int = 128 * 1024 * 1024,
        max_entry: int = 4 * 1024 * 1024,
        max_age: int = 60,
    ) -> None:
        self.app = app
        self.graph_of = graph_of
        """The graph being served: answers cached for another one are dropped."""
        self.max_bytes = max_bytes
        self.max_entry = min(max_entry, max_bytes)
        # max_age 0: clients keep the answer but ask again each time (a 304 when it is
        # unchanged), as data taking writes may change at any moment
        self.cache_control = (
            f"public, max-age={max_age}" if max_age else "public, no-cache"
        ).encode()
        self.entries: OrderedDict[tuple[bytes, bytes, bytes], Entry] = OrderedDict()
        self.size = 0
        self.graph: object = None
        self.hits = self.misses = 0
        self.around: Callable[[Headers], Around | None] | None = None
        """Set by :class:`api.front.Front`: the headers it puts around an answer's own,
        worked out once for each answer kept."""

    def clear(self) -> None:
        """Forget every cached answer."""
        self.entries.clear()
        self.size = 0

    @staticmethod
    def cacheable(scope: Scope) -> bool:
        """Whether the answer to this HTTP request may come from the cache."""
        return (
            scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(CACHEABLE)
            and not FROM_STORE.intersection(scope["path"].split("/")[4:5])
        )

    def find(self, key: tuple[bytes, bytes, bytes]) -> Entry | None:
        """The answer kept for ``key`` (path, query string, Accept), if any, not yet
        counted as a hit; everything kept is dropped first if the graph served is new."""
        graph = self.graph_of()
        if graph is not self.graph:  # a new snapshot: nothing cached is true of it
            self.clear()
            self.graph = graph
        return self.entries.get(key)

    def hit(self, key: tuple[bytes, bytes, bytes]) -> None:
        """Count an answer given from the cache for ``key``, which is used most recently."""
        self.hits += 1
        self.entries.move_to_end(key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.cacheable(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = (scope["path"].encode(), scope["query_string"], headers.get(b"accept", b""))
        entry = self.find(key)
        graph = self.graph
        if entry is not None:
            self.hit(key)
            scope["kg.route"] = entry.route
            await self._answer(
                entry, scope["method"] == "HEAD", headers.get(b"if-none-match"), send
            )
            return
        self.misses += 1
        if scope["method"] == "HEAD":  # a HEAD answer has no body to keep
            await self.app(scope, receive, send)
            return
        await self._render(scope, receive, send, key, headers.get(b"if-none-match"), graph)

    async def _answer(
        self, entry: Entry, head: bool, if_none_match: bytes | None, send: Send
    ) -> None:
        if if_none_match is not None and matches(if_none_match, entry.etag):
            keep = [(k, v) for k, v in entry.headers if k in (b"etag", b"cache-control", b"vary")]
            await send({"type": "http.response.start", "status": 304, "headers": keep})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": b"" if head else entry.body})

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[bytes, bytes, bytes],
        if_none_match: bytes | None,
        graph: object,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # the answer is not cached: forward it as it comes

        async def capture(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    passing = True
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_entry:  # too big to keep: send what we hold, then stream
                passing = True
                assert start is not None
                await send(start)
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(chunks),
                        "more_body": message.get("more_body", False),
                    }
                )
                return
            if not message.get("more_body", False):
                assert start is not None
                body = b"".join(chunks)
                entry = self._entry(key, start, body, getattr(scope.get("route"), "path", None))
                # kept only if no new snapshot came while it was made: it could be of
                # the old one, and a later request has cleared the cache already
                if self.graph is graph and self.graph_of() is graph:
                    self._keep(key, entry)
                await self._answer(entry, False, if_none_match, send)

        await self.app(scope, receive, capture)

    def _entry(
        self, key: tuple[bytes, bytes, bytes], start: Message, body: bytes, route: str | None = None
    ) -> Entry:
        etag = etag_of(body)
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k.lower() not in (b"etag", b"cache-control", b"content-length")
        ]
        headers += [
            (b"content-length", str(len(body)).encode()),
            (b"etag", etag),
            (b"cache-control", self.cache_control),
        ]
        cost = cost_of(key, headers, body)
        around = self.around(headers) if self.around is not None else None
        if around is not None:  # two lists more, and the tuples new in them
            before, after = around
            cost += sys.getsizeof(before) + sys.getsizeof(after)
            cost += 64 * (len(before) - len(headers))
        return Entry(headers, body, etag, route, cost, around)

    def _keep(self, key: tuple[bytes, bytes, bytes], entry: Entry) -> None:
        replaced = self.entries.pop(key, None)  # two requests rendered it at once
        if replaced is not None:
            self.size -= replaced.cost
        self.entries[key] = entry
        self.size += entry.cost
        while self.size > self.max_bytes and self.entries:
            _key, old = self.entries.popitem(last=False)
            self.size -= old.cost
