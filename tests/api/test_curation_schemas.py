"""The write API's models hold the data files' schema (kg.schema): the fields it declares,
no others, and its bounds, so a field added there cannot be forgotten here."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from api.curation_schemas import (
    CitationIn,
    ConceptFields,
    ConceptIn,
    MappingIn,
    RelationCitations,
    RelationCreate,
    RelationIn,
)
from kg.schema import CITATION, CONCEPT, MAPPING, RELATION, FieldSpec

# each model, and the field of the schema each of its fields is
MODELS: list[tuple[type[BaseModel], dict[str, FieldSpec]]] = [
    (CitationIn, {name: CITATION[name] for name in CITATION.names}),
    (RelationIn, {name: RELATION[name] for name in RELATION.names}),
    (MappingIn, {name: MAPPING[name] for name in MAPPING.names}),
    (ConceptFields, {name: CONCEPT[name] for name in CONCEPT.written}),
    (ConceptIn, {name: CONCEPT[name] for name in CONCEPT.names}),
    (
        RelationCreate,
        {**{name: RELATION[name] for name in RELATION.names}, "source": CONCEPT["id"]},
    ),
    (RelationCitations, {name: RELATION[name] for name in ("citations", *RELATION.optional)}),
]


def _value(prop: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a property's value, without its ``null`` alternative."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    assert len(options) == 1, prop
    value: dict[str, Any] = options[0]
    return value


@pytest.mark.parametrize(("model", "fields"), MODELS, ids=[m.__name__ for m, _ in MODELS])
def test_a_write_model_holds_the_schema(
    model: type[BaseModel], fields: dict[str, FieldSpec]
) -> None:
    assert set(model.model_fields) == set(fields)
    properties = model.model_json_schema()["properties"]
    for name, spec in fields.items():
        value = _value(properties[name])
        if value.get("type") == "array":
            assert value.get("maxItems") == spec.max_items, name
            assert value["items"].get("maxLength") == spec.max_chars, name
        else:
            assert value.get("maxLength") == spec.max_chars, name
            assert spec.max_items is None, name
