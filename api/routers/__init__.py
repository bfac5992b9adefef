"""Routers, one per area of the API."""

from __future__ import annotations

from typing import Any

from api.errors import PROBLEM_JSON
from api.schemas import Problem

_TEXT = {400: "Bad request", 404: "Not found", 406: "Not acceptable: the Accept header allows "
         "none of the media types offered", 413: "Payload too large",
         414: "URI too long: send a long query by POST", 415: "Unsupported media type",
         422: "Invalid parameters"}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its local ``$defs`` references replaced by what they name.

    A response declared through FastAPI's ``model`` is put under the route's own media
    type (application/json), never application/problem+json; inlined, the problem schema
    can sit under the media type the errors really have.
    """
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk({**defs[ref.removeprefix("#/$defs/")],
                             **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    inlined: dict[str, Any] = walk(schema)
    return inlined


PROBLEM_SCHEMA = _inline(Problem.model_json_schema(mode="serialization"))
"""The JSON schema of every error body (RFC 9457 problem details)."""


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json answers a route can give."""
    return {s: {"description": _TEXT.get(s, "Error"),
                "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}} for s in statuses}


def html_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error pages (HTML) a web page can answer with."""
    return {s: {"description": f"{_TEXT.get(s, 'Error')} (an HTML page)",
                "content": {"text/html": {"schema": {"type": "string"}}}} for s in statuses}


def merged(*parts: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """Response declarations combined; a status declared twice keeps every media type."""
    out: dict[int | str, dict[str, Any]] = {}
    for part in parts:
        for status, entry in part.items():
            old = out.get(status)
            out[status] = entry if old is None else {
                **old, **entry, "content": {**old.get("content", {}), **entry.get("content", {})}}
    return out
