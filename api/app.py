"""The FastAPI application: ``create_app(settings)`` builds it around one graph snapshot."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors, mcp, reload
from api.cache import ReadCache
from api.context import AppContext, attach
from api.cors import CrossOrigin, Options
from api.deps import close_all
from api.front import Front
from api.limits import BodyLimit, RateLimit, UrlLimit
from api.observe import HeadAsGet, Observe
from api.reload import Reloader, fingerprint, listen_for_hangup
from api.routers import (
    add_problem_schema,
    changes,
    concept_writes,
    concepts,
    dataset,
    docs,
    faq,
    health,
    iris,
    ontology,
    pictures,
    rdf,
    relate,
    relation_writes,
    search,
    sources,
    sparql,
    verify,
    web,
    workbench,
)
from api.routers import context as grounded_context
from api.security import SecurityHeaders
from api.settings import ServerSettings
from api.workbench import SessionCaching
from kg.curate import Curator, open_store
from kg.graph import KnowledgeGraph
from kg.load import load_graph

STATIC = Path(__file__).resolve().parent / "static"
SWITCH_INTERVAL = 0.001
DESCRIPTION = """A glossary and knowledge graph of AI-alignment concepts (inner alignment,
mesa-optimizers and their neighbours). Every definition and relation is backed by verbatim
quotes located in the source texts. Errors are `application/problem+json`."""


class KgApp(FastAPI):
    """The FastAPI app, with security headers, request ids, metrics, limits and the read
    cache in front of everything else, so that a cached answer skips even Starlette's own
    middleware (two thirds of a cached request's time)."""

    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is not None:
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(
    settings: ServerSettings | None = None, graph: KnowledgeGraph | None = None
) -> FastAPI:
    """Build the app around a validated graph.

    Where the graph comes from: with a store (``settings.store``), from the curation store
    (opened, or created from ``settings.data_dir`` on first start), and the write API
    is on; ``graph`` is then ignored. Otherwise ``graph`` when one is given (tests,
    benchmarks), else ``settings.data_dir`` loaded and validated, served read-only and
    reloaded on SIGHUP and, when ``settings.reload_interval`` is set, when its files change.

    Raises :class:`kg.errors.DataError` when the data is invalid, so a bad data
    directory or store is never served.
    """
    settings = settings or ServerSettings()
    # what the data directory looked like before loading: a change from here on is
    # picked up by the next check for changes
    seen = fingerprint(settings.data_dir) if settings.reload_interval else ()
    curator: Curator | None = None
    head = 0
    if settings.store is not None:
        curator = Curator(open_store(settings.store, settings.data_dir))
        graph, head = curator.load()
    graph = graph if graph is not None else load_graph(settings.data_dir)

    context = AppContext(settings=settings, graph=graph, curator=curator, head=head)
    context.reloader = Reloader(context, seen)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # build the look-up structures in the background rather than in the first
        # request (a graph read from its snapshot, or prepared before --workers forked,
        # has them all already), then keep the garbage collector away from the
        # snapshot: it never changes, and scanning its millions of objects would stall
        # a request for seconds on a large graph
        reload.prepare_in_background(context.graph)
        gc.freeze()
        # hand the interpreter to the event loop sooner when worker threads compute (an
        # annotation of a megabyte): SWITCH_INTERVAL between switches instead of 5 ms
        sys.setswitchinterval(SWITCH_INTERVAL)
        listen_for_hangup(context.reloader)
        task = asyncio.create_task(context.reloader.run())
        context.ready = True
        try:
            # the MCP endpoint's session manager runs while the app does
            async with mcp_endpoint.running():
                yield
        finally:
            context.ready = False
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if context.settling is not None:
                context.settling.cancel()
            close_all(context.cache)  # the SPARQL worker process ends with the app

    # /docs and /redoc are served by api.routers.docs, from files of this app
    app = KgApp(
        title="Alignment knowledge graph",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    attach(app, context)
    errors.install(app)
    for module in (
        health,
        concept_writes,
        relation_writes,
        changes,
        concepts,
        sources,
        ontology,
        search,
        relate,
        faq,
        grounded_context,
        rdf,
        dataset,
        sparql,
        verify,
        web,
        workbench,
        pictures,
        docs,
    ):
        app.include_router(module.router)
    app.mount("/static/docs", StaticFiles(directory=docs.ASSETS), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.include_router(iris.make_router(settings.base_iri))
    # the MCP server over streamable HTTP, behind the same middleware as every route
    mcp_endpoint = mcp.mount(app)
    build_document = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = add_problem_schema(build_document())
            document["components"]["securitySchemes"] = {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made with `kg token create`; writes only.",
                }
            }
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # in front of Starlette, outermost first: security headers; ids, log and metrics; URL
    # length; rate; CORS and OPTIONS; answers from memory; HEAD as a GET without its body
    front: ASGIApp = HeadAsGet(app._serve)
    if settings.cache_max_bytes:
        front = context.read_cache = ReadCache(
            front,
            lambda: context.graph,
            max_bytes=settings.cache_max_bytes,
            max_age=0 if curator else 60,
        )
    # cross-origin reads and OPTIONS, around the cache so that cached answers get them too
    front = cross_origin = CrossOrigin(Options(front, app.router.routes))
    if settings.rate_limit:
        front = RateLimit(front, settings.rate_limit, settings.rate_burst)
    front = UrlLimit(front, settings.max_url_bytes)
    observe = Observe(front, context.metrics)
    # pages vary with the session cookie: a curator's are never stored (api.workbench)
    app.front = SecurityHeaders(SessionCaching(observe))
    if context.read_cache is not None and not settings.rate_limit:
        # an answer kept in memory skips the layers above (api.front): the same answer
        app.front = Front(
            app.front, context.read_cache, observe, cross_origin, settings.max_url_bytes
        )
    return app


def create_app_from_env() -> FastAPI:
    """App factory for uvicorn (``--factory``): settings from ``KG_*`` variables."""
    # a SIGHUP before the app listens for it (a worker still starting) must not kill it
    with contextlib.suppress(ValueError, AttributeError):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    return create_app(ServerSettings())
