"""Pydantic models of the graph's parts: sources, citations, concepts and relations.

Models are frozen: a loaded graph never changes, it is replaced.

Examples
--------
>>> c = Citation(source="s", quote="an optimizer", start=3, end=15)
>>> c.end - c.start
12
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kg.ontology import Modality


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    """A text (or bibliographic work) that quotes can come from."""

    id: str
    title: str
    kind: str = Field(description="e.g. faq, blog-post, video-transcript, paper")
    authors: tuple[str, ...] = ()
    url: str | None = None
    published: str | None = Field(default=None, description="ISO date or year")
    text_file: str | None = Field(default=None, description="file name under data/sources/")

    @property
    def has_text(self) -> bool:
        """Whether quotes can be verified against a text of this source."""
        return self.text_file is not None


class Citation(_Frozen):
    """A verbatim quote located in a source text: ``text[start:end]`` is the passage."""

    source: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Mapping(_Frozen):
    """A link from a concept to the same (or a near) concept in another vocabulary:
    ``match`` is ``exact``, ``close`` or ``related`` (``skos:exactMatch``...), ``iri`` an
    absolute http(s) IRI, ``note`` how the mapping was established."""

    match: str
    iri: str
    note: str


class Concept(_Frozen):
    """A glossary concept."""

    id: str
    label: str
    kind: str
    aliases: tuple[str, ...] = ()
    definition: str
    citations: tuple[Citation, ...]
    described_as: tuple[str, ...] = Field(
        default=(),
        description="how people describe the concept without its name, in everyday words",
    )
    article: str | None = Field(
        default=None,
        description="article used before the label in sentences; None means the kind's default",
    )
    plural: bool = Field(default=False, description="the label is a plural noun (humans)")
    work: str | None = Field(
        default=None,
        description="for a concept of kind work: the id of the source that is this work",
    )
    mappings: tuple[Mapping, ...] = Field(
        default=(), description="the same or near concepts in other vocabularies"
    )


class Tombstone(_Frozen):
    """What is left of a deleted concept: its id and label, the day it was deleted and,
    when it was merged into another concept, that concept's id. Its IRI answers 410
    Gone and the export keeps it, deprecated (``owl:deprecated``)."""

    id: str
    label: str
    deleted: str = Field(description="ISO date (YYYY-MM-DD) of the deletion")
    replaced_by: str | None = Field(
        default=None, description="the concept it was merged into, when it was"
    )


class Relation(_Frozen):
    """A typed, cited relation, stored once in the direction it was stated."""

    source: str
    type: str
    target: str
    citations: tuple[Citation, ...]
    note: str | None = Field(
        default=None, description="why or how the relation holds, in our own words"
    )
    modality: Modality | None = Field(
        default=None, description="can, may or does_not where the source hedges or denies"
    )

    @property
    def negated(self) -> bool:
        """Whether the relation states that something is *not* so (``does_not``): shown
        with its citation, but never part of the hierarchy, a path or shared context."""
        return self.modality == "does_not"
