"""The synthetic graph generator and the scale benchmark, on small sizes only."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import bench.generate
import bench.scale
from bench.generate import SOURCE_ID, build, concept_yaml, generate, quoted
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.ontology import KINDS, RELATION_TYPES, WORK_KIND, in_hierarchy

ROOT = Path(__file__).resolve().parent.parent
CONCEPTS, RELATIONS = 300, 1500


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "data", CONCEPTS, RELATIONS, seed=7)


@pytest.fixture(scope="module")
def graph(generated: Path) -> KnowledgeGraph:
    return load_graph(generated)


def test_generated_data_loads_with_the_counts_asked_for(graph: KnowledgeGraph) -> None:
    stats = graph.stats()
    assert (stats["concepts"], stats["relations"], stats["sources"]) == (CONCEPTS, RELATIONS, 1)
    assert stats["citations"] >= CONCEPTS + RELATIONS


def test_generated_graph_has_a_realistic_shape(graph: KnowledgeGraph) -> None:
    kinds = Counter(c.kind for c in graph.concepts.values())
    types = Counter(r.type for r in graph.relations)
    assert set(kinds) <= set(KINDS) and len(kinds) >= 6
    assert set(types) <= set(RELATION_TYPES) and len(types) >= 10
    assert types.most_common(1)[0][0] == "example_of"
    degrees = sorted(graph.degree(cid) for cid in graph.concepts)
    assert degrees[-1] >= 4 * degrees[len(degrees) // 2]  # a few hubs, many small ones
    assert any(c.aliases for c in graph.concepts.values())
    assert all(1 <= len(c.label.split()) <= 4 for c in graph.concepts.values())
    for rel in graph.relations:
        if rel.type == "introduced_in":
            assert graph.concept(rel.target).kind == WORK_KIND
    quotes = {cit.quote for c in graph.concepts.values() for cit in c.citations}
    text = graph.source_text(SOURCE_ID)
    assert all(q.endswith(".") and q in text for q in quotes)


def test_hierarchy_goes_from_higher_to_lower_index_and_related_links_cross_it() -> None:
    """The published hierarchy (is_a, part_of, example_of) has no cycle, and no related
    link joins a concept to one above or below it (SKOS S27): it stays within a parity
    of index, which every other relation crosses."""
    corpus = build(120, 600, seed=2)
    index = {c.id: i for i, c in enumerate(corpus.concepts)}
    pairs = [
        (i, index[r.target], in_hierarchy(r.type, None))
        for i, c in enumerate(corpus.concepts)
        for r in c.relations
    ]
    hierarchical = [(s, t) for s, t, broader in pairs if broader]
    related = [(s, t) for s, t, broader in pairs if not broader]
    assert {"example_of", "is_a", "part_of"} <= {
        r.type for c in corpus.concepts for r in c.relations if in_hierarchy(r.type, None)
    }
    assert hierarchical and all(s > t and s % 2 == t % 2 for s, t in hierarchical)
    assert related and all(s % 2 != t % 2 for s, t in related)


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path, generated: Path) -> None:
    again = _files(generate(tmp_path / "again", CONCEPTS, RELATIONS, seed=7))
    assert again == _files(generated)
    other = _files(generate(tmp_path / "other", CONCEPTS, RELATIONS, seed=8))
    assert other != again
    assert other.keys() != again.keys()


def test_files_read_back_as_written() -> None:
    corpus = build(60, 200, seed=5)
    for concept in corpus.concepts:
        data = yaml.safe_load(concept_yaml(concept))
        assert data["label"] == concept.label and data["kind"] == concept.kind
        assert tuple(data.get("aliases", [])) == concept.aliases
        assert data["definition"] == concept.definition
        assert tuple(c["quote"] for c in data["citations"]) == concept.quotes
        got = [
            (r["type"], r["target"], tuple(c["quote"] for c in r["citations"]))
            for r in data.get("relations", [])
        ]
        assert got == [(r.type, r.target, r.quotes) for r in concept.relations]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "the agent's goal",
        "it's 'quoted'",
        "a: b # c",
        "- dash",
        "yes",
        "null",
        "1.5",
        "~",
        "@at",
        "%p",
        "ü “ok”",
    ],
)
def test_quoted_scalars_read_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"k: {quoted(text)}") == {"k": text}


def test_quoted_refuses_line_breaks() -> None:
    with pytest.raises(ValueError):
        quoted("two\nlines")


def test_refuses_to_write_over_concepts(generated: Path) -> None:
    with pytest.raises(FileExistsError):
        generate(generated, 10, 20)


@pytest.mark.parametrize("module", [bench.generate, bench.scale])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_scale_prints_one_json_line_of_positive_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--concepts", "200", "--relations", "800"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    figures = json.loads(lines[0])
    assert set(bench.scale.KEYS) <= set(figures)
    assert (figures["concepts"], figures["relations"]) == (200, 800)
    for key in bench.scale.KEYS:
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    assert figures["relate_p50_ms"] <= figures["relate_p99_ms"]
    assert figures["peak_rss_mb"] >= figures["rss_after_load_mb"]
    assert figures["export_ratio"] == pytest.approx(
        figures["turtle_export_s"] / figures["oxigraph_dump_s"], rel=0.2
    )


def test_scale_reports_the_snapshot_it_writes_and_reads(generated: Path) -> None:
    figures = bench.scale.measure(
        generated, pairs=5, seed=1, mb=0.01, rounds=1, baseline="serialize"
    )
    assert figures["snapshot_write_s"] > 0 and figures["snapshot_load_s"] > 0
    assert figures["snapshot_mb"] > 0


@pytest.mark.slow
def test_startup_prints_cold_warm_and_workers_figures() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scale",
            "--concepts",
            "200",
            "--relations",
            "800",
            "--startup",
            "--requests",
            "20",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (line,) = done.stdout.splitlines()
    figures = json.loads(line)
    assert set(bench.scale.STARTUP_KEYS) <= set(figures)
    assert (figures["concepts"], figures["relations"]) == (200, 800)
    for key in bench.scale.STARTUP_KEYS:
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    assert len(figures["workers_pss_mb"]) == figures["workers"] == 2
    # the workers share the pages of the process that loaded the graph and forked them
    for uss, rss in zip(figures["workers_uss_mb"], figures["workers_rss_mb"], strict=True):
        assert uss < rss / 2
    assert figures["workers_total_pss_mb"] < sum(figures["workers_rss_mb"])


def test_cpu_seconds_counts_what_the_process_used() -> None:
    used = time.process_time()
    spent = time.process_time()
    while time.process_time() - spent < 0.2:  # burn a fifth of a second
        sum(range(1000))
    # the kernel counts in clock ticks (a hundredth of a second)
    assert bench.scale.cpu_seconds(os.getpid()) >= used + 0.2 - 0.05
    own = bench.scale.cpu_seconds(os.getpid(), waited=False)
    assert used + 0.2 - 0.05 <= own <= bench.scale.cpu_seconds(os.getpid())
    with pytest.raises(RuntimeError):
        bench.scale.cpu_seconds(2**22 + 1)
