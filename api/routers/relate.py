from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from api.deps import get_graph
from api.routers import problems
from api.schemas import RelateOut, relate_out
from kg.explain import relate_answer
from kg.graph import KnowledgeGraph
from kg.paths import MAX_HOPS, MAX_LIMIT
from kg.paths import relate as run_relate
from kg.schema import NAME_MAX

router = APIRouter(prefix="/v1", tags=["relate"])


@router.get("/relate", response_model=RelateOut, responses=problems(400, 404, 422))
def relate(
    graph: KnowledgeGraph = Depends(get_graph),
    x: str = Query(..., min_length=1, max_length=NAME_MAX, description="id, label or alias"),
    y: str = Query(..., min_length=1, max_length=NAME_MAX, description="id, label or alias"),
    max_hops: int = Query(4, ge=1, le=MAX_HOPS),
    limit: int = Query(5, ge=1, le=MAX_LIMIT, description="most paths to return"),
) -> RelateOut:
    """How x relates to y: direct statements, ranked paths, shared context and an answer."""
    result = run_relate(graph, x, y, max_hops=max_hops, limit=limit)
    answer, notes = relate_answer(graph, result)
    return relate_out(graph, result, answer, notes)
