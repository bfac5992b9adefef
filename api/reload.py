"""Serving new data without a restart, and never serving bad data.

A reload loads and validates the data directory in a worker thread, exactly as at
start. Only a graph that passes every check replaces the one being served, in one
assignment, so a request sees the old snapshot or the new one, never a mix. A bad edit is
rejected: its validation report (every problem, with file and line) goes to the log and
to ``/v1/health``, and the old graph keeps serving.

Reloads happen on SIGHUP (with ``--workers N``, the supervisor of :mod:`api.serve`
passes it on to every worker, and each reloads on its own, keeping its data if the new
is bad) and, with ``KG_RELOAD_INTERVAL`` > 0 (``kg serve
--reload-on-change``), whenever the files of the data directory change.

With a store (``kg serve --store``), the data comes from the store instead: a write
installs the graph it validated itself, and the other processes see the store's head
move and take the new revisions up. On SQLite they poll the head every
``KG_STORE_POLL_INTERVAL`` seconds; on PostgreSQL each process listens for the commits'
notifications (:meth:`kg.store.SqlStore.listen`) and looks at the head when one comes,
or when its listener reconnects, and every ``KG_STORE_CHECK_INTERVAL`` seconds besides,
should a notification be lost. While the store cannot be reached the graph loaded last
keeps being served.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from api.deps import close_all
from kg import describe, paths
from kg.curate import Curator
from kg.errors import DataError, StoreUnavailable
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.rules import collector_paused
from kg.search import index_for
from kg.store import Listening, SqlStore

if TYPE_CHECKING:
    from api.context import AppContext

LOG = logging.getLogger("kg.reload")

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(data_dir: Path) -> Fingerprint:
    """Name, size and modification time of every file under ``data_dir``."""

    def walk(folder: str) -> Iterator[tuple[str, int, int]]:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from walk(entry.path)
            else:
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    yield entry.path, st.st_size, st.st_mtime_ns

    return tuple(sorted(walk(str(data_dir))))


def prepare(graph: KnowledgeGraph, paths_now: bool = True) -> None:
    """Build what requests would otherwise build on first use (what path finding builds,
    :func:`kg.paths.prepare`, and the search index: both are in a graph read from its
    snapshot already); a large graph's description index is instead built in the
    background when first needed (see :func:`kg.describe.prepare`), in each process
    that needs it. With ``paths_now`` False, what path finding builds is built in the
    background instead (:func:`kg.paths.prepare_later`): a write, which serves its graph
    at once, does not wait for it."""
    if paths_now:
        paths.prepare(graph)
    else:
        paths.prepare_later(graph)
    index_for(graph)
    describe.prepare(graph)


def prepare_in_background(graph: KnowledgeGraph) -> threading.Thread:
    """What :func:`prepare` builds, built by a thread of its own (the thread is
    returned): a server's start, which then serves at once. A search, or anything
    else that needs the search index meanwhile, waits for it (:class:`kg.graph.PerGraph`
    builds it once, under a lock: the request's own thread waits, the event loop does
    not); a path search builds what it needs itself, with the same answers as on a
    prepared graph. At 50,000 concepts the two take about four CPU seconds, which a
    cold start (no snapshot) no longer waits for; a graph read from its snapshot has
    them already. The garbage collector is paused while the thread builds (millions of
    new objects, all kept)."""

    def build() -> None:
        with collector_paused():
            index_for(graph)
            paths.prepare(graph)

    describe.prepare(graph)
    thread = threading.Thread(target=build, name="kg-prepare", daemon=True)
    thread.start()
    return thread


def install(context: AppContext, graph: KnowledgeGraph, settle: bool = True) -> None:
    """Serve ``graph`` from now on (it must be prepared); values made for the old graph
    are dropped, and the garbage collector is told to leave the new one alone (at once,
    or with ``settle`` False, once installs have paused: see :func:`settle_later`)."""
    old_cache = context.cache
    context.cache = {}
    context.graph = graph
    context.loaded_at = time.time()
    if old_cache:  # a SPARQL engine waits for its query to end: not on the event loop
        threading.Thread(target=close_all, args=(old_cache,), daemon=True).start()
    if settle:
        _settle()
    else:
        settle_later(context)


def _settle() -> None:
    # objects frozen with the old snapshot go back to the collector, so it can free them
    gc.unfreeze()
    gc.collect()
    gc.freeze()


SETTLE_AFTER = 2.0
"""Seconds without a new install after which the collector is settled (see below)."""


def settle_later(context: AppContext) -> None:
    """Settle the collector once no install has come for :data:`SETTLE_AFTER` seconds.

    A full collection costs tens of milliseconds even on the shipped data, two thirds
    of a write's time, and a curator's writes come in bursts; until it runs, the new
    graph is simply tracked by the collector like any other object.
    """
    if context.settling is not None:
        context.settling.cancel()

    async def settle() -> None:
        await asyncio.sleep(SETTLE_AFTER)
        _settle()

    try:
        context.settling = asyncio.get_running_loop().create_task(settle())
    except RuntimeError:  # no event loop (a direct call): settle now
        _settle()


def install_newer(context: AppContext, graph: KnowledgeGraph, head: int) -> bool:
    """Install ``graph``, the store's state at revision ``head``, unless the app serves
    a later state already (two writes may finish in either order)."""
    if head <= context.head:
        return False
    install(context, graph, settle=False)
    context.head = head
    return True


@dataclass
class Reloader:
    """Reloads the data of the app of ``context`` on request, or when the files change.

    With a store (the context's curator), the data comes from it: a reload takes up the
    revisions other processes committed, and polling watches the store's head instead of
    the files.
    """

    context: AppContext
    seen: Fingerprint = ()
    """The data directory as it was when the graph being served was loaded."""
    problems: list[str] = field(default_factory=list)
    """The report of the last rejected reload (empty once a reload succeeds)."""
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _forced: bool = False
    """Whether the wake-up asks for a reload (a SIGHUP), not only a look for changes."""
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _listening: Listening | None = None

    @property
    def data_dir(self) -> Path:
        """The data directory, watched and loaded unless there is a store."""
        return self.context.settings.data_dir

    @property
    def curator(self) -> Curator | None:
        """The store's curator, if the data comes from a store."""
        return self.context.curator

    @property
    def interval(self) -> float:
        """Seconds between checks for changes (0: none, only on request)."""
        settings = self.context.settings
        if self.curator is None:
            return settings.reload_interval
        if self._listening is not None:
            return settings.store_check_interval
        return settings.store_poll_interval

    def request(self) -> None:
        """Ask for a reload as soon as possible (a signal handler may call this)."""
        self._forced = True
        self._wake.set()

    def check(self) -> None:
        """Look for changes as soon as possible, and reload if there are any."""
        self._wake.set()

    def _listen(self) -> None:
        """With a store that tells of commits, have it wake :meth:`check` on each."""
        store = self.curator.store if self.curator else None
        if not isinstance(store, SqlStore):
            return
        loop = asyncio.get_running_loop()

        def heard() -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: shutting down
                loop.call_soon_threadsafe(self.check)

        self._listening = store.listen(heard)

    async def reload(self) -> bool:
        """Load, check and install the data now; False (and the old graph kept) if bad."""
        async with self._lock:
            if self.curator is not None:
                return await self._from_store(self.curator)
            seen = await asyncio.to_thread(fingerprint, self.data_dir)
            started = time.perf_counter()
            try:
                graph = await asyncio.to_thread(load_graph, self.data_dir)
            except DataError as e:
                self.seen = seen
                self.problems = [str(p) for p in e.problems]
                self.context.metrics.reloaded("rejected")
                LOG.error(
                    "reload rejected: %d problem(s) in %s; still serving the previous data\n%s",
                    len(e.problems),
                    self.data_dir,
                    "\n".join(self.problems),
                )
                return False
            await asyncio.to_thread(prepare, graph)
            install(self.context, graph)
            self.seen = seen
            self.problems = []
            self.context.metrics.reloaded("ok")
            s = graph.stats()
            LOG.info(
                "reloaded %d concepts and %d relations from %s in %.1f s",
                s["concepts"],
                s["relations"],
                self.data_dir,
                time.perf_counter() - started,
            )
            return True

    async def _from_store(self, curator: Curator) -> bool:
        try:
            graph, head = await asyncio.to_thread(curator.load)
        except DataError as e:  # only if something other than this service wrote the store
            self.problems = [str(p) for p in e.problems]
            self.context.metrics.reloaded("rejected")
            LOG.error(
                "the store does not load; still serving revision %d\n%s",
                self.context.head,
                "\n".join(self.problems),
            )
            return False
        if head > self.context.head:
            await asyncio.to_thread(prepare, graph)
            if install_newer(self.context, graph, head):
                self.context.metrics.reloaded("ok")
                LOG.info("serving revision %d of the store", head)
        self.problems = []
        return True

    async def _changed(self) -> bool:
        if self.curator is not None:
            head = await asyncio.to_thread(self.curator.store.head)
            # a graph this process built is served, or about to be (a write in flight)
            return bool(head > max(self.context.head, self.curator.built))
        return await asyncio.to_thread(fingerprint, self.data_dir) != self.seen

    async def run(self) -> None:
        """Reload on request, and on change when polling or told of a commit; runs
        until cancelled."""
        self._listen()
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.interval or None)
                except TimeoutError:
                    pass
                forced, self._forced = self._forced, False
                self._wake.clear()
                try:
                    if forced or await self._changed():
                        await self.reload()
                except StoreUnavailable as e:  # served from what was loaded until it is back
                    LOG.warning(
                        "the store cannot be reached; still serving revision %d (%s)",
                        self.context.head,
                        e.detail,
                    )
                except Exception:  # never let one failed reload stop the next
                    LOG.exception("reload failed; still serving the previous data")
        finally:
            if self._listening is not None:
                self._listening.stop(wait=False)


def listen_for_hangup(reloader: Reloader) -> bool:
    """Reload on SIGHUP; False where the event loop cannot take signals."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reloader.request)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        return False
    return True
