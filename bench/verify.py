"""How fast /v1/verify's engine checks quotations: ``python -m bench.verify``.

Writes model answers full of quotations, of about 10 kB and 100 kB (``--sizes``), from
the shipped sources with a fixed seed: sentences quoted as they are, the same with one
word changed, with words left out behind an ellipsis, as block quotes, and sentences
made up from the sources' words (which no source has), between sentences of prose.
Prints one JSON line: for each size its quotations and their counts by status, and the
best and median seconds of ``kg.verify.verify`` over ``--rounds``, with the best CPU
time (which a busy machine changes less). The first call, which prepares the sources,
is timed on its own. ``max_quotes_scrambled`` is the most one request can cost: as many
quotations as one call checks (``MAX_QUOTES``), each six words of the sources in a
random order, which no source has.

``--calibrate`` prints instead how the near threshold was chosen: the scores of
passages of the sources with one word changed, by length, and of sentences made up on
the topic (``MADE_UP``), with the share of each that the threshold calls ``near``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time

from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.settings import Settings
from kg.verify import MAX_QUOTES, NEAR_THRESHOLD, verify

PROSE = [
    "This matters for how we think about training.",
    "The distinction is easy to miss.",
    "Here is how the sources put it.",
    "That is the heart of the problem.",
    "Other writers make the same point.",
]
MADE_UP = [
    "Inner alignment is about whether the learned model actually wants what we trained it for.",
    "A mesa-optimizer might pursue proxy goals that diverge from the base objective once deployed.",
    "Gradient descent selects for models that perform well, not for models that share our values.",
    "Deceptive alignment occurs when a model pretends to be aligned during training.",
    "Humans are a classic example of a mesa-optimizer produced by evolution.",
    "The base objective is the loss function used during training.",
    "Outer alignment is the problem of specifying the right reward function.",
    "We cannot simply inspect the weights to see what the model is optimizing for.",
    "Distributional shift can reveal that the mesa-objective was never the base objective.",
    "The system behaves well in training but catastrophically in deployment.",
    "Evolution optimized for inclusive genetic fitness but humans care about pleasure.",
    "A deceptively aligned model will defect once it believes it is no longer observed.",
    "The inner alignment problem is solved by adversarial training.",
    "Every sufficiently large neural network will eventually become a mesa-optimizer.",
    "Pseudo-alignment is the default outcome of any gradient-based training procedure.",
    "The base optimizer is evolution.",
    "The mesa-optimizer has its own objective.",
    "Interpretability tools may one day let us read the mesa-objective directly.",
    "Models want to survive.",
    "Evolution has no goals.",
]
SWAPS = ["model", "system", "goal", "agent", "training", "optimizer", "world", "always"]
_SENTENCE = re.compile(r"[^.!?\n]{40,300}[.!?]")


def sentences(graph: KnowledgeGraph) -> list[str]:
    """Sentences of the source texts without quote marks of their own."""
    out = []
    for sid, source in graph.sources.items():
        if source.has_text:
            text = graph.source_text(sid)
            out += [
                " ".join(m.group().split())
                for m in _SENTENCE.finditer(text)
                if not re.search('["\u201c\u201d\u2018\u2019\\[\\]*#>]', m.group())
            ]
    return out


def one_word_changed(sentence: str, rnd: random.Random) -> str:
    words = sentence.split()
    k = rnd.randrange(len(words))
    words[k] = rnd.choice([w for w in SWAPS if w != words[k]])
    return " ".join(words)


def answer(graph: KnowledgeGraph, size: int, seed: int = 1) -> str:
    """A model answer of about ``size`` characters, every other sentence a quotation."""
    rnd = random.Random(seed)
    real = sentences(graph)
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rnd.randrange(6)
        s = rnd.choice(real)
        if kind == 0:
            piece = f'As the source says, "{s}"'
        elif kind == 1:
            piece = f"In its words, \u201c{one_word_changed(s, rnd)}\u201d"
        elif kind == 2:
            words = s.split()
            cut = len(words) // 3
            piece = f'It says "{" ".join(words[:cut])} \u2026 {" ".join(words[2 * cut :])}"'
        elif kind == 3:
            piece = f"\n\n> {s}\n\n"
        elif kind == 4:
            piece = f'One reads that "{rnd.choice(MADE_UP)}"'
        else:
            piece = f"The \u201cmesa-optimizer\u201d, or \u2018{rnd.choice(SWAPS)}\u2019, again."
        piece += " " + rnd.choice(PROSE) + " "
        parts.append(piece)
        length += len(piece)
    return "".join(parts)[:size]


def scrambled(graph: KnowledgeGraph, count: int, words: int = 6, seed: int = 1) -> str:
    """``count`` quotations of ``words`` words drawn at random from the sources: what
    costs most per quotation (every one is looked for in every source, none is found)."""
    rnd = random.Random(seed)
    vocabulary = " ".join(sentences(graph)).split()
    return " ".join(
        '"' + " ".join(rnd.choice(vocabulary) for _ in range(words)) + '"' for _ in range(count)
    )


def timing(graph: KnowledgeGraph, sizes: list[int], rounds: int) -> dict[str, object]:
    t0 = time.perf_counter()
    verify(graph, 'a "warm up, to prepare the sources"')
    figures: dict[str, object] = {
        "bench": "verify",
        "prepare_seconds": round(time.perf_counter() - t0, 4),
    }
    texts = {f"{size // 1000}kB": (answer(graph, size), rounds) for size in sizes}
    texts["max_quotes_scrambled"] = (scrambled(graph, MAX_QUOTES), max(1, rounds // 2))
    for name, (text, times) in texts.items():
        wall, cpu = [], []
        for _ in range(times):
            w0, c0 = time.perf_counter(), time.process_time()
            result = verify(graph, text)
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        figures[name] = {
            "characters": len(text),
            **result.summary.model_dump(),
            "best_seconds": round(min(wall), 4),
            "median_seconds": round(statistics.median(wall), 4),
            "best_cpu_seconds": round(min(cpu), 4),
        }
    return figures


def calibration(graph: KnowledgeGraph, samples: int) -> dict[str, object]:
    """Scores of one-word misquotes by length, and of the made-up sentences."""
    rnd = random.Random(1)
    words = [s.split() for s in sentences(graph)]
    figures: dict[str, object] = {"bench": "verify-calibration", "threshold": NEAR_THRESHOLD}
    for n in (4, 6, 8, 12, 20):
        scores = []
        long_enough = [w for w in words if len(w) >= n]
        for _ in range(samples):
            w = rnd.choice(long_enough)
            i = rnd.randrange(len(w) - n + 1)
            quote = one_word_changed(" ".join(w[i : i + n]), rnd)
            (q,) = verify(graph, f'"{quote}"', min_words=1).quotes
            scores.append(q.score)
        figures[f"one_word_changed_{n}_words"] = _spread(scores)
    made_up = [verify(graph, f'"{s}"', min_words=1).quotes[0].score for s in MADE_UP]
    figures["made_up"] = _spread(made_up)
    return figures


def _spread(scores: list[float]) -> dict[str, float]:
    deciles = statistics.quantiles(scores, n=10)
    return {
        "min": round(min(scores), 3),
        "p10": round(deciles[0], 3),
        "p50": round(statistics.median(scores), 3),
        "max": round(max(scores), 3),
        "near_share": round(sum(s >= NEAR_THRESHOLD for s in scores) / len(scores), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calibrate", action="store_true", help="print the threshold's basis")
    parser.add_argument("--samples", type=int, default=200, help="misquotes per length")
    args = parser.parse_args(argv)
    graph = load_graph(Settings().data_dir)
    if args.calibrate:
        print(json.dumps(calibration(graph, args.samples)))
    else:
        print(json.dumps(timing(graph, args.sizes, args.rounds)))


if __name__ == "__main__":
    main()
