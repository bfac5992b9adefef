"""Every error is answered here, once: as application/problem+json, or as an HTML error
page when the request was for a web page (see :func:`respond`)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.context import context_of
from api.pages import error_page, is_page
from kg.edit import pointers
from kg.errors import (
    AmbiguousTerm,
    Busy,
    ConceptGone,
    ConceptNotFound,
    Conflict,
    DataError,
    EditRefused,
    InvalidQuery,
    KGError,
    NoSourceText,
    NotFound,
    NotReady,
    QueryRejected,
    QueryTimeout,
    QueryTooExpensive,
    ResultTooLarge,
    SourceNotFound,
    StoreUnavailable,
)
from kg.graph import KnowledgeGraph
from kg.search import search

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger("api")

_STATUS: dict[type[KGError], tuple[int, str]] = {
    ConceptGone: (410, "concept-gone"),  # before ConceptNotFound, which it is a kind of
    ConceptNotFound: (404, "concept-not-found"),
    AmbiguousTerm: (404, "ambiguous-term"),
    SourceNotFound: (404, "source-not-found"),
    NoSourceText: (404, "no-source-text"),
    InvalidQuery: (400, "invalid-query"),
    QueryRejected: (400, "query-rejected"),
    NotFound: (404, "not-found"),
    NotReady: (503, "not-ready"),
    StoreUnavailable: (503, "store-unavailable"),
    Busy: (503, "busy"),
    QueryTimeout: (422, "query-timeout"),
    QueryTooExpensive: (422, "query-too-expensive"),
    ResultTooLarge: (413, "result-too-large"),
    Conflict: (409, "conflict"),
    DataError: (422, "invalid-data"),
}

_HTTP_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Internal server error",
}


class ApiProblem(Exception):
    """An error of the HTTP layer, answered as the problem it describes: ``status``,
    ``title`` and ``kind`` (the type under /problems/) per class; the detail, fields to
    add to the body and headers per error."""

    status = 400
    title = "Bad request"
    kind = ""

    def __init__(self, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.headers = headers or {}
        self.extra = extra


class NotAcceptable(ApiProblem):
    """The client's Accept header admits none of the offered media types."""

    status, title, kind = 406, "Not acceptable", "not-acceptable"

    def __init__(self, offered: list[str]) -> None:
        super().__init__(
            f"Cannot answer with any type the Accept header allows. "
            f"Acceptable types here: {', '.join(offered)}.",
            {"Vary": "Accept"},
        )
        self.offered = offered


class PayloadTooLarge(ApiProblem):
    """A request body over the limit."""

    status, title, kind = 413, "Payload too large", "payload-too-large"

    def __init__(self, limit: int, unit: str = "bytes") -> None:
        what = "request body is larger" if unit == "bytes" else "text is longer"
        super().__init__(f"The {what} than {limit:,} {unit}.")


class UnsupportedMediaType(ApiProblem):
    """A request body of a type the endpoint does not read."""

    status, title, kind = 415, "Unsupported media type", "unsupported-media-type"

    def __init__(self, accepted: list[str]) -> None:
        super().__init__(f"Send the body as one of: {', '.join(accepted)}.")


class Unauthorized(ApiProblem):
    """A write without a valid bearer token."""

    status, title, kind = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str, error: str | None = None) -> None:
        challenge = 'Bearer realm="kg"' + (f', error="{error}"' if error else "")
        super().__init__(detail, {"WWW-Authenticate": challenge})


class Forbidden(ApiProblem):
    """A valid token without the scope the write needs."""

    status, title, kind = 403, "Forbidden", "forbidden"

    def __init__(self, scope: str, scopes: tuple[str, ...]) -> None:
        held = ", ".join(scopes) or "none"
        super().__init__(
            f"This needs a token with the scope {scope!r}; this one has: {held}.",
            {"WWW-Authenticate": f'Bearer realm="kg", error="insufficient_scope", scope="{scope}"'},
            scope=scope,
        )


class CsrfRefused(ApiProblem):
    """A write made with a browser session's cookie without the session's CSRF token."""

    status, title, kind = 403, "Forbidden", "csrf"

    def __init__(self) -> None:
        super().__init__(
            "A write made with a session cookie must carry the session's CSRF token "
            "(the X-CSRF-Token header, or the form's csrf field); reload the page and "
            "try again."
        )


class ReadOnly(ApiProblem):
    """A write to a server started without a store."""

    status, title, kind = 405, "Method not allowed", "read-only"

    def __init__(self) -> None:
        super().__init__(
            "This server serves its data read-only; writes need a server "
            "started with a store (kg serve --store).",
            {"Allow": "GET, HEAD"},
        )


class NoStore(ApiProblem):
    """A read of revisions, records or the change feed on a server without a store."""

    status, title, kind = 404, "Not found", "no-store"

    def __init__(self) -> None:
        super().__init__(
            "This server serves a data directory read-only, so it keeps no "
            "revisions or editable records; a server started with a store "
            "(kg serve --store) does."
        )


class PreconditionFailed(ApiProblem):
    """An If-Match / If-None-Match condition that does not hold (a stale write)."""

    status, title, kind = 412, "Precondition failed", "precondition-failed"

    def __init__(self, detail: str, current: str | None) -> None:
        super().__init__(detail, {"ETag": current} if current else None, etag=current)


class PreconditionRequired(ApiProblem):
    """A change of something that exists, sent without If-Match."""

    status, title, kind = 428, "Precondition required", "precondition-required"

    def __init__(self) -> None:
        super().__init__(
            "Send If-Match with the ETag you read, so that an edit made "
            "meanwhile is not overwritten."
        )


class InvalidBody(ApiProblem):
    """A request body of the wrong shape, found after the request was parsed."""

    status, title, kind = 422, "Invalid request", "invalid-request"

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['where']}: {e['message']}" for e in errors), errors=errors)


PROBLEM_TYPES: dict[str, str] = {
    "bad-request": "The request could not be read: a header or a parameter is malformed.",
    "not-found": "Nothing is served at this path. Check the address, or search the glossary.",
    "method-not-allowed": "The path exists but does not take this method; the Allow header "
    "lists the ones it takes.",
    "concept-not-found": "No concept has this id, label or alias. The answer suggests the "
    "nearest names the glossary has.",
    "concept-gone": "The concept was deleted from the glossary. Its IRI keeps a tombstone "
    "(its label, the day it was deleted and, when it was merged into another concept, "
    "replaced_by, also among the suggestions).",
    "ambiguous-term": "The term names more than one concept; pick one of the suggestions.",
    "source-not-found": "No source has this id; the list of sources names every one.",
    "no-source-text": "The source is known but the glossary holds none of its text.",
    "invalid-query": "The query cannot be answered as asked (for example the same concept "
    "twice, or a passage outside the text); the detail says why.",
    "query-rejected": "The SPARQL query asks for something the sandbox refuses (an update, "
    "a federated SERVICE call, a remote dataset).",
    "invalid-request": "A parameter or the body is malformed or out of its bounds; the "
    "errors member says where.",
    "invalid-data": "A write was refused because the data would no longer pass validation; "
    "the problems member lists each problem with file and line.",
    "not-acceptable": "The Accept header allows none of the media types this route answers in.",
    "unsupported-media-type": "The body was sent in a media type this route does not read.",
    "payload-too-large": "The body (or a text inside it) is over the size limit.",
    "uri-too-long": "The path or query string is over the URL length limit; send long input "
    "by POST where the route allows it.",
    "too-many-requests": "This client sent more requests a minute than the server allows; "
    "wait for the seconds Retry-After says.",
    "not-ready": "The server is starting, shutting down or still building an index this "
    "request needs; try again after Retry-After.",
    "store-unavailable": "The curation store is locked or cannot be reached; nothing was "
    "changed. Try again.",
    "busy": "Too many queries are waiting; try again after Retry-After.",
    "query-timeout": "The SPARQL query ran past its time limit; narrow it.",
    "query-too-expensive": "The SPARQL query would take too much memory or work; narrow it.",
    "result-too-large": "The SPARQL result is over the row or byte limit; add LIMIT or "
    "narrow the query.",
    "conflict": "The write cannot apply to the current state (creating what exists, "
    "reverting to another file's revision).",
    "unauthorized": "A write needs a valid bearer token in the Authorization header.",
    "forbidden": "The token is valid but lacks the scope this write needs.",
    "csrf": "A write made with a browser session lacked the session's CSRF token, so it "
    "may have come from another site; reload the page and try again.",
    "read-only": "This server serves its data read-only; writes need a server started "
    "with a store (kg serve --store).",
    "no-store": "This server keeps no revisions or editable records: it was started "
    "without a store.",
    "precondition-failed": "The ETag sent in If-Match is not the current one: someone "
    "changed the record since you read it. Read it again and redo the change.",
    "precondition-required": "A change of an existing record must send If-Match with the "
    "ETag read, so that an edit made meanwhile is not overwritten.",
    "headers-too-large": "The request line and headers are over the size bound.",
    "request-timeout": "The headers or the body were sent too slowly.",
    "internal-error": "The server failed to answer; the request id in the logs says where.",
}
"""Every kind of problem this service answers with, and what it means: each is served
as a page at ``/problems/{kind}``, the ``type`` of its problem+json answers."""

_HTTP_KINDS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-request",
    500: "internal-error",
}


def problem_body(
    status: int, title: str, detail: str, kind: str = "", base: str = "/", **extra: Any
) -> dict[str, Any]:
    """The members of a problem+json answer; ``kind`` names the problem type, a page
    under ``{base}problems/`` (``base``: the server's own URL, to make it absolute)."""
    body: dict[str, Any] = {
        "type": f"{base}problems/{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def base_of(scope: Scope) -> str:
    """The server's own URL as a request of ``scope`` reached it (what problem types are
    made absolute with)."""
    return str(Request(scope).base_url)


def problem(
    status: int, title: str, detail: str, kind: str = "", base: str = "/", **extra: Any
) -> JSONResponse:
    """A problem+json response (see :func:`problem_body`)."""
    return JSONResponse(
        problem_body(status, title, detail, kind, base, **extra),
        status_code=status,
        media_type=PROBLEM_JSON,
    )


@dataclass(frozen=True)
class ProblemDetails:
    """What an error is, before it is answered (RFC 9457's members): its ``status``,
    ``title`` and ``detail``, ``kind`` (the type under /problems/), the members
    ``extra`` adds to a problem+json body, the ``headers`` of the answer, and
    ``for_readers``: the detail as the error page says it to a reader, where the
    client's wording would not do (``detail`` when None)."""

    status: int
    title: str
    detail: str
    kind: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    for_readers: str | None = None


def respond(request: Request, details: ProblemDetails) -> Response:
    """The one way an error is answered: an HTML error page, with the same status and
    headers, for a request routed to a web page (:func:`api.pages.is_page`), and
    problem+json for everything else (the API, the IRIs, and paths no route matches)."""
    if is_page(request):
        response: Response = error_page(
            request,
            details.status,
            details.title,
            details.for_readers or details.detail,
            details.extra.get("suggestions") or [],
            details.kind,
        )
    else:
        response = problem(
            details.status,
            details.title,
            details.detail,
            details.kind,
            str(request.base_url),
            **details.extra,
        )
    if request.scope.get("route") is None:  # no route: the answer depends on Accept
        response.headers["Vary"] = "Accept"
    response.headers.update(details.headers)
    return response


def _refs(graph: KnowledgeGraph, ids: list[str]) -> list[dict[str, str]]:
    return [
        {"id": i, "label": graph.concepts[i].label, "kind": graph.concepts[i].kind}
        for i in ids
        if i in graph.concepts
    ]


def _kg_error(request: Request, exc: Exception) -> ProblemDetails:
    assert isinstance(exc, KGError)
    status, kind = next((v for t, v in _STATUS.items() if isinstance(exc, t)), (400, "bad-request"))
    extra: dict[str, Any] = {}
    if isinstance(exc, DataError):
        where: dict[int, str] = {}
        if isinstance(exc, EditRefused) and exc.content is not None:
            where = pointers(exc.content)
        edited = exc.file if isinstance(exc, EditRefused) else None
        extra["problems"] = [
            {
                "file": p.file,
                "line": p.line,
                "message": p.message,
                "hint": p.hint,
                **({"pointer": where[p.line]} if p.file == edited and p.line in where else {}),
            }
            for p in exc.problems
        ]
        return ProblemDetails(
            422,
            "Invalid data",
            f"The change was not made: it would leave "
            f"{len(exc.problems)} problem"
            f"{'s' if len(exc.problems) != 1 else ''} in the data.",
            kind,
            extra,
        )
    if isinstance(exc, ConceptNotFound | AmbiguousTerm):
        extra["suggestions"] = _refs(context_of(request.app).graph, exc.suggestions)
        extra["term"] = exc.term
        if exc.param:
            extra["param"] = exc.param
    if isinstance(exc, ConceptGone):
        extra["deleted"] = exc.deleted
        extra["replaced_by"] = exc.replaced_by
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else {}
    return ProblemDetails(status, exc.title, exc.detail, kind, extra, headers)


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "body", "header"):
        return (
            f"{parts[0]} parameter {'.'.join(parts[1:]) or parts[0]!r}"
            if len(parts) > 1
            else parts[0]
        )
    return ".".join(parts)


def _validation_error(request: Request, exc: Exception) -> ProblemDetails:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"where": "body", "message": "The body is not valid JSON."}
        if e.get("type") == "json_invalid"
        else {"where": _where(e.get("loc", ())), "message": str(e.get("msg", "invalid"))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['where']}: {e['message']}" for e in errors) or "invalid request"
    return ProblemDetails(422, "Invalid request", detail, "invalid-request", {"errors": errors})


def _http_error(request: Request, exc: Exception) -> ProblemDetails:
    assert isinstance(exc, StarletteHTTPException)
    title = _HTTP_TITLES.get(exc.status_code, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    extra: dict[str, Any] = {}
    for_readers = None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No endpoint at {request.url.path}."
        for_readers = (
            f"There is no page at {request.url.path} on this site: the address may be "
            "mistyped, or the page may have moved."
        )
        # the concepts the path's last word may have meant, for a reader who guessed a URL
        term = unquote(request.url.path.rstrip("/").rsplit("/", 1)[-1])
        graph = context_of(request.app).graph
        hits = search(graph, term, limit=5) if term else []
        extra["suggestions"] = _refs(graph, [h.id for h in hits]) or None
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
        # every route of the path, not only the first one Starlette tried (imported here:
        # api.cors answers refused preflights with this module's problems)
        from api.cors import allowed_methods

        headers["Allow"] = ", ".join(allowed_methods(request.app.router.routes, request.url.path))
    kind = _HTTP_KINDS.get(exc.status_code, "")
    return ProblemDetails(exc.status_code, title, detail, kind, extra, headers, for_readers)


def _api_problem(request: Request, exc: Exception) -> ProblemDetails:
    assert isinstance(exc, ApiProblem)
    return ProblemDetails(exc.status, exc.title, str(exc), exc.kind, exc.extra, exc.headers)


def _store_failed(request: Request, exc: Exception) -> ProblemDetails:
    log.error("the store failed on %s %s: %s", request.method, request.url.path, exc)
    return ProblemDetails(
        503,
        "Service unavailable",
        "The store could not take this request "
        "now (it is locked or failing); nothing was changed. Try again.",
        "store-unavailable",
        headers={"Retry-After": "1"},
    )


def _unexpected(request: Request, exc: Exception) -> ProblemDetails:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return ProblemDetails(
        500, "Internal server error", "The server failed to answer this request.", "internal-error"
    )


def _handler(
    describe: Callable[[Request, Exception], ProblemDetails],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        return respond(request, describe(request, exc))

    return handle


def install(app: FastAPI) -> None:
    """Answer domain errors, validation errors, HTTP errors, a failing store and any
    other exception through :func:`respond`."""
    for error, describe in (
        (KGError, _kg_error),
        (ApiProblem, _api_problem),
        (sqlite3.Error, _store_failed),
        (RequestValidationError, _validation_error),
        (StarletteHTTPException, _http_error),
        (Exception, _unexpected),
    ):
        app.add_exception_handler(error, _handler(describe))
