"""Pictures for bots that embed them: a concept's neighbourhood and how two concepts
relate, as SVG drawn by :mod:`kg.svg` (the pages draw the same ones inline)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import get_graph
from api.routers import problems
from api.routers.concepts import ConceptId
from kg.explain import shown_paths
from kg.graph import KnowledgeGraph
from kg.paths import MAX_HOPS, MAX_LIMIT, relate
from kg.svg import concept_svg, relate_svg

SVG = "image/svg+xml"
SVG_CONTENT = {SVG: {"schema": {"type": "string"}}}

router = APIRouter()


@router.get(
    "/v1/concepts/{id}/graph.svg",
    tags=["pictures"],
    response_class=Response,
    responses={
        **problems(404, 422),
        200: {"content": SVG_CONTENT, "description": "an SVG picture"},
    },
)
def concept_picture(
    id: ConceptId,
    graph: KnowledgeGraph = Depends(get_graph),
    depth: Annotated[int, Query(ge=1, le=2)] = 1,
    max_nodes: Annotated[int, Query(ge=2, le=30)] = 30,
) -> Response:
    """The neighbourhood of a concept as an SVG picture, coloured by kind."""
    c = graph.concept(id) if id in graph.concepts else graph.lookup(id) or graph.concept(id)
    return Response(concept_svg(graph, c.id, depth=depth, max_nodes=max_nodes), media_type=SVG)


@router.get(
    "/v1/relate.svg",
    tags=["pictures"],
    response_class=Response,
    responses={
        **problems(400, 404, 422),
        200: {"content": SVG_CONTENT, "description": "an SVG picture"},
    },
)
def relate_picture(
    x: Annotated[str, Query(min_length=1, max_length=200)],
    y: Annotated[str, Query(min_length=1, max_length=200)],
    graph: KnowledgeGraph = Depends(get_graph),
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 4,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 3,
) -> Response:
    """How x relates to y, drawn as an SVG diagram of the direct relations and best paths."""
    r = relate(graph, x, y, max_hops=max_hops, limit=limit)
    drawn = replace(r, paths=tuple(shown_paths(r, others=limit - 1)))
    return Response(relate_svg(graph, drawn, max_paths=limit), media_type=SVG)
