"""Links out (issue 21, findings 7 and 9): a concept's mappings to other vocabularies
(skos:exactMatch, closeMatch, relatedMatch, each with how it was established) and the
2019 paper's concept linked to its bibliographic source (dct:references), checked by
the loader and shown in the JSON, the RDF and the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.load import load_files
from kg.rdf import export, graph_from_rdf
from kg.store import data_files
from tests.conftest import ROOT

BASE = "https://example.org/kg/"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
PAPER = "risks-from-learned-optimization"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServerSettings(data_dir=ROOT / "data", base_iri=BASE)))


def test_the_shipped_mappings_and_the_paper_are_in_the_json(client: TestClient) -> None:
    inner = client.get("/v1/concepts/inner-alignment").json()
    assert [(m["match"], m["iri"]) for m in inner["mappings"]] == [
        ("close", "https://aisafety.info/questions/8PYW"),
        ("exact", "https://www.lesswrong.com/tag/inner-alignment"),
    ]
    assert inner["work"] is None
    paper = client.get(f"/v1/concepts/{PAPER}").json()
    assert paper["work"] == PAPER
    assert ("exact", "https://arxiv.org/abs/1906.01820") in {
        (m["match"], m["iri"]) for m in paper["mappings"]
    }
    assert all(m["note"] for m in inner["mappings"] + paper["mappings"])


def test_every_lesswrong_mapping_is_a_tag_with_its_evidence(client: TestClient) -> None:
    concepts = client.get("/v1/concepts?limit=500").json()["items"]
    found = {}
    for item in concepts:
        for m in client.get(f"/v1/concepts/{item['id']}").json()["mappings"]:
            if "lesswrong.com" in m["iri"]:
                found[item["id"]] = m
    assert len(found) == 7
    for m in found.values():
        assert m["iri"].startswith("https://www.lesswrong.com/tag/")
        assert "without opening LessWrong itself" in m["note"]  # says how it was established
    # a tag about people's inner conflicts is not the paper's internalization
    assert "internal-alignment" not in found


def test_the_rdf_links_out_and_the_paper_both_ways(client: TestClient) -> None:
    g = rdflib.Graph().parse(data=client.get("/v1/export.ttl").text, format="turtle")
    concept, source = (
        rdflib.URIRef(f"{BASE}concept/{PAPER}"),
        rdflib.URIRef(f"{BASE}source/{PAPER}"),
    )
    assert (concept, SKOS.exactMatch, rdflib.URIRef("https://arxiv.org/abs/1906.01820")) in g
    assert (concept, DCT.references, source) in g
    assert (source, DCT.isReferencedBy, concept) in g
    inner = rdflib.URIRef(f"{BASE}concept/inner-alignment")
    assert (inner, SKOS.closeMatch, rdflib.URIRef("https://aisafety.info/questions/8PYW")) in g
    # the concept's own description names the source it references, by title
    one = rdflib.Graph().parse(data=client.get(f"/v1/concepts/{PAPER}.ttl").text, format="turtle")
    assert one.value(source, DCT.title) is not None


def test_mappings_and_work_read_back_from_every_format(shipped: KnowledgeGraph) -> None:
    for fmt in ("turtle", "jsonld", "ntriples", "rdfxml"):
        back = graph_from_rdf(export(shipped, fmt, BASE), fmt, BASE)
        assert back.concept(PAPER) == shipped.concept(PAPER), fmt
        assert (
            back.concept("inner-alignment").mappings == shipped.concept("inner-alignment").mappings
        )


def test_the_page_shows_the_work_and_the_mappings(client: TestClient) -> None:
    page = client.get(f"/concepts/{PAPER}").text
    assert f'href="/sources/{PAPER}"' in page
    assert 'href="https://arxiv.org/abs/1906.01820"' in page
    assert "Exact match" in page
    assert "Close match" in client.get("/concepts/inner-alignment").text


def _with(cid: str, old: bytes, new: bytes) -> dict[str, bytes]:
    files = dict(data_files(ROOT / "data"))
    path = f"concepts/{cid}.yaml"
    assert old in files[path]
    files[path] = files[path].replace(old, new, 1)
    return files


IRI = b"'https://aisafety.info/questions/8PYW'"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (IRI, b"'aisafety.info/questions/8PYW'", "is not an absolute http(s) IRI"),
        (IRI, b"'ftp://example.org/x'", "is not an absolute http(s) IRI"),
        (IRI, b"'https://example.org/a b'", "is not an absolute http(s) IRI"),
        (
            b"\ncitations:\n",
            b"\n  - {match: related, iri: " + IRI + b", note: again}\ncitations:\n",
            "https://aisafety.info/questions/8PYW is mapped twice",
        ),
    ],
)
def test_kg_validate_refuses_a_mapping_that_is_not_an_absolute_iri(
    old: bytes, new: bytes, message: str
) -> None:
    with pytest.raises(DataError, match=re.escape(message)):
        load_files(_with("inner-alignment", old, new))


def test_kg_validate_refuses_an_unknown_match_a_missing_note_and_a_wrong_work() -> None:
    files = _with("inner-alignment", b"  - match: close\n", b"  - match: closer\n")
    with pytest.raises(DataError, match="match 'closer' must be"):
        load_files(files)
    files = _with("inner-alignment", b"    note: 'AISafety", b"    nota: 'AISafety")
    with pytest.raises(DataError, match="mapping lacks required field 'note'"):
        load_files(files)
    files = _with(PAPER, b"work: risks-from-learned-optimization", b"work: risks-of-learned")
    with pytest.raises(DataError, match="work 'risks-of-learned' is not a source"):
        load_files(files)
    files = _with("inner-alignment", b"mappings:\n", b"work: what-is-inner-alignment\nmappings:\n")
    with pytest.raises(DataError, match="only a concept of kind 'work'"):
        load_files(files)


def test_an_edit_over_http_keeps_the_mappings(tmp_path: Path) -> None:
    from kg.store import SqliteStore

    path = tmp_path / "kg.sqlite3"
    store = SqliteStore.create(path, ROOT / "data")
    secret = store.create_token("ed", ("concepts:write",))[1]
    store.close()
    settings = ServerSettings(store_path=path, data_dir=ROOT / "data")
    with TestClient(create_app(settings)) as c:
        etag = c.get("/v1/concepts/inner-alignment/record").headers["etag"]
        r = c.patch(
            "/v1/concepts/inner-alignment",
            json={"aliases": ["inner alignment problem", "the inner alignment problem"]},
            headers={
                "Authorization": f"Bearer {secret}",
                "If-Match": etag,
                "Content-Type": "application/merge-patch+json",
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["mappings"][0]["iri"] == "https://aisafety.info/questions/8PYW"
        assert c.get("/v1/concepts/inner-alignment").json()["mappings"][0]["match"] == "close"
