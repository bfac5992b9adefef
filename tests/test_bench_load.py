"""The load benchmark, for a few seconds against the shipped data."""

from __future__ import annotations

import doctest
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import bench.load
from bench.load import ROUTES, WEIGHTS, Mix, World, process_tree

ROOT = Path(__file__).resolve().parent.parent


def test_doctests() -> None:
    result = doctest.testmod(bench.load)
    assert result.attempted > 0 and result.failed == 0


def test_process_tree_finds_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_tree(os.getpid())[0] == os.getpid()
        assert child.pid in process_tree(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_mix_covers_every_route_first_then_follows_the_weights() -> None:
    world = World(
        ids=["a", "b", "c"],
        names=[("A", "a"), ("Bee", "b")],
        iris=["https://example.org/concept/a"],
        texts=["Some text. More text."],
    )
    mix = Mix(world, random.Random(1))
    first = [mix.next().route for _ in ROUTES]
    assert sorted(first) == sorted(ROUTES)
    counts = dict.fromkeys(ROUTES, 0)
    for _ in range(20_000):
        counts[mix.next().route] += 1
    total = sum(WEIGHTS.values())
    for route, n in counts.items():
        assert n / 20_000 == pytest.approx(WEIGHTS[route] / total, abs=0.01), route


@pytest.mark.slow
def test_a_short_run_covers_every_route_without_errors() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--seconds",
            "5",
            "--warmup",
            "1",
            "--sample",
            "2",
            "--concurrency",
            "4",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, (done.stdout, done.stderr)
    figures = json.loads(lines[0])
    assert figures["errors"] == 0 and figures["warmup_errors"] == 0, figures.get("error_samples")
    assert set(figures["routes"]) == set(ROUTES)
    for route, row in figures["routes"].items():
        assert row["count"] > 0 and row["errors"] == 0, route
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"], route
    assert figures["routes"]["by_name"]["redirects"] == figures["routes"]["by_name"]["count"]
    assert (
        sum(figures["routes"]["bad"]["expected_non_2xx"].values())
        == figures["routes"]["bad"]["count"]
    )
    assert figures["requests"] == sum(r["count"] for r in figures["routes"].values())
    assert figures["rps"] > 0
    for key in ("rss_start_mb", "rss_end_mb", "rss_tree_start_mb", "rss_tree_end_mb"):
        assert figures[key] > 0, key
    assert figures["rss_tree_end_mb"] >= figures["rss_end_mb"]
    assert isinstance(figures["rss_growth_pct"], float)
    assert len(figures["rss_samples_mb"]) >= 2
    # exit status: 0 unless memory grew past the limit (errors were ruled out above)
    assert done.returncode == (0 if figures["ok"] else 1), done.stderr
