from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_graph
from api.routers import problems
from api.schemas import KIND_NAMES, SearchResult, SearchResults
from kg.describe import Described, Mode, search_by
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.ids import did_you_mean
from kg.ontology import KINDS
from kg.schema import NAME_MAX
from kg.search import MAX_HITS

router = APIRouter(prefix="/v1", tags=["search"])


@router.get(
    "/search",
    response_model=SearchResults,
    response_model_exclude_none=True,
    responses=problems(400, 422),
)
def search(
    graph: KnowledgeGraph = Depends(get_graph),
    q: str = Query(..., min_length=1, max_length=NAME_MAX, description="term to look for"),
    limit: int = Query(10, ge=1, le=MAX_HITS),
    kind: str | None = Query(
        None,
        max_length=50,
        description="only concepts of this kind",
        json_schema_extra={"enum": KIND_NAMES},
    ),
    mode: Mode = Query(
        "name",
        description="name: by id, label or alias (exact, prefix, fuzzy); describe: by "
        "description, ranking the graph's own text about each concept, nothing when none "
        "fits well enough; auto: by name, and by description when no name matches "
        "exactly or as a prefix",
    ),
) -> SearchResults:
    """Concepts by id, label or alias: exact first, then prefix (autocomplete), then fuzzy;
    or, with ``mode=describe`` (or ``auto``), by a description of them."""
    return search_results(graph, q, mode, limit=limit, kind=kind)


def search_results(
    graph: KnowledgeGraph, q: str, mode: Mode = "name", *, limit: int = 10, kind: str | None = None
) -> SearchResults:
    """The answer of ``/v1/search`` (and of the MCP tool that searches); an unknown
    ``kind`` is an :class:`~kg.errors.InvalidQuery` naming the nearest."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"Unknown kind {kind!r}. {did_you_mean(kind, KINDS)}".strip())
    return SearchResults(
        query=q,
        results=[
            SearchResult(
                id=h.id,
                label=h.label,
                kind=h.kind,
                score=h.score,
                match="description",
                matched=h.label,
                evidence=h.evidence,
                field=h.field,
                via=h.via,
            )
            if isinstance(h, Described)
            else SearchResult(
                id=h.id, label=h.label, kind=h.kind, score=h.score, match=h.match, matched=h.matched
            )
            for h in search_by(graph, q, mode, limit=limit, kind=kind)
        ],
    )
