"""How well and how fast kg.describe finds a concept from a description of it:
``python -m bench.describe [--split SPLIT] [--rounds 5]``.

Runs the written questions of tests/quality/descriptive.yaml (all of them, or one
split) and prints one JSON line: top-1 and top-3 accuracy over the descriptive questions
(a question counts when a right concept is first, or among the first three, of what
:func:`kg.describe.describe` returns), the no-answer rate over the questions the graph
cannot answer (the share answered with nothing, as they must be), the same figures for
each split (``by_split``: ``tune``, what the method was chosen on, and ``held_out_2``,
written blind and never used to choose anything), and the p50 and p99 latency of one
call, over every question, ``--rounds`` times each, after a first call that builds the
index (timed on its own). ``ask_top1`` and ``ask_no_answer_rate`` are the same
questions sent to :func:`kg.ask.ask`, as a bot sends them to ``/v1/ask``: the share whose
answer's first concept is a right one, and the share of the questions the graph cannot
answer that ask leaves unanswered (intent ``unknown``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from kg.ask import ask
from kg.describe import describe
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.settings import Settings

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "quality" / "descriptive.yaml"


def _cases() -> dict[str, list[dict[str, Any]]]:
    cases: dict[str, list[dict[str, Any]]] = yaml.safe_load(QUESTIONS.read_text("utf-8"))
    return cases


def splits() -> list[str]:
    """The splits of the written questions, in the order they first appear."""
    cases = _cases()
    return list(dict.fromkeys(c["split"] for c in cases["describe"] + cases["none"]))


def _share(hits: list[bool]) -> float:
    return round(sum(hits) / len(hits), 3) if hits else 0.0


def _figures(
    graph: KnowledgeGraph, described: list[dict[str, Any]], none: list[dict[str, Any]]
) -> dict[str, Any]:
    top1: list[bool] = []
    top3: list[bool] = []
    for case in described:
        ids = [d.id for d in describe(graph, case["q"], limit=3)]
        top1.append(ids[:1] != [] and ids[0] in case["ids"])
        top3.append(any(i in case["ids"] for i in ids))
    answered_nothing = [describe(graph, c["q"]) == [] for c in none]
    return {
        "questions": len(described),
        "top1": _share(top1),
        "top3": _share(top3),
        "no_answer_questions": len(none),
        "no_answer_rate": _share(answered_nothing),
    }


def run(split: str | None = None, rounds: int = 5) -> dict[str, Any]:
    """The figures, as printed (see the module notes)."""
    cases = _cases()
    chosen = [split] if split is not None else splits()
    described = [c for c in cases["describe"] if c["split"] in chosen]
    none = [c for c in cases["none"] if c["split"] in chosen]
    graph = load_graph(Settings().data_dir)
    t0 = time.perf_counter()
    describe(graph, "an optimizer produced by training")
    build = time.perf_counter() - t0
    by_split = {
        s: _figures(
            graph,
            [c for c in described if c["split"] == s],
            [c for c in none if c["split"] == s],
        )
        for s in chosen
    }
    times: list[float] = []
    for _ in range(rounds):
        for case in described + none:
            t0 = time.perf_counter()
            describe(graph, case["q"])
            times.append(time.perf_counter() - t0)
    cuts = statistics.quantiles(times, n=100)
    asked = [ask(graph, c["q"]).concepts[:1] in ([i] for i in c["ids"]) for c in described]
    unanswered = [ask(graph, c["q"]).intent == "unknown" for c in none]
    return {
        "bench": "describe",
        "split": split or "all",
        **_figures(graph, described, none),
        "ask_top1": _share(asked),
        "ask_no_answer_rate": _share(unanswered),
        "by_split": by_split,
        "build_seconds": round(build, 4),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=splits(), help="one split only")
    parser.add_argument("--rounds", type=int, default=5, help="timed calls per question")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.split, args.rounds)))


if __name__ == "__main__":
    main()
