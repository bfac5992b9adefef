"""Linked Data as a client would use it: negotiation (q=0 excludes), RDF at every IRI the
export mints, URL-only ways to ask for RDF, CORS, and a concept's neighbours by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import RDF, SKOS

from api.app import create_app
from api.headers import choose
from api.settings import ServerSettings

BASE = "http://testserver/"
TURTLE = {"accept": "text/turtle"}


@pytest.fixture(scope="module")
def ld(good_dir: Path) -> TestClient:
    """IRIs under the test server itself, so that they dereference."""
    return TestClient(create_app(ServerSettings(data_dir=good_dir, base_iri=BASE)))


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        ("text/turtle;q=0, */*", ["text/turtle", "application/json"], "application/json"),
        ("text/*;q=0, */*;q=0.5", ["text/turtle", "application/json"], "application/json"),
        ("text/*;q=0, text/turtle", ["text/turtle", "text/csv"], "text/turtle"),
        ("*/*;q=0", ["text/turtle"], None),
        ("application/json;q=0, text/turtle;q=0.1", ["application/json"], None),
        ("application/json;q=0.2, */*;q=0.9", ["application/json", "text/turtle"], "text/turtle"),
    ],
)
def test_the_most_specific_range_weighs_and_q0_excludes(
    accept: str, offered: list[str], chosen: str | None
) -> None:
    assert choose(accept, offered) == chosen


@pytest.mark.parametrize("path", ["/v1/export", "/v1/concepts/mesa-optimizer"])
def test_q0_excludes_turtle_over_http(ld: TestClient, path: str) -> None:
    r = ld.get(path, headers={"accept": "text/turtle;q=0, */*"})
    assert r.status_code == 200 and not r.headers["content-type"].startswith("text/turtle")
    r = ld.get(path, headers={"accept": "text/turtle;q=0"})
    assert r.status_code == 406


def test_q0_excludes_sparql_results(ld: TestClient) -> None:
    r = ld.get(
        "/v1/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"accept": "application/sparql-results+json;q=0, */*"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "application/sparql-results+xml"


def _subjects(turtle: bytes) -> set[str]:
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, rdflib.URIRef)}


def test_every_iri_of_the_export_answers_rdf(ld: TestClient) -> None:
    """An rdflib client following links reads Turtle at every IRI the service mints:
    concepts, sources, statements, their citations and selectors, the scheme and the
    ontology (its terms are fragments of the ontology's IRI)."""
    minted = {
        iri.partition("#")[0]
        for iri in _subjects(ld.get("/v1/export.ttl").content)
        if iri.startswith(BASE)
    }
    kinds = {iri.removeprefix(BASE).split("/")[0] for iri in minted}
    assert {"concept", "source", "statement", "scheme", "ontology"} <= kinds
    for iri in sorted(minted):
        r = ld.get(iri.removeprefix("http://testserver"), headers=TURTLE)
        assert r.status_code == 200, iri
        assert r.headers["content-type"].startswith("text/turtle"), iri
        described = _subjects(r.content)
        # what it redirects to says something about it (a statement: its concept, which
        # holds the statement; a citation: the statement's concept, which holds it)
        assert iri in described or any(iri.startswith(s + "/") for s in described), iri


@pytest.mark.parametrize(
    ("url", "media"),
    [
        ("/v1/concepts/mesa-optimizer.ttl", "text/turtle"),
        ("/v1/concepts/mesa-optimizer.nt", "application/n-triples"),
        ("/v1/concepts/mesa-optimizer?format=jsonld", "application/ld+json"),
        ("/v1/concepts/mesa-optimizer?format=json", "application/json"),
        ("/v1/sources/primer.rdf", "application/rdf+xml"),
        ("/v1/sources/primer?format=turtle", "text/turtle"),
        ("/v1/ontology?format=ttl", "text/turtle"),
        ("/v1/export.jsonld", "application/ld+json"),
        ("/v1/export.nt", "application/n-triples"),
    ],
)
def test_rdf_by_url_alone(ld: TestClient, url: str, media: str) -> None:
    r = ld.get(url, headers={"accept": "application/json"})  # the URL wins over Accept
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media


def test_sources_and_ontology_answer_rdf_by_accept(ld: TestClient) -> None:
    g = rdflib.Graph().parse(data=ld.get("/v1/sources/primer", headers=TURTLE).content)
    primer = rdflib.URIRef(BASE + "source/primer")
    assert (primer, RDF.type, rdflib.URIRef("http://purl.org/dc/terms/BibliographicResource")) in g
    assert ld.get("/v1/sources/primer").json()["id"] == "primer"  # JSON stays the default
    g = rdflib.Graph().parse(data=ld.get("/v1/ontology", headers=TURTLE).content)
    assert (rdflib.URIRef(BASE + "ontology"), RDF.type, rdflib.OWL.Ontology) in g


@pytest.mark.parametrize(
    "url", ["/v1/concepts/mesa-optimizer?format=yaml", "/v1/export.yaml", "/v1/ontology?format=x"]
)
def test_an_unknown_format_is_a_400_problem(ld: TestClient, url: str) -> None:
    r = ld.get(url)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


def test_the_page_links_to_turtle_without_needing_accept(ld: TestClient) -> None:
    page = ld.get("/concepts/mesa-optimizer", headers={"accept": "text/html"}).text
    href = page.split('type="text/turtle" href="', 1)[1].split('"', 1)[0]
    r = ld.get(href.replace("&amp;", "&"))  # no Accept header at all
    assert r.headers["content-type"].startswith("text/turtle")


def test_a_concepts_neighbours_have_labels_and_kinds(ld: TestClient) -> None:
    g = rdflib.Graph().parse(data=ld.get("/v1/concepts/mesa-optimizer.ttl").content)
    me = rdflib.URIRef(BASE + "concept/mesa-optimizer")
    neighbours = {
        o for p in (SKOS.broader, SKOS.narrower, SKOS.related) for o in g.objects(me, p)
    } | {s for p in (SKOS.broader, SKOS.narrower, SKOS.related) for s in g.subjects(p, me)}
    assert neighbours
    for other in neighbours:
        assert g.value(other, SKOS.prefLabel) is not None, other
        types = set(g.objects(other, RDF.type))
        assert SKOS.Concept in types and len(types) >= 2, other  # and its kind's class
    for source in g.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#hasSource")):
        assert g.value(source, rdflib.URIRef("http://purl.org/dc/terms/title")) is not None


ORIGIN = {"origin": "https://yasgui.example"}


@pytest.mark.parametrize(
    "url", ["/v1/sparql?query=ASK%7B%7D", "/v1/export", "/v1/context.jsonld", "/v1/concepts"]
)
def test_reads_are_open_to_every_origin(ld: TestClient, url: str) -> None:
    for headers in (ORIGIN, {}):  # the same answer whether an Origin is named or not
        r = ld.get(url, headers=headers)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
        assert "Origin" not in r.headers.get("vary", "")


def _preflight(ld: TestClient, url: str, method: str, headers: str) -> Any:
    """The answer to a CORS preflight from :data:`ORIGIN`."""
    return ld.options(
        url,
        headers={
            **ORIGIN,
            "access-control-request-method": method,
            "access-control-request-headers": headers,
        },
    )


def test_a_sparql_preflight_allows_post(ld: TestClient) -> None:
    r = _preflight(ld, "/v1/sparql", "POST", "content-type")
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    r = ld.post(
        "/v1/sparql",
        content="ASK {}",
        headers={**ORIGIN, "content-type": "application/sparql-query"},
    )
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"


def test_a_cross_origin_write_is_refused_at_preflight(ld: TestClient) -> None:
    r = _preflight(ld, "/v1/concepts/mesa-optimizer", "PUT", "authorization")
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"


def test_options_and_405_list_every_method_of_the_path(ld: TestClient) -> None:
    r = ld.options("/v1/sparql")
    assert r.status_code == 204
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    r = ld.put("/v1/sparql")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert ld.options("/no/such/path").status_code == 404


@pytest.mark.parametrize(
    ("format", "query", "media"),
    [
        ("csv", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/csv"),
        ("xml", "ASK {}", "application/sparql-results+xml"),
        ("ntriples", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/n-triples"),
        ("csv", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle"),
    ],
)
def test_sparql_format_chooses_the_media_type(
    ld: TestClient, format: str, query: str, media: str
) -> None:
    r = ld.get("/v1/sparql", params={"query": query, "format": format}, headers=TURTLE)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    r = ld.post("/v1/sparql", data={"query": query, "format": format})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    r = ld.get("/v1/sparql", params={"query": query, "format": "yaml"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"


def test_a_sources_date_is_typed(ld: TestClient) -> None:
    g = rdflib.Graph().parse(data=ld.get("/v1/sources/the-paper.ttl").content)
    date = g.value(rdflib.URIRef(BASE + "source/the-paper"), rdflib.DCTERMS.date)
    assert isinstance(date, rdflib.Literal) and date.datatype is not None
    assert date.datatype.startswith(str(rdflib.XSD))


def test_the_version_iri_and_the_pages_name_the_version_served(ld: TestClient) -> None:
    from kg import dataset

    version = dataset.version()
    r = ld.get(f"/dataset/{version}", headers=TURTLE, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/.well-known/void"
    r = ld.get("/dataset/0.0.0-other", headers=TURTLE)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    void = ld.get("/.well-known/void", headers=TURTLE).text
    assert f"<{BASE}dataset/{version}>" in void
    assert ld.get("/v1/health").json()["version"] == version
    assert f'Version <a href="/.well-known/void">{version}</a>' in ld.get("/").text
