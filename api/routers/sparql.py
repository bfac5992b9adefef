"""SPARQL 1.1 Protocol, query only (see kg/sparql.py for the sandbox)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import cached, concept_dates, data_modified, get_graph, get_settings
from api.errors import NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from api.headers import choose, content_type
from api.negotiation import rdf_response
from api.routers import problems
from api.settings import ServerSettings
from kg.errors import InvalidQuery, QueryRejected
from kg.graph import KnowledgeGraph
from kg.rdf import FORMATS, FORMATS_BY_MEDIA_TYPE, RdfFormat, export, rdf_format
from kg.sparql import (
    GRAPH_TYPES,
    MAX_QUERY_CHARS,
    RESULT_TYPES,
    SparqlEngine,
    service_description,
)

router = APIRouter(prefix="/v1", tags=["sparql"])
MAX_BODY = 4 * MAX_QUERY_CHARS
RESULT_OFFER = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
]
GRAPH_OFFER = list(GRAPH_TYPES)  # Turtle first: the default
_RESULTS_JSON = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "boolean": {"type": "boolean"},
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {"bindings": {"type": "array"}},
        },
    },
}
_CONTENT = {
    m: {
        "schema": _RESULTS_JSON
        if m.endswith("json") and m in RESULT_OFFER
        else {"type": "object"}
        if m.endswith("json")
        else {"type": "string"}
    }
    for m in [*RESULT_OFFER, *GRAPH_OFFER]
}
RESPONSES = {
    **problems(400, 406, 413, 415, 422, 503),
    200: {
        "description": "results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)",
        "content": _CONTENT,
    },
}
QUERY_BOUNDS = {"minLength": 1, "maxLength": MAX_QUERY_CHARS}
QUERY_SCHEMA = {"type": "string", **QUERY_BOUNDS}
"""A query as the schema declares it; the handler itself answers an empty or over-long
one with 400 (the SPARQL protocol's status for a refused query), not 422."""


def _engine(request: Request, graph: KnowledgeGraph, settings: ServerSettings) -> SparqlEngine:
    return cached(
        request,
        "sparql",
        lambda: SparqlEngine(
            export(
                graph,
                "ntriples",
                settings.base_iri,
                data_modified(request),
                concept_dates(request),
            ),
            settings.base_iri,
            timeout=settings.sparql_timeout,
            max_rows=settings.sparql_max_rows,
            max_bytes=settings.sparql_max_bytes,
            max_memory=settings.sparql_max_memory,
            queue=settings.sparql_queue,
        ),
    )


RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""The names ``format`` takes for SELECT and ASK results; an RDF format's name (see
:data:`kg.rdf.FORMATS`) chooses how CONSTRUCT and DESCRIBE graphs are written."""


def _accept(request: Request, format: str | None) -> str | None:
    """The Accept header to negotiate with: ``format`` (a results or RDF format name),
    preferred to the rest, when given; else the request's own."""
    if format is None:
        return request.headers.get("accept")
    name = format.strip().lower()
    rdf = rdf_format(name)
    media = RESULT_FORMATS.get(name) or (rdf.media_type if rdf else None)
    if media is None:
        names = [*RESULT_FORMATS, *FORMATS]
        raise InvalidQuery(f"Unknown format {format!r}; formats are {', '.join(names)}.")
    return f"{media}, */*;q=0.1"  # the other kind of answer in its default format


async def _answer(
    request: Request,
    text: str | None,
    graph: KnowledgeGraph,
    settings: ServerSettings,
    format: str | None = None,
) -> Response:
    if text is None:
        raise InvalidQuery(
            "Give the query in the `query` parameter, or POST it as application/sparql-query."
        )
    accept = _accept(request, format)
    results, graphs = choose(accept, RESULT_OFFER), choose(accept, GRAPH_OFFER)
    if results is None and graphs is None:
        raise NotAcceptable(RESULT_OFFER + GRAPH_OFFER)
    # the query is read, checked and run in the engine's worker process, not here
    answer = await run_in_threadpool(
        _engine(request, graph, settings).query,
        text,
        RESULT_TYPES[results] if results else None,
        GRAPH_TYPES[graphs] if graphs else None,
    )
    media = results if answer.form in ("SELECT", "ASK") else graphs
    if answer.body is None or media is None:
        raise NotAcceptable(RESULT_OFFER if answer.form in ("SELECT", "ASK") else GRAPH_OFFER)
    return Response(answer.body, media_type=media, headers={"Vary": "Accept"})


def _description_format(request: Request, format: str | None) -> RdfFormat | None:
    """The RDF format a request without a query asks for, if it asks for RDF rather than
    results (a `format` naming one, or an `Accept` preferring one); else None."""
    if format is not None:
        return rdf_format(format)
    media = choose(request.headers.get("accept"), [*RESULT_OFFER, *GRAPH_OFFER])
    return FORMATS_BY_MEDIA_TYPE.get(media) if media in GRAPH_TYPES else None


def _refuse_dataset_and_updates(fields: dict[str, list[str]]) -> None:
    if "update" in fields:
        raise QueryRejected("Updates are not allowed: this endpoint is read-only.")
    if "default-graph-uri" in fields or "named-graph-uri" in fields:
        raise QueryRejected(
            "default-graph-uri and named-graph-uri are not allowed: queries "
            "run over this graph only."
        )


@router.get("/sparql", response_class=Response, responses={**RESPONSES, **problems(414)})
async def sparql_get(
    request: Request,
    query: Annotated[
        str | None,
        Query(
            description="SPARQL query (SELECT, ASK, CONSTRUCT, "
            "DESCRIBE); over-long ones are refused "
            "with 400",
            json_schema_extra=QUERY_BOUNDS,
        ),
    ] = None,
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="json, xml, csv or tsv for results; turtle, jsonld, ntriples "
            "or rdfxml for graphs; without it the Accept header decides",
        ),
    ] = None,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """Query the graph with SPARQL 1.1 (read-only; no SERVICE, FROM or updates); without
    a query, asked for RDF (by `Accept` or `format`), the endpoint's SPARQL 1.1 Service
    Description."""
    _refuse_dataset_and_updates(parse_qs(request.url.query))
    if query is None and (fmt := _description_format(request, format)) is not None:
        return rdf_response(service_description(settings.base_iri), fmt, settings.base_iri)
    return await _answer(request, query, graph, settings, format)


@router.post(
    "/sparql",
    response_class=Response,
    responses=RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-query": {"schema": QUERY_SCHEMA},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {"query": QUERY_SCHEMA},
                    }
                },
            },
        }
    },
)
async def sparql_post(
    request: Request,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """Query the graph with SPARQL 1.1 by POST (form-encoded or application/sparql-query)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise PayloadTooLarge(MAX_BODY)
    media = content_type(request.headers)
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidQuery("The request body is not UTF-8.") from None
    if media == "application/sparql-update":
        raise QueryRejected("Updates are not allowed: this endpoint is read-only.")
    if media == "application/sparql-query":
        _refuse_dataset_and_updates(parse_qs(request.url.query))
        return await _answer(request, text, graph, settings)
    if media == "application/x-www-form-urlencoded":
        fields = parse_qs(text, keep_blank_values=True)
        _refuse_dataset_and_updates(fields)
        queries, formats = fields.get("query"), fields.get("format")
        return await _answer(
            request,
            queries[0] if queries else None,
            graph,
            settings,
            formats[0] if formats else None,
        )
    raise UnsupportedMediaType(["application/sparql-query", "application/x-www-form-urlencoded"])
