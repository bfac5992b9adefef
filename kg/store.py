"""A durable store of the data directory's files, with an append-only revision log.

The YAML layout of ``data/`` stays the format of record: the store holds every file of
it byte for byte (concept files, ``sources/sources.yaml``, the source texts), so that a
graph is built from the store exactly as from the directory (:func:`kg.load.load_graph`
on a copy) and :meth:`SqliteStore.dump` writes the directory back with every file that
was not changed identical to what was imported. Each committed change appends one
revision per file it touches, with the file's bytes before and after, who made it and
when; nothing in the log is ever rewritten.

:class:`SqliteStore` keeps everything in one SQLite file in WAL mode with full
synchronisation, so a commit that returned is on disk and survives the process being
killed. :class:`Store` is the interface a server needs, which another database (several
replicas on PostgreSQL) can implement.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> good = Path(__file__).parent.parent / "tests" / "data" / "good"
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = SqliteStore.create(Path(tmp) / "kg.sqlite3", good)
...     entry = store.history("concepts/evolution.yaml")[0]
...     (entry.action, entry.author, entry.after == (good / "concepts/evolution.yaml").read_bytes())
...     store.close()
('import', 'import', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    content BLOB NOT NULL,
    revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    path TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('import', 'create', 'update', 'delete')),
    before BLOB,
    after BLOB
);
CREATE INDEX IF NOT EXISTS revisions_by_path ON revisions (path, revision);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT
);
CREATE TABLE IF NOT EXISTS token_expiry (
    id TEXT PRIMARY KEY,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS imported_days (
    path TEXT PRIMARY KEY,
    first TEXT NOT NULL,
    last TEXT NOT NULL
);
"""
"""The tables. A token's expiry has a table of its own, beside ``tokens``, so that a
store made before tokens could expire takes it up by this script alone, with no
migration of the table it already has; so has ``imported_days``: the days (ISO 8601)
of the first and last commit of each imported file in the git history of the data
directory it was imported from, where that had one."""

FileDays = Callable[[Path], Mapping[str, tuple[dt.date, dt.date]]]
"""What gives the first and last day of each file of a data directory's history, by
path (:func:`kg.dataset.git_days`)."""

TOKEN_PREFIX = "kgt"
"""Tokens read ``kgt_<id>_<secret>``: the id finds the row, the secret is checked against
its SHA-256 digest (a random 256-bit secret needs no slow hash)."""


@dataclass(frozen=True)
class Revision:
    """One entry of the revision log: a file as one change left it."""

    revision: int
    at: str
    author: str
    path: str
    action: str
    before: bytes | None
    after: bytes | None


class StaleWrite(Exception):
    """A write expected a file at a revision it is no longer at (someone wrote first)."""

    def __init__(self, path: str, expected: int | None, current: int | None) -> None:
        super().__init__(f"{path} is at revision {current}, not {expected}")
        self.path, self.expected, self.current = path, expected, current


class Moved(Exception):
    """The store has changed since the revision a commit was checked against."""

    def __init__(self, base: int, head: int) -> None:
        super().__init__(f"the store is at revision {head}, not {base}")
        self.base, self.head = base, head


@dataclass(frozen=True)
class Token:
    """A bearer token's record (its secret is never stored, only a digest of it)."""

    id: str
    name: str
    scopes: tuple[str, ...]
    created: str
    revoked: str | None
    expires: str | None = None
    """When the token stops admitting writes (UTC, ISO 8601), or None for never."""

    def expired(self, now: str | None = None) -> bool:
        """Whether the token's expiry has passed (at ``now``, by default the present)."""
        return self.expires is not None and self.expires <= (now or _now())


class Store(Protocol):
    """What a server needs of a store of the data files."""

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Every file (path relative to the data directory, bytes), in path order."""
        ...

    def read(self, path: str) -> tuple[bytes, int] | None:
        """A file's bytes and the revision that last wrote it, or None."""
        ...

    def head(self) -> int:
        """The latest revision (0 for an empty store)."""
        ...

    def commit(
        self,
        writes: dict[str, bytes | None],
        author: str,
        expected: dict[str, int | None] | None = None,
        base: int | None = None,
    ) -> int:
        """Write (bytes) or delete (None) files in one transaction; the new revision.

        Raises :class:`StaleWrite` if a file in ``expected`` is not at that revision
        (None: must not exist), and :class:`Moved` if ``base`` is given and the store's
        head is past it (the change was checked against a state that is gone).
        """
        ...

    def history(self, path: str) -> list[Revision]:
        """Every revision of ``path``, oldest first."""
        ...

    def changes(self, since: int = 0, limit: int = 1000) -> list[Revision]:
        """Revisions after ``since``, oldest first."""
        ...

    def revision(self, number: int) -> Revision | None:
        """One entry of the log, or None."""
        ...

    def create_token(
        self, name: str, scopes: tuple[str, ...], expires: str | None = None
    ) -> tuple[Token, str]:
        """A new token's record and its secret string (shown once, never stored);
        ``expires`` (UTC, ISO 8601) ends it."""
        ...

    def check_token(self, secret: str) -> Token | None:
        """The live token whose secret string this is, or None."""
        ...

    def find_token(self, secret: str) -> Token | None:
        """The unrevoked token whose secret string this is, expired or not, or None (so
        that a caller can say a token has expired)."""
        ...

    def tokens(self) -> list[Token]:
        """Every token, revoked ones too, oldest first."""
        ...

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token; False if there is no live token with that id."""
        ...


SCHEME = re.compile(r"postgres(ql)?://", re.IGNORECASE)


def is_url(location: str | Path) -> bool:
    """Whether a store's location names PostgreSQL (``postgresql://...``) rather than an
    SQLite file.

    >>> is_url("postgresql://kg@db.example/kg"), is_url("kg.sqlite3")
    (True, False)
    """
    return isinstance(location, str) and SCHEME.match(location) is not None


def redact(url: str) -> str:
    """The URL without its password, to show and log.

    >>> redact("postgresql://kg:secret@db:5432/kg")
    'postgresql://kg:***@db:5432/kg'
    """
    return re.sub(r"^([^:/]+://[^:@/]*):[^@/]*@", r"\1:***@", url)


def data_files(data_dir: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of a data directory that the layout knows, as (relative path, bytes)."""
    for folder in ("sources", "concepts"):
        base = data_dir / folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                yield f"{folder}/{path.name}", path.read_bytes()


class Listening(Protocol):
    """A store's ear for other processes' commits (:meth:`SqlStore.listen`)."""

    def stop(self, wait: bool = True) -> None: ...


class Rows(Protocol):
    """What a statement gives back, in SQLite's module and psycopg alike."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Sql(Protocol):
    """A connection (or a transaction on one) that runs a statement; parameters are
    written ``?`` in every statement of :class:`SqlStore`."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows: ...


Check = Callable[[dict[str, bytes]], object]
"""Given the files of a data directory before they are imported; may refuse by raising."""


class SqlStore(ABC):
    """The store's logic in SQL that SQLite and PostgreSQL both run: the tables
    ``files``, ``revisions`` (append-only; each revision numbered one past the head by the
    one writer that holds the write lock, so numbers have no gaps) and ``tokens``. A
    backend says how to read (:meth:`_reading`), how to write in a transaction that
    excludes every other writer (:meth:`_writing`), and what to do as a commit ends
    (:meth:`_committing`)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, as a person would name it (no password): the key of its
        snapshot (:func:`kg.snapshot.load_store_state`)."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Sql]:
        """A connection to read with, for the block."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Sql]:
        """A write transaction that no other writer runs beside, committed when the
        block ends (rolled back on an exception)."""

    @abstractmethod
    def _committing(self, db: Sql, head: int) -> None:
        """Called in a commit's transaction once ``head`` is written (PostgreSQL tells
        the other replicas)."""

    @abstractmethod
    def close(self) -> None: ...

    def listen(self, heard: Callable[[], None], check: float = 1.0) -> Listening | None:
        """Call ``heard`` (from another thread) whenever another process may have
        committed, until the answer is stopped; None where the store cannot tell, and
        its head must be polled instead (SQLite)."""
        return None

    def fill(
        self, data_dir: Path, check: Check | None = None, days: FileDays | None = None
    ) -> None:
        """Import ``data_dir`` if the store is empty. ``check`` is given the files
        before they are imported and may refuse them by raising; the store then stays
        empty (and the next open tries again). ``days`` gives the days of the files'
        history before the import, which :meth:`file_spans` reports for them."""
        if self.head():
            return
        files = dict(data_files(data_dir))
        if check is not None:
            check(files)
        history = {} if days is None else days(data_dir)
        now = _now()
        with self._writing() as db:
            # checked again inside the write transaction: of two processes opening a new
            # store at once, only the first imports
            if _head(db):
                return
            for rel, content in files.items():
                _log(db, now, "import", rel, "import", None, content)
                if rel in history:
                    first, last = history[rel]
                    db.execute(
                        "INSERT INTO imported_days (path, first, last) VALUES (?, ?, ?)",
                        (rel, first.isoformat(), last.isoformat()),
                    )

    def files(self) -> Iterator[tuple[str, bytes]]:
        with self._reading() as db:
            rows = db.execute("SELECT path, content FROM files ORDER BY path").fetchall()
        for rel, content in rows:
            yield rel, bytes(content)

    def read(self, path: str) -> tuple[bytes, int] | None:
        with self._reading() as db:
            return _read(db, path)

    def head(self) -> int:
        with self._reading() as db:
            return _head(db)

    def commit(
        self,
        writes: dict[str, bytes | None],
        author: str,
        expected: dict[str, int | None] | None = None,
        base: int | None = None,
    ) -> int:
        now = _now()
        last = 0
        with self._writing() as db:
            if base is not None:
                head = _head(db)
                if head != base:
                    raise Moved(base, head)
            for path, want in (expected or {}).items():
                current = _read(db, path)
                at = None if current is None else current[1]
                if at != want:
                    raise StaleWrite(path, want, at)
            for path, content in sorted(writes.items()):
                current = _read(db, path)
                if content is None and current is None:
                    continue
                action = "delete" if content is None else "create" if current is None else "update"
                before = None if current is None else current[0]
                last = _log(db, now, author, path, action, before, content)
            if last:
                self._committing(db, last)
        return last

    def history(self, path: str) -> list[Revision]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT * FROM revisions WHERE path = ? ORDER BY revision", (path,)
            ).fetchall()
        return [_revision(r) for r in rows]

    def changes(self, since: int = 0, limit: int = 1000) -> list[Revision]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT * FROM revisions WHERE revision > ? ORDER BY revision LIMIT ?",
                (since, limit),
            ).fetchall()
        return [_revision(r) for r in rows]

    def file_spans(self, head: int) -> list[tuple[str, str, str]]:
        """Every file with a revision up to ``head``: its path and the times of its first
        and last revision there (per-concept ``dct:created`` / ``dct:modified``). A file
        imported with the days of its history (:meth:`fill`) was first written on its
        first day, and last changed on its last one unless a revision since changed it."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT r.path, COALESCE(MIN(d.first), MIN(r.at)), COALESCE("
                "MAX(CASE WHEN r.action <> 'import' THEN r.at END), MIN(d.last), MAX(r.at)) "
                "FROM revisions r LEFT JOIN imported_days d ON d.path = r.path "
                "WHERE r.revision <= ? GROUP BY r.path ORDER BY r.path",
                (head,),
            ).fetchall()
        return [(str(path), str(first), str(last)) for path, first, last in rows]

    def imported_days(self) -> list[tuple[str, str, str]]:
        """The days (ISO 8601) of the first and last commit of each file imported with
        its history (:meth:`fill`), as ``(path, first, last)`` in path order: what a copy
        of the store must carry besides the log for :meth:`file_spans` to give the same
        dates."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT path, first, last FROM imported_days ORDER BY path"
            ).fetchall()
        return [(str(path), str(first), str(last)) for path, first, last in rows]

    def revision(self, number: int) -> Revision | None:
        with self._reading() as db:
            row = db.execute("SELECT * FROM revisions WHERE revision = ?", (number,)).fetchone()
        return None if row is None else _revision(row)

    def create_token(
        self, name: str, scopes: tuple[str, ...], expires: str | None = None
    ) -> tuple[Token, str]:
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        token = Token(token_id, name, tuple(sorted(set(scopes))), _now(), None, expires)
        with self._writing() as db:
            _insert_token(db, token, _digest(secret))
        return token, f"{TOKEN_PREFIX}_{token_id}_{secret}"

    def check_token(self, secret: str) -> Token | None:
        token = self.find_token(secret)
        return None if token is None or token.expired() else token

    def find_token(self, secret: str) -> Token | None:
        prefix, _, rest = secret.partition("_")
        token_id, _, key = rest.partition("_")
        if prefix != TOKEN_PREFIX or not token_id or not key:
            return None
        with self._reading() as db:
            row = db.execute(
                f"{_TOKENS} WHERE t.id = ? AND t.revoked IS NULL", (token_id,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row[2], _digest(key)):
            return None
        return _token(row)

    def tokens(self) -> list[Token]:
        return [token for token, _ in self.token_digests()]

    def token_digests(self) -> list[tuple[Token, str]]:
        """Every token with the digest of its secret, oldest first (for a copy of the
        store: the secrets themselves are nowhere)."""
        with self._reading() as db:
            rows = db.execute(f"{_TOKENS} ORDER BY t.created, t.id").fetchall()
        return [(_token(r), str(r[2])) for r in rows]

    def revoke_token(self, token_id: str) -> bool:
        with self._writing() as db:
            cursor = db.execute(
                "UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL", (_now(), token_id)
            )
            return cursor.rowcount == 1

    def restore(
        self,
        log: Iterable[Revision],
        tokens: Iterable[tuple[Token, str]],
        days: Iterable[tuple[str, str, str]] = (),
    ) -> int:
        """Fill an empty store with another's revision log (numbers, times and authors
        as they were; the files are what the log leaves), tokens (as digests) and the
        days of its imported files' history (:meth:`imported_days`); the head. Raises
        :class:`Moved` if this store holds anything."""
        with self._writing() as db:
            head = _head(db)
            if head or any(
                db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("tokens", "imported_days")
            ):
                raise Moved(0, head)
            for entry in log:
                head = _log(
                    db,
                    entry.at,
                    entry.author,
                    entry.path,
                    entry.action,
                    entry.before,
                    entry.after,
                    entry.revision,
                )
            for token, digest in tokens:
                _insert_token(db, token, digest)
            for path, first, last in days:
                db.execute(
                    "INSERT INTO imported_days (path, first, last) VALUES (?, ?, ?)",
                    (path, first, last),
                )
        return head

    def dump(self, out_dir: Path) -> int:
        """Write every file into ``out_dir`` (the data layout), removing concept files
        the store no longer has; returns how many files were written or removed."""
        wanted = dict(self.files())
        touched = 0
        for folder in ("sources", "concepts"):
            base = out_dir / folder
            if base.is_dir():
                for path in base.iterdir():
                    if (
                        path.is_file()
                        and f"{folder}/{path.name}" not in wanted
                        and not path.name.startswith(".")
                    ):
                        path.unlink()
                        touched += 1
        for rel, content in wanted.items():
            target = out_dir / rel
            if target.is_file() and target.read_bytes() == content:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
            touched += 1
        return touched


def copy_store(source: SqlStore, target: SqlStore) -> int:
    """Copy ``source`` into the empty ``target``: its revision log (and so its files),
    its tokens and the days of its imported files' history (without which the copy's
    concepts would be dated by the import); the head. Raises :class:`Moved` if
    ``target`` holds anything."""

    def log() -> Iterator[Revision]:
        since = 0
        while batch := source.changes(since, limit=1000):
            yield from batch
            since = batch[-1].revision

    return target.restore(log(), source.token_digests(), source.imported_days())


def differences(a: SqlStore, b: SqlStore) -> list[str]:
    """What tells two stores apart (their files, that is their dumps; their revision
    logs, entry by entry; their tokens; the days of their imported files' history);
    empty when they are copies."""
    found = []
    files_a, files_b = dict(a.files()), dict(b.files())
    if files_a != files_b:
        differ = sorted(set(files_a.items()) ^ set(files_b.items()))
        found.append(f"their files differ: {', '.join(sorted({p for p, _ in differ}))}")
    log_a, log_b = a.changes(0, 1 << 62), b.changes(0, 1 << 62)
    if log_a != log_b:
        found.append(f"their revision logs differ ({len(log_a)} and {len(log_b)} revisions)")
    if a.token_digests() != b.token_digests():
        found.append("their tokens differ")
    if a.imported_days() != b.imported_days():
        found.append("the days of their imported files' history differ")
    return found


class SqliteStore(SqlStore):
    """The files of a data directory and their revisions, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.executescript(SCHEMA)
        self._lock = threading.RLock()  # one connection, used by one thread at a time

    @classmethod
    def create(cls, path: Path, data_dir: Path, check: Check | None = None) -> SqliteStore:
        """Open the store at ``path``, importing ``data_dir`` if it is new or empty
        (see :meth:`SqlStore.fill`)."""
        store = cls(path)
        try:
            store.fill(data_dir, check)
        except BaseException:
            store.close()
            raise
        return store

    @property
    def location(self) -> str:
        return str(self.path.resolve())

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def _reading(self) -> Iterator[Sql]:
        with self._lock:
            yield self.db

    def _writing(self) -> _Transaction:
        return _Transaction(self.db, self._lock)

    def _committing(self, db: Sql, head: int) -> None:
        pass  # the other processes on this machine poll the file


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception, holding the lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db = db
        self.lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        try:
            if kind is None:
                try:
                    self.db.execute("COMMIT")
                except sqlite3.Error:
                    # a failed COMMIT (disk full, I/O error) leaves the transaction open;
                    # end it, or every later BEGIN fails too
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise
            else:
                self.db.execute("ROLLBACK")
        finally:
            self.lock.release()


def _head(db: Sql) -> int:
    return int(db.execute("SELECT MAX(revision) FROM revisions").fetchone()[0] or 0)


def _read(db: Sql, path: str) -> tuple[bytes, int] | None:
    row = db.execute("SELECT content, revision FROM files WHERE path = ?", (path,)).fetchone()
    return None if row is None else (bytes(row[0]), int(row[1]))


def _log(
    db: Sql,
    at: str,
    author: str,
    path: str,
    action: str,
    before: bytes | None,
    after: bytes | None,
    revision: int | None = None,
) -> int:
    """Append a revision (numbered one past the head unless ``revision`` says) and make
    the file what it left; its number."""
    number = _head(db) + 1 if revision is None else revision
    db.execute(
        "INSERT INTO revisions (revision, at, author, path, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (number, at, author, path, action, before, after),
    )
    if after is None:
        db.execute("DELETE FROM files WHERE path = ?", (path,))
    else:
        db.execute(
            "INSERT INTO files (path, content, revision) VALUES (?, ?, ?) ON CONFLICT (path) "
            "DO UPDATE SET content = excluded.content, revision = excluded.revision",
            (path, after, number),
        )
    return number


_TOKENS = (
    "SELECT t.id, t.name, t.digest, t.scopes, t.created, t.revoked, e.expires "
    "FROM tokens t LEFT JOIN token_expiry e ON e.id = t.id"
)
"""Tokens with their expiry, the columns :func:`_token` reads."""


def _insert_token(db: Sql, token: Token, digest: str) -> None:
    db.execute(
        "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
        (token.id, token.name, digest, " ".join(token.scopes), token.created, token.revoked),
    )
    if token.expires is not None:
        db.execute("INSERT INTO token_expiry VALUES (?, ?)", (token.id, token.expires))


def stamp(moment: dt.datetime) -> str:
    """A moment as the store writes times (UTC, ISO 8601 to the microsecond, ``Z``), which
    sort as they compare."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _now() -> str:
    return stamp(dt.datetime.now(dt.UTC))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _token(row: tuple[str, str, str, str, str, str | None, str | None]) -> Token:
    token_id, name, _, scopes, created, revoked, expires = row
    return Token(token_id, name, tuple(scopes.split()), created, revoked, expires)


def _revision(row: tuple[int, str, str, str, str, bytes | None, bytes | None]) -> Revision:
    revision, at, author, path, action, before, after = row
    return Revision(
        int(revision),
        at,
        author,
        path,
        action,
        None if before is None else bytes(before),
        None if after is None else bytes(after),
    )
