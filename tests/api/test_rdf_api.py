from __future__ import annotations

import gc
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from api.app import create_app
from api.context import context_of
from api.routers.rdf import Rendered
from api.settings import ServerSettings
from kg.load import load_graph
from kg.rdf import graph_from_rdf

BASE = "http://testserver/"


@pytest.fixture(scope="module")
def ld(good_dir: Path) -> TestClient:
    """IRIs under the test server itself, so that they dereference."""
    return TestClient(create_app(ServerSettings(data_dir=good_dir, base_iri=BASE)))


@pytest.mark.parametrize(
    ("query", "accept", "media", "parser"),
    [
        ("", None, "text/turtle", "turtle"),
        ("", "*/*", "text/turtle", "turtle"),
        ("?format=turtle", None, "text/turtle", "turtle"),
        ("?format=ttl", "application/json", "text/turtle", "turtle"),
        ("?format=jsonld", None, "application/ld+json", "json-ld"),
        ("?format=ntriples", None, "application/n-triples", "nt"),
        ("?format=rdfxml", None, "application/rdf+xml", "xml"),
        ("", "application/rdf+xml", "application/rdf+xml", "xml"),
        ("", "application/ld+json;q=0.5, application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_export_formats(
    ld: TestClient, query: str, accept: str | None, media: str, parser: str
) -> None:
    r = ld.get("/v1/export" + query, headers={"accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["vary"] == "Accept"
    g = rdflib.Graph().parse(data=r.content, format=parser)
    assert (
        rdflib.URIRef(BASE + "concept/mesa-optimizer"),
        rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader"),
        rdflib.URIRef(BASE + "concept/optimizer"),
    ) in g


def test_export_refusals(ld: TestClient) -> None:
    r = ld.get("/v1/export", headers={"accept": "text/csv"})
    assert r.status_code == 406 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["vary"] == "Accept"
    assert r.json()["detail"].endswith(
        "text/turtle, application/ld+json, application/n-triples, application/rdf+xml."
    )
    r = ld.get("/v1/export?format=csv")
    assert r.status_code == 400 and r.json()["detail"] == (
        "Unknown format 'csv'; formats are turtle, jsonld, ntriples, rdfxml."
    )


def test_concept_as_rdf(ld: TestClient) -> None:
    r = ld.get("/v1/concepts/mesa-optimizer", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert r.headers["vary"] == "Accept"
    g = rdflib.Graph().parse(data=r.content, format="turtle")
    me = rdflib.URIRef(BASE + "concept/mesa-optimizer")
    labels = set(g.objects(me, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert labels == {rdflib.Literal("mesa-optimizer", lang="en")}
    assert (
        rdflib.URIRef(BASE + "concept/base-optimizer"),
        rdflib.URIRef(BASE + "ontology#produces"),
        me,
    ) in g
    json_body = ld.get("/v1/concepts/mesa-optimizer").json()
    assert json_body["uri"] == str(me)
    assert ld.get("/v1/concepts/mesa-optimizer", headers={"accept": "image/png"}).status_code == 406


def test_iris_dereference(ld: TestClient) -> None:
    r = ld.get("/concept/mesa-optimizer", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/v1/concepts/mesa-optimizer"
    r = ld.get("/concept/mesa-optimizer", headers={"accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/n-triples"
    for iri, target in [
        ("/source/primer", "/v1/sources/primer"),
        ("/statement/base-optimizer/produces/mesa-optimizer", "/v1/concepts/base-optimizer"),
        ("/scheme", "/v1/export"),
        ("/ontology", "/v1/ontology"),
    ]:
        r = ld.get(iri, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, target)
    # every concept IRI in the export resolves
    g = rdflib.Graph().parse(data=ld.get("/v1/export").content, format="turtle")
    concepts = set(
        g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#Concept"))
    )
    assert len(concepts) == 11
    for concept in concepts:
        assert ld.get(str(concept).removeprefix("http://testserver")).status_code == 200


def test_iris_under_a_base_path(good_dir: Path) -> None:
    client = TestClient(
        create_app(ServerSettings(data_dir=good_dir, base_iri="https://w3id.org/alignment-kg/"))
    )
    r = client.get("/alignment-kg/concept/humans", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/v1/concepts/humans")


def test_context(ld: TestClient) -> None:
    r = ld.get("/v1/context.jsonld")
    assert r.headers["content-type"] == "application/ld+json"
    ctx = r.json()["@context"]
    assert ctx["skos"] == "http://www.w3.org/2004/02/skos/core#"
    # a set: one value or several, always an array
    assert ctx["produces"] == {"@id": "kgo:produces", "@type": "@id", "@container": "@set"}


def test_bad_base_iri_is_refused() -> None:
    with pytest.raises(ValueError):
        ServerSettings(base_iri="not an iri")


def test_export_is_rendered_once_per_graph_into_a_file_that_goes_with_it(good_dir: Path) -> None:
    app = create_app(ServerSettings(data_dir=good_dir, base_iri=BASE, cache_max_bytes=0))
    client = TestClient(app)
    first = client.get("/v1/export?format=nt")
    context = context_of(app)
    rendered = context.cache["export:ntriples"]
    assert isinstance(rendered, Rendered) and Path(rendered.path).is_file()
    again = client.get("/v1/export?format=nt")
    assert again.content == first.content
    assert int(first.headers["content-length"]) == len(first.content) == rendered.size
    assert first.headers["content-disposition"] == 'inline; filename="alignment-kg.nt"'
    path = Path(rendered.path)
    del rendered
    context.graph = load_graph(good_dir)  # a reload: the old export must not be served
    # rendered again, into another file, though the same data gives the same bytes
    assert client.get("/v1/export?format=nt").content == first.content
    assert context.cache["export:ntriples"].graph is context.graph  # type: ignore[attr-defined]
    assert context.cache["export:ntriples"].path != str(path)  # type: ignore[attr-defined]
    gc.collect()
    assert not path.exists()
    assert graph_from_rdf(first.content, "ntriples", BASE).content() == context.graph.content()
