"""Write a synthetic but valid data directory of any size.

``python -m bench.generate OUT_DIR --concepts N --relations M [--seed S]``

The result passes ``kg validate OUT_DIR`` and has the shape of the curated graph, scaled
up: kinds and relation types drawn with the frequencies of the shipped data, labels of
one to four pseudo-words (short ones for the hubs) that stay distinct under
:func:`kg.ids.normalize_term`, some aliases (hyphenated spellings and synonyms), a
definition of two sentences, and one or two citations on every concept and relation.
Degrees are skewed: both ends of a relation are drawn with a
Zipf weight on the concept's index (a Chung-Lu graph, the static form of preferential
attachment), so a few low-index concepts are hubs with thousands of relations while
most have only a handful. The links that make the published hierarchy (``is_a``,
``part_of`` and ``example_of``, see :func:`kg.ontology.in_hierarchy`) always go from a
higher index to a lower one, so it has no cycle, and only join concepts of the same
parity of index, while every other relation joins an even and an odd one: no relation
written ``skos:related`` can then join a concept to one above or below it (SKOS S27),
which ``kg validate`` refuses. ``introduced_in`` always points at a work.

There is one source, a text of generated sentences; every quote is one of its
sentences, and sentences are reused across citations (as in the real data, where one
passage supports several claims). The same seed gives byte-identical files.

Examples
--------
>>> corpus = build(concepts=40, relations=120, seed=3)
>>> len(corpus.concepts), sum(len(c.relations) for c in corpus.concepts)
(40, 120)
>>> corpus == build(concepts=40, relations=120, seed=3)
True
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from kg.ids import normalize_term
from kg.ontology import KINDS, RELATION_TYPES, WORK_KIND, in_hierarchy

SOURCE_ID = "synthetic-corpus"
SOURCE_FILE = f"{SOURCE_ID}.txt"

# Frequencies of the shipped data (62 concepts, 140 relations), so the mix is realistic;
# a kind or type the ontology gains later is drawn with weight 1.
_SHIPPED_KINDS: dict[str, float] = {
    "example": 12,
    "objective": 12,
    "optimizer": 11,
    "concept": 10,
    "problem": 5,
    "alignment_mode": 5,
    "failure_mode": 5,
    "technique": 3,
    "work": 2,
    "person": 1,
}
_SHIPPED_TYPES: dict[str, float] = {
    "example_of": 30,
    "concerns": 18,
    "contrasts_with": 18,
    "is_a": 17,
    "causes": 10,
    "part_of": 9,
    "requires": 9,
    "produces": 8,
    "introduced_in": 7,
    "has_objective": 6,
    "mitigates": 3,
    "related_to": 3,
    "optimizes": 2,
    "analogous_to": 1,
}
KIND_WEIGHTS = {k: _SHIPPED_KINDS.get(k, 1.0) for k in KINDS}
TYPE_WEIGHTS = {t: _SHIPPED_TYPES.get(t, 1.0) for t in RELATION_TYPES}
LABEL_WORDS = (1, 2, 3, 4)
LABEL_WORD_WEIGHTS = (0.2, 0.5, 0.2, 0.1)
HUB_LABEL_WORD_WEIGHTS = (0.5, 0.45, 0.05, 0.0)
ALIAS_COUNTS = (0, 1, 2, 3, 4)
ALIAS_COUNT_WEIGHTS = (0.15, 0.3, 0.3, 0.18, 0.07)
CITATION_COUNTS = (1, 2, 3)
CONCEPT_CITATION_WEIGHTS = (0.93, 0.07, 0.0)
RELATION_CITATION_WEIGHTS = (0.74, 0.25, 0.01)
DEGREE_EXPONENT = 1.0
"""Concept ``i`` is an end of a relation with weight ``(i + DEGREE_SHIFT) ** -DEGREE_EXPONENT``
(a Chung-Lu graph: expected degree follows a Zipf law, so degrees are scale-free)."""
DEGREE_SHIFT = 50
"""Flattens the head of the law, so the biggest hub holds a few per cent of the relations."""

_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "t",
    "v",
    "w",
    "z",
    "br",
    "cr",
    "dr",
    "gr",
    "pl",
    "tr",
    "st",
    "sk",
    "th",
    "sh",
    "ch",
    "qu",
    "fl",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y")
_CODAS = ("", "", "", "n", "r", "l", "m", "x", "t", "k", "nd", "rt", "ng", "ck")
FILLER = (
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "that",
    "is",
    "it",
    "for",
    "as",
    "with",
    "by",
    "model",
    "training",
    "agent",
    "objective",
    "system",
    "process",
    "behaviour",
    "goal",
    "learned",
    "search",
    "policy",
    "reward",
    "environment",
    "data",
    "may",
    "can",
    "when",
    "which",
    "its",
    "own",
    "not",
    "only",
    "even",
    "if",
    "this",
    "what",
    "we",
    "would",
    "optimizer",
    "outer",
    "inner",
    "base",
    "selects",
    "pursues",
    "performs",
    "well",
    "agent's",
    "model's",
    "world",
    "humans",
    "gradient",
    "descent",
    "alignment",
    "safety",
)


@dataclass(frozen=True)
class GeneratedRelation:
    """A relation as written on its source concept: type, target id, quotes."""

    type: str
    target: str
    quotes: tuple[str, ...]


@dataclass
class GeneratedConcept:
    """What one concept file holds."""

    id: str
    label: str
    kind: str
    aliases: tuple[str, ...]
    definition: str
    quotes: tuple[str, ...]
    relations: list[GeneratedRelation] = field(default_factory=list)


@dataclass
class Corpus:
    """A generated graph: the source text and the concepts, in index order."""

    text: str
    sentences: tuple[str, ...]
    concepts: list[GeneratedConcept]


def _valid_word(word: str) -> bool:
    """A word that spelling, plural and case folding leave as it is."""
    return normalize_term(word) == word


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = rng.choice((2, 2, 2, 3, 3, 1))
        parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
        word = "".join(parts) + rng.choice(_CODAS)
        if len(word) < 4 or word in seen or not _valid_word(word):
            continue
        seen.add(word)
        words.append(word)
    return words


def _zipf_cum(n: int, exponent: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (i + 1) ** exponent for i in range(n)))


class _Names:
    """Draws labels and synonyms that no other concept's name folds to."""

    def __init__(self, rng: random.Random, concepts: int) -> None:
        self.rng = rng
        self.vocab = _vocabulary(rng, max(300, concepts // 2))
        self.cum = _zipf_cum(len(self.vocab), 0.8)
        self.taken: set[str] = set()

    def _word(self) -> str:
        at = bisect_right(self.cum, self.rng.random() * self.cum[-1])
        return self.vocab[min(at, len(self.vocab) - 1)]

    def phrase(self, weights: tuple[float, ...]) -> list[str]:
        """Distinct words of a new name (its folded form is reserved)."""
        for attempt in range(1000):
            n = self.rng.choices(LABEL_WORDS, weights)[0] + attempt // 50
            words = [self._word() for _ in range(n)]
            key = " ".join(words)
            if key not in self.taken:
                self.taken.add(key)
                return words
        raise RuntimeError("could not find a free name")  # pragma: no cover


def _sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    out = []
    for _ in range(rng.randint(low, high)):
        out.append(rng.choice(FILLER) if rng.random() < 0.7 else rng.choice(words))
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def _pick(rng: random.Random, cum: list[float], items: tuple[str, ...]) -> str:
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _quotes(rng: random.Random, cum: list[float], sentences: tuple[str, ...]) -> tuple[str, ...]:
    """One to three sentences of the text, as many as ``cum`` (over CITATION_COUNTS) says."""
    n = CITATION_COUNTS[bisect_right(cum, rng.random() * cum[-1])]
    return tuple(sentences[int(rng.random() * len(sentences))] for _ in range(n))


def build(concepts: int, relations: int, seed: int = 1, sentences: int | None = None) -> Corpus:
    """Generate a graph of ``concepts`` concepts and ``relations`` relations in memory.

    ``sentences`` is the number of sentences of the source text (every quote is one of
    them); by default one per ten concepts, between 200 and 5,000.
    """
    if concepts < 2:
        raise ValueError("need at least 2 concepts")
    if relations < 0:
        raise ValueError("relations must not be negative")
    rng = random.Random(seed)
    names = _Names(rng, concepts)
    n_sentences = sentences or min(5000, max(200, concepts // 10))
    pool = names.vocab[:2000]
    sents = tuple(_sentence(rng, pool, 8, 22) for _ in range(n_sentences))
    paragraphs = [" ".join(sents[i : i + 6]) for i in range(0, len(sents), 6)]
    text = "\n\n".join(paragraphs) + "\n"

    kind_names = tuple(KIND_WEIGHTS)
    concept_quotes = list(accumulate(CONCEPT_CITATION_WEIGHTS))
    relation_quotes = list(accumulate(RELATION_CITATION_WEIGHTS))
    kind_cum = list(accumulate(KIND_WEIGHTS.values()))
    hubs = max(1, concepts // 50)
    made: list[GeneratedConcept] = []
    for i in range(concepts):
        kind = _pick(rng, kind_cum, kind_names)
        if i == concepts - 1 and not any(c.kind == WORK_KIND for c in made):
            kind = WORK_KIND  # introduced_in needs somewhere to point
        words = names.phrase(HUB_LABEL_WORD_WEIGHTS if i < hubs else LABEL_WORD_WEIGHTS)
        if kind in (WORK_KIND, "person"):
            label = " ".join(w.capitalize() for w in words)
        else:
            label = " ".join(words)
        cid = "-".join(words)
        aliases: list[str] = []
        for _ in range(rng.choices(ALIAS_COUNTS, ALIAS_COUNT_WEIGHTS)[0]):
            if len(words) > 1 and rng.random() < 0.3 and "-".join(words) not in aliases:
                aliases.append("-".join(words))
            else:
                aliases.append(" ".join(names.phrase(LABEL_WORD_WEIGHTS)))
        definition = " ".join(_sentence(rng, [*words, *pool[:50]], 10, 24) for _ in range(2))
        quotes = _quotes(rng, concept_quotes, sents)
        made.append(GeneratedConcept(cid, label, kind, tuple(aliases), definition, quotes))

    works = [i for i, c in enumerate(made) if c.kind == WORK_KIND]
    non_works = [i for i, c in enumerate(made) if c.kind != WORK_KIND]
    type_names = tuple(TYPE_WEIGHTS)
    type_cum = list(accumulate(TYPE_WEIGHTS.values()))
    weights = list(accumulate((i + DEGREE_SHIFT) ** -DEGREE_EXPONENT for i in range(concepts)))
    work_weights = list(accumulate((i + 1) ** -DEGREE_EXPONENT for i in range(len(works))))
    seen: set[tuple[int, str, int]] = set()
    count = attempts = 0
    while count < relations:
        attempts += 1
        if attempts > 50 * relations + 10_000:
            raise ValueError(
                f"cannot place {relations} distinct relations among {concepts} concepts"
            )
        rtype = _pick(rng, type_cum, type_names)
        u = bisect_right(weights, rng.random() * weights[-1])
        if rtype == "introduced_in":
            if made[u].kind == WORK_KIND and non_works:
                continue
            v = works[bisect_right(work_weights, rng.random() * work_weights[-1])]
        else:
            v = bisect_right(weights, rng.random() * weights[-1])
        if u == v:
            continue
        hierarchical = in_hierarchy(rtype, None)
        if hierarchical != (u % 2 == v % 2):  # hierarchy within a parity, the rest across
            continue
        if hierarchical:
            s, t = max(u, v), min(u, v)  # downward in index order: never a cycle
        elif rtype == "introduced_in" or rng.random() < 0.7:
            s, t = u, v
        else:
            s, t = v, u
        key = (min(s, t), rtype, max(s, t)) if RELATION_TYPES[rtype].symmetric else (s, rtype, t)
        if key in seen:
            continue
        seen.add(key)
        quotes = _quotes(rng, relation_quotes, sents)
        made[s].relations.append(GeneratedRelation(rtype, made[t].id, quotes))
        count += 1
    return Corpus(text, sents, made)


def quoted(text: str) -> str:
    """``text`` as a single-quoted YAML scalar (read back unchanged by yaml.safe_load).

    >>> quoted("the agent's goal")
    "'the agent''s goal'"
    """
    if any(ch in text for ch in "\n\r\t") or not text.isprintable():
        raise ValueError(f"cannot write {text!r} on one line")
    return "'" + text.replace("'", "''") + "'"


def concept_yaml(concept: GeneratedConcept) -> str:
    """The file ``concepts/<id>.yaml`` for ``concept``."""
    q = quoted
    lines = [f"label: {q(concept.label)}", f"kind: {concept.kind}"]
    if concept.aliases:
        lines.append(f"aliases: [{', '.join(q(a) for a in concept.aliases)}]")
    lines.append(f"definition: {q(concept.definition)}")
    lines.append("citations:")
    for quote in concept.quotes:
        lines.append(f"  - source: {SOURCE_ID}\n    quote: {q(quote)}")
    if concept.relations:
        lines.append("relations:")
        for rel in concept.relations:
            lines.append(f"  - type: {rel.type}\n    target: {q(rel.target)}\n    citations:")
            for quote in rel.quotes:
                lines.append(f"      - source: {SOURCE_ID}\n        quote: {q(quote)}")
    return "\n".join(lines) + "\n"


def sources_yaml() -> str:
    """The file ``sources/sources.yaml``: the one synthetic source."""
    return (
        f"# One generated text; every quote in concepts/ is a sentence of it.\n"
        f"- id: {SOURCE_ID}\n"
        f"  title: 'Synthetic corpus for scale benchmarks'\n"
        f"  kind: synthetic\n"
        f"  authors: ['bench.generate']\n"
        f"  text: {SOURCE_FILE}\n"
    )


def write(corpus: Corpus, out_dir: str | Path, force: bool = False) -> Path:
    """Write ``corpus`` as a data directory at ``out_dir`` and return its path.

    Refuses to write into a ``concepts/`` folder that already holds files unless
    ``force``, which empties it first.
    """
    root = Path(out_dir)
    folder = root / "concepts"
    if folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise FileExistsError(f"{folder} is not empty (use --force to replace it)")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "sources.yaml").write_text(sources_yaml(), encoding="utf-8")
    (root / "sources" / SOURCE_FILE).write_text(corpus.text, encoding="utf-8")
    for concept in corpus.concepts:
        (folder / f"{concept.id}.yaml").write_text(concept_yaml(concept), encoding="utf-8")
    return root


def generate(
    out_dir: str | Path,
    concepts: int,
    relations: int,
    seed: int = 1,
    sentences: int | None = None,
    force: bool = False,
) -> Path:
    """Build and write a graph (see :func:`build` and :func:`write`)."""
    return write(build(concepts, relations, seed, sentences), out_dir, force)


def degree_summary(corpus: Corpus) -> dict[str, float]:
    """Max, median and share of concepts with at most two relations, for a quick look."""
    index = {c.id: i for i, c in enumerate(corpus.concepts)}
    degree = [0] * len(corpus.concepts)
    for i, c in enumerate(corpus.concepts):
        for rel in c.relations:
            degree[i] += 1
            degree[index[rel.target]] += 1
    ordered = sorted(degree)
    n = len(ordered)
    return {
        "max_degree": ordered[-1],
        "median_degree": ordered[n // 2],
        "mean_degree": round(sum(ordered) / n, 2),
        "p99_degree": ordered[min(n - 1, math.ceil(0.99 * n) - 1)],
        "share_degree_le_2": round(sum(1 for d in ordered if d <= 2) / n, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a synthetic, valid data directory (see the module docstring).",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--concepts", type=int, required=True)
    parser.add_argument("--relations", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sentences",
        type=int,
        default=None,
        help="sentences in the source text (default: concepts/10, 200-5000)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing concepts/")
    parser.add_argument("--stats", action="store_true", help="also print the degree spread")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    corpus = build(args.concepts, args.relations, args.seed, args.sentences)
    t1 = time.perf_counter()
    try:
        write(corpus, args.out_dir, args.force)
    except FileExistsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    t2 = time.perf_counter()
    print(
        f"wrote {len(corpus.concepts)} concepts, {args.relations} relations, "
        f"{len(corpus.sentences)} source sentences to {args.out_dir} "
        f"(build {t1 - t0:.1f} s, write {t2 - t1:.1f} s)"
    )
    if args.stats:
        print(degree_summary(corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
