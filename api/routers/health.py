from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, Depends

from api.deps import get_graph
from api.schemas import Health
from kg.graph import KnowledgeGraph

router = APIRouter(prefix="/v1", tags=["health"])


def _version() -> str:
    try:
        return version("alignment-kg")
    except PackageNotFoundError:
        return "unknown"


@router.get("/health", response_model=Health)
def health(graph: KnowledgeGraph = Depends(get_graph)) -> Health:
    """Service status and the size of the graph being served."""
    s = graph.stats()
    return Health(status="ok", concepts=s["concepts"], relations=s["relations"],
                  version=_version())
