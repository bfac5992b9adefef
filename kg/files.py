"""Where the loader reads a data directory's files from: a directory on disk
(:class:`DiskFiles`) or a mapping of paths to bytes (:class:`MemoryFiles`, for a server
that keeps them in a database, :mod:`kg.store`).

Both read a file the same way (UTF-8, universal newlines, the same errors) and name it
by its path relative to the data directory, with ``/``; the checks (:mod:`kg.rules`)
read files only through a :class:`Files`, so a directory and a mapping holding the
same files give the same graph and the same problems. :mod:`kg.loadcache` keeps what
was made of each file between loads.
"""

from __future__ import annotations

import errno
import gc
import marshal
import os
import pickle
import select
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, TypeVar

import yaml

from kg import yamlread
from kg.citations import IndexedText
from kg.yamlread import Lines, YamlPath

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Parsed:
    """What reading and parsing one YAML file gave: its data and duplicate keys, or the
    line and message of why it could not be read or parsed.

    A pure function of the file's text, so a :class:`~kg.loadcache.LoadCache` can keep
    it; nothing the loader does changes ``data``.
    """

    data: Any
    dupes: tuple[tuple[YamlPath, int], ...]
    lines: Lines
    error: tuple[int, str] | None = None


def parse_file(read: Callable[[], str]) -> Parsed:
    lines = Lines(read)
    try:
        text = read()
    except (OSError, UnicodeDecodeError) as e:
        return Parsed(None, (), lines, (1, f"cannot read file: {e}"))
    try:
        data, dupes = yamlread.parse_yaml(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(e, "problem", None) or str(e)
        return Parsed(None, (), lines, (line, f"invalid YAML: {reason}"))
    return Parsed(data, tuple(dupes), lines)


class Files:
    """Where the loader reads the data files from (a directory, or a mapping).

    Files are named by their path relative to the data directory, with ``/``
    (``sources/sources.yaml``, ``concepts/x.yaml``). Subclasses say how to read one
    file's text, which names a folder holds and how a file is shown in problems;
    parsing is the same for all, and may be cached by a subclass.
    """

    def shown(self, rel: str) -> str:
        """How a problem names the file ``rel``."""
        raise NotImplementedError

    def is_file(self, rel: str) -> bool:
        """Whether ``rel`` is a file."""
        raise NotImplementedError

    def listing(self, folder: str) -> list[str] | None:
        """The names in ``folder``, sorted, or None if there is no such folder."""
        raise NotImplementedError

    def reader(self, rel: str) -> Callable[[], str]:
        """A function that reads the text of ``rel`` as UTF-8 with universal newlines,
        raising :class:`OSError` or :class:`UnicodeDecodeError` as
        :meth:`pathlib.Path.read_text` does."""
        raise NotImplementedError

    def parsed(self, rel: str) -> Parsed:
        """The YAML file ``rel``, read and parsed."""
        return parse_file(self.reader(rel))

    def indexed(self, rel: str) -> IndexedText:
        """The source text ``rel``, read and indexed; raises as :meth:`reader` does."""
        return IndexedText.build(self.reader(rel)())

    def concept(self, rel: str, read: Callable[[], T]) -> T:
        """What the concept file ``rel`` adds to the load: ``read()``, or what it gave
        before for the same file and sources, when a subclass keeps that."""
        return read()


class DiskFiles(Files):
    """The files of a data directory on disk, shown relative to its parent.

    A folder is listed once (:func:`os.scandir`), and whether each of its entries is a
    file is taken from that listing; paths are built as strings, as :mod:`pathlib`
    would spell them. Both matter on a directory of tens of thousands of files.

    :meth:`scan` reads the folders and files the loader reads, all at once; the
    loader then sees exactly the files of the scan (a snapshot, :mod:`kg.snapshot`,
    is keyed by their bytes).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._base = str(root / "_")[:-1]  # "data/", or "" for "."
        try:
            self._shown_base: str | None = str((root / "_").relative_to(root.parent))[:-1]
        except ValueError:
            self._shown_base = None
        self._files: dict[str, dict[str, bool]] = {}  # folder -> entry -> is a file
        self._read: dict[str, bytes] = {}  # what scan() read, until the loader reads it
        self._listed: set[str] = set()
        self._ahead: _ParseAhead | None = None

    @classmethod
    def scan(cls, root: Path, folders: tuple[str, ...] = ("sources", "concepts")) -> DiskFiles:
        """The files of ``root``, with every folder of ``folders`` listed and every file
        in them read now (a file that cannot be read is read again when the loader asks,
        and fails then as it would have)."""
        files = cls(root)
        for folder in folders:
            names = files.listing(folder)
            for name in names or ():
                rel = f"{folder}/{name}"
                if files._files[folder][name]:
                    try:
                        files._read[rel] = _read_bytes(files._base + rel)
                    except OSError:
                        pass
        return files

    def scanned(self) -> Iterator[tuple[str, bool, bytes | None]]:
        """What :meth:`scan` found, in order: each entry of each folder it listed, with
        whether it is a file and the bytes read from it (None if not a file or
        unreadable). A folder that does not exist gives one entry, its own name, that
        is not a file."""
        for folder in sorted(self._listed):
            entries = self._files.get(folder)
            if entries is None:
                yield folder, False, None
                continue
            for name in sorted(entries):
                rel = f"{folder}/{name}"
                yield rel, entries[name], self._read.get(rel)

    def parse_ahead(self, folder: str = "concepts") -> None:
        """Have a forked copy of this process parse every file of ``folder`` that
        :meth:`scan` read, in order, while this process goes on (with the checks of the
        files parsed before): :meth:`parsed` then takes each file's parse from the copy,
        which gives what parsing the same bytes here would, or parses it here if the
        copy has not (it failed, or ``rel`` is not among its files). Call
        :meth:`end_ahead` when done. For a machine with a processor to spare."""
        rels = [rel for rel in self._read if rel.startswith(folder + "/")]
        if self._ahead is None and rels:
            self._ahead = _ParseAhead(self._read, rels)

    def end_ahead(self) -> None:
        """Stop the copy :meth:`parse_ahead` started, if any, and wait for it."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.close()

    def parsed(self, rel: str) -> Parsed:
        if self._ahead is not None:
            got = self._ahead.take(rel)
            if got is not None:
                data, dupes, error = got
                self._read.pop(rel, None)  # the copy read these bytes: lines come from disk
                return Parsed(data, dupes, Lines(partial(_read_text, self._base + rel)), error)
        return super().parsed(rel)

    def shown(self, rel: str) -> str:
        if self._shown_base is not None and _plain_path(rel):
            return self._shown_base + rel
        path = self.root / rel
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def is_file(self, rel: str) -> bool:
        folder, _, name = rel.rpartition("/")
        known = self._files.get(folder, {}).get(name)
        if known is not None:
            return known
        return (self.root / rel).is_file()

    def listing(self, folder: str) -> list[str] | None:
        known = self._files.get(folder)
        if known is not None:
            return sorted(known)
        self._listed.add(folder)
        path = self.root / folder
        if not path.is_dir():
            return None
        files: dict[str, bool] = {}
        with os.scandir(path) as entries:
            for entry in entries:
                if not entry.is_symlink():  # a link is followed by Path.is_file
                    files[entry.name] = entry.is_file()
                else:
                    files[entry.name] = (path / entry.name).is_file()
        if _plain_path(folder):
            self._files[folder] = files
        return sorted(files)

    def reader(self, rel: str) -> Callable[[], str]:
        if _plain_path(rel):
            content = self._read.pop(rel, None)
            if content is not None:
                return _ReadOnce(content, self._base + rel)
            return partial(_read_text, self._base + rel)
        return partial((self.root / rel).read_text, encoding="utf-8")


class _ParseAhead:
    """A forked copy of this process that parses the files ``rels`` from the bytes
    ``read`` holds for them (:func:`parse_file`, as the loader would) and sends what
    each gave, a batch at a time, over a pipe; on two processors the parsing, two fifths
    of a cold load's work per file, is done beside the checks.

    The two share the work from both ends: the copy claims batches from the first file
    on, and this process, whenever it would wait for the copy, parses the last batch not
    yet claimed itself (its parses wait until the loader asks for them), so neither
    waits long for the other on a machine of any speed. The claims are two numbers in
    memory both processes share, changed under a lock: the end of what the copy has
    claimed, and the start of what this process has.

    The copy ends when nothing is left to claim, when a batch can be written neither by
    marshal nor by pickle (the rest is then parsed here), or when :meth:`close` closes
    the pipe. Nothing it sends is used but a parse of the very bytes this process read."""

    BATCH = 256
    """Files per message and per claim: a message is some hundreds of kilobytes."""

    def __init__(self, read: dict[str, bytes], rels: list[str]) -> None:
        import mmap
        import multiprocessing

        self._read = read
        self._rels = rels
        self._claims = _Claims(
            mmap.mmap(-1, _Claims.SIZE), multiprocessing.get_context("fork").Lock()
        )
        self._claims.set(0, len(rels))
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy
            status = 1
            try:
                os.close(readable)
                _send_parses(writable, read, rels, self.BATCH, self._claims)
                status = 0
            finally:
                os._exit(status)
        os.close(writable)
        self._pid: int | None = pid
        self._fd = readable
        self._got: dict[str, tuple[Any, tuple[tuple[YamlPath, int], ...], Any]] = {}
        self._coming = set(rels)

    def take(self, rel: str) -> tuple[Any, tuple[tuple[YamlPath, int], ...], Any] | None:
        """The data, duplicate keys and error of ``rel``'s parse, once the copy has sent
        it or this process has parsed it in its stead; None if neither will (it is not
        one of the copy's files, or the copy failed before it)."""
        if rel not in self._coming:
            return None
        while rel not in self._got and self._pid is not None:
            if not _ready(self._fd) and self._steal():
                continue  # parsed a batch here instead of waiting
            body = self._message()
            if body is None:
                self.close()  # done, or gone: what it did not send is parsed here
                break
            self._got.update(_received(body))
        self._coming.discard(rel)
        return self._got.pop(rel, None)

    def _steal(self) -> bool:
        """Parse the last batch the copy has not claimed here, if there is one beyond
        the batch it works on and the next; whether there was."""
        with self._claims.lock:
            claimed, limit = self._claims.get()
            start = limit - self.BATCH
            if start < claimed + self.BATCH:
                return False
            self._claims.set(claimed, start)
        self._got.update(_parses(self._read, self._rels[start:limit]))
        return True

    def _message(self) -> bytes | None:
        """The next message of the copy; None at the end or if it is cut short."""
        head = _read_exactly(self._fd, 8)
        size = int.from_bytes(head, "little") if len(head) == 8 else 0
        body = _read_exactly(self._fd, size) if size else b""
        return body if size and len(body) == size else None

    def close(self) -> None:
        """Close the pipe (a copy still sending ends) and wait for the copy."""
        pid, self._pid = self._pid, None
        if pid is not None:
            os.close(self._fd)
            os.waitpid(pid, 0)


class _Claims:
    """The two numbers :class:`_ParseAhead`'s processes share: how many files from the
    first the copy has claimed, and from which file on this process has (the copy's
    limit), in an anonymous shared mapping, with the lock to hold while changing them."""

    SIZE = 16

    def __init__(self, memory: Any, lock: Any) -> None:
        self.memory = memory
        self.lock = lock

    def get(self) -> tuple[int, int]:
        return (
            int.from_bytes(self.memory[:8], "little"),
            int.from_bytes(self.memory[8:16], "little"),
        )

    def set(self, claimed: int, limit: int) -> None:
        self.memory[:16] = claimed.to_bytes(8, "little") + limit.to_bytes(8, "little")


def _ready(fd: int) -> bool:
    """Whether the pipe ``fd`` has something to read (or is closed) now."""
    return bool(select.select([fd], [], [], 0)[0])


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``, fewer only at its end."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _parses(
    read: dict[str, bytes], rels: list[str]
) -> dict[str, tuple[Any, tuple[tuple[YamlPath, int], ...], Any]]:
    """The data, duplicate keys and error of each of ``rels``, parsed from its bytes in
    ``read`` as :func:`parse_file` parses it: a batch of :class:`_ParseAhead`, by either
    process."""
    parses = {}
    for rel in rels:
        parsed = parse_file(partial(_decode, read[rel]))
        parses[rel] = (parsed.data, parsed.dupes, parsed.error)
    return parses


def _send_parses(
    fd: int, read: dict[str, bytes], rels: list[str], batch: int, claims: _Claims
) -> None:
    """In :class:`_ParseAhead`'s copy: claim the next ``batch`` files of ``rels`` while
    any are left before the limit the other process sets, parse them and write their
    parses to ``fd``: a message is its length in eight bytes, then the files' paths to
    their data, duplicate keys and error, by :mod:`marshal` (a tenth of pickle's time for
    plain data) or, for what only pickle can write (a date PyYAML read), by
    :mod:`pickle`, told apart by the first byte."""
    gc.disable()  # nothing the copy makes is garbage before it ends
    with os.fdopen(fd, "wb") as pipe:
        while True:
            with claims.lock:
                start, limit = claims.get()
                end = min(start + batch, limit)
                if start >= end:
                    return
                claims.set(end, limit)
            parses = _parses(read, rels[start:end])
            try:
                body = _MARSHALLED + marshal.dumps(parses)
            except ValueError:
                try:
                    body = _PICKLED + pickle.dumps(parses, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # that does not pickle either: the rest is parsed there
                    return
            pipe.write(len(body).to_bytes(8, "little") + body)
            pipe.flush()


_MARSHALLED, _PICKLED = b"m", b"p"
"""The first byte of a message of :func:`_send_parses`: how the rest is written."""


def _received(body: bytes) -> dict[str, Any]:
    """The parses of a message of :func:`_send_parses`."""
    if body[:1] == _MARSHALLED:
        return marshal.loads(memoryview(body)[1:])  # type: ignore[no-any-return]
    return pickle.loads(memoryview(body)[1:])  # type: ignore[no-any-return]


class _ReadOnce:
    """A file's text from the bytes read before, the first time; from the disk after
    (only to find a problem's line), so that the bytes are not kept."""

    def __init__(self, content: bytes, path: str) -> None:
        self.content: bytes | None = content
        self.path = path

    def __call__(self) -> str:
        content, self.content = self.content, None
        if content is None:
            return _read_text(self.path)
        return _decode(content)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _read_bytes(path: str) -> bytes:
    """The bytes of the file at ``path``, as ``open(path, "rb").read()`` gives them, by
    the system's calls alone: without a file object, a buffer and their calls (a scan
    reads 50,000 concept files, a third faster so)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)
        if len(data) == size:
            return data  # all of it, as nearly always: a second read would give b""
        chunks = [data]  # the file changed since fstat, or the read was short: to the end
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _plain_path(rel: str) -> bool:
    """Whether :mod:`pathlib` keeps ``rel`` as written (no empty or ``.`` part, not
    absolute), so that joining strings gives the path it would."""
    return bool(rel) and not any(part in ("", ".") for part in rel.split("/"))


def _read_text(path: str) -> str:
    """The file at ``path`` as :meth:`pathlib.Path.read_text` reads it in UTF-8."""
    with open(path, encoding="utf-8") as f:
        return f.read()


def _decode(content: bytes) -> str:
    """``content`` as :meth:`pathlib.Path.read_text` reads it: UTF-8 (a byte order
    mark is kept, as there) with every line break made ``\\n``."""
    text = content.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _fail(error: OSError) -> NoReturn:
    raise error


class MemoryFiles(Files):
    """Files held in memory: relative path to bytes, shown as ``name/path``."""

    def __init__(self, files: Mapping[str, bytes], name: str) -> None:
        self.files = dict(files)
        self.name = name

    def shown(self, rel: str) -> str:
        return f"{self.name}/{rel}" if self.name else rel

    def is_file(self, rel: str) -> bool:
        return rel in self.files

    def listing(self, folder: str) -> list[str] | None:
        prefix = folder + "/"
        names = {
            rel[len(prefix) :].split("/", 1)[0] for rel in self.files if rel.startswith(prefix)
        }
        return sorted(names) if names else None

    def _key(self, rel: str) -> str:
        """``rel`` as a path on disk would spell it (``sources/.`` is ``sources``)."""
        return str(PurePosixPath(rel))

    def _missing(self, key: str) -> OSError:
        """The error opening ``key`` gives on disk: it is a folder, or nothing."""
        prefix = key + "/"
        kind: type[OSError] = FileNotFoundError
        code = errno.ENOENT
        if PurePosixPath(key).name in ("", "..") or any(
            rel.startswith(prefix) for rel in self.files
        ):
            kind, code = IsADirectoryError, errno.EISDIR
        return kind(code, os.strerror(code), self.shown(key))

    def reader(self, rel: str) -> Callable[[], str]:
        key = self._key(rel)
        content = self.files.get(key)
        if content is None:
            return partial(_fail, self._missing(key))
        return partial(_decode, content)  # holds the bytes, not the whole mapping
