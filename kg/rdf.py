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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


_TYPE = _n(f"{RDF}type")


def _text(value: str, lang: bool = False) -> ox.Literal:
    return ox.Literal(value, language=LANG) if lang else ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(f"{XSD}integer"))


def vocabulary(ns: Namespaces) -> Iterator[ox.Triple]:
    """The classes and properties the export uses, with labels and SKOS parents."""
    t = ox.Triple
    v = ns.vocab
    onto = _n(v.rstrip("#"))
    yield t(onto, _TYPE, _n(f"{OWL}Ontology"))
    yield t(onto, _n(f"{RDFS}label"), _text("Alignment knowledge graph vocabulary", True))
    for kind in KINDS.values():
        cls = _n(v + kind_class(kind.name))
        yield t(cls, _TYPE, _n(f"{OWL}Class"))
        yield t(cls, _n(f"{RDFS}subClassOf"), _n(f"{SKOS}Concept"))
        yield t(cls, _n(f"{RDFS}label"), _text(kind.name.replace("_", " "), True))
        yield t(cls, _n(f"{RDFS}comment"), _text(kind.description, True))
    for rtype in RELATION_TYPES.values():
        prop = _n(v + type_property(rtype.name))
        yield t(prop, _TYPE, _n(f"{OWL}ObjectProperty"))
        yield t(prop, _n(f"{RDFS}subPropertyOf"), _n(SKOS + rtype.skos))
        yield t(prop, _n(f"{RDFS}label"), _text(rtype.name.replace("_", " "), True))
        yield t(prop, _n(f"{RDFS}comment"), _text(rtype.description, True))
        if rtype.symmetric:
            yield t(prop, _TYPE, _n(f"{OWL}SymmetricProperty"))
        else:
            inverse = _n(v + type_property(rtype.inverse_name))
            yield t(inverse, _TYPE, _n(f"{OWL}ObjectProperty"))
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
                           )]:
        prop = _n(v + name)
        yield t(prop, _TYPE, _n(f"{OWL}DatatypeProperty" if name not in ("authors", "aliases")
                                 else f"{OWL}ObjectProperty"))
        yield t(prop, _n(f"{RDFS}comment"), _text(comment, True))


def _citations(ns: Namespaces, graph: KnowledgeGraph, statement: ox.NamedNode,
               citations: Iterable[Citation]) -> Iterator[ox.Triple]:
    t = ox.Triple
    for i, c in enumerate(citations):
        ann = _n(f"{statement.value}/citation/{i}")
        quote_sel = _n(f"{ann.value}/quote")
        pos_sel = _n(f"{ann.value}/position")
        text = graph.source_text(c.source)
        yield t(statement, _n(f"{PROV}wasDerivedFrom"), ann)
        yield t(ann, _TYPE, _n(f"{OA}SpecificResource"))
        yield t(ann, _n(f"{OA}hasSource"), _n(ns.source(c.source)))
        yield t(ann, _n(f"{ns.vocab}position"), _int(i))
        yield t(ann, _n(f"{OA}hasSelector"), quote_sel)
        yield t(ann, _n(f"{OA}hasSelector"), pos_sel)
        yield t(quote_sel, _TYPE, _n(f"{OA}TextQuoteSelector"))
        yield t(quote_sel, _n(f"{OA}exact"), _text(c.quote))
        yield t(quote_sel, _n(f"{OA}prefix"), _text(text[max(0, c.start - CONTEXT_CHARS):c.start]))
        yield t(quote_sel, _n(f"{OA}suffix"), _text(text[c.end:c.end + CONTEXT_CHARS]))
        yield t(pos_sel, _TYPE, _n(f"{OA}TextPositionSelector"))
        yield t(pos_sel, _n(f"{OA}start"), _int(c.start))
        yield t(pos_sel, _n(f"{OA}end"), _int(c.end))


def _list(subject: ox.NamedNode, prop: ox.NamedNode, items: Iterable[str]) -> Iterator[ox.Triple]:
    """``subject prop ( items... )`` as an rdf:List of plain literals, keeping the order."""
    head: ox.NamedNode | ox.BlankNode = _n(f"{RDF}nil")
    for item in reversed(list(items)):
        cell = ox.BlankNode()
        yield ox.Triple(cell, _n(f"{RDF}first"), _text(item))
        yield ox.Triple(cell, _n(f"{RDF}rest"), head)
        head = cell
    yield ox.Triple(subject, prop, head)


def _statement(statement: ox.NamedNode, subject: ox.NamedNode, predicate: ox.NamedNode,
               obj: ox.NamedNode | ox.Literal) -> Iterator[ox.Triple]:
    t = ox.Triple
    yield t(statement, _TYPE, _n(f"{RDF}Statement"))
    yield t(statement, _n(f"{RDF}subject"), subject)
    yield t(statement, _n(f"{RDF}predicate"), predicate)
    yield t(statement, _n(f"{RDF}object"), obj)


def source_triples(ns: Namespaces, graph: KnowledgeGraph, source: Source) -> Iterator[ox.Triple]:
    """The description of one source, with its text."""
    t = ox.Triple
    s = _n(ns.source(source.id))
    yield t(s, _TYPE, _n(f"{DCT}BibliographicResource"))
    yield t(s, _TYPE, _n(f"{SCHEMA}CreativeWork"))
    yield t(s, _n(f"{DCT}identifier"), _text(source.id))
    yield t(s, _n(f"{DCT}title"), _text(source.title))
    yield t(s, _n(f"{DCT}type"), _text(source.kind))
    for author in source.authors:
        yield t(s, _n(f"{DCT}creator"), _text(author))
    yield from _list(s, _n(f"{ns.vocab}authors"), source.authors)
    if source.url:
        yield t(s, _n(f"{SCHEMA}url"), _n(source.url))
    if source.published:
        yield t(s, _n(f"{DCT}date"), _text(source.published))
    if source.text_file:
        yield t(s, _n(f"{ns.vocab}textFile"), _text(source.text_file))
        yield t(s, _n(f"{ns.vocab}text"), _text(graph.source_text(source.id)))


def concept_triples(ns: Namespaces, graph: KnowledgeGraph, concept: Concept,
                    top: bool) -> Iterator[ox.Triple]:
    """A concept: its types, labels, definition and cited definition statement."""
    t = ox.Triple
    c = _n(ns.concept(concept.id))
    scheme = _n(ns.scheme)
    yield t(c, _TYPE, _n(f"{SKOS}Concept"))
    yield t(c, _TYPE, _n(f"{SCHEMA}DefinedTerm"))
    yield t(c, _TYPE, _n(ns.vocab + kind_class(concept.kind)))
    yield t(c, _n(f"{SKOS}inScheme"), scheme)
    yield t(c, _n(f"{SCHEMA}inDefinedTermSet"), scheme)
    if top:
        yield t(c, _n(f"{SKOS}topConceptOf"), scheme)
        yield t(scheme, _n(f"{SKOS}hasTopConcept"), c)
    yield t(c, _n(f"{DCT}identifier"), _text(concept.id))
    yield t(c, _n(f"{SKOS}prefLabel"), _text(concept.label, True))
    yield t(c, _n(f"{SCHEMA}name"), _text(concept.label, True))
    for alias in concept.aliases:
        if alias != concept.label:  # SKOS S13: a label is either preferred or alternative
            yield t(c, _n(f"{SKOS}altLabel"), _text(alias, True))
    yield from _list(c, _n(f"{ns.vocab}aliases"), concept.aliases)
    definition = _text(concept.definition, True)
    yield t(c, _n(f"{SKOS}definition"), definition)
    yield t(c, _n(f"{SCHEMA}description"), definition)
    if concept.article is not None:
        yield t(c, _n(f"{ns.vocab}article"), _text(concept.article))
    if concept.plural:
        yield t(c, _n(f"{ns.vocab}plural"),
                ox.Literal("true", datatype=_n(f"{XSD}boolean")))
    st = _n(ns.definition(concept.id))
    yield from _statement(st, c, _n(f"{SKOS}definition"), definition)
    yield from _citations(ns, graph, st, concept.citations)


def relation_triples(ns: Namespaces, graph: KnowledgeGraph, rel: Relation,
                     position: int) -> Iterator[ox.Triple]:
    """A relation: its own property, the SKOS links both ways, and the cited statement."""
    t = ox.Triple
    s, o = _n(ns.concept(rel.source)), _n(ns.concept(rel.target))
    rtype = RELATION_TYPES[rel.type]
    prop = _n(ns.vocab + type_property(rel.type))
    yield t(s, prop, o)
    if rtype.hierarchical:
        yield t(s, _n(f"{SKOS}broader"), o)
        yield t(o, _n(f"{SKOS}narrower"), s)
    else:
        yield t(s, _n(f"{SKOS}related"), o)
        yield t(o, _n(f"{SKOS}related"), s)
    st = _n(ns.relation(rel))
    yield from _statement(st, s, prop, o)
    yield t(st, _n(f"{ns.vocab}position"), _int(position))
    yield from _citations(ns, graph, st, rel.citations)


def graph_triples(graph: KnowledgeGraph, base: str) -> Iterator[ox.Triple]:
    """Every triple of the export of ``graph`` with IRIs under ``base``."""
    ns = Namespaces(base)
    scheme = _n(ns.scheme)
    yield ox.Triple(scheme, _TYPE, _n(f"{SKOS}ConceptScheme"))
    yield ox.Triple(scheme, _n(f"{DCT}title"), _text("AI-alignment glossary", True))
    yield from vocabulary(ns)
    for source in graph.sources.values():
        yield from source_triples(ns, graph, source)
    has_broader = {r.source for r in graph.relations if RELATION_TYPES[r.type].hierarchical}
    for concept in graph.concepts.values():
        yield from concept_triples(ns, graph, concept, top=concept.id not in has_broader)
    for i, rel in enumerate(graph.relations):
        yield from relation_triples(ns, graph, rel, i)


def concept_description(graph: KnowledgeGraph, cid: str, base: str) -> Iterator[ox.Triple]:
    """The triples about one concept: itself, its relations both ways, their citations."""
    ns = Namespaces(base)
    concept = graph.concept(cid)
    has_broader = any(r.source == cid and RELATION_TYPES[r.type].hierarchical
                      for r in graph.relations_of(cid))
    yield from concept_triples(ns, graph, concept, top=not has_broader)
    for position, rel in graph.numbered_relations_of(cid):
        yield from relation_triples(ns, graph, rel, position)


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


def serialize(triples: Iterable[ox.Triple], fmt: str, base: str) -> bytes:
    """Serialise ``triples`` in format ``fmt`` (a key of :data:`FORMATS`).

    JSON-LD is compacted with the published context (:func:`json_ld_context`), so that it
    reads as plain JSON; rdflib does the compaction, Oxigraph everything else.
    """
    if fmt == "jsonld":
        nt = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
        assert nt is not None
        graph = rdflib.Graph()
        graph.parse(data=nt, format="nt")
        context = json_ld_context(base)["@context"]
        return graph.serialize(format="json-ld", context=context, auto_compact=True,
                               indent=1).encode("utf-8")
    data = ox.serialize(triples, None, _OX[fmt], prefixes=Namespaces(base).prefixes())
    assert data is not None
    return data


def export(graph: KnowledgeGraph, fmt: str, base: str) -> bytes:
    """The whole graph in format ``fmt``."""
    return serialize(graph_triples(graph, base), fmt, base)


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
            rel = Relation(source=source, type=rtype, target=target,
                           citations=self.citations(st, texts))
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
