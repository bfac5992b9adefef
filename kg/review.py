"""Reviewing a concept's history: what one revision changed, field by field.

A revision of a concept file holds the file before and after; a reviewer wants to read
which fields changed and how, not a diff of YAML lines. Each field is read as lines of
text (a list one line per item, a relation as its type, target, modality and note, a
citation as its source and quote), and a change is the lines one side has and the
other lacks, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.edit import FIELDS, Record, record_of


@dataclass(frozen=True)
class FieldChange:
    """How one field of a concept differs between two versions of its file."""

    field: str
    removed: tuple[str, ...]
    """The field's lines the older version has and the newer lacks."""
    added: tuple[str, ...]
    """The field's lines the newer version has and the older lacks."""


def _citation(c: Any) -> str:
    if isinstance(c, dict):
        return f"{c.get('source')}: “{c.get('quote')}”"
    return str(c)


def _relation(rel: Any) -> str:
    if not isinstance(rel, dict):
        return str(rel)
    line = f"{rel.get('type')} → {rel.get('target')}"
    if rel.get("modality"):
        line += f" ({rel['modality']})"
    if rel.get("note"):
        line += f": {rel['note']}"
    quotes = "; ".join(_citation(c) for c in rel.get("citations") or [])
    return f"{line} [{quotes}]" if quotes else line


def lines(field: str, value: Any) -> list[str]:
    """A field's value as the lines a reviewer compares (none for an absent field)."""
    if value is None:
        return []
    if field == "relations":
        return [_relation(r) for r in value]
    if field == "citations":
        return [_citation(c) for c in value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def record_or_empty(content: bytes | None) -> Record:
    """The record of a concept file's bytes; empty for a file that does not exist (before
    a creation, after a deletion)."""
    return {} if content is None else record_of(content)


def field_changes(before: bytes | None, after: bytes | None) -> list[FieldChange]:
    """What changed from ``before`` to ``after`` (a concept file's bytes, None where it
    did not exist), field by field in the file's order; fields that are the same are
    left out."""
    old, new = record_or_empty(before), record_or_empty(after)
    changes = []
    for name in FIELDS:
        was, now = lines(name, old.get(name)), lines(name, new.get(name))
        if was != now:
            changes.append(
                FieldChange(
                    name,
                    tuple(line for line in was if line not in now),
                    tuple(line for line in now if line not in was),
                )
            )
    return changes
