from __future__ import annotations

from pathlib import Path

import pytest

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
