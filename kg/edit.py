"""Concepts as curators edit them: records, canonical YAML, and edits as new file bytes.

A *record* is the editable form of one concept file: what a curator writes, with
quotes as written and only the relations stated on the concept (inverses are derived,
so they are edited on the other concept). It is a plain dict with the keys of the YAML
file, as :mod:`kg.schema` declares them: ``label``, ``kind``, ``article``, ``plural``,
``aliases``, ``definition``, ``described_as``, ``citations`` (``source``, ``quote``) and
``relations``
(``type``, ``target``, and optionally ``modality`` and ``note``, then ``citations``).

:func:`to_yaml` writes a record in the one layout the curated files use, so an edited
concept reads like its neighbours and a dump shows a small diff. Whether a record is
*valid* is not decided here: edited files are checked by :func:`kg.load.load_files`,
exactly as files on disk are.

Examples
--------
>>> text = to_yaml({"label": "toy", "kind": "concept", "definition": "A toy.",
...                 "citations": [{"source": "s", "quote": "it's a toy"}]})
>>> print(text.decode(), end="")
label: 'toy'
kind: concept
definition: >-
  A toy.
citations:
  - source: s
    quote: 'it''s a toy'
>>> record_of(text)["citations"][0]["quote"]
"it's a toy"
"""

from __future__ import annotations

import copy
import re
import textwrap
from typing import Any

import yaml

from kg.ontology import KINDS, MODALITIES, RELATION_TYPES
from kg.schema import ARTICLES, CITATION, CONCEPT, MAPPING, MATCHES, RELATION
from kg.yamlread import YamlPath, parse_yaml

Record = dict[str, Any]

FIELDS = CONCEPT.written
"""The keys of a concept file, in the order they are written (:data:`kg.schema.CONCEPT`;
the id is the file's name)."""

RELATION_KEYS = RELATION.names
"""The keys of a relation, in the order they are written (:data:`kg.schema.RELATION`)."""

WIDTH = 90
"""Folded definitions are wrapped to this many columns, indent included."""

_PLAIN = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")
_PRINTABLE = re.compile(
    "[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
"""What YAML prints as it is, less line breaks (and the byte-order mark)."""


def concept_path(cid: str) -> str:
    """The path of concept ``cid``'s file in the data layout."""
    return f"concepts/{cid}.yaml"


def concept_id(path: str) -> str | None:
    """The concept id of a data-layout path, or None for any other file."""
    folder, _, name = path.partition("/")
    if folder != "concepts" or not name.endswith((".yaml", ".yml")):
        return None
    return name.rsplit(".", 1)[0]


def record_of(content: bytes) -> Record:
    """The record of a (valid) concept file's bytes: its fields, with the definition's
    white space collapsed as the loader does, and absent lists as empty ones."""
    data, _ = parse_yaml(content.decode("utf-8"))  # read as the loader reads it
    if not isinstance(data, dict):
        raise ValueError("a concept file must be a mapping")
    record: Record = {key: data[key] for key in FIELDS if key in data}
    record.setdefault("aliases", [])
    record.setdefault("described_as", [])
    record.setdefault("relations", [])
    for rel in record["relations"]:
        if isinstance(rel, dict):
            rel.setdefault("citations", [])
            if isinstance(rel.get("note"), str):
                rel["note"] = " ".join(rel["note"].split())
    if isinstance(record.get("definition"), str):
        record["definition"] = " ".join(record["definition"].split())
    if isinstance(record["described_as"], list):
        record["described_as"] = [
            " ".join(d.split()) if isinstance(d, str) else d for d in record["described_as"]
        ]
    return record


def to_yaml(record: Record) -> bytes:
    """The canonical bytes of a concept file for ``record``.

    Keys come in :data:`FIELDS` order (anything else in the record is kept after them,
    so that the loader reports it); empty aliases and relations are left out. Strings
    are single-quoted, ids and vocabulary names plain, the definition folded.
    """
    out: list[str] = []
    extra = [k for k in record if k not in FIELDS]
    for key in [*FIELDS, *extra]:
        if key not in record:
            continue
        value = record[key]
        if key in ("aliases", "described_as", "mappings") and value == []:
            continue
        if key == "kind":
            out.append(f"kind: {_name(value, KINDS)}")
        elif key == "article" and value == "":
            out.append('article: ""')
        elif key == "article":
            out.append(f"article: {_name(value, ARTICLES)}")
        elif key == "definition" and isinstance(value, str) and _foldable(value):
            out.append("definition: >-")
            out.extend(_fold(value, "  "))
        elif key == "aliases" and isinstance(value, list):
            out.append(f"aliases: [{', '.join(_scalar(a) for a in value)}]")
        elif key == "described_as" and isinstance(value, list):
            out.append("described_as:")
            out.extend(f"  - {_scalar(d)}" for d in value)
        elif key == "citations":
            out.extend(_citations("citations", value, ""))
        elif key == "work":
            out.append(f"work: {_id(value)}")
        elif key == "mappings" and isinstance(value, list):
            out.append("mappings:")
            for item in value:
                keys = [*MAPPING.names, *(item if isinstance(item, dict) else ())]
                shown = dict.fromkeys(k for k in keys if isinstance(item, dict) and k in item)
                if not shown:
                    out.append(f"  - {_scalar(item)}")
                for i, k in enumerate(shown):
                    text = _name(item[k], MATCHES) if k == "match" else _scalar(item[k])
                    out.append(f"{'  - ' if i == 0 else '    '}{_key(k)}: {text}")
        elif key == "relations" and isinstance(value, list) and value:
            out.append("relations:")
            for rel in value:
                if not isinstance(rel, dict):
                    out.append(f"  - {_scalar(rel)}")
                    continue
                keys = [k for k in RELATION_KEYS if k in rel]
                keys += [k for k in rel if k not in RELATION_KEYS]
                for i, k in enumerate(keys):
                    lead = "  - " if i == 0 else "    "
                    if k == "citations":
                        lines = _citations("citations", rel[k], "    ")
                        out.append(lead + lines[0].lstrip())
                        out.extend(lines[1:])
                    elif k == "type":
                        out.append(f"{lead}type: {_name(rel[k], RELATION_TYPES)}")
                    elif k == "target":
                        out.append(f"{lead}target: {_id(rel[k])}")
                    elif k == "modality":
                        out.append(f"{lead}modality: {_name(rel[k], MODALITIES)}")
                    elif k == "note" and isinstance(rel[k], str) and _foldable(rel[k]):
                        out.append(f"{lead}note: >-")
                        out.extend(_fold(rel[k], "      "))
                    else:
                        out.append(f"{lead}{_key(k)}: {_scalar(rel[k])}")
                if not keys:
                    out.append("  - {}")
        else:
            out.append(f"{_key(key)}: {_scalar(value)}")
    return ("\n".join(out) + "\n").encode("utf-8")


def _citations(key: str, value: Any, indent: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{indent}{key}: {_scalar(value)}"]
    if not value:
        return [f"{indent}{key}: []"]
    lines = [f"{indent}{key}:"]
    for cit in value:
        if not isinstance(cit, dict) or not cit:
            lines.append(f"{indent}  - {_scalar(cit)}")
            continue
        keys = [k for k in CITATION.names if k in cit]
        keys += [k for k in cit if k not in CITATION.names]
        for i, k in enumerate(keys):
            lead = f"{indent}  - " if i == 0 else f"{indent}    "
            text = _id(cit[k]) if k == "source" else _scalar(cit[k])
            lines.append(f"{lead}{_key(k)}: {text}")
    return lines


def _fold(text: str, indent: str) -> list[str]:
    """``text`` as the lines of a folded block scalar (``>-``) indented by ``indent``."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _foldable(text: str) -> bool:
    return bool(text.strip()) and _PRINTABLE.fullmatch(text) is not None


def _name(value: Any, names: object) -> str:
    return value if isinstance(value, str) and value in names else _scalar(value)  # type: ignore[operator]


def _id(value: Any) -> str:
    """A slug plain (as the curated files have them), anything else quoted."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and _reads_back(value):
        return value
    return _scalar(value)


def _key(key: Any) -> str:
    return (
        key if isinstance(key, str) and _PLAIN.fullmatch(key) and _reads_back(key) else _scalar(key)
    )


def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain reads back as the same string (not as a number,
    a boolean or null)."""
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def _scalar(value: Any) -> str:
    """One value on one line: a string single-quoted when it can be (printable, no line
    breaks), else double-quoted with escapes; anything else in flow style, as YAML reads
    it back."""
    if isinstance(value, str) and _PRINTABLE.fullmatch(value):
        return "'" + value.replace("'", "''") + "'"
    text = yaml.safe_dump(
        value,
        default_style='"' if isinstance(value, str) else None,
        default_flow_style=True,
        allow_unicode=False,
        sort_keys=False,
        width=float("inf"),
    )
    return text.removesuffix("\n").removesuffix("\n...")


def pointers(content: bytes) -> dict[int, str]:
    """For each line of a concept file, the JSON Pointer (RFC 6901) into its record of
    what starts on that line: the field or list item, or, where several do (a flow
    list, a list item and its first key), the one that holds them all.

    >>> pointers(to_yaml({"label": "x", "aliases": ["y", "z"],
    ...                   "citations": [{"source": "s", "quote": "q"}]}))
    {1: '/label', 2: '/aliases', 3: '/citations', 4: '/citations/0', 5: '/citations/0/quote'}
    """
    lines: dict[YamlPath, int] = {}
    try:
        parse_yaml(content.decode("utf-8"), lines)
    except (UnicodeDecodeError, yaml.YAMLError):
        return {}
    common: dict[int, YamlPath] = {}
    for path, line in lines.items():
        if not path:
            continue
        held = common.get(line)
        if held is None:
            common[line] = path
            continue
        n = 0
        while n < min(len(held), len(path)) and held[n] == path[n]:
            n += 1
        common[line] = held[:n]
    return {
        line: "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
        for line, path in sorted(common.items())
        if path
    }


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` changed by a JSON Merge Patch (RFC 7396); neither is modified.

    >>> merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}, "e": [1]})
    {'a': 1, 'b': {'d': 3}, 'e': [1]}
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def find_relation(record: Record, rtype: str, target: str) -> int | None:
    """Where the relation ``rtype`` to ``target`` is in the record's list, or None."""
    for i, rel in enumerate(record.get("relations") or []):
        if isinstance(rel, dict) and rel.get("type") == rtype and rel.get("target") == target:
            return i
    return None
