from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.http import free_port, server
from bench.postgres import Cluster, binaries
from kg.graph import KnowledgeGraph
from kg.load import load_graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def good_dir() -> Path:
    return FIXTURES / "good"


@pytest.fixture(scope="session")
def good(good_dir: Path) -> KnowledgeGraph:
    return load_graph(good_dir)


@pytest.fixture(scope="session")
def shipped() -> KnowledgeGraph:
    return load_graph(ROOT / "data")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reaches the shared live server, directly or through another fixture,
    starts a real server process: it carries the ``slow`` marker like those that start
    their own (marked where they are written)."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "KG_SPARQL_TIMEOUT": "2"}
    with server(
        [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--log-level", "warning"],
        port,
        env,
        wait=30,
    ) as base:
        yield base


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A PostgreSQL cluster for the session (each xdist worker has its own), stopped
    and removed at the end. Without PostgreSQL the tests that need it are skipped with
    the reason, unless ``KG_REQUIRE_POSTGRES`` is set (CI sets it): then they fail."""
    bindir = binaries()
    if bindir is None:
        message = (
            "the PostgreSQL tests need Debian's postgresql package (initdb and pg_ctl on "
            "PATH or under /usr/lib/postgresql/*/bin)"
        )
        if os.environ.get("KG_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    with Cluster(bindir) as cluster:
        yield cluster


_databases = iter(range(1, 1 << 30))


@pytest.fixture
def pg_url(postgres: Cluster) -> str:
    """The URL of a new, empty database of the session's cluster."""
    return postgres.create_database(f"test_{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new store goes, once per backend: an SQLite file, a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "kg.sqlite3")
    return str(request.getfixturevalue("pg_url"))
