from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate
from rdflib.compare import isomorphic

from kg.browse import top_concepts
from kg.citations import normalize_text
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Relation, Source, Tombstone
from kg.rdf import (
    FORMATS,
    Namespaces,
    concept_description,
    export,
    export_to,
    graph_from_rdf,
    graph_triples,
)

BASE = "https://example.org/kg/"
SHAPES = Path(__file__).resolve().parents[2] / "kg" / "shapes.ttl"
SMALL_EXPORT = Path(__file__).resolve().parents[1] / "data" / "rdf" / "small-graph.txt"
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


FORMATS_OX = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def test_json_ld_is_the_same_graph(shipped: KnowledgeGraph, turtle: bytes) -> None:
    jsonld = rdflib.Graph().parse(data=export(shipped, "jsonld", BASE), format="json-ld")
    assert isomorphic(jsonld, rdflib.Graph().parse(data=turtle, format="turtle"))


def test_every_exact_quote_is_verbatim_in_its_source(
    turtle: bytes, shipped: KnowledgeGraph
) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    rows: list[Any] = list(
        g.query("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?source ?exact ?start ?end WHERE {
            ?ann oa:hasSource ?source ; oa:hasSelector ?q, ?p .
            ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }""")
    )
    assert len(rows) >= 200
    for source, exact, start, end in rows:
        sid = str(source).rsplit("/", 1)[1]
        text = shipped.source_text(sid)
        assert text[int(start) : int(end)] == str(exact)
        assert normalize_text(str(exact)) in normalize_text(text)


def _shacl(data: rdflib.Graph) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    conforms, _graph, text = validate(data, shacl_graph=shapes, advanced=True)
    return bool(conforms), str(text)


def test_export_conforms_to_the_shapes(turtle: bytes) -> None:
    conforms, report = _shacl(rdflib.Graph().parse(data=turtle, format="turtle"))
    assert conforms, report


def test_an_export_with_tombstones_conforms_and_reads_back(small: KnowledgeGraph) -> None:
    data = export(small, "turtle", BASE)
    conforms, report = _shacl(rdflib.Graph().parse(data=data, format="turtle"))
    assert conforms, report
    back = graph_from_rdf(data, "turtle", BASE)
    assert back.tombstones == small.tombstones and back.concepts == small.concepts


def test_the_shapes_declare_the_namespaces_of_the_export() -> None:
    # shapes.ttl is standalone Turtle, so it declares its own prefixes; kg.rdf is where
    # each namespace IRI is written, and the shapes must agree with it
    prefixes = Namespaces(BASE).prefixes()
    declared = dict(
        re.findall(r"^@prefix\s+(\w+):\s+<([^>]*)>", SHAPES.read_text("utf-8"), re.MULTILINE)
    )
    ours = {p: iri for p, iri in declared.items() if p not in ("sh", "kgsh")}
    assert ours and ours == {p: prefixes[p] for p in ours}
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    sparql = {
        str(shapes.value(d, sh.prefix)): str(shapes.value(d, sh.namespace))
        for d in shapes.objects(None, sh.declare)
    }
    assert sparql and sparql == {p: prefixes[p] for p in sparql}


PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX kg: <https://example.org/kg/concept/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
"""


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ('INSERT DATA { kg:mesa-optimizer skos:altLabel "mesa-optimizer"@en }', "altLabel"),
        ('INSERT DATA { kg:mesa-optimizer skos:prefLabel "mesa optimizer two"@en }', "prefLabel"),
        ("INSERT DATA { kg:mesa-optimizer skos:related kg:optimizer }", "S27"),
        # the transitive case: related to a concept two broader steps up
        (
            "INSERT DATA { kg:goal-misgeneralization skos:related kg:alignment-problem . "
            "kg:inner-misalignment skos:broader kg:alignment-problem }",
            "S27",
        ),
        ("INSERT DATA { kg:optimizer skos:broader kg:mesa-optimizer }", "cycle"),
        (
            "DELETE { ?s prov:wasDerivedFrom ?a } WHERE { ?s prov:wasDerivedFrom ?a . "
            "FILTER(STRENDS(STR(?s), '/produces/mesa-optimizer')) }",
            "cited",
        ),
        ('INSERT { ?q oa:exact "a second quote" } WHERE { ?q a oa:TextQuoteSelector } ', "exact"),
        ("DELETE WHERE { kg:optimizer skos:definition ?d }", "not deprecated has a definition"),
        # a tombstone: deprecated, replaced by one concept, with no links of a live one
        (
            "INSERT DATA { kg:gone a skos:Concept ; owl:deprecated true ; "
            "dcterms:isReplacedBy kg:optimizer, kg:mesa-optimizer }",
            "replaced by one concept at most",
        ),
        (
            "INSERT DATA { kg:optimizer owl:deprecated true }",  # still defined and linked
            "a tombstone keeps no definition",
        ),
        (
            "INSERT DATA { kg:gone a skos:Concept ; owl:deprecated true ; "
            "dcterms:isReplacedBy <https://example.org/elsewhere> }",
            "replaced by one concept at most",
        ),
        # the dataset's metadata
        ("DELETE WHERE { ?d dcterms:license ?l }", "one licence, by IRI"),
        ('INSERT { ?d dcterms:license "CC BY" } WHERE { ?d a void:Dataset }', "one licence"),
        ("DELETE WHERE { ?d owl:versionInfo ?v }", "has one version"),
        ("DELETE WHERE { ?x dcat:mediaType ?m }", "download URL and a media type"),
        ("DELETE WHERE { ?d void:sparqlEndpoint ?e }", "names its SPARQL endpoint"),
        ('INSERT DATA { kg:optimizer skos:exactMatch "wikidata Q1" }', "a mapping is an IRI"),
        ('INSERT DATA { kg:optimizer dcterms:modified "2025" }', "modification day is one"),
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
    tampered = text.replace(
        'oa:exact "A “mesa-optimizer” is a learned algorithm that is itself an optimizer."',
        'oa:exact "A mesa-optimizer is a kind of wizard."',
        1,
    )
    assert tampered != text
    with pytest.raises(DataError) as caught:
        graph_from_rdf(tampered, "turtle", BASE)
    assert "is not at" in str(caught.value)


def test_import_rejects_garbage() -> None:
    with pytest.raises(DataError):
        graph_from_rdf(b"this is not turtle", "turtle", BASE)


# -- the exact triples, and streaming
TEXT = (
    "A mesa-optimizer is a learned model that is itself an optimizer. "
    'Humans are "mesa-optimizers" of evolution \\ natural selection.\nThey say: «plan ahead».'
)


def _cite(quote: str) -> Citation:
    start = TEXT.index(quote)
    return Citation(source="primer", quote=quote, start=start, end=start + len(quote))


@pytest.fixture(scope="module")
def small() -> KnowledgeGraph:
    """Every branch of the export: lists, a label among the aliases, article, plural, a
    source without text, hierarchical and symmetric relations, several citations, quotes
    at the start of the text and with characters that need escaping."""
    sources = {
        "primer": Source(
            id="primer",
            title="A primer",
            kind="faq",
            authors=("Ann", "Bo"),
            url="https://example.org/primer",
            published="2021",
            text_file="primer.txt",
        ),
        "paper": Source(id="paper", title="Risks", kind="paper"),
    }
    concepts = {
        "optimizer": Concept(
            id="optimizer",
            label="optimizer",
            kind="optimizer",
            definition="Something that searches.",
            citations=(_cite("itself an optimizer"),),
        ),
        "mesa-optimizer": Concept(
            id="mesa-optimizer",
            label="mesa-optimizer",
            kind="optimizer",
            aliases=("mesa-optimiser", "mesa-optimizer"),
            article="a",
            definition='A learned "optimizer".',
            citations=(_cite("A mesa-optimizer is a learned model"), _cite("«plan ahead»")),
        ),
        "humans": Concept(
            id="humans",
            label="humans",
            kind="example",
            plural=True,
            definition="People.",
            citations=(_cite('Humans are "mesa-optimizers"'),),
        ),
        "evolution": Concept(
            id="evolution",
            label="evolution",
            kind="optimizer",
            definition="Natural selection.",
            citations=(_cite("evolution \\ natural selection"),),
        ),
    }
    relations = [
        Relation(
            source="mesa-optimizer",
            type="is_a",
            target="optimizer",
            citations=(_cite("A mesa-optimizer is a learned model that is itself an optimizer."),),
        ),
        Relation(
            source="humans",
            type="example_of",
            target="mesa-optimizer",
            citations=(
                _cite('Humans are "mesa-optimizers" of evolution \\ natural selection.\nThey'),
                _cite("Humans"),
            ),
        ),
        Relation(
            source="humans",
            type="contrasts_with",
            target="evolution",
            citations=(_cite("evolution"),),
        ),
    ]
    tombstones = [
        Tombstone(id="old-optimizer", label="old optimizer", deleted="2026-01-02"),
        Tombstone(
            id="mesa-optimiser",
            label="mesa-optimiser",
            deleted="2026-03-04",
            replaced_by="mesa-optimizer",
        ),
    ]
    return KnowledgeGraph(sources, {"primer": TEXT}, concepts, relations, tombstones=tombstones)


def _lines(triples: Iterable[ox.Triple]) -> list[str]:
    """The triples in order, IRIs shortened by the export's prefixes, blank nodes numbered
    by first use, the vocabulary and the dataset's description (tested on its own, and
    holding the version) left out."""
    prefixes = sorted(
        ((ns, p) for p, ns in Namespaces(BASE).prefixes().items()), key=lambda np: -len(np[0])
    )
    blanks: dict[str, int] = {}

    def short(match: re.Match[str]) -> str:
        iri = match.group(1)
        return next(
            (f"{p}:{iri[len(ns) :]}" for ns, p in prefixes if iri.startswith(ns)), match.group(0)
        )

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return f"_:b{blanks.setdefault(t.value, len(blanks))}"
        return re.sub(r"<([^>]*)>", short, str(t))

    return [
        " ".join(term(x) for x in (t.subject, t.predicate, t.object))
        for t in triples
        if not str(t.subject).startswith((f"<{BASE}ontology", f"<{BASE}dataset"))
    ]


def test_export_of_a_small_graph_is_exactly_the_reviewed_triples(small: KnowledgeGraph) -> None:
    # The export as it was before the triples were built for speed, in order. After a
    # deliberate change of the model, write _lines(graph_triples(small, BASE)) to the file
    # and review its diff.
    expected = SMALL_EXPORT.read_text("utf-8").splitlines()
    assert _lines(graph_triples(small, BASE)) == expected


def test_concept_description_is_the_export_about_one_concept(small: KnowledgeGraph) -> None:
    def named(triples: Iterable[ox.Triple]) -> set[str]:
        return {
            str(t)
            for t in triples
            if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        }

    everything = named(graph_triples(small, BASE))
    about = named(concept_description(small, "humans", BASE))
    assert about < everything
    subjects = {t.split(" ")[0] for t in about}
    assert f"<{BASE}concept/humans>" in subjects
    assert {s for s in subjects if "/statement/" in s and "/citation/" not in s} == {
        f"<{BASE}statement/humans/{end}>"
        for end in ("definition", "example_of/mesa-optimizer", "contrasts_with/evolution")
    }


def _unblank(data: bytes) -> bytes:
    names: dict[bytes, int] = {}
    return re.sub(
        rb"(_:|nodeID=\")([A-Za-z0-9]+)",
        lambda m: m.group(1) + b"b%d" % names.setdefault(m.group(2), len(names)),
        data,
    )


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_to_writes_what_export_returns(
    small: KnowledgeGraph, fmt: str, tmp_path: Path
) -> None:
    whole = export(small, fmt, BASE)
    buffer = io.BytesIO()
    export_to(small, fmt, BASE, buffer)
    export_to(small, fmt, BASE, tmp_path / "out")
    if fmt == "jsonld":

        def parsed(data: bytes) -> rdflib.Graph:
            return rdflib.Graph().parse(data=data, format="json-ld")

        assert isomorphic(parsed(buffer.getvalue()), parsed(whole))
        assert isomorphic(parsed((tmp_path / "out").read_bytes()), parsed(whole))
    else:
        assert _unblank(buffer.getvalue()) == _unblank(whole)
        assert _unblank((tmp_path / "out").read_bytes()) == _unblank(whole)


CONTROL_TEXT = "A primer,\r\nwritten\twith a CR\rhere and\na line feed.\r\n"


def _controls() -> tuple[KnowledgeGraph, set[str]]:
    """A graph with a carriage return, a tab and a line feed (and CR LF) in every kind of
    literal that can hold them, and the literals it must read back as."""

    def cite(quote: str) -> Citation:
        start = CONTROL_TEXT.index(quote)
        return Citation(source="primer", quote=quote, start=start, end=start + len(quote))

    sources = {
        "primer": Source(
            id="primer",
            title="A\rprimer\tin\nparts",
            kind="faq",
            authors=("Ann\r\nBo",),
            text_file="primer.txt",
        )
    }
    concepts = {
        "x": Concept(
            id="x",
            label="ex\rone",
            kind="optimizer",
            aliases=("ex\tone", "ex\none"),
            definition="Defined\rwith\r\na CR.",
            citations=(cite("written\twith a CR\rhere"),),
        ),
        "y": Concept(
            id="y",
            label="why",
            kind="optimizer",
            definition="Y.",
            citations=(cite("A primer,\r\nwritten"),),
        ),
    }
    relations = [
        Relation(
            source="x",
            type="is_a",
            target="y",
            note="Noted\r\n\there.",
            citations=(cite("here and\na line feed.\r\n"),),
        )
    ]
    expected = {
        CONTROL_TEXT,
        "A\rprimer\tin\nparts",
        "Ann\r\nBo",
        "ex\rone",
        "ex\tone",
        "ex\none",
        "Defined\rwith\r\na CR.",
        "Noted\r\n\there.",
        "written\twith a CR\rhere",
        "A primer,\r\nwritten",
        "here and\na line feed.\r\n",
        "A primer,\r\nwritten\twith a CR\r",
        " and\na line feed.\r\n",
    }  # oa:prefix, suffix
    return KnowledgeGraph(sources, {"primer": CONTROL_TEXT}, concepts, relations), expected


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_carriage_returns_tabs_and_line_feeds_read_back_exactly(fmt: str, tmp_path: Path) -> None:
    """XML parsers read a raw CR as a line feed: RDF/XML writes it as &#13;, and every
    format, read by rdflib, gives back each literal exactly."""
    graph, expected = _controls()
    buffer = io.BytesIO()
    export_to(graph, fmt, BASE, buffer)
    export_to(graph, fmt, BASE, tmp_path / "out")
    for data in (export(graph, fmt, BASE), buffer.getvalue(), (tmp_path / "out").read_bytes()):
        parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
        literals = {str(o) for o in parsed.objects() if isinstance(o, rdflib.Literal)}
        assert expected <= literals, expected - literals
        if fmt == "rdfxml":
            assert b"\r" not in data and b"&#13;" in data
        assert graph_from_rdf(data, fmt, BASE).content() == graph.content()


def test_is_a_and_part_of_stay_distinguishable_as_iso_25964_links(
    shipped: KnowledgeGraph, turtle: bytes
) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    iso = rdflib.Namespace("http://purl.org/iso25964/skos-thes#")
    kg = rdflib.Namespace(f"{BASE}concept/")

    def pairs(rtype: str) -> set[tuple[rdflib.URIRef, rdflib.URIRef]]:
        return {
            (kg[r.source], kg[r.target])
            for r in shipped.relations
            if r.type == rtype and not r.negated
        }

    generic, partitive = pairs("is_a"), pairs("part_of")
    assert generic and partitive
    assert set(g.subject_objects(iso.broaderGeneric)) == generic
    assert set(g.subject_objects(iso.broaderPartitive)) == partitive
    assert {(o, s) for s, o in g.subject_objects(iso.narrowerGeneric)} == generic
    assert {(o, s) for s, o in g.subject_objects(iso.narrowerPartitive)} == partitive
    # the vocabulary says so too, for a reasoner: kgo:isA is a generic broader link
    kgo = rdflib.Namespace(f"{BASE}ontology#")
    assert (kgo.isA, rdflib.RDFS.subPropertyOf, iso.broaderGeneric) in g
    assert (kgo.partOf, rdflib.RDFS.subPropertyOf, iso.broaderPartitive) in g


def test_an_example_is_an_instantial_broader_link_unless_hedged(
    shipped: KnowledgeGraph, turtle: bytes
) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    iso = rdflib.Namespace("http://purl.org/iso25964/skos-thes#")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    kg = rdflib.Namespace(f"{BASE}concept/")
    examples = [r for r in shipped.relations if r.type == "example_of"]
    hedged = {(kg[r.source], kg[r.target]) for r in examples if r.modality == "can"}
    denied = {(kg[r.source], kg[r.target]) for r in examples if r.negated}
    plain = {(kg[r.source], kg[r.target]) for r in examples if r.modality is None}
    assert plain and hedged and denied
    assert set(g.subject_objects(iso.broaderInstantial)) == plain
    assert {(o, s) for s, o in g.subject_objects(iso.narrowerInstantial)} == plain
    assert plain <= set(g.subject_objects(skos.broader))
    for s, o in hedged:
        assert (s, skos.related, o) in g and (s, skos.broader, o) not in g
    for s, o in denied:
        assert (s, skos.related, o) not in g and (s, skos.broader, o) not in g
    # kgo:exampleOf is neither broader nor related for a reasoner, as it can be either
    kgo = rdflib.Namespace(f"{BASE}ontology#")
    assert set(g.objects(kgo.exampleOf, rdflib.RDFS.subPropertyOf)) == {skos.semanticRelation}


def test_the_top_concepts_are_the_concepts_with_nothing_broader(
    shipped: KnowledgeGraph, turtle: bytes
) -> None:
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    scheme = rdflib.URIRef(f"{BASE}scheme")
    live = {rdflib.URIRef(f"{BASE}concept/{c}") for c in shipped.concepts}
    tops = set(g.subjects(skos.topConceptOf, scheme))
    assert tops == set(g.objects(scheme, skos.hasTopConcept))
    assert tops == {c for c in live if (c, skos.broader, None) not in g}
    assert tops == {rdflib.URIRef(f"{BASE}concept/{c}") for c in top_concepts(shipped)}
    # and the shapes say so: a top concept that has a broader one does not conform
    some = min(live - tops)
    g.add((some, skos.topConceptOf, scheme))
    g.add((scheme, skos.hasTopConcept, some))
    conforms, report = _shacl(g)
    assert not conforms and "top concept" in report
