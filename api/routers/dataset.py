"""The dataset's description (VoID and DCAT) at its well-known place."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from api.deps import cached, concept_dates, data_modified, get_graph, get_settings
from api.negotiation import RDF_CONTENT, RdfFormatParam, negotiate, rdf_response
from api.routers import problems
from api.settings import ServerSettings
from kg.dataset import VOID_PATH
from kg.graph import KnowledgeGraph
from kg.rdf import dataset_triples

router = APIRouter(tags=["rdf"])


@router.get(
    VOID_PATH,
    response_class=Response,
    responses={
        **problems(400, 406, 422),
        200: {"description": "the dataset's VoID and DCAT description", "content": RDF_CONTENT},
    },
)
def void(
    request: Request,
    format: RdfFormatParam = None,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """What the dataset is: title, publisher, licence, version, modification date, counts,
    the SPARQL endpoint and the dumps (Turtle unless the Accept header or `format` asks
    for another RDF format)."""
    fmt = negotiate(request, format, json=False)
    assert fmt is not None  # json=False: always an RDF format
    triples = cached(
        request,
        "void",
        lambda: dataset_triples(
            graph, settings.base_iri, data_modified(request), concept_dates(request)
        ),
    )
    return rdf_response(triples, fmt, settings.base_iri)
