"""The schema of the data files: the fields of a source, a concept, a citation and a
relation, which are required, the order they are written in, and the bounds of their
values.

This module is the only statement of these facts, and every part reads it: the loader
(:mod:`kg.rules`) refuses a field not declared here and asks for the required ones;
:mod:`kg.edit` writes a concept file's fields in the declared order; the write API
(:mod:`api.curation_schemas`) takes its pydantic bounds from here. The vocabularies the
values come from (kinds, relation types, modalities) are :mod:`kg.ontology`'s.

Adding a field: declare it here, check its value in :mod:`kg.rules`, and give the write
API's model the field (``tests/api/test_curation_schemas.py`` holds the models to this
schema, bounds included).

Examples
--------
>>> RELATION.names
('type', 'target', 'modality', 'note', 'citations')
>>> sorted(RELATION.required)
['citations', 'target', 'type']
>>> CONCEPT["aliases"].max_items, CONCEPT["aliases"].max_chars
(200, 200)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

NAME_MAX = 200
"""Longest name the write API takes, in characters: an id, a label, an alias, a kind or
a relation type."""

TEXT_MAX = 20_000
"""Longest definition or quote the write API takes, in characters."""

DESCRIPTION_MAX = 300
"""Longest description of a concept in ``described_as`` may be, in characters: a phrase
or one sentence. The loader holds files to it too."""

NOTE_MAX = 600
"""Longest note a relation may carry, in characters: one or two sentences. The loader
holds files to it too."""

Article = Literal["", "the", "a", "an"]
ARTICLES: tuple[Article, ...] = get_args(Article)
"""What a concept's ``article`` may be: the article before its label in sentences, ""
for none. A concept without one takes its kind's."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a mapping in a data file."""

    name: str
    required: bool = False
    max_chars: int | None = None
    """The most characters the write API takes in a string value, or in each string of
    a list."""
    max_items: int | None = None
    """The most items the write API takes in a list value."""
    written: bool = True
    """Whether :mod:`kg.edit` writes the field: a concept's id is its file's name."""


@dataclass(frozen=True)
class Schema:
    """The fields of one kind of mapping in a data file, in the order they are written."""

    what: str
    """What the loader's problems call one: ``concept``, ``relation``..."""
    fields: tuple[FieldSpec, ...]
    names: tuple[str, ...] = field(init=False)
    """Every field's name, in order."""
    allowed: frozenset[str] = field(init=False)
    required: frozenset[str] = field(init=False)
    optional: tuple[str, ...] = field(init=False)
    """The names of the fields that may be left out, in order."""
    written: tuple[str, ...] = field(init=False)
    """The names of the fields :mod:`kg.edit` writes, in order."""

    def __post_init__(self) -> None:
        names = tuple(f.name for f in self.fields)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "allowed", frozenset(names))
        object.__setattr__(self, "required", frozenset(f.name for f in self.fields if f.required))
        object.__setattr__(self, "optional", tuple(f.name for f in self.fields if not f.required))
        object.__setattr__(self, "written", tuple(f.name for f in self.fields if f.written))

    def __getitem__(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


SOURCE = Schema(
    "source",
    (
        FieldSpec("id", required=True),
        FieldSpec("title", required=True),
        FieldSpec("kind", required=True),
        FieldSpec("authors"),
        FieldSpec("url"),
        FieldSpec("published"),
        FieldSpec("text"),
    ),
)
"""An item of ``sources/sources.yaml``; ``text`` names a file in the sources folder."""

CITATION = Schema(
    "citation",
    (
        FieldSpec("source", required=True, max_chars=NAME_MAX),
        FieldSpec("quote", required=True, max_chars=TEXT_MAX),
    ),
)
"""A quote, verbatim from the text of a source."""

RELATION = Schema(
    "relation",
    (
        FieldSpec("type", required=True, max_chars=NAME_MAX),
        FieldSpec("target", required=True, max_chars=NAME_MAX),
        FieldSpec("modality"),
        FieldSpec("note", max_chars=NOTE_MAX),
        FieldSpec("citations", required=True, max_items=100),
    ),
)
"""A relation, stated on the concept it starts from; ``modality`` is one of
:data:`kg.ontology.MODALITIES` its type allows."""

Match = Literal["exact", "close", "related"]
MATCHES: tuple[Match, ...] = get_args(Match)
"""What a mapping's ``match`` may be: ``skos:exactMatch``, ``skos:closeMatch`` or
``skos:relatedMatch``."""

MAPPING = Schema(
    "mapping",
    (
        FieldSpec("match", required=True),
        FieldSpec("iri", required=True, max_chars=2000),
        FieldSpec("note", required=True, max_chars=NOTE_MAX),
    ),
)
"""A concept's link to another vocabulary: how near (:data:`MATCHES`), the other
concept's absolute http(s) IRI, and a note saying how the mapping was established."""

CONCEPT = Schema(
    "concept",
    (
        FieldSpec("id", max_chars=NAME_MAX, written=False),
        FieldSpec("label", required=True, max_chars=NAME_MAX),
        FieldSpec("kind", required=True, max_chars=NAME_MAX),
        FieldSpec("article"),
        FieldSpec("plural"),
        FieldSpec("aliases", max_chars=NAME_MAX, max_items=200),
        FieldSpec("definition", required=True, max_chars=TEXT_MAX),
        FieldSpec("described_as", max_chars=DESCRIPTION_MAX, max_items=50),
        FieldSpec("work", max_chars=NAME_MAX),
        FieldSpec("mappings", max_items=50),
        FieldSpec("citations", required=True, max_items=100),
        FieldSpec("relations", max_items=2000),
    ),
)
"""A concept file, ``concepts/<id>.yaml``; ``id``, if given, must be the file's name.
``described_as`` lists how people describe the concept without its name, in everyday
words ("an AI that plays along in training so it is not changed"): shown to readers,
and the text that :mod:`kg.describe` finds a concept by when the asker lacks the term.
``work`` names the source that a concept of kind work is (the 2019 paper's concept and
its bibliographic source); ``mappings`` lists :data:`MAPPING` s."""

TOMBSTONE = Schema(
    "tombstone",
    (
        FieldSpec("id", required=True, max_chars=NAME_MAX),
        FieldSpec("label", required=True, max_chars=NAME_MAX),
        FieldSpec("deleted", required=True),
        FieldSpec("replaced_by", max_chars=NAME_MAX),
    ),
)
"""An item of ``tombstones.yaml``: a deleted concept's id and label, the day it was
deleted (``YYYY-MM-DD``) and, when it was merged into another, that concept's id. The
delete of the write API appends one; the file is optional."""

TOMBSTONES_FILE = "tombstones.yaml"
"""Where the tombstones of deleted concepts are kept, relative to the data directory
(and in a store, as one of its files, so both backends keep them as they keep concepts)."""
