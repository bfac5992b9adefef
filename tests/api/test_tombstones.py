"""A deleted concept leaves a tombstone (issue 21, finding 6): its IRI answers 410 Gone
(problem+json, an HTML error page, or the tombstone as RDF), the export keeps it as a
deprecated concept with what replaced it, and it persists in both store backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from kg.curate import open_store
from kg.load import load_files, load_graph
from kg.rdf import export, graph_from_rdf
from kg.schema import TOMBSTONES_FILE
from kg.store import data_files
from tests.conftest import ROOT

DATA = ROOT / "data"
BASE = "https://example.org/kg/"
OWL = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SOURCE = "what-is-inner-alignment"
QUOTE = "A “mesa-optimizer” is a learned algorithm that is itself an optimizer."


def toy(cid: str, label: str) -> dict[str, Any]:
    return {
        "id": cid,
        "label": label,
        "kind": "optimizer",
        "definition": "A learned algorithm that itself optimizes (a test concept).",
        "citations": [{"source": SOURCE, "quote": QUOTE}],
    }


@pytest.fixture
def served(store_at: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client of an app served from a new store of each backend, and a token's header."""
    store = open_store(store_at, DATA)
    secret = store.create_token("ed", ("concepts:write", "relations:write"))[1]
    store.close()
    where: dict[str, Any] = (
        {"store_url": store_at} if "://" in store_at else {"store_path": Path(store_at)}
    )
    settings = ServerSettings(data_dir=DATA, base_iri=BASE, **where)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {secret}"}


def _create(client: TestClient, auth: dict[str, str], cid: str, label: str) -> str:
    r = client.post("/v1/concepts", json=toy(cid, label), headers=auth)
    assert r.status_code == 201, r.text
    return str(r.headers["etag"])


def test_a_deleted_concept_answers_410_with_its_tombstone(
    served: tuple[TestClient, dict[str, str]], store_at: str
) -> None:
    client, auth = served
    etag = _create(client, auth, "toy-optimizer", "toy optimizer")
    r = client.delete(
        "/v1/concepts/toy-optimizer?replaced_by=mesa-optimizer",
        headers={**auth, "If-Match": etag},
    )
    assert r.status_code == 204, r.text

    # problem+json for an API client, naming what replaced it
    r = client.get("/v1/concepts/toy-optimizer")
    assert r.status_code == 410
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"].endswith("/problems/concept-gone")
    assert body["replaced_by"] == "mesa-optimizer"
    assert body["deleted"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert [s["id"] for s in body["suggestions"]] == ["mesa-optimizer"]

    # the HTML error page for a browser, linking the replacement
    for url in ["/concepts/toy-optimizer", "/kg/concept/toy-optimizer"]:
        r = client.get(url, headers={"Accept": "text/html"})
        assert r.status_code == 410, url
        assert r.headers["content-type"].startswith("text/html")
        assert 'See instead: <a href="/concepts/mesa-optimizer">' in r.text

    # the tombstone as RDF, by Accept and by suffix, through the concept's IRI too
    for url, accept in [
        ("/v1/concepts/toy-optimizer", "text/turtle"),
        ("/v1/concepts/toy-optimizer.ttl", "*/*"),
        ("/kg/concept/toy-optimizer", "text/turtle"),
    ]:
        r = client.get(url, headers={"Accept": accept})
        assert r.status_code == 410, url
        assert r.headers["content-type"].startswith("text/turtle")
        g = rdflib.Graph().parse(data=r.text, format="turtle")
        iri = rdflib.URIRef(f"{BASE}concept/toy-optimizer")
        assert g.value(iri, OWL.deprecated) == rdflib.Literal(True)
        assert g.value(iri, DCT.isReplacedBy) == rdflib.URIRef(f"{BASE}concept/mesa-optimizer")

    # the export keeps it, and reads back with it
    r = client.get("/v1/export.ttl")
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef(f"{BASE}concept/toy-optimizer"), OWL.deprecated, None) in g
    back = graph_from_rdf(r.content, "turtle", BASE)
    assert back.tombstones["toy-optimizer"].replaced_by == "mesa-optimizer"
    assert "toy-optimizer" not in back.concepts

    # the store keeps it: a new store opened on the same place loads it
    store = open_store(store_at, None)
    try:
        graph = load_files(dict(store.files()))
    finally:
        store.close()
    assert graph.tombstones["toy-optimizer"].label == "toy optimizer"


def test_bringing_a_concept_back_removes_its_tombstone(
    served: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = served
    etag = _create(client, auth, "toy-optimizer", "toy optimizer")
    assert (
        client.delete("/v1/concepts/toy-optimizer", headers={**auth, "If-Match": etag}).status_code
        == 204
    )
    r = client.get("/v1/concepts/toy-optimizer")
    assert r.status_code == 410 and "replaced_by" not in r.json()
    _create(client, auth, "toy-optimizer", "toy optimizer")
    assert client.get("/v1/concepts/toy-optimizer").status_code == 200
    assert client.get("/v1/export.ttl").text.count("owl:deprecated true") == 0


def test_a_replacement_that_is_no_concept_is_refused(
    served: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = served
    etag = _create(client, auth, "toy-optimizer", "toy optimizer")
    for bad, status in [("no-such-concept", 422), ("Not A Slug", 400)]:
        r = client.delete(
            f"/v1/concepts/toy-optimizer?replaced_by={bad}", headers={**auth, "If-Match": etag}
        )
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/concepts/toy-optimizer").status_code == 200


def test_tombstones_in_a_data_directory_are_checked(tmp_path: Path) -> None:
    files = dict(data_files(DATA))
    files[TOMBSTONES_FILE] = (
        b"- {id: old-name, label: old name, deleted: '2026-01-02', replaced_by: mesa-optimizer}\n"
        b"- {id: mesa-optimizer, label: x, deleted: '2026-01-02'}\n"
        b"- {id: other, label: other, deleted: yesterday, replaced_by: nowhere}\n"
    )
    with pytest.raises(Exception) as caught:
        load_files(files)
    text = str(caught.value)
    assert "concept 'mesa-optimizer' exists, yet a tombstone says it was deleted" in text
    assert "deleted 'yesterday' is not a date" in text
    assert "'other' is replaced by 'nowhere', which is no concept" in text
    assert "old-name" not in text
    files[TOMBSTONES_FILE] = files[TOMBSTONES_FILE].splitlines(keepends=True)[0]
    for rel, content in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(content)
    graph = load_graph(tmp_path)
    assert graph.tombstones["old-name"].deleted == "2026-01-02"
    g = rdflib.Graph().parse(data=export(graph, "turtle", BASE), format="turtle")
    old = rdflib.URIRef(f"{BASE}concept/old-name")
    assert g.value(old, OWL.deprecated) == rdflib.Literal(True)
    assert g.value(old, DCT.isReplacedBy) == rdflib.URIRef(f"{BASE}concept/mesa-optimizer")
