"""Per-concept dct:created / dct:modified (issue 21, finding 8): from a store's
revisions, from the git history of a data directory, or, without git, from the files'
times (no creation day then)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib

from kg.curate import open_store
from kg.dataset import Dates, dates_from_git, dates_from_revisions
from kg.graph import KnowledgeGraph
from kg.rdf import concept_description, export, serialize
from tests.conftest import ROOT

BASE = "https://example.org/kg/"
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _git(root: Path, *args: str, day: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _checkout(tmp_path: Path) -> Path:
    """The data as a git checkout: every file committed on 2025-01-02, inner alignment's
    changed again on 2025-03-04."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    _git(data, "init", "-q")
    _git(data, "add", "-A")
    _git(data, "commit", "-q", "-m", "first", day="2025-01-02")
    concept = data / "concepts" / "inner-alignment.yaml"
    concept.write_text(concept.read_text("utf-8") + "\n", "utf-8")
    _git(data, "commit", "-q", "-am", "second", day="2025-03-04")
    return data


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_dates_come_from_the_git_history_of_the_data(tmp_path: Path) -> None:
    data = _checkout(tmp_path)
    (data / "concepts" / "optimizer.yaml").touch()  # changed, not committed: git's day
    dates = dates_from_git(data)
    assert dates["inner-alignment"] == Dates(dt.date(2025, 1, 2), dt.date(2025, 3, 4))
    assert dates["optimizer"] == Dates(dt.date(2025, 1, 2), dt.date(2025, 1, 2))
    assert len(dates) == len(list((data / "concepts").glob("*.yaml")))


def test_without_git_the_files_give_the_modification_day_only(tmp_path: Path) -> None:
    data = tmp_path / "unpacked"
    shutil.copytree(ROOT / "data", data)  # as from a tarball: no .git anywhere above
    stamp = dt.datetime(2024, 5, 6, 12, tzinfo=dt.UTC).timestamp()
    os.utime(data / "concepts" / "optimizer.yaml", (stamp, stamp))
    dates = dates_from_git(data)
    assert dates["optimizer"] == Dates(None, dt.date(2024, 5, 6))
    assert all(d.created is None for d in dates.values())


def test_dates_come_from_the_store_revisions(store_at: str, tmp_path: Path) -> None:
    data = tmp_path / "unpacked"
    shutil.copytree(ROOT / "data", data)  # no git history: the import's day
    store = open_store(store_at, data)
    try:
        head = store.head()
        dates = dates_from_revisions(store.file_spans(head))
    finally:
        store.close()
    today = dt.datetime.now(dt.UTC).date()
    assert dates["inner-alignment"] == Dates(today, today)
    assert "sources" not in "".join(dates)  # concepts only


def test_the_rdf_states_the_dates_it_is_given(shipped: KnowledgeGraph) -> None:
    dates = {"inner-alignment": Dates(dt.date(2025, 1, 2), dt.date(2025, 3, 4))}
    one = rdflib.Graph().parse(
        data=serialize(
            concept_description(shipped, "inner-alignment", BASE, dates), "turtle", BASE
        ),
        format="turtle",
    )
    iri = rdflib.URIRef(f"{BASE}concept/inner-alignment")
    assert one.value(iri, DCT.created) == rdflib.Literal(dt.date(2025, 1, 2))
    assert one.value(iri, DCT.modified) == rdflib.Literal(dt.date(2025, 3, 4))
    whole = rdflib.Graph().parse(data=export(shipped, "turtle", BASE, None, dates), format="turtle")
    assert len(list(whole.subject_objects(DCT.created))) == 1
    # the dataset's triple count counts them
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    count = whole.value(rdflib.URIRef(f"{BASE}dataset"), void.triples)
    assert isinstance(count, rdflib.Literal) and count.toPython() == len(whole)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_store_imported_from_a_checkout_takes_the_dates_from_its_history(
    tmp_path: Path, store_at: str
) -> None:
    data = _checkout(tmp_path)
    store = open_store(store_at, data)
    try:
        dates = dates_from_revisions(store.file_spans(store.head()))
        # a revision after the import is the concept's last change; created stays
        path = "concepts/optimizer.yaml"
        content, _ = store.read(path) or (b"", 0)
        store.commit({path: content + b"\n"}, "t")
        later = dates_from_revisions(store.file_spans(store.head()))
    finally:
        store.close()
    assert dates["inner-alignment"] == Dates(dt.date(2025, 1, 2), dt.date(2025, 3, 4))
    assert dates["optimizer"] == Dates(dt.date(2025, 1, 2), dt.date(2025, 1, 2))
    today = dt.datetime.now(dt.UTC).date()
    assert later["optimizer"] == Dates(dt.date(2025, 1, 2), today)
    assert later["inner-alignment"] == dates["inner-alignment"]
