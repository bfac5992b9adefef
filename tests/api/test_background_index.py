"""A large graph's description index is built in the background when a server first
needs it: until it is ready, what needs it answers 503 not-ready with Retry-After, and
everything else is served."""

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
from kg.errors import NotReady
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


def test_nothing_is_built_before_it_is_needed(held: threading.Event, good_dir: Path) -> None:
    """Preparing a large graph starts no thread and builds no description index (about
    2 GB at 50,000 concepts, for a server that may never be asked to describe); it also
    leaves `kg serve --workers N` nothing to lose in the fork. The first use starts the
    build, in the background."""
    graph = load_graph(good_dir)
    reload.prepare(graph)
    # no build started for this graph (a count of the process's threads would also see
    # other tests' threads come and go)
    assert graph not in describe._INDEXES._building and graph not in describe._INDEXES
    with pytest.raises(NotReady):
        describe.describe(graph, "an optimizer inside a model")
    held.set()
    for _ in range(300):  # 30 s at most
        if graph in describe._INDEXES:
            break
        time.sleep(0.1)
    assert isinstance(describe.describe(graph, "an optimizer inside a model"), list)
