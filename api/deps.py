"""Dependencies handed to route handlers: the graph snapshot and the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from kg.graph import KnowledgeGraph
from kg.settings import Settings


def graph_of(request: Request) -> KnowledgeGraph:
    """The graph snapshot being served (the same one for the whole request, even if a
    reload replaces it meanwhile)."""
    graph: KnowledgeGraph | None = getattr(request.state, "graph", None)
    if graph is None:
        graph = request.state.graph = request.app.state.graph
    return graph


# The dependencies are coroutines so that FastAPI runs them on the event loop: a plain
# function would take a worker thread for every request, and when slow requests hold all
# the threads, even a health check would wait for one.
async def get_graph(request: Request) -> KnowledgeGraph:
    """:func:`graph_of` as a dependency."""
    return graph_of(request)


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


T = TypeVar("T")


def cached(request: Request, key: str, make: Callable[[], T]) -> T:
    """A value computed once per graph snapshot from this request's graph.

    Kept in the app's store with the graph it was made from, so a value made from a
    snapshot that a reload has since replaced is never handed to a later request.
    """
    graph = graph_of(request)
    store: dict[str, tuple[KnowledgeGraph, object]] = request.app.state.cache
    entry = store.get(key)
    if entry is not None and entry[0] is graph:
        return entry[1]  # type: ignore[return-value]
    value = make()
    if graph is request.app.state.graph:
        old = store.get(key)
        store[key] = (graph, value)
        if old is not None:
            close(old[1])
    return value


def close(value: object) -> None:
    """Release what a cached value holds (a SPARQL worker process), if anything."""
    shut = getattr(value, "close", None)
    if callable(shut):
        shut()


def close_all(store: dict[str, object]) -> None:
    """Release everything an app's store of per-graph values holds."""
    for entry in store.values():
        close(entry[1] if isinstance(entry, tuple) and len(entry) == 2 else entry)
