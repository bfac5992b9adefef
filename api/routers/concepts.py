from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from api import urls
from api.deps import concept_dates, get_graph, get_settings
from api.negotiation import RDF_CONTENT, FormatParam, rdf_answer, split_suffix
from api.routers import problems
from api.schemas import (
    KIND_NAMES,
    MAX_PAGE,
    RELATION_NAMES,
    ConceptDetail,
    ConceptPage,
    Hierarchy,
    HierarchyStep,
    NeighborNode,
    Neighbors,
    concept_detail,
    ref,
    statement,
)
from api.settings import ServerSettings
from kg import browse
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.ids import did_you_mean
from kg.ontology import KINDS, RELATION_TYPES
from kg.rdf import concept_description, tombstone_description
from kg.search import unresolved

router = APIRouter(prefix="/v1/concepts", tags=["concepts"])
ConceptId = Annotated[str, Path(min_length=1, max_length=200, description="concept id")]
_TYPE = f"(?:{'|'.join(RELATION_NAMES)})"
TYPES_PATTERN = f"^ *(?:{_TYPE} *)?(?:, *(?:{_TYPE} *)?)*$"
"""Comma-separated relation types (blanks between commas are skipped). Declared in the
schema only: the handler answers any other word with a 400 naming the nearest type."""


@router.get("", response_model=ConceptPage, responses=problems(400, 422))
def list_concepts(
    graph: KnowledgeGraph = Depends(get_graph),
    kind: str | None = Query(
        None,
        max_length=50,
        description="only concepts of this kind",
        json_schema_extra={"enum": KIND_NAMES},
    ),
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> ConceptPage:
    """Concepts in id order, a page at a time, optionally of one kind."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(
            f"Unknown kind {kind!r}; kinds are {', '.join(KINDS)}. "
            f"{did_you_mean(kind, KINDS)}".strip()
        )
    items = [c for c in graph.concepts.values() if kind is None or c.kind == kind]
    return ConceptPage(
        items=[ref(c) for c in items[offset : offset + limit]],
        total=len(items),
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{id}",
    response_model=ConceptDetail,
    responses={
        **problems(400, 404, 406, 422),
        200: {
            "description": "the concept; as RDF when the Accept header, `format` or a "
            "file suffix (`{id}.ttl`) asks for it",
            "content": RDF_CONTENT,
        },
        410: {
            "description": "a deleted concept: problem+json `concept-gone`, or its "
            "tombstone (`owl:deprecated`, `dct:isReplacedBy`) when RDF was asked for",
            "content": {**problems(410)[410]["content"], **RDF_CONTENT},
        },
        307: {
            "description": "`id` is a label or alias: redirect to the concept's own id",
            "headers": {
                "Location": {
                    "description": "/v1/concepts/{the concept's id}",
                    "schema": {"type": "string"},
                }
            },
        },
    },
)
def get_concept(
    id: ConceptId,
    request: Request,
    response: Response,
    format: FormatParam = None,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> ConceptDetail | Response:
    """One concept: definition, aliases, citations and its relations in both directions."""
    id, suffix = split_suffix(id, graph.concepts.keys() | graph.tombstones.keys())
    if id in graph.tombstones:  # deleted: 410, with the tombstone as RDF when RDF was asked
        base = settings.base_iri
        gone = rdf_answer(
            request, format, suffix, lambda: tombstone_description(graph, id, base), base
        )
        if gone is None:
            raise unresolved(graph, id)
        gone.status_code = 410
        return gone
    if id not in graph.concepts:
        named = graph.lookup(id)
        if named is not None:
            query = f"?{request.url.query}" if request.url.query else ""  # ?format= too
            return RedirectResponse(
                urls.concept(named.id) + query, status_code=307, headers={"Vary": "Accept"}
            )
        # the candidates `kg show` offers: several a prefix fits alike, or the nearest
        raise unresolved(graph, id)
    concept = graph.concept(id)
    base = settings.base_iri
    rdf = rdf_answer(
        request,
        format,
        suffix,
        lambda: concept_description(graph, concept.id, base, concept_dates(request)),
        base,
    )
    response.headers["Vary"] = "Accept"
    return rdf or concept_detail(graph, concept, settings.concept_iri(concept.id))


@router.get("/{id}/neighbors", response_model=Neighbors, responses=problems(400, 404, 422))
def neighbors(
    id: ConceptId,
    graph: KnowledgeGraph = Depends(get_graph),
    depth: int = Query(1, ge=1, le=3, description="how many steps out"),
    types: str | None = Query(
        None,
        max_length=500,
        description="comma-separated relation types to follow",
        json_schema_extra={"pattern": TYPES_PATTERN},
    ),
) -> Neighbors:
    """Concepts within `depth` steps, with the statements that join them."""
    wanted = None
    if types:
        wanted = frozenset(t.strip() for t in types.split(",") if t.strip())
        unknown = sorted(wanted - RELATION_TYPES.keys())
        if unknown:
            raise InvalidQuery(
                f"Unknown relation type {unknown[0]!r}. "
                f"{did_you_mean(unknown[0], RELATION_TYPES)}".strip()
            )
    dist, rels = graph.neighbors(id, depth, wanted)
    nodes = [
        NeighborNode(distance=d, **ref(graph.concepts[c]).model_dump())
        for c, d in sorted(dist.items(), key=lambda kv: (kv[1], kv[0]))
        if c != id
    ]
    return Neighbors(
        concept=ref(graph.concepts[id]),
        depth=depth,
        nodes=nodes,
        statements=[statement(graph, r) for r in rels],
    )


@router.get("/{id}/hierarchy", response_model=Hierarchy, responses=problems(404, 422))
def hierarchy(id: ConceptId, graph: KnowledgeGraph = Depends(get_graph)) -> Hierarchy:
    """Broader and narrower concepts over is_a, part_of and example_of (an example under
    what it is an example of), nearest first."""

    def steps(up: bool) -> list[HierarchyStep]:
        return [
            HierarchyStep(
                concept=ref(graph.concepts[s.concept]), type=s.type, via=s.via, depth=s.depth
            )
            for s in browse.steps(graph, id, up)
        ]

    graph.concept(id)
    return Hierarchy(concept=ref(graph.concepts[id]), broader=steps(True), narrower=steps(False))
