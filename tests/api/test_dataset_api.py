"""The dataset's description at /.well-known/void: negotiated like every RDF answer, the
same as the export's, and every URL it names answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlparse

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS

from api.app import create_app
from api.settings import ServerSettings

BASE = "http://testserver/"
DATASET = rdflib.URIRef(f"{BASE}dataset")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def client(good_dir: Path) -> TestClient:
    return TestClient(create_app(ServerSettings(data_dir=good_dir, base_iri=BASE)))


def _graph(response: object, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.content, format=fmt)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "headers", "media", "fmt"),
    [
        ("", {}, "text/turtle", "turtle"),
        ("", {"accept": "application/ld+json"}, "application/ld+json", "json-ld"),
        ("?format=ntriples", {"accept": "text/turtle"}, "application/n-triples", "nt"),
        ("?format=rdfxml", {}, "application/rdf+xml", "xml"),
    ],
)
def test_void_is_negotiated(
    client: TestClient, query: str, headers: dict[str, str], media: str, fmt: str
) -> None:
    r = client.get(f"/.well-known/void{query}", headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert (DATASET, DCTERMS.license, None) in _graph(r, fmt)


def test_bad_asks_are_4xx_problems(client: TestClient) -> None:
    r = client.get("/.well-known/void?format=yaml")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    r = client.get("/.well-known/void", headers={"accept": "application/json"})
    assert r.status_code == 406 and r.headers["content-type"] == "application/problem+json"


def test_the_export_holds_the_same_description(client: TestClient, good_dir: Path) -> None:
    void = _graph(client.get("/.well-known/void"), "turtle")
    dump = _graph(client.get("/v1/export.ttl"), "turtle")
    assert len(void) > 20 and all(t in dump for t in void)
    newest = max(p.stat().st_mtime for p in good_dir.rglob("*") if p.is_file())
    modified = void.value(DATASET, DCTERMS.modified)
    assert isinstance(modified, rdflib.Literal) and modified.toPython() == (
        dt.datetime.fromtimestamp(newest, dt.UTC).date()
    )


def test_every_url_it_names_answers(client: TestClient) -> None:
    void = _graph(client.get("/.well-known/void"), "turtle")
    downloads = list(void.objects(DATASET, VOID.dataDump))
    assert len(downloads) == 4
    for dist in void.objects(DATASET, DCAT.distribution):
        url = str(void.value(dist, DCAT.downloadURL))
        media = str(void.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        r = client.get(urlparse(url).path)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    endpoint = urlparse(str(void.value(DATASET, VOID.sparqlEndpoint))).path
    r = client.get(endpoint, params={"query": "ASK { ?d a <http://rdfs.org/ns/void#Dataset> }"})
    assert r.json()["boolean"] is True


def test_the_scheme_leads_to_the_description(client: TestClient) -> None:
    scheme = _graph(client.get("/v1/export.ttl"), "turtle")
    dataset = scheme.value(rdflib.URIRef(f"{BASE}scheme"), VOID.inDataset)
    r = client.get(urlparse(str(dataset)).path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/.well-known/void"
