"""The web pages: glossary index, concept pages, relate, ask, sources, and the pictures.

Pages are rendered on the server and work without JavaScript; a small script adds
autocomplete to the search fields. Pictures are SVG drawn by :mod:`kg.svg`, also served
on their own for bots that embed them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from api import urls
from api.context import context_of
from api.deps import get_graph, get_settings
from api.pages import page
from api.render import (
    footnotes,
    highlighted_source,
    inline,
    linked_sentence,
    markdown,
)
from api.routers import html_errors, merged, problems
from api.routers.concepts import ConceptId
from api.settings import ServerSettings
from kg.ask import MAX_QUESTION
from kg.ask import ask as run_ask
from kg.errors import AmbiguousTerm, ConceptNotFound, InvalidQuery, KGError
from kg.explain import (
    Footnotes,
    capitalize,
    cited_note,
    defined,
    relate_answer,
    sentence,
    shown_paths,
)
from kg.graph import KnowledgeGraph
from kg.ontology import KINDS
from kg.paths import MAX_HOPS, MAX_LIMIT, relate
from kg.search import search
from kg.svg import KIND_COLOURS, concept_svg, relate_svg

SVG = "image/svg+xml"
SVG_CONTENT = {SVG: {"schema": {"type": "string"}}}


def _redirect(status: int, what: str) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": what, "headers": {
        "Location": {"description": "where to go", "schema": {"type": "string"}}}}}


router = APIRouter(include_in_schema=True)


def _kind_title(kind: str) -> str:
    return kind.replace("_", " ")


_SUGGESTIONS = re.compile(r"\n\nQuestions it can answer:\n\n(?:- [^\n]*(?:\n|$))+")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z'\"(])")


def _summary(text: str) -> str:
    """The first sentence of a definition."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].rstrip(".")
    return first + "."


def _error(request: Request, exc: KGError, status: int = 404) -> HTMLResponse:
    graph = context_of(request.app).graph
    ids = getattr(exc, "suggestions", []) or []
    suggestions = [{"url": urls.concept_page(i), "label": graph.concepts[i].label}
                   for i in ids if i in graph.concepts]
    return page(request, "error.html", status, title=exc.title, detail=exc.detail,
                suggestions=suggestions)


# -- pages

@router.get("/", response_class=HTMLResponse, tags=["web pages"])
def home(request: Request, graph: KnowledgeGraph = Depends(get_graph)) -> HTMLResponse:
    """The glossary's front page: search, and every concept A-Z grouped by kind."""
    groups = []
    for kind in KINDS:
        members = sorted((c for c in graph.concepts.values() if c.kind == kind),
                         key=lambda c: c.label.lower())
        if members:
            groups.append({"kind": kind, "title": _kind_title(kind).capitalize(),
                           "colour": KIND_COLOURS[kind],
                           "concepts": [{"url": urls.concept_page(c.id), "label": c.label,
                                         "summary": _summary(c.definition)} for c in members]})
    return page(request, "home.html", title="Glossary", groups=groups, stats=graph.stats())


@router.get("/search", response_class=HTMLResponse, tags=["web pages"], response_model=None,
            responses={**problems(422), **_redirect(303, "an exact match: its concept page")})
def search_page(request: Request, graph: KnowledgeGraph = Depends(get_graph),
                q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """Search results; an exact match goes straight to its concept page."""
    q = q.strip()
    hits = search(graph, q, limit=20) if q else []
    if hits and hits[0].match in ("id", "label", "alias"):
        return RedirectResponse(urls.concept_page(hits[0].id), status_code=303)
    return page(request, "search.html", title="Search", query=q, hits=[
        {"url": urls.concept_page(h.id), "label": h.label, "kind": _kind_title(h.kind),
         "matched": h.matched if h.matched not in (h.label, h.id) else None,
         "summary": _summary(graph.concepts[h.id].definition)}
        for h in hits])


@router.get("/concepts/{id}", response_class=HTMLResponse, tags=["web pages"],
            response_model=None, responses=merged(
                html_errors(404), problems(404, 422),
                _redirect(307, "`id` is a label or alias: the concept's own page")))
def concept_page(request: Request, id: str, graph: KnowledgeGraph = Depends(get_graph),
                 settings: ServerSettings = Depends(get_settings),
                 depth: Annotated[int, Query(ge=1, le=2)] = 1) -> Response:
    """A concept: definition, aliases, relations as sentences, quotes, and a picture."""
    if id not in graph.concepts:
        found = graph.lookup(id)  # a label or alias, as the API redirects it
        if found is None:
            return _error(request, ConceptNotFound(id, graph.suggest(id)))
        return RedirectResponse(urls.concept_page(found.id), status_code=307)
    concept = graph.concepts[id]
    notes = Footnotes(graph)
    definition = inline(defined(concept, notes))
    relations = []
    for rel in graph.relations_of(concept.id):
        forward = rel.source == concept.id
        other = graph.concepts[rel.target if forward else rel.source]
        relations.append({"html": linked_sentence(sentence(graph, rel, forward), other),
                          "marks": inline(notes.mark(rel.citations)),
                          "note": inline(cited_note(rel, notes)) if rel.note else None})
    svg = Markup(concept_svg(graph, concept.id, depth=depth, href=urls.concept_page))
    return page(request, "concept.html", title=concept.label, concept=concept,
                kind=_kind_title(concept.kind), colour=KIND_COLOURS[concept.kind],
                definition=definition, relations=relations, svg=svg, depth=depth,
                iri=settings.concept_iri(concept.id), notes=footnotes(notes))


@router.get("/relate", response_class=HTMLResponse, tags=["web pages"],
            responses={**html_errors(400, 404), **problems(422)})
def relate_page(request: Request, graph: KnowledgeGraph = Depends(get_graph),
                x: Annotated[str, Query(max_length=200)] = "",
                y: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Pick two concepts and see how they relate, with the paths drawn."""
    context: dict[str, Any] = {"title": "Relate", "x": x, "y": y}
    if not (x.strip() and y.strip()):
        return page(request, "relate.html", **context)
    try:
        r = relate(graph, x, y)
    except (ConceptNotFound, AmbiguousTerm, InvalidQuery) as exc:
        ids = getattr(exc, "suggestions", []) or []
        context["error"] = exc.detail
        context["suggestions"] = [{"url": urls.concept_page(i), "label": graph.concepts[i].label}
                                  for i in ids if i in graph.concepts]
        status = 400 if isinstance(exc, InvalidQuery) else 404
        return page(request, "relate.html", status, **context)
    answer, notes = relate_answer(graph, r)
    drawn = replace(r, paths=tuple(shown_paths(r)))  # the picture shows what the text tells
    ids = [r.x.id, *(s.to_id for p in drawn.paths for s in p.steps), r.y.id]
    context["drawn"] = [{"id": i, "url": urls.concept_page(i), "label": graph.concepts[i].label}
                        for i in dict.fromkeys(ids)]
    context.update(x_concept=r.x, y_concept=r.y, answer=markdown(answer), notes=footnotes(notes),
                   heading=f"{capitalize(r.x.label)} and {r.y.label}",
                   svg=Markup(relate_svg(graph, drawn, href=urls.concept_page)))
    context["title"] = f"{r.x.label} and {r.y.label}"
    return page(request, "relate.html", **context)


@router.get("/ask", response_class=HTMLResponse, tags=["web pages"], responses=problems(422))
def ask_page(request: Request, graph: KnowledgeGraph = Depends(get_graph),
             q: Annotated[str, Query(max_length=MAX_QUESTION)] = "") -> HTMLResponse:
    """Ask a question; the answer comes from the graph, every claim with its source."""
    if not q.strip():
        return page(request, "ask.html", title="Ask", q=q)
    a = run_ask(graph, q)
    concepts = [{"url": urls.concept_page(i), "label": graph.concepts[i].label} for i in a.concepts]
    # the page lists the suggested questions as links below the answer
    text = _SUGGESTIONS.sub("", a.answer)
    return page(request, "ask.html", title=a.question, q=a.question, a=a,
                answer=markdown(text), notes=footnotes(a.notes), concepts=concepts,
                suggestions=a.suggestions)


@router.get("/sources", response_class=HTMLResponse, tags=["web pages"])
def sources_page(request: Request, graph: KnowledgeGraph = Depends(get_graph)) -> HTMLResponse:
    """The sources the glossary quotes."""
    return page(request, "sources.html", title="Sources", sources=list(graph.sources.values()))


@router.get("/sources/{id}", response_class=HTMLResponse, tags=["web pages"],
            responses=merged(html_errors(404), problems(404, 422)))
def source_page(request: Request, id: str,
                graph: KnowledgeGraph = Depends(get_graph)) -> HTMLResponse:
    """A source text with every quoted passage highlighted and linked to its concepts."""
    if id not in graph.sources:
        return _error(request, ConceptNotFound(id, []), 404)
    s = graph.sources[id]
    text = highlighted_source(graph, id) if s.has_text else None
    return page(request, "source.html", title=s.title, s=s, text=text)


# -- pictures for bots

@router.get("/v1/concepts/{id}/graph.svg", tags=["pictures"], response_class=Response,
            responses={**problems(404, 422), 200: {"content": SVG_CONTENT,
                                                  "description": "an SVG picture"}})
def concept_picture(id: ConceptId, graph: KnowledgeGraph = Depends(get_graph),
                    depth: Annotated[int, Query(ge=1, le=2)] = 1,
                    max_nodes: Annotated[int, Query(ge=2, le=30)] = 30) -> Response:
    """The neighbourhood of a concept as an SVG picture, coloured by kind."""
    c = graph.concept(id) if id in graph.concepts else graph.lookup(id) or graph.concept(id)
    return Response(concept_svg(graph, c.id, depth=depth, max_nodes=max_nodes), media_type=SVG)


@router.get("/v1/relate.svg", tags=["pictures"], response_class=Response,
            responses={**problems(400, 404, 422), 200: {"content": SVG_CONTENT,
                                                       "description": "an SVG picture"}})
def relate_picture(x: Annotated[str, Query(min_length=1, max_length=200)],
                   y: Annotated[str, Query(min_length=1, max_length=200)],
                   graph: KnowledgeGraph = Depends(get_graph),
                   max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 4,
                   limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 3) -> Response:
    """How x relates to y, drawn as an SVG diagram of the direct relations and best paths."""
    r = relate(graph, x, y, max_hops=max_hops, limit=limit)
    drawn = replace(r, paths=tuple(shown_paths(r, others=limit - 1)))
    return Response(relate_svg(graph, drawn, max_paths=limit), media_type=SVG)
