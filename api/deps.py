"""Dependencies handed to route handlers: the graph snapshot, the settings, the curation
store and who may write to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from api.context import context_of
from api.errors import (
    CsrfRefused,
    Forbidden,
    NoStore,
    ReadOnly,
    Unauthorized,
    UnsupportedMediaType,
)
from api.headers import content_type, is_json
from api.settings import ServerSettings
from kg.curate import Curator
from kg.dataset import (
    ConceptDates,
    dates_from_git,
    dates_from_revisions,
    modified_from_files,
    modified_from_revision,
)
from kg.graph import KnowledgeGraph
from kg.session import COOKIE, CSRF_HEADER, csrf_matches
from kg.store import SqlStore, Token


def graph_of(request: Request) -> KnowledgeGraph:
    """The graph snapshot being served (the same one for the whole request, even if a
    reload replaces it meanwhile)."""
    graph: KnowledgeGraph | None = getattr(request.state, "graph", None)
    if graph is None:
        graph = request.state.graph = context_of(request.app).graph
    return graph


# The dependencies are coroutines so that FastAPI runs them on the event loop: a plain
# function would take a worker thread for every request, and when slow requests hold all
# the threads, even a health check would wait for one.
async def get_graph(request: Request) -> KnowledgeGraph:
    """:func:`graph_of` as a dependency."""
    return graph_of(request)


async def get_settings(request: Request) -> ServerSettings:
    """The settings the app was created with."""
    return context_of(request.app).settings


T = TypeVar("T")


def cached(request: Request, key: str, make: Callable[[], T]) -> T:
    """A value computed once per graph snapshot from this request's graph.

    Kept in the app's store with the graph it was made from, so a value made from a
    snapshot that a reload has since replaced is never handed to a later request.
    """
    graph = graph_of(request)
    context = context_of(request.app)
    store = context.cache
    entry = store.get(key)
    if isinstance(entry, tuple) and entry[0] is graph:
        kept: T = entry[1]
        return kept
    value = make()
    if graph is context.graph:
        old = store.get(key)
        store[key] = (graph, value)
        if isinstance(old, tuple):
            close(old[1])
    return value


def close(value: object) -> None:
    """Release what a cached value holds (a SPARQL worker process), if anything."""
    shut = getattr(value, "close", None)
    if callable(shut):
        shut()


def close_all(store: dict[str, object]) -> None:
    """Release everything an app's store of per-graph values holds."""
    for entry in store.values():
        close(entry[1] if isinstance(entry, tuple) and len(entry) == 2 else entry)


# -- curation ------------------------------------------------------------------------


def curator_of(request: Request) -> Curator:
    """The curator of the store the server was started with. Without a store, a read of
    what only a store keeps is a 404 (:class:`~api.errors.NoStore`) and a write a 405
    (:class:`~api.errors.ReadOnly`)."""
    curator = context_of(request.app).curator
    if curator is None:
        if request.method in ("GET", "HEAD"):
            raise NoStore()
        raise ReadOnly()
    return curator


def writer(scope: str) -> Callable[[Request], str]:
    """A dependency that admits a bearer token with ``scope`` and gives its name. A plain
    function, unlike the others: checking the token reads the store, so FastAPI runs it
    in a worker thread."""

    def check(request: Request) -> str:
        curator = curator_of(request)
        header = request.headers.get("authorization", "")
        kind, _, secret = header.strip().partition(" ")
        session = request.cookies.get(COOKIE)
        if not header and session:
            # a browser's session: its cookie would ride along on another site's request
            # too, so the write must also carry what only the workbench's pages know
            if not csrf_matches(session, request.headers.get(CSRF_HEADER, "")):
                raise CsrfRefused()
            secret, kind = session, "bearer"
        elif not header:
            raise Unauthorized(
                "Writing needs a token: send Authorization: Bearer <token> "
                "(made with `kg token create`)."
            )
        if kind.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Send the token as Authorization: Bearer <token>.")
        token = live_token(curator, secret.strip())
        if scope not in token.scopes:
            raise Forbidden(scope, token.scopes)
        return token.name

    return check


def live_token(curator: Curator, secret: str) -> Token:
    """The token whose secret this is; 401 saying why when it is unknown, revoked or
    expired."""
    token = curator.store.find_token(secret)
    if token is None:
        raise Unauthorized("The token is not known or has been revoked.", "invalid_token")
    if token.expired():
        raise Unauthorized(
            f"The token expired at {token.expires}; ask for a new one "
            "(`kg token create NAME --expires 90d`).",
            "invalid_token",
        )
    return token


ConceptWriter = Annotated[str, Depends(writer("concepts:write"))]
"""The name of a token that may write concepts: the author of the write."""
RelationWriter = Annotated[str, Depends(writer("relations:write"))]
"""The name of a token that may write relations: the author of the write."""


def json_only(request: Request) -> None:
    """A body the route reads as JSON must say it is JSON (else 415, not a 422)."""
    if not is_json(content_type(request.headers)):
        raise UnsupportedMediaType(["application/json"])


JsonOnly = Annotated[None, Depends(json_only)]
"""A route's body must be sent as JSON. Declared after the writer, so that a request
without a token is a 401 whatever its body."""


def concept_dates(request: Request) -> ConceptDates:
    """When each concept served was created and last changed: from its file's revisions
    in the store, or from the git history of the data directory (its file's time where
    there is none). Once per snapshot."""
    context = context_of(request.app)

    def find() -> ConceptDates:
        curator = context.curator
        if curator is not None and isinstance(curator.store, SqlStore):
            return dates_from_revisions(curator.store.file_spans(context.head))
        if curator is not None:
            return {}
        return dates_from_git(context.settings.data_dir)

    return cached(request, "concept-dates", find)


def data_modified(request: Request) -> dt.date | None:
    """The day the data being served last changed: its store revision's, or the newest
    data file's (once per snapshot). The dataset's description states it."""
    context = context_of(request.app)

    def find() -> dt.date | None:
        if context.curator is not None:
            revision = context.curator.store.revision(context.head)
            return modified_from_revision(revision.at) if revision else None
        return modified_from_files(context.settings.data_dir)

    return cached(request, "modified", find)
