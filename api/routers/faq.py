"""What FAQ bots need: term annotation, grounded answers, and a glossary feed."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Response

from api.deps import get_graph, get_settings
from api.errors import PayloadTooLarge
from api.routers import problems
from api.schemas import (
    AnnotateIn,
    AnnotateOut,
    Annotation,
    AskOut,
    Glossary,
    GlossaryEntry,
    GlossaryOmission,
)
from api.settings import ServerSettings
from kg.annotate import annotate as run_annotate
from kg.ask import MAX_QUESTION
from kg.ask import ask as run_ask
from kg.glossary import glossary as build_glossary
from kg.graph import KnowledgeGraph

router = APIRouter(tags=["faq bots"])


@router.post("/v1/annotate", response_model=AnnotateOut, responses=problems(400, 413, 422))
def annotate(
    body: AnnotateIn,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """Every glossary term in a text: whole words, any case, longest match, with offsets."""
    if len(body.text) > settings.annotate_max_chars:
        raise PayloadTooLarge(settings.annotate_max_chars, "characters")
    found = run_annotate(graph, body.text, first_only=body.first_only)
    out = AnnotateOut(
        annotations=[
            Annotation(start=a.start, end=a.end, text=a.text, id=a.id, label=a.label) for a in found
        ]
    )
    # written here, in the worker thread: rendering thousands of annotations on the event
    # loop would hold up every other request meanwhile
    return Response(out.model_dump_json(), media_type="application/json")


@router.get("/v1/ask", response_model=AskOut, responses=problems(400, 422))
def ask(
    graph: KnowledgeGraph = Depends(get_graph),
    q: str = Query(
        ..., min_length=1, max_length=MAX_QUESTION, description="a question in plain English"
    ),
) -> AskOut:
    """Answer a question from the graph alone, every claim with a cited quote."""
    return AskOut.model_validate(run_ask(graph, q).record())


@router.get("/questions/glossary", response_model=Glossary)
def glossary(response: Response, graph: KnowledgeGraph = Depends(get_graph)) -> Glossary:
    """The glossary in the shape AISafety.info's site loads (one key per lower-cased alias)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    entries, omitted = build_glossary(graph)
    return Glossary(
        data={k: GlossaryEntry(**v) for k, v in entries.items()},
        timestamp=now,
        omitted=[GlossaryOmission(**o) for o in omitted],
    )
