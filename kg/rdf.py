"""KnowledgeGraph <-> RDF: SKOS concepts, one property per relation type, cited statements.

The model (see DESIGN.md):

* every concept is a ``skos:Concept`` in one ``skos:ConceptScheme``, also a
  ``schema:DefinedTerm`` and an instance of a class per kind (a subclass of
  ``skos:Concept``), with ``skos:prefLabel``, ``skos:altLabel`` and ``skos:definition``
  (and ``skos:scopeNote`` for each description in ``described_as``);
* every relation is a triple with its own property (``kgo:produces`` ...), declared a
  sub-property of ``skos:broader`` or ``skos:related``; the SKOS links are also written
  out, both ways (``skos:broader``/``skos:narrower``, ``skos:related``);
* every cited assertion (each relation and each definition) is also an
  ``rdf:Statement`` whose ``prov:wasDerivedFrom`` are Web Annotation
  ``oa:SpecificResource`` s: the source, a ``oa:TextQuoteSelector`` (exact, prefix,
  suffix) and a ``oa:TextPositionSelector`` (start, end);
* sources are described with DCTERMS; their texts travel in the export, so that a dump
  alone is enough to check every quote and to read the graph back
  (:func:`graph_from_rdf`) without loss.

IRIs are stable: ``{base}concept/{id}``, ``{base}source/{id}``,
``{base}statement/{subject}/{type}/{object}`` and the vocabulary ``{base}ontology#``. A
statement is one per subject, type and object (the loader refuses a second), so its IRI
outlives edits of its note, modality and citations; a citation's IRI is named by the
passage it cites (:func:`citation_iri`). A deleted concept keeps its IRI: its tombstone
is exported deprecated (``owl:deprecated``, ``dct:isReplacedBy``).

Every term the export writes or reads is declared once, in a closed :class:`Vocabulary`:
:data:`RDF`, :data:`SKOS`, :data:`OA` ... for the standard ones, :class:`Ontology` for
the graph's own, which hangs from the base IRI (``Namespaces(base).ontology``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, compress, count
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urljoin

import pyoxigraph as ox

from kg import dataset
from kg.citations import IndexedText
from kg.errors import DataError, Problem
from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Mapping, Relation, Source, Tombstone
from kg.ontology import INSTANTIAL_TYPES, KINDS, RELATION_TYPES, in_hierarchy
from kg.schema import MATCHES

CONTEXT_CHARS = 32
"""How many characters of text around a quote go into oa:prefix and oa:suffix."""
LANG = "en"


# -- vocabularies
class Vocabulary:
    """A closed RDF vocabulary: the terms its class declares, as NamedNodes under one IRI.

    In the manner of rdflib's ``DefinedNamespace``, a subclass declares each of its terms
    as an annotated attribute (``prefLabel: ox.NamedNode``), so that a misspelt term is an
    error for mypy and an ``AttributeError`` when run; ``vocabulary["prefLabel"]`` looks a
    term up by a name known only when run, with a ``KeyError`` for one not declared.

    Each term's NamedNode is made once, with the vocabulary, and shared by every triple
    that uses it: making a NamedNode parses its IRI, which cost more than the rest of a
    triple when it was done for every triple.

    >>> SKOS.prefLabel
    <NamedNode value=http://www.w3.org/2004/02/skos/core#prefLabel>
    >>> SKOS["prefLable"]
    Traceback (most recent call last):
    ...
    KeyError: "'prefLable' is not a term of <http://www.w3.org/2004/02/skos/core#>"
    """

    iri: str
    """The namespace IRI every term's IRI starts with."""
    _declared: tuple[str, ...] = ()
    _terms: dict[str, ox.NamedNode]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        own = tuple(inspect.get_annotations(cls))
        taken = [
            name
            for name in own
            if hasattr(Vocabulary, name) or name in inspect.get_annotations(Vocabulary)
        ]
        if taken:
            raise TypeError(f"{cls.__name__} declares {taken}, which Vocabulary itself uses")
        cls._declared = (*cls._declared, *own)

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self._terms = {name: ox.NamedNode(iri + name) for name in self.names()}
        for name in self._declared:
            setattr(self, name, self._terms[name])

    @classmethod
    def names(cls) -> list[str]:
        """The local name of every term of the vocabulary."""
        return list(cls._declared)

    def __getitem__(self, name: str) -> ox.NamedNode:
        try:
            return self._terms[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a term of <{self.iri}>") from None


class _Rdf(Vocabulary):
    type: ox.NamedNode
    first: ox.NamedNode
    rest: ox.NamedNode
    nil: ox.NamedNode
    Statement: ox.NamedNode
    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode


class _Rdfs(Vocabulary):
    label: ox.NamedNode
    comment: ox.NamedNode
    subClassOf: ox.NamedNode
    subPropertyOf: ox.NamedNode


class _Owl(Vocabulary):
    Ontology: ox.NamedNode
    Class: ox.NamedNode
    ObjectProperty: ox.NamedNode
    DatatypeProperty: ox.NamedNode
    SymmetricProperty: ox.NamedNode
    inverseOf: ox.NamedNode
    versionInfo: ox.NamedNode
    versionIRI: ox.NamedNode
    deprecated: ox.NamedNode
    Axiom: ox.NamedNode
    annotatedSource: ox.NamedNode
    annotatedProperty: ox.NamedNode
    annotatedTarget: ox.NamedNode


class _Xsd(Vocabulary):
    string: ox.NamedNode
    integer: ox.NamedNode
    boolean: ox.NamedNode
    date: ox.NamedNode
    gYearMonth: ox.NamedNode
    gYear: ox.NamedNode


class _Skos(Vocabulary):
    Concept: ox.NamedNode
    ConceptScheme: ox.NamedNode
    inScheme: ox.NamedNode
    topConceptOf: ox.NamedNode
    hasTopConcept: ox.NamedNode
    prefLabel: ox.NamedNode
    altLabel: ox.NamedNode
    definition: ox.NamedNode
    scopeNote: ox.NamedNode
    broader: ox.NamedNode
    narrower: ox.NamedNode
    related: ox.NamedNode
    semanticRelation: ox.NamedNode
    exactMatch: ox.NamedNode
    closeMatch: ox.NamedNode
    relatedMatch: ox.NamedNode


class _Dcterms(Vocabulary):
    BibliographicResource: ox.NamedNode
    identifier: ox.NamedNode
    title: ox.NamedNode
    type: ox.NamedNode
    creator: ox.NamedNode
    date: ox.NamedNode
    description: ox.NamedNode
    publisher: ox.NamedNode
    license: ox.NamedNode
    rights: ox.NamedNode
    modified: ox.NamedNode
    created: ox.NamedNode
    hasVersion: ox.NamedNode
    isReplacedBy: ox.NamedNode
    references: ox.NamedNode
    isReferencedBy: ox.NamedNode
    isPartOf: ox.NamedNode
    format: ox.NamedNode
    conformsTo: ox.NamedNode
    Agent: ox.NamedNode


class _Prov(Vocabulary):
    wasDerivedFrom: ox.NamedNode


class _Oa(Vocabulary):
    SpecificResource: ox.NamedNode
    hasSource: ox.NamedNode
    hasSelector: ox.NamedNode
    TextQuoteSelector: ox.NamedNode
    exact: ox.NamedNode
    prefix: ox.NamedNode
    suffix: ox.NamedNode
    TextPositionSelector: ox.NamedNode
    start: ox.NamedNode
    end: ox.NamedNode


class _Void(Vocabulary):
    Dataset: ox.NamedNode
    inDataset: ox.NamedNode
    triples: ox.NamedNode
    entities: ox.NamedNode
    uriSpace: ox.NamedNode
    sparqlEndpoint: ox.NamedNode
    dataDump: ox.NamedNode
    vocabulary: ox.NamedNode
    rootResource: ox.NamedNode


class _Dcat(Vocabulary):
    Dataset: ox.NamedNode
    Distribution: ox.NamedNode
    DataService: ox.NamedNode
    distribution: ox.NamedNode
    downloadURL: ox.NamedNode
    accessURL: ox.NamedNode
    mediaType: ox.NamedNode
    accessService: ox.NamedNode
    endpointURL: ox.NamedNode
    servesDataset: ox.NamedNode


class _Sd(Vocabulary):
    Service: ox.NamedNode
    endpoint: ox.NamedNode
    supportedLanguage: ox.NamedNode
    SPARQL11Query: ox.NamedNode
    resultFormat: ox.NamedNode
    defaultDataset: ox.NamedNode
    Dataset: ox.NamedNode
    defaultGraph: ox.NamedNode
    Graph: ox.NamedNode


class _IsoThes(Vocabulary):
    broaderGeneric: ox.NamedNode
    narrowerGeneric: ox.NamedNode
    broaderPartitive: ox.NamedNode
    narrowerPartitive: ox.NamedNode
    broaderInstantial: ox.NamedNode
    narrowerInstantial: ox.NamedNode


class _Foaf(Vocabulary):
    Agent: ox.NamedNode
    name: ox.NamedNode


class _Schema(Vocabulary):
    DefinedTerm: ox.NamedNode
    inDefinedTermSet: ox.NamedNode
    name: ox.NamedNode
    description: ox.NamedNode
    CreativeWork: ox.NamedNode
    url: ox.NamedNode


RDF = _Rdf("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = _Rdfs("http://www.w3.org/2000/01/rdf-schema#")
OWL = _Owl("http://www.w3.org/2002/07/owl#")
XSD = _Xsd("http://www.w3.org/2001/XMLSchema#")
SKOS = _Skos("http://www.w3.org/2004/02/skos/core#")
DCT = _Dcterms("http://purl.org/dc/terms/")
PROV = _Prov("http://www.w3.org/ns/prov#")
OA = _Oa("http://www.w3.org/ns/oa#")
SCHEMA = _Schema("https://schema.org/")
VOID = _Void("http://rdfs.org/ns/void#")
DCAT = _Dcat("http://www.w3.org/ns/dcat#")
FOAF = _Foaf("http://xmlns.com/foaf/0.1/")
SD = _Sd("http://www.w3.org/ns/sparql-service-description#")
ISO_THES = _IsoThes("http://purl.org/iso25964/skos-thes#")
"""ISO 25964's SKOS extension: broader links that say which kind of hierarchy they are."""
ISO_LINKS = {
    "is_a": (ISO_THES.broaderGeneric, ISO_THES.narrowerGeneric),
    "part_of": (ISO_THES.broaderPartitive, ISO_THES.narrowerPartitive),
    "example_of": (ISO_THES.broaderInstantial, ISO_THES.narrowerInstantial),
}
"""The ISO 25964 links each relation that places a concept under another
(:func:`kg.ontology.in_hierarchy`) also writes, (broader, narrower): a client that reads
SKOS and ISO 25964 but not ``kgo:`` still tells a kind of Y (generic) from a part of Y
(partitive) and from an example of Y (instantial)."""
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
"""What the IANA's IRI of a media type starts with (``dcat:mediaType``'s range)."""


def _camel(name: str, upper: bool = False) -> str:
    parts = name.split("_")
    text = parts[0] + "".join(p.title() for p in parts[1:])
    return text[:1].upper() + text[1:] if upper else text


def kind_class(kind: str) -> str:
    """Local name of the class of a kind: ``alignment_mode`` -> ``AlignmentMode``."""
    return _camel(kind, upper=True)


def type_property(rtype: str) -> str:
    """Local name of the property of a relation type: ``is_a`` -> ``isA``."""
    return _camel(rtype)


class Ontology(Vocabulary):
    """The graph's own vocabulary (``kgo:``) under one base IRI: the properties declared
    here, and a class per kind and a property per relation type and per inverse, as
    :mod:`kg.ontology` lists them.

    >>> kgo = Namespaces("https://example.org/kg/").ontology
    >>> kgo.note
    <NamedNode value=https://example.org/kg/ontology#note>
    >>> kgo.property_of_type["is_a"]
    <NamedNode value=https://example.org/kg/ontology#isA>
    >>> kgo["Mesa"]
    Traceback (most recent call last):
    ...
    KeyError: "'Mesa' is not a term of <https://example.org/kg/ontology#>"
    """

    article: ox.NamedNode
    plural: ox.NamedNode
    position: ox.NamedNode
    text: ox.NamedNode
    textFile: ox.NamedNode
    authors: ox.NamedNode
    aliases: ox.NamedNode
    describedAs: ox.NamedNode
    note: ox.NamedNode
    modality: ox.NamedNode
    deleted: ox.NamedNode

    def __init__(self, iri: str) -> None:
        super().__init__(iri)
        self.class_of_kind = {kind: self[kind_class(kind)] for kind in KINDS}
        """The class of each kind, by kind."""
        self.property_of_type = {t: self[type_property(t)] for t in RELATION_TYPES}
        """The property of each relation type, by type."""

    @classmethod
    def names(cls) -> list[str]:
        inverses = (t.inverse_name for t in RELATION_TYPES.values() if not t.symmetric)
        return [
            *super().names(),
            *map(kind_class, KINDS),
            *map(type_property, chain(RELATION_TYPES, inverses)),
        ]


@functools.lru_cache(maxsize=8)
def _ontology(iri: str) -> Ontology:
    return Ontology(iri)


@dataclass(frozen=True)
class Namespaces:
    """The IRIs of one export, all under ``base``."""

    base: str

    @property
    def vocab(self) -> str:
        return f"{self.base}ontology#"

    @property
    def ontology(self) -> Ontology:
        """The terms of :attr:`vocab`, made once per base IRI and then shared."""
        return _ontology(self.vocab)

    @property
    def scheme(self) -> str:
        return f"{self.base}scheme"

    @property
    def concepts(self) -> str:
        """What every concept's IRI starts with."""
        return f"{self.base}concept/"

    @property
    def sources(self) -> str:
        """What every source's IRI starts with."""
        return f"{self.base}source/"

    @property
    def dataset(self) -> str:
        """The dataset the scheme is part of (VoID and DCAT); its parts are fragments."""
        return f"{self.base}dataset"

    def version(self, version: str) -> str:
        """The version IRI of one version of the dataset (``owl:versionIRI``)."""
        return f"{self.dataset}/{version}"

    @property
    def sparql_service(self) -> str:
        """The SPARQL service (``sd:Service``, ``dcat:DataService``) serving the dataset."""
        return f"{self.dataset}#sparql"

    def service(self, path: str) -> str:
        """The URL of one of the service's own paths (``/v1/sparql``), under the base IRI
        as every IRI it mints is: the service answers at the base (a local base IRI,
        ``http://host:8000/``), or behind a redirector that forwards everything under it
        (``https://w3id.org/alignment-kg/v1/sparql``, not ``https://w3id.org/v1/sparql``,
        which is outside the namespace)."""
        return urljoin(self.base, path.lstrip("/"))

    def concept(self, cid: str) -> str:
        return f"{self.concepts}{cid}"

    def source(self, sid: str) -> str:
        return f"{self.sources}{sid}"

    def relation(self, rel: Relation) -> str:
        return f"{self.base}statement/{rel.source}/{rel.type}/{rel.target}"

    def definition(self, cid: str) -> str:
        return f"{self.base}statement/{cid}/definition"

    def mapping(self, cid: str, iri: str) -> str:
        """The ``owl:Axiom`` that carries the note of concept ``cid``'s mapping to
        ``iri``: named by a digest of the IRI, so that it outlives edits of the others."""
        return f"{self.base}statement/{cid}/mapping/{hashlib.sha256(iri.encode()).hexdigest()[:16]}"

    def prefixes(self) -> dict[str, str]:
        return {
            "kg": self.concepts,
            "kgo": self.vocab,
            "kgs": self.sources,
            "skos": SKOS.iri,
            "dcterms": DCT.iri,
            "prov": PROV.iri,
            "oa": OA.iri,
            "schema": SCHEMA.iri,
            "void": VOID.iri,
            "dcat": DCAT.iri,
            "foaf": FOAF.iri,
            "sd": SD.iri,
            "isothes": ISO_THES.iri,
            "rdf": RDF.iri,
            "rdfs": RDFS.iri,
            "owl": OWL.iri,
            "xsd": XSD.iri,
        }


_TRUE = ox.Literal("true", datatype=XSD.boolean)


class _Nodes(dict[str, ox.NamedNode]):
    """``prefix + key`` as a NamedNode, made on first use and then shared."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str) -> ox.NamedNode:
        node = self[key] = ox.NamedNode(self.prefix + key)
        return node


class _Integers(dict[int, ox.Literal]):
    """``xsd:integer`` literals, made on first use and then shared."""

    def __missing__(self, key: int) -> ox.Literal:
        literal = self[key] = ox.Literal(str(key), datatype=XSD.integer)
        return literal


_DATES = [
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "date"),
    (re.compile(r"\d{4}-\d{2}"), "gYearMonth"),
    (re.compile(r"\d{4}"), "gYear"),
]


def _date(value: str) -> ox.Literal:
    """A date as the XSD type its precision has (``2019-06-05``: ``xsd:date``, ``2019``:
    ``xsd:gYear``); anything else stays a plain string.

    >>> _date("2019-06-05").datatype.value.rsplit("#")[-1], _date("spring").datatype.value
    ('date', 'http://www.w3.org/2001/XMLSchema#string')
    """
    for pattern, name in _DATES:
        if pattern.fullmatch(value):
            return ox.Literal(value, datatype=XSD[name])
    return ox.Literal(value)


def _text(value: str, lang: bool = False) -> ox.Literal:
    return ox.Literal(value, language=LANG) if lang else ox.Literal(value)


def vocabulary(ns: Namespaces) -> Iterator[ox.Triple]:
    """The classes and properties the export uses, with labels and SKOS parents."""
    t = ox.Triple
    kgo = ns.ontology
    a = RDF.type
    onto = ox.NamedNode(kgo.iri.rstrip("#"))
    yield t(onto, a, OWL.Ontology)
    yield t(onto, RDFS.label, _text("Alignment knowledge graph vocabulary", True))
    for kind in KINDS.values():
        cls = kgo.class_of_kind[kind.name]
        yield t(cls, a, OWL.Class)
        yield t(cls, RDFS.subClassOf, SKOS.Concept)
        yield t(cls, RDFS.label, _text(kind.name.replace("_", " "), True))
        yield t(cls, RDFS.comment, _text(kind.description, True))
    for rtype in RELATION_TYPES.values():
        prop = kgo.property_of_type[rtype.name]
        yield t(prop, a, OWL.ObjectProperty)
        # an instantial type is broader when stated plainly and related when hedged
        # ("can be an example of"), so its property is declared under what both refine;
        # each statement writes the SKOS link it makes (see _Triples.relation)
        instantial = rtype.name in INSTANTIAL_TYPES
        yield t(prop, RDFS.subPropertyOf, SKOS.semanticRelation if instantial else SKOS[rtype.skos])
        iso = None if instantial else ISO_LINKS.get(rtype.name)
        if iso is not None:
            yield t(prop, RDFS.subPropertyOf, iso[0])
        yield t(prop, RDFS.label, _text(rtype.name.replace("_", " "), True))
        yield t(prop, RDFS.comment, _text(rtype.description, True))
        if rtype.symmetric:
            yield t(prop, a, OWL.SymmetricProperty)
        else:
            inverse = kgo[type_property(rtype.inverse_name)]
            yield t(inverse, a, OWL.ObjectProperty)
            yield t(inverse, OWL.inverseOf, prop)
            yield t(inverse, RDFS.label, _text(rtype.inverse_name.replace("_", " "), True))
            yield t(
                inverse,
                RDFS.subPropertyOf,
                SKOS.semanticRelation
                if instantial
                else SKOS.narrower
                if rtype.hierarchical
                else SKOS.related,
            )
            if iso is not None:
                yield t(inverse, RDFS.subPropertyOf, iso[1])
    for prop, comment in [
        (kgo.article, "Article used before the label in generated sentences."),
        (kgo.plural, "Whether the label is a plural noun."),
        (kgo.position, "Order of a statement or citation in the source data."),
        (kgo.text, "The full text of a source; citation offsets count in it."),
        (kgo.textFile, "File name of a source's text in the data directory."),
        (kgo.authors, "Authors of a source, in order (an rdf:List)."),
        (kgo.aliases, "A concept's aliases in their curated order (an rdf:List)."),
        (
            kgo.describedAs,
            "How people describe a concept without its name, in everyday words, in "
            "their curated order (an rdf:List); each is also a skos:scopeNote.",
        ),
        (
            kgo.note,
            "Why or how a stated relation holds, or how a mapping (an owl:Axiom on a "
            "skos:exactMatch, closeMatch or relatedMatch) was established, in the "
            "curators' words.",
        ),
        (
            kgo.modality,
            "How a stated relation is qualified where its source hedges or "
            "denies it: can, may or does_not. A does_not statement is not asserted: "
            "neither its property nor a SKOS link is written.",
        ),
        (
            kgo.deleted,
            "The day a deprecated concept was deleted from the glossary; its IRI "
            "answers 410 Gone since.",
        ),
    ]:
        lists = prop in (kgo.authors, kgo.aliases, kgo.describedAs)
        yield t(prop, a, OWL.ObjectProperty if lists else OWL.DatatypeProperty)
        yield t(prop, RDFS.comment, _text(comment, True))


def list_cell(subject: ox.NamedNode, prop: ox.NamedNode, index: int) -> ox.BlankNode:
    """The blank node of cell ``index`` of the list ``subject prop ( ... )``: named by a
    digest of the three, the same in every export, and unique within one (one list per
    subject and property).

    >>> s = ox.NamedNode("https://example.org/kg/concept/x")
    >>> list_cell(s, SKOS.altLabel, 0) == list_cell(s, SKOS.altLabel, 0)
    True
    >>> list_cell(s, SKOS.altLabel, 0) == list_cell(s, SKOS.altLabel, 1)
    False
    """
    digest = hashlib.sha256(f"{subject.value} {prop.value} {index}".encode()).hexdigest()
    return ox.BlankNode(f"l{digest[:24]}")


def citation_iri(statement: str, citation: Citation, taken: set[str]) -> str:
    """The IRI of one citation of a statement: named by the passage it cites (source
    and offsets), not by its place in the list, so that adding, removing or reordering
    a statement's other citations leaves it as it was; a passage cited twice by the same
    statement gets ``~2`` (``~3``...) on its second (third...) citation. ``taken`` holds
    the IRIs named so far for the statement.

    >>> c = Citation(source="primer", quote="an optimizer", start=3, end=15)
    >>> taken = set()
    >>> citation_iri("https://example.org/kg/statement/x/definition", c, taken)
    'https://example.org/kg/statement/x/definition/citation/primer/3-15'
    >>> citation_iri("https://example.org/kg/statement/x/definition", c, taken)[-6:]
    '3-15~2'
    """
    first = f"{statement}/citation/{citation.source}/{citation.start}-{citation.end}"
    iri, n = first, 1
    while iri in taken:
        n += 1
        iri = f"{first}~{n}"
    taken.add(iri)
    return iri


class _Triples:
    """The triples of one graph under one base IRI, a list per source, concept or relation.

    Each concept's and source's IRI is made once and shared by every triple naming it.
    Lists rather than nested generators: ``itertools.chain`` walks them without a Python
    frame per triple, which matters at millions of triples.
    """

    def __init__(
        self, graph: KnowledgeGraph, base: str, dates: dataset.ConceptDates | None = None
    ) -> None:
        self.graph = graph
        self.dates = dates or {}
        """When each concept was created and last changed, where known."""
        self.ns = Namespaces(base)
        self.kgo = self.ns.ontology
        self.scheme = ox.NamedNode(self.ns.scheme)
        self.concepts = _Nodes(self.ns.concepts)
        self.sources = _Nodes(self.ns.sources)
        self.texts: dict[str, str] = {}
        self.numbers = _Integers()  # positions of citations: a handful of values
        self.works: dict[str, list[str]] = {}
        """The concepts that are each source's work (``Concept.work``), by source."""
        for concept in graph.concepts.values():
            if concept.work is not None:
                self.works.setdefault(concept.work, []).append(concept.id)
        self.linked: set[tuple[str, str, bool]] = set()
        """The SKOS links written so far (subject, object, broader): two relations
        between the same concepts imply the same link, written once."""

    def header(self) -> list[ox.Triple]:
        return [
            ox.Triple(self.scheme, RDF.type, SKOS.ConceptScheme),
            ox.Triple(self.scheme, DCT.title, _text(dataset.TITLE, True)),
            ox.Triple(self.scheme, VOID.inDataset, ox.NamedNode(self.ns.dataset)),
        ]

    def _list(
        self, out: list[ox.Triple], subject: ox.NamedNode, prop: ox.NamedNode, items: Iterable[str]
    ) -> None:
        """``subject prop ( items... )`` as an rdf:List of plain literals, in order.

        Each cell's blank node is named after what it is, the list of ``prop`` of
        ``subject`` and its place there (:func:`list_cell`), so that two exports of the
        same data write the same names."""
        t = ox.Triple
        head: ox.NamedNode | ox.BlankNode = RDF.nil
        cells = list(items)
        for i in reversed(range(len(cells))):
            item = cells[i]
            cell = list_cell(subject, prop, i)
            out.append(t(cell, RDF.first, ox.Literal(item)))
            out.append(t(cell, RDF.rest, head))
            head = cell
        out.append(t(subject, prop, head))

    def _citations(
        self, out: list[ox.Triple], statement: ox.NamedNode, iri: str, citations: Iterable[Citation]
    ) -> None:
        t, n, lit = ox.Triple, ox.NamedNode, ox.Literal
        # locals: this loop makes most of the triples of an export
        derived, a, specific, has_source, has_selector = (
            PROV.wasDerivedFrom,
            RDF.type,
            OA.SpecificResource,
            OA.hasSource,
            OA.hasSelector,
        )
        quote_class, exact, prefix, suffix = (OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix)
        position_class, start_p, end_p = OA.TextPositionSelector, OA.start, OA.end
        position, integer = self.kgo.position, XSD.integer
        texts, sources, numbers = self.texts, self.sources, self.numbers
        named: set[str] = set()
        for i, c in enumerate(citations):
            ann_iri = citation_iri(iri, c, named)
            ann, quote_sel, pos_sel = n(ann_iri), n(f"{ann_iri}/quote"), n(f"{ann_iri}/position")
            text = texts.get(c.source)
            if text is None:
                text = texts[c.source] = self.graph.source_text(c.source)
            start, end = c.start, c.end
            out += (
                t(statement, derived, ann),
                t(ann, a, specific),
                t(ann, has_source, sources[c.source]),
                t(ann, position, numbers[i]),
                t(ann, has_selector, quote_sel),
                t(ann, has_selector, pos_sel),
                t(quote_sel, a, quote_class),
                t(quote_sel, exact, lit(c.quote)),
                t(
                    quote_sel,
                    prefix,
                    lit(text[start - CONTEXT_CHARS if start > CONTEXT_CHARS else 0 : start]),
                ),
                t(quote_sel, suffix, lit(text[end : end + CONTEXT_CHARS])),
                t(pos_sel, a, position_class),
                t(pos_sel, start_p, lit(str(start), datatype=integer)),
                t(pos_sel, end_p, lit(str(end), datatype=integer)),
            )

    def source(self, source: Source) -> list[ox.Triple]:
        """The description of one source, with its text."""
        t, kgo = ox.Triple, self.kgo
        s = self.sources[source.id]
        out = [
            t(s, RDF.type, DCT.BibliographicResource),
            t(s, RDF.type, SCHEMA.CreativeWork),
            t(s, DCT.identifier, ox.Literal(source.id)),
            t(s, DCT.title, ox.Literal(source.title)),
            t(s, DCT.type, ox.Literal(source.kind)),
        ]
        out += (t(s, DCT.creator, ox.Literal(author)) for author in source.authors)
        self._list(out, s, kgo.authors, source.authors)
        if source.url:
            out.append(t(s, SCHEMA.url, ox.NamedNode(source.url)))
        if source.published:
            out.append(t(s, DCT.date, _date(source.published)))
        out += (
            t(s, DCT.isReferencedBy, self.concepts[cid]) for cid in self.works.get(source.id, ())
        )
        if source.text_file:
            out.append(t(s, kgo.textFile, ox.Literal(source.text_file)))
            out.append(t(s, kgo.text, ox.Literal(self.graph.source_text(source.id))))
        return out

    def named(self, concept: Concept) -> list[ox.Triple]:
        """Enough about a concept to show it by name: its types, label and scheme."""
        t = ox.Triple
        c = self.concepts[concept.id]
        return [
            t(c, RDF.type, SKOS.Concept),
            t(c, RDF.type, self.kind_class(concept.kind)),
            t(c, SKOS.prefLabel, _text(concept.label, True)),
            t(c, SKOS.inScheme, self.scheme),
        ]

    def kind_class(self, kind: str) -> ox.NamedNode:
        """The class of a kind; a graph built in code may have a kind kg.ontology lacks,
        whose class is named alike."""
        kgo = self.kgo
        return kgo.class_of_kind.get(kind) or ox.NamedNode(kgo.iri + kind_class(kind))

    def source_named(self, source: Source) -> list[ox.Triple]:
        """Enough about a source to show it by name: its type and title."""
        s = self.sources[source.id]
        return [
            ox.Triple(s, RDF.type, DCT.BibliographicResource),
            ox.Triple(s, DCT.title, ox.Literal(source.title)),
        ]

    def concept(self, concept: Concept, top: bool) -> list[ox.Triple]:
        """A concept: its types, labels, definition and cited definition statement."""
        t, kgo = ox.Triple, self.kgo
        c, scheme = self.concepts[concept.id], self.scheme
        cls = self.kind_class(concept.kind)
        out = [
            t(c, RDF.type, SKOS.Concept),
            t(c, RDF.type, SCHEMA.DefinedTerm),
            t(c, RDF.type, cls),
            t(c, SKOS.inScheme, scheme),
            t(c, SCHEMA.inDefinedTermSet, scheme),
        ]
        if top:
            out += (t(c, SKOS.topConceptOf, scheme), t(scheme, SKOS.hasTopConcept, c))
        label = _text(concept.label, True)
        out += (
            t(c, DCT.identifier, ox.Literal(concept.id)),
            t(c, SKOS.prefLabel, label),
            t(c, SCHEMA.name, label),
        )
        out += (
            t(c, SKOS.altLabel, _text(alias, True))
            for alias in concept.aliases
            if alias != concept.label
        )  # SKOS S13: a label is preferred or alternative
        self._list(out, c, kgo.aliases, concept.aliases)
        definition = _text(concept.definition, True)
        out += (t(c, SKOS.definition, definition), t(c, SCHEMA.description, definition))
        if concept.described_as:
            out += (t(c, SKOS.scopeNote, _text(d, True)) for d in concept.described_as)
            self._list(out, c, kgo.describedAs, concept.described_as)
        when = self.dates.get(concept.id)
        if when is not None:
            if when.created is not None:
                out.append(
                    t(c, DCT.created, ox.Literal(when.created.isoformat(), datatype=XSD.date))
                )
            out.append(t(c, DCT.modified, ox.Literal(when.modified.isoformat(), datatype=XSD.date)))
        if concept.work is not None:
            out.append(t(c, DCT.references, self.sources[concept.work]))
        for i, m in enumerate(concept.mappings):
            prop, other = SKOS[f"{m.match}Match"], ox.NamedNode(m.iri)
            axiom = ox.NamedNode(self.ns.mapping(concept.id, m.iri))
            out += (
                t(c, prop, other),
                t(axiom, RDF.type, OWL.Axiom),
                t(axiom, OWL.annotatedSource, c),
                t(axiom, OWL.annotatedProperty, prop),
                t(axiom, OWL.annotatedTarget, other),
                t(axiom, kgo.position, self.numbers[i]),
                t(axiom, kgo.note, _text(m.note, True)),
            )
        if concept.article is not None:
            out.append(t(c, kgo.article, ox.Literal(concept.article)))
        if concept.plural:
            out.append(t(c, kgo.plural, _TRUE))
        iri = self.ns.definition(concept.id)
        st = ox.NamedNode(iri)
        out += (
            t(st, RDF.type, RDF.Statement),
            t(st, RDF.subject, c),
            t(st, RDF.predicate, SKOS.definition),
            t(st, RDF.object, definition),
        )
        self._citations(out, st, iri, concept.citations)
        return out

    def tombstone(self, tomb: Tombstone) -> list[ox.Triple]:
        """A deleted concept: still a concept of the scheme, by its label, deprecated
        (``owl:deprecated true``), with the day it went and what replaced it, if any."""
        t = ox.Triple
        c = self.concepts[tomb.id]
        out = [
            t(c, RDF.type, SKOS.Concept),
            t(c, SKOS.inScheme, self.scheme),
            t(c, DCT.identifier, ox.Literal(tomb.id)),
            t(c, SKOS.prefLabel, _text(tomb.label, True)),
            t(c, OWL.deprecated, _TRUE),
            t(c, self.kgo.deleted, _date(tomb.deleted)),
        ]
        if tomb.replaced_by is not None:
            out.append(t(c, DCT.isReplacedBy, self.concepts[tomb.replaced_by]))
        return out

    def relation(self, rel: Relation, position: int) -> list[ox.Triple]:
        """A relation: its own property, the SKOS links both ways, and the cited statement."""
        t, kgo = ox.Triple, self.kgo
        s, o = self.concepts[rel.source], self.concepts[rel.target]
        prop = kgo.property_of_type[rel.type]
        broader = in_hierarchy(rel.type, rel.modality)
        first, second = (rel.source, rel.target) if broader else sorted((rel.source, rel.target))
        link = (first, second, broader)
        if rel.negated:
            out = []  # the statement below records the denial; nothing asserts the triple
        elif link in self.linked:
            out = [t(s, prop, o)]
        elif broader:
            out = [t(s, prop, o), t(s, SKOS.broader, o), t(o, SKOS.narrower, s)]
        else:
            out = [t(s, prop, o), t(s, SKOS.related, o), t(o, SKOS.related, s)]
        iso = ISO_LINKS.get(rel.type) if broader else None
        if iso is not None:
            out += (t(s, iso[0], o), t(o, iso[1], s))
        if not rel.negated:
            self.linked.add(link)
        iri = self.ns.relation(rel)
        st = ox.NamedNode(iri)
        out += (
            t(st, RDF.type, RDF.Statement),
            t(st, RDF.subject, s),
            t(st, RDF.predicate, prop),
            t(st, RDF.object, o),
            t(st, kgo.position, ox.Literal(str(position), datatype=XSD.integer)),
        )
        if rel.modality is not None:
            out.append(t(st, kgo.modality, ox.Literal(rel.modality)))
        if rel.note is not None:
            out.append(t(st, kgo.note, _text(rel.note, True)))
        self._citations(out, st, iri, rel.citations)
        return out


def _content(
    graph: KnowledgeGraph, base: str, dates: dataset.ConceptDates | None = None
) -> Iterator[ox.Triple]:
    """Every triple of the export of ``graph`` but the dataset's description."""
    b = _Triples(graph, base, dates)
    has_broader = {r.source for r in graph.relations if in_hierarchy(r.type, r.modality)}
    return chain(
        b.header(),
        vocabulary(b.ns),
        chain.from_iterable(map(b.source, graph.sources.values())),
        chain.from_iterable(b.concept(c, c.id not in has_broader) for c in graph.concepts.values()),
        chain.from_iterable(map(b.relation, graph.relations, count())),
        chain.from_iterable(map(b.tombstone, graph.tombstones.values())),
    )


def graph_triples(
    graph: KnowledgeGraph,
    base: str,
    modified: dt.date | None = None,
    dates: dataset.ConceptDates | None = None,
) -> Iterator[ox.Triple]:
    """Every triple of the export of ``graph`` with IRIs under ``base``, each concept's
    ``dates`` (``dct:created``, ``dct:modified``) where given, the dataset's description
    (:func:`dataset_triples`, modified on ``modified``) last.

    The description states how many triples the export holds: they are counted as they
    are written (``compress`` takes one number of ``count(1)``, never false, for each
    triple it lets through), so the description after them needs no second walk over
    the graph, which would double an export's time."""
    counter = count(1)
    content = compress(_content(graph, base, dates), counter)

    def description() -> Iterator[ox.Triple]:  # run once every triple before it is out
        yield from dataset_triples(graph, base, modified, dates, next(counter) - 1)

    return chain(content, description())


def dataset_triples(
    graph: KnowledgeGraph,
    base: str,
    modified: dt.date | None = None,
    dates: dataset.ConceptDates | None = None,
    content: int | None = None,
) -> list[ox.Triple]:
    """The VoID and DCAT description of the export of ``graph`` (facts from
    :mod:`kg.dataset`): title, publisher, licence, rights, version, ``modified`` (when
    known), the counts of triples (the whole export's, this description's included) and
    of concepts, the SPARQL endpoint and a download per format.

    ``content`` is the number of the export's other triples, when the caller counted
    them (:func:`graph_triples`); else they are counted here, by a walk over the
    export's triples (every one is written once: see ``_Triples.linked``) without
    serialising them.
    """
    t, ns = ox.Triple, Namespaces(base)
    d, a = ox.NamedNode(ns.dataset), RDF.type
    publisher = ox.NamedNode(f"{ns.dataset}#publisher")
    service = ox.NamedNode(ns.sparql_service)
    endpoint = ox.NamedNode(ns.service(dataset.SPARQL_PATH))
    out = [
        t(d, a, VOID.Dataset),
        t(d, a, DCAT.Dataset),
        t(d, DCT.title, _text(dataset.TITLE, True)),
        t(d, DCT.description, _text(dataset.DESCRIPTION, True)),
        t(d, DCT.publisher, publisher),
        t(publisher, a, FOAF.Agent),
        t(publisher, a, DCT.Agent),
        t(publisher, FOAF.name, ox.Literal(dataset.PUBLISHER)),
        t(d, DCT.license, ox.NamedNode(dataset.LICENSE)),
        t(d, DCT.rights, _text(dataset.RIGHTS, True)),
        t(d, OWL.versionInfo, ox.Literal(dataset.version())),
        t(d, OWL.versionIRI, ox.NamedNode(ns.version(dataset.version()))),
        t(d, VOID.rootResource, ox.NamedNode(ns.scheme)),
        t(d, VOID.uriSpace, ox.Literal(ns.concepts)),
        t(d, VOID.entities, ox.Literal(str(len(graph.concepts)), datatype=XSD.integer)),
        t(d, VOID.vocabulary, ox.NamedNode(ns.vocab.rstrip("#"))),
        t(d, VOID.vocabulary, ox.NamedNode(SKOS.iri.rstrip("#"))),
        t(d, VOID.sparqlEndpoint, endpoint),
        t(service, a, DCAT.DataService),
        t(service, DCAT.endpointURL, endpoint),
        t(service, DCAT.servesDataset, d),
    ]
    if modified is not None:
        out.append(t(d, DCT.modified, ox.Literal(modified.isoformat(), datatype=XSD.date)))
    for fmt in FORMATS.values():
        dump = ox.NamedNode(ns.service(f"{dataset.EXPORT_PATH}.{fmt.extension}"))
        dist = ox.NamedNode(f"{ns.dataset}#{fmt.name}")
        out += (
            t(d, VOID.dataDump, dump),
            t(d, DCAT.distribution, dist),
            t(dist, a, DCAT.Distribution),
            t(dist, DCAT.downloadURL, dump),
            t(dist, DCAT.accessURL, dump),
            t(dist, DCAT.mediaType, ox.NamedNode(MEDIA_TYPES + fmt.media_type)),
            t(dist, DCT.format, ox.Literal(fmt.media_type)),
            t(dist, DCT.license, ox.NamedNode(dataset.LICENSE)),
        )
    if content is None:
        content = sum(1 for _ in _content(graph, base, dates))
    total = content + len(out) + 1  # and the triple that states it
    out.append(t(d, VOID.triples, ox.Literal(str(total), datatype=XSD.integer)))
    return out


def concept_description(
    graph: KnowledgeGraph, cid: str, base: str, dates: dataset.ConceptDates | None = None
) -> Iterator[ox.Triple]:
    """The triples about one concept: itself (with its ``dates``, where given), its
    relations both ways, their citations, and the label, kind and scheme of each
    concept and the title of each source they name, so that a Linked Data browser can
    show the neighbours by name."""
    b = _Triples(graph, base, dates)
    concept = graph.concept(cid)
    has_broader = any(
        r.source == cid and in_hierarchy(r.type, r.modality) for r in graph.relations_of(cid)
    )
    yield from b.concept(concept, top=not has_broader)
    neighbours: dict[str, None] = {}
    sources = dict.fromkeys([*(c.source for c in concept.citations), *filter(None, [concept.work])])
    for position, rel in graph.numbered_relations_of(cid):
        yield from b.relation(rel, position)
        neighbours[rel.target if rel.source == cid else rel.source] = None
        sources.update(dict.fromkeys(c.source for c in rel.citations))
    for other in neighbours:
        if other != cid:
            yield from b.named(graph.concepts[other])
    for sid in sources:
        yield from b.source_named(graph.sources[sid])


def tombstone_description(graph: KnowledgeGraph, cid: str, base: str) -> Iterator[ox.Triple]:
    """What is left of a deleted concept (:meth:`_Triples.tombstone`), and the label of
    the concept that replaced it, if any, so that a client can follow it by name."""
    b = _Triples(graph, base)
    tomb = graph.tombstones[cid]
    yield from b.tombstone(tomb)
    replacement = graph.concepts.get(tomb.replaced_by or "")
    if replacement is not None:
        yield from b.named(replacement)


def source_description(graph: KnowledgeGraph, sid: str, base: str) -> Iterator[ox.Triple]:
    """The triples about one source: its description and its text."""
    return iter(_Triples(graph, base).source(graph.source(sid)))


def ontology_triples(base: str) -> Iterator[ox.Triple]:
    """The graph's vocabulary (``{base}ontology``): its classes and properties."""
    return vocabulary(Namespaces(base))


# -- serialisation
@dataclass(frozen=True)
class RdfFormat:
    """A serialisation the service offers."""

    name: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()


FORMATS = {
    "turtle": RdfFormat("turtle", "text/turtle", "ttl", ("ttl",)),
    "jsonld": RdfFormat("jsonld", "application/ld+json", "jsonld", ("json-ld",)),
    "ntriples": RdfFormat("ntriples", "application/n-triples", "nt", ("nt", "n-triples")),
    "rdfxml": RdfFormat("rdfxml", "application/rdf+xml", "rdf", ("xml", "rdf", "rdf/xml")),
}


FORMATS_BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS.values()}


def rdf_format(name: str) -> RdfFormat | None:
    """The format called ``name`` (or one of its aliases), if any."""
    key = name.strip().lower()
    return FORMATS.get(key) or next((f for f in FORMATS.values() if key in f.aliases), None)


_OX = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def json_ld_context(base: str) -> dict[str, Any]:
    """The JSON-LD context published with the export.

    Every term but ``aliases`` and ``describedAs`` (ordered lists, ``@list``) is a
    ``@set``: its values are always an array, one value or several, so every node of a
    kind has one shape (JSON-LD processors compacting with this context agree).
    """
    ns = Namespaces(base)
    prefixes = ns.prefixes()

    def compact(term: ox.NamedNode) -> str:
        """``term`` as ``prefix:name``, by the longest namespace it starts with."""
        label, iri = max(
            ((label, iri) for label, iri in prefixes.items() if term.value.startswith(iri)),
            key=lambda li: len(li[1]),
        )
        return f"{label}:{term.value[len(iri) :]}"

    def lang(term: ox.NamedNode) -> dict[str, str]:
        return {"@id": compact(term), "@language": LANG, "@container": "@set"}

    def link(term: ox.NamedNode) -> dict[str, str]:
        return {"@id": compact(term), "@type": "@id", "@container": "@set"}

    def plain(term: ox.NamedNode) -> dict[str, str]:
        return {"@id": compact(term), "@container": "@set"}

    def typed(term: ox.NamedNode, datatype: ox.NamedNode) -> dict[str, str]:
        return {"@id": compact(term), "@type": compact(datatype), "@container": "@set"}

    kgo = ns.ontology
    ctx: dict[str, Any] = dict(prefixes)
    ctx.update(
        {
            "id": "@id",
            "type": {"@id": "@type", "@container": "@set"},
            "prefLabel": lang(SKOS.prefLabel),
            "altLabel": lang(SKOS.altLabel),
            "definition": lang(SKOS.definition),
            "scopeNote": lang(SKOS.scopeNote),
            "broader": link(SKOS.broader),
            "narrower": link(SKOS.narrower),
            "related": link(SKOS.related),
            "inScheme": link(SKOS.inScheme),
            "topConceptOf": link(SKOS.topConceptOf),
            "hasTopConcept": link(SKOS.hasTopConcept),
            "identifier": plain(DCT.identifier),
            "name": lang(SCHEMA.name),
            "description": lang(SCHEMA.description),
            "inDefinedTermSet": link(SCHEMA.inDefinedTermSet),
            "broaderGeneric": link(ISO_THES.broaderGeneric),
            "narrowerGeneric": link(ISO_THES.narrowerGeneric),
            "broaderPartitive": link(ISO_THES.broaderPartitive),
            "narrowerPartitive": link(ISO_THES.narrowerPartitive),
            "broaderInstantial": link(ISO_THES.broaderInstantial),
            "narrowerInstantial": link(ISO_THES.narrowerInstantial),
            "exactMatch": link(SKOS.exactMatch),
            "closeMatch": link(SKOS.closeMatch),
            "relatedMatch": link(SKOS.relatedMatch),
            "references": link(DCT.references),
            "created": typed(DCT.created, XSD.date),
            "modified": typed(DCT.modified, XSD.date),
            "deprecated": typed(OWL.deprecated, XSD.boolean),
            "isReplacedBy": link(DCT.isReplacedBy),
            "deleted": typed(kgo.deleted, XSD.date),
            "aliases": {"@id": compact(kgo.aliases), "@container": "@list"},
            "describedAs": {"@id": compact(kgo.describedAs), "@container": "@list"},
            "article": plain(kgo.article),
            "plural": typed(kgo.plural, XSD.boolean),
            "exact": plain(OA.exact),
            "prefix": plain(OA.prefix),
            "suffix": plain(OA.suffix),
            "hasSource": link(OA.hasSource),
            "hasSelector": link(OA.hasSelector),
            "wasDerivedFrom": link(PROV.wasDerivedFrom),
        }
    )
    for rtype, prop in ns.ontology.property_of_type.items():
        ctx[type_property(rtype)] = link(prop)
    return {"@context": ctx}


_CONCEPT_TERMS = (
    "type",
    "prefLabel",
    "altLabel",
    "definition",
    "scopeNote",
    "inScheme",
    "topConceptOf",
    "broader",
    "narrower",
    "related",
    "identifier",
    "name",
    "description",
    "inDefinedTermSet",
    "aliases",
    "describedAs",
    "article",
    "plural",
    "broaderGeneric",
    "narrowerGeneric",
    "broaderPartitive",
    "narrowerPartitive",
    "broaderInstantial",
    "narrowerInstantial",
    "exactMatch",
    "closeMatch",
    "relatedMatch",
    "references",
    "created",
    "modified",
    "deprecated",
    "isReplacedBy",
    "deleted",
)
"""The context's terms every concept of the JSON-LD has (an empty array without a
value), with a term per relation type."""


def _terms(context: dict[str, Any]) -> dict[str, tuple[str, dict[str, str]]]:
    """The context's terms by the full IRI of their property: (term, definition)."""
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and ":" in v}
    terms: dict[str, tuple[str, dict[str, str]]] = {}
    for name, definition in context.items():
        if isinstance(definition, dict) and not definition["@id"].startswith("@"):
            prefix, _, local = definition["@id"].partition(":")
            terms[prefixes[prefix] + local] = (name, definition)
    return terms


def _json_ld_nodes(triples: Iterable[ox.Triple], context: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes of ``triples`` in the order their subjects first come, each with its
    keys sorted and every value an array; rdf:List cells (the only blank nodes) inlined
    where they are used. Every concept has every key a concept may have (an empty array
    where it has no value), so that every concept has the same shape."""
    prefixes = sorted(
        ((iri, p) for p, iri in context.items() if isinstance(iri, str) and ":" in iri),
        key=lambda ip: -len(ip[0]),
    )
    terms = _terms(context)

    def compact(iri: str) -> str:
        return next((f"{p}:{iri[len(ns) :]}" for ns, p in prefixes if iri.startswith(ns)), iri)

    nodes: dict[str, dict[str, list[Any]]] = {}
    cells: dict[str, dict[str, Any]] = {}
    for tr in triples:
        s, p, o = tr.subject, tr.predicate, tr.object
        if isinstance(s, ox.BlankNode):
            cells.setdefault(s.value, {})[p.value] = o
        elif isinstance(s, ox.NamedNode):
            nodes.setdefault(s.value, {}).setdefault(p.value, []).append(o)

    def items(head: Any) -> list[Any]:
        out = []
        while isinstance(head, ox.BlankNode):
            cell = cells[head.value]
            out.append(cell[RDF.first.value].value)
            head = cell[RDF.rest.value]
        return out

    def value(o: Any, definition: dict[str, str] | None) -> Any:
        coerced = definition or {}
        if isinstance(o, ox.NamedNode):
            return compact(o.value) if coerced.get("@type") == "@id" else {"id": compact(o.value)}
        if isinstance(o, ox.BlankNode):
            return {"@list": items(o)}
        if o.language:
            if coerced.get("@language") == o.language:
                return o.value
            return {"@value": o.value, "@language": o.language}
        datatype = compact(o.datatype.value)
        if datatype == "xsd:string" and "@type" not in coerced:
            return o.value
        if coerced.get("@type") == datatype:
            return o.value
        return {"@value": o.value, "@type": datatype}

    concept_keys = [*_CONCEPT_TERMS, *map(type_property, RELATION_TYPES)]
    out = []
    for subject, properties in nodes.items():
        node: dict[str, Any] = {"id": compact(subject)}
        types = [compact(t.value) for t in properties.pop(RDF.type.value, [])]
        if types:
            node["type"] = types
        for iri, objects in properties.items():
            name, definition = terms.get(iri, (compact(iri), {}))
            if definition.get("@container") == "@list":
                if len(objects) == 1 and isinstance(objects[0], ox.BlankNode | ox.NamedNode):
                    node[name] = items(objects[0])  # rdf:nil: the empty list
                    continue
                name, definition = compact(iri), {}  # not one list: by IRI, as it is
            node[name] = [value(o, definition) for o in objects]
        if "skos:Concept" in types:
            for name in concept_keys:
                node.setdefault(name, [])
        out.append({key: node[key] for key in sorted(node)})
    return out


Output = IO[bytes] | str | os.PathLike[str]
"""Where :func:`write` and :func:`export_to` can write: a binary file object or a path."""

XML_CR = "&#13;"
"""How XML must write a carriage return: XML parsers read a raw one (or CR LF) as a line
feed (XML 1.0, section 2.11), and Oxigraph's RDF/XML writer leaves CR raw. The other
controls XML 1.0 cannot carry at all never reach a literal: the loader refuses them in
every text the export carries (``_CONTROL`` in :mod:`kg.rules`)."""


class _XmlCarriageReturns:
    """A binary output that writes each CR of RDF/XML as :data:`XML_CR`. The writer
    puts no CR in markup, and in UTF-8 the byte is never part of another character,
    so every CR it writes is one of a literal."""

    def __init__(self, output: IO[bytes]) -> None:
        self.output = output

    def write(self, data: bytes) -> int:
        self.output.write(data.replace(b"\r", XML_CR.encode()))
        return len(data)

    def flush(self) -> None:
        self.output.flush()


def serialize(triples: Iterable[ox.Triple], fmt: str, base: str) -> bytes:
    """Serialise ``triples`` in format ``fmt`` (a key of :data:`FORMATS`).

    JSON-LD is compacted with the published context (:func:`json_ld_context`), so that it
    reads as plain JSON; rdflib does the compaction, Oxigraph everything else.
    """
    if fmt == "jsonld":
        return _json_ld(triples, base)
    data = ox.serialize(triples, None, _OX[fmt], prefixes=Namespaces(base).prefixes())
    assert data is not None
    return data.replace(b"\r", XML_CR.encode()) if fmt == "rdfxml" else data


def _json_ld(triples: Iterable[ox.Triple], base: str) -> bytes:
    """JSON-LD compacted with the published context, written the same way every time
    (nodes in the order of the triples, keys sorted, every value an array)."""
    context = json_ld_context(base)["@context"]
    document = {"@context": context, "@graph": _json_ld_nodes(triples, context)}
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")


def write(triples: Iterable[ox.Triple], fmt: str, base: str, output: Output) -> None:
    """Like :func:`serialize`, but written to ``output`` as the triples come.

    Only Oxigraph's write buffer is held, never the whole text, so memory does not grow
    with the graph (except for JSON-LD: rdflib compacts it in memory).

    >>> import io
    >>> out = io.BytesIO()
    >>> x = ox.NamedNode("https://example.org/kg/concept/x")
    >>> write([ox.Triple(x, SKOS.prefLabel, ox.Literal("x"))], "turtle",
    ...       "https://example.org/kg/", out)
    >>> out.getvalue().splitlines()[-1]
    b'kg:x skos:prefLabel "x" .'
    """
    if fmt == "jsonld":
        data = _json_ld(triples, base)
        if isinstance(output, str | os.PathLike):
            Path(output).write_bytes(data)
        else:
            output.write(data)
        return
    prefixes = Namespaces(base).prefixes()
    if fmt != "rdfxml":
        ox.serialize(triples, output, _OX[fmt], prefixes=prefixes)
    elif isinstance(output, str | os.PathLike):
        with open(output, "wb") as out:
            write(triples, fmt, base, out)
    else:
        escaped = cast(IO[bytes], _XmlCarriageReturns(output))
        ox.serialize(triples, escaped, _OX[fmt], prefixes=prefixes)


def export(
    graph: KnowledgeGraph,
    fmt: str,
    base: str,
    modified: dt.date | None = None,
    dates: dataset.ConceptDates | None = None,
) -> bytes:
    """The whole graph in format ``fmt``, with the dataset's description."""
    return serialize(graph_triples(graph, base, modified, dates), fmt, base)


def export_to(
    graph: KnowledgeGraph,
    fmt: str,
    base: str,
    output: Output,
    modified: dt.date | None = None,
    dates: dataset.ConceptDates | None = None,
) -> None:
    """Write the whole graph in format ``fmt`` to ``output`` without holding it in memory."""
    write(graph_triples(graph, base, modified, dates), fmt, base, output)


# -- reading an export back
_KIND_OF_CLASS = {kind_class(k): k for k in KINDS}
_MATCH_OF = {f"{m}Match": m for m in MATCHES}
_TYPE_OF_PROPERTY = {type_property(t): t for t in RELATION_TYPES}


def _value(term: Any) -> str:
    return str(term.value)


class _Reader:
    def __init__(self, store: ox.Store, base: str) -> None:
        self.store = store
        self.ns = Namespaces(base)
        self.kgo = self.ns.ontology
        self.problems: list[Problem] = []

    def objects(self, s: Any, p: ox.NamedNode) -> list[Any]:
        return [q.object for q in self.store.quads_for_pattern(s, p, None)]

    def one(self, s: Any, p: ox.NamedNode) -> Any | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def subjects(self, p: ox.NamedNode, o: Any) -> list[Any]:
        return [q.subject for q in self.store.quads_for_pattern(None, p, o)]

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, 0, message))

    def local(self, iri: str, prefix: str) -> str | None:
        return iri[len(prefix) :] if iri.startswith(prefix) else None

    def items(self, head: Any) -> list[str]:
        names: list[str] = []
        while head is not None and not (isinstance(head, ox.NamedNode) and head == RDF.nil):
            first = self.one(head, RDF.first)
            if first is None or len(names) > 1000:
                break
            names.append(_value(first))
            head = self.one(head, RDF.rest)
        return names

    def sources(self) -> tuple[dict[str, Source], dict[str, str]]:
        sources: dict[str, Source] = {}
        texts: dict[str, str] = {}
        for s in self.subjects(RDF.type, DCT.BibliographicResource):
            sid = self.local(s.value, self.ns.sources)
            if sid is None:
                continue
            url, date = self.one(s, SCHEMA.url), self.one(s, DCT.date)
            text_file, text = self.one(s, self.kgo.textFile), self.one(s, self.kgo.text)
            sources[sid] = Source(
                id=sid,
                title=_value(self.one(s, DCT.title) or ox.Literal("")),
                kind=_value(self.one(s, DCT.type) or ox.Literal("")),
                authors=tuple(self.items(self.one(s, self.kgo.authors))),
                url=_value(url) if url else None,
                published=_value(date) if date else None,
                text_file=_value(text_file) if text_file else None,
            )
            if text is not None:
                texts[sid] = _value(text)
        return sources, texts

    def citations(self, statement: Any, texts: dict[str, IndexedText]) -> tuple[Citation, ...]:
        found: list[tuple[int, Citation]] = []
        for ann in self.objects(statement, PROV.wasDerivedFrom):
            source = self.one(ann, OA.hasSource)
            sid = self.local(source.value, self.ns.sources) if source else None
            exact = start = end = None
            for sel in self.objects(ann, OA.hasSelector):
                exact = exact or self.one(sel, OA.exact)
                start = start or self.one(sel, OA.start)
                end = end or self.one(sel, OA.end)
            position = self.one(ann, self.kgo.position)
            if sid is None or sid not in texts or exact is None or start is None or end is None:
                self.fail(ann.value, "citation lacks a source with text, a quote or offsets")
                continue
            c = Citation(
                source=sid, quote=_value(exact), start=int(_value(start)), end=int(_value(end))
            )
            if texts[sid].original[c.start : c.end] != c.quote:
                self.fail(
                    ann.value,
                    f"quote {c.quote[:60]!r} is not at {c.start}:{c.end} of source {sid!r}",
                )
                continue
            found.append((int(_value(position)) if position else len(found), c))
        return tuple(c for _, c in sorted(found, key=lambda pc: pc[0]))

    def concepts(self, texts: dict[str, IndexedText]) -> dict[str, Concept]:
        concepts: dict[str, Concept] = {}
        for c in self.subjects(RDF.type, SKOS.Concept):
            cid = self.local(c.value, self.ns.concepts)
            if cid is None or self.one(c, OWL.deprecated) is not None:
                continue
            kinds = [
                k
                for cls in self.objects(c, RDF.type)
                if (k := _KIND_OF_CLASS.get(self.local(cls.value, self.kgo.iri) or ""))
            ]
            label, definition = self.one(c, SKOS.prefLabel), self.one(c, SKOS.definition)
            if len(kinds) != 1 or label is None or definition is None:
                self.fail(c.value, "concept needs one kind, a prefLabel and a definition")
                continue
            article = self.one(c, self.kgo.article)
            plural = self.one(c, self.kgo.plural)
            work = self.one(c, DCT.references)
            concepts[cid] = Concept(
                id=cid,
                label=_value(label),
                kind=kinds[0],
                aliases=tuple(
                    self.items(self.one(c, self.kgo.aliases))
                    or sorted(_value(a) for a in self.objects(c, SKOS.altLabel))
                ),
                definition=_value(definition),
                described_as=tuple(
                    self.items(self.one(c, self.kgo.describedAs))
                    or sorted(_value(d) for d in self.objects(c, SKOS.scopeNote))
                ),
                citations=self.citations(ox.NamedNode(self.ns.definition(cid)), texts),
                article=_value(article) if article is not None else None,
                plural=plural is not None and _value(plural) == "true",
                work=self.local(work.value, self.ns.sources) if work is not None else None,
                mappings=self.mappings(c),
            )
        return concepts

    def mappings(self, c: Any) -> tuple[Mapping, ...]:
        found: list[tuple[int, Mapping]] = []
        for axiom in self.subjects(OWL.annotatedSource, c):
            prop, other = (
                self.one(axiom, OWL.annotatedProperty),
                self.one(axiom, OWL.annotatedTarget),
            )
            note, position = self.one(axiom, self.kgo.note), self.one(axiom, self.kgo.position)
            match = self.local(prop.value, SKOS.iri) if prop is not None else None
            if match not in _MATCH_OF or other is None or note is None:
                continue
            mapping = Mapping(match=_MATCH_OF[match], iri=_value(other), note=_value(note))
            found.append((int(_value(position)) if position else len(found), mapping))
        return tuple(m for _, m in sorted(found, key=lambda pm: pm[0]))

    def tombstones(self) -> list[Tombstone]:
        found: list[Tombstone] = []
        for c in self.subjects(OWL.deprecated, _TRUE):
            cid = self.local(c.value, self.ns.concepts)
            label, deleted = self.one(c, SKOS.prefLabel), self.one(c, self.kgo.deleted)
            if cid is None or label is None or deleted is None:
                self.fail(c.value, "a deprecated concept needs a prefLabel and a deletion day")
                continue
            replaced = self.one(c, DCT.isReplacedBy)
            found.append(
                Tombstone(
                    id=cid,
                    label=_value(label),
                    deleted=_value(deleted),
                    replaced_by=self.local(replaced.value, self.ns.concepts) if replaced else None,
                )
            )
        return found

    def relations(self, texts: dict[str, IndexedText]) -> list[Relation]:
        found: list[tuple[int, Relation]] = []
        for st in self.subjects(RDF.type, RDF.Statement):
            pred = self.one(st, RDF.predicate)
            rtype = (
                _TYPE_OF_PROPERTY.get(self.local(pred.value, self.kgo.iri) or "")
                if isinstance(pred, ox.NamedNode)
                else None
            )
            if rtype is None:
                continue
            s, o = self.one(st, RDF.subject), self.one(st, RDF.object)
            source = self.local(s.value, self.ns.concepts) if s else None
            target = self.local(o.value, self.ns.concepts) if o else None
            position = self.one(st, self.kgo.position)
            if source is None or target is None:
                self.fail(st.value, "statement lacks its subject or object concept")
                continue
            note = self.one(st, self.kgo.note)
            modality = self.one(st, self.kgo.modality)
            if modality is not None and _value(modality) not in RELATION_TYPES[rtype].modal:
                self.fail(st.value, f"modality {_value(modality)!r} is not one {rtype} allows")
                continue
            rel = Relation(
                source=source,
                type=rtype,
                target=target,
                citations=self.citations(st, texts),
                note=_value(note) if note is not None else None,
                modality=_value(modality) if modality is not None else None,
            )
            found.append((int(_value(position)) if position else len(found), rel))
        return [r for _, r in sorted(found, key=lambda pr: pr[0])]


def graph_from_rdf(data: bytes | str, fmt: str, base: str) -> KnowledgeGraph:
    """Read an export (as written by :func:`export`) back into a KnowledgeGraph.

    Every citation is checked against the source text carried in the export; problems
    are raised together as :class:`~kg.errors.DataError`.
    """
    store = ox.Store()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if fmt == "jsonld":
            import rdflib  # here: only reading JSON-LD needs it, and a start skips its import

            graph = rdflib.Graph()
            graph.parse(data=raw, format="json-ld")
            raw, fmt = graph.serialize(format="nt", encoding="utf-8"), "ntriples"
        store.bulk_load(raw, _OX[fmt])
    except (SyntaxError, ValueError) as e:
        raise DataError([Problem("<rdf>", 0, f"cannot parse {fmt}: {e}")]) from e
    reader = _Reader(store, base)
    sources, raw_texts = reader.sources()
    texts = {sid: IndexedText.build(t) for sid, t in raw_texts.items()}
    concepts = reader.concepts(texts)
    relations = reader.relations(texts)
    for rel in relations:
        for end in (rel.source, rel.target):
            if end not in concepts:
                reader.fail(reader.ns.relation(rel), f"relation names unknown concept {end!r}")
    tombstones = reader.tombstones()
    if reader.problems:
        raise DataError(reader.problems)
    return KnowledgeGraph(sources, raw_texts, concepts, relations, tombstones=tombstones)


_SAFE = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")


def is_safe_base(base: str) -> bool:
    """Whether ``base`` can prefix IRIs: absolute, no spaces, ending in / or #."""
    return bool(_SAFE.match(base)) and "://" in base and base.endswith(("/", "#"))
