"""How the library scales: ``python -m bench.scale --concepts N --relations M``.

Generates a data directory with :mod:`bench.generate` (in a temporary directory, or in
``--data DIR`` when DIR does not exist yet; an existing DIR is used as it is), then, in
this one process, measures and prints one JSON line:

- ``load_validate_s``: :func:`kg.load.load_graph` on the directory;
- ``prepare_s``: what the server does before its first request, as ``kg serve`` does:
  :meth:`KnowledgeGraph.prepare` (the adjacency used by path finding), then
  ``gc.freeze()`` so the garbage collector leaves the snapshot alone;
- ``relate_p50_ms`` / ``relate_p99_ms``: :func:`kg.paths.relate` with its default limits
  on ``--pairs`` random pairs of concept ids (the same pairs for a seed); the first call
  is timed apart as ``relate_warmup_s``; before them, :func:`kg.paths.prepare` orders
  every hub's neighbours, as a server is to do before its first request
  (``paths_prepare_s``);
- ``search_p99_ms``: :func:`kg.search.search` on as many random prefixes and typos of
  labels and aliases; the index build is ``search_index_s``;
- ``search_typo1_same_top``, ``search_typo2_same_list``: of as many labels and aliases
  with one typo (:mod:`bench.typos`), the share whose first hit is the one comparing
  every name gives (:func:`kg.search.search_exhaustive`); with two typos, the share
  whose whole list is;
- ``annotate_mb_s``: :func:`kg.annotate.annotate` on about ``--mb`` MB of text made of
  labels, aliases and filler words (best of ``--rounds``); the automaton build is
  ``annotator_s``;
- ``turtle_export_s``: :func:`kg.rdf.export_to` writing Turtle into a temporary file as it
  goes, as ``kg export -o FILE`` does (``turtle_mb`` is the file's size);
- ``oxigraph_dump_s``: Oxigraph alone writing the same triples as Turtle with the same
  prefixes: the triples of :func:`kg.rdf.graph_triples` are first collected in a list
  (untimed, ``oxigraph_prepare_s``) and only ``pyoxigraph.serialize`` of that list is
  timed; with ``--baseline store`` they go into an in-memory ``pyoxigraph.Store`` instead
  and its ``dump`` is timed. ``export_ratio`` is ``turtle_export_s / oxigraph_dump_s``;
- ``peak_rss_mb``: the peak resident set of the process after loading, querying and
  exporting (``rss_after_load_mb`` after loading only); the export streams, so it adds
  little. The triples held for the comparison come after, and ``peak_rss_end_mb``
  includes them.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.generate import FILLER, generate
from bench.typos import agreement, misspelt
from kg.annotate import annotate, annotator_for
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.paths import prepare as prepare_paths
from kg.paths import relate
from kg.rdf import Namespaces, export_to, graph_triples
from kg.search import index_for, search

BASE_IRI = "https://w3id.org/alignment-kg/"
KEYS = (
    "concepts",
    "relations",
    "load_validate_s",
    "peak_rss_mb",
    "relate_p50_ms",
    "relate_p99_ms",
    "search_p99_ms",
    "annotate_mb_s",
    "turtle_export_s",
    "oxigraph_dump_s",
    "export_ratio",
    "search_index_s",
    "annotator_s",
)
"""The figures every run reports (others are added for context)."""


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform != "darwin" else 1 / 1024  # macOS reports bytes
    return round(kib * scale / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0-100) of ``values``.

    >>> percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50), percentile(list(range(1, 201)), 99)
    (3.0, 198)
    """
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def relate_pairs(graph: KnowledgeGraph, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` pairs of distinct concept ids, the same for the same graph and seed."""
    rng = random.Random(f"relate-{seed}")
    ids = list(graph.concepts)
    return [(ids[a], ids[b]) for a, b in (rng.sample(range(len(ids)), 2) for _ in range(count))]


def search_queries(graph: KnowledgeGraph, count: int, seed: int) -> list[str]:
    """Prefixes (as autocomplete sends them) and one-letter typos of labels and aliases."""
    rng = random.Random(f"search-{seed}")
    concepts = list(graph.concepts.values())
    letters = "abcdefghijklmnopqrstuvwxyz"
    queries = []
    for i in range(count):
        c = concepts[rng.randrange(len(concepts))]
        name = rng.choice((c.label, *c.aliases))
        if i % 2 == 0 or len(name) < 4:
            queries.append(name[: rng.randint(min(3, len(name)), len(name))])
            continue
        at = rng.randrange(1, len(name) - 1)
        typo = rng.randrange(3)
        if typo == 0:  # a wrong letter
            queries.append(name[:at] + rng.choice(letters) + name[at + 1 :])
        elif typo == 1:  # a letter left out
            queries.append(name[:at] + name[at + 1 :])
        else:  # two letters swapped
            queries.append(name[: at - 1] + name[at] + name[at - 1] + name[at + 1 :])
    return queries


def annotation_text(graph: KnowledgeGraph, size: int, seed: int) -> str:
    """About ``size`` bytes of sentences of filler words with labels and aliases in them."""
    rng = random.Random(f"annotate-{seed}")
    names = [n for c in graph.concepts.values() for n in (c.label, *c.aliases)]
    sentences: list[str] = []
    total = 0
    while total < size:
        words = []
        for _ in range(rng.randint(8, 20)):
            words.append(
                names[rng.randrange(len(names))]
                if rng.random() < 0.15
                else FILLER[rng.randrange(len(FILLER))]
            )
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + "."
        sentences.append(sentence)
        total += len(sentence.encode("utf-8")) + 1
    return " ".join(sentences)


def measure(
    data_dir: Path, pairs: int, seed: int, mb: float, rounds: int, baseline: str = "serialize"
) -> dict[str, Any]:
    """Every figure of the module docstring for the data directory ``data_dir``."""
    out: dict[str, Any] = {}
    load_s, graph = _timed(lambda: load_graph(data_dir))
    stats = graph.stats()
    out.update(
        concepts=stats["concepts"],
        relations=stats["relations"],
        citations=stats["citations"],
        load_validate_s=round(load_s, 3),
        rss_after_load_mb=peak_rss_mb(),
    )
    prepare_s, _ = _timed(graph.prepare)
    paths_s, _ = _timed(lambda: prepare_paths(graph))
    gc.freeze()
    out["prepare_s"] = round(prepare_s, 3)
    out["paths_prepare_s"] = round(paths_s, 3)

    chosen = relate_pairs(graph, pairs, seed)
    x0, y0 = chosen[0]
    warm_s, _ = _timed(lambda: relate(graph, x0, y0))
    times = []
    for x, y in chosen:
        t0 = time.perf_counter()
        relate(graph, x, y)
        times.append((time.perf_counter() - t0) * 1000)
    out.update(
        pairs=pairs,
        relate_warmup_s=round(warm_s, 3),
        relate_p50_ms=round(percentile(times, 50), 3),
        relate_p99_ms=round(percentile(times, 99), 3),
        relate_max_ms=round(max(times), 3),
    )

    index_s, _ = _timed(lambda: index_for(graph))
    queries = search_queries(graph, pairs, seed)
    times = []
    for q in queries:
        t0 = time.perf_counter()
        search(graph, q)
        times.append((time.perf_counter() - t0) * 1000)
    out.update(
        search_index_s=round(index_s, 3),
        search_p50_ms=round(percentile(times, 50), 3),
        search_p99_ms=round(percentile(times, 99), 3),
    )
    one = agreement(graph, misspelt(graph, pairs, 1, seed))
    two = agreement(graph, misspelt(graph, pairs, 2, seed))
    out.update(
        search_typo1_same_top=round(one.same_top / one.queries, 3),
        search_typo2_same_list=round(two.same_list / two.queries, 3),
    )

    annotator_s, annotator = _timed(lambda: annotator_for(graph))
    text = annotation_text(graph, int(mb * 1_000_000), seed)
    size = len(text.encode("utf-8"))
    best = math.inf
    found = 0
    for _ in range(rounds):
        elapsed, marks = _timed(lambda: annotate(graph, text))
        best, found = min(best, elapsed), len(marks)
    out.update(
        annotator_s=round(annotator_s, 3),
        annotator_forms=annotator.forms,
        annotate_bytes=size,
        annotations=found,
        annotate_mb_s=round(size / 1_000_000 / best, 2),
    )

    with tempfile.TemporaryDirectory(prefix="kg-scale-export-") as tmp:
        path = Path(tmp) / "export.ttl"
        with path.open("wb") as f:
            export_s, _ = _timed(lambda: export_to(graph, "turtle", BASE_IRI, f))
        out.update(
            turtle_export_s=round(export_s, 3), turtle_mb=round(path.stat().st_size / 1e6, 1)
        )
    out["peak_rss_mb"] = peak_rss_mb()

    prefixes = Namespaces(BASE_IRI).prefixes()
    if baseline == "store":
        store = ox.Store()
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in graph_triples(graph, BASE_IRI))
        prepare_s, _ = _timed(lambda: store.extend(quads))
        count = len(store)
        dump_s, dumped = _timed(
            lambda: store.dump(
                format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=prefixes
            )
        )
    else:
        prepare_s, triples = _timed(lambda: list(graph_triples(graph, BASE_IRI)))
        count = len(triples)
        dump_s, dumped = _timed(
            lambda: ox.serialize(triples, None, ox.RdfFormat.TURTLE, prefixes=prefixes)
        )
    out.update(
        triples=count,
        oxigraph_baseline=baseline,
        oxigraph_prepare_s=round(prepare_s, 3),
        oxigraph_dump_s=round(dump_s, 3),
        oxigraph_turtle_mb=round(len(dumped) / 1e6, 1),
        export_ratio=round(export_s / dump_s, 2),
        peak_rss_end_mb=peak_rss_mb(),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--concepts", type=int, help="concepts to generate")
    parser.add_argument("--relations", type=int, help="relations to generate")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data directory: used as it is if it exists, else generated there "
        "and kept (default: a temporary directory)",
    )
    parser.add_argument(
        "--pairs", type=int, default=200, help="relate pairs, and as many search queries"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mb", type=float, default=1.0, help="size of the annotated text")
    parser.add_argument("--rounds", type=int, default=3, help="annotation rounds (best is kept)")
    parser.add_argument(
        "--baseline",
        choices=("serialize", "store"),
        default="serialize",
        help="Oxigraph floor: pyoxigraph.serialize of the triples (default) or "
        "Store.dump of an in-memory store holding them",
    )
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as tmp:
        data_dir: Path = args.data or Path(tmp) / "data"
        generate_s = None
        if not data_dir.exists():
            if args.concepts is None or args.relations is None:
                parser.error("--concepts and --relations are needed to generate a graph")
            generate_s, _ = _timed(
                lambda: generate(data_dir, args.concepts, args.relations, args.seed)
            )
        figures = measure(data_dir, args.pairs, args.seed, args.mb, args.rounds, args.baseline)
    line = {
        "bench": "scale",
        "seed": args.seed,
        "generate_s": None if generate_s is None else round(generate_s, 2),
    }
    line.update({k: figures[k] for k in KEYS})
    line.update({k: v for k, v in figures.items() if k not in line})
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
