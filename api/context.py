"""What the app holds while it runs, in one typed place.

:func:`api.app.create_app` makes one :class:`AppContext` and keeps it on the app with
:func:`attach` (in ``app.state``, Starlette's place for an app's own state); everything
else reaches it through :func:`context_of` (or :func:`get_context`, the dependency),
never through ``app.state`` itself.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request
from starlette.applications import Starlette

from api.observe import Metrics
from api.settings import ServerSettings
from kg.curate import Curator
from kg.graph import KnowledgeGraph

if TYPE_CHECKING:
    from api.cache import ReadCache
    from api.reload import Reloader


@dataclass(eq=False)
class AppContext:
    """The state of one app: its settings, the graph it serves and what goes with it."""

    settings: ServerSettings
    graph: KnowledgeGraph
    """The snapshot being served. A reload replaces it in one assignment (see
    :func:`api.reload.install`); a request keeps the one it began with
    (:func:`api.deps.graph_of`)."""
    curator: Curator | None = None
    """The curation store's, with ``kg serve --store``; None when serving a directory."""
    head: int = 0
    """With a store: the revision of the store that :attr:`graph` is."""
    loaded_at: float = field(default_factory=time.time)
    """When :attr:`graph` was installed (seconds since the epoch)."""
    cache: dict[str, object] = field(default_factory=dict)
    """Values computed once per snapshot, kept with the graph they were made from: the
    SPARQL engine (see :func:`api.deps.cached`) and the rendered exports."""
    metrics: Metrics = field(default_factory=Metrics)
    ready: bool = False
    """True once the graph is prepared at startup, False again while shutting down."""
    read_cache: ReadCache | None = None
    """The answers kept in memory with ETags, unless ``cache_max_bytes`` is 0."""
    reloader: Reloader = field(init=False)
    """Set by :func:`api.app.create_app` right after the context is made."""
    settling: asyncio.Task[None] | None = None
    """A pending settle of the garbage collector (:func:`api.reload.settle_later`)."""


def attach(app: Starlette, context: AppContext) -> None:
    """Keep ``context`` on ``app``, where :func:`context_of` finds it (once, when the
    app is made)."""
    app.state.context = context


def context_of(app: Starlette) -> AppContext:
    """The context of an app made by :func:`api.app.create_app`."""
    context = app.state.context
    assert isinstance(context, AppContext), "not an app made by api.app.create_app"
    return context


async def get_context(request: Request) -> AppContext:
    """:func:`context_of` the request's app, as a dependency."""
    return context_of(request.app)
