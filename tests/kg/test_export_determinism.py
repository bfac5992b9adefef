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


def test_an_independent_processor_compacts_the_export_as_we_write_it(
    shipped: KnowledgeGraph,
) -> None:
    # PyLD expands our JSON-LD and compacts it again with our context: every node must
    # come back as we wrote it, arrays, terms and aliases alike. The one difference
    # allowed is where a property has no value: we write the term with [] so every
    # concept has one shape; compaction keeps [] too but may name it by compact IRI.
    # (Checked to fail when the writer's forms differ: "@id" for "id" in a reference.)
    from pyld import jsonld

    document = json.loads(export(shipped, "jsonld", BASE))
    compacted = jsonld.compact(
        jsonld.expand(document), json_ld_context(BASE), {"compactArrays": False}
    )

    def same(value: object) -> object:
        # PyLD writes a literal's datatype with the context's alias of @type ("type");
        # we write @type itself, which rdflib's JSON-LD parser needs: the same thing
        if isinstance(value, list):
            return [same(v) for v in value]
        if isinstance(value, dict) and "@value" in value and "type" in value:
            return {("@type" if k == "type" else k): v for k, v in value.items()}
        return value

    def valued(node: dict[str, object]) -> dict[str, object]:
        return {key: same(value) for key, value in node.items() if value != []}

    ours = {n["id"]: valued(n) for n in document["@graph"]}
    theirs = {n["id"]: valued(n) for n in compacted["@graph"]}
    assert len(ours) > 2000
    assert ours == theirs
