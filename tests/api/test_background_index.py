"""A large graph's description index is built in the background when the server starts:
until it is ready, what needs it answers 503 not-ready with Retry-After, and everything
else is served."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import reload
from api.app import create_app
from api.settings import ServerSettings
from kg import describe
from kg.load import load_graph


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Every graph counts as large, and building a description index waits for the event."""
    release = threading.Event()
    real = describe.DescribeIndex

    def slow(graph: object) -> describe.DescribeIndex:
        assert release.wait(30)
        return real(graph)  # type: ignore[arg-type]

    monkeypatch.setattr(describe, "BACKGROUND_FROM", 0)
    monkeypatch.setattr(describe._INDEXES, "_build", slow)
    yield release
    release.set()


def test_descriptive_search_waits_for_the_index_and_nothing_else_does(
    held: threading.Event, good_dir: Path
) -> None:
    graph = load_graph(good_dir)
    with TestClient(create_app(ServerSettings(), graph=graph)) as client:
        assert client.get("/v1/ready").status_code == 200
        r = client.get(
            "/v1/search", params={"q": "an optimizer inside a model", "mode": "describe"}
        )
        assert r.status_code == 503, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert int(r.headers["retry-after"]) > 0
        assert r.json()["type"].endswith("not-ready")
        assert "description index" in r.json()["detail"]
        # a search by name does not need it
        assert client.get("/v1/search", params={"q": "mesa"}).status_code == 200
        held.set()
        for _ in range(300):  # 30 s at most
            r = client.get(
                "/v1/search", params={"q": "an optimizer inside a model", "mode": "describe"}
            )
            if r.status_code == 200:
                break
            time.sleep(0.1)
        assert r.status_code == 200, r.text


def test_a_process_about_to_fork_starts_no_thread(held: threading.Event, good_dir: Path) -> None:
    """`kg serve --workers N` prepares the graph before it forks: the background build is
    left to each worker's app, since a thread started before the fork would not run in
    the workers, and they would answer not-ready for ever."""
    graph = load_graph(good_dir)
    before = threading.active_count()
    reload.prepare(graph, in_background=False)
    assert threading.active_count() == before
    assert graph not in describe._INDEXES
    held.set()
    describe.describe(graph, "an optimizer inside a model")  # not NotReady: built here
    assert graph in describe._INDEXES
