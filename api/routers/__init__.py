"""Routers, one per area of the API."""

from __future__ import annotations

from typing import Any

from api.errors import PROBLEM_JSON
from api.schemas import Problem

_TEXT = {
    400: "Bad request",
    404: "Not found",
    406: "Not acceptable: the Accept header allows none of the media types offered",
    413: "Payload too large",
    414: "URI too long: send a long query by POST",
    415: "Unsupported media type",
    422: "Invalid parameters",
}


PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA = {"$ref": PROBLEM_REF}
"""The JSON schema of every error body (RFC 9457 problem details): one component,
added to the document by :func:`add_problem_schema` (FastAPI would only put a response
``model`` under the route's own media type, not application/problem+json)."""


def add_problem_schema(document: dict[str, Any]) -> dict[str, Any]:
    """Put the problem model (and the models it uses) among the document's components."""
    schema = Problem.model_json_schema(
        mode="serialization", ref_template="#/components/schemas/{model}"
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["Problem"] = schema
    return document


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json answers a route can give."""
    return {
        s: {
            "description": _TEXT.get(s, "Error"),
            "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        }
        for s in statuses
    }


def html_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error pages (HTML) a web page can answer with."""
    return {
        s: {
            "description": f"{_TEXT.get(s, 'Error')} (an HTML page)",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
        for s in statuses
    }


def merged(*parts: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """Response declarations combined; a status declared twice keeps every media type."""
    out: dict[int | str, dict[str, Any]] = {}
    for part in parts:
        for status, entry in part.items():
            old = out.get(status)
            out[status] = (
                entry
                if old is None
                else {
                    **old,
                    **entry,
                    "content": {**old.get("content", {}), **entry.get("content", {})},
                }
            )
    return out
