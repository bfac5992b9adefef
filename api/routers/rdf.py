from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import StreamingResponse

from api.context import AppContext, get_context
from api.deps import concept_dates, data_modified, get_graph, get_settings
from api.negotiation import RDF_CONTENT, SUFFIXES, RdfFormatParam, negotiate
from api.routers import problems
from api.settings import ServerSettings
from kg.dataset import ConceptDates
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.rdf import RdfFormat, export_to, json_ld_context

router = APIRouter(prefix="/v1", tags=["rdf"])
CHUNK = 1024 * 1024
"""Bytes of a rendered export read and sent at a time."""
_RENDERING = threading.Lock()  # one render per snapshot and format, even when asked at once


@dataclass(eq=False)
class Rendered:
    """An export of one graph snapshot in one format, in a temporary file.

    The file goes when the last holder of this object does: the app's cache (which keeps
    one per format, replaced when the graph is) and any response still sending it.
    """

    graph: KnowledgeGraph
    path: str
    size: int


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def render(
    graph: KnowledgeGraph,
    fmt: str,
    extension: str,
    base: str,
    modified: dt.date | None = None,
    dates: ConceptDates | None = None,
) -> Rendered:
    """Write the export of ``graph`` in ``fmt`` to a temporary file, streaming.

    A large graph's export (a GB of Turtle at 50,000 concepts) is then neither held in
    memory nor copied on its way out, as a ``bytes`` body would be.
    """
    fd, path = tempfile.mkstemp(prefix="kg-export-", suffix=f".{extension}")
    try:
        with open(fd, "wb") as out:
            export_to(graph, fmt, base, out, modified, dates)
    except BaseException:
        _remove(path)
        raise
    rendered = Rendered(graph, path, os.path.getsize(path))
    weakref.finalize(rendered, _remove, path)
    return rendered


def _chunks(rendered: Rendered) -> Iterator[bytes]:
    # holds ``rendered``, so that its file outlives a reload while it is being sent
    with open(rendered.path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


_EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **problems(400, 406, 422),
    200: {"description": "the whole graph as RDF", "content": RDF_CONTENT},
}


@router.get("/export", response_class=Response, responses=_EXPORT_RESPONSES)
def export(
    request: Request,
    context: AppContext = Depends(get_context),
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
    format: RdfFormatParam = None,
) -> Response:
    """The whole graph as RDF (SKOS, cited statements, sources with their texts)."""
    fmt = negotiate(request, format, json=False)
    assert fmt is not None  # json=False: always an RDF format
    return _send(context, graph, settings, fmt, data_modified(request), concept_dates(request))


@router.get("/export.{suffix}", response_class=Response, responses=_EXPORT_RESPONSES)
def export_file(
    suffix: Annotated[
        str, Path(max_length=20, description="ttl, jsonld, nt or rdf (or a format's alias)")
    ],
    request: Request,
    context: AppContext = Depends(get_context),
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """The whole graph as RDF in the format its file suffix names (a download link)."""
    fmt = SUFFIXES.get(suffix.lower())
    if fmt is None:
        raise InvalidQuery(f"Unknown suffix {suffix!r}; suffixes are {', '.join(SUFFIXES)}.")
    return _send(context, graph, settings, fmt, data_modified(request), concept_dates(request))


def _send(
    context: AppContext,
    graph: KnowledgeGraph,
    settings: ServerSettings,
    fmt: RdfFormat,
    modified: dt.date | None,
    dates: ConceptDates | None = None,
) -> Response:
    """The export in ``fmt``, rendered once per snapshot and format, streamed."""
    store = context.cache
    key = f"export:{fmt.name}"
    with _RENDERING:
        rendered = store.get(key)
        if not isinstance(rendered, Rendered) or rendered.graph is not graph:
            rendered = store[key] = render(
                graph, fmt.name, fmt.extension, settings.base_iri, modified, dates
            )
    return StreamingResponse(
        _chunks(rendered),
        media_type=fmt.media_type,
        headers={
            "Vary": "Accept",
            "Content-Length": str(rendered.size),
            "Content-Disposition": f'inline; filename="alignment-kg.{fmt.extension}"',
        },
    )


@router.get(
    "/context.jsonld",
    response_class=Response,
    responses={
        200: {
            "description": "JSON-LD context",
            "content": {
                "application/ld+json": {
                    "schema": {
                        "type": "object",
                        "required": ["@context"],
                        "properties": {"@context": {"type": "object"}},
                    }
                }
            },
        }
    },
)
def context(settings: ServerSettings = Depends(get_settings)) -> Response:
    """The JSON-LD context for the export's vocabulary."""
    return Response(
        json.dumps(json_ld_context(settings.base_iri), indent=1), media_type="application/ld+json"
    )
