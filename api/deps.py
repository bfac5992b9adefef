"""Dependencies handed to route handlers: the graph snapshot and the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from kg.graph import KnowledgeGraph
from kg.settings import Settings


def get_graph(request: Request) -> KnowledgeGraph:
    """The graph snapshot the app was created with."""
    graph: KnowledgeGraph = request.app.state.graph
    return graph


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


T = TypeVar("T")


def cached(request: Request, key: str, make: Callable[[], T]) -> T:
    """A value computed once per app; the graph is immutable, so it never goes stale."""
    store: dict[str, object] = request.app.state.cache
    if key not in store:
        store[key] = make()
    return store[key]  # type: ignore[return-value]
