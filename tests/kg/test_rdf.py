from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate
from rdflib.compare import isomorphic

from kg.citations import normalize_text
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.rdf import FORMATS, export, graph_from_rdf

BASE = "https://example.org/kg/"
SHAPES = Path(__file__).resolve().parents[2] / "kg" / "shapes.ttl"
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def turtle(shipped: KnowledgeGraph) -> bytes:
    return export(shipped, "turtle", BASE)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_is_lossless(shipped: KnowledgeGraph, fmt: str) -> None:
    back = graph_from_rdf(export(shipped, fmt, BASE), fmt, BASE)
    assert back.content() == shipped.content()


def test_round_trip_of_the_fixture(good: KnowledgeGraph) -> None:
    back = graph_from_rdf(export(good, "ntriples", BASE), "ntriples", BASE)
    assert back.content() == good.content()


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml"])
def test_rdflib_and_oxigraph_read_the_same_graph(shipped: KnowledgeGraph, fmt: str) -> None:
    data = export(shipped, fmt, BASE)
    by_rdflib = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    nt = ox.serialize(ox.parse(data, FORMATS_OX[fmt]), None, ox.RdfFormat.N_TRIPLES)
    by_oxigraph = rdflib.Graph().parse(data=nt, format="nt")
    assert len(by_rdflib) == len(by_oxigraph) > 5000
    assert isomorphic(by_rdflib, by_oxigraph)


FORMATS_OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
              "rdfxml": ox.RdfFormat.RDF_XML}


def test_json_ld_is_the_same_graph(shipped: KnowledgeGraph, turtle: bytes) -> None:
    jsonld = rdflib.Graph().parse(data=export(shipped, "jsonld", BASE), format="json-ld")
    assert isomorphic(jsonld, rdflib.Graph().parse(data=turtle, format="turtle"))


def test_every_exact_quote_is_verbatim_in_its_source(turtle: bytes,
                                                      shipped: KnowledgeGraph) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    rows = list(g.query("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?source ?exact ?start ?end WHERE {
            ?ann oa:hasSource ?source ; oa:hasSelector ?q, ?p .
            ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }"""))
    assert len(rows) >= 200
    for source, exact, start, end in rows:
        sid = str(source).rsplit("/", 1)[1]
        text = shipped.source_text(sid)
        assert text[int(start):int(end)] == str(exact)
        assert normalize_text(str(exact)) in normalize_text(text)


def _shacl(data: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, _graph, text = validate(data, shacl_graph=shapes, advanced=True)
    return bool(conforms), str(text)


def test_export_conforms_to_the_shapes(turtle: bytes) -> None:
    conforms, report = _shacl(rdflib.Graph().parse(data=turtle, format="turtle"))
    assert conforms, report


PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://example.org/kg/concept/>
"""


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ('INSERT DATA { kg:mesa-optimizer skos:altLabel "mesa-optimizer"@en }', "altLabel"),
        ('INSERT DATA { kg:mesa-optimizer skos:prefLabel "mesa optimizer two"@en }',
         "prefLabel"),
        ("INSERT DATA { kg:mesa-optimizer skos:related kg:optimizer }", "S27"),
        # the transitive case: related to a concept two broader steps up
        ("INSERT DATA { kg:corrigible-alignment skos:related kg:alignment-problem . "
         "kg:robust-alignment skos:broader kg:alignment-problem }", "S27"),
        ("INSERT DATA { kg:optimizer skos:broader kg:mesa-optimizer }", "cycle"),
        ("DELETE { ?s prov:wasDerivedFrom ?a } WHERE { ?s prov:wasDerivedFrom ?a . "
         "FILTER(STRENDS(STR(?s), '/produces/mesa-optimizer')) }", "cited"),
        ('INSERT { ?q oa:exact "a second quote" } WHERE { ?q a oa:TextQuoteSelector } ',
         "exact"),
    ],
)
def test_shapes_catch_violations(turtle: bytes, update: str, message: str) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    g.update(PREFIXES + update)
    conforms, report = _shacl(g)
    assert not conforms
    assert message in report


def test_import_rejects_a_quote_that_is_not_at_its_offsets(turtle: bytes) -> None:
    text = turtle.decode()
    tampered = text.replace('oa:exact "A “mesa-optimizer” is a learned algorithm that is itself '
                            'an optimizer."', 'oa:exact "A mesa-optimizer is a kind of wizard."', 1)
    assert tampered != text
    with pytest.raises(DataError) as caught:
        graph_from_rdf(tampered, "turtle", BASE)
    assert "is not at" in str(caught.value)


def test_import_rejects_garbage() -> None:
    with pytest.raises(DataError):
        graph_from_rdf(b"this is not turtle", "turtle", BASE)
