"""Liveness, readiness and metrics: what operators and load balancers poll."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

from api.context import AppContext, get_context
from api.deps import get_graph
from api.errors import base_of, problem
from api.routers import problems
from api.schemas import Health
from kg import dataset
from kg.graph import KnowledgeGraph

router = APIRouter(tags=["health"])

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _version() -> str:
    return dataset.version()


class HealthReport(Health):
    loaded_at: dt.datetime | None = Field(
        None, description="When the data being served was loaded (UTC)."
    )
    reload_problems: list[str] = Field(
        default_factory=list,
        description="The validation report of the last rejected reload, one problem per "
        "item (file:line: message); empty when the last reload succeeded. The "
        "previous data keeps serving meanwhile.",
    )
    revision: int | None = Field(
        None,
        description="With a store: the revision of the store being served (compare "
        "with /v1/changes' head); null when serving a data directory.",
    )


class Readiness(BaseModel):
    status: str = Field(description="`ready`.")
    concepts: int = Field(ge=0)
    relations: int = Field(ge=0)


@router.get("/v1/health", response_model=HealthReport)
async def health(
    context: AppContext = Depends(get_context), graph: KnowledgeGraph = Depends(get_graph)
) -> HealthReport:
    """Liveness: service status and the size of the graph being served."""
    s = graph.stats()
    return HealthReport(
        status="ok",
        concepts=s["concepts"],
        relations=s["relations"],
        version=_version(),
        loaded_at=dt.datetime.fromtimestamp(context.loaded_at, dt.UTC),
        reload_problems=list(context.reloader.problems),
        revision=context.head if context.curator else None,
    )


@router.get("/v1/ready", response_model=Readiness, responses=problems(503))
async def ready(
    request: Request,
    context: AppContext = Depends(get_context),
    graph: KnowledgeGraph = Depends(get_graph),
) -> Readiness | JSONResponse:
    """Readiness: 200 once the data is loaded and prepared, 503 while shutting down."""
    if not context.ready:
        return problem(
            503,
            "Not ready",
            "The service is starting or shutting down.",
            "not-ready",
            base_of(request.scope),
        )
    s = graph.stats()
    return Readiness(status="ready", concepts=s["concepts"], relations=s["relations"])


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {METRICS_TYPE: {}},
            "description": "Prometheus text format, version 0.0.4.",
        }
    },
)
def metrics(
    context: AppContext = Depends(get_context), graph: KnowledgeGraph = Depends(get_graph)
) -> PlainTextResponse:
    """Request counts and latency by route, reloads, and the graph's size (this process)."""
    s = graph.stats()
    cache = context.read_cache
    gauges = {
        "kg_graph_concepts": ("Concepts in the graph being served.", float(s["concepts"])),
        "kg_graph_relations": ("Relations in the graph being served.", float(s["relations"])),
    }
    if cache is not None:
        gauges["kg_read_cache_entries"] = (
            "Answers held by the read cache.",
            float(len(cache.entries)),
        )
        gauges["kg_read_cache_bytes"] = ("Bytes held by the read cache.", float(cache.size))
    return PlainTextResponse(context.metrics.render(gauges), media_type=METRICS_TYPE)
