"""Edits to the knowledge graph, checked like files on disk and committed to a store.

A :class:`Curator` keeps a copy of the store's files (brought up to date from the
store's revision log, so other processes' commits are seen) and turns each edit into
new file bytes. Before anything is committed, the whole data set with the edit applied
is validated by :func:`kg.load.load_files`, the same checks as ``kg validate``: a quote
that is not in its source, a dangling target, an alias claimed twice, a cycle in is_a
are refused with every problem listed, and the store is left as it was.

A commit is conditional twice over: on the revision of each file the client last saw
(its ETag; a stale one raises :class:`~kg.store.StaleWrite`), and on the store not
having moved since the edit was validated (if another process committed meanwhile, the
edit is validated again on the new state). So the store only ever holds data that
loads, and no commit silently overwrites another.

The graph built while validating is exactly the committed state; it is returned with
the revision so that the caller can serve it at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg import snapshot
from kg.dataset import git_days
from kg.edit import Record, concept_id, concept_path, find_relation, record_of, to_yaml
from kg.errors import Busy, DataError, EditRefused, NotFound
from kg.graph import KnowledgeGraph
from kg.load import LoadCache, load_files
from kg.schema import TOMBSTONE, TOMBSTONES_FILE
from kg.store import Moved, Revision, SqliteStore, SqlStore, StaleWrite, Store, is_url

SCOPES = {
    "concepts:write": "create, change, delete and revert concepts",
    "relations:write": "create, change and delete relations",
}
"""What each token scope allows; reading needs no token."""

ANY = -1
"""``expected`` of an unconditional change (revisions start at 1)."""

RETRIES = 20
"""How often an edit is validated again when other processes keep committing first."""


@dataclass(frozen=True)
class Committed:
    """What a successful edit left: the new revision of the file, and the graph of the
    whole store at that revision (later commits of other processes are not in it)."""

    revision: int
    graph: KnowledgeGraph | None
    """None when the edit changed nothing (no revision was made)."""
    content: bytes | None


Edit = Callable[[bytes | None], bytes | None]
"""From the current bytes of a file (None: it does not exist) to the new ones (None:
delete it)."""


class Curator:
    """Validated, conditional edits of a store's files; one edit at a time per process."""

    def __init__(self, store: Store, name: str = "data") -> None:
        self.store = store
        self.name = name
        self.files: dict[str, tuple[bytes, int]] = {}
        self.head = 0
        self.built = 0
        """The revision of the last graph this curator built (loaded or committed)."""
        self._cache = LoadCache()
        self._lock = threading.Lock()

    def load(self) -> tuple[KnowledgeGraph, int]:
        """The graph of the store as it is now, and the revision it is at: from the
        snapshot of that revision when there is one (:mod:`kg.snapshot`), else
        validated (and the snapshot kept).

        Raises :class:`kg.errors.DataError` if the stored data does not load.
        """
        with self._lock:
            self._sync()
            contents = self._contents()
            if isinstance(self.store, SqlStore):  # a revision loaded before: no checks
                graph, _ = snapshot.load_store_state(
                    self.store.location, self.head, contents, lambda: self._build(contents)
                )
            else:
                graph = self._build(contents)
            self.built = self.head
            return graph, self.head

    def read(self, path: str) -> tuple[bytes, int] | None:
        """A file's bytes and revision as the store has them now (without waiting for
        an edit under way)."""
        return self.store.read(path)

    def change(
        self,
        path: str,
        edit: Edit,
        author: str,
        expected: int | None = ANY,
        also: Mapping[str, Edit] | None = None,
    ) -> Committed:
        """Apply ``edit`` to the file at ``path`` and commit it if the result loads.

        ``expected`` is the revision the client last saw (None: the file must not exist;
        :data:`ANY`: no condition). ``also`` edits other files in the same commit, on
        no condition of the client's (a deleted concept's tombstone); one that leaves its
        file as it was is left out. A concept created under a deleted concept's id
        brings it back: its tombstone goes in the same commit. Raises :class:`StaleWrite`,
        :class:`kg.errors.EditRefused` (the edit would not load; nothing is committed), or
        what ``edit`` raises.
        """
        with self._lock:
            for _ in range(RETRIES):
                self._sync()
                current = self.files.get(path)
                at = None if current is None else current[1]
                if expected != ANY and expected != at:
                    raise StaleWrite(path, expected, at)
                after = edit(None if current is None else current[0])
                if after is None and current is None:
                    raise NotFound(f"There is no {path} to delete.")
                if current is not None and after == current[0]:
                    return Committed(current[1], None, after)  # nothing to do
                edits = dict(also or {})
                cid = concept_id(path)
                if cid is not None and current is None and after is not None:
                    edits.setdefault(TOMBSTONES_FILE, unbury(cid))  # brought back
                writes = {path: after, **self._also(edits)}
                contents = self._contents()
                for rel, content in writes.items():
                    if content is None:
                        del contents[rel]
                    else:
                        contents[rel] = content
                try:
                    graph = self._build(contents)
                except DataError as e:
                    raise EditRefused(e.problems, f"{self.name}/{path}", after) from None
                seen = {rel: self.files[rel][1] if rel in self.files else None for rel in writes}
                try:
                    revision = self.store.commit(writes, author, expected=seen, base=self.head)
                except (Moved, StaleWrite):
                    continue  # another process committed first: check again on its state
                self._sync()
                # the commit was checked against the head the graph was built from, so
                # the graph is the store at ``revision``, whatever came after it
                self.built = revision
                return Committed(revision, graph, after)
            raise Busy()

    def _also(self, edits: Mapping[str, Edit]) -> dict[str, bytes | None]:
        """What ``edits`` write, without those that leave their file as it is."""
        writes: dict[str, bytes | None] = {}
        for rel, edit in edits.items():
            before = self.files.get(rel, (None,))[0]
            after = edit(before)
            if after != before:
                writes[rel] = after
        return writes

    def replace_all(self, files: dict[str, bytes], author: str) -> Committed | None:
        """Make the store hold exactly ``files`` (a data directory's, after a git pull),
        as one commit of the files that differ; None if none does.

        Raises :class:`kg.errors.DataError` if ``files`` do not load; nothing is
        committed then.
        """
        graph = None
        with self._lock:
            for _ in range(RETRIES):
                self._sync()
                writes: dict[str, bytes | None] = {
                    rel: content
                    for rel, content in files.items()
                    if self.files.get(rel, (None,))[0] != content
                }
                writes.update({rel: None for rel in self.files if rel not in files})
                if not writes:
                    return None
                graph = graph or self._build(dict(files))
                expected = {
                    rel: self.files[rel][1] if rel in self.files else None for rel in writes
                }
                try:
                    revision = self.store.commit(writes, author, expected, base=self.head)
                except (Moved, StaleWrite):
                    continue
                self._sync()
                self.built = revision
                return Committed(revision, graph, None)
            raise Busy()

    def history(self, path: str) -> list[Revision]:
        return self.store.history(path)

    def _contents(self) -> dict[str, bytes]:
        return {rel: content for rel, (content, _) in self.files.items()}

    def _build(self, contents: dict[str, bytes]) -> KnowledgeGraph:
        return load_files(contents, name=self.name, cache=self._cache)

    def _sync(self) -> None:
        """Bring the copy of the files up to the store's head."""
        while True:
            batch = self.store.changes(self.head, limit=10_000)
            if not batch:
                return
            for entry in batch:
                if entry.after is None:
                    self.files.pop(entry.path, None)
                else:
                    self.files[entry.path] = (entry.after, entry.revision)
                self.head = entry.revision


def open_store(location: str | Path, data_dir: Path | None) -> SqlStore:
    """The store at ``location``: a PostgreSQL database (``postgresql://USER[:PASSWORD]@
    HOST[:PORT]/DB``) or an SQLite file (any other string, or a path). A new (empty) one
    is filled from ``data_dir``, which must load (else :class:`kg.errors.DataError` and
    the store stays empty); with ``data_dir`` None it is opened as it is. This is the one
    place a store is opened by its name."""
    store: SqlStore
    if is_url(location):
        from kg.store_pg import PostgresStore  # psycopg only where PostgreSQL is used

        store = PostgresStore(str(location))
    else:
        store = SqliteStore(Path(location))
    if data_dir is not None:
        try:
            store.fill(data_dir, check=load_files, days=git_days)
        except BaseException:
            store.close()
            raise
    return store


# -- edits of concept files --------------------------------------------------------


def put_concept(record: Record) -> Edit:
    """Write the concept as ``record`` (created if new)."""
    content = to_yaml(record)
    return lambda _: content


def delete_file(current: bytes | None) -> bytes | None:
    """Remove the file."""
    return None


def bury(cid: str, label: str, replaced_by: str | None = None) -> Edit:
    """Add the tombstone of concept ``cid`` (labelled ``label``), deleted today (UTC),
    to the tombstones file, replacing one it had; ``replaced_by`` is the concept it was
    merged into, if it was."""
    tomb: dict[str, Any] = {
        "id": cid,
        "label": label,
        "deleted": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    if replaced_by is not None:
        tomb["replaced_by"] = replaced_by

    def edit(current: bytes | None) -> bytes | None:
        return _tombstones_yaml([*_other_tombstones(current, cid), tomb])

    return edit


def unbury(cid: str) -> Edit:
    """Remove the tombstone of concept ``cid`` (brought back), if there is one; the file
    goes when it holds no other."""

    def edit(current: bytes | None) -> bytes | None:
        if current is None:
            return None
        kept = _other_tombstones(current, cid)
        return _tombstones_yaml(kept) if kept else None

    return edit


def _other_tombstones(current: bytes | None, cid: str) -> list[Any]:
    items = yaml.safe_load(current) if current else None
    if not isinstance(items, list):
        return []
    return [t for t in items if not (isinstance(t, dict) and t.get("id") == cid)]


def _tombstones_yaml(items: list[Any]) -> bytes:
    fields = TOMBSTONE.names
    ordered = [
        {k: t[k] for k in sorted(t, key=lambda k: fields.index(k) if k in fields else len(fields))}
        if isinstance(t, dict)
        else t
        for t in items
    ]
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True).encode()


def patch_concept(cid: str, change: Callable[[Record], Record]) -> Edit:
    """Change the concept's record with ``change`` (404 if there is no such concept)."""

    def edit(current: bytes | None) -> bytes | None:
        if current is None:
            raise NotFound(f"There is no concept {cid!r}.")
        return to_yaml(change(record_of(current)))

    return edit


def relation_edit(
    cid: str,
    rtype: str,
    target: str,
    change: Callable[[dict[str, Any] | None], dict[str, Any] | None],
) -> Edit:
    """Change the relation ``rtype`` to ``target`` stated on ``cid``: ``change`` gets the
    relation (None: there is none) and gives the new one (None: remove it)."""

    def edit(current: bytes | None) -> bytes | None:
        if current is None:
            raise NotFound(f"There is no concept {cid!r}.")
        record = record_of(current)
        relations: list[Any] = list(record.get("relations") or [])
        at = find_relation(record, rtype, target)
        new = change(None if at is None else relations[at])
        if new is None:
            if at is None:
                raise NotFound(f"{cid!r} states no {rtype} relation to {target!r}.")
            del relations[at]
        elif at is None:
            relations.append(new)
        else:
            relations[at] = new
        record["relations"] = relations
        return to_yaml(record)

    return edit


__all__ = [
    "ANY",
    "SCOPES",
    "Committed",
    "Curator",
    "concept_id",
    "concept_path",
    "bury",
    "delete_file",
    "patch_concept",
    "put_concept",
    "relation_edit",
    "unbury",
]
