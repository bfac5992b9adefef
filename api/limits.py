"""Limits enforced before any handler runs: body size, URL length, request rate."""

from __future__ import annotations

import math
import threading
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import base_of, problem


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a 413 problem.

    A declared Content-Length over the limit is refused before reading; a body that
    grows past it while streaming stops the read with the same answer.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _detail(self) -> str:
        return f"The request body is larger than {self.limit:,} bytes."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                declared = value.decode("latin-1").strip()
                if not declared.isdigit():
                    response = problem(
                        400,
                        "Bad request",
                        "Content-Length is not a number.",
                        "bad-request",
                        base_of(scope),
                    )
                elif int(declared) > self.limit:
                    response = problem(
                        413,
                        "Payload too large",
                        self._detail(),
                        "payload-too-large",
                        base_of(scope),
                    )
                else:
                    break
                await response(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI re-raises HTTPException from body reading; the app's handler
                    # turns it into problem+json
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)


class UrlLimit:
    """Refuse a path or query string over ``limit`` bytes with a 414 problem."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            len(scope.get("query_string", b"")) > self.limit
            or len(scope.get("raw_path") or b"") > self.limit
        ):
            response = problem(
                414,
                "URI too long",
                f"The path or the query string is longer than {self.limit:,} bytes.",
                "uri-too-long",
                base_of(scope),
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class RateLimit:
    """At most ``per_minute`` requests a minute from one client address, in bursts of up
    to ``burst`` (a token bucket per address); over it, a 429 problem with Retry-After.

    Addresses are those uvicorn reports: the peer, or the forwarded client when the
    proxy in front is trusted (``--forwarded-allow-ips``). Buckets that have filled up
    again are forgotten, so memory follows the number of recent clients.
    """

    def __init__(self, app: ASGIApp, per_minute: int, burst: int) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._swept: float | None = None

    def take(self, client: str, now: float) -> float:
        """Take one token for ``client``; 0 if granted, else seconds until one is free."""
        with self._lock:
            if self._swept is None:
                self._swept = now
            elif now - self._swept > 60:
                self._sweep(now)
            tokens, then = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate

    def _sweep(self, now: float) -> None:
        full = [
            c
            for c, (tokens, then) in self.buckets.items()
            if tokens + (now - then) * self.rate >= self.burst
        ]
        for client in full:
            del self.buckets[client]
        self._swept = now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.take(client[0] if client else "", time.monotonic())
        if wait > 0:
            retry = max(1, math.ceil(wait))
            response = problem(
                429,
                "Too many requests",
                f"More than {self.rate * 60:g} requests a minute from this "
                f"client; try again in {retry} s.",
                "too-many-requests",
                base_of(scope),
            )
            response.headers["retry-after"] = str(retry)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
