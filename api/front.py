"""The app's front door: an answer kept by the read cache, given in one step.

A request passes through the layers :func:`api.app.create_app` stacks in front of
Starlette (security headers, session caching, request id with log and metrics, URL
length, rate, CORS, OPTIONS, the read cache), each an ASGI middleware wrapping the
``send`` of the next. For most requests of a read-mostly service that is a lot of
Python for an answer already in memory: ten coroutine frames and five header rewrites
for a few hundred bytes of headers that are the same every time.

:class:`Front` sits in front of them all. A GET or HEAD the read cache can answer
without a 304, with no rate limit set, is answered here: the entry's headers with what
the layers would have added around them, worked out once when the entry is kept (by the
layers' own functions, so they cannot drift apart), the request id in its place, then
the metrics and the access log as :class:`api.observe.Observe` records them. Anything
else (a miss, an ``If-None-Match``, a page, an ``OPTIONS``, a URL over the limit) goes
through the layers as before, which give the same answer a hit gets here.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from api.cache import Around, Headers, ReadCache
from api.cors import CrossOrigin
from api.observe import _GOOD_ID, REQUEST_ID, Observe, new_request_id
from api.security import headers_for
from api.workbench import session_caching

ACCEPT = b"accept"
IF_NONE_MATCH = b"if-none-match"


class Front:
    """``app`` (the stacked layers), with answers from ``cache`` given directly."""

    def __init__(
        self,
        app: ASGIApp,
        cache: ReadCache,
        observe: Observe,
        cross_origin: CrossOrigin,
        max_url_bytes: int,
    ) -> None:
        self.app = app
        self.cache = cache
        self.observe = observe
        self.cross_origin = cross_origin
        self.max_url_bytes = max_url_bytes
        cache.around = self.around

    def around(self, headers: Headers) -> Around | None:
        """What the layers put around a cached 200 answer's ``headers``: CrossOrigin's
        headers before the request id, the security headers after it. None for a page,
        whose headers depend on the request's session cookie."""
        if session_caching({}, 200, headers) is not headers:
            return None
        before = self.cross_origin.opened(headers)
        return before, headers_for(200, [*before, (REQUEST_ID, b"")])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.cache.cacheable(scope)
            or len(scope.get("query_string", b"")) > self.max_url_bytes
            or len(scope.get("raw_path") or b"") > self.max_url_bytes
        ):
            await self.app(scope, receive, send)
            return
        accept = b""
        rid: bytes | None = None
        for name, value in scope["headers"]:
            if name == ACCEPT:
                accept = value  # the last one, as the cache's key takes it
            elif name == REQUEST_ID:
                if rid is None and _GOOD_ID.fullmatch(value):
                    rid = value
            elif name == IF_NONE_MATCH:
                await self.app(scope, receive, send)  # a 304, perhaps: the layers say
                return
        key = (scope["path"].encode(), scope["query_string"], accept)
        entry = self.cache.find(key)
        if entry is None or entry.around is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        self.cache.hit(key)
        request_id = rid.decode("ascii") if rid is not None else new_request_id()
        scope["kg.request_id"] = request_id
        scope["kg.route"] = entry.route
        before, after = entry.around
        status = 500
        sent = 0
        try:
            status = 200
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*before, (REQUEST_ID, request_id.encode("ascii")), *after],
                }
            )
            body = b"" if scope["method"] == "HEAD" else entry.body
            sent = len(body)
            await send({"type": "http.response.body", "body": body})
        finally:
            self.observe.answered(
                scope, request_id, entry.route or "unmatched", status, sent, started
            )
