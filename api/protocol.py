"""HTTP/1.1 connections with bounds that uvicorn's own protocols do not enforce.

Uvicorn's httptools protocol reads a request line and headers of any size (a 100 MB
header line is buffered, parsed and answered) and waits for ever on a client that sends
its headers or body slowly, or opens a connection and sends nothing. This subclass keeps
uvicorn's parsing and its ASGI cycle and adds, per connection:

- a bound on the request line plus headers, counted while the bytes arrive and before
  they are parsed: past it the client gets ``431`` (problem+json) and the connection is
  closed, so an oversized head costs at most the bound in memory and work;
- a deadline for the head, from the connection's opening or the request's first byte;
- a deadline for the body, once the head is in;
- uvicorn's keep-alive timeout for idle connections between requests.

A client past a deadline gets ``408`` (when no answer has started) and the connection
is closed. Requests that were parsed are not limited in time here: the app bounds its
own work.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from api.errors import PROBLEM_JSON, problem_body
from api.security import DATA


@dataclass(frozen=True)
class Bounds:
    """What one connection may take: ``max_head`` bytes of request line and headers,
    ``head_timeout`` seconds to send them, ``body_timeout`` seconds for the body."""

    max_head: int = 16_384
    head_timeout: float = 10.0
    body_timeout: float = 30.0


def problem_bytes(status: int, title: str, detail: str, kind: str) -> bytes:
    """A complete HTTP/1.1 answer carrying a problem+json body, that closes the
    connection; for answers given before (or instead of) the app."""
    body = json.dumps(problem_body(status, title, detail, kind)).encode()
    head = [
        STATUS_LINE[status],
        b"content-type: ",
        PROBLEM_JSON.encode(),
        b"\r\n",
        b"content-length: ",
        str(len(body)).encode(),
        b"\r\n",
    ]
    head += [name + b": " + value + b"\r\n" for name, value in DATA]  # as the app's own
    head.append(b"connection: close\r\n\r\n")
    return b"".join(head) + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a head size bound and head/body deadlines.

    The bounds come from ``config.kg_bounds`` (a :class:`Bounds`; the defaults
    otherwise), set by :func:`api.serve.serve`; the config travels to worker processes
    with it.
    """

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.bounds: Bounds = getattr(config, "kg_bounds", None) or Bounds()
        self.in_head = True  # reading a request line and headers (or waiting for one)
        self.head_bytes = 0
        # the deadline in force (loop time, and which: "head" or "body"), or none; the
        # timer that checks it may be due earlier (see _arm)
        self.due: float | None = None
        self.due_for = "head"
        self.deadline: asyncio.TimerHandle | None = None

    # -- deadlines
    def _arm(self, seconds: float, what: str) -> None:
        """Set the deadline ``seconds`` from now. A timer is scheduled only when none is
        pending that fires at or before it: a kept-alive connection moves its deadline
        twice a request, and a timer each time (scheduled, then cancelled) cost a fifth
        of a cached answer's time in the server. A timer that fires early sets itself
        again for the deadline then in force (:meth:`_check`)."""
        due = self.loop.time() + seconds
        self.due = due
        self.due_for = what
        if self.deadline is None or self.deadline.when() > due:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = self.loop.call_at(due, self._check)

    def _disarm(self) -> None:
        """No deadline from now on (a pending timer finds none and stops)."""
        self.due = None

    def _stop_timer(self) -> None:
        self.due = None
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _check(self) -> None:
        self.deadline = None
        if self.due is None:
            return
        # moved on since the timer was set (a millisecond is the loop clock's grain)
        if self.loop.time() + 0.001 < self.due:
            self.deadline = self.loop.call_at(self.due, self._check)
            return
        self.due = None
        self._expired(self.due_for)

    def _expired(self, what: str) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        started = (
            self.cycle is not None
            and not self.cycle.response_complete
            and self.cycle.response_started
        )
        if (what == "head" and self.head_bytes == 0) or started:
            # an idle connection, or one whose answer is under way: nothing to say
            self.transport.close()
            return
        seconds = self.bounds.head_timeout if what == "head" else self.bounds.body_timeout
        self._refuse(
            408,
            "Request timeout",
            f"The request's {'headers' if what == 'head' else 'body'} did not "
            f"arrive within {seconds:g} seconds.",
            "request-timeout",
        )

    def _refuse(self, status: int, title: str, detail: str, kind: str) -> None:
        self.logger.warning("%s: %s", title, detail)
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app must not write after this answer
            self.cycle.message_event.set()
        self.transport.write(problem_bytes(status, title, detail, kind))
        self.transport.close()

    # -- the connection
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.bounds.head_timeout, "head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.in_head and len(data) <= self.bounds.max_head - self.head_bytes:
            # the whole chunk fits in what the head may still take, as nearly always
            if self.transport.is_closing() or self.parser is None:
                return
            self.head_bytes += len(data)
            if data:
                super().data_received(data)
            return
        while data:
            if self.transport.is_closing() or self.parser is None:
                return
            if not self.in_head:
                super().data_received(data)
                return
            room = self.bounds.max_head - self.head_bytes
            piece, data = data[:room], data[room:]
            self.head_bytes += len(piece)
            if piece:
                super().data_received(piece)
            if self.in_head and data:
                self._refuse(
                    431,
                    "Request header fields too large",
                    f"The request line and headers are longer than {self.bounds.max_head:,} bytes.",
                    "headers-too-large",
                )
                return

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "Bad request", msg, "bad-request")

    # -- parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self.bounds.head_timeout, "head")

    def on_headers_complete(self) -> None:
        self.in_head = False
        self._arm(self.bounds.body_timeout, "body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self.in_head = True  # the next request's head is counted from its first byte
        self.head_bytes = 0
        super().on_message_complete()

    def timeout_keep_alive_handler(self) -> None:
        self._stop_timer()
        super().timeout_keep_alive_handler()
