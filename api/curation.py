"""What the curation routers share: how a write's body is read, how an edit is committed
and published, the records and ETags a write answers with, and their OpenAPI entries.

The routers are :mod:`api.routers.concept_writes`, :mod:`api.routers.relation_writes`
and :mod:`api.routers.changes`. Writes need a bearer token with the right scope (see
:mod:`api.deps`) and a server started with a store (``kg serve --store``); each write is
validated like the data files and, once committed, served at once. Concurrency is
optimistic: a concept's ETag is the revision of its file, sent back in If-Match; a
relation's ETag is a digest of the relation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from pydantic_core import from_json

from api import reload, urls
from api.context import context_of
from api.errors import InvalidBody, PreconditionFailed, UnsupportedMediaType
from api.headers import check_condition, content_type, is_json
from api.routers import problems
from kg.curate import Committed, Curator, Edit
from kg.edit import concept_path, record_of
from kg.errors import NotFound
from kg.store import Revision, StaleWrite

# -- routes and their OpenAPI entries ------------------------------------------------

MERGE_PATCH = "application/merge-patch+json"
WRITE_ERRORS = problems(400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 503)
"""The problems a write can answer with."""
WRITE: dict[str, Any] = {"security": [{"bearer": []}]}
"""The OpenAPI extra of a write: it needs a bearer token."""
PATCH: dict[str, Any] = {
    **WRITE,
    "requestBody": {
        "required": True,
        "content": {
            MERGE_PATCH: {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        },
    },
}
"""The OpenAPI extra of a merge patch (read by :func:`json_object`, not by FastAPI)."""


def read_json(body: bytes) -> Any:
    """A write's body as JSON, read by pydantic-core's parser, which refuses to nest
    deeper than 200 levels where Python's would recurse until it failed; a body that is
    not JSON, or nests deeper, is an :class:`~api.errors.InvalidBody` (422)."""
    try:
        return from_json(body)
    except ValueError as e:
        raise InvalidBody(
            [{"where": "body", "message": f"The body is not valid JSON ({e})."}]
        ) from e


class _JsonBody(Request):
    """A request whose JSON body is read by :func:`read_json`, once."""

    async def json(self) -> Any:
        if not hasattr(self, "_json_body"):
            self._json_body = read_json(await self.body())
        return self._json_body


class WriteRoute(APIRoute):
    """A route whose JSON body is read (by :func:`read_json`) before FastAPI reads it,
    so that a body that is not JSON, or nests too deeply, is answered as the write
    problem it is: FastAPI itself would answer it as a generic 400, or a parse inside
    the handler as whatever that raises."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def read_body_first(request: Request) -> Response:
            request = _JsonBody(request.scope, request.receive)
            if request.method in ("POST", "PUT", "PATCH") and is_json(
                content_type(request.headers)
            ):
                await request.json()
            return await handle(request)

        return read_body_first


def curation_router() -> APIRouter:
    """A router of the curation API: under /v1, tagged ``curation``, its routes
    :class:`WriteRoute` s."""
    return APIRouter(prefix="/v1", tags=["curation"], route_class=WriteRoute)


# -- request bodies ------------------------------------------------------------------


async def json_object(request: Request) -> dict[str, Any]:
    """A merge patch's body: a JSON object, sent as merge-patch+json or JSON."""
    media = content_type(request.headers)
    if media not in (MERGE_PATCH, "application/json"):
        raise UnsupportedMediaType([MERGE_PATCH, "application/json"])
    value = await request.json()  # read by read_json (see WriteRoute)
    if not isinstance(value, dict):
        raise bad_body("body", "A merge patch is a JSON object.")
    return value


def bad_body(where: str, message: str) -> InvalidBody:
    """The 422 for a body that cannot be taken, saying where in it (``body.id``)."""
    return InvalidBody([{"where": where, "message": message}])


def body_errors(e: ValidationError) -> list[dict[str, str]]:
    """A validation error of a body, as the ``errors`` of an :class:`InvalidBody`."""
    return [
        {"where": ".".join(["body", *(str(p) for p in err["loc"])]), "message": err["msg"]}
        for err in e.errors()
    ]


# -- ETags ---------------------------------------------------------------------------


def etag_of_revision(revision: int) -> str:
    """The ETag of a concept: the revision of its file."""
    return f'"rev-{revision}"'


def etag_of_relation(rel: dict[str, Any]) -> str:
    """The ETag of a relation: a digest of the relation as stated."""
    canonical = json.dumps(rel, sort_keys=True, ensure_ascii=False).encode()
    return f'"rel-{hashlib.sha256(canonical).hexdigest()[:20]}"'


def expected_revision(request: Request, current: int | None) -> int | None:
    """The revision of a concept file a conditional write expects (None: the file must
    not exist), after :func:`~api.headers.check_condition` on its ETag."""
    check_condition(request.headers, None if current is None else etag_of_revision(current))
    return current


# -- committing ----------------------------------------------------------------------


async def publish(request: Request, done: Committed) -> None:
    """Serve the graph of the committed state from this worker before answering."""
    if done.graph is None:  # the edit changed nothing
        return
    # path finding's structures are built after the answer (about a second at 50,000
    # concepts); a relate query meanwhile builds what it needs, with the same answer
    await asyncio.to_thread(reload.prepare, done.graph, False)
    reload.install_newer(context_of(request.app), done.graph, done.revision)


async def commit(
    request: Request,
    curator: Curator,
    path: str,
    edit: Callable[[bytes | None], bytes | None],
    author: str,
    expected: int | None,
    also: Mapping[str, Edit] | None = None,
) -> Committed:
    """Commit ``edit`` of the file at ``path`` (and the edits ``also`` makes of other
    files, in the same commit) and publish it; 412 if the file is no longer at the
    ``expected`` revision."""
    try:
        done = await asyncio.to_thread(curator.change, path, edit, author, expected, also)
    except StaleWrite as e:
        raise PreconditionFailed(
            "Someone changed it first; read it again and redo the edit on what is there now.",
            None if e.current is None else etag_of_revision(e.current),
        ) from e
    await publish(request, done)
    return done


# -- answers -------------------------------------------------------------------------


def record_response(
    cid: str,
    content: bytes,
    revision: int,
    status: int = 200,
) -> JSONResponse:
    """A concept's editable record, with its ETag (and Location, when created)."""
    record = record_of(content)
    body = {
        "id": cid,
        "revision": revision,
        "etag": etag_of_revision(revision),
        **record,
        "plural": bool(record.get("plural", False)),
    }
    headers = {"ETag": etag_of_revision(revision)}
    if status == 201:
        headers["Location"] = urls.concept(cid)
    return JSONResponse(body, status_code=status, headers=headers)


def relation_response(source: str, rel: dict[str, Any], status: int = 200) -> JSONResponse:
    """A relation as stated on ``source``, with its ETag (and Location, when created)."""
    etag = etag_of_relation(rel)
    body = {
        "source": source,
        "type": rel["type"],
        "target": rel["target"],
        "modality": rel.get("modality"),
        "note": rel.get("note"),
        "citations": rel.get("citations") or [],
        "etag": etag,
    }
    headers = {"ETag": etag}
    if status == 201:
        headers["Location"] = urls.relation(source, rel["type"], rel["target"])
    return JSONResponse(body, status_code=status, headers=headers)


def revision_of(curator: Curator, cid: str, revision: int) -> Revision:
    """Revision ``revision`` of concept ``cid``'s file; 404 if it is not one."""
    entry = curator.store.revision(revision)
    if entry is None or entry.path != concept_path(cid):
        raise NotFound(
            f"Revision {revision} is not a revision of concept {cid!r}; see "
            f"{urls.concept_history(cid)}."
        )
    return entry
