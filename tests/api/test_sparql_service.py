"""The SPARQL endpoint describes itself (SPARQL 1.1 Service Description) to a GET with
no query that asks for RDF, and each format it names is one it answers in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import rdflib
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings

BASE = "http://testserver/"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C = "http://www.w3.org/ns/formats/"
MEDIA = {
    "SPARQL_Results_JSON": ("application/sparql-results+json", "SELECT"),
    "SPARQL_Results_XML": ("application/sparql-results+xml", "SELECT"),
    "SPARQL_Results_CSV": ("text/csv", "SELECT"),
    "SPARQL_Results_TSV": ("text/tab-separated-values", "SELECT"),
    "Turtle": ("text/turtle", "CONSTRUCT"),
    "N-Triples": ("application/n-triples", "CONSTRUCT"),
    "RDF_XML": ("application/rdf+xml", "CONSTRUCT"),
    "JSON-LD": ("application/ld+json", "CONSTRUCT"),
}
"""The media type of each of the W3C's format names, as the formats' specs register them."""
QUERIES = {
    "SELECT": "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } LIMIT 1",
    "CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1",
}


@pytest.fixture(scope="module")
def client(good_dir: Path) -> TestClient:
    return TestClient(create_app(ServerSettings(data_dir=good_dir, base_iri=BASE)))


@pytest.fixture(scope="module")
def description(client: TestClient) -> rdflib.Graph:
    r = client.get("/v1/sparql", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=r.content, format="turtle")


def test_the_service_names_its_endpoint_and_language(
    client: TestClient, description: rdflib.Graph
) -> None:
    [service] = description.subjects(rdflib.RDF.type, SD.Service)
    endpoint = description.value(service, SD.endpoint)
    assert urlparse(str(endpoint)).path == "/v1/sparql"
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    dataset = description.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDF.type, SD.Dataset) in description
    assert str(dataset) == f"{BASE}dataset"  # the one /.well-known/void describes


def test_every_result_format_named_is_answered(
    client: TestClient, description: rdflib.Graph
) -> None:
    named = {str(f) for f in description.objects(None, SD.resultFormat)}
    assert named == {W3C + name for name in MEDIA}
    for name, (media, form) in MEDIA.items():
        r = client.get("/v1/sparql", params={"query": QUERIES[form]}, headers={"accept": media})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), name


def test_format_asks_for_the_description_too(client: TestClient) -> None:
    r = client.get("/v1/sparql", params={"format": "jsonld"})
    assert r.headers["content-type"].startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=r.content, format="json-ld")
    assert (None, rdflib.RDF.type, SD.Service) in graph


@pytest.mark.parametrize(
    "headers", [{}, {"accept": "*/*"}, {"accept": "application/sparql-results+json"}]
)
def test_without_a_query_or_rdf_asked_it_is_still_a_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    r = client.get("/v1/sparql", headers=headers)
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
