"""Cross-origin reads and the methods a path allows.

Linked Data browsers, SPARQL editors (YASGUI and the like) and JSON-LD playgrounds run
in a page of another origin: CrossOrigin lets them read every answer
(``Access-Control-Allow-Origin: *``, no credentials). Preflights are answered for the
methods reads use (GET, HEAD, POST: SPARQL, verify and annotate take a body) and the
headers they send; a preflight for a write (PUT, PATCH, DELETE, or any request carrying
``Authorization``) is refused, so the curation API stays same-origin.

:func:`allowed_methods` is the one list of the methods a path takes, which a plain
``OPTIONS`` (:class:`Options`) and a 405's ``Allow`` header (:mod:`api.errors`) both
report: a path served by several routes (``GET`` and ``POST /v1/sparql``) allows all of
their methods, not only the first route's.
"""

from __future__ import annotations

import functools
import re

from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem

READ_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
"""What a cross-origin page may send (a preflight for anything else is refused)."""
READ_HEADERS = ["Accept", "Accept-Language", "Content-Type", "If-None-Match"]
"""The request headers a cross-origin read may carry (``Authorization`` is not one)."""
EXPOSED = ["ETag", "Link", "Location", "Retry-After", "Content-Disposition", "X-Request-Id"]
"""Response headers a cross-origin script may read besides the CORS-safelisted ones."""
MAX_AGE = 86400
"""How long a browser may keep a preflight's answer, in seconds."""


class CrossOrigin:
    """``app`` answering cross-origin reads and their preflights (see the module).

    Every answer carries ``Access-Control-Allow-Origin: *``, whether the request named an
    Origin or not: the same bytes for every client, so a cache that kept an answer for
    one can serve it to a page of another origin, and nothing varies by Origin.
    Preflights go to Starlette's ``CORSMiddleware``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.preflight = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=READ_METHODS,
            allow_headers=READ_HEADERS,
            max_age=MAX_AGE,
        )
        self.headers = {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": ", ".join(EXPOSED),
        }
        self._raw = {
            k.lower().encode("latin-1"): v.encode("latin-1") for k, v in self.headers.items()
        }

    def _open(self, message: Message) -> None:
        """``MutableHeaders(scope=message).update(self.headers)``: the answer's headers, in a
        new list, with these set; appended at once when none of them is there yet, as
        nearly always, without that update's work for each header."""
        headers = message.get("headers")
        if type(headers) is list and not any(name in self._raw for name, _ in headers):
            message["headers"] = [*headers, *self._raw.items()]
        else:
            MutableHeaders(scope=message).update(self.headers)

    def opened(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """The headers this layer gives an answer that has ``headers`` (a new list)."""
        message: Message = {"type": "http.response.start", "headers": list(headers)}
        self._open(message)
        opened: list[tuple[bytes, bytes]] = message["headers"]
        return opened

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope) if scope["method"] == "OPTIONS" else None
        if request is not None and {"origin", "access-control-request-method"} <= set(
            request.keys()
        ):
            answer = self.preflight.preflight_response(request_headers=request)
            if answer.status_code >= 400:  # Starlette says why in plain text
                answer = problem(
                    403,
                    "Forbidden",
                    f"Cross-origin requests may only read: {bytes(answer.body).decode()}. Allowed "
                    f"methods: {', '.join(READ_METHODS)}; headers: {', '.join(READ_HEADERS)}.",
                    "cross-origin-refused",
                )
            await answer(scope, receive, send)
            return

        async def send_open(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._open(message)
            await send(message)

        await self.app(scope, receive, send_open)


def allowed_methods(routes: list[BaseRoute], path: str) -> list[str]:
    """The methods the routes serving ``path`` take, sorted, with OPTIONS (empty when
    no route serves it). Included routers are walked through as FastAPI routes them."""
    methods: set[str] = set()
    for route in iter_route_contexts(routes):
        if route.methods and route.path and _pattern(route.path).match(path):
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")  # api.observe.HeadAsGet answers HEAD wherever GET is
    return sorted(methods | {"OPTIONS"}) if methods else []


@functools.lru_cache(maxsize=1024)
def _pattern(template: str) -> re.Pattern[str]:
    return compile_path(template)[0]


class Options:
    """Answers a plain ``OPTIONS`` (not a preflight, which :class:`CrossOrigin` answers)
    with 204 and the path's ``Allow``; a path no route serves goes on to its 404."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            methods = allowed_methods(self.routes, scope["path"])
            if methods:
                headers = [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
