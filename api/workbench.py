"""A curator's session in the browser: who is signed in, and the session cookie.

The cookie holds the token pasted into the sign-in page (see :mod:`kg.session`), so the
store decides on every request whether it still admits writes: a revoked or expired
token signs its sessions out. Writes made with the cookie go to the same API routes as
a bearer token's, checked by :func:`api.deps.writer`, which also asks for the CSRF token.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from fastapi import Request, Response
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Scope

from api.context import context_of
from api.pages import PageRoute
from api.security import AnswerHeaders
from kg.session import COOKIE, csrf_matches, csrf_token
from kg.store import Token


def signed_in(request: Request) -> Token | None:
    """The live token of the request's session, or None (no store, no cookie, or a
    token that was revoked or has expired)."""
    curator = context_of(request.app).curator
    secret = request.cookies.get(COOKIE)
    if curator is None or not secret:
        return None
    return curator.store.check_token(secret)


def session_csrf(request: Request) -> str | None:
    """The CSRF token the pages of a signed-in session carry, or None without one."""
    secret = request.cookies.get(COOKIE)
    return csrf_token(secret) if secret else None


def csrf_ok(request: Request, given: str) -> bool:
    """Whether ``given`` is the CSRF token of the request's session."""
    secret = request.cookies.get(COOKIE)
    return bool(secret) and csrf_matches(secret or "", given)


async def form_fields(request: Request) -> dict[str, str]:
    """A url-encoded form's fields (the first value of each)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def same_site(request: Request) -> bool:
    """Whether a form post came from this site's own pages, as far as the browser says:
    ``Sec-Fetch-Site`` where it sends one (same-origin, or typed by the user), else an
    ``Origin`` naming this host, or none that names a site (an older browser, a tool, or
    a page whose referrer policy hides it, as ours does). Signing in has no session yet
    to take a CSRF token from, so it is held to this instead: another site cannot sign a
    visitor in with a token of its own choosing."""
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None:
        return fetched_from in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin in (None, "null") or urlsplit(origin).netloc == request.headers.get("host")


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path of this site (where to go after signing in), else
    ``default``: never another site, so the sign-in page redirects nowhere else."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def start_session(request: Request, response: Response, token: Token, secret: str) -> None:
    """Set the session cookie for ``secret``: HttpOnly, SameSite=Strict, Secure when the
    request came over TLS, and kept until the token expires (or the browser closes)."""
    max_age = None
    if token.expires is not None:
        left = dt.datetime.fromisoformat(token.expires) - dt.datetime.now(dt.UTC)
        max_age = max(0, int(left.total_seconds()))
    response.set_cookie(
        COOKIE,
        secret,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def end_session(request: Request, response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


SIGNED_IN_CACHING = b"private, no-store"
"""``Cache-Control`` of a page answered to a browser holding a session: it may show the
curator's name, CSRF token and edit links, so no cache, shared or the browser's own
history store, keeps it."""

ANONYMOUS_CACHING = b"no-cache"
"""``Cache-Control`` of a page answered without a session: a cache may keep it, but
must ask again before reusing it (a store's pages change with every write)."""


def has_session(scope: Scope) -> bool:
    """Whether the request carries a session cookie (valid or not: a page answered to
    it is the browser's own either way)."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and COOKIE in cookie_parser(value.decode("latin-1")):
            return True
    return False


def session_caching(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """``headers`` of an answer with ``Vary: Cookie`` and ``Cache-Control`` added when
    the answer is a page (HTML, or a page route's redirect, such as the edit page's to
    sign in), whose content may depend on the session: ``private, no-store`` with one,
    or when it sets the cookie (replacing any the app set), ``no-cache`` without one
    (unless the app set its own). Other answers are returned as they are."""
    media = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    if not (media.startswith(b"text/html") or isinstance(scope.get("route"), PageRoute)):
        return headers
    if status == 304:
        return headers
    vary = [v.decode("latin-1") for k, v in headers if k.lower() == b"vary"]
    kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
    fields = [f.strip() for value in vary for f in value.split(",") if f.strip()]
    if "cookie" not in {f.lower() for f in fields}:
        fields.append("Cookie")
    kept.append((b"vary", ", ".join(fields).encode("latin-1")))
    if has_session(scope) or any(k.lower() == b"set-cookie" for k, _ in kept):
        kept = [(k, v) for k, v in kept if k.lower() != b"cache-control"]
        kept.append((b"cache-control", SIGNED_IN_CACHING))
    elif all(k.lower() != b"cache-control" for k, _ in kept):
        kept.append((b"cache-control", ANONYMOUS_CACHING))
    return kept


class SessionCaching(AnswerHeaders):
    """ASGI middleware: pages say they vary with the session cookie, and a signed-in
    curator's pages are never stored (see :func:`session_caching`)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, session_caching)
