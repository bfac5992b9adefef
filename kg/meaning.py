"""How close in meaning a description is to each concept's own words, for
:mod:`kg.describe`.

Word matching finds a concept only when the description shares its words: "things you
want simply because you want them" has none of terminal goal's ("a goal you value for
its own sake"). This module compares meanings instead, with WordLlama's static
embeddings: each token of the text has a learned 256-dimensional vector (trained to put
texts of like meaning close together), and a text's vector is the mean of its tokens',
each weighted by how rare the token is in the graph's text (:data:`RARITY`), normalised.
Two texts are as close as the cosine of their vectors.

The model is the one the ``wordllama`` wheel ships (32,000 tokens, 16 MB, loaded in
about 0.1 s); it is loaded from the installed package with downloads turned off, so
nothing is fetched at run time, and only on first use, so importing this module costs
nothing (numpy too is imported only when an index is built: a server that never
compares meanings starts without it). A concept's pieces are its definition, each
``described_as`` description and each quote that backs the definition: what it *is*,
not what it relates to; a concept is as close to a description as its closest piece.

Like the word index, a :class:`MeaningIndex` is built once per graph snapshot (graphs
never change) on first use: about 20,000 pieces a second.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kg.annotate import annotator_for
from kg.graph import KnowledgeGraph, PerGraph
from kg.model import Citation
from kg.vocab import CONTRASTED

if TYPE_CHECKING:
    import numpy as np
    from wordllama.inference import WordLlamaInference

Piece = Literal["definition", "described_as", "quote"]
RARITY = 0.01
"""How a token's weight falls with its share of the graph's text (``RARITY / (RARITY +
share)``, as in smooth inverse frequency sentence embeddings): "the", "model" and the
framing of a question ("what do you call") weigh less than the words that describe.
Measured on the written questions (tests/quality/descriptive.yaml), closest-in-meaning
alone: the plain mean finds a right concept among the first three for 0.86 of the tuned
questions and 0.79 of held_out_6, 0.01 for 0.88 and 0.83 (0.003 and 0.03 within a
point; 0.001 and under, 0.84 and less)."""
MAX_CHARS = 2_000
"""Most characters of a description compared; a longer text is cut (a token's vector
costs the same wherever it stands, so the cut bounds the work)."""

_BATCH = 1_000
"""Texts tokenized at a time."""

_MODEL: WordLlamaInference | None = None
_LOAD = threading.Lock()


def _model() -> WordLlamaInference:
    """The embedding model, loaded once per process from the installed wheel."""
    global _MODEL
    if _MODEL is None:
        with _LOAD:
            if _MODEL is None:
                import wordllama
                from wordllama import WordLlama

                # the wheel holds the weights under weights/ and the tokenizer under
                # tokenizers/, the layout WordLlama looks for in its cache directory; with
                # downloads off, a missing file is an error, never a fetch
                here = Path(wordllama.__file__).parent
                _MODEL = WordLlama.load(cache_dir=here, disable_download=True)
    return _MODEL


class _Pooler:
    """Turns texts into unit vectors: the mean of their tokens' vectors, each token
    weighted by how rare it is in the graph's own text (:data:`RARITY`). The corpus is
    tokenized once: its token counts give the weights, its tokens its vectors
    (:attr:`corpus`)."""

    def __init__(self, corpus: list[str]) -> None:
        import numpy as np

        model = _model()
        self._tokenizer = model.tokenizer
        self._table = np.asarray(model.embedding, dtype=np.float32)
        every = self._ids(corpus)
        counts = np.bincount(
            np.concatenate(every) if every else np.zeros(0, dtype=np.int32),
            minlength=len(self._table),
        ).astype(np.float64)
        share = counts / max(counts.sum(), 1.0)
        self._weight = (RARITY / (RARITY + share)).astype(np.float32)
        self.corpus = self._pool(every)

    def _ids(self, texts: list[str]) -> list[np.ndarray]:
        import numpy as np

        out: list[np.ndarray] = []
        # in batches: the tokenizer's encodings (tokens, offsets, masks) are large, and
        # only the ids are kept
        for at in range(0, len(texts), _BATCH):
            encoded = self._tokenizer.encode_batch(
                [t[:MAX_CHARS] for t in texts[at : at + _BATCH]], add_special_tokens=False
            )
            out += [np.asarray(e.ids, dtype=np.int32) for e in encoded]
        return out

    def _pool(self, every: list[np.ndarray]) -> np.ndarray:
        """The unit vector of each text given as its token ids (a text without tokens
        gets a row of zeros: close to nothing)."""
        import numpy as np

        out = np.zeros((len(every), self._table.shape[1]), dtype=np.float32)
        for row, ids in enumerate(every):
            if len(ids):
                v = self._weight[ids] @ self._table[ids]
                norm = float(np.linalg.norm(v))
                if norm > 0:
                    out[row] = v / norm
        return out

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Each text's unit vector, one row each (see :meth:`_pool`)."""
        return self._pool(self._ids(texts))


@dataclass(frozen=True)
class Close:
    """How close a description is to one concept: the cosine of its closest piece."""

    similarity: float
    piece: str
    field: Piece


class MeaningIndex:
    """Every concept's pieces as vectors; build once per snapshot."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        import numpy as np

        texts: list[str] = []
        fields: list[Piece] = []
        annotator = annotator_for(graph)

        def quotes_about(cid: str, citations: Iterable[Citation]) -> Iterator[str]:
            # a quote that backs a definition by contrast, naming the concept set against
            # this one and not this one ("a mesa optimizer is an optimizer that is
            # optimized by an optimizer", for meta-optimizer), says what the other is
            against = {
                r.target if r.source == cid else r.source
                for r in graph.relations_of(cid)
                if r.type == "contrasts_with"
            }
            for cit in citations:
                named = {a.id for a in annotator.annotate(cit.quote)} if against else set()
                if cid in named or not named & against:
                    yield cit.quote

        # a concept's pieces stand together, rows span[cid] = (first, past the last)
        self._span: dict[str, tuple[int, int]] = {}
        for cid, c in graph.concepts.items():
            first = len(texts)
            found: list[tuple[str, Piece]] = [
                (c.definition, "definition"),
                *((d, "described_as") for d in c.described_as),
                *((q, "quote") for q in quotes_about(cid, c.citations)),
            ]
            for text, field in found:
                if text.strip() and text not in texts[first:]:
                    texts.append(text)
                    fields.append(field)
            if len(texts) > first:
                self._span[cid] = (first, len(texts))
        self._texts = texts
        self._fields = fields
        self._ids = list(self._span)
        self._at = {cid: i for i, cid in enumerate(self._ids)}
        self._kinds = np.array([graph.concepts[cid].kind for cid in self._ids], dtype=object)
        self._starts = np.array([self._span[cid][0] for cid in self._ids], dtype=np.intp)
        # what a piece sets its concept against is not what the concept is ("unlike a
        # model whose goal points to its own understanding ...", of internal alignment)
        self._pooler = _Pooler([CONTRASTED.sub(" ", t) for t in texts])
        self._vectors = self._pooler.corpus

    def closest(
        self,
        text: str,
        limit: int,
        *,
        also: Iterable[str] = (),
        kind: str | None = None,
        skip: Collection[str] = (),
    ) -> dict[str, Close]:
        """The ``limit`` concepts (of ``kind``, when given; none of ``skip``) whose pieces
        come closest to ``text`` in meaning, and the concepts in ``also``, each with its
        closest piece; {} for a text with nothing to compare."""
        import numpy as np

        if not self._ids or not text.strip():
            return {}
        sims = self._vectors @ self._pooler.vectors([text])[0]
        best = np.maximum.reduceat(sims, self._starts)
        if kind is not None:
            best[self._kinds != kind] = -np.inf
        best[[self._at[cid] for cid in skip if cid in self._at]] = -np.inf
        limit = min(max(limit, 0), len(best))
        top = np.argpartition(-best, limit - 1)[:limit] if limit else np.zeros(0, np.intp)
        wanted = [
            self._ids[int(i)]
            for i in sorted(top, key=lambda i: (-best[i], int(i)))
            if best[i] > -np.inf
        ]
        wanted += [cid for cid in also if cid in self._span and cid not in wanted]
        out: dict[str, Close] = {}
        for cid in wanted:
            first, end = self._span[cid]
            j = first + int(np.argmax(sims[first:end]))
            out[cid] = Close(float(sims[j]), self._texts[j], self._fields[j])
        return out


_INDEXES = PerGraph(MeaningIndex)


def index_for(graph: KnowledgeGraph) -> MeaningIndex:
    """The meaning index of ``graph``, built on first use and kept with the graph."""
    return _INDEXES(graph)
