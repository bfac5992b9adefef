"""The store's revisions: the change feed, a concept's history and one revision. Public
reads; a server without a store answers them with 404 (``no-store``)."""

from __future__ import annotations

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse

from api.curation import curation_router, revision_of
from api.curation_schemas import Changes, History, RevisionDetail, RevisionOut
from api.deps import curator_of
from api.routers import problems
from api.routers.concepts import ConceptId
from kg.edit import concept_id, concept_path, record_of
from kg.errors import NotFound
from kg.store import Revision

router = curation_router()


@router.get(
    "/concepts/{id}/history",
    summary="A concept's revisions",
    response_model=History,
    responses=problems(404, 422),
)
def history(
    id: ConceptId,
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**9),
) -> History:
    """Every revision of the concept's file, newest first (a deleted concept's too)."""
    entries = curator_of(request).history(concept_path(id))
    if not entries:
        raise NotFound(f"There is no concept {id!r}, and never was.")
    newest = list(reversed(entries))[offset : offset + limit]
    return History(id=id, items=[_revision_out(e) for e in newest])


@router.get(
    "/concepts/{id}/history/{revision}",
    summary="One revision of a concept",
    response_model=RevisionDetail,
    responses=problems(404, 422),
)
def revision_detail(
    id: ConceptId, request: Request, revision: int = Path(ge=1, le=2**62)
) -> JSONResponse:
    """One revision of a concept: who, when, and the concept as it left it."""
    entry = revision_of(curator_of(request), id, revision)
    return JSONResponse(
        {
            **_revision_out(entry).model_dump(),
            "record": None if entry.after is None else record_of(entry.after),
            "yaml": None if entry.after is None else entry.after.decode(),
        }
    )


@router.get(
    "/changes", summary="The change feed", response_model=Changes, responses=problems(404, 422)
)
def changes(
    request: Request,
    since: int = Query(
        0, ge=0, le=2**62, description="the last revision already seen (0: from the start)"
    ),
    limit: int = Query(100, ge=1, le=1000),
) -> Changes:
    """Every revision after `since`, oldest first: poll it to follow the edits."""
    store = curator_of(request).store
    head = store.head()
    entries = store.changes(since, limit)
    more = bool(entries) and entries[-1].revision < head
    return Changes(
        items=[_revision_out(e) for e in entries],
        head=head,
        next=entries[-1].revision if more else None,
    )


def _revision_out(entry: Revision) -> RevisionOut:
    return RevisionOut(
        revision=entry.revision,
        at=entry.at,
        author=entry.author,
        action=entry.action,
        path=entry.path,
        concept=concept_id(entry.path),
    )
