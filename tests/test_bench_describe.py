"""bench.describe prints the accuracy and latency figures of kg.describe."""

from __future__ import annotations

import json

import pytest

from bench.describe import main, run


def test_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--split", "held_out", "--rounds", "1"])
    figures = json.loads(capsys.readouterr().out)
    assert figures == run("held_out", 1) | {
        k: figures[k] for k in ("build_seconds", "p50_ms", "p99_ms")
    }
    assert figures["questions"] >= 20 and figures["no_answer_questions"] >= 5
    assert 0 <= figures["top1"] <= figures["top3"] <= 1
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
