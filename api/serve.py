"""``kg serve``: the HTTP service under uvicorn, one process or several.

The ``kg`` command is the library's (:mod:`kg.cli`), and the library never imports this
layer; it finds this module by name (``kg.cli.SERVER``) and takes from it what
:class:`kg.cli.ServeCommand` lists: :data:`HELP`, :func:`add_arguments` and
:func:`serve`. Only light modules are imported here at first, since every ``kg`` command
builds the parser; uvicorn and the app come in when the server starts.

The data is loaded once, before the server starts: from its snapshot when it has not
changed since the last start (:mod:`kg.snapshot`), else validated in full (and the
snapshot written). The graph is then prepared for requests, and the garbage collector
told to leave it alone (:func:`gc.freeze`). With ``--workers N`` the worker processes
are forked from this one after that, rather than started afresh: each begins with the
graph in memory, shares its pages with the others until it writes to them, and builds
its app around it (:func:`app_for`). uvicorn's supervisor still watches the workers and
forks a new one from the same state if one dies; a SIGHUP is passed on to every worker,
which reloads its data itself.

Settings reach each server process through the environment (``KG_*`` variables), so the
options that name the data (``--data``, ``--store``, ``--reload-on-change``) are written
there first.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.settings import ServerSettings
from kg import snapshot
from kg.curate import Curator, open_store
from kg.graph import KnowledgeGraph
from kg.rules import collector_paused
from kg.store import is_url

if TYPE_CHECKING:
    from fastapi import FastAPI

HELP = "Serve the HTTP API."
PROTOCOL = "api.protocol:BoundedHttpToolsProtocol"
"""Uvicorn's httptools protocol, with a bound on the request head and deadlines for slow
clients (see :mod:`api.protocol`)."""
GRACE_SECONDS = 10
"""On SIGTERM or SIGINT, requests under way get this long to finish before the workers
stop; new connections are refused from the start."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kg serve`` (``--data`` is every command's, added by kg.cli)."""
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--workers", type=int, help="server processes (default 1)")
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    parser.add_argument(
        "--reload-on-change",
        action="store_true",
        help="check the data directory for changes and serve them once "
        "valid (a bad edit is refused and logged; the old data keeps "
        "serving)",
    )
    parser.add_argument(
        "--reload-interval",
        type=float,
        default=2.0,
        help="seconds between checks with --reload-on-change (default 2)",
    )
    parser.add_argument(
        "--store",
        nargs="?",
        const="kg.sqlite3",
        metavar="PATH|URL",
        help="serve from (and take writes into) this store, created from the "
        "data directory on first start: an SQLite file (default path "
        "kg.sqlite3) or, for several replicas, a PostgreSQL database "
        "(postgresql://USER[:PASSWORD]@HOST[:PORT]/DB)",
    )
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        help="do not write the JSON access log line of each request (it is "
        "written at log levels info and debug)",
    )


def serve(args: argparse.Namespace) -> int:
    """Check the data, then serve it until stopped; 3 if the server could not start.

    Raises :class:`kg.errors.DataError` when the data (or the store) does not load, so
    bad data is never served.
    """
    if args.data:
        os.environ["KG_DATA_DIR"] = str(Path(args.data).resolve())
    if args.store:  # the option wins over KG_STORE_PATH and KG_STORE_URL
        os.environ["KG_STORE_URL"] = (
            args.store if is_url(args.store) else str(Path(args.store).resolve())
        )
    settings = ServerSettings()
    # with a snapshot to read, a forked copy reads and hashes the data files (about a
    # CPU-second at 50,000 concepts) while this process imports the app and reads the
    # snapshot: the key is ready when the snapshot is
    hashing = (
        None
        if settings.store is not None
        else snapshot.hash_later(settings.data_dir, settings.cache_dir)
    )
    # imports and the load make objects that all live on: no collections meanwhile
    # (the block ends with gc.freeze, as below)
    with collector_paused():
        graph, origin = _load(settings, hashing)
    workers = args.workers or settings.workers
    if workers > 1:
        from api.reload import prepare

        prepare(graph)  # what the first requests would build, built once for every worker
    # (one process leaves it to the app's start, which builds the search index and what
    # path finding needs, or reads them from the snapshot, in the background while it
    # serves: see api.app)
    # the collector leaves the graph alone from now on, so that no worker writes to its
    # pages for it (a collection first would scan millions of objects for little)
    gc.freeze()
    return _serve(args, settings, graph, origin, workers)


def _load(settings: ServerSettings, hashing: snapshot.Hashing | None) -> tuple[KnowledgeGraph, str]:
    """Import the app (once here, before workers fork, not in each), then load the
    graph to serve and say where it came from."""
    import uvicorn  # noqa: F401

    import api.app  # noqa: F401
    import api.protocol  # noqa: F401

    if settings.store is not None:
        # refuse to start on a store that does not load; create it now, in one process.
        # The app's own curator loads the same revision: the graph loaded here, which
        # kg.snapshot remembers (in every worker forked from here too)
        store = open_store(settings.store, settings.data_dir)
        graph, head = Curator(store).load()
        store.close()
        origin = f"the store {store.location} (revision {head})"
    else:
        # refuse to start on bad data, with the report
        # a new snapshot is written by a forked copy, while this process goes on
        # the snapshot's search index and path finding's structures are read in the
        # background once serving (lazy; see kg.snapshot.loads)
        graph, _ = snapshot.load_graph(
            settings.data_dir, settings.cache_dir, background=True, lazy=True, hashing=hashing
        )
        origin = str(settings.data_dir)
    return graph, origin


def _serve(
    args: argparse.Namespace,
    settings: ServerSettings,
    graph: KnowledgeGraph,
    origin: str,
    workers: int,
) -> int:
    """Serve ``graph`` (see :func:`serve`)."""
    import uvicorn

    from api.protocol import Bounds

    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    s = graph.stats()
    print(
        f"serving {s['concepts']} concepts and {s['relations']} relations from "
        f"{origin} on http://{host}:{port}",
        flush=True,
    )
    if args.reload_on_change and settings.store is not None:
        print(
            "note: with a store the data comes from the store, so --reload-on-change "
            "is ignored; take in edits of the data directory with kg store-import",
            file=sys.stderr,
        )
    elif args.reload_on_change:
        os.environ["KG_RELOAD_INTERVAL"] = str(max(0.1, args.reload_interval))
    config = uvicorn.Config(
        functools.partial(app_for, graph),
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=args.log_level,
        log_config=log_config(
            args.log_level, not args.no_access_log and args.log_level in ("info", "debug")
        ),
        access_log=False,  # the app writes its own, as JSON with a request id
        timeout_graceful_shutdown=GRACE_SECONDS,
        http=PROTOCOL,
        timeout_keep_alive=settings.keepalive_timeout,
    )
    # read by api.protocol in every worker (the config travels to them)
    config.kg_bounds = Bounds(  # type: ignore[attr-defined]
        max_head=settings.max_header_bytes,
        head_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
    )
    if config.workers > 1:
        _workers(config)
        return 0
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3


def app_for(graph: KnowledgeGraph) -> FastAPI:
    """The app of one server process, around ``graph`` (loaded before the server
    started), with its settings from the environment; with a store, the app's curator
    loads the store's head, which is that same graph unless a write came since."""
    from api.app import create_app

    # a SIGHUP before the app listens for it (a worker still starting) must not kill it
    with contextlib.suppress(ValueError, AttributeError):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    return create_app(ServerSettings(), graph)


_FORK = multiprocessing.get_context("fork")


def _forked(config: Any, target: Callable[..., None], sockets: list[Any]) -> Any:
    """A worker process for uvicorn's supervisor that is forked from this one, where
    uvicorn spawns a fresh interpreter (which would load the data again): the worker
    starts as uvicorn's would, from the parent's memory."""
    from uvicorn._subprocess import subprocess_started

    kwargs = {"config": config, "target": target, "sockets": sockets, "stdin_fileno": None}
    return _FORK.Process(target=subprocess_started, kwargs=kwargs)


def _workers(config: Any) -> None:
    """Run ``config.workers`` worker processes under uvicorn's supervisor, forked from
    this process (:func:`_forked`), except that a SIGHUP is passed on to every worker,
    which reloads its data itself (keeping its old data if the new is bad), instead of
    uvicorn's rolling restart, which gives up the service when the new data is bad."""
    from unittest import mock

    from uvicorn.supervisors import multiprocess

    class Workers(multiprocess.Multiprocess):
        def handle_hup(self) -> None:
            for worker in self.processes:
                if worker.process.pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(worker.process.pid, signal.SIGHUP)

    # the supervisor asks uvicorn._subprocess for its workers by this name
    with mock.patch.object(multiprocess, "get_subprocess", _forked):
        Workers(config, sockets=[config.bind_socket()]).run()


def log_config(level: str, access: bool) -> dict[str, object]:
    """Uvicorn's logging, plus the app's ``kg.*`` loggers (reloads, and the JSON access
    log on standard output unless ``access`` is False)."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["kg_access"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_line",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["kg"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    config["loggers"]["kg.access"] = {
        "handlers": ["kg_access"] if access else [],
        "level": "INFO" if access else "CRITICAL",
        "propagate": False,
    }
    return config


if TYPE_CHECKING:  # mypy holds this module to the interface kg.cli expects of it
    import api.serve
    from kg.cli import ServeCommand

    _command: ServeCommand = api.serve
