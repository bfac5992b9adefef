from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.http import free_port, server
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
