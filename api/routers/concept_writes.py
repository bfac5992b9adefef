"""Writing concepts: the editable record, create, replace, change (JSON Merge Patch),
delete and revert. Each needs a token with ``concepts:write``; see :mod:`api.curation`."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api.curation import (
    PATCH,
    WRITE,
    WRITE_ERRORS,
    bad_body,
    body_errors,
    commit,
    curation_router,
    etag_of_revision,
    expected_revision,
    json_object,
    publish,
    record_response,
    revision_of,
)
from api.curation_schemas import ConceptFields, ConceptIn, ConceptRecord, RevertIn
from api.deps import ConceptWriter, JsonOnly, curator_of
from api.errors import InvalidBody
from api.headers import entity_tags
from api.routers import problems
from api.routers.concepts import ConceptId
from kg.curate import Curator, bury, delete_file, patch_concept, put_concept
from kg.edit import Record, concept_path, merge_patch, record_of
from kg.errors import Conflict, InvalidQuery, NotFound
from kg.ids import is_slug
from kg.schema import NAME_MAX, TOMBSTONES_FILE
from kg.store import StaleWrite

router = curation_router()


@router.get(
    "/concepts/{id}/record",
    summary="Read a concept for editing",
    response_model=ConceptRecord,
    responses={**problems(404, 422), 304: {"description": "not modified"}},
)
def get_record(id: ConceptId, request: Request) -> Response:
    """The editable form of a concept (its file's fields) with the ETag to write it back."""
    curator = curator_of(request)
    found = curator.read(concept_path(id))
    if found is None:
        raise NotFound(f"There is no concept {id!r}.")
    etag = etag_of_revision(found[1])
    if etag in entity_tags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers={"ETag": etag})
    return record_response(id, *found)


@router.post(
    "/concepts",
    summary="Create a concept",
    status_code=201,
    response_model=ConceptRecord,
    responses=WRITE_ERRORS,
    openapi_extra=WRITE,
)
async def create_concept(
    author: ConceptWriter, _json: JsonOnly, request: Request, body: ConceptIn
) -> JSONResponse:
    """Create a concept (409 if the id is taken); validated like a data file."""
    if body.id is None:
        raise bad_body("body.id", "Give the new concept's id (a slug) in the body.")
    if not is_slug(body.id):
        raise bad_body(
            "body.id", f"{body.id!r} is not a concept id: use lowercase words joined by hyphens."
        )
    path = concept_path(body.id)
    try:
        done = await asyncio.to_thread(
            curator_of(request).change, path, put_concept(body.record()), author, None
        )
    except StaleWrite as e:
        raise Conflict(
            f"There is a concept {body.id!r} already; change it with PUT or PATCH."
        ) from e
    await publish(request, done)
    assert done.content is not None
    return record_response(body.id, done.content, done.revision, 201)


@router.put(
    "/concepts/{id}",
    summary="Create or replace a concept",
    response_model=ConceptRecord,
    responses={**WRITE_ERRORS, 201: {"description": "created"}},
    openapi_extra=WRITE,
)
async def put_concept_route(
    author: ConceptWriter, _json: JsonOnly, id: ConceptId, request: Request, body: ConceptIn
) -> JSONResponse:
    """Create or replace a concept; replacing needs If-Match with its ETag."""
    _check_id(id)
    if body.id is not None and body.id != id:
        raise bad_body("body.id", f"The body's id {body.id!r} differs from the path's {id!r}.")
    curator = curator_of(request)
    path = concept_path(id)
    found = curator.read(path)
    expected = expected_revision(request, None if found is None else found[1])
    done = await commit(request, curator, path, put_concept(body.record()), author, expected)
    assert done.content is not None
    return record_response(id, done.content, done.revision, 201 if found is None else 200)


@router.patch(
    "/concepts/{id}",
    summary="Change a concept",
    response_model=ConceptRecord,
    responses=WRITE_ERRORS,
    openapi_extra=PATCH,
)
async def patch_concept_route(
    author: ConceptWriter,
    id: ConceptId,
    request: Request,
) -> JSONResponse:
    """Change some fields of a concept (JSON Merge Patch, RFC 7396); needs If-Match."""
    patch = await json_object(request)
    if "id" in patch and patch["id"] != id:
        raise bad_body(
            "body.id", "A concept's id cannot be changed: create the new one and delete the old."
        )
    patch.pop("id", None)
    curator = curator_of(request)
    path, at = _existing(curator, id)
    expected = expected_revision(request, at)

    def change(record: Record) -> Record:
        merged = merge_patch(record, patch)
        return _checked(merged)

    done = await commit(request, curator, path, patch_concept(id, change), author, expected)
    assert done.content is not None
    return record_response(id, done.content, done.revision)


@router.delete(
    "/concepts/{id}",
    summary="Delete a concept",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=WRITE,
)
async def delete_concept(
    author: ConceptWriter,
    id: ConceptId,
    request: Request,
    replaced_by: Annotated[
        str | None,
        Query(
            max_length=NAME_MAX,
            description="the concept it was merged into: its tombstone says so "
            "(`dct:isReplacedBy`), and its IRI's 410 points there",
        ),
    ] = None,
) -> Response:
    """Delete a concept, leaving a tombstone (its IRI answers 410 Gone); refused (422)
    while other concepts' relations point at it, or when ``replaced_by`` names no
    concept."""
    curator = curator_of(request)
    path, at = _existing(curator, id)
    if replaced_by is not None:
        _check_id(replaced_by)
    expected = expected_revision(request, at)
    found = curator.read(path)
    label = str(record_of(found[0]).get("label") or id) if found else id
    tomb = {TOMBSTONES_FILE: bury(id, label, replaced_by)}
    await commit(request, curator, path, delete_file, author, expected, also=tomb)
    return Response(status_code=204)


@router.post(
    "/concepts/{id}/revert",
    summary="Revert a concept",
    response_model=ConceptRecord,
    responses={
        **WRITE_ERRORS,
        201: {"description": "a deleted concept brought back"},
        204: {"description": "reverted to a deletion: the concept is gone"},
    },
    openapi_extra=WRITE,
)
async def revert(
    author: ConceptWriter, _json: JsonOnly, id: ConceptId, request: Request, body: RevertIn
) -> Response:
    """Put the concept back as a revision of its history left it (validated; a new
    revision); needs If-Match while the concept exists."""
    curator = curator_of(request)
    entry = revision_of(curator, id, body.revision)
    path = concept_path(id)
    found = curator.read(path)
    if found is None and entry.after is None:
        raise Conflict(f"Concept {id!r} is deleted already.")
    expected = expected_revision(request, None if found is None else found[1])
    content = entry.after
    done = await commit(request, curator, path, lambda _: content, author, expected)
    if done.content is None:
        return Response(status_code=204)
    return record_response(id, done.content, done.revision, 201 if found is None else 200)


def _existing(curator: Curator, cid: str) -> tuple[str, int]:
    """The path of concept ``cid``'s file and its revision; 404 if there is none."""
    path = concept_path(cid)
    found = curator.read(path)
    if found is None:
        raise NotFound(f"There is no concept {cid!r}.")
    return path, found[1]


def _check_id(cid: str) -> None:
    if not is_slug(cid):
        raise InvalidQuery(f"{cid!r} is not a concept id: use lowercase words joined by hyphens.")


def _checked(record: Record) -> Record:
    """A patched record, given the shape a concept file has (the loader judges the rest)."""
    fields = {k: v for k, v in record.items() if k != "id"}
    try:
        return ConceptFields.model_validate(fields).record()
    except ValidationError as e:
        raise InvalidBody(body_errors(e)) from e
