"""Grounded context for language-model FAQ bots: ``GET /v1/context``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import get_graph
from api.errors import NotAcceptable
from api.headers import choose
from api.routers import merged, problems
from kg.ask import MAX_QUESTION
from kg.context import DEFAULT_BUDGET, MAX_BUDGET, MIN_BUDGET, GroundedContext, build_context
from kg.graph import KnowledgeGraph

router = APIRouter(prefix="/v1", tags=["faq bots"])

OFFERED = ["application/json", "text/plain"]
"""What the route answers in, the default first: the whole context, or its text alone."""


@router.get(
    "/context",
    response_model=GroundedContext,
    responses=merged(
        problems(400, 406, 422),
        {
            200: {
                "description": "the context; with `Accept: text/plain`, its `text` alone",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    ),
)
def context(
    request: Request,
    response: Response,
    graph: KnowledgeGraph = Depends(get_graph),
    q: str = Query(
        ..., min_length=1, max_length=MAX_QUESTION, description="a question in plain English"
    ),
    budget: int = Query(
        DEFAULT_BUDGET,
        ge=MIN_BUDGET,
        le=MAX_BUDGET,
        description="most tokens the context may take, as estimated (an estimate meant "
        "to err high for English prose)",
    ),
) -> GroundedContext | Response:
    """What a language model needs to answer a question from the graph: definitions,
    relations with their notes, numbered verbatim quotes; most useful first, cut to the
    budget by whole facts."""
    media = choose(request.headers.get("accept"), OFFERED)
    if media is None:
        raise NotAcceptable(OFFERED)
    found = build_context(graph, q, budget=budget)
    if media == "text/plain":
        return PlainTextResponse(found.text, headers={"Vary": "Accept"})
    response.headers["Vary"] = "Accept"
    return found
