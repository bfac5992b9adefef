"""Security headers on every answer.

:class:`SecurityHeaders` wraps the whole app (outside the read cache, the limits and
Starlette), so that every answer gets them: pages, pictures, JSON, problem+json errors,
static files, redirects, HEAD and answers from memory alike. Which headers depends only on
the answer's media type, and each set is built once:

- every answer: ``X-Content-Type-Options: nosniff`` (a browser never reads a JSON or text
  answer as a script or page) and ``Referrer-Policy: no-referrer`` (nothing here needs
  referrers, and a question asked in ``/ask?q=`` stays with the reader);
- HTML pages: :data:`PAGE_POLICY`, which lets a page run and style only what comes from
  the service itself (no inline script, style element or style attribute), and
  ``X-Frame-Options: DENY`` for browsers that ignore ``frame-ancestors``;
- SVG pictures: :data:`PICTURE_POLICY`, which forbids everything a picture could load or
  run but *not* framing: bots embed the pictures, in ``<img>``, ``<object>`` or an
  ``<iframe>``, on other sites;
- anything else (JSON, RDF, text, CSS, scripts, redirects): :data:`DATA_POLICY`, which
  allows nothing, and ``X-Frame-Options: DENY``.

A header the app set itself is kept: ``/redoc`` sends the policy ReDoc needs
(:data:`REDOC_POLICY`). A
``304 Not Modified`` carries only the headers every answer has: a browser copies a 304's
headers onto the answer it holds, which keeps its own policy (a picture stays embeddable).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = b"content-security-policy"
FRAME_OPTIONS = b"x-frame-options"


def policy(**directives: str) -> str:
    """A Content-Security-Policy from directives, ``script_src`` for ``script-src``.

    >>> policy(default_src="'none'", frame_ancestors="'none'")
    "default-src 'none'; frame-ancestors 'none'"
    """
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


PAGE_POLICY = policy(
    default_src="'none'",
    script_src="'self'",
    style_src="'self'",
    # data: for the empty favicon, which spares a request, and Swagger UI's icons
    img_src="'self' data:",
    # autocomplete asks /v1/search; Swagger UI fetches the OpenAPI document and tries
    # operations out
    connect_src="'self'",
    form_action="'self'",
    base_uri="'none'",
    frame_ancestors="'none'",
)
"""The pages, ``/docs`` among them: scripts, styles and requests from this origin only,
never inline."""

PICTURE_POLICY = policy(default_src="'none'")
"""An SVG picture opened on its own may load and run nothing; it may be framed anywhere."""

DATA_POLICY = policy(default_src="'none'", frame_ancestors="'none'")
"""Answers that are not pages: nothing to load or run, and never framed."""

REDOC_POLICY = policy(
    default_src="'none'",
    script_src="'self'",
    # ReDoc styles itself with <style> elements it writes at run time; scripts stay
    # same-origin only, so an injected style cannot become an injected script
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data:",
    connect_src="'self'",
    worker_src="blob:",  # its search index runs in a worker it builds from a blob
    base_uri="'none'",
    form_action="'none'",
    frame_ancestors="'none'",
)
"""``/redoc``: ReDoc, served from here; the one page whose styles may be inline."""

_EVERY = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
_DENY = [(FRAME_OPTIONS, b"DENY")]
PAGE = [*_EVERY, (CSP, PAGE_POLICY.encode()), *_DENY]
PICTURE = [*_EVERY, (CSP, PICTURE_POLICY.encode())]
DATA = [*_EVERY, (CSP, DATA_POLICY.encode()), *_DENY]
NOT_MODIFIED = _EVERY


def headers_for(status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The security headers an answer with ``status`` and ``headers`` should add."""
    if status == 304:
        extra = NOT_MODIFIED
    else:
        media = b""
        for name, value in headers:
            if name.lower() == b"content-type":
                media = value.lower()
                break
        if media.startswith(b"text/html"):
            extra = PAGE
        elif media.startswith(b"image/svg+xml"):
            extra = PICTURE
        else:
            extra = DATA
    present = {name.lower() for name, _ in headers}
    if present.isdisjoint(name for name, _ in extra):
        return extra
    return [(name, value) for name, value in extra if name not in present]


Rewrite = Callable[[Scope, int, list[tuple[bytes, bytes]]], list[tuple[bytes, bytes]]]
"""What :class:`AnswerHeaders` does to an answer's headers, from the request's scope and
the answer's status."""


class AnswerHeaders:
    """ASGI middleware that passes the headers of every answer through ``rewrite``."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                message["headers"] = self.rewrite(scope, message["status"], headers)
            await send(message)

        await self.app(scope, receive, rewritten)


class SecurityHeaders(AnswerHeaders):
    """ASGI middleware adding the security headers (see the module notes) to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, lambda _, status, headers: headers + headers_for(status, headers))
