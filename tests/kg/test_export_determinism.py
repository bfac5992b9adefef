"""Two exports of the same data are the same bytes, in every format and in every process,
and the JSON-LD gives every concept one shape."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph import KnowledgeGraph
from kg.ontology import RELATION_TYPES
from kg.rdf import FORMATS, export, json_ld_context, type_property

BASE = "https://example.org/kg/"
ROOT = Path(__file__).resolve().parents[2]
DIGESTS = """
import hashlib, sys
from pathlib import Path
from kg.load import load_graph
from kg.rdf import FORMATS, export
graph = load_graph(Path(sys.argv[1]))
for name in FORMATS:
    print(name, hashlib.sha256(export(graph, name, sys.argv[2])).hexdigest())
"""


def _digests(data: Path, seed: str) -> dict[str, str]:
    # a process of its own, with its own string hashing: set and dict orders differ
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [sys.executable, "-c", DIGESTS, str(data), BASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(line.split() for line in run.stdout.splitlines())


def test_two_exports_are_byte_identical(good_dir: Path, good: KnowledgeGraph) -> None:
    first, second = _digests(good_dir, "1"), _digests(good_dir, "2")
    assert sorted(first) == sorted(FORMATS)
    assert first == second
    here = {name: hashlib.sha256(export(good, name, BASE)).hexdigest() for name in FORMATS}
    assert here == first


@pytest.fixture(scope="module")
def concepts(shipped: KnowledgeGraph) -> list[dict[str, object]]:
    document = json.loads(export(shipped, "jsonld", BASE))
    found = [n for n in document["@graph"] if "skos:Concept" in n.get("type", [])]
    assert len(found) == len(shipped.concepts)
    return found


def test_every_concept_has_one_shape(concepts: list[dict[str, object]]) -> None:
    shapes = {tuple((key, type(value).__name__) for key, value in c.items()) for c in concepts}
    assert len(shapes) == 1
    [shape] = shapes
    assert {kind for key, kind in shape if key != "id"} == {"list"}


def test_concepts_are_written_in_the_contexts_terms(concepts: list[dict[str, object]]) -> None:
    terms = set(json_ld_context(BASE)["@context"])
    keys = set(concepts[0])
    assert keys <= terms
    assert {"altLabel", "prefLabel", "definition", "aliases", "broader"} <= keys
    assert {type_property(t) for t in RELATION_TYPES} <= keys
