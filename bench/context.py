"""How much of what a question needs the grounded context holds, by budget:
``python -m bench.context [--budgets 300 1000 3000]``.

Two sets of questions, both written from the sources:

- the ask questions of ``tests/quality/cases.yaml`` that the graph can answer (intent
  not ``unknown``). What each needs is measured two ways. ``about``: the ids the answer
  must be about, the case's ``concepts:`` where it gives them, else the concepts
  ``/v1/ask``'s own answer is about; the context holds one when it gives its
  definition. ``phrases``: the concepts named in the case's ``first`` and ``must``
  phrases (what a correct answer must say), found by :func:`kg.annotate.annotate`; the
  context holds one when it defines it or tells a relation of it, as a correct answer
  mentions it.
- the descriptive questions of ``tests/quality/descriptive.yaml`` (a concept described
  without being named, with the ids that count as right): the context holds what it
  needs when it defines one of them; recall is also given for each ``split`` (``tune``:
  the questions kg.describe was tuned on; ``held_out_2`` and ``held_out_3``: written
  blind by other authors, see the file's header). Its ``none`` questions (about what the
  graph does not hold) should get a context with no facts; ``none_empty`` is the share
  that do.

Prints one JSON line: for each budget, each measure's recall (the share of needed
concepts held, over all questions), how many ``about`` concepts were missed, and the mean
estimated tokens used.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import yaml

from kg.annotate import annotate
from kg.ask import ask
from kg.context import GroundedContext, build_context
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.settings import Settings

QUALITY = Path(__file__).resolve().parent.parent / "tests" / "quality"
BUDGETS = (300, 1000, 3000)


def ask_cases() -> list[dict[str, Any]]:
    """The ask cases of cases.yaml the graph can answer."""
    cases = yaml.safe_load((QUALITY / "cases.yaml").read_text("utf-8"))["ask"]
    return [c for c in cases if c["intent"] != "unknown"]


def descriptive_cases() -> dict[str, list[dict[str, Any]]]:
    """descriptive.yaml's ``describe`` and ``none`` questions (empty if it is absent)."""
    path = QUALITY / "descriptive.yaml"
    if not path.exists():
        return {"describe": [], "none": []}
    found = yaml.safe_load(path.read_text("utf-8"))
    return {"describe": found.get("describe", []), "none": found.get("none", [])}


def about(graph: KnowledgeGraph, case: dict[str, Any]) -> list[str]:
    """The ids an answer to ``case`` must be about (see the module notes)."""
    return list(case.get("concepts") or ask(graph, case["q"]).concepts)


def phrased(graph: KnowledgeGraph, case: dict[str, Any]) -> list[str]:
    """The concepts named in the phrases a correct answer to ``case`` must hold."""
    text = "\n".join(str(p) for p in [*case.get("first", []), *case.get("must", [])])
    return list(dict.fromkeys(a.id for a in annotate(graph, text)))


def defined(ctx: GroundedContext) -> set[str]:
    return {c.id for c in ctx.concepts}


def mentioned(ctx: GroundedContext) -> set[str]:
    return defined(ctx) | {cid for r in ctx.relations for cid in (r.source, r.target)}


def measure(graph: KnowledgeGraph, budget: int, verbose: bool = False) -> dict[str, Any]:
    """Every measure of the module notes at ``budget``; ``about_missed`` counts the
    needed concepts the context left out (with ``verbose``, lists them)."""
    held = {"about": [0, 0], "phrases": [0, 0], "descriptive": [0, 0]}
    split: dict[str, list[int]] = {}
    tokens: list[int] = []
    misses: list[str] = []
    for case in ask_cases():
        ctx = build_context(graph, case["q"], budget=budget)
        tokens.append(ctx.tokens)
        for key, needed, have in (
            ("about", about(graph, case), defined(ctx)),
            ("phrases", phrased(graph, case), mentioned(ctx)),
        ):
            held[key][0] += sum(cid in have for cid in needed)
            held[key][1] += len(needed)
            if key == "about":
                misses += [f"{case['q']} -> {cid}" for cid in needed if cid not in have]
    described = descriptive_cases()
    for case in described["describe"]:
        ctx = build_context(graph, case["q"], budget=budget)
        hit = bool(defined(ctx) & set(case["ids"]))
        held["descriptive"][0] += hit
        held["descriptive"][1] += 1
        part = split.setdefault(str(case.get("split", "")), [0, 0])
        part[0] += hit
        part[1] += 1
    empty = [
        not build_context(graph, case["q"], budget=budget).concepts for case in described["none"]
    ]
    out: dict[str, Any] = {
        f"{key}_recall": round(n / total, 4) if total else None for key, (n, total) in held.items()
    }
    for name, (n, total) in sorted(split.items()):
        if name:
            out[f"descriptive_{name}_recall"] = round(n / total, 4)
    out["none_empty"] = round(sum(empty) / len(empty), 4) if empty else None
    out["mean_tokens"] = round(statistics.mean(tokens), 1)
    out["about_missed"] = misses if verbose else len(misses)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS))
    parser.add_argument(
        "--verbose", action="store_true", help="list each question's missed concepts"
    )
    args = parser.parse_args(argv)
    graph = load_graph(Settings().data_dir)
    figures: dict[str, Any] = {
        "bench": "context",
        "ask_questions": len(ask_cases()),
        "descriptive_questions": len(descriptive_cases()["describe"]),
        "none_questions": len(descriptive_cases()["none"]),
    }
    for budget in args.budgets:
        figures[str(budget)] = measure(graph, budget, args.verbose)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
