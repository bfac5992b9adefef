"""The FastAPI application: ``create_app(settings)`` builds it around one graph snapshot."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from api import errors
from api.cache import ReadCache
from api.limits import BodyLimit
from api.routers import (
    concepts,
    faq,
    health,
    iris,
    ontology,
    rdf,
    relate,
    search,
    sources,
    sparql,
    web,
)
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.search import index_for
from kg.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
DESCRIPTION = """A glossary and knowledge graph of AI-alignment concepts (inner alignment,
mesa-optimizers and their neighbours). Every definition and relation is backed by verbatim
quotes located in the source texts. Errors are `application/problem+json`."""


class KgApp(FastAPI):
    """The FastAPI app, with the read cache (if any) in front of everything else, so a
    cached answer skips even Starlette's own middleware (a third of a cached request's
    time)."""

    read_cache: ReadCache | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.read_cache is not None:
            await self.read_cache(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, graph: KnowledgeGraph | None = None) -> FastAPI:
    """Build the app; loads and validates the data unless a graph is given.

    Raises :class:`kg.errors.DataError` when the data is invalid, so a bad data
    directory is never served.
    """
    settings = settings or Settings()
    graph = graph if graph is not None else load_graph(settings.data_dir)
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # build the look-up structures now rather than in the first request, then keep
        # the garbage collector away from the snapshot: it never changes, and scanning
        # its millions of objects would stall a request for seconds on a large graph
        app.state.graph.prepare()
        index_for(app.state.graph)
        gc.freeze()
        yield
        engine = app.state.cache.get("sparql")
        if engine is not None:
            engine.close()  # the SPARQL worker process ends with the app

    app = KgApp(title="Alignment knowledge graph", version="1", description=DESCRIPTION,
                lifespan=lifespan)
    app.state.settings = settings
    app.state.graph = graph
    app.state.cache = {}
    errors.install(app)
    for module in (health, concepts, sources, ontology, search, relate, faq, rdf, sparql, web):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.cache_max_bytes:
        app.read_cache = ReadCache(app._serve, max_bytes=settings.cache_max_bytes,
                                   graph_of=lambda: app.state.graph)
    app.include_router(iris.make_router(settings.base_iri))
    return app


def create_app_from_env() -> FastAPI:
    """App factory for uvicorn (``--factory``): settings from ``KG_*`` variables."""
    return create_app(Settings())
