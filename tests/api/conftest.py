from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph


@pytest.fixture(scope="session")
def client(good_dir: Path) -> TestClient:
    """The app over the small fixture graph."""
    return TestClient(
        create_app(ServerSettings(data_dir=good_dir, base_iri="https://example.org/kg/"))
    )


@pytest.fixture(scope="session")
def live(shipped: KnowledgeGraph) -> TestClient:
    """The app over the shipped data."""
    return TestClient(create_app(ServerSettings(), graph=shipped))
