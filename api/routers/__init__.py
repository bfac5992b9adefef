"""Routers, one per area of the API."""

from __future__ import annotations

from typing import Any

from api.schemas import Problem


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json answers a route can give."""
    text = {400: "Bad request", 404: "Not found", 422: "Invalid parameters"}
    return {s: {"model": Problem, "description": text.get(s, "Error"),
                "content": {"application/problem+json": {}}} for s in statuses}
