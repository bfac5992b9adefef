"""bench.describe prints the accuracy and latency figures of kg.describe."""

from __future__ import annotations

import json

import pytest

from bench.describe import main, run, splits


def test_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--split", "held_out_2", "--rounds", "1"])
    figures = json.loads(capsys.readouterr().out)
    assert figures == run("held_out_2", 1) | {
        k: figures[k] for k in ("build_seconds", "p50_ms", "p99_ms")
    }
    assert figures["questions"] >= 20 and figures["no_answer_questions"] >= 5
    assert 0 <= figures["top1"] <= figures["top3"] <= 1
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert 0 < figures["ask_top1"] <= 1 and 0 < figures["ask_no_answer_rate"] <= 1
    # one split: its own figures are the whole
    assert list(figures["by_split"]) == ["held_out_2"]
    assert figures["by_split"]["held_out_2"]["top3"] == figures["top3"]


def test_every_split_is_reported_on_its_own() -> None:
    figures = run(rounds=1)
    assert figures["split"] == "all"
    assert list(figures["by_split"]) == splits()
    assert splits()[:2] == ["tune", "held_out_2"]
    parts = figures["by_split"].values()
    assert figures["questions"] == sum(p["questions"] for p in parts)
    assert figures["no_answer_questions"] == sum(p["no_answer_questions"] for p in parts)
    # the overall share lies between the splits' own
    shares = [p["top3"] for p in parts]
    assert min(shares) <= figures["top3"] <= max(shares)
