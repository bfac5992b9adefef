"""The store on PostgreSQL, for several replicas of the service, and how they hear of
each other's writes.

:class:`PostgresStore` runs :class:`kg.store.SqlStore`'s statements on PostgreSQL
through a psycopg connection pool: the same tables, the same checks and the same
revision numbers as the SQLite store, so a store moves between the two with its whole
history (``kg store-migrate``). A write locks the revision log against other writers
(``LOCK TABLE revisions IN EXCLUSIVE MODE``, which readers pass), so a commit sees the
head exactly as SQLite's ``BEGIN IMMEDIATE`` does, and ends with ``NOTIFY``, which
PostgreSQL delivers to every listening replica when, and only if, the commit lands.

A :class:`Listener` is a replica's ear: a thread on a connection of its own that
``LISTEN``s and calls back on each notification, and reconnects (with backoff) after the
connection is lost, calling back once more on reconnecting, since notifications sent
meanwhile are gone. A replica that cannot reach PostgreSQL keeps serving what it has;
every call that needs the database raises :class:`kg.errors.StoreUnavailable`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from kg.errors import StoreUnavailable
from kg.store import Rows, Sql, SqlStore, redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT COLLATE "C" PRIMARY KEY,
    content BYTEA NOT NULL,
    revision BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    revision BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('import', 'create', 'update', 'delete')),
    before BYTEA,
    after BYTEA
);
CREATE INDEX IF NOT EXISTS revisions_by_path ON revisions (path, revision);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created TEXT COLLATE "C" NOT NULL,
    revoked TEXT
);
CREATE TABLE IF NOT EXISTS token_expiry (
    id TEXT COLLATE "C" PRIMARY KEY,
    expires TEXT COLLATE "C" NOT NULL
);
CREATE TABLE IF NOT EXISTS imported_days (
    path TEXT COLLATE "C" PRIMARY KEY,
    first TEXT COLLATE "C" NOT NULL,
    last TEXT COLLATE "C" NOT NULL
);
"""
"""The tables of :mod:`kg.store`'s SQLite schema, in PostgreSQL's types; paths and ids
compare byte by byte ("C"), as SQLite compares them, whatever the database's locale."""

CHANNEL = "kg_store"
"""The channel a commit notifies, with its revision as the payload."""

LOCK_TIMEOUT = "10s"
"""How long a write waits for another writer's lock (SQLite's busy timeout)."""

WAIT = 3.0
"""Seconds a call waits for a connection before the store is reported unavailable."""


def _conninfo(url: str) -> str:
    """``url`` with TCP keepalives, so that a connection to a host that vanished is found
    dead in about ten seconds rather than the system's two hours."""
    return make_conninfo(
        url, keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3
    )


class _Db:
    """A psycopg connection that runs :class:`~kg.store.SqlStore`'s statements."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows:
        return self.conn.execute(sql.replace("?", "%s"), params)


@contextmanager
def _available() -> Iterator[None]:
    """Turn a lost or refused connection, or any other failure of the database, into
    :class:`StoreUnavailable` (as the HTTP layer answers a failing SQLite file)."""
    try:
        yield
    except psycopg.OperationalError as e:
        raise StoreUnavailable(f"PostgreSQL cannot be reached: {e}".strip()) from e
    except psycopg.Error as e:
        raise StoreUnavailable(f"PostgreSQL failed: {e}".strip()) from e


class PostgresStore(SqlStore):
    """The files of a data directory and their revisions, in a PostgreSQL database."""

    def __init__(self, url: str, size: int = 4) -> None:
        self.url = url
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            _conninfo(url),
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True},
            timeout=WAIT,
            # a connection the server dropped (a restart) is replaced, not handed out
            check=ConnectionPool.check_connection,
            open=False,
            name="kg-store",
        )
        self.pool.open(wait=False)
        try:
            with _available(), self.pool.connection() as conn, conn.transaction():
                # one process makes the tables, the others wait for it
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (CHANNEL,))
                conn.execute(SCHEMA)
        except BaseException:
            self.pool.close()
            raise

    @property
    def location(self) -> str:
        return redact(self.url)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def _reading(self) -> Iterator[_Db]:
        with _available(), self.pool.connection() as conn:
            yield _Db(conn)

    @contextmanager
    def _writing(self) -> Iterator[_Db]:
        with _available(), self.pool.connection() as conn, conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            conn.execute("LOCK TABLE revisions IN EXCLUSIVE MODE")
            yield _Db(conn)

    def _committing(self, db: Sql, head: int) -> None:
        db.execute("SELECT pg_notify(?, ?)", (CHANNEL, str(head)))

    def listen(self, heard: Callable[[], None], check: float = 1.0) -> Listener:
        """Call ``heard`` (in another thread) whenever a commit may have landed, until
        :meth:`Listener.stop`."""
        listener = Listener(self.url, heard, check)
        listener.start()
        return listener


class Listener(threading.Thread):
    """LISTENs for commits on a connection of its own and calls ``heard`` for each;
    reconnects after losing the connection, and calls ``heard`` on every (re)connection,
    since what was committed meanwhile went unheard."""

    def __init__(self, url: str, heard: Callable[[], None], check: float = 1.0) -> None:
        super().__init__(name="kg-store-listener", daemon=True)
        self.url = url
        self.heard = heard
        self.check = check
        """Seconds between looks at whether :meth:`stop` was called."""
        self.connected = threading.Event()
        self._stopped = threading.Event()

    def stop(self, wait: bool = True) -> None:
        """Stop listening; the thread ends within :attr:`check` seconds (waited for,
        unless ``wait`` is False)."""
        self._stopped.set()
        if wait:
            self.join(timeout=self.check + 5)

    def run(self) -> None:
        backoff = 0.1
        while not self._stopped.is_set():
            try:
                with psycopg.connect(
                    _conninfo(self.url), autocommit=True, connect_timeout=5
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    backoff = 0.1
                    self.heard()
                    while not self._stopped.is_set():
                        for _ in conn.notifies(timeout=self.check):
                            self.heard()
            except psycopg.Error:
                pass
            self.connected.clear()
            self._stopped.wait(backoff)
            backoff = min(backoff * 2, 5.0)
