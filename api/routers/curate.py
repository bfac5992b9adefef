"""The curation API: write concepts and relations, their history, the change feed.

Writes need a bearer token with the right scope and a server started with a store
(``kg serve --store``); each write is validated like the data files and, once
committed, served at once. Concurrency is optimistic: a concept's ETag is the revision
of its file, sent back in If-Match; a relation's ETag is a digest of the relation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from pydantic_core import from_json

from api import reload
from api.curation_schemas import (
    Changes,
    ConceptFields,
    ConceptIn,
    ConceptRecord,
    History,
    RelationCitations,
    RelationCreate,
    RelationIn,
    RelationRecord,
    RevertIn,
    RevisionDetail,
    RevisionOut,
)
from api.deps import ConceptWriter, JsonOnly, RelationWriter, curator_of
from api.errors import (
    InvalidBody,
    PreconditionFailed,
    UnsupportedMediaType,
)
from api.headers import check_condition, content_type, entity_tags, is_json
from api.routers import problems
from api.routers.concepts import ConceptId
from api.schemas import RELATION_NAMES
from kg.curate import (
    ANY,
    Committed,
    Curator,
    delete_file,
    patch_concept,
    put_concept,
    relation_edit,
)
from kg.edit import Record, concept_id, concept_path, find_relation, merge_patch, record_of
from kg.errors import Conflict, InvalidQuery, NotFound
from kg.ids import did_you_mean, is_slug
from kg.ontology import RELATION_TYPES
from kg.store import Revision, StaleWrite

# -- request bodies ------------------------------------------------------------------

def read_json(body: bytes) -> Any:
    """A write's body as JSON, read by pydantic-core's parser, which refuses to nest
    deeper than 200 levels where Python's would recurse until it failed; a body that is
    not JSON, or nests deeper, is an :class:`~api.errors.InvalidBody` (422)."""
    try:
        return from_json(body)
    except ValueError as e:
        raise InvalidBody([{"where": "body", "message": f"The body is not valid JSON ({e})."}]
                          ) from e


class _JsonBody(Request):
    """A request whose JSON body is read by :func:`read_json`, once."""

    async def json(self) -> Any:
        if not hasattr(self, "_json_body"):
            self._json_body = read_json(await self.body())
        return self._json_body


def _is_json(request: Request) -> bool:
    return is_json(content_type(request.headers))


class WriteRoute(APIRoute):
    """A route whose JSON body is read (by :func:`read_json`) before FastAPI reads it,
    so that a body that is not JSON, or nests too deeply, is answered as the write
    problem it is: FastAPI itself would answer it as a generic 400, or a parse inside
    the handler as whatever that raises."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def read_body_first(request: Request) -> Response:
            request = _JsonBody(request.scope, request.receive)
            if request.method in ("POST", "PUT", "PATCH") and _is_json(request):
                await request.json()
            return await handle(request)

        return read_body_first


router = APIRouter(prefix="/v1", tags=["curation"], route_class=WriteRoute)

RelationType = Annotated[str, Path(min_length=1, max_length=50, description="relation type",
                                    json_schema_extra={"enum": RELATION_NAMES})]
MERGE_PATCH = "application/merge-patch+json"

WRITE_ERRORS = problems(400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 503)
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]


def etag_of_revision(revision: int) -> str:
    return f'"rev-{revision}"'


def etag_of_relation(rel: dict[str, Any]) -> str:
    canonical = json.dumps(rel, sort_keys=True, ensure_ascii=False).encode()
    return f'"rel-{hashlib.sha256(canonical).hexdigest()[:20]}"'


def expected_revision(request: Request, current: int | None) -> int | None:
    """The revision of a concept file a conditional write expects (None: the file must
    not exist), after :func:`check_condition` on its ETag."""
    check_condition(request.headers, None if current is None else etag_of_revision(current))
    return current


async def _publish(request: Request, done: Committed) -> None:
    """Serve the graph of the committed state from this worker before answering."""
    if done.graph is None:  # the edit changed nothing
        return
    await asyncio.to_thread(reload.prepare, done.graph)
    reload.install_newer(request.app, done.graph, done.revision)


async def _commit(request: Request, curator: Curator, path: str,
                  edit: Callable[[bytes | None], bytes | None], author: str,
                  expected: int | None) -> Committed:
    try:
        done = await asyncio.to_thread(curator.change, path, edit, author, expected)
    except StaleWrite as e:
        raise PreconditionFailed("Someone changed it first; read it again and redo the "
                                 "edit on what is there now.",
                                 None if e.current is None else etag_of_revision(e.current),
                                 ) from e
    await _publish(request, done)
    return done


def _record_body(cid: str, content: bytes, revision: int) -> dict[str, Any]:
    record = record_of(content)
    return {"id": cid, "revision": revision, "etag": etag_of_revision(revision), **record,
            "plural": bool(record.get("plural", False))}


def _record_response(cid: str, content: bytes, revision: int, status: int = 200,
                     ) -> JSONResponse:
    headers = {"ETag": etag_of_revision(revision)}
    if status == 201:
        headers["Location"] = f"/v1/concepts/{cid}"
    return JSONResponse(_record_body(cid, content, revision), status_code=status,
                        headers=headers)


def _existing(curator: Curator, cid: str) -> tuple[str, int]:
    """The path of concept ``cid``'s file and its revision; 404 if there is none."""
    path = concept_path(cid)
    found = curator.read(path)
    if found is None:
        raise NotFound(f"There is no concept {cid!r}.")
    return path, found[1]


def _check_id(cid: str) -> None:
    if not is_slug(cid):
        raise InvalidQuery(f"{cid!r} is not a concept id: use lowercase words joined by "
                           "hyphens.")


def _bad_body(where: str, message: str) -> InvalidBody:
    return InvalidBody([{"where": where, "message": message}])


# -- concepts ------------------------------------------------------------------------

@router.get("/concepts/{id}/record", summary="Read a concept for editing",
            response_model=ConceptRecord,
            responses={**problems(404, 422), 304: {"description": "not modified"}})
def get_record(id: ConceptId, request: Request) -> Response:
    """The editable form of a concept (its file's fields) with the ETag to write it back."""
    curator = curator_of(request)
    found = curator.read(concept_path(id))
    if found is None:
        raise NotFound(f"There is no concept {id!r}.")
    etag = etag_of_revision(found[1])
    if etag in entity_tags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers={"ETag": etag})
    return _record_response(id, *found)


@router.post("/concepts", summary="Create a concept", status_code=201, response_model=ConceptRecord,
             responses=WRITE_ERRORS, openapi_extra={"security": SECURITY})
async def create_concept(author: ConceptWriter, _json: JsonOnly, request: Request,
                         body: ConceptIn) -> JSONResponse:
    """Create a concept (409 if the id is taken); validated like a data file."""
    if body.id is None:
        raise _bad_body("body.id", "Give the new concept's id (a slug) in the body.")
    if not is_slug(body.id):
        raise _bad_body("body.id", f"{body.id!r} is not a concept id: use lowercase words "
                        "joined by hyphens.")
    path = concept_path(body.id)
    try:
        done = await asyncio.to_thread(curator_of(request).change, path,
                                       put_concept(body.record()), author, None)
    except StaleWrite as e:
        raise Conflict(f"There is a concept {body.id!r} already; change it with PUT or "
                       "PATCH.") from e
    await _publish(request, done)
    assert done.content is not None
    return _record_response(body.id, done.content, done.revision, 201)


@router.put("/concepts/{id}", summary="Create or replace a concept",
            response_model=ConceptRecord, responses={
    **WRITE_ERRORS, 201: {"description": "created"}}, openapi_extra={"security": SECURITY})
async def put_concept_route(author: ConceptWriter, _json: JsonOnly, id: ConceptId,
                            request: Request, body: ConceptIn) -> JSONResponse:
    """Create or replace a concept; replacing needs If-Match with its ETag."""
    _check_id(id)
    if body.id is not None and body.id != id:
        raise _bad_body("body.id", f"The body's id {body.id!r} differs from the path's "
                        f"{id!r}.")
    curator = curator_of(request)
    path = concept_path(id)
    found = curator.read(path)
    expected = expected_revision(request, None if found is None else found[1])
    done = await _commit(request, curator, path, put_concept(body.record()), author,
                         expected)
    assert done.content is not None
    return _record_response(id, done.content, done.revision, 201 if found is None else 200)


@router.patch("/concepts/{id}", summary="Change a concept",
              response_model=ConceptRecord, responses=WRITE_ERRORS,
              openapi_extra={"security": SECURITY, "requestBody": {
                  "required": True, "content": {
                      MERGE_PATCH: {"schema": {"type": "object"}},
                      "application/json": {"schema": {"type": "object"}}}}})
async def patch_concept_route(author: ConceptWriter, id: ConceptId, request: Request,
                              ) -> JSONResponse:
    """Change some fields of a concept (JSON Merge Patch, RFC 7396); needs If-Match."""
    patch = await _json_object(request)
    if "id" in patch and patch["id"] != id:
        raise _bad_body("body.id", "A concept's id cannot be changed: create the new one "
                        "and delete the old.")
    patch.pop("id", None)
    curator = curator_of(request)
    path, at = _existing(curator, id)
    expected = expected_revision(request, at)

    def change(record: Record) -> Record:
        merged = merge_patch(record, patch)
        return _checked(merged)

    done = await _commit(request, curator, path, patch_concept(id, change), author, expected)
    assert done.content is not None
    return _record_response(id, done.content, done.revision)


@router.delete("/concepts/{id}", summary="Delete a concept",
               status_code=204, response_class=Response,
               responses=WRITE_ERRORS, openapi_extra={"security": SECURITY})
async def delete_concept(author: ConceptWriter, id: ConceptId, request: Request) -> Response:
    """Delete a concept; refused (422) while other concepts' relations point at it."""
    curator = curator_of(request)
    path, at = _existing(curator, id)
    expected = expected_revision(request, at)
    await _commit(request, curator, path, delete_file, author, expected)
    return Response(status_code=204)


@router.get("/concepts/{id}/history", summary="A concept's revisions",
            response_model=History, responses=problems(404, 422))
def history(id: ConceptId, request: Request,
            limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
            ) -> History:
    """Every revision of the concept's file, newest first (a deleted concept's too)."""
    entries = curator_of(request).history(concept_path(id))
    if not entries:
        raise NotFound(f"There is no concept {id!r}, and never was.")
    newest = list(reversed(entries))[offset:offset + limit]
    return History(id=id, items=[_revision_out(e) for e in newest])


@router.get("/concepts/{id}/history/{revision}", summary="One revision of a concept",
            response_model=RevisionDetail,
            responses=problems(404, 422))
def revision_detail(id: ConceptId, request: Request,
                    revision: int = Path(ge=1, le=2**62)) -> JSONResponse:
    """One revision of a concept: who, when, and the concept as it left it."""
    entry = _revision_of(curator_of(request), id, revision)
    return JSONResponse({
        **_revision_out(entry).model_dump(),
        "record": None if entry.after is None else record_of(entry.after),
        "yaml": None if entry.after is None else entry.after.decode()})


@router.post("/concepts/{id}/revert", summary="Revert a concept",
             response_model=ConceptRecord, responses={
    **WRITE_ERRORS, 201: {"description": "a deleted concept brought back"},
    204: {"description": "reverted to a deletion: the concept is gone"}},
    openapi_extra={"security": SECURITY})
async def revert(author: ConceptWriter, _json: JsonOnly, id: ConceptId, request: Request,
                 body: RevertIn) -> Response:
    """Put the concept back as a revision of its history left it (validated; a new
    revision); needs If-Match while the concept exists."""
    curator = curator_of(request)
    entry = _revision_of(curator, id, body.revision)
    path = concept_path(id)
    found = curator.read(path)
    if found is None and entry.after is None:
        raise Conflict(f"Concept {id!r} is deleted already.")
    expected = expected_revision(request, None if found is None else found[1])
    content = entry.after
    done = await _commit(request, curator, path, lambda _: content, author, expected)
    if done.content is None:
        return Response(status_code=204)
    return _record_response(id, done.content, done.revision, 201 if found is None else 200)


def _revision_of(curator: Curator, cid: str, revision: int) -> Revision:
    entry = curator.store.revision(revision)
    if entry is None or entry.path != concept_path(cid):
        raise NotFound(f"Revision {revision} is not a revision of concept {cid!r}; see "
                       f"/v1/concepts/{cid}/history.")
    return entry


# -- relations -----------------------------------------------------------------------

def _relation_url(source: str, rtype: str, target: str) -> str:
    return f"/v1/relations/{source}/{rtype}/{target}"


def _relation_response(source: str, rel: dict[str, Any], status: int = 200) -> JSONResponse:
    etag = etag_of_relation(rel)
    body = {"source": source, "type": rel["type"], "target": rel["target"],
            "modality": rel.get("modality"), "note": rel.get("note"),
            "citations": rel.get("citations") or [], "etag": etag}
    headers = {"ETag": etag}
    if status == 201:
        headers["Location"] = _relation_url(source, rel["type"], rel["target"])
    return JSONResponse(body, status_code=status, headers=headers)


def _stated(curator: Curator, source: str, rtype: str, target: str,
            ) -> dict[str, Any] | None:
    found = curator.read(concept_path(source))
    if found is None:
        raise NotFound(f"There is no concept {source!r}.")
    record = record_of(found[0])
    at = find_relation(record, rtype, target)
    return None if at is None else dict(record["relations"][at])


def _relation_condition(request: Request) -> Callable[[dict[str, Any] | None], None]:
    """The check of If-Match / If-None-Match against the relation as it is when the
    edit applies (so an edit of another relation of the same concept is no conflict)."""
    def check(current: dict[str, Any] | None) -> None:
        check_condition(request.headers,
                        None if current is None else etag_of_relation(current))
    return check


def _known_type(rtype: str) -> None:
    if rtype not in RELATION_TYPES:
        raise InvalidQuery(f"Unknown relation type {rtype!r}. "
                           f"{did_you_mean(rtype, RELATION_TYPES)}".strip())


@router.get("/relations/{source}/{type}/{target}", summary="Read a relation",
            response_model=RelationRecord,
            responses=problems(400, 404, 422))
def get_relation(source: ConceptId, type: RelationType, target: ConceptId,
                 request: Request) -> JSONResponse:
    """A relation as stated on its source concept, with the ETag to change it."""
    curator = curator_of(request)
    _known_type(type)
    rel = _stated(curator, source, type, target)
    if rel is None:
        hint = ""
        if RELATION_TYPES[type].symmetric and curator.read(concept_path(target)) is not None \
                and _stated(curator, target, type, source) is not None:
            hint = f" It is stated on {target!r}: {_relation_url(target, type, source)}."
        raise NotFound(f"{source!r} states no {type} relation to {target!r}.{hint}")
    return _relation_response(source, rel)


@router.post("/relations", summary="Create a relation",
             status_code=201, response_model=RelationRecord,
             responses=WRITE_ERRORS, openapi_extra={"security": SECURITY})
async def create_relation(author: RelationWriter, _json: JsonOnly, request: Request,
                          body: RelationCreate) -> JSONResponse:
    """State a new relation on its source concept (409 if it is stated already)."""
    curator = curator_of(request)
    new = body.model_dump(exclude={"source"}, exclude_none=True)

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        if current is not None:
            raise Conflict(f"{body.source!r} states a {body.type} relation to "
                           f"{body.target!r} already; change it with PUT or PATCH.")
        return new

    await _commit(request, curator, concept_path(body.source),
                  relation_edit(body.source, body.type, body.target, change), author, ANY)
    return _relation_response(body.source, new, 201)


@router.put("/relations/{source}/{type}/{target}", summary="Create a relation or set its citations",
            response_model=RelationRecord,
            responses={**WRITE_ERRORS, 201: {"description": "created"}},
            openapi_extra={"security": SECURITY})
async def put_relation(author: RelationWriter, _json: JsonOnly, source: ConceptId,
                       type: RelationType, target: ConceptId, request: Request,
                       body: RelationCitations) -> JSONResponse:
    """Create a relation or replace its citations; replacing needs If-Match."""
    _known_type(type)
    curator = curator_of(request)
    check = _relation_condition(request)
    # a field not sent keeps its value (a client that only knows citations loses nothing)
    sent: dict[str, Any] = {k: getattr(body, k) for k in ("modality", "note")
                            if k in body.model_fields_set}
    result: list[dict[str, Any]] = []
    existed: list[bool] = []

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        check(current)
        kept: dict[str, Any] = {k: current[k] for k in ("modality", "note")
                                if current and k in current}
        new: dict[str, Any] = {"type": type, "target": target, **kept, **sent,
                               "citations": [c.model_dump() for c in body.citations]}
        new = {k: v for k, v in new.items() if v is not None}
        result.append(new)
        existed.append(current is not None)
        return new

    await _commit(request, curator, concept_path(source),
                  relation_edit(source, type, target, change), author, ANY)
    return _relation_response(source, result[-1], 200 if existed[-1] else 201)


@router.patch("/relations/{source}/{type}/{target}", summary="Change a relation",
              response_model=RelationRecord,
              responses=WRITE_ERRORS, openapi_extra={"security": SECURITY, "requestBody": {
                  "required": True, "content": {
                      MERGE_PATCH: {"schema": {"type": "object"}},
                      "application/json": {"schema": {"type": "object"}}}}})
async def patch_relation(author: RelationWriter, source: ConceptId, type: RelationType,
                         target: ConceptId, request: Request) -> JSONResponse:
    """Change a relation's type, target, modality, note or citations (JSON Merge Patch);
    needs If-Match. A new type or target moves the relation: its new URL is in Location."""
    _known_type(type)
    patch = await _json_object(request)
    unknown = sorted(set(patch) - {"type", "target", "modality", "note", "citations"})
    if unknown:
        raise _bad_body(f"body.{unknown[0]}", f"A relation has no field {unknown[0]!r}; it "
                        "has type, target, modality, note and citations.")
    curator = curator_of(request)
    check = _relation_condition(request)
    result: list[dict[str, Any]] = []

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        if current is None:
            raise NotFound(f"{source!r} states no {type} relation to {target!r}.")
        check(current)
        new = merge_patch(current, patch)
        try:
            new = RelationIn.model_validate(new).model_dump(exclude_none=True)
        except ValidationError as e:
            raise InvalidBody(_errors(e)) from e
        result.append(new)
        return new

    await _commit(request, curator, concept_path(source),
                  relation_edit(source, type, target, change), author, ANY)
    new = result[-1]
    moved = (new.get("type"), new.get("target")) != (type, target)
    response = _relation_response(source, new)
    if moved:
        response.headers["Location"] = _relation_url(source, new["type"], new["target"])
    return response


@router.delete("/relations/{source}/{type}/{target}", summary="Delete a relation", status_code=204,
               response_class=Response, responses=WRITE_ERRORS,
               openapi_extra={"security": SECURITY})
async def delete_relation(author: RelationWriter, source: ConceptId, type: RelationType,
                          target: ConceptId, request: Request) -> Response:
    """Remove a relation from its source concept; needs If-Match."""
    _known_type(type)
    curator = curator_of(request)
    check = _relation_condition(request)

    def change(current: dict[str, Any] | None) -> None:
        if current is None:
            raise NotFound(f"{source!r} states no {type} relation to {target!r}.")
        check(current)
        return None

    await _commit(request, curator, concept_path(source),
                  relation_edit(source, type, target, change), author, ANY)
    return Response(status_code=204)


# -- the change feed -----------------------------------------------------------------

@router.get("/changes", summary="The change feed",
            response_model=Changes, responses=problems(404, 422))
def changes(request: Request,
            since: int = Query(0, ge=0, le=2**62, description="the last revision already "
                                                             "seen (0: from the start)"),
            limit: int = Query(100, ge=1, le=1000)) -> Changes:
    """Every revision after `since`, oldest first: poll it to follow the edits."""
    store = curator_of(request).store
    head = store.head()
    entries = store.changes(since, limit)
    more = bool(entries) and entries[-1].revision < head
    return Changes(items=[_revision_out(e) for e in entries], head=head,
                   next=entries[-1].revision if more else None)


def _revision_out(entry: Revision) -> RevisionOut:
    return RevisionOut(revision=entry.revision, at=entry.at, author=entry.author,
                       action=entry.action,
                       path=entry.path, concept=concept_id(entry.path))


# -- merge patches -------------------------------------------------------------------

async def _json_object(request: Request) -> dict[str, Any]:
    media = content_type(request.headers)
    if media not in (MERGE_PATCH, "application/json"):
        raise UnsupportedMediaType([MERGE_PATCH, "application/json"])
    value = await request.json()  # read by read_json (see WriteRoute)
    if not isinstance(value, dict):
        raise _bad_body("body", "A merge patch is a JSON object.")
    return value


def _checked(record: Record) -> Record:
    """A patched record, given the shape a concept file has (the loader judges the rest)."""
    fields = {k: v for k, v in record.items() if k != "id"}
    try:
        return ConceptFields.model_validate(fields).record()
    except ValidationError as e:
        raise InvalidBody(_errors(e)) from e


def _errors(e: ValidationError) -> list[dict[str, str]]:
    return [{"where": ".".join(["body", *(str(p) for p in err["loc"])]), "message": err["msg"]}
            for err in e.errors()]
