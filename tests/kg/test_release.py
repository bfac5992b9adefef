"""``kg release VERSION`` (issue 21): a version's dumps in every format, checksummed,
each naming its version and version IRI; never another version, never rewritten. And
``kg retire ID``, a data directory's delete, which leaves a tombstone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib

from kg import dataset
from kg.cli import main
from kg.rdf import FORMATS
from tests.conftest import ROOT

OWL = rdflib.Namespace("http://www.w3.org/2002/07/owl#")
BASE = "https://example.org/kg/"


def test_a_release_writes_every_dump_with_its_checksum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = dataset.version()
    args = [
        "release",
        version,
        "--data",
        str(ROOT / "data"),
        "--out",
        str(tmp_path),
        "--base",
        BASE,
    ]
    assert main(args) == 0
    folder = tmp_path / f"alignment-kg-{version}"
    lines = (folder / "SHA256SUMS").read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert sorted(sums) == sorted(f"alignment-kg-{version}.{f.extension}" for f in FORMATS.values())
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    g = rdflib.Graph().parse(folder / f"alignment-kg-{version}.ttl", format="turtle")
    d = rdflib.URIRef(f"{BASE}dataset")
    assert g.value(d, OWL.versionInfo) == rdflib.Literal(version)
    assert g.value(d, OWL.versionIRI) == rdflib.URIRef(f"{BASE}dataset/{version}")
    # the four dumps hold the same graph
    n = len(g)
    for fmt, parser in [("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")]:
        assert (
            len(rdflib.Graph().parse(folder / f"alignment-kg-{version}.{fmt}", format=parser)) == n
        )
    # a second run refuses to rewrite it
    assert main(args) == 2
    assert "never rewritten" in capsys.readouterr().err


@pytest.mark.parametrize("version", ["99.0.0", "v1", "1.2"])
def test_another_version_is_refused(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", version, "--data", str(ROOT / "data"), "--out", str(tmp_path)]) == 2
    assert "error:" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_retire_leaves_a_tombstone_or_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from kg.load import load_graph

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    # pointed at by another concept's relation: refused, nothing written
    assert main(["retire", "bottle-cap", "--data", str(data)]) == 1  # as kg validate
    assert "dangling target 'bottle-cap'" in capsys.readouterr().err
    assert (data / "concepts" / "bottle-cap.yaml").is_file()
    assert not (data / "tombstones.yaml").exists()
    args = ["retire", "gradient-hacking", "--data", str(data), "--replaced-by", "inner-alignment"]
    assert main(args) == 0
    graph = load_graph(data)
    assert "gradient-hacking" not in graph.concepts
    assert graph.tombstones["gradient-hacking"].replaced_by == "inner-alignment"
    assert main(["show", "gradient-hacking", "--data", str(data)]) == 2
    assert "was deleted on" in capsys.readouterr().err
