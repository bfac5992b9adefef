"""The curator's workbench: sign in and out, edit and create concepts, a concept's
history with its field diffs, and the recent changes.

The pages only read; every write is made by ``api/static/workbench.js`` through the
write API itself (``PUT /v1/concepts/{id}``, revert, delete...), with the session cookie
and the CSRF token in place of a bearer token, so a page's write is validated, refused
and answered exactly as an API client's. Signing in and out are the only forms posted
here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import urls
from api.deps import curator_of, graph_of, live_token
from api.errors import ApiProblem, CsrfRefused
from api.pages import PageRoute, page
from api.routers import html_errors
from api.workbench import (
    csrf_ok,
    end_session,
    form_fields,
    local_path,
    same_site,
    session_csrf,
    signed_in,
    start_session,
)
from kg.edit import concept_id, concept_path, record_of
from kg.errors import NotFound
from kg.graph import KnowledgeGraph
from kg.model import Relation
from kg.ontology import KINDS, MODALITIES, RELATION_TYPES
from kg.review import field_changes
from kg.store import Revision

router = APIRouter(route_class=PageRoute, tags=["workbench"])

RECENT = 50
"""How many revisions the recent-changes page lists."""


def _signin_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(urls.signin_page(next_path), status_code=303)


@router.get("/signin", response_class=HTMLResponse, responses=html_errors(404, 422))
def signin_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in page: paste a token once, and it becomes this browser's session."""
    curator_of(request)  # a server without a store has no one to sign in
    return page(
        request,
        "signin.html",
        title="Sign in",
        next=local_path(next, urls.home()),
        token=signed_in(request),
        csrf=session_csrf(request),
        error=None,
    )


@router.post(
    "/signin", response_class=HTMLResponse, responses=html_errors(401, 403, 405), status_code=303
)
async def sign_in(request: Request) -> Response:
    """Check the pasted token and start a session with it (303 to where the curator was
    going); a token that is unknown, revoked or expired is a 401 page saying which."""
    curator = curator_of(request)
    if not same_site(request):
        raise CsrfRefused()
    fields = await form_fields(request)
    secret = fields.get("token", "").strip()
    target = local_path(fields.get("next"), urls.home())
    try:
        token = live_token(curator, secret)
    except ApiProblem as e:
        return page(
            request,
            "signin.html",
            401,
            title="Sign in",
            next=target,
            token=None,
            csrf=None,
            error=str(e),
        )
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, token, secret)
    return response


@router.post("/signout", response_class=HTMLResponse, responses=html_errors(403), status_code=303)
async def sign_out(request: Request) -> Response:
    """End the session (the form carries the session's CSRF token)."""
    fields = await form_fields(request)
    if not csrf_ok(request, fields.get("csrf", "")):
        raise CsrfRefused()
    response = RedirectResponse(urls.home(), status_code=303)
    end_session(request, response)
    return response


def _editor(request: Request, record: dict[str, Any], **context: Any) -> HTMLResponse:
    """The edit form of ``record`` (see ``edit.html``), with the vocabularies it offers."""
    return page(
        request,
        "edit.html",
        record=record,
        kinds=list(KINDS),
        modalities=list(MODALITIES),
        types=[
            {"name": t.name, "description": t.description, "forward": t.forward}
            for t in RELATION_TYPES.values()
        ],
        sources=sorted(graph_of(request).sources),
        csrf=session_csrf(request),
        token=signed_in(request),
        verify=urls.verify(),
        **context,
    )


def _relations_of(graph: KnowledgeGraph, cid: str) -> list[Relation]:
    """The relations from and to ``cid`` in the graph served (none while this worker has
    yet to take up a concept just created)."""
    return graph.relations_of(cid) if cid in graph.concepts else []


@router.get("/concepts/{id}/edit", response_class=HTMLResponse, responses=html_errors(404, 422))
def edit_page(
    request: Request, id: str, source: str | None = None, quote: str | None = None
) -> Response:
    """The form that edits a concept; saving sends ``PUT /v1/concepts/{id}`` with the
    ETag the form was made from. Signed-in curators only (others are sent to sign in).
    With ``source`` and ``quote`` (a passage chosen on a source page), the form offers
    to attach the passage to the definition or to one of the relations."""
    curator = curator_of(request)
    if signed_in(request) is None:
        return _signin_redirect(urls.edit_page(id))
    found = curator.read(concept_path(id))
    if found is None:
        raise NotFound(f"There is no concept {id!r}.")
    content, revision = found
    return _editor(
        request,
        {"id": id, **record_of(content)},
        title=f"Edit {id}",
        cid=id,
        etag=f'"rev-{revision}"',
        api=urls.concept(id),
        incoming_relations=[
            {"source": r.source, "type": r.type.replace("_", " ")}
            for r in _relations_of(graph_of(request), id)
            if r.target == id and r.source != id
        ],
        incoming={"source": source, "quote": quote} if source and quote else None,
    )


@router.get("/new-concept", response_class=HTMLResponse, responses=html_errors(404))
def new_concept_page(request: Request) -> Response:
    """The form that creates a concept (``POST /v1/concepts``)."""
    curator_of(request)
    if signed_in(request) is None:
        return _signin_redirect(urls.new_concept_page())
    blank = {"label": "", "kind": "", "aliases": [], "definition": "", "citations": []}
    return _editor(
        request,
        {**blank, "relations": []},
        title="New concept",
        cid=None,
        etag=None,
        api=urls.concepts(),
        incoming=None,
        incoming_relations=[],
    )


def _entry(entry: Revision, current: int | None) -> dict[str, Any]:
    cid = concept_id(entry.path)
    return {
        "revision": entry.revision,
        "at": entry.at.replace("T", " ")[:19] + " UTC",
        "stamp": entry.at,
        "author": entry.author,
        "action": entry.action,
        "cid": cid,
        "path": entry.path,
        "current": entry.revision == current,
        "changes": field_changes(entry.before, entry.after) if cid else [],
    }


@router.get("/concepts/{id}/history", response_class=HTMLResponse, responses=html_errors(404, 422))
def history_page(request: Request, id: str) -> HTMLResponse:
    """A concept's revisions, newest first: who, when, and what each changed, field by
    field; a signed-in curator may revert to any of them (a new, validated revision)."""
    curator = curator_of(request)
    entries = curator.history(concept_path(id))
    if not entries:
        raise NotFound(f"There is no concept {id!r}, and never was.")
    found = curator.read(concept_path(id))
    current = None if found is None else found[1]
    return page(
        request,
        "history.html",
        title=f"History of {id}",
        cid=id,
        exists=found is not None,
        etag=None if current is None else f'"rev-{current}"',
        entries=[_entry(e, current) for e in reversed(entries)],
        token=signed_in(request),
        csrf=session_csrf(request),
    )


@router.get("/changes", response_class=HTMLResponse, responses=html_errors(404))
def changes_page(request: Request) -> HTMLResponse:
    """The latest revisions of the whole store (the change feed), newest first."""
    curator = curator_of(request)
    head = curator.store.head()
    entries = curator.store.changes(max(0, head - RECENT), RECENT)
    return page(
        request,
        "changes.html",
        title="Recent changes",
        head=head,
        entries=[_entry(e, None) for e in reversed(entries)],
    )
