"""The dataset's own description (VoID, DCAT): its facts, counts and dates."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

import pyoxigraph as ox

from kg import dataset
from kg.dataset import modified_from_files, modified_from_revision
from kg.graph import KnowledgeGraph
from kg.rdf import (
    DCAT,
    DCT,
    FOAF,
    FORMATS,
    OWL,
    RDF,
    SKOS,
    VOID,
    XSD,
    dataset_triples,
    export,
    graph_triples,
)

BASE = "https://example.org/kg/"
D = ox.NamedNode(f"{BASE}dataset")


def _store(data: bytes) -> ox.Store:
    store = ox.Store()
    store.load(data, ox.RdfFormat.TURTLE)
    return store


def _objects(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode) -> list[str]:
    return sorted(str(q.object.value) for q in store.quads_for_pattern(s, p, None))  # type: ignore[union-attr]


def test_the_export_describes_itself(good: KnowledgeGraph) -> None:
    store = _store(export(good, "turtle", BASE, dt.date(2026, 5, 4)))
    assert _objects(store, D, RDF.type) == sorted([VOID.Dataset.value, DCAT.Dataset.value])
    assert _objects(store, ox.NamedNode(f"{BASE}scheme"), VOID.inDataset) == [D.value]
    assert _objects(store, D, DCT.license) == [dataset.LICENSE]
    assert _objects(store, D, DCT.title) == [dataset.TITLE]
    assert [q.object for q in store.quads_for_pattern(D, DCT.modified, None)] == [
        ox.Literal("2026-05-04", datatype=XSD.date)
    ]
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    version = tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]
    assert _objects(store, D, OWL.versionInfo) == [version]
    publisher = ox.NamedNode(_objects(store, D, DCT.publisher)[0])
    assert dataset.PUBLISHER in _objects(store, publisher, FOAF.name)


def test_the_counts_are_the_exports_own(good: KnowledgeGraph) -> None:
    store = _store(export(good, "turtle", BASE))
    # every triple once: the count a parser reads back is the count the description states
    assert _objects(store, D, VOID.triples) == [str(len(store))]
    concepts = {str(q.subject) for q in store.quads_for_pattern(None, RDF.type, SKOS.Concept)}
    assert _objects(store, D, VOID.entities) == [str(len(concepts))]
    assert all(c.startswith(f"<{_objects(store, D, VOID.uriSpace)[0]}") for c in concepts)
    assert not list(store.quads_for_pattern(D, DCT.modified, None))  # not known: not said


def test_the_description_alone_states_the_count_the_export_does(shipped: KnowledgeGraph) -> None:
    # the export counts its triples as it writes them; the description served on its own
    # (GET /v1/dataset) counts them by a walk of its own: the two must agree
    exported = list(graph_triples(shipped, BASE))
    stated = [t.object for t in exported if t.predicate == VOID.triples]
    alone = [t.object for t in dataset_triples(shipped, BASE) if t.predicate == VOID.triples]
    assert stated == alone
    assert [o.value for o in stated if isinstance(o, ox.Literal)] == [str(len(exported))]


def test_every_triple_is_written_once(shipped: KnowledgeGraph) -> None:
    # the shipped data has pairs of concepts with two relations, which imply one SKOS link
    triples = list(graph_triples(shipped, BASE))
    assert len(triples) == len(set(triples))


def test_a_download_per_format_with_its_media_type(good: KnowledgeGraph) -> None:
    store = _store(export(good, "turtle", BASE))
    found = {}
    for dist in _objects(store, D, DCAT.distribution):
        node = ox.NamedNode(dist)
        [url] = _objects(store, node, DCAT.downloadURL)
        [media] = _objects(store, node, DCAT.mediaType)
        found[url] = media.rsplit("media-types/", 1)[1]
    # under the base IRI, as every IRI minted is (not at its origin's root)
    assert found == {f"{BASE}v1/export.{f.extension}": f.media_type for f in FORMATS.values()}
    assert sorted(found) == _objects(store, D, VOID.dataDump)
    assert _objects(store, D, VOID.sparqlEndpoint) == [f"{BASE}v1/sparql"]


def test_modified_is_the_newest_files_day(tmp_path: Path) -> None:
    assert modified_from_files(tmp_path) is None
    (tmp_path / "sub").mkdir()
    for name, day in [("a.yaml", dt.date(2025, 1, 2)), ("sub/b.md", dt.date(2026, 3, 4))]:
        path = tmp_path / name
        path.write_text("x")
        stamp = dt.datetime.combine(day, dt.time(12), dt.UTC).timestamp()
        os.utime(path, (stamp, stamp))
    assert modified_from_files(tmp_path) == dt.date(2026, 3, 4)
    assert modified_from_revision("2026-07-08T09:10:11.000000Z") == dt.date(2026, 7, 8)
