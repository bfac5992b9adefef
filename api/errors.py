"""Every error leaves the API as application/problem+json; mapped here, once."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.edit import pointers
from kg.errors import (
    AmbiguousTerm,
    Busy,
    ConceptNotFound,
    Conflict,
    DataError,
    EditRefused,
    InvalidQuery,
    KGError,
    NoSourceText,
    NotFound,
    QueryRejected,
    SourceNotFound,
)
from kg.graph import KnowledgeGraph

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("api")

_STATUS: dict[type[KGError], tuple[int, str]] = {
    ConceptNotFound: (404, "concept-not-found"),
    AmbiguousTerm: (404, "ambiguous-term"),
    SourceNotFound: (404, "source-not-found"),
    NoSourceText: (404, "no-source-text"),
    InvalidQuery: (400, "invalid-query"),
    QueryRejected: (400, "query-rejected"),
    NotFound: (404, "not-found"),
    Busy: (503, "busy"),
    Conflict: (409, "conflict"),
    DataError: (422, "invalid-data"),
}

_HTTP_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
                405: "Method not allowed", 409: "Conflict", 412: "Precondition failed",
                428: "Precondition required",
                406: "Not acceptable", 413: "Payload too large", 415: "Unsupported media type",
                422: "Invalid request", 500: "Internal server error"}


class NotAcceptable(Exception):
    """The client's Accept header admits none of the offered media types."""

    def __init__(self, offered: list[str]) -> None:
        super().__init__(f"Acceptable types here: {', '.join(offered)}.")
        self.offered = offered


class PayloadTooLarge(Exception):
    """A request body over the limit."""

    def __init__(self, limit: int, unit: str = "bytes") -> None:
        what = "request body is larger" if unit == "bytes" else "text is longer"
        super().__init__(f"The {what} than {limit:,} {unit}.")


class Unauthorized(Exception):
    """A write without a valid bearer token."""

    def __init__(self, detail: str, error: str | None = None) -> None:
        super().__init__(detail)
        self.error = error


class Forbidden(Exception):
    """A valid token without the scope the write needs."""

    def __init__(self, scope: str, scopes: tuple[str, ...]) -> None:
        held = ", ".join(scopes) or "none"
        super().__init__(f"This needs a token with the scope {scope!r}; this one has: {held}.")
        self.scope = scope


class ReadOnly(Exception):
    """A write to a server started without a store."""

    def __init__(self) -> None:
        super().__init__("This server serves its data read-only; writes need a server "
                         "started with a store (kg serve --store).")


class NoStore(Exception):
    """A read of revisions, records or the change feed on a server without a store."""

    def __init__(self) -> None:
        super().__init__("This server serves a data directory read-only, so it keeps no "
                         "revisions or editable records; a server started with a store "
                         "(kg serve --store) does.")


class PreconditionFailed(Exception):
    """An If-Match / If-None-Match condition that does not hold (a stale write)."""

    def __init__(self, detail: str, current: str | None) -> None:
        super().__init__(detail)
        self.current = current


class PreconditionRequired(Exception):
    """A change of something that exists, sent without If-Match."""

    def __init__(self) -> None:
        super().__init__("Send If-Match with the ETag you read, so that an edit made "
                         "meanwhile is not overwritten.")


class InvalidBody(Exception):
    """A request body of the wrong shape, found after the request was parsed."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['where']}: {e['message']}" for e in errors))
        self.errors = errors


class UnsupportedMediaType(Exception):
    """A request body of a type the endpoint does not read."""

    def __init__(self, accepted: list[str]) -> None:
        super().__init__(f"Send the body as one of: {', '.join(accepted)}.")


def problem(status: int, title: str, detail: str, kind: str = "", **extra: Any) -> JSONResponse:
    """A problem+json response; ``kind`` names the problem type under /problems/."""
    body: dict[str, Any] = {"type": f"/problems/{kind}" if kind else "about:blank",
                            "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _refs(graph: KnowledgeGraph | None, ids: list[str]) -> list[dict[str, str]]:
    if graph is None:
        return []
    return [{"id": i, "label": graph.concepts[i].label, "kind": graph.concepts[i].kind}
            for i in ids if i in graph.concepts]


async def _kg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KGError)
    status, kind = next((v for t, v in _STATUS.items() if isinstance(exc, t)),
                        (400, "bad-request"))
    extra: dict[str, Any] = {}
    if isinstance(exc, DataError):
        where: dict[int, str] = {}
        if isinstance(exc, EditRefused) and exc.content is not None:
            where = pointers(exc.content)
        edited = exc.file if isinstance(exc, EditRefused) else None
        extra["problems"] = [{"file": p.file, "line": p.line, "message": p.message,
                              "hint": p.hint,
                              **({"pointer": where[p.line]} if p.file == edited
                                 and p.line in where else {})}
                             for p in exc.problems]
        return problem(422, "Invalid data", f"The change was not made: it would leave "
                       f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} "
                       f"in the data.", kind, **extra)
    if isinstance(exc, ConceptNotFound | AmbiguousTerm):
        graph = getattr(request.app.state, "graph", None)
        extra["suggestions"] = _refs(graph, exc.suggestions)
        extra["term"] = exc.term
        if exc.param:
            extra["param"] = exc.param
    response = problem(status, exc.title, exc.detail, kind, **extra)
    if isinstance(exc, Busy):
        response.headers["Retry-After"] = "1"
    return response


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "body", "header"):
        return f"{parts[0]} parameter {'.'.join(parts[1:]) or parts[0]!r}" if len(parts) > 1 \
            else parts[0]
    return ".".join(parts)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"where": "body", "message": "The body is not valid JSON."}
              if e.get("type") == "json_invalid" else
              {"where": _where(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
              for e in exc.errors()]
    detail = "; ".join(f"{e['where']}: {e['message']}" for e in errors) or "invalid request"
    return problem(422, "Invalid request", detail, "invalid-request", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = _HTTP_TITLES.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No endpoint at {request.url.path}."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    response = problem(exc.status_code, title, detail)
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    return response


async def _not_acceptable(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotAcceptable)
    response = problem(406, "Not acceptable", f"Cannot answer with any type the Accept header "
                       f"allows. {exc}", "not-acceptable")
    response.headers["Vary"] = "Accept"
    return response


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    return problem(413, "Payload too large", str(exc), "payload-too-large")


async def _unsupported(request: Request, exc: Exception) -> JSONResponse:
    return problem(415, "Unsupported media type", str(exc), "unsupported-media-type")


async def _unauthorized(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Unauthorized)
    response = problem(401, "Unauthorized", str(exc), "unauthorized")
    challenge = 'Bearer realm="kg"'
    if exc.error:
        challenge += f', error="{exc.error}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


async def _forbidden(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Forbidden)
    response = problem(403, "Forbidden", str(exc), "forbidden", scope=exc.scope)
    response.headers["WWW-Authenticate"] = (f'Bearer realm="kg", error="insufficient_scope", '
                                            f'scope="{exc.scope}"')
    return response


async def _read_only(request: Request, exc: Exception) -> JSONResponse:
    response = problem(405, "Method not allowed", str(exc), "read-only")
    response.headers["Allow"] = "GET, HEAD"
    return response


async def _no_store(request: Request, exc: Exception) -> JSONResponse:
    return problem(404, "Not found", str(exc), "no-store")


async def _precondition_failed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PreconditionFailed)
    response = problem(412, "Precondition failed", str(exc), "precondition-failed",
                       etag=exc.current)
    if exc.current:
        response.headers["ETag"] = exc.current
    return response


async def _precondition_required(request: Request, exc: Exception) -> JSONResponse:
    return problem(428, "Precondition required", str(exc), "precondition-required")


async def _invalid_body(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidBody)
    return problem(422, "Invalid request", str(exc), "invalid-request", errors=exc.errors)


async def _store_failed(request: Request, exc: Exception) -> JSONResponse:
    log.error("the store failed on %s %s: %s", request.method, request.url.path, exc)
    response = problem(503, "Service unavailable", "The store could not take this request "
                       "now (it is locked or failing); nothing was changed. Try again.",
                       "store-unavailable")
    response.headers["Retry-After"] = "1"
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "Internal server error", "The server failed to answer this request.")


def install(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors to problem+json."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(NotAcceptable, _not_acceptable)
    app.add_exception_handler(PayloadTooLarge, _too_large)
    app.add_exception_handler(UnsupportedMediaType, _unsupported)
    app.add_exception_handler(Unauthorized, _unauthorized)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(ReadOnly, _read_only)
    app.add_exception_handler(NoStore, _no_store)
    app.add_exception_handler(PreconditionFailed, _precondition_failed)
    app.add_exception_handler(PreconditionRequired, _precondition_required)
    app.add_exception_handler(InvalidBody, _invalid_body)
    app.add_exception_handler(sqlite3.Error, _store_failed)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
