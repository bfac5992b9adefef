"""The write and re-validation benchmarks run and report what they measured (tiny sizes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_bench_writes_reports_each_write() -> None:
    result = _run("bench.writes", "--writes", "4")
    shipped = len(list((ROOT / "data" / "concepts").glob("*.yaml")))
    assert result["writes"] == 4 and result["concepts"] == shipped
    assert 0 < result["median_ms"] <= result["p90_ms"] <= result["max_ms"]  # type: ignore[operator]


def test_bench_writes_on_a_generated_graph() -> None:
    result = _run("bench.writes", "--writes", "2", "--concepts", "120")
    assert result["writes"] == 2 and result["concepts"] == 120


def test_bench_revalidate_gives_the_same_graph_three_ways() -> None:
    result = _run("bench.revalidate", "--concepts", "150", "--rounds", "1")
    assert result["same_result"] is True and result["warm_misses"] == 1
