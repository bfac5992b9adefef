from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import PlainTextResponse

from api.deps import get_graph
from api.routers import problems
from api.schemas import SourceList, SourceOut, source_out
from kg.graph import KnowledgeGraph

router = APIRouter(prefix="/v1/sources", tags=["sources"])
SourceId = Annotated[str, Path(min_length=1, max_length=200, description="source id")]


@router.get("", response_model=SourceList)
def list_sources(graph: KnowledgeGraph = Depends(get_graph)) -> SourceList:
    """The texts and works the graph cites or names."""
    return SourceList(items=[source_out(s) for s in graph.sources.values()])


@router.get("/{id}", response_model=SourceOut, responses=problems(404, 422))
def get_source(id: SourceId, graph: KnowledgeGraph = Depends(get_graph)) -> SourceOut:
    """One source's metadata."""
    return source_out(graph.source(id))


@router.get(
    "/{id}/text",
    response_class=PlainTextResponse,
    responses={
        **problems(404, 422),
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "the source text; citation offsets point into it",
        },
    },
)
def get_source_text(id: SourceId, graph: KnowledgeGraph = Depends(get_graph)) -> PlainTextResponse:
    """The full text of a source, exactly as citation offsets count it."""
    return PlainTextResponse(graph.source_text(id), media_type="text/plain; charset=utf-8")
