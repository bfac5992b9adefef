from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_graph
from api.routers import problems
from api.schemas import KIND_NAMES, SearchResult, SearchResults
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.ids import did_you_mean
from kg.ontology import KINDS
from kg.schema import NAME_MAX
from kg.search import MAX_HITS
from kg.search import search as run_search

router = APIRouter(prefix="/v1", tags=["search"])


@router.get("/search", response_model=SearchResults, responses=problems(400, 422))
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
) -> SearchResults:
    """Concepts by id, label or alias: exact first, then prefix (autocomplete), then fuzzy."""
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"Unknown kind {kind!r}. {did_you_mean(kind, KINDS)}".strip())
    hits = run_search(graph, q, limit=limit, kind=kind)
    return SearchResults(
        query=q,
        results=[
            SearchResult(
                id=h.id, label=h.label, kind=h.kind, score=h.score, match=h.match, matched=h.matched
            )
            for h in hits
        ],
    )
