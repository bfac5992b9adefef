from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from api.context import AppContext, get_context
from api.deps import get_graph, get_settings
from api.errors import NotAcceptable
from api.headers import choose
from api.routers import problems
from api.settings import ServerSettings
from kg.errors import InvalidQuery
from kg.graph import KnowledgeGraph
from kg.rdf import FORMATS, FORMATS_BY_MEDIA_TYPE, export_to, json_ld_context, rdf_format

router = APIRouter(prefix="/v1", tags=["rdf"])
RDF_TYPES = [f.media_type for f in FORMATS.values()]
_RDF_CONTENT: dict[str, dict[str, object]] = {
    f.media_type: {"schema": {"type": "object"} if f.name == "jsonld" else {"type": "string"}}
    for f in FORMATS.values()
}
FORMAT_NAMES = list(dict.fromkeys(n for f in FORMATS.values() for n in (f.name, *f.aliases)))
"""Every name ``format`` takes (any case); declared as the parameter's enum."""
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


def render(graph: KnowledgeGraph, fmt: str, extension: str, base: str) -> Rendered:
    """Write the export of ``graph`` in ``fmt`` to a temporary file, streaming.

    A large graph's export (a GB of Turtle at 50,000 concepts) is then neither held in
    memory nor copied on its way out, as a ``bytes`` body would be.
    """
    fd, path = tempfile.mkstemp(prefix="kg-export-", suffix=f".{extension}")
    try:
        with open(fd, "wb") as out:
            export_to(graph, fmt, base, out)
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


@router.get(
    "/export",
    response_class=Response,
    responses={
        **problems(400, 406, 422),
        200: {"description": "the whole graph as RDF", "content": _RDF_CONTENT},
    },
)
def export(
    request: Request,
    context: AppContext = Depends(get_context),
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
    format: Annotated[
        str | None,
        Query(
            max_length=20,
            description=(
                "turtle, jsonld, ntriples or rdfxml; without it the Accept header decides"
            ),
            json_schema_extra={"enum": FORMAT_NAMES},
        ),
    ] = None,
) -> Response:
    """The whole graph as RDF (SKOS, cited statements, sources with their texts)."""
    if format is not None:
        fmt = rdf_format(format)
        if fmt is None:
            raise InvalidQuery(f"Unknown format {format!r}; formats are {', '.join(FORMATS)}.")
    else:
        media = choose(request.headers.get("accept"), RDF_TYPES)
        if media is None:
            raise NotAcceptable(RDF_TYPES)
        fmt = FORMATS_BY_MEDIA_TYPE[media]
    store = context.cache
    key = f"export:{fmt.name}"
    with _RENDERING:
        rendered = store.get(key)
        if not isinstance(rendered, Rendered) or rendered.graph is not graph:
            rendered = store[key] = render(graph, fmt.name, fmt.extension, settings.base_iri)
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
