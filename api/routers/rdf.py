from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import cached, get_graph, get_settings
from api.errors import NotAcceptable
from api.negotiation import choose
from api.routers import problems
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.rdf import FORMATS, FORMATS_BY_MEDIA_TYPE, json_ld_context, rdf_format
from kg.rdf import export as export_graph
from kg.settings import Settings

router = APIRouter(prefix="/v1", tags=["rdf"])
RDF_TYPES = [f.media_type for f in FORMATS.values()]
_RDF_CONTENT: dict[str, dict[str, object]] = {f.media_type: {} for f in FORMATS.values()}


@router.get("/export", response_class=Response, responses={
    **problems(400, 406, 422),
    200: {"description": "the whole graph as RDF", "content": _RDF_CONTENT}})
def export(
    request: Request,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: Settings = Depends(get_settings),
    format: Annotated[str | None, Query(max_length=20, description=(
        "turtle, jsonld, ntriples or rdfxml; without it the Accept header decides"))] = None,
) -> Response:
    """The whole graph as RDF (SKOS, cited statements, sources with their texts)."""
    if format is not None:
        fmt = rdf_format(format)
        if fmt is None:
            raise InvalidQuery(f"Unknown format {format!r}; formats are "
                               f"{', '.join(FORMATS)}.")
    else:
        media = choose(request.headers.get("accept"), RDF_TYPES)
        if media is None:
            raise NotAcceptable(RDF_TYPES)
        fmt = FORMATS_BY_MEDIA_TYPE[media]
    name = fmt.name
    body = cached(request, f"export:{name}",
                  lambda: export_graph(graph, name, settings.base_iri))
    return Response(body, media_type=fmt.media_type, headers={
        "Vary": "Accept",
        "Content-Disposition": f'inline; filename="alignment-kg.{fmt.extension}"'})


@router.get("/context.jsonld", response_class=Response, responses={
    200: {"description": "JSON-LD context", "content": {"application/ld+json": {}}}})
def context(settings: Settings = Depends(get_settings)) -> Response:
    """The JSON-LD context for the export's vocabulary."""
    return Response(json.dumps(json_ld_context(settings.base_iri), indent=1),
                    media_type="application/ld+json")
