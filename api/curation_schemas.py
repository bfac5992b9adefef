"""Request and response models of the curation (write) API.

The fields of a concept, a relation and a citation, and their bounds, are those
:mod:`kg.schema` declares for the data files (``tests/api/test_curation_schemas.py``
holds the models to it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kg.ontology import Modality
from kg.schema import CITATION, CONCEPT, MAPPING, RELATION, Article, Match, Schema


def _chars(schema: Schema, name: str) -> Any:
    """Pydantic's bound on the string field ``name`` of ``schema`` (or on each string of
    the list it is), as :mod:`kg.schema` declares it."""
    return Field(max_length=schema[name].max_chars)


def _items(schema: Schema, name: str) -> int | None:
    """The most items of the list field ``name`` of ``schema``."""
    return schema[name].max_items


Etag = Annotated[str, Field(description="the ETag a conditional write sends back in If-Match")]


class CitationIn(BaseModel):
    """A quote as a curator writes it: verbatim from the source's text."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, _chars(CITATION, "source")] = Field(
        description="source id (see /v1/sources)"
    )
    quote: Annotated[str, _chars(CITATION, "quote")] = Field(
        description="the passage, verbatim (white space and typographic quotes may differ)"
    )


class RelationIn(BaseModel):
    """A relation stated on a concept (its source)."""

    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, _chars(RELATION, "type")] = Field(
        description="relation type (see /v1/ontology); inverses are derived"
    )
    target: Annotated[str, _chars(RELATION, "target")] = Field(
        description="id of the concept it points at"
    )
    modality: Modality | None = Field(
        default=None,
        description="can, may or does_not, where the source hedges or denies "
        "the relation; only those its type lists in /v1/ontology",
    )
    note: Annotated[str, _chars(RELATION, "note")] | None = Field(
        default=None,
        description="one or two sentences, in our own words, saying why or how the relation holds",
    )
    citations: list[CitationIn] = Field(
        default_factory=list,
        max_length=_items(RELATION, "citations"),
        description="at least one quote supporting it",
    )


class MappingIn(BaseModel):
    """A link to the same or a near concept in another vocabulary."""

    model_config = ConfigDict(extra="forbid")

    match: Match = Field(description="skos:exactMatch, skos:closeMatch or skos:relatedMatch")
    iri: Annotated[str, _chars(MAPPING, "iri")] = Field(
        description="the other concept's absolute http(s) IRI"
    )
    note: Annotated[str, _chars(MAPPING, "note")] = Field(
        description="how the mapping was established"
    )


class ConceptFields(BaseModel):
    """The editable fields of a concept: what its YAML file holds."""

    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, _chars(CONCEPT, "label")]
    kind: Annotated[str, _chars(CONCEPT, "kind")] = Field(
        description="kind of concept (see /v1/ontology)"
    )
    article: Article | None = Field(
        default=None, description="article used before the label in sentences"
    )
    plural: bool = Field(default=False, description="whether the label is a plural noun")
    aliases: list[Annotated[str, _chars(CONCEPT, "aliases")]] = Field(
        default_factory=list, max_length=_items(CONCEPT, "aliases")
    )
    definition: Annotated[str, _chars(CONCEPT, "definition")] = Field(
        description="one to three sentences in our own words"
    )
    described_as: list[Annotated[str, _chars(CONCEPT, "described_as")]] = Field(
        default_factory=list,
        max_length=_items(CONCEPT, "described_as"),
        description="how people describe the concept without its name, in everyday words",
    )
    work: Annotated[str, _chars(CONCEPT, "work")] | None = Field(
        default=None, description="for a concept of kind work: the source that is this work"
    )
    mappings: list[MappingIn] = Field(
        default_factory=list,
        max_length=_items(CONCEPT, "mappings"),
        description="the same or near concepts in other vocabularies",
    )
    citations: list[CitationIn] = Field(
        default_factory=list,
        max_length=_items(CONCEPT, "citations"),
        description="at least one quote supporting the definition",
    )
    relations: list[RelationIn] = Field(
        default_factory=list,
        max_length=_items(CONCEPT, "relations"),
        description="relations stated on this concept",
    )

    def record(self) -> dict[str, Any]:
        """The record written to the concept's file."""
        data = self.model_dump(exclude={"id"}, exclude_none=True)
        if not data.get("plural"):
            data.pop("plural", None)
        return data


class ConceptIn(ConceptFields):
    """A concept to write; ``id`` is required when creating with POST."""

    id: Annotated[str, _chars(CONCEPT, "id")] | None = Field(
        default=None,
        description="the id (a slug); with PUT it may be left out, or must equal the path's",
    )


class ConceptRecord(ConceptFields):
    """A concept as stored, with the revision that last wrote it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    revision: int = Field(ge=1, description="revision of the concept's file")
    etag: Etag


class RelationCreate(RelationIn):
    """A relation to add: it is stated on (written into) the ``source`` concept."""

    source: Annotated[str, _chars(CONCEPT, "id")] = Field(
        description="id of the concept it starts from"
    )


class RelationRecord(BaseModel):
    """A relation as stored on its source concept."""

    source: str
    type: str
    target: str
    modality: Modality | None = None
    note: str | None = None
    citations: list[CitationIn]
    etag: Etag


class RelationCitations(BaseModel):
    """The new citations of a relation, and optionally its note and modality (left as
    they are when not sent; ``null`` removes them)."""

    model_config = ConfigDict(extra="forbid")

    citations: list[CitationIn] = Field(max_length=_items(RELATION, "citations"))
    modality: Modality | None = Field(default=None, description="as in RelationIn")
    note: Annotated[str, _chars(RELATION, "note")] | None = Field(
        default=None, description="as in RelationIn"
    )


class RevisionOut(BaseModel):
    """One entry of the revision log."""

    revision: int = Field(ge=1)
    at: str = Field(description="when, UTC, ISO 8601", json_schema_extra={"format": "date-time"})
    author: str = Field(description="the name of the token that made it, or 'import'")
    action: Literal["import", "create", "update", "delete"]
    path: str = Field(description="the file in the data layout")
    concept: str | None = Field(description="the concept whose file it is")


class History(BaseModel):
    """A concept's revisions, newest first."""

    id: str
    items: list[RevisionOut]


class RevisionDetail(RevisionOut):
    """One revision of a concept, with the concept as it left it."""

    record: ConceptFields | None = Field(
        description="the concept after this revision (null: deleted)"
    )
    yaml: str | None = Field(description="the file after this revision (null: deleted)")


class RevertIn(BaseModel):
    """Which revision to go back to."""

    model_config = ConfigDict(extra="forbid")

    revision: int = Field(ge=1, le=2**62, description="a revision from the concept's history")


class Changes(BaseModel):
    """Revisions after ``since``, oldest first."""

    items: list[RevisionOut]
    head: int = Field(ge=0, description="the latest revision of the store")
    next: int | None = Field(description="pass as since= for the next page; null at the end")
