from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import get_graph, get_settings
from api.negotiation import RDF_CONTENT, FormatParam, rdf_answer, split_suffix
from api.routers import problems
from api.schemas import SourceList, SourceOut, source_out
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph
from kg.rdf import source_description

router = APIRouter(prefix="/v1/sources", tags=["sources"])
SourceId = Annotated[str, Path(min_length=1, max_length=200, description="source id")]


@router.get("", response_model=SourceList)
def list_sources(graph: KnowledgeGraph = Depends(get_graph)) -> SourceList:
    """The texts and works the graph cites or names."""
    return SourceList(items=[source_out(s) for s in graph.sources.values()])


@router.get(
    "/{id}",
    response_model=SourceOut,
    responses={
        **problems(400, 404, 406, 422),
        200: {
            "description": "the source; as RDF when the Accept header, `format` or a file "
            "suffix (`{id}.ttl`) asks for it",
            "content": RDF_CONTENT,
        },
    },
)
def get_source(
    id: SourceId,
    request: Request,
    format: FormatParam = None,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> SourceOut | Response:
    """One source's metadata (as RDF, with its text)."""
    id, suffix = split_suffix(id, graph.sources)
    source = graph.source(id)
    base = settings.base_iri
    rdf = rdf_answer(request, format, suffix, lambda: source_description(graph, id, base), base)
    return rdf or source_out(source)


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
