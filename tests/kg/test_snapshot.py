"""Snapshots (kg.snapshot): used when nothing changed, rebuilt when anything did, never
served when stale, corrupt, truncated or of another version, written atomically."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

import kg.rules
import kg.snapshot as snapshot
from bench.generate import generate
from kg.curate import Curator, open_store, put_concept
from kg.edit import record_of
from kg.errors import DataError
from kg.files import DiskFiles
from kg.graph import KnowledgeGraph
from kg.load import load_graph

GOOD = Path(__file__).resolve().parent.parent / "data" / "good"


@pytest.fixture(autouse=True)
def _every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots for data of any size (the fixtures are far under MIN_BYTES)."""
    monkeypatch.setattr(snapshot, "MIN_BYTES", 0)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(GOOD, root)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


class Validations:
    """Counts full validations; ``refuse`` makes one fail the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.refuse = False
        validate = kg.rules.validate

        def counted(*args: object, **kwargs: object) -> KnowledgeGraph:
            if self.refuse:
                raise AssertionError("validated although the snapshot fits")
            self.count += 1
            return validate(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(snapshot, "validate", counted)


def _fresh_process_state() -> None:
    """Forget the graphs this process loaded, as a new process would not have them."""
    snapshot._LOADED.clear()


def _load(data: Path, cache: Path) -> tuple[KnowledgeGraph, bool]:
    _fresh_process_state()
    return snapshot.load_graph(data, cache)


def test_a_snapshot_is_used_when_nothing_changed(
    data: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validations = Validations(monkeypatch)
    first, used = _load(data, cache)
    assert not used and validations.count == 1
    assert len(list(cache.glob("*.snapshot"))) == 1
    validations.refuse = True
    second, used = _load(data, cache)
    assert used
    assert second is not first
    assert second.content() == first.content() == load_graph(data).content()
    # what the graph built for path finding is in the snapshot, and it answers
    assert "adjacency" in vars(second)
    assert second.lookup("Mesa Optimisers") == first.lookup("Mesa Optimisers")
    assert second.relations_between("base-optimizer", "mesa-optimizer")


def test_within_one_process_the_same_graph_comes_back(data: Path, cache: Path) -> None:
    first, _ = _load(data, cache)
    again, used = snapshot.load_graph(data, cache)
    assert used and again is first


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


@pytest.mark.parametrize(
    "change",
    ["edit a concept", "add a concept", "remove a concept", "edit a source text", "same size"],
)
def test_any_change_rebuilds_the_snapshot(
    data: Path, cache: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(data, cache)
    concept = data / "concepts" / "evolution.yaml"
    if change == "edit a concept":
        _edit(concept, "The process that selects", "The blind process that selects")
    elif change == "add a concept":
        shutil.copy(concept, data / "concepts" / "evolution-copy.yaml")
        _edit(data / "concepts" / "evolution-copy.yaml", "label: evolution", "label: evo copy")
        _edit(
            data / "concepts" / "evolution-copy.yaml",
            "aliases: [natural selection]",
            "aliases: [copied selection]",
        )
    elif change == "remove a concept":
        (data / "concepts" / "evolution.yaml").unlink()
    elif change == "edit a source text":
        text = data / "sources" / "primer.txt"
        text.write_text(text.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    else:  # same size and modification time, other bytes: mtimes are not trusted
        stat = concept.stat()
        _edit(concept, "The process that selects", "The pracess that selects")
        os.utime(concept, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert concept.stat().st_size == stat.st_size
    validations = Validations(monkeypatch)
    try:
        expected: object = load_graph(data).content()
    except DataError as e:
        expected = e.problems
    try:
        graph, used = _load(data, cache)
        got: object = graph.content()
    except DataError as e:
        got, used = e.problems, False
    assert not used and validations.count == 1
    assert got == expected


def test_bad_data_is_reported_and_never_snapshotted(
    data: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(data, cache)
    (stored,) = cache.glob("*.snapshot")
    before = stored.read_bytes()
    _edit(data / "concepts" / "evolution.yaml", "kind: optimizer", "kind: optimiser")
    with pytest.raises(DataError) as caught:
        _load(data, cache)
    with pytest.raises(DataError) as plain:
        load_graph(data)
    assert caught.value.problems == plain.value.problems
    assert stored.read_bytes() == before
    # and back to what it was: the old snapshot fits again
    _edit(data / "concepts" / "evolution.yaml", "kind: optimiser", "kind: optimizer")
    validations = Validations(monkeypatch)
    validations.refuse = True
    assert _load(data, cache)[1]


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    header_end = raw.index(b"\n", len(snapshot.MAGIC)) + 1
    if how == "truncated":
        path.write_bytes(raw[: len(raw) - 100])
    elif how == "corrupt body":
        at = header_end + (len(raw) - header_end) // 2
        path.write_bytes(raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "not a snapshot":
        path.write_bytes(b"label: x\n" * 10)
    elif how == "broken header":
        path.write_bytes(raw[: len(snapshot.MAGIC)] + b"{not json\n" + raw[header_end:])
    elif how in ("other format", "other code"):
        header = snapshot.Header(**json.loads(raw[len(snapshot.MAGIC) : header_end]))
        fields = dict(vars(header))
        if how == "other format":
            fields["format"] = snapshot.FORMAT + 1
        else:
            fields["code"] = "0.0.1+0000 python 3.11.0 pydantic 1.0"
        path.write_bytes(snapshot.MAGIC + snapshot.Header(**fields).encode() + raw[header_end:])
    else:  # a body whose checksum fits but that is no graph
        body = pickle.dumps({"not": "a graph"})
        header = snapshot.Header(
            snapshot.FORMAT,
            snapshot.code_version(),
            json.loads(raw[len(snapshot.MAGIC) : header_end])["key"],
            len(body),
            hashlib.sha256(body).hexdigest(),
        )
        path.write_bytes(snapshot.MAGIC + header.encode() + body)


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "corrupt body",
        "empty",
        "not a snapshot",
        "broken header",
        "other format",
        "other code",
        "no graph",
    ],
)
def test_a_damaged_or_foreign_snapshot_is_rebuilt_never_served(
    data: Path, cache: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _load(data, cache)
    (stored,) = cache.glob("*.snapshot")
    _damage(stored, how)
    validations = Validations(monkeypatch)
    graph, used = _load(data, cache)
    assert not used and validations.count == 1
    assert graph.content() == first.content()
    # rebuilt: the next start uses it again
    validations.refuse = True
    assert _load(data, cache)[1]


def test_a_snapshot_of_other_data_is_not_served(
    data: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(data, cache)
    (stored,) = cache.glob("*.snapshot")
    other = data.parent / "other"
    shutil.copytree(data, other)
    _edit(other / "concepts" / "evolution.yaml", "The process that selects", "A process selects")
    # the other directory's snapshot file holds this one's graph
    shutil.copy(stored, snapshot.snapshot_path(cache, "data", other))
    validations = Validations(monkeypatch)
    graph, used = _load(other, cache)
    assert not used and validations.count == 1
    assert graph.concept("evolution").definition.startswith("A process selects")


def _write_many(data: str, cache: str, times: int) -> None:
    graph = load_graph(data)
    path = snapshot.snapshot_path(Path(cache), "data", Path(data))
    files = DiskFiles.scan(Path(data))
    for _ in range(times):
        assert snapshot.write(path, snapshot.directory_key(files), graph)


def test_concurrent_writers_leave_a_whole_snapshot(data: Path, cache: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_write_many, args=(str(data), str(cache), 15)) for _ in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []
    (stored,) = cache.glob("*.snapshot")
    files = DiskFiles.scan(data)
    graph = snapshot.loads(stored.read_bytes(), snapshot.directory_key(files))
    assert graph is not None and graph.content() == load_graph(data).content()


def test_a_cache_that_cannot_be_written_does_not_stop_a_load(data: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    graph, used = _load(data, blocked)
    assert not used and graph.content() == load_graph(data).content()


def test_small_data_gets_no_snapshot(
    data: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "MIN_BYTES", 10**9)
    _load(data, cache)
    assert not cache.exists()


def test_only_the_last_used_snapshots_are_kept(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "KEEP", 3)
    graph = load_graph(GOOD)
    for i in range(6):
        assert snapshot.write(cache / f"data-{i}.snapshot", "key", graph)
        os.utime(cache / f"data-{i}.snapshot", (i, 1_000_000 + i))
    assert sorted(p.name for p in cache.glob("*.snapshot")) == [
        "data-3.snapshot",
        "data-4.snapshot",
        "data-5.snapshot",
    ]


def test_the_default_cache_directory_follows_xdg_and_kg_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.settings import Settings, default_cache_dir

    monkeypatch.delenv("KG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().cache_dir == tmp_path / "xdg" / "alignment-kg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_dir() == Path.home() / ".cache" / "alignment-kg"
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "mine"))
    assert Settings().cache_dir == tmp_path / "mine"


def test_generated_data_round_trips_through_a_snapshot(tmp_path: Path, cache: Path) -> None:
    root = generate(tmp_path / "gen", 300, 1500, seed=5)
    built, used = _load(root, cache)
    again, used_again = _load(root, cache)
    assert (used, used_again) == (False, True)
    assert again.content() == built.content()
    assert again.stats() == built.stats()
    rel = again.relations[0]
    assert rel == built.relations[0] and hash(rel) == hash(built.relations[0])
    assert rel.model_fields_set == built.relations[0].model_fields_set
    assert again.relations[0].model_dump() == built.relations[0].model_dump()


# -- the curation store: the snapshot of its head


def test_a_store_snapshot_skips_validation_of_an_unchanged_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    store = open_store(tmp_path / "kg.sqlite3", GOOD)
    curator = Curator(store)
    graph, head = curator.load()
    assert list((tmp_path / "cache").glob("store-*.snapshot"))

    built = {"count": 0}
    build = Curator._build

    def counted(self: Curator, contents: dict[str, bytes]) -> KnowledgeGraph:
        built["count"] += 1
        return build(self, contents)

    monkeypatch.setattr(Curator, "_build", counted)
    _fresh_process_state()
    replica = Curator(open_store(tmp_path / "kg.sqlite3", GOOD))
    again, again_head = replica.load()
    assert (again_head, built["count"]) == (head, 0)
    assert again.content() == graph.content()

    # a new revision: validated once, then served from its own snapshot
    content = store.read("concepts/evolution.yaml")
    assert content is not None
    record = record_of(content[0])
    record["definition"] = "A blind process that selects organisms."
    curator.change("concepts/evolution.yaml", put_concept(record), "test")  # validates it
    built["count"] = 0
    _fresh_process_state()
    third, third_head = Curator(open_store(tmp_path / "kg.sqlite3", GOOD)).load()
    assert third_head > head and built["count"] == 1
    assert third.concept("evolution").definition == "A blind process that selects organisms."
    _fresh_process_state()
    Curator(open_store(tmp_path / "kg.sqlite3", GOOD)).load()
    assert built["count"] == 1


def test_the_search_index_comes_back_with_the_graph(data: Path, cache: Path) -> None:
    from kg import search

    first, _ = _load(data, cache)
    second, used = _load(data, cache)
    assert used
    assert second in search._INDEXES  # not built again on first use
    assert [h.id for h in search.search(second, "mesa optimiser")] == [
        h.id for h in search.search(first, "mesa optimiser")
    ]


def _with_hubs(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated graph with many hubs, loaded once so that its snapshot is written."""
    from kg import paths

    monkeypatch.setattr(paths, "EAGER_DEGREE", 8)  # more hubs in a small graph
    root = generate(tmp_path / "gen", 300, 1500, seed=5)
    _load(root, cache)
    return root


def _prepared_anew(root: Path) -> tuple[KnowledgeGraph, dict[str, Any]]:
    """The graph of ``root`` validated and its path finding prepared here, with what
    path finding prepared."""
    from kg import paths

    fresh = load_graph(root)
    paths.prepare(fresh)
    return fresh, paths.prepared(fresh)


def test_what_path_finding_prepares_comes_back_with_the_graph(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg import paths

    root = _with_hubs(tmp_path, cache, monkeypatch)
    again, used = _load(root, cache)
    assert used
    fresh, expected = _prepared_anew(root)
    assert len(expected) > 10  # hubs with more than EAGER_DEGREE neighbours

    def refuse(graph: KnowledgeGraph, cid: str) -> object:
        raise AssertionError(f"the order of {cid} was made again")

    monkeypatch.setattr(paths._Orders, "make", staticmethod(refuse))
    paths.prepare(again)  # all there already
    kept = paths.prepared(again)
    assert kept.keys() == expected.keys()
    for cid, (costs, near) in expected.items():
        assert (list(kept[cid][0]), kept[cid][1]) == (list(costs), near)
    hubs = sorted(expected)
    pairs = [(hubs[i], hubs[-1 - i]) for i in range(3)] + [(hubs[0], sorted(again.concepts)[7])]
    for x, y in pairs:
        assert paths.relate(again, x, y) == paths.relate(fresh, x, y)


_BACKGROUND = """
import sys
from pathlib import Path
from typing import Any
import kg.snapshot as snapshot
from kg import paths
snapshot.MIN_BYTES = 0
paths.EAGER_DEGREE = 2  # hubs in a small graph
graph, used = snapshot.load_graph(sys.argv[1], Path(sys.argv[2]), background=True)
# what path finding builds is left to the caller (a server builds it in the background)
assert not used and "adjacency" not in vars(graph) and not paths.prepared(graph)
print(len(graph))
"""


def test_a_snapshot_can_be_written_in_the_background(
    data: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys
    import time

    from kg import paths

    # a process of its own: one with other threads (the test runner's) writes at once
    done = subprocess.run(
        [sys.executable, "-c", _BACKGROUND, str(data), str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == str(len(load_graph(data)))
    deadline = time.monotonic() + 60
    while not list(cache.glob("*.snapshot")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (stored,) = cache.glob("*.snapshot")
    while [p for p in cache.iterdir() if p.name.endswith(".tmp")]:
        time.sleep(0.1)  # renamed into place only once whole
    key = snapshot.directory_key(DiskFiles.scan(data))
    graph = snapshot.loads(stored.read_bytes(), key)
    fresh = load_graph(data)
    assert graph is not None and graph.content() == fresh.content()
    # the copy that wrote it built the hubs' neighbour orders itself, as prepare does
    monkeypatch.setattr(paths, "EAGER_DEGREE", 2)
    paths.prepare(fresh)
    expected, kept = paths.prepared(fresh), paths.prepared(graph)
    assert expected and kept.keys() == expected.keys()
    for cid, (costs, near) in expected.items():
        assert (list(kept[cid][0]), kept[cid][1]) == (list(costs), near)


_HASHED_ELSEWHERE = """
import json, sys
from pathlib import Path
from typing import Any
import kg.snapshot as snapshot
snapshot.MIN_BYTES = 0
data, cache = Path(sys.argv[1]), Path(sys.argv[2])
calls = []
read_while_hashing = snapshot._read_while_hashing
def counted(*args):
    graph = read_while_hashing(*args)
    calls.append(graph is not None)
    return graph
snapshot._read_while_hashing = counted
out = {}
for step in ("cold", "warm", "changed", "again"):
    if step == "changed":
        concept = data / "concepts" / "evolution.yaml"
        concept.write_text(concept.read_text().replace("The process", "A process"))
    snapshot._LOADED.clear()
    graph, used = snapshot.load_graph(data, cache)
    out[step] = [used, graph.concept("evolution").definition, list(calls)]
    calls.clear()
print(json.dumps(out))
"""


def test_a_process_on_two_processors_hashes_the_files_while_it_loads_the_snapshot(
    data: Path, cache: Path
) -> None:
    import json
    import subprocess
    import sys

    # a process of its own, with one thread: it may fork
    done = subprocess.run(
        [sys.executable, "-c", _HASHED_ELSEWHERE, str(data), str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    steps = json.loads(done.stdout)
    old, new = "The process that selects", "A process that selects"
    assert steps["cold"][:2] == [False, old + " organisms by fitness."]
    assert steps["cold"][2] == []  # no snapshot yet: nothing to load meanwhile
    assert steps["warm"] == [True, old + " organisms by fitness.", [True]]
    # the copy's key differs from the snapshot's: not served, validated instead
    assert steps["changed"] == [False, new + " organisms by fitness.", [False]]
    assert steps["again"] == [True, new + " organisms by fitness.", [True]]


def test_a_lazy_read_leaves_the_index_and_paths_to_the_first_that_needs_them(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    from kg import graph as graphs
    from kg import paths, search

    root = _with_hubs(tmp_path, cache, monkeypatch)
    (stored,) = cache.glob("*.snapshot")
    key = snapshot.directory_key(DiskFiles.scan(root))
    fresh, expected = _prepared_anew(root)
    hits = [h.id for h in search.search(fresh, "mesa optimiser")]

    def refuse(*args: object) -> object:
        raise AssertionError("built again although the snapshot holds it")

    # read the graph only: what is built from it comes when first asked for
    lazy = snapshot.loads(stored.read_bytes(), key, lazy=True)
    assert lazy is not None and lazy.content() == fresh.content()
    assert "adjacency" not in vars(lazy) and lazy not in search._INDEXES
    monkeypatch.setattr(search._INDEXES, "_build", refuse)
    assert [h.id for h in search.search(lazy, "mesa optimiser")] == hits
    assert lazy in search._INDEXES and "adjacency" in vars(lazy)
    monkeypatch.setattr(paths._Orders, "make", staticmethod(refuse))
    kept = paths.prepared(lazy)
    assert kept.keys() == expected.keys()
    assert dict(lazy.adjacency) == dict(fresh.adjacency)
    assert dict(lazy.node_costs) == dict(fresh.node_costs)

    # path finding first: the adjacency is the snapshot's, read then
    again = snapshot.loads(stored.read_bytes(), key, lazy=True)
    assert again is not None
    adjacency = again.adjacency
    assert again not in graphs._UNFINISHED and again in search._INDEXES
    assert adjacency is vars(again)["adjacency"] and dict(adjacency) == dict(fresh.adjacency)

    # a graph read lazily and then not used is not kept alive by what was left to do
    unused = snapshot.loads(stored.read_bytes(), key, lazy=True)
    assert unused is not None
    gone = weakref.ref(unused)
    graphs.abandon(unused)
    del unused
    gc.collect()
    assert gone() is None


def test_a_lazy_read_of_stale_files_is_rebuilt(data: Path, cache: Path) -> None:
    _load(data, cache)
    concept = data / "concepts" / "evolution.yaml"
    concept.write_text(concept.read_text().replace("The process", "A process"))
    _fresh_process_state()
    graph, used = snapshot.load_graph(data, cache, lazy=True)
    assert not used
    assert graph.concept("evolution").definition.startswith("A process")
