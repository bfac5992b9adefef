"""Response models of the HTTP API (the contract in docs/http-api.md) and their builders."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kg.annotate import FIRST_ONLY
from kg.ask import Intent
from kg.describe import Field as EvidenceField
from kg.explain import Footnotes, sentence, shared_how
from kg.graph import KnowledgeGraph
from kg.model import Citation as KGCitation
from kg.model import Concept, Relation, Source
from kg.ontology import KINDS, RELATION_TYPES
from kg.paths import MAX_HOPS, RankedPath, Relatedness, Step
from kg.schema import Match

# Closed vocabularies are enums in the OpenAPI schema (so that clients and fuzzers know
# them) but plain strings in Python: an unknown kind or relation type in a *request* is
# answered by the handler with a 400 naming the nearest, not by a bare 422.
KIND_NAMES = list(KINDS)
RELATION_NAMES = list(RELATION_TYPES)
TRAVELLED_NAMES = list(
    dict.fromkeys([*RELATION_TYPES, *(t.inverse_name for t in RELATION_TYPES.values())])
)
KindName = Annotated[
    str,
    Field(description="kind of concept (see /v1/ontology)", json_schema_extra={"enum": KIND_NAMES}),
]
RelationName = Annotated[
    str,
    Field(
        description="relation type, read from source to target",
        json_schema_extra={"enum": RELATION_NAMES},
    ),
]
Offset = Annotated[int, Field(ge=0)]
MAX_PAGE = 500
"""Most concepts in one page of /v1/concepts."""


class ProblemError(BaseModel):
    where: str = Field(description="the parameter, e.g. \"query parameter 'limit'\", or body")
    message: str


class DataProblem(BaseModel):
    file: str = Field(description="the file in the data layout the problem is in")
    line: int = Field(ge=1)
    message: str
    hint: str = Field(description="how to fix it, or empty")
    pointer: str | None = Field(
        default=None,
        description="where a problem in the edited "
        "concept's file is in its record (as GET "
        "/v1/concepts/{id}/record shows it), as a JSON Pointer (RFC "
        "6901), e.g. /citations/0/quote or /relations/2",
    )


class Problem(BaseModel):
    """An error, as application/problem+json (RFC 9457)."""

    type: str = Field(
        description="URI naming the kind of problem: /problems/{kind}, or about:blank",
        json_schema_extra={"format": "uri-reference"},
    )
    title: str
    status: int = Field(ge=400, le=599, description="the HTTP status, repeated")
    detail: str
    suggestions: list[ConceptRef] | None = Field(
        default=None, description="nearest concepts, where a term did not resolve"
    )
    term: str | None = Field(default=None, description="the term that did not resolve")
    param: str | None = Field(default=None, description="the parameter that held it")
    errors: list[ProblemError] | None = Field(
        default=None, description="each invalid parameter, where the request was malformed"
    )
    problems: list[DataProblem] | None = Field(
        default=None,
        description="every problem a refused edit would have left in the "
        "data, as `kg validate` reports them",
    )
    etag: str | None = Field(default=None, description="the current ETag, where a condition failed")
    scope: str | None = Field(
        default=None, description="the scope a write needs, where the token lacks it"
    )


class ConceptRef(BaseModel):
    id: str
    label: str
    kind: KindName


class Citation(BaseModel):
    source: str = Field(description="source id")
    quote: str = Field(description="the passage, verbatim")
    start: int = Field(ge=0, description="offset of the passage in /v1/sources/{source}/text")
    end: int = Field(ge=0, description="offset just after the passage")


class NumberedCitation(Citation):
    n: int = Field(ge=1, description="footnote number used as [^n] in the answer")
    title: str = Field(description="title of the source")
    draft: bool = Field(
        default=False,
        description="the quote comes from draft material kept with the source text (the "
        "FAQ page's scratchpad), not from the text as published",
    )


class Statement(BaseModel):
    source: ConceptRef
    type: RelationName
    target: ConceptRef
    sentence: str
    citations: list[Citation]
    modality: Literal["can", "may", "does_not"] | None = Field(
        default=None,
        description="how the source qualifies the relation: can, may, or "
        "does_not (a denial: the sentence says what is not so); "
        "null when stated plainly",
    )
    note: str | None = Field(
        default=None,
        description="why or how the relation holds, in "
        "the curators' words; null when its "
        "type says enough",
    )


class MappingOut(BaseModel):
    match: Match = Field(description="exact, close or related (skos:exactMatch...)")
    iri: str = Field(json_schema_extra={"format": "uri"})
    note: str = Field(description="how the mapping was established")


class ConceptDetail(BaseModel):
    id: str
    label: str
    kind: KindName
    uri: str = Field(
        description="the concept's IRI, as in the RDF export", json_schema_extra={"format": "uri"}
    )
    aliases: list[str]
    definition: str
    described_as: list[str] = Field(
        description="how people describe the concept without its name, in everyday words"
    )
    citations: list[Citation]
    relations: list[Statement]
    work: str | None = Field(
        default=None,
        description="for the concept of a work (the 2019 paper): the id of its source, "
        "/v1/sources/{work}",
    )
    mappings: list[MappingOut] = Field(
        default_factory=list, description="the same or near concepts in other vocabularies"
    )


class ConceptPage(BaseModel):
    items: list[ConceptRef]
    total: Offset
    limit: int = Field(ge=1, le=MAX_PAGE)
    offset: Offset


class NeighborNode(ConceptRef):
    distance: int = Field(ge=1, le=3, description="steps from the concept asked about")


class Neighbors(BaseModel):
    concept: ConceptRef
    depth: int = Field(ge=1, le=3)
    nodes: list[NeighborNode]
    statements: list[Statement]


class HierarchyStep(BaseModel):
    concept: ConceptRef
    type: Literal["is_a", "part_of", "example_of"] = Field(
        description="how the step places the narrower concept under the broader one: a kind"
        " (is_a), a part (part_of) or an example (example_of, ISO 25964's instantial link)"
    )
    via: str = Field(description="id of the concept this step was reached from")
    depth: int = Field(ge=1, description="steps from the concept asked about")


class Hierarchy(BaseModel):
    concept: ConceptRef
    broader: list[HierarchyStep]
    narrower: list[HierarchyStep]


class SourceOut(BaseModel):
    id: str
    title: str
    kind: str
    url: str | None = Field(json_schema_extra={"format": "uri"})
    authors: list[str]
    published: str | None = Field(description="ISO date or year")
    has_text: bool


class SourceList(BaseModel):
    items: list[SourceOut]


class KindOut(BaseModel):
    name: KindName
    description: str


class RelationTypeOut(BaseModel):
    name: RelationName
    description: str
    forward: str = Field(description="sentence template read from source ({x}) to target ({y})")
    inverse: str = Field(description="sentence template read from target ({x}) to source ({y})")
    inverse_name: str
    symmetric: bool
    broader: bool = Field(description="part of the is_a/part_of hierarchy (skos:broader)")
    modalities: dict[str, ModalTemplates] = Field(
        default_factory=dict,
        description="the modalities a relation of this type may carry "
        "(can, may, does_not), each with its templates",
    )


class ModalTemplates(BaseModel):
    forward: str
    inverse: str


class Ontology(BaseModel):
    kinds: list[KindOut]
    relation_types: list[RelationTypeOut]


class SearchResult(ConceptRef):
    score: float = Field(
        ge=0,
        le=1,
        description="1 for an exact label or id; for a match by description, the "
        "confidence that the text describes the concept",
    )
    match: Literal["id", "label", "alias", "prefix", "fuzzy", "description"] = Field(
        description="how it matched; description only with mode=describe or mode=auto"
    )
    matched: str = Field(
        description="the label, alias or id that matched (the label, for a match by description)"
    )
    evidence: str | None = Field(
        default=None,
        description="for a match by description: the piece of the graph's text about the "
        "concept that matched best, verbatim",
    )
    field: EvidenceField | None = Field(
        default=None,
        description="for a match by description: where the evidence comes from",
    )
    via: str | None = Field(
        default=None,
        description="for a description that asks which kind of thing something is, or "
        "the role it plays ('which kind of failure does the troop story illustrate?'): the "
        "id of the concept asked about, from which a relation (whose note is the evidence) "
        "leads to this one; this concept's own id when it is of the kind asked",
    )


class SearchResults(BaseModel):
    query: str
    results: list[SearchResult]


class PathStep(Statement):
    type: str = Field(
        description="relation type as read in the direction travelled (its "
        "inverse name when travelled backwards)",
        json_schema_extra={"enum": list(TRAVELLED_NAMES)},
    )
    direction: Literal["forward", "inverse"] = Field(
        description="forward when travelled as stated; inverse when read from its target"
    )


class PathOut(BaseModel):
    length: int = Field(ge=1, le=MAX_HOPS)
    score: float = Field(
        description="higher is better; paths through hubs and vague relations score lower"
    )
    steps: list[PathStep] = Field(min_length=1)


class SharedOut(BaseModel):
    concept: ConceptRef
    how: str
    citations: list[Citation]


class RelateOut(BaseModel):
    x: ConceptRef
    y: ConceptRef
    direct: list[Statement]
    paths: list[PathOut]
    shared: list[SharedOut]
    answer: str = Field(description="markdown with footnote markers [^n]")
    citations: list[NumberedCitation]


class AnnotateIn(BaseModel):
    text: str = Field(
        description="the text to annotate; offsets are into it as sent. "
        "Longer than KG_ANNOTATE_MAX_CHARS (2,000,000 by default) "
        "is a 413.",
        strict=True,
    )
    first_only: bool = Field(
        default=FIRST_ONLY,
        strict=True,
        description="mark each concept once, at its first occurrence",
    )


class Annotation(BaseModel):
    start: int = Field(description="character offset where the term starts", ge=0)
    end: int = Field(description="character offset just after the term", ge=0)
    text: str = Field(description="the matched words as they appear in the text")
    id: str = Field(description="the concept the words name")
    label: str


class AnnotateOut(BaseModel):
    annotations: list[Annotation]


class AskOut(BaseModel):
    question: str = Field(description="the question as read, white space collapsed")
    intent: Intent = Field(
        description="what the question asks: define, relate, difference, examples; yes_no "
        "(the answer opens with its verdict), which (it names the right option "
        "first), why (reasons, premises first), how (the mechanism), "
        "what_happens (effects); describe when it describes a concept without naming it "
        "(the answer names the term); unknown when it names something the graph "
        "does not hold"
    )
    verdict: Literal["yes", "no", "partly", "not_necessarily", "possibly", "unknown"] | None = (
        Field(
            default=None,
            description="for a yes_no question, the verdict the answer's first "
            "sentence gives; null for other intents",
        )
    )
    concepts: list[str] = Field(
        description="ids of the concepts the answer is about; for "
        "which, the subject, then the option chosen"
    )
    concept_refs: list[ConceptRef] = Field(
        description="the same concepts as `concepts`, in the same order, as {id, label, kind} "
        "like every other route's concepts"
    )
    answer: str = Field(description="markdown; claims carry [^n] footnotes")
    citations: list[NumberedCitation]
    suggestions: list[str] = Field(description="other questions the graph can answer")
    missing: list[str] = Field(description="phrases of the question that name nothing in the graph")


class GlossaryEntry(BaseModel):
    alias: str = Field(description="the phrase as written")
    term: str = Field(description="the concept's label")
    pageid: str = Field(description="AISafety.info answer id; empty here")
    contents: str = Field(description="the definition as HTML, escaped")
    image: str = Field(description="image URL; empty here")


class GlossaryOmission(BaseModel):
    alias: str = Field(description="a label, alias or form of one left out of data")
    term: str = Field(description="the concept's label")
    why: str = Field(description="why a literal matcher cannot use it")


class Glossary(BaseModel):
    data: dict[str, GlossaryEntry] = Field(
        description="one entry per surface form (label, alias, and their plural, British, "
        "hyphen and space forms), keyed by the form lower-cased; each alias is "
        "plain text a regular expression matches as itself"
    )
    timestamp: str = Field(
        description="when this answer was made (ISO 8601, UTC)",
        json_schema_extra={"format": "date-time"},
    )
    omitted: list[GlossaryOmission] = Field(
        default_factory=list,
        description="phrases left out of data because a regular "
        "expression would read them as more than text "
        "(AISafety.info's site ignores this field)",
    )


class Health(BaseModel):
    status: Literal["ok"]
    concepts: Offset
    relations: Offset
    version: str


# -- builders: kg objects -> response models
def ref(c: Concept) -> ConceptRef:
    return ConceptRef(id=c.id, label=c.label, kind=c.kind)


def citation(c: KGCitation) -> Citation:
    return Citation(source=c.source, quote=c.quote, start=c.start, end=c.end)


def statement(g: KnowledgeGraph, rel: Relation) -> Statement:
    return Statement(
        source=ref(g.concepts[rel.source]),
        type=rel.type,
        target=ref(g.concepts[rel.target]),
        sentence=sentence(g, rel),
        citations=[citation(c) for c in rel.citations],
        modality=rel.modality,
        note=rel.note,
    )


def path_step(g: KnowledgeGraph, step: Step) -> PathStep:
    return PathStep(
        source=ref(g.concepts[step.from_id]),
        type=step.type,
        target=ref(g.concepts[step.to_id]),
        sentence=sentence(g, step.relation, step.forward),
        citations=[citation(c) for c in step.relation.citations],
        direction="forward" if step.forward else "inverse",
        modality=step.relation.modality,
        note=step.relation.note,
    )


def path(g: KnowledgeGraph, p: RankedPath) -> PathOut:
    return PathOut(length=p.length, score=p.score, steps=[path_step(g, s) for s in p.steps])


def concept_detail(g: KnowledgeGraph, c: Concept, uri: str) -> ConceptDetail:
    return ConceptDetail(
        id=c.id,
        label=c.label,
        kind=c.kind,
        uri=uri,
        aliases=list(c.aliases),
        definition=c.definition,
        described_as=list(c.described_as),
        citations=[citation(x) for x in c.citations],
        relations=[statement(g, r) for r in g.relations_of(c.id)],
        work=c.work,
        mappings=[MappingOut(match=m.match, iri=m.iri, note=m.note) for m in c.mappings],
    )


def source_out(s: Source) -> SourceOut:
    return SourceOut(
        id=s.id,
        title=s.title,
        kind=s.kind,
        url=s.url,
        authors=list(s.authors),
        published=s.published,
        has_text=s.has_text,
    )


def numbered(notes: Footnotes) -> list[NumberedCitation]:
    return [
        NumberedCitation(n=i.n, title=i.title, draft=i.draft, **citation(i.citation).model_dump())
        for i in notes.items
    ]


def relate_out(g: KnowledgeGraph, r: Relatedness, answer: str, notes: Footnotes) -> RelateOut:
    return RelateOut(
        x=ref(r.x),
        y=ref(r.y),
        direct=[statement(g, rel) for rel in r.direct],
        paths=[path(g, p) for p in r.paths],
        shared=[
            SharedOut(
                concept=ref(g.concepts[s.concept]),
                how=shared_how(g, s),
                citations=[citation(c) for rel in s.relations for c in rel.citations],
            )
            for s in r.shared
        ],
        answer=answer,
        citations=numbered(notes),
    )
