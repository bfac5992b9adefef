"""Compiled snapshots of validated graphs: a start on data that has not changed since the
last start loads the graph then built instead of parsing and checking every file again.

A snapshot works like Python's ``.pyc`` files. It is one file in the cache directory
(``KG_CACHE_DIR``, by default ``$XDG_CACHE_HOME/alignment-kg`` or
``~/.cache/alignment-kg``: :func:`kg.settings.default_cache_dir`), one per data
directory or curation store, named after where the data is. Its header holds what it
was built from and by: the snapshot format (:data:`FORMAT`), the code
(:func:`code_version`: the package's version and a digest of the library's sources,
Python's and pydantic's versions), a key for the data (for a directory, a SHA-256 digest
of the name and bytes of every file the loader reads, :func:`directory_key`; for a
store, its revision and a digest of its files, :func:`store_key`), and the length and
SHA-256 digest of the body. A snapshot is used only when all of these match what is
being loaded and the body is whole; anything else (an older format or code, changed
data, a truncated or corrupt file, one that is not a snapshot at all) is ignored, and
the data is loaded and validated in full and the snapshot written again. Data is never
served from a snapshot that validation would not have given.

Changes are found by reading the bytes of every file (about a second for 50,000 concept
files), never by modification times alone.

The body is two :mod:`pickle` s, the second referring to what the first holds: the
:class:`~kg.graph.KnowledgeGraph` itself, and then what is built from it, its search index
and what it builds for path finding. A server reads the first before it serves and the
second in the background while it serves (``lazy``: :func:`kg.graph.finish_later`; a
search or path search meanwhile waits for it, as after a cold start it waits for them to
be built). Unpickling runs code named in the
file, which is safe only for a file this module wrote itself: a snapshot is only ever
read from the local cache directory it was written to, never from anywhere else (a
store shared by servers, a download), and its header and checksum are checked before
it is unpickled. Pydantic models are pickled as their fields, which loads them several
times faster than pydantic's own pickling, and the citations, concepts and relations as
tables of columns, faster still (:mod:`kg.pickling`); the garbage collector is paused
meanwhile.

A snapshot is written to a temporary file in the cache directory and renamed over the
old one, so a reader sees the old snapshot or the new one, never part of one, and two
processes writing at once each leave a whole file (the last rename wins). A write that
fails (a read-only cache directory) is logged and the graph served all the same.

Within one process the last graph loaded for each directory or store is remembered
(weakly): a process forked after loading it (``kg serve --workers N``) gets the same
objects when it loads the same data, and shares their memory with its parent.

Data under :data:`MIN_BYTES` (the shipped data) is validated at every start and gets
no snapshot; a cache directory keeps the :data:`KEEP` snapshots last used. ``kg serve``
writes a new snapshot in a forked copy of itself while it starts serving
(:func:`write_later`), and on two processors a warm start hashes the files in a forked
copy while it loads the snapshot, which it serves only if the two keys match (``kg
serve`` starts that copy before it imports the web app: :func:`hash_later`). A cold
load on two processors has a forked copy parse the concept files while it checks the
ones parsed before (:meth:`kg.files.DiskFiles.parse_ahead`), with the same graph or
problems as parsing them itself.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pydantic

from kg import paths, pickling, search
from kg.errors import DataError, Problem
from kg.files import DiskFiles
from kg.graph import KnowledgeGraph, abandon, finish_later
from kg.model import Citation, Concept, Relation
from kg.rules import collector_paused, validate
from kg.settings import Settings

LOG = logging.getLogger("kg.snapshot")

FORMAT = 5
"""The layout of a snapshot; raised when it changes, which makes every snapshot stale."""

MAGIC = b"alignment-kg snapshot\n"
"""The first bytes of every snapshot file."""

_LOADED: weakref.WeakValueDictionary[tuple[str, str], KnowledgeGraph] = (
    weakref.WeakValueDictionary()
)
"""The graph last loaded in this process for each snapshot file and key."""


@functools.cache
def code_version() -> str:
    """What built a snapshot: the package's version, a digest of the library's sources
    (so that a changed check makes old snapshots stale even before a release), and the
    versions of Python and pydantic (whose objects the body holds)."""
    try:
        version = importlib.metadata.version("alignment-kg")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{version}+{digest.hexdigest()[:16]} python {python} pydantic {pydantic.VERSION}"


def directory_key(files: DiskFiles) -> str:
    """A digest of what :meth:`~kg.files.DiskFiles.scan` found: the name of every entry
    of ``sources/`` and ``concepts/``, whether it is a file, and the bytes of each file."""
    digest = hashlib.sha256()
    for rel, is_file, content in files.scanned():
        size = -1 if content is None else len(content)
        digest.update(f"{rel}\0{int(is_file)}\0{size}\0".encode())
        if content is not None:
            digest.update(content)
    return digest.hexdigest()


def store_key(head: int, contents: Mapping[str, bytes]) -> str:
    """The key of a store's state: its revision, and a digest of its files' names and
    bytes (revision numbers alone would not tell apart two stores made at one path)."""
    digest = hashlib.sha256(f"revision {head}\0".encode())
    for rel in sorted(contents):
        content = contents[rel]
        digest.update(f"{rel}\0{len(content)}\0".encode())
        digest.update(content)
    return f"{head}:{digest.hexdigest()}"


def snapshot_path(cache_dir: Path, kind: str, where: Path | str) -> Path:
    """The snapshot file of the data directory or store at ``where`` (a path, or a
    store's :attr:`~kg.store.SqlStore.location`): one per place."""
    place = str(where.resolve()) if isinstance(where, Path) else where
    name = hashlib.sha256(place.encode()).hexdigest()[:24]
    return cache_dir / f"{kind}-{name}.snapshot"


@dataclass(frozen=True)
class Header:
    """What a snapshot was built from and by, and how long its body is."""

    format: int
    code: str
    key: str
    size: int
    checksum: str

    def encode(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True).encode() + b"\n"


HEADER_SPACE = 1024
"""Bytes kept for the magic and the header line (padded with spaces), so that the body
can be written first, as it is pickled, and the header, which holds the body's length
and digest, after it."""


class _Body:
    """Where a snapshot's body is pickled to: the file, with the length and SHA-256
    digest of what went in (the body is never held in memory whole)."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.size = 0
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.size += len(data)
        self.digest.update(data)
        return self.file.write(data)


_LATER = ("adjacency", "node_costs")
"""What the graph builds for path finding (cached in its ``__dict__``): in the second
pickle of a snapshot, with the search index and the hubs' neighbour orders."""


def _tables(graph: KnowledgeGraph) -> tuple[pickling.Table, ...]:
    """The graph's citations (of concepts and relations, each once), concepts and
    relations as tables (:class:`kg.pickling.Table`), in that order: each table's
    columns hold rows of the one before."""
    citations: dict[int, Citation] = {}
    for holder in (graph.concepts.values(), graph.relations):
        for item in holder:
            for citation in item.citations:
                citations.setdefault(id(citation), citation)
    return (
        pickling.Table(Citation, list(citations.values())),
        pickling.Table(Concept, list(graph.concepts.values())),
        pickling.Table(Relation, graph.relations),
    )


def _rebuilt(state: dict[str, object]) -> KnowledgeGraph:
    """The graph whose ``__dict__`` was ``state`` (the first pickle of a snapshot)."""
    graph = object.__new__(KnowledgeGraph)
    graph.__dict__.update(state)
    return graph


class _Pickler(pickling.Pickler):
    """Writes one graph as its state without what :data:`_LATER` names (which the second
    pickle holds), so that reading the first pickle does not make it."""

    def __init__(self, file: _Body, graph: KnowledgeGraph) -> None:
        super().__init__(file)
        self._graph = graph

    def reducer_override(self, obj: Any) -> Any:
        if obj is self._graph:
            state = {k: v for k, v in vars(obj).items() if k not in _LATER}
            return _rebuilt, (state,)
        return super().reducer_override(obj)


def dump(graph: KnowledgeGraph, key: str, file: BinaryIO) -> None:
    """Write the snapshot of ``graph`` for data ``key`` into the seekable ``file``, with
    what path finding prepares (:func:`kg.paths.prepare`: the graph's adjacency and
    node costs, the neighbour orders of its hubs) and its search index
    (:func:`kg.search.index_for`): they take seconds to build on a large graph, and
    less to load."""
    with collector_paused():  # millions of new objects, all kept: nothing to collect
        paths.prepare(graph)
        index = search.index_for(graph)
    file.write(b" " * HEADER_SPACE)
    body = _Body(file)
    with collector_paused():
        pickler = _Pickler(body, graph)
        # the tables first; everything else refers to their models by row
        pickler.dump((_tables(graph), graph))
        later = {name: vars(graph)[name] for name in _LATER}
        pickler.dump((index, paths.prepared(graph), later))
    header = Header(FORMAT, code_version(), key, body.size, body.digest.hexdigest())
    line = MAGIC + header.encode()[:-1]
    if len(line) >= HEADER_SPACE:
        raise ValueError("snapshot header too long")
    file.seek(0)
    file.write(line.ljust(HEADER_SPACE - 1) + b"\n")


def dumps(graph: KnowledgeGraph, key: str) -> bytes:
    """The snapshot of ``graph`` for data ``key`` (see :func:`dump`)."""
    out = io.BytesIO()
    dump(graph, key, out)
    return out.getvalue()


class _Reader:
    """A snapshot's body, read by the unpickler a frame (64 kB) at a time through
    Python calls, at each of which another thread may take its turn: the second pickle
    is read by a thread while the server serves, and a C loop over it that never let go
    of the interpreter would hold every request up until it ended."""

    def __init__(self, body: memoryview) -> None:
        self._body = body
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        start = self._at
        end = len(self._body) if size < 0 else min(start + size, len(self._body))
        self._at = end
        return bytes(self._body[start:end])

    def readinto(self, buffer: memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        end = bytes(self._body[self._at :]).find(b"\n")
        return self.read(-1 if end < 0 else end + 1)


def loads(data: bytes, key: str | None, lazy: bool = False) -> KnowledgeGraph | None:
    """The graph of the snapshot ``data`` if it is a whole snapshot of this format,
    built by this code, from data ``key``; else None. With ``key`` None, from any
    data: the caller compares :func:`key_of` with the data's key before using it.

    With ``lazy``, only the graph is read now, and the rest (its search index, what path
    finding builds) when first needed, by whatever needs it
    (:func:`kg.graph.finish_later`): a server's start reads it in the background while
    it serves (:func:`api.reload.prepare_in_background`)."""
    header = _header(data)
    if header is None or (key is not None and header.key != key):
        return None
    body = memoryview(data)[-header.size :] if header.size else memoryview(b"")
    if hashlib.sha256(body).hexdigest() != header.checksum:
        return None
    unpickler = pickle.Unpickler(_Reader(body))
    try:
        with collector_paused():
            _, graph = unpickler.load()
    except Exception:  # a checksum that matches a broken body: treated as none at all
        LOG.warning("could not read the snapshot body; rebuilding it", exc_info=True)
        return None
    if not isinstance(graph, KnowledgeGraph):
        return None

    def read_the_rest() -> None:
        try:
            with collector_paused():
                index, orders, later = unpickler.load()
        except Exception:  # what it would give is built from the graph instead
            LOG.warning("could not read the rest of the snapshot", exc_info=True)
            return
        if (
            not isinstance(index, search.SearchIndex)
            or not isinstance(orders, dict)
            or not isinstance(later, dict)
            or later.keys() != set(_LATER)
        ):
            return
        for name in _LATER:
            vars(graph).setdefault(name, later[name])
        # kept with the graph, as index_for and paths.prepare keep what they build
        search.keep_index(graph, index)
        paths.keep_prepared(graph, orders)

    if lazy:
        finish_later(graph, read_the_rest)
    else:
        read_the_rest()
    return graph


def _header(data: bytes) -> Header | None:
    """The header of the snapshot ``data``, if it is of this format, built by this code,
    and followed by a body of the length it says; else None."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = Header(**json.loads(data[len(MAGIC) : end]))
    except (ValueError, TypeError):
        return None
    if (header.format, header.code) != (FORMAT, code_version()):
        return None
    return header if header.size == len(data) - end - 1 else None


def key_of(data: bytes) -> str | None:
    """The data key in the header of the snapshot ``data`` (None if it has none)."""
    header = _header(data)
    return None if header is None else header.key


def read(path: Path, key: str, lazy: bool = False) -> KnowledgeGraph | None:
    """The graph of the snapshot at ``path`` if it is valid for ``key`` (see
    :func:`loads`, and ``lazy`` there); None if there is none or it is not."""
    remembered = _LOADED.get((str(path), key))
    if remembered is not None:
        return remembered
    try:
        data = path.read_bytes()
    except OSError:
        return None
    graph = loads(data, key, lazy)
    if graph is not None:
        _LOADED[(str(path), key)] = graph
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: kept by the next sweep
    return graph


def write(path: Path, key: str, graph: KnowledgeGraph) -> bool:
    """Write the snapshot of ``graph`` for ``key`` at ``path``, atomically (a temporary
    file renamed over it); False, logged, if it cannot be written."""
    _LOADED[(str(path), key)] = graph
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            dump(graph, key, f)
        os.replace(temporary, path)
    except Exception as e:  # a cache that cannot be written is no reason not to serve
        LOG.warning("could not write the snapshot %s: %s", path, e)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    _sweep(path)
    return True


STALE_SECONDS = 3600
"""Age after which a temporary file beside a snapshot is taken for one left by a writer
that was killed, and removed."""

KEEP = 16
"""Snapshots kept in a cache directory: the most recently used; older ones (of data
directories or stores that may no longer exist) are removed when one is written."""


def _sweep(path: Path) -> None:
    """Remove the temporary files of writers that died mid-write, and all but the
    :data:`KEEP` snapshots last used."""
    now = time.time()
    used: list[tuple[float, Path]] = []
    for entry in path.parent.iterdir():
        with contextlib.suppress(OSError):
            if entry.name.endswith(".tmp") and now - entry.stat().st_mtime > STALE_SECONDS:
                entry.unlink()
            elif entry.name.endswith(".snapshot"):
                used.append((entry.stat().st_mtime, entry))
    for _, old in sorted(used, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


MIN_BYTES = 2_000_000
"""Data smaller than this (the shipped data is a tenth of it) is validated at every
start, which takes a fraction of a second, and gets no snapshot."""


def write_later(path: Path, key: str, graph: KnowledgeGraph) -> None:
    """:func:`write`, done by a forked copy of this process, so that the caller goes on
    at once (a server starts serving while its snapshot is written). What the snapshot
    holds beside the graph (its search index, what path finding builds) is built by the
    copy (:func:`dump`), and by the caller when it needs it (``kg serve`` builds them in
    the background while it serves). The copy shares the graph's memory, copying the
    pages it touches, runs at the lowest priority, and ends when done; it is forked
    twice, so that it is no child of the caller's to wait for. Where this process
    cannot fork safely (another thread runs), the snapshot is written at once."""
    _LOADED[(str(path), key)] = graph
    if not hasattr(os, "fork") or threading.active_count() > 1:
        write(path, key, graph)
        return
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            if os.fork() == 0:
                os.nice(19)  # the server's own start comes first
                status = 0 if write(path, key, graph) else 1
            else:
                status = 0
        finally:
            os._exit(status)
    os.waitpid(pid, 0)


def cached(
    path: Path,
    key: str,
    build: Callable[[], KnowledgeGraph],
    size: int,
    background: bool = False,
    lazy: bool = False,
) -> tuple[KnowledgeGraph, bool]:
    """The graph of the snapshot at ``path`` for ``key`` (read as :func:`loads` reads it
    with ``lazy``), or else ``build()``, whose graph is then written there (if the
    data's ``size`` in bytes is at least :data:`MIN_BYTES`; by :func:`write_later` if
    ``background``); and whether it came from the snapshot. ``build``'s errors
    (:class:`~kg.errors.DataError`) pass through, and nothing is written."""
    if size < MIN_BYTES:
        return build(), False
    graph = read(path, key, lazy)
    if graph is not None:
        return graph, True
    graph = build()
    (write_later if background else write)(path, key, graph)
    return graph, False


def load_graph(
    data_dir: str | Path,
    cache_dir: Path | None = None,
    background: bool = False,
    lazy: bool = False,
    hashing: Hashing | None = None,
) -> tuple[KnowledgeGraph, bool]:
    """:func:`kg.load.load_graph` of ``data_dir`` through its snapshot in
    ``cache_dir`` (default: the ``KG_CACHE_DIR`` setting), and whether the snapshot was
    used. With ``background``, a new snapshot is written by a forked copy of this
    process (:func:`write_later`); with ``lazy``, only the graph is read from the
    snapshot now, the rest when first needed (see :func:`loads`). ``hashing`` is the
    copy :func:`hash_later` started for this directory and cache, if it was.

    Every file the loader reads is read once, hashed, and (when the snapshot does not
    fit) validated from those same bytes, so a snapshot always holds the graph of the
    bytes its key was made from. Raises :class:`~kg.errors.DataError` as
    :func:`kg.load.load_graph` does.
    """
    root = Path(data_dir)
    if not root.is_dir():
        if hashing is not None:
            hashing.result()
        raise DataError([Problem(str(root), 1, "data directory does not exist")])
    path = snapshot_path(cache_dir or Settings().cache_dir, "data", root)
    if hashing is None:
        hashing = hash_later(root, cache_dir)
    if hashing is not None:
        graph = _read_while_hashing(path, hashing, lazy)
        if graph is not None:
            return graph, True
    files = DiskFiles.scan(root)
    key, size = _key_and_size(files)
    return cached(path, key, lambda: _validate_parsing_ahead(files, size), size, background, lazy)


AHEAD_MIN_BYTES = MIN_BYTES
"""Data of at least this many bytes is parsed by a forked copy of the loading process
while it checks (:func:`_validate_parsing_ahead`), on a machine with two processors;
smaller data is loaded before a fork would pay off."""


def _validate_parsing_ahead(files: DiskFiles, size: int) -> KnowledgeGraph:
    """:func:`kg.rules.validate` of ``files``, with the concept files parsed by a
    forked copy of this process meanwhile (:meth:`DiskFiles.parse_ahead`) when forking
    helps (:func:`forking_helps`) and the data (``size`` bytes) is large: the same
    graph or problems, sooner."""
    if size >= AHEAD_MIN_BYTES and forking_helps():
        files.parse_ahead("concepts")
    try:
        return validate(files)
    finally:
        files.end_ahead()


def _key_and_size(files: DiskFiles) -> tuple[str, int]:
    """The snapshot key of the data files (:func:`directory_key`) and their size in bytes."""
    return directory_key(files), sum(len(content or b"") for _, _, content in files.scanned())


def forking_helps() -> bool:
    """Whether work can be shared with a forked copy of this process: it may fork (no
    other thread runs, which might hold a lock the copy would find held forever) and
    has more than one processor to run on."""
    return (
        hasattr(os, "fork") and threading.active_count() == 1 and len(os.sched_getaffinity(0)) > 1
    )


def _remembered(path: Path) -> bool:
    """Whether this process remembers a graph it loaded from the snapshot ``path``."""
    return any(where == str(path) for where, _ in list(_LOADED.keys()))


class Hashing:
    """A forked copy of this process that reads the files of the data directory
    ``root`` and hashes them (:func:`directory_key`), while this process goes on."""

    def __init__(self, root: Path) -> None:
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: the key and size of the data, on one line, then the end
            status = 1
            try:
                os.close(readable)
                key, size = _key_and_size(DiskFiles.scan(root))
                os.write(writable, f"{key} {size}".encode())
                status = 0
            finally:
                os._exit(status)
        os.close(writable)
        self._pid = pid
        self._readable = readable

    def result(self) -> tuple[str, int] | None:
        """The key and size in bytes of the data, once the copy is done; None if it
        failed."""
        with os.fdopen(self._readable, "rb") as answer:
            said = answer.read().decode().split()
        _, status = os.waitpid(self._pid, 0)
        if status != 0 or len(said) != 2:
            return None
        return said[0], int(said[1])


def hash_later(data_dir: str | Path, cache_dir: Path | None = None) -> Hashing | None:
    """The data directory's files read and hashed by a forked copy of this process
    (:class:`Hashing`), to be given to :func:`load_graph`, if it has a snapshot in
    ``cache_dir`` that this process has not loaded and forking helps
    (:func:`forking_helps`); else None. Started early (``kg serve`` starts it before
    importing the web app), the hashing is done by the time the snapshot is read."""
    root = Path(data_dir)
    path = snapshot_path(cache_dir or Settings().cache_dir, "data", root)
    if root.is_dir() and path.is_file() and forking_helps() and not _remembered(path):
        return Hashing(root)
    return None


def _read_while_hashing(path: Path, hashing: Hashing, lazy: bool) -> KnowledgeGraph | None:
    """The graph of the snapshot at ``path`` (see :func:`loads`, and ``lazy`` there)
    if it fits the data directory, which ``hashing`` reads and hashes meanwhile (on two
    processors, the time to hash the files is hidden behind the time to load the
    snapshot); None if it does not fit, after which the caller reads the files itself."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    key = key_of(data)
    graph = loads(data, None, lazy) if key is not None else None
    said = hashing.result()
    if said is None or graph is None or said[0] != key or said[1] < MIN_BYTES:
        if graph is not None:  # the files changed since the snapshot was written
            abandon(graph)
        return None
    _LOADED[(str(path), key)] = graph
    with contextlib.suppress(OSError):
        os.utime(path)
    return graph


def load_store_state(
    store_path: Path | str,
    head: int,
    contents: Mapping[str, bytes],
    build: Callable[[], KnowledgeGraph],
    cache_dir: Path | None = None,
) -> tuple[KnowledgeGraph, bool]:
    """The graph of the store at ``store_path`` at revision ``head`` (whose files are
    ``contents``): from its snapshot, else ``build()``, which is then kept as the
    store's snapshot; and whether the snapshot was used."""
    path = snapshot_path(cache_dir or Settings().cache_dir, "store", store_path)
    size = sum(map(len, contents.values()))
    return cached(path, store_key(head, contents), build, size)
