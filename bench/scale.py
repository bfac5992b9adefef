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
- ``snapshot_write_s``, ``snapshot_load_s``, ``snapshot_mb``: writing the graph's
  snapshot (:mod:`kg.snapshot`) and reading it back, in this process.

With ``--startup``, only how ``kg serve`` starts is measured instead, each time as a
server process of its own, started as the README starts it (with ``--data DIR`` and
the default logging: log level info, the access log on, written to /dev/null), its
snapshots in a temporary cache directory:

- ``cold_start_s``: from starting ``kg serve`` on the data directory, with no snapshot,
  to ``/v1/ready`` answering 200 (every file read, parsed and validated, the snapshot
  written, the graph prepared, the app built); ``warm_start_s``: the same again, from
  the snapshot; ``python_start_s``: starting Python and importing the app, the floor
  of both; ``cold_start_cpu_s`` and ``warm_start_cpu_s``: the CPU time (user and
  system) the server process had used when it was ready, with that of the copy a warm
  start hashes the files in and of the copy a cold start parses them in (less swayed
  by other work on the machine than the wall clock); ``snapshot_written_s``: from the
  cold start to the snapshot being on disk (written by a forked copy of the server while
  it serves);
- ``serve_rss_mb``, ``serve_pss_mb``, ``serve_uss_mb``: the memory of the one server
  process after the warm start, from ``/proc/PID/smaps_rollup`` (PSS counts a page
  shared by n processes as 1/n of it; USS is what is the process's alone);
- with ``--workers N`` (default 2): ``workers_start_s``, the warm start of ``kg serve
  --workers N``; ``workers_pss_mb`` and ``workers_uss_mb``, each worker's memory, and
  ``workers_parent_pss_mb``, the supervisor's (which loaded the graph and forked the
  workers); ``workers_total_pss_mb``, their sum: what the N workers cost together.
  The ``_after`` keys give the same after ``--requests`` lookups and relate queries
  spread over the workers, which copy the pages whose objects they touch.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.generate import FILLER, generate
from bench.http import children, free_port, stat_fields, wait_for_snapshot
from bench.typos import agreement, misspelt
from kg import snapshot
from kg.annotate import annotate, annotator_for
from kg.files import DiskFiles
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

STARTUP_KEYS = (
    "concepts",
    "relations",
    "cold_start_s",
    "cold_start_cpu_s",
    "warm_start_s",
    "warm_start_cpu_s",
    "warm_start_server_cpu_s",
    "python_start_s",
    "serve_pss_mb",
    "workers_start_s",
    "workers_total_pss_mb",
)
"""The figures every ``--startup`` run reports."""


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

    with tempfile.TemporaryDirectory(prefix="kg-scale-snapshot-") as tmp:
        path = Path(tmp) / "graph.snapshot"
        key = snapshot.directory_key(DiskFiles.scan(data_dir))
        write_s, _ = _timed(lambda: snapshot.write(path, key, graph))
        snapshot._LOADED.clear()  # read it from the file, as a new process would
        read_s, again = _timed(lambda: snapshot.read(path, key))
        assert again is not None and again.stats() == graph.stats()
        out.update(
            snapshot_write_s=round(write_s, 3),
            snapshot_load_s=round(read_s, 3),
            snapshot_mb=round(path.stat().st_size / 1e6, 1),
        )
        del again

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


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean and dirty pages) of process ``pid``, in MB, from
    ``/proc/PID/smaps_rollup``."""
    kib: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        kib[name] = int(value.split()[0])
    uss = kib["Private_Clean"] + kib["Private_Dirty"]
    return {
        "rss": round(kib["Rss"] / 1024, 1),
        "pss": round(kib["Pss"] / 1024, 1),
        "uss": round(uss / 1024, 1),
    }


def stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Stop a server with SIGTERM (a graceful stop); kill it after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pid: int, waited: bool = True) -> float:
    """The CPU time (user and system) process ``pid`` has used so far, with that of the
    children it waited for if ``waited`` (the copy that hashes the data files while a
    warm start loads the snapshot; not the one that writes a snapshot, which nobody
    waits for)."""
    fields = stat_fields(pid)
    if fields is None:
        raise RuntimeError(f"no process {pid}")
    ticks = sum(int(fields[i]) for i in ((11, 12, 13, 14) if waited else (11, 12)))
    return ticks / os.sysconf("SC_CLK_TCK")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()
            return int(answer.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def start_server(
    data_dir: Path, cache_dir: Path, workers: int, wait: float
) -> tuple[subprocess.Popen[bytes], str, float]:
    """``kg serve`` on ``data_dir`` with snapshots in ``cache_dir``: the process, its base
    URL, and the seconds from starting it to ``/v1/ready`` answering 200 (every worker
    answering, with several)."""
    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "serve", "--data", str(data_dir)]
    command += ["--port", str(port)]  # the defaults a user gets: log level info, access log on
    if workers > 1:
        command += ["--workers", str(workers)]
    env = {**os.environ, "KG_CACHE_DIR": str(cache_dir)}
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + wait
    while True:
        try:
            if _get(base + "/v1/ready") == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.perf_counter() > deadline:
            stop(proc, 15)
            raise RuntimeError(f"kg serve did not start (exit code {proc.returncode})")
        time.sleep(0.05)
    ready = time.perf_counter() - started
    if workers > 1:  # the first worker answered; wait for all of them to be up
        while len(children(proc.pid)) < workers and time.perf_counter() < deadline:
            time.sleep(0.05)
    return proc, base, ready


def load_workers(base: str, graph_ids: list[str], count: int, seed: int) -> None:
    """``count`` requests spread over fresh connections (so over the workers): concept
    lookups and relate queries on random ids."""
    rng = random.Random(f"startup-{seed}")
    for i in range(count):
        a, b = rng.sample(graph_ids, 2)
        if i % 2:
            _get(f"{base}/v1/concepts/{urllib.parse.quote(a)}")
        else:
            _get(f"{base}/v1/relate?x={urllib.parse.quote(a)}&y={urllib.parse.quote(b)}")


def measure_startup(
    data_dir: Path, workers: int, requests: int, seed: int, wait: float = 600
) -> dict[str, Any]:
    """The figures of ``--startup`` (see the module's docstring)."""
    out: dict[str, Any] = {}
    floor, _ = _timed(
        lambda: subprocess.run(
            [sys.executable, "-c", "import api.app, api.serve, kg.snapshot"], check=True
        )
    )
    out["python_start_s"] = round(floor, 2)
    with tempfile.TemporaryDirectory(prefix="kg-scale-cache-") as cache:
        cache_dir = Path(cache)
        proc, base, cold = start_server(data_dir, cache_dir, 1, wait)
        out["cold_start_cpu_s"] = round(cpu_seconds(proc.pid), 2)
        started = time.perf_counter() - cold
        wait_for_snapshot(data_dir, cache_dir, wait - (time.perf_counter() - started))
        out["snapshot_written_s"] = round(time.perf_counter() - started, 2)
        stop(proc, 30)
        proc, base, warm = start_server(data_dir, cache_dir, 1, wait)
        out["warm_start_cpu_s"] = round(cpu_seconds(proc.pid), 2)
        # what an idle machine waits for: the hashing copy runs on the other processor
        out["warm_start_server_cpu_s"] = round(cpu_seconds(proc.pid, waited=False), 2)
        try:
            health = json.loads(urllib.request.urlopen(base + "/v1/health", timeout=30).read())
            memory = memory_mb(proc.pid)
        finally:
            stop(proc, 30)
        out.update(
            concepts=int(health["concepts"]),
            relations=int(health["relations"]),
            cold_start_s=round(cold, 2),
            warm_start_s=round(warm, 2),
            serve_rss_mb=memory["rss"],
            serve_pss_mb=memory["pss"],
            serve_uss_mb=memory["uss"],
        )
        ids = [p.stem for p in sorted((data_dir / "concepts").glob("*.yaml"))]
        proc, base, started = start_server(data_dir, cache_dir, workers, wait)
        try:
            out.update(workers=workers, workers_start_s=round(started, 2))
            for suffix in ("", "_after"):
                if suffix:
                    load_workers(base, ids, requests, seed)
                kids = [memory_mb(pid) for pid in children(proc.pid)]
                parent = memory_mb(proc.pid)
                out[f"workers_pss_mb{suffix}"] = [k["pss"] for k in kids]
                out[f"workers_uss_mb{suffix}"] = [k["uss"] for k in kids]
                out[f"workers_rss_mb{suffix}"] = [k["rss"] for k in kids]
                out[f"workers_parent_pss_mb{suffix}"] = parent["pss"]
                total = parent["pss"] + sum(k["pss"] for k in kids)
                out[f"workers_total_pss_mb{suffix}"] = round(total, 1)
            out["requests"] = requests
        finally:
            stop(proc, 30)
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
        "--startup",
        action="store_true",
        help="measure only how kg serve starts: cold, from its snapshot, and with "
        "--workers, with the memory of each process",
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (--startup)")
    parser.add_argument(
        "--requests",
        type=int,
        default=400,
        help="requests sent to the workers before measuring them again (--startup)",
    )
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
        if args.startup:
            figures = measure_startup(data_dir, args.workers, args.requests, args.seed)
        else:
            figures = measure(data_dir, args.pairs, args.seed, args.mb, args.rounds, args.baseline)
    line = {
        "bench": "scale-startup" if args.startup else "scale",
        "seed": args.seed,
        "generate_s": None if generate_s is None else round(generate_s, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    line.update({k: figures[k] for k in (STARTUP_KEYS if args.startup else KEYS)})
    line.update({k: v for k, v in figures.items() if k not in line})
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
