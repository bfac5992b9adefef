"""KnowledgeGraph <-> RDF: SKOS concepts, one property per relation type, cited statements.

The model (see DESIGN.md):

* every concept is a ``skos:Concept`` in one ``skos:ConceptScheme``, also a
  ``schema:DefinedTerm`` and an instance of a class per kind (a subclass of
  ``skos:Concept``), with ``skos:prefLabel``, ``skos:altLabel`` and ``skos:definition``;
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
``{base}statement/{subject}/{type}/{object}`` and the vocabulary ``{base}ontology#``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
import rdflib

from kg.citations import IndexedText
from kg.errors import DataError, Problem
from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Relation, Source
from kg.ontology import KINDS, RELATION_TYPES

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"

CONTEXT_CHARS = 32
"""How many characters of text around a quote go into oa:prefix and oa:suffix."""
LANG = "en"


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


@dataclass(frozen=True)
class Namespaces:
    """The IRIs of one export, all under ``base``."""

    base: str

    @property
    def vocab(self) -> str:
        return f"{self.base}ontology#"

    @property
    def scheme(self) -> str:
        return f"{self.base}scheme"

    def concept(self, cid: str) -> str:
        return f"{self.base}concept/{cid}"

    def source(self, sid: str) -> str:
        return f"{self.base}source/{sid}"

    def relation(self, rel: Relation) -> str:
        return f"{self.base}statement/{rel.source}/{rel.type}/{rel.target}"

    def definition(self, cid: str) -> str:
        return f"{self.base}statement/{cid}/definition"

    def prefixes(self) -> dict[str, str]:
        return {"kg": f"{self.base}concept/", "kgo": self.vocab, "kgs": f"{self.base}source/",
                "skos": SKOS, "dcterms": DCT, "prov": PROV, "oa": OA, "schema": SCHEMA,
                "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class _Terms:
    """The IRIs every export repeats, as NamedNodes made once per base IRI.

    Making a NamedNode parses its IRI, which cost more than the rest of a triple when it
    was done for every triple; these are shared by all the triples (and exports) that
    use them. Built on first use (:func:`_terms`), not when the module is imported.
    """

    def __init__(self, base: str) -> None:
        n = ox.NamedNode
        ns = Namespaces(base)
        v = ns.vocab
        self.ns = ns
        self.integer, self.boolean = n(f"{XSD}integer"), n(f"{XSD}boolean")
        self.true = ox.Literal("true", datatype=self.boolean)
        self.type, self.first, self.rest, self.nil = (
            n(f"{RDF}{name}") for name in ("type", "first", "rest", "nil"))
        self.statement, self.subject, self.predicate, self.object = (
            n(f"{RDF}{name}") for name in ("Statement", "subject", "predicate", "object"))
        (self.concept, self.concept_scheme, self.in_scheme, self.top_concept_of,
         self.has_top_concept, self.pref_label, self.alt_label, self.definition, self.broader,
         self.narrower, self.related) = (
            n(f"{SKOS}{name}") for name in (
                "Concept", "ConceptScheme", "inScheme", "topConceptOf", "hasTopConcept",
                "prefLabel", "altLabel", "definition", "broader", "narrower", "related"))
        (self.defined_term, self.in_defined_term_set, self.name, self.description,
         self.creative_work, self.url) = (
            n(f"{SCHEMA}{name}") for name in (
                "DefinedTerm", "inDefinedTermSet", "name", "description", "CreativeWork", "url"))
        (self.bibliographic_resource, self.identifier, self.title, self.dc_type, self.creator,
         self.date) = (
            n(f"{DCT}{name}") for name in (
                "BibliographicResource", "identifier", "title", "type", "creator", "date"))
        self.was_derived_from = n(f"{PROV}wasDerivedFrom")
        (self.specific_resource, self.has_source, self.has_selector, self.text_quote_selector,
         self.exact, self.prefix, self.suffix, self.text_position_selector, self.start,
         self.end) = (
            n(f"{OA}{name}") for name in (
                "SpecificResource", "hasSource", "hasSelector", "TextQuoteSelector", "exact",
                "prefix", "suffix", "TextPositionSelector", "start", "end"))
        (self.position, self.aliases, self.authors, self.article, self.plural, self.text,
         self.text_file, self.note, self.modality) = (
            n(v + name) for name in (
                "position", "aliases", "authors", "article", "plural", "text", "textFile",
                "note", "modality"))
        self.scheme = n(ns.scheme)
        self.kind_classes = {k: n(v + kind_class(k)) for k in KINDS}
        self.properties = {t: n(v + type_property(t)) for t in RELATION_TYPES}
        self.hierarchical = frozenset(t for t, r in RELATION_TYPES.items() if r.hierarchical)


@functools.lru_cache(maxsize=8)
def _terms(base: str) -> _Terms:
    return _Terms(base)


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

    def __init__(self, integer: ox.NamedNode) -> None:
        super().__init__()
        self.integer = integer

    def __missing__(self, key: int) -> ox.Literal:
        literal = self[key] = ox.Literal(str(key), datatype=self.integer)
        return literal


def _text(value: str, lang: bool = False) -> ox.Literal:
    return ox.Literal(value, language=LANG) if lang else ox.Literal(value)


def vocabulary(ns: Namespaces) -> Iterator[ox.Triple]:
    """The classes and properties the export uses, with labels and SKOS parents."""
    t = ox.Triple
    v = ns.vocab
    a = _terms(ns.base).type
    onto = _n(v.rstrip("#"))
    yield t(onto, a, _n(f"{OWL}Ontology"))
    yield t(onto, _n(f"{RDFS}label"), _text("Alignment knowledge graph vocabulary", True))
    for kind in KINDS.values():
        cls = _n(v + kind_class(kind.name))
        yield t(cls, a, _n(f"{OWL}Class"))
        yield t(cls, _n(f"{RDFS}subClassOf"), _n(f"{SKOS}Concept"))
        yield t(cls, _n(f"{RDFS}label"), _text(kind.name.replace("_", " "), True))
        yield t(cls, _n(f"{RDFS}comment"), _text(kind.description, True))
    for rtype in RELATION_TYPES.values():
        prop = _n(v + type_property(rtype.name))
        yield t(prop, a, _n(f"{OWL}ObjectProperty"))
        yield t(prop, _n(f"{RDFS}subPropertyOf"), _n(SKOS + rtype.skos))
        yield t(prop, _n(f"{RDFS}label"), _text(rtype.name.replace("_", " "), True))
        yield t(prop, _n(f"{RDFS}comment"), _text(rtype.description, True))
        if rtype.symmetric:
            yield t(prop, a, _n(f"{OWL}SymmetricProperty"))
        else:
            inverse = _n(v + type_property(rtype.inverse_name))
            yield t(inverse, a, _n(f"{OWL}ObjectProperty"))
            yield t(inverse, _n(f"{OWL}inverseOf"), prop)
            yield t(inverse, _n(f"{RDFS}label"), _text(rtype.inverse_name.replace("_", " "), True))
            narrower = "narrower" if rtype.hierarchical else "related"
            yield t(inverse, _n(f"{RDFS}subPropertyOf"), _n(SKOS + narrower))
    for name, comment in [("article", "Article used before the label in generated sentences."),
                          ("plural", "Whether the label is a plural noun."),
                          ("position", "Order of a statement or citation in the source data."),
                          ("text", "The full text of a source; citation offsets count in it."),
                          ("textFile", "File name of a source's text in the data directory."),
                          ("authors", "Authors of a source, in order (an rdf:List)."),
                          ("aliases", "A concept's aliases in their curated order (an rdf:List)."
                           ),
                          ("note", "Why or how a stated relation holds, in the curators' words."),
                          ("modality", "How a stated relation is qualified where its source "
                           "hedges or denies it: can, may or does_not. A does_not statement "
                           "is not asserted: neither its property nor a SKOS link is written."
                           )]:
        prop = _n(v + name)
        yield t(prop, a, _n(f"{OWL}DatatypeProperty" if name not in ("authors", "aliases")
                            else f"{OWL}ObjectProperty"))
        yield t(prop, _n(f"{RDFS}comment"), _text(comment, True))


class _Triples:
    """The triples of one graph under one base IRI, a list per source, concept or relation.

    Each concept's and source's IRI is made once and shared by every triple naming it.
    Lists rather than nested generators: ``itertools.chain`` walks them without a Python
    frame per triple, which matters at millions of triples.
    """

    def __init__(self, graph: KnowledgeGraph, base: str) -> None:
        self.graph = graph
        self.terms = _terms(base)
        self.concepts = _Nodes(f"{base}concept/")
        self.sources = _Nodes(f"{base}source/")
        self.statements = f"{base}statement/"
        self.texts: dict[str, str] = {}
        k = self.terms
        self.numbers = _Integers(k.integer)  # positions of citations: a handful of values
        self._citation_terms = (
            k.was_derived_from, k.type, k.specific_resource, k.has_source, k.position,
            k.has_selector, k.text_quote_selector, k.exact, k.prefix, k.suffix,
            k.text_position_selector, k.start, k.end, k.integer)

    def header(self) -> list[ox.Triple]:
        k = self.terms
        return [ox.Triple(k.scheme, k.type, k.concept_scheme),
                ox.Triple(k.scheme, k.title, _text("AI-alignment glossary", True))]

    def _list(self, out: list[ox.Triple], subject: ox.NamedNode, prop: ox.NamedNode,
              items: Iterable[str]) -> None:
        """``subject prop ( items... )`` as an rdf:List of plain literals, in order."""
        t, k = ox.Triple, self.terms
        head: ox.NamedNode | ox.BlankNode = k.nil
        for item in reversed(list(items)):
            cell = ox.BlankNode()
            out.append(t(cell, k.first, ox.Literal(item)))
            out.append(t(cell, k.rest, head))
            head = cell
        out.append(t(subject, prop, head))

    def _citations(self, out: list[ox.Triple], statement: ox.NamedNode, iri: str,
                   citations: Iterable[Citation]) -> None:
        t, n, lit = ox.Triple, ox.NamedNode, ox.Literal
        (derived, a, specific, has_source, position, has_selector, quote_class, exact, prefix,
         suffix, position_class, start_p, end_p, integer) = self._citation_terms
        texts, sources, numbers = self.texts, self.sources, self.numbers
        for i, c in enumerate(citations):
            ann_iri = f"{iri}/citation/{i}"
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
                t(quote_sel, prefix, lit(text[start - CONTEXT_CHARS if start > CONTEXT_CHARS
                                              else 0:start])),
                t(quote_sel, suffix, lit(text[end:end + CONTEXT_CHARS])),
                t(pos_sel, a, position_class),
                t(pos_sel, start_p, lit(str(start), datatype=integer)),
                t(pos_sel, end_p, lit(str(end), datatype=integer)),
            )

    def source(self, source: Source) -> list[ox.Triple]:
        """The description of one source, with its text."""
        t, k = ox.Triple, self.terms
        s = self.sources[source.id]
        out = [t(s, k.type, k.bibliographic_resource), t(s, k.type, k.creative_work),
               t(s, k.identifier, ox.Literal(source.id)), t(s, k.title, ox.Literal(source.title)),
               t(s, k.dc_type, ox.Literal(source.kind))]
        out += (t(s, k.creator, ox.Literal(author)) for author in source.authors)
        self._list(out, s, k.authors, source.authors)
        if source.url:
            out.append(t(s, k.url, _n(source.url)))
        if source.published:
            out.append(t(s, k.date, ox.Literal(source.published)))
        if source.text_file:
            out.append(t(s, k.text_file, ox.Literal(source.text_file)))
            out.append(t(s, k.text, ox.Literal(self.graph.source_text(source.id))))
        return out

    def concept(self, concept: Concept, top: bool) -> list[ox.Triple]:
        """A concept: its types, labels, definition and cited definition statement."""
        t, k = ox.Triple, self.terms
        c, scheme = self.concepts[concept.id], k.scheme
        cls = k.kind_classes.get(concept.kind) or _n(k.ns.vocab + kind_class(concept.kind))
        out = [t(c, k.type, k.concept), t(c, k.type, k.defined_term), t(c, k.type, cls),
               t(c, k.in_scheme, scheme), t(c, k.in_defined_term_set, scheme)]
        if top:
            out += (t(c, k.top_concept_of, scheme), t(scheme, k.has_top_concept, c))
        label = _text(concept.label, True)
        out += (t(c, k.identifier, ox.Literal(concept.id)), t(c, k.pref_label, label),
                t(c, k.name, label))
        out += (t(c, k.alt_label, _text(alias, True)) for alias in concept.aliases
                if alias != concept.label)  # SKOS S13: a label is preferred or alternative
        self._list(out, c, k.aliases, concept.aliases)
        definition = _text(concept.definition, True)
        out += (t(c, k.definition, definition), t(c, k.description, definition))
        if concept.article is not None:
            out.append(t(c, k.article, ox.Literal(concept.article)))
        if concept.plural:
            out.append(t(c, k.plural, k.true))
        iri = f"{self.statements}{concept.id}/definition"
        st = ox.NamedNode(iri)
        out += (t(st, k.type, k.statement), t(st, k.subject, c),
                t(st, k.predicate, k.definition), t(st, k.object, definition))
        self._citations(out, st, iri, concept.citations)
        return out

    def relation(self, rel: Relation, position: int) -> list[ox.Triple]:
        """A relation: its own property, the SKOS links both ways, and the cited statement."""
        t, k = ox.Triple, self.terms
        s, o = self.concepts[rel.source], self.concepts[rel.target]
        prop = k.properties[rel.type]
        if rel.negated:
            out = []  # the statement below records the denial; nothing asserts the triple
        elif rel.type in k.hierarchical:
            out = [t(s, prop, o), t(s, k.broader, o), t(o, k.narrower, s)]
        else:
            out = [t(s, prop, o), t(s, k.related, o), t(o, k.related, s)]
        iri = f"{self.statements}{rel.source}/{rel.type}/{rel.target}"
        st = ox.NamedNode(iri)
        out += (t(st, k.type, k.statement), t(st, k.subject, s), t(st, k.predicate, prop),
                t(st, k.object, o),
                t(st, k.position, ox.Literal(str(position), datatype=k.integer)))
        if rel.modality is not None:
            out.append(t(st, k.modality, ox.Literal(rel.modality)))
        if rel.note is not None:
            out.append(t(st, k.note, _text(rel.note, True)))
        self._citations(out, st, iri, rel.citations)
        return out


def graph_triples(graph: KnowledgeGraph, base: str) -> Iterator[ox.Triple]:
    """Every triple of the export of ``graph`` with IRIs under ``base``."""
    b = _Triples(graph, base)
    hierarchical = b.terms.hierarchical
    has_broader = {r.source for r in graph.relations if r.type in hierarchical and not r.negated}
    return chain(
        b.header(), vocabulary(b.terms.ns),
        chain.from_iterable(map(b.source, graph.sources.values())),
        chain.from_iterable(b.concept(c, c.id not in has_broader)
                            for c in graph.concepts.values()),
        chain.from_iterable(map(b.relation, graph.relations, count())))


def concept_description(graph: KnowledgeGraph, cid: str, base: str) -> Iterator[ox.Triple]:
    """The triples about one concept: itself, its relations both ways, their citations."""
    b = _Triples(graph, base)
    concept = graph.concept(cid)
    hierarchical = b.terms.hierarchical
    has_broader = any(r.source == cid and r.type in hierarchical and not r.negated
                      for r in graph.relations_of(cid))
    yield from b.concept(concept, top=not has_broader)
    for position, rel in graph.numbered_relations_of(cid):
        yield from b.relation(rel, position)

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


_OX = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
       "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


def json_ld_context(base: str) -> dict[str, Any]:
    """The JSON-LD context published with the export."""
    ns = Namespaces(base)
    ctx: dict[str, Any] = dict(ns.prefixes())
    ctx.update({
        "id": "@id", "type": "@type",
        "prefLabel": {"@id": "skos:prefLabel", "@language": LANG},
        "altLabel": {"@id": "skos:altLabel", "@language": LANG, "@container": "@set"},
        "definition": {"@id": "skos:definition", "@language": LANG},
        "broader": {"@id": "skos:broader", "@type": "@id"},
        "narrower": {"@id": "skos:narrower", "@type": "@id"},
        "related": {"@id": "skos:related", "@type": "@id"},
        "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
        "exact": "oa:exact", "prefix": "oa:prefix", "suffix": "oa:suffix",
        "hasSource": {"@id": "oa:hasSource", "@type": "@id"},
        "hasSelector": {"@id": "oa:hasSelector", "@type": "@id"},
        "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    })
    for rtype in RELATION_TYPES.values():
        name = type_property(rtype.name)
        ctx[name] = {"@id": f"kgo:{name}", "@type": "@id"}
    return {"@context": ctx}


Output = IO[bytes] | str | os.PathLike[str]
"""Where :func:`write` and :func:`export_to` can write: a binary file object or a path."""

XML_CR = "&#13;"
"""How XML must write a carriage return: XML parsers read a raw one (or CR LF) as a line
feed (XML 1.0, section 2.11), and Oxigraph's RDF/XML writer leaves CR raw. The other
controls XML 1.0 cannot carry at all never reach a literal: the loader refuses them in
every text the export carries (``_CONTROL`` in :mod:`kg.load`)."""


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
    nt = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
    assert nt is not None
    graph = rdflib.Graph()
    graph.parse(data=nt, format="nt")
    context = json_ld_context(base)["@context"]
    return graph.serialize(format="json-ld", context=context, auto_compact=True,
                           indent=1).encode("utf-8")


def write(triples: Iterable[ox.Triple], fmt: str, base: str, output: Output) -> None:
    """Like :func:`serialize`, but written to ``output`` as the triples come.

    Only Oxigraph's write buffer is held, never the whole text, so memory does not grow
    with the graph (except for JSON-LD: rdflib compacts it in memory).

    >>> import io
    >>> out = io.BytesIO()
    >>> x = ox.NamedNode("https://example.org/kg/concept/x")
    >>> write([ox.Triple(x, ox.NamedNode(f"{SKOS}prefLabel"), ox.Literal("x"))], "turtle",
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


def export(graph: KnowledgeGraph, fmt: str, base: str) -> bytes:
    """The whole graph in format ``fmt``."""
    return serialize(graph_triples(graph, base), fmt, base)


def export_to(graph: KnowledgeGraph, fmt: str, base: str, output: Output) -> None:
    """Write the whole graph in format ``fmt`` to ``output`` without holding it in memory."""
    write(graph_triples(graph, base), fmt, base, output)


# -- reading an export back
_KIND_OF_CLASS = {kind_class(k): k for k in KINDS}
_TYPE_OF_PROPERTY = {type_property(t): t for t in RELATION_TYPES}


def _value(term: Any) -> str:
    return str(term.value)


class _Reader:
    def __init__(self, store: ox.Store, base: str) -> None:
        self.store = store
        self.ns = Namespaces(base)
        self.problems: list[Problem] = []

    def objects(self, s: Any, p: str) -> list[Any]:
        return [q.object for q in self.store.quads_for_pattern(s, _n(p), None)]

    def one(self, s: Any, p: str) -> Any | None:
        found = self.objects(s, p)
        return found[0] if found else None

    def subjects(self, p: str, o: Any) -> list[Any]:
        return [q.subject for q in self.store.quads_for_pattern(None, _n(p), o)]

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, 0, message))

    def local(self, iri: str, prefix: str) -> str | None:
        return iri[len(prefix):] if iri.startswith(prefix) else None

    def items(self, head: Any) -> list[str]:
        names: list[str] = []
        while head is not None and not (isinstance(head, ox.NamedNode)
                                        and head.value == f"{RDF}nil"):
            first = self.one(head, f"{RDF}first")
            if first is None or len(names) > 1000:
                break
            names.append(_value(first))
            head = self.one(head, f"{RDF}rest")
        return names

    def sources(self) -> tuple[dict[str, Source], dict[str, str]]:
        sources: dict[str, Source] = {}
        texts: dict[str, str] = {}
        for s in self.subjects(f"{RDF}type", _n(f"{DCT}BibliographicResource")):
            sid = self.local(s.value, f"{self.ns.base}source/")
            if sid is None:
                continue
            url, date = self.one(s, f"{SCHEMA}url"), self.one(s, f"{DCT}date")
            text_file, text = self.one(s, f"{self.ns.vocab}textFile"), \
                self.one(s, f"{self.ns.vocab}text")
            sources[sid] = Source(
                id=sid, title=_value(self.one(s, f"{DCT}title") or ox.Literal("")),
                kind=_value(self.one(s, f"{DCT}type") or ox.Literal("")),
                authors=tuple(self.items(self.one(s, f"{self.ns.vocab}authors"))),
                url=_value(url) if url else None, published=_value(date) if date else None,
                text_file=_value(text_file) if text_file else None)
            if text is not None:
                texts[sid] = _value(text)
        return sources, texts

    def citations(self, statement: Any, texts: dict[str, IndexedText]) -> tuple[Citation, ...]:
        found: list[tuple[int, Citation]] = []
        for ann in self.objects(statement, f"{PROV}wasDerivedFrom"):
            source = self.one(ann, f"{OA}hasSource")
            sid = self.local(source.value, f"{self.ns.base}source/") if source else None
            exact = start = end = None
            for sel in self.objects(ann, f"{OA}hasSelector"):
                exact = exact or self.one(sel, f"{OA}exact")
                start = start or self.one(sel, f"{OA}start")
                end = end or self.one(sel, f"{OA}end")
            position = self.one(ann, f"{self.ns.vocab}position")
            if sid is None or sid not in texts or exact is None or start is None or end is None:
                self.fail(ann.value, "citation lacks a source with text, a quote or offsets")
                continue
            c = Citation(source=sid, quote=_value(exact), start=int(_value(start)),
                         end=int(_value(end)))
            if texts[sid].original[c.start:c.end] != c.quote:
                self.fail(ann.value, f"quote {c.quote[:60]!r} is not at {c.start}:{c.end} "
                                     f"of source {sid!r}")
                continue
            found.append((int(_value(position)) if position else len(found), c))
        return tuple(c for _, c in sorted(found, key=lambda pc: pc[0]))

    def concepts(self, texts: dict[str, IndexedText]) -> dict[str, Concept]:
        concepts: dict[str, Concept] = {}
        for c in self.subjects(f"{RDF}type", _n(f"{SKOS}Concept")):
            cid = self.local(c.value, f"{self.ns.base}concept/")
            if cid is None:
                continue
            kinds = [k for cls in self.objects(c, f"{RDF}type")
                     if (k := _KIND_OF_CLASS.get(self.local(cls.value, self.ns.vocab) or ""))]
            label, definition = self.one(c, f"{SKOS}prefLabel"), self.one(c, f"{SKOS}definition")
            if len(kinds) != 1 or label is None or definition is None:
                self.fail(c.value, "concept needs one kind, a prefLabel and a definition")
                continue
            article = self.one(c, f"{self.ns.vocab}article")
            plural = self.one(c, f"{self.ns.vocab}plural")
            concepts[cid] = Concept(
                id=cid, label=_value(label), kind=kinds[0],
                aliases=tuple(self.items(self.one(c, f"{self.ns.vocab}aliases"))
                              or sorted(_value(a) for a in self.objects(c, f"{SKOS}altLabel"))),
                definition=_value(definition),
                citations=self.citations(_n(self.ns.definition(cid)), texts),
                article=_value(article) if article is not None else None,
                plural=plural is not None and _value(plural) == "true")
        return concepts

    def relations(self, texts: dict[str, IndexedText]) -> list[Relation]:
        found: list[tuple[int, Relation]] = []
        for st in self.subjects(f"{RDF}type", _n(f"{RDF}Statement")):
            pred = self.one(st, f"{RDF}predicate")
            rtype = _TYPE_OF_PROPERTY.get(self.local(pred.value, self.ns.vocab) or "") \
                if isinstance(pred, ox.NamedNode) else None
            if rtype is None:
                continue
            s, o = self.one(st, f"{RDF}subject"), self.one(st, f"{RDF}object")
            source = self.local(s.value, f"{self.ns.base}concept/") if s else None
            target = self.local(o.value, f"{self.ns.base}concept/") if o else None
            position = self.one(st, f"{self.ns.vocab}position")
            if source is None or target is None:
                self.fail(st.value, "statement lacks its subject or object concept")
                continue
            note = self.one(st, f"{self.ns.vocab}note")
            modality = self.one(st, f"{self.ns.vocab}modality")
            if modality is not None and _value(modality) not in RELATION_TYPES[rtype].modal:
                self.fail(st.value, f"modality {_value(modality)!r} is not one {rtype} allows")
                continue
            rel = Relation(source=source, type=rtype, target=target,
                           citations=self.citations(st, texts),
                           note=_value(note) if note is not None else None,
                           modality=_value(modality) if modality is not None else None)
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
    if reader.problems:
        raise DataError(reader.problems)
    return KnowledgeGraph(sources, raw_texts, concepts, relations)


_SAFE = re.compile(r"^[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$")


def is_safe_base(base: str) -> bool:
    """Whether ``base`` can prefix IRIs: absolute, no spaces, ending in / or #."""
    return bool(_SAFE.match(base)) and "://" in base and base.endswith(("/", "#"))
