"""Reading and writing one relation, as stated on its source concept: create, set its
citations, change (JSON Merge Patch), delete. Writes need a token with
``relations:write``; see :mod:`api.curation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from api import urls
from api.curation import (
    PATCH,
    WRITE,
    WRITE_ERRORS,
    bad_body,
    body_errors,
    commit,
    curation_router,
    etag_of_relation,
    json_object,
    relation_response,
)
from api.curation_schemas import RelationCitations, RelationCreate, RelationIn, RelationRecord
from api.deps import JsonOnly, RelationWriter, curator_of
from api.errors import InvalidBody
from api.headers import check_condition
from api.routers import problems
from api.routers.concepts import ConceptId
from api.schemas import RELATION_NAMES
from kg.curate import ANY, Curator, relation_edit
from kg.edit import concept_path, find_relation, merge_patch, record_of
from kg.errors import Conflict, InvalidQuery, NotFound
from kg.ids import did_you_mean
from kg.ontology import RELATION_TYPES
from kg.schema import RELATION

router = curation_router()

RelationType = Annotated[
    str,
    Path(
        min_length=1,
        max_length=50,
        description="relation type",
        json_schema_extra={"enum": RELATION_NAMES},
    ),
]


@router.get(
    "/relations/{source}/{type}/{target}",
    summary="Read a relation",
    response_model=RelationRecord,
    responses=problems(400, 404, 422),
)
def get_relation(
    source: ConceptId, type: RelationType, target: ConceptId, request: Request
) -> JSONResponse:
    """A relation as stated on its source concept, with the ETag to change it."""
    curator = curator_of(request)
    _known_type(type)
    rel = _stated(curator, source, type, target)
    if rel is None:
        hint = ""
        if (
            RELATION_TYPES[type].symmetric
            and curator.read(concept_path(target)) is not None
            and _stated(curator, target, type, source) is not None
        ):
            hint = f" It is stated on {target!r}: {urls.relation(target, type, source)}."
        raise NotFound(f"{source!r} states no {type} relation to {target!r}.{hint}")
    return relation_response(source, rel)


@router.post(
    "/relations",
    summary="Create a relation",
    status_code=201,
    response_model=RelationRecord,
    responses=WRITE_ERRORS,
    openapi_extra=WRITE,
)
async def create_relation(
    author: RelationWriter, _json: JsonOnly, request: Request, body: RelationCreate
) -> JSONResponse:
    """State a new relation on its source concept (409 if it is stated already)."""
    curator = curator_of(request)
    new = body.model_dump(exclude={"source"}, exclude_none=True)

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        if current is not None:
            raise Conflict(
                f"{body.source!r} states a {body.type} relation to "
                f"{body.target!r} already; change it with PUT or PATCH."
            )
        return new

    await commit(
        request,
        curator,
        concept_path(body.source),
        relation_edit(body.source, body.type, body.target, change),
        author,
        ANY,
    )
    return relation_response(body.source, new, 201)


@router.put(
    "/relations/{source}/{type}/{target}",
    summary="Create a relation or set its citations",
    response_model=RelationRecord,
    responses={**WRITE_ERRORS, 201: {"description": "created"}},
    openapi_extra=WRITE,
)
async def put_relation(
    author: RelationWriter,
    _json: JsonOnly,
    source: ConceptId,
    type: RelationType,
    target: ConceptId,
    request: Request,
    body: RelationCitations,
) -> JSONResponse:
    """Create a relation or replace its citations; replacing needs If-Match."""
    _known_type(type)
    curator = curator_of(request)
    check = _condition(request)
    # a field not sent keeps its value (a client that only knows citations loses nothing)
    sent: dict[str, Any] = {
        k: getattr(body, k) for k in RELATION.optional if k in body.model_fields_set
    }
    result: list[dict[str, Any]] = []
    existed: list[bool] = []

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        check(current)
        kept: dict[str, Any] = {
            k: current[k] for k in RELATION.optional if current and k in current
        }
        new: dict[str, Any] = {
            "type": type,
            "target": target,
            **kept,
            **sent,
            "citations": [c.model_dump() for c in body.citations],
        }
        new = {k: v for k, v in new.items() if v is not None}
        result.append(new)
        existed.append(current is not None)
        return new

    await commit(
        request,
        curator,
        concept_path(source),
        relation_edit(source, type, target, change),
        author,
        ANY,
    )
    return relation_response(source, result[-1], 200 if existed[-1] else 201)


@router.patch(
    "/relations/{source}/{type}/{target}",
    summary="Change a relation",
    response_model=RelationRecord,
    responses=WRITE_ERRORS,
    openapi_extra=PATCH,
)
async def patch_relation(
    author: RelationWriter,
    source: ConceptId,
    type: RelationType,
    target: ConceptId,
    request: Request,
) -> JSONResponse:
    """Change a relation's type, target, modality, note or citations (JSON Merge Patch);
    needs If-Match. A new type or target moves the relation: its new URL is in Location."""
    _known_type(type)
    patch = await json_object(request)
    unknown = sorted(set(patch) - RELATION.allowed)
    if unknown:
        *fields, last = RELATION.names
        raise bad_body(
            f"body.{unknown[0]}",
            f"A relation has no field {unknown[0]!r}; it has {', '.join(fields)} and {last}.",
        )
    curator = curator_of(request)
    check = _condition(request)
    result: list[dict[str, Any]] = []

    def change(current: dict[str, Any] | None) -> dict[str, Any]:
        if current is None:
            raise NotFound(f"{source!r} states no {type} relation to {target!r}.")
        check(current)
        new = merge_patch(current, patch)
        try:
            new = RelationIn.model_validate(new).model_dump(exclude_none=True)
        except ValidationError as e:
            raise InvalidBody(body_errors(e)) from e
        result.append(new)
        return new

    await commit(
        request,
        curator,
        concept_path(source),
        relation_edit(source, type, target, change),
        author,
        ANY,
    )
    new = result[-1]
    moved = (new.get("type"), new.get("target")) != (type, target)
    response = relation_response(source, new)
    if moved:
        response.headers["Location"] = urls.relation(source, new["type"], new["target"])
    return response


@router.delete(
    "/relations/{source}/{type}/{target}",
    summary="Delete a relation",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
    openapi_extra=WRITE,
)
async def delete_relation(
    author: RelationWriter,
    source: ConceptId,
    type: RelationType,
    target: ConceptId,
    request: Request,
) -> Response:
    """Remove a relation from its source concept; needs If-Match."""
    _known_type(type)
    curator = curator_of(request)
    check = _condition(request)

    def change(current: dict[str, Any] | None) -> None:
        if current is None:
            raise NotFound(f"{source!r} states no {type} relation to {target!r}.")
        check(current)
        return None

    await commit(
        request,
        curator,
        concept_path(source),
        relation_edit(source, type, target, change),
        author,
        ANY,
    )
    return Response(status_code=204)


def _stated(
    curator: Curator,
    source: str,
    rtype: str,
    target: str,
) -> dict[str, Any] | None:
    found = curator.read(concept_path(source))
    if found is None:
        raise NotFound(f"There is no concept {source!r}.")
    record = record_of(found[0])
    at = find_relation(record, rtype, target)
    return None if at is None else dict(record["relations"][at])


def _condition(request: Request) -> Callable[[dict[str, Any] | None], None]:
    """The check of If-Match / If-None-Match against the relation as it is when the
    edit applies (so an edit of another relation of the same concept is no conflict)."""

    def check(current: dict[str, Any] | None) -> None:
        check_condition(request.headers, None if current is None else etag_of_relation(current))

    return check


def _known_type(rtype: str) -> None:
    if rtype not in RELATION_TYPES:
        raise InvalidQuery(
            f"Unknown relation type {rtype!r}. {did_you_mean(rtype, RELATION_TYPES)}".strip()
        )
