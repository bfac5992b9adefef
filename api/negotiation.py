"""Which representation a resource is sent in: JSON or one of the RDF formats.

Three ways to ask, strongest first: a file suffix on the last path segment
(``/v1/concepts/inner-alignment.ttl``), the ``format`` query parameter
(``?format=turtle``), then the Accept header (:func:`api.headers.choose`). The first two
need no header, so a plain link (a page's ``<link rel=alternate>``, a browser's address
bar, ``curl`` without options) can name RDF.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import Annotated

import pyoxigraph as ox
from fastapi import Query, Request, Response

from api.errors import NotAcceptable
from api.headers import choose
from kg.errors import InvalidQuery
from kg.rdf import FORMATS, FORMATS_BY_MEDIA_TYPE, RdfFormat, rdf_format, serialize

JSON = "application/json"
RDF_TYPES = [f.media_type for f in FORMATS.values()]
DATA_TYPES = [JSON, *RDF_TYPES]
"""What a resource with a JSON form offers, JSON first (the default)."""
FORMAT_NAMES = list(dict.fromkeys(n for f in FORMATS.values() for n in (f.name, *f.aliases)))
"""Every RDF format name ``format`` takes (any case)."""
SUFFIXES = {f.extension: f for f in FORMATS.values()} | {
    alias: f for f in FORMATS.values() for alias in f.aliases if "/" not in alias
}
"""File suffixes naming a format (``ttl``, ``jsonld``, ``nt``, ``rdf``, and the aliases)."""
RDF_CONTENT: dict[str, dict[str, object]] = {
    f.media_type: {"schema": {"type": "object"} if f.name == "jsonld" else {"type": "string"}}
    for f in FORMATS.values()
}
"""The RDF media types of an answer, as the OpenAPI document declares them."""

FormatParam = Annotated[
    str | None,
    Query(
        max_length=20,
        description="json, turtle, jsonld, ntriples or rdfxml; without it the Accept "
        "header decides",
        json_schema_extra={"enum": ["json", *FORMAT_NAMES]},
    ),
]


RdfFormatParam = Annotated[
    str | None,
    Query(
        max_length=20,
        description="turtle, jsonld, ntriples or rdfxml; without it the Accept header decides",
        json_schema_extra={"enum": FORMAT_NAMES},
    ),
]
"""``format`` where the answer is RDF only."""


def split_suffix(name: str, known: Container[str]) -> tuple[str, RdfFormat | None]:
    """``name`` without a format suffix, and the format it names, when ``name`` is not
    itself ``known`` and its stem is; else ``name`` and None.

    >>> stem, fmt = split_suffix("inner-alignment.ttl", {"inner-alignment"})
    >>> stem, fmt and fmt.name
    ('inner-alignment', 'turtle')
    >>> split_suffix("v1.0", {"v1"})
    ('v1.0', None)
    """
    stem, dot, ext = name.rpartition(".")
    fmt = SUFFIXES.get(ext.lower()) if dot else None
    if name in known or fmt is None or stem not in known:
        return name, None
    return stem, fmt


def negotiate(
    request: Request, format: str | None, suffix: RdfFormat | None = None, json: bool = True
) -> RdfFormat | None:
    """The RDF format to answer in, or None for JSON (only when ``json``).

    Raises :class:`InvalidQuery` (400) for an unknown ``format`` and
    :class:`NotAcceptable` (406) when the Accept header admits nothing offered.
    """
    if suffix is not None:
        return suffix
    if format is not None:
        if json and format.strip().lower() == "json":
            return None
        fmt = rdf_format(format)
        if fmt is None:
            names = ["json", *FORMATS] if json else list(FORMATS)
            raise InvalidQuery(f"Unknown format {format!r}; formats are {', '.join(names)}.")
        return fmt
    offered = DATA_TYPES if json else RDF_TYPES
    media = choose(request.headers.get("accept"), offered)
    if media is None:
        raise NotAcceptable(offered)
    return None if media == JSON else FORMATS_BY_MEDIA_TYPE[media]


def rdf_response(triples: Iterable[ox.Triple], fmt: RdfFormat, base: str) -> Response:
    """``triples`` serialised in ``fmt``, varying by Accept."""
    return Response(
        serialize(triples, fmt.name, base), media_type=fmt.media_type, headers={"Vary": "Accept"}
    )


def rdf_answer(
    request: Request,
    format: str | None,
    suffix: RdfFormat | None,
    triples: Callable[[], Iterable[ox.Triple]],
    base: str,
) -> Response | None:
    """The resource's ``triples`` in the RDF format asked for (see :func:`negotiate`),
    or None when JSON was."""
    fmt = negotiate(request, format, suffix)
    return None if fmt is None else rdf_response(triples(), fmt, base)
