"""How fast /v1/annotate's engine reads text: ``python -m bench.annotate [--mb 1]``.

The text is the three source texts repeated up to the size asked for, so it is as dense
in glossary terms as real writing on the topic. Prints one JSON line: size, annotations
found, best and median seconds over the rounds, and MB/s (from the best round). The
first call, which builds the automaton, is timed separately. With ``--http BASE`` the
same text is also posted to a running server and the round trip timed (JSON both ways,
every occurrence marked).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request

from kg.annotate import annotate
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.settings import Settings


def sample_text(graph: KnowledgeGraph, size: int) -> str:
    """At least ``size`` bytes of UTF-8 made of the source texts, cut to about that size."""
    texts = [graph.source_text(s) for s in graph.sources if graph.sources[s].has_text]
    block = "\n\n".join(texts)
    text = (block + "\n\n") * (size // len(block.encode("utf-8")) + 1)
    return text.encode("utf-8")[:size].decode("utf-8", errors="ignore")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="text size in MB (10^6 bytes)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--http", metavar="BASE", help="also time POST BASE/v1/annotate")
    args = parser.parse_args(argv)
    graph = load_graph(Settings().data_dir)
    text = sample_text(graph, int(args.mb * 1_000_000))
    t0 = time.perf_counter()
    annotate(graph, "warm up")
    build = time.perf_counter() - t0
    times = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        found = annotate(graph, text)
        times.append(time.perf_counter() - t0)
    best = min(times)
    size = len(text.encode("utf-8"))
    figures = {
        "bench": "annotate",
        "bytes": size,
        "characters": len(text),
        "annotations": len(found),
        "build_seconds": round(build, 4),
        "best_seconds": round(best, 4),
        "median_seconds": round(statistics.median(times), 4),
        "mb_per_s": round(size / 1_000_000 / best, 1),
    }
    if args.http:
        body = json.dumps({"text": text, "first_only": False}).encode("utf-8")
        trips = []
        for _ in range(max(1, args.rounds // 2)):
            request = urllib.request.Request(
                f"{args.http.rstrip('/')}/v1/annotate",
                data=body,
                headers={"content-type": "application/json"},
            )
            t0 = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                marked = len(json.load(response)["annotations"])
            trips.append(time.perf_counter() - t0)
        assert marked == len(found), "the server and the library disagree"
        figures["http_best_seconds"] = round(min(trips), 4)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
