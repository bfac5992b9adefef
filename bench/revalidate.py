"""Re-validating a store after one edit: ``python -m bench.revalidate [--concepts N]``.

Generates a data directory with :mod:`bench.generate` (``--concepts``, 5,000 by default,
and ten relations per concept unless ``--relations`` says otherwise) in a temporary
directory, or takes ``--data DIR`` as it is when DIR exists, then prints one JSON line of
seconds, each the best of ``--rounds``:

- ``load_graph_s``: :func:`kg.load.load_graph` on the directory;
- ``load_files_s``: :func:`kg.load.load_files` on the same files held in memory (read
  with :func:`kg.store.data_files`, untimed), without a cache;
- ``load_files_cold_cache_s``: the same with an empty :class:`kg.load.LoadCache`;
- ``load_files_warm_cache_s``: the same with the cache filled by the previous call, after
  one concept file changed (its definition, so the data stays valid); ``warm_misses`` is
  the number of files the cache had to read again (1);
- ``load_files_sources_changed_s``: the same again, after ``sources/sources.yaml``
  changed (a comment added): the cache still has every parse, but every concept file is
  checked again against the sources.

``same_result`` checks that each way gives the graph a fresh load gives.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench.generate import generate
from kg.load import LoadCache, load_files, load_graph
from kg.store import data_files

T = TypeVar("T")


def _timed(run: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _edited(content: bytes, round_: int) -> bytes:
    """A concept file with its definition changed (still valid, and new each round)."""
    for marker in (b"\ndefinition: '", b"\ndefinition: "):
        if marker in content:
            return content.replace(marker, marker + f"Edited {round_}. ".encode(), 1)
    raise ValueError("the concept file has no definition on a line of its own")


def measure(data_dir: Path, rounds: int) -> dict[str, object]:
    """Time the three ways of validating ``data_dir`` (see the module docstring)."""
    files = dict(data_files(data_dir))
    concepts = sorted(rel for rel in files if rel.startswith("concepts/"))
    changed = concepts[len(concepts) // 2]
    disk, memory, cold, warm, sources_changed = [], [], [], [], []
    same = True
    misses = 0
    for round_ in range(rounds):
        seconds, on_disk = _timed(partial(load_graph, data_dir))
        disk.append(seconds)
        seconds, in_memory = _timed(partial(load_files, files))
        memory.append(seconds)
        cache = LoadCache()
        seconds, _ = _timed(partial(load_files, files, cache=cache))
        cold.append(seconds)
        edited = {**files, changed: _edited(files[changed], round_)}
        before = cache.misses
        seconds, cached = _timed(partial(load_files, edited, cache=cache))
        warm.append(seconds)
        misses = cache.misses - before
        same = (
            same
            and in_memory.content() == on_disk.content()
            and cached.content() == load_files(edited).content()
        )
        sources = "sources/sources.yaml"
        edited = {**edited, sources: edited[sources] + f"# edited {round_}\n".encode()}
        seconds, cached = _timed(partial(load_files, edited, cache=cache))
        sources_changed.append(seconds)
        same = same and cached.content() == load_files(edited).content()
    return {
        "files": len(files),
        "concepts": len(concepts),
        "relations": len(on_disk.relations),
        "load_graph_s": round(min(disk), 3),
        "load_files_s": round(min(memory), 3),
        "load_files_cold_cache_s": round(min(cold), 3),
        "load_files_warm_cache_s": round(min(warm), 3),
        "warm_misses": misses,
        "load_files_sources_changed_s": round(min(sources_changed), 3),
        "same_result": same,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.revalidate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--concepts", type=int, default=5000, help="concepts to generate")
    parser.add_argument(
        "--relations",
        type=int,
        default=None,
        help="relations to generate (default: ten per concept)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data directory: used as it is if it exists, else generated there "
        "and kept (default: a temporary directory)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the best is kept)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kg-revalidate-") as tmp:
        data_dir: Path = args.data or Path(tmp) / "data"
        if not data_dir.exists():
            relations = args.relations if args.relations is not None else 10 * args.concepts
            generate(data_dir, args.concepts, relations, args.seed)
        figures = measure(data_dir, args.rounds)
    print(json.dumps({"bench": "revalidate", **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
