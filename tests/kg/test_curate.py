"""Curator: edits validated like the files, committed conditionally, across processes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.curate import (
    ANY,
    Curator,
    delete_file,
    open_store,
    patch_concept,
    put_concept,
    relation_edit,
)
from kg.edit import concept_path, record_of
from kg.errors import DataError, NotFound
from kg.load import load_graph
from kg.store import StaleWrite, data_files

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "data"
QUOTE = {
    "source": "what-is-inner-alignment",
    "quote": "A “mesa-optimizer” is a learned algorithm that is itself an optimizer.",
}
TOY = {"label": "toy", "kind": "concept", "definition": "A toy.", "citations": [QUOTE]}


@pytest.fixture
def path(store_at: str) -> str:
    """A store holding the shipped data, on each backend."""
    store = open_store(store_at, None)
    store.fill(DATA)
    store.close()
    return store_at


@pytest.fixture
def two(path: str) -> Iterator[tuple[Curator, Curator]]:
    """Two curators on one store, as two server processes (or replicas) would have."""
    a, b = open_store(path, None), open_store(path, None)
    yield Curator(a), Curator(b)
    a.close()
    b.close()


def test_load_gives_the_graph_of_the_data_and_the_head(two: tuple[Curator, Curator]) -> None:
    a, _ = two
    graph, head = a.load()
    assert graph.content() == load_graph(DATA).content()
    assert head == a.store.head() > 0


def test_a_commit_returns_the_graph_of_the_committed_state(
    two: tuple[Curator, Curator],
) -> None:
    a, b = two
    done = a.change(concept_path("toy"), put_concept(TOY), "alice", expected=None)
    assert done.graph is not None and "toy" in done.graph.concepts
    assert a.store.head() == done.revision
    graph, head = b.load()  # the other process sees it
    assert head == done.revision and graph.content() == done.graph.content()


def test_a_stale_or_failing_edit_commits_nothing(two: tuple[Curator, Curator]) -> None:
    a, _ = two
    head = a.store.head()
    at = a.read(concept_path("evolution"))[1]  # type: ignore[index]
    with pytest.raises(StaleWrite):
        a.change(concept_path("evolution"), delete_file, "alice", expected=at - 1)
    with pytest.raises(NotFound):
        a.change(concept_path("nothing"), patch_concept("nothing", dict), "alice")
    with pytest.raises(DataError):
        a.change(concept_path("toy"), put_concept({**TOY, "kind": "toy"}), "alice")
    assert a.store.head() == head


def test_an_edit_checked_against_a_state_that_moved_on_is_checked_again(
    two: tuple[Curator, Curator],
) -> None:
    a, b = two
    a.change(concept_path("toy"), put_concept(TOY), "alice", expected=None)
    b.load()
    calls = 0
    link = relation_edit(
        "evolution",
        "related_to",
        "toy",
        lambda _: {"type": "related_to", "target": "toy", "citations": [QUOTE]},
    )

    def edit(current: bytes | None) -> bytes | None:
        nonlocal calls
        calls += 1
        if calls == 1:  # another process deletes the target after b has read the store
            a.change(concept_path("toy"), delete_file, "alice")
        return link(current)

    head = a.store.head()
    with pytest.raises(DataError) as caught:
        b.change(concept_path("evolution"), edit, "bob", ANY)
    assert calls == 2
    assert [p.message for p in caught.value.problems] == ["dangling target 'toy': no such concept"]
    assert a.store.head() == head + 1  # the deletion, and nothing of bob's
    graph, _ = a.load()
    assert "toy" not in graph.concepts


def test_edits_of_two_processes_both_land(two: tuple[Curator, Curator]) -> None:
    a, b = two
    b.load()
    a.change(
        concept_path("evolution"),
        patch_concept("evolution", lambda r: {**r, "aliases": ["natural selection"]}),
        "alice",
    )
    # b's copy is behind; its edit applies to the current file, so alice's stays
    b.change(
        concept_path("evolution"),
        patch_concept(
            "evolution", lambda r: {**r, "definition": "Natural selection as an optimizer."}
        ),
        "bob",
    )
    content, _ = a.store.read(concept_path("evolution"))  # type: ignore[misc]
    record = record_of(content)
    assert record["aliases"] == ["natural selection"]
    assert record["definition"] == "Natural selection as an optimizer."


def test_a_store_that_does_not_load_is_reported(path: str) -> None:
    store = open_store(path, None)
    store.commit({concept_path("broken"): b"label: [unclosed\n"}, "someone else")
    with pytest.raises(DataError) as caught:
        Curator(store).load()
    assert caught.value.problems[0].file == "data/concepts/broken.yaml"
    store.close()


def test_replace_all_takes_in_a_directory_as_one_commit(two: tuple[Curator, Curator]) -> None:
    a, b = two
    a.change(concept_path("toy"), put_concept(TOY), "alice", expected=None)
    files = dict(data_files(DATA))
    rel = concept_path("evolution")
    files[rel] = files[rel] + b"# reviewed\n"
    head = a.store.head()
    done = b.replace_all(files, "git")  # b has not seen alice's toy: it is removed all the same
    assert done is not None and done.graph is not None and "toy" not in done.graph.concepts
    assert [(c.path, c.action) for c in a.store.changes(head)] == [
        ("concepts/evolution.yaml", "update"),
        ("concepts/toy.yaml", "delete"),
    ]
    assert dict(a.store.files()) == files
    assert b.replace_all(files, "git") is None


def test_the_graph_of_a_commit_is_of_its_revision_even_if_another_lands_next(
    two: tuple[Curator, Curator],
) -> None:
    a, b = two
    b.load()
    commit = b.store.commit

    def commit_then_another(*args: object, **kwargs: object) -> int:
        revision = commit(*args, **kwargs)  # type: ignore[arg-type]
        a.change(concept_path("toy"), put_concept(TOY), "alice", expected=None)
        return revision

    b.store.commit = commit_then_another  # type: ignore[method-assign]
    done = b.change(
        concept_path("evolution"),
        patch_concept("evolution", lambda r: {**r, "aliases": ["natural selection"]}),
        "bob",
    )
    assert done.graph is not None and "toy" not in done.graph.concepts
    # the graph is of the store at done.revision; a server serving it must see that
    # the store has moved past it, and load again
    assert done.revision < a.store.head()


def test_an_edit_that_changes_nothing_makes_no_revision(two: tuple[Curator, Curator]) -> None:
    a, _ = two
    head = a.store.head()
    at = a.read(concept_path("evolution"))[1]  # type: ignore[index]
    done = a.change(
        concept_path("evolution"), patch_concept("evolution", lambda r: r), "alice", expected=at
    )
    assert (done.revision, done.graph) == (at, None) and a.store.head() == head


def test_a_data_directory_that_does_not_load_is_not_imported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "concepts" / "zzz.yaml").write_text("label: z\n")
    with pytest.raises(DataError):
        open_store(tmp_path / "kg.sqlite3", data)
    (data / "concepts" / "zzz.yaml").unlink()  # fixed: the next start imports it
    store = open_store(tmp_path / "kg.sqlite3", data)
    assert Curator(store).load()[0].content() == load_graph(DATA).content()
    store.close()
