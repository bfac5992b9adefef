"""The store on both backends (SQLite, PostgreSQL): import, byte-identical dump,
revisions, stale writes, a moved head, tokens as digests, durability."""

from __future__ import annotations

import datetime as dt
import filecmp
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.http import free_port
from kg.curate import open_store
from kg.errors import StoreUnavailable
from kg.load import load_graph
from kg.store import (
    Moved,
    SqliteStore,
    SqlStore,
    StaleWrite,
    copy_store,
    data_files,
    differences,
    stamp,
)
from kg.store_pg import PostgresStore

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data"
FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def made(location: str) -> SqlStore:
    """The store at ``location``, filled from the shipped data if new (unchecked)."""
    store = open_store(location, None)
    store.fill(DATA)
    return store


@pytest.fixture
def store(store_at: str) -> Iterator[SqlStore]:
    s = made(store_at)
    yield s
    s.close()


def everything(store: SqlStore) -> str:
    """All the store holds, as text: SQLite's dump, or every row of every table."""
    if isinstance(store, SqliteStore):
        return "\n".join(store.db.iterdump())
    assert isinstance(store, PostgresStore)
    with store.pool.connection() as conn:
        return "\n".join(
            str(row)
            for table in ("files", "revisions", "tokens", "token_expiry")
            for row in conn.execute(f"SELECT t::text FROM {table} t").fetchall()
        )


def _same_tree(a: Path, b: Path) -> bool:
    return dict(data_files(a)) == dict(data_files(b))


def test_dump_of_an_imported_directory_is_byte_identical(store: SqlStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert store.dump(out) == len(list(data_files(DATA)))
    assert _same_tree(DATA, out)
    for rel, _ in data_files(DATA):
        assert filecmp.cmp(DATA / rel, out / rel, shallow=False), rel
    assert load_graph(out).content() == load_graph(DATA).content()
    assert store.dump(out) == 0  # nothing to do the second time


def test_commits_are_logged_and_dumped(store: SqlStore, tmp_path: Path) -> None:
    rel = "concepts/evolution.yaml"
    body, at = store.read(rel)  # type: ignore[misc]
    changed = body.replace(b"label: 'evolution'", b"label: 'biological evolution'")
    assert changed != body
    rev = store.commit(
        {rel: changed, "concepts/new-thing.yaml": b"label: x\n"},
        "alice",
        expected={rel: at, "concepts/new-thing.yaml": None},
    )
    assert store.read(rel) == (changed, store.read(rel)[1])  # type: ignore[index]
    history = store.history(rel)
    assert [(h.action, h.author) for h in history] == [("import", "import"), ("update", "alice")]
    assert history[-1].before == body and history[-1].after == changed
    assert rev == max(h.revision for h in store.changes(0))
    store.commit({"concepts/new-thing.yaml": None}, "bob")
    # files of one commit are logged in path order
    assert [c.action for c in store.changes(rev - 2)][-3:] == ["update", "create", "delete"]
    out = tmp_path / "out"
    store.dump(out)
    assert (out / rel).read_bytes() == changed and not (out / "concepts/new-thing.yaml").exists()
    # every other file as imported
    unchanged = [r for r, _ in data_files(DATA) if r != rel]
    assert all((out / r).read_bytes() == (DATA / r).read_bytes() for r in unchanged)


def test_a_stale_write_is_refused_and_changes_nothing(store: SqlStore) -> None:
    rel = "concepts/evolution.yaml"
    body, at = store.read(rel)  # type: ignore[misc]
    store.commit({rel: body + b"\n"}, "first", expected={rel: at})
    before = store.changes(0)
    with pytest.raises(StaleWrite) as caught:
        store.commit(
            {rel: body + b"\n\n", "concepts/other.yaml": b"x"}, "second", expected={rel: at}
        )
    assert caught.value.expected == at and caught.value.current != at
    assert store.changes(0) == before and store.read("concepts/other.yaml") is None


def test_reopening_keeps_everything_and_does_not_import_again(store_at: str) -> None:
    first = made(store_at)
    first.commit({"concepts/evolution.yaml": b"changed\n"}, "alice")
    count = len(first.changes(0))
    first.close()
    again = made(store_at)
    assert again.read("concepts/evolution.yaml")[0] == b"changed\n"  # type: ignore[index]
    assert len(again.changes(0)) == count
    if isinstance(again, SqliteStore):
        assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


WRITER = textwrap.dedent("""
    import sys
    from kg.curate import open_store
    store = open_store(sys.argv[1], None)
    i = 0
    while True:
        i += 1
        body = (f"write {i}\\n" * 50).encode()
        rev = store.commit({f"concepts/w-{i % 7}.yaml": body, "concepts/log.yaml": body},
                           "writer")
        print(i, rev, flush=True)  # acknowledged
""")


def test_acknowledged_writes_survive_kill_9(store_at: str) -> None:
    made(store_at).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, store_at],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged: list[tuple[int, int]] = []
    deadline = time.monotonic() + 60
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            i, rev = line.split()
            acknowledged.append((int(i), int(rev)))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(acknowledged) >= 200
    store = made(store_at)
    try:
        if isinstance(store, SqliteStore):
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        last_i, last_rev = acknowledged[-1]
        body, _ = store.read("concepts/log.yaml")  # type: ignore[misc]
        written = int(body.split()[1])
        assert written >= last_i  # every acknowledged write is there (maybe one more)
        assert body == (f"write {written}\n" * 50).encode()  # never half a file
        revisions = {c.revision for c in store.changes(0, limit=100_000)}
        assert all(rev in revisions for _, rev in acknowledged)
        # a write is its files together: the two files of the last write agree
        other, _ = store.read(f"concepts/w-{written % 7}.yaml")  # type: ignore[misc]
        assert other == body
    finally:
        store.close()


def test_a_broken_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "kg.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        SqliteStore.create(path, DATA)


def test_tokens_are_kept_as_digests_only(store: SqlStore) -> None:
    token, secret = store.create_token("alice", ("relations:write", "concepts:write"))
    assert token.scopes == ("concepts:write", "relations:write")
    assert store.check_token(secret) == token
    key = secret.split("_", 2)[2]
    dumped = everything(store)
    assert key not in dumped and token.id in dumped
    for wrong in (secret[:-1], secret + "x", f"kgt_{token.id}_", "kgt__" + key, key, ""):
        assert store.check_token(wrong) is None, wrong
    assert store.revoke_token(token.id) and not store.revoke_token(token.id)
    assert store.check_token(secret) is None
    assert [t.revoked is not None for t in store.tokens()] == [True]


def test_a_commit_checked_against_an_old_head_is_refused(store: SqlStore) -> None:
    head = store.head()
    store.commit({"concepts/a.yaml": b"x"}, "alice", base=head)
    with pytest.raises(Moved):
        store.commit({"concepts/b.yaml": b"y"}, "bob", base=head)
    assert store.read("concepts/b.yaml") is None and store.head() == head + 1


def test_two_processes_opening_a_new_store_import_once(store_at: str) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path
        from kg.curate import open_store
        open_store({store_at!r}, Path({str(DATA)!r})).close()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT) for _ in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0] * 4
    opened = open_store(store_at, None)
    assert len(opened.changes(0, 10_000)) == len(list(data_files(DATA)))
    opened.close()


def test_an_unreachable_database_is_reported_unavailable() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        PostgresStore(f"postgresql://kg@127.0.0.1:{free_port()}/nothing")
    assert time.monotonic() - started < 60  # a bounded wait, not a hang


def test_a_listener_hears_the_commits_of_another_process(pg_url: str) -> None:
    writer, reader = made(pg_url), PostgresStore(pg_url)
    calls: list[float] = []
    changed = threading.Condition()

    def heard() -> None:
        with changed:
            calls.append(time.monotonic())
            changed.notify_all()

    listener = reader.listen(heard, check=0.2)
    try:
        with changed:  # called once on connecting: whatever came before is to be read
            assert changed.wait_for(lambda: len(calls) >= 1, timeout=60)
        writer.commit({"concepts/a.yaml": b"x"}, "alice")
        with changed:
            assert changed.wait_for(lambda: len(calls) >= 2, timeout=60)
        assert reader.read("concepts/a.yaml") == (b"x", writer.head())
    finally:
        listener.stop()
        writer.close()
        reader.close()
    assert not listener.is_alive()


def test_racing_commits_on_one_head_land_once(pg_url: str) -> None:
    """Two processes' commits checked against the same head: the database lets one
    through, and the other learns that the head moved."""
    stores = [made(pg_url), PostgresStore(pg_url)]
    head = stores[0].head()
    results: list[object] = []
    go = threading.Barrier(2)

    def write(store: SqlStore, name: str) -> None:
        go.wait()
        try:
            results.append(store.commit({f"concepts/{name}.yaml": b"x"}, name, base=head))
        except Moved as e:
            results.append(e)

    threads = [
        threading.Thread(target=write, args=(s, n)) for s, n in zip(stores, "ab", strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["Moved", "int"]
    assert stores[0].head() == head + 1
    for s in stores:
        s.close()


def test_a_token_can_expire(store: SqlStore) -> None:
    past = stamp(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    future = stamp(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    old, old_secret = store.create_token("olga", ("concepts:write",), expires=past)
    new, new_secret = store.create_token("nina", ("concepts:write",), expires=future)
    assert old.expired() and not new.expired()
    # an expired token no longer admits a write, but is still found, so that the
    # service can say it expired rather than that it is unknown
    assert store.check_token(old_secret) is None and store.find_token(old_secret) == old
    assert store.check_token(new_secret) == new
    assert {t.name: t.expires for t in store.tokens()} == {"olga": past, "nina": future}
    # the expiry is kept with the token when the store is copied
    assert [t for t, _ in store.token_digests()] == store.tokens()


def test_a_store_made_before_expiry_takes_it_up(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    made(str(path)).close()
    with sqlite3.connect(path) as db:  # as a store made before tokens could expire
        db.execute("DROP TABLE token_expiry")
    store = open_store(str(path), None)
    token, secret = store.create_token("ann", ("concepts:write",), expires=stamp(FAR))
    assert store.check_token(secret) == token and token.expires == stamp(FAR)
    store.close()


DAYS = {
    "concepts/optimizer.yaml": (dt.date(2025, 1, 2), dt.date(2025, 3, 4)),
    "concepts/evolution.yaml": (dt.date(2024, 6, 7), dt.date(2024, 6, 7)),
}
"""The days of a made-up git history of two concept files."""


def test_a_copy_keeps_the_days_of_the_imported_history(store_at: str, tmp_path: Path) -> None:
    """The git days an import recorded date the copy's concepts as the original's
    (dct:created / dct:modified): SQLite into either backend, and back from it."""
    source = SqliteStore(tmp_path / "source.sqlite3")
    source.fill(DATA, days=lambda _: DAYS)
    source.commit({"concepts/evolution.yaml": b"changed\n"}, "alice")
    target = open_store(store_at, None)
    back = SqliteStore(tmp_path / "back.sqlite3")
    try:
        assert copy_store(source, target) == source.head()
        assert copy_store(target, back) == source.head()
        spans = source.file_spans(source.head())
        assert ("concepts/optimizer.yaml", "2025-01-02", "2025-03-04") in spans
        for copy in (target, back):
            assert copy.imported_days() == [
                ("concepts/evolution.yaml", "2024-06-07", "2024-06-07"),
                ("concepts/optimizer.yaml", "2025-01-02", "2025-03-04"),
            ]
            assert copy.file_spans(copy.head()) == spans
            assert differences(source, copy) == []
    finally:
        for s in (source, target, back):
            s.close()


def test_stores_that_differ_only_in_imported_days_are_told_apart(
    store_at: str, tmp_path: Path
) -> None:
    dated = SqliteStore(tmp_path / "dated.sqlite3")
    dated.fill(DATA, days=lambda _: DAYS)
    undated = open_store(store_at, None)
    try:
        # the same log, tokens and files without the days, as a copy made before
        # copies carried them
        undated.restore(dated.changes(0, 1 << 62), dated.token_digests())
        assert differences(dated, undated) == ["the days of their imported files' history differ"]
    finally:
        dated.close()
        undated.close()


def test_a_store_holding_imported_days_is_not_restored_into(store_at: str) -> None:
    store = open_store(store_at, None)
    try:
        assert store.restore([], [], [("concepts/optimizer.yaml", "2025-01-02", "2025-03-04")]) == 0
        with pytest.raises(Moved):
            store.restore([], [])
    finally:
        store.close()
