"""Find a concept from a description of it: "what do you call a model that behaves well in
training and defects later?"

The graph's own text about each concept is indexed with SQLite FTS5 (``porter
unicode61`` tokens, American spelling), one row per piece of text: its label, each
alias, its definition, each of its ``described_as`` descriptions (how people put it
without knowing the term, in everyday words), each quote that backs the definition, and
the note and each quote of every relation that touches it (counted less for the concept
a relation points at than for the one it is stated on). Each kind of piece is a column
with its own ``bm25()`` weight (:data:`WEIGHTS`). Concepts are ranked by FTS5's BM25
score of their best-matching piece, ties broken by the BM25 score of all their text
together (a second
FTS5 table, one row per concept). The evidence of a hit is that best piece, verbatim.

Only the words that describe count. Those that frame a question ("what do you call",
"the term for", "is there a word for") are dropped before the query is made
(:mod:`kg.vocab` knows them), and so are words that only set the scene ("lol",
"technical") when the graph never uses them. One or two words standing together are a
name rather than a description, and are matched as a phrase: "reward modelling" finds
nothing, though the graph uses both words, apart. A concept the text names is not what
it describes ("natural selection's goal of ..." describes genetic fitness), so it is
left out.

A hit's ``score`` is a confidence, comparable across queries: how much of the
description the concept's text accounts for. Each query word counts by its inverse
document frequency over the pieces (a word the graph never uses counts most). The
concept's coverage is the share of that weight its whole text holds; the passage
coverage is the share its best piece holds; the score is their geometric mean. Both
matter: a concept with much text holds nearly every word somewhere, and one piece that
shares a single rare word holds little else. The best by BM25 leads; the others
follow in order of score, of the :data:`POOL` best by BM25 (among equal scores, the one
whose text has the description's neighbouring words close together first). Hits under
:data:`THRESHOLD` are left out (when the lead is one of them, so is every runner-up not
clearly above it: :data:`RUNNER_UP_MARGIN`), and a description too vague to tell
concepts apart (:data:`MIN_EVIDENCE`) gets nothing: :func:`describe` says it has no
answer rather than guess. The weights and the threshold were chosen on the written
questions of tests/quality/descriptive.yaml that had been seen, and measured on a set
written blind afterwards (see bench/README.md for the figures).

The index is built in memory on first use and kept with the graph snapshot (graphs never
change), like :func:`kg.annotate.annotator_for`.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "data")
>>> hit = describe(g, "What do you call a goal you want just for its own sake?")[0]
>>> hit.id, hit.field
('terminal-goal', 'described_as')
>>> describe(g, "What is the capital of France?")
[]
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from dataclasses import dataclass
from typing import Literal
from weakref import WeakKeyDictionary

from kg.annotate import annotator_for
from kg.graph import KnowledgeGraph
from kg.ids import americanize
from kg.lexicon import fold_word, stem
from kg.search import SearchHit, search
from kg.vocab import CONTEXT_WORDS, FUNCTION_WORDS, INTENT_WORDS

Field = Literal["label", "alias", "definition", "described_as", "note", "quote"]
Mode = Literal["name", "describe", "auto"]
MODES: tuple[Mode, ...] = ("name", "describe", "auto")
"""How :func:`search_by` looks: by name (:func:`kg.search.search`), by description
(:func:`describe`), or by name first and by description when no name fits."""
_Column = Literal[
    "label", "alias", "definition", "described", "cited", "note", "quote", "note_in", "quote_in"
]
COLUMNS: tuple[_Column, ...] = (
    "label",
    "alias",
    "definition",
    "described",
    "cited",
    "note",
    "quote",
    "note_in",
    "quote_in",
)
WEIGHTS: dict[_Column, float] = {
    "label": 4.0,
    "alias": 3.0,
    "definition": 2.0,
    "described": 1.0,
    "cited": 2.0,
    "note": 1.0,
    "quote": 0.5,
    "note_in": 0.5,
    "quote_in": 0.25,
}
"""How much a matched word counts in each kind of piece (FTS5's per-column bm25
weights): the names, the definition and the quotes that back it say what a concept is
(``cited``, reported as ``quote``); the descriptions in everyday words say it too, less
exactly (weight 1: on the 264 seen questions, 194 led with a right concept against 188
at 1.5 and 181 at 3, with 224 against 225 and 224 within three; a definition weighted
3 led "a model that pretends to be aligned until deployment" with deception rather than
deceptive alignment). A relation's note and quotes speak of two concepts:
of the one it is stated on first (``note``, ``quote``), and less of the one it points at
(``note_in``, ``quote_in``, reported as ``note`` and ``quote``). A quote, a passage of a
source, holds more words by the way than a note in our words."""
_FIELD: dict[str, Field] = {
    "label": "label",
    "alias": "alias",
    "definition": "definition",
    "described": "described_as",
    "cited": "quote",
    "note": "note",
    "quote": "quote",
    "note_in": "note",
    "quote_in": "quote",
}
THRESHOLD = 0.36
"""Least score (0-1) of a hit that is returned. Chosen, with the ``described_as``
weight, on the ``tune`` and the first three held-out splits of the written questions
once concepts had their descriptions: at 0.33 five more of the 91 questions the graph
cannot answer get an answer (84 answered with nothing against 89) for three more right
answers among the first three (228 of 264 against 225); at 0.40, one more gets nothing
and nine right answers go. The threshold before the descriptions (0.33) had been chosen
the same way on the first two splits."""
NAMING_WORDS = frozenset(
    """
call called calls calling dub dubbed known refer refers referred phrase phrases jargon
lingo thing things stuff something someone somebody anything everything whats opposed
""".split()
)
"""Words that frame a request for a term ("what do you *call* it", "the *thing* where") or
set two things side by side ("as *opposed* to"), beyond :data:`kg.vocab.FUNCTION_WORDS`
and :data:`kg.vocab.INTENT_WORDS`."""
MIN_EVIDENCE = 5.0
"""Least weight (the sum of the query words' inverse document frequencies) a description
must carry: about one word that ten of the graph's 1,600 pieces of text use. "the
optimizer it produced" (4.4) is too vague: every concept whose text has both words fits
it alike; the vaguest written question that names something carries 6.1."""
POOL = 10
"""How many of the best BM25-ranked concepts compete for the places after the first: BM25
ranks by the best passage, which two concepts may share (a relation's quote belongs to
both of its ends), and the confidence weighs how much of the description each concept's
text holds. On the tune and held_out_2 questions, ordering by confidence chose the lead
worse than BM25 (top-1 on tune 93 to 86 of 109) but the runners-up better: with the lead
kept and the next places from the ten best, top-3 rose on tune (99 to 101 of 109) and
held_out_2 (24 to 28 of 45), with the same top-1 (the summed tune figure, 101, counts
the changed threshold too)."""
PAIR_WINDOW = 3
"""Most words apart two words next to each other in a description may stand in a passage
and still count as standing together (see :func:`_pairs`)."""
RUNNER_UP_MARGIN = 0.1
"""How much more than :data:`THRESHOLD` a hit must score to be returned when the concept
BM25 ranks first scores under it. A weak best passage ("the situations a system faces
after release" best matching generalization's definition, 0.36) must not hide a concept
whose text holds far more of the description (distributional shift, 0.54); but with no
good lead, only a clear runner-up is an answer rather than a guess."""
MAX_WORDS = 32
"""Most distinct query words used; the rest of a longer text is ignored."""
PHRASE_WORDS = 2
"""A query of at most this many words, standing together in the text, is a name and is
matched as a phrase."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Described:
    """A concept whose own text matches a description."""

    id: str
    label: str
    kind: str
    score: float
    """0-1, comparable across queries (see the module notes); at least :data:`THRESHOLD`."""
    evidence: str
    """The piece of the graph's text about the concept that matched best, verbatim."""
    field: Field
    """Where the evidence comes from: label, alias, definition, note or quote."""


def query_words(text: str) -> list[str]:
    """The words of ``text`` that describe something, each once (by stem): framing words
    ("what", "do", "you", "call", "term") are dropped.

    >>> query_words("What do you call it when a model pretends to be aligned?")
    ['model', 'pretends', 'aligned']
    """
    return _query(text)[0]


def _query(text: str) -> tuple[list[str], bool]:
    """:func:`query_words`, and whether they stand together in the text with nothing
    between them (a name such as "reward modelling", not "the optimizer *it* produced")."""
    out: list[str] = []
    seen: set[str] = set()
    places: list[int] = []
    for i, m in enumerate(_WORD.finditer(text.replace("\u2019", "'"))):
        w = m.group().lower()
        if (
            (len(w) < 2 and not w.isdigit())
            or w in FUNCTION_WORDS
            or w in INTENT_WORDS
            or w in NAMING_WORDS
        ):
            continue
        places.append(i)
        w = americanize(w)
        key = stem(fold_word(w))
        if key not in seen:
            seen.add(key)
            out.append(w)
    together = places == list(range(places[0], places[0] + len(places))) if places else False
    return out[:MAX_WORDS], together


def _pieces(graph: KnowledgeGraph, cid: str) -> dict[_Column, list[str]]:
    """The graph's own text about a concept, by column, each text once."""
    c = graph.concepts[cid]
    cited = list(dict.fromkeys(cit.quote for cit in c.citations))
    out: dict[_Column, list[str]] = {
        "label": [c.label],
        "alias": list(c.aliases),
        "definition": [c.definition],
        "described": list(c.described_as),
        "cited": cited,
        "note": [],
        "quote": [],
        "note_in": [],
        "quote_in": [],
    }
    for rel in graph.relations_of(cid):
        # a relation is stated on the concept it starts from, and its note speaks of
        # that concept first: its own text; for the concept it points at, text about it
        own = rel.source == cid
        if rel.note:
            out["note" if own else "note_in"].append(rel.note)
        out["quote" if own else "quote_in"].extend(x.quote for x in rel.citations)
    seen = set(cited)
    for col in ("note", "note_in", "quote", "quote_in"):
        texts = [t for t in dict.fromkeys(out[col]) if t not in seen]
        seen.update(texts)
        out[col] = texts
    return out


@dataclass(frozen=True)
class _Word:
    weight: float
    """Inverse document frequency over the pieces."""
    pieces: frozenset[int]
    concepts: frozenset[str]


class DescribeIndex:
    """A full-text index of a graph's text about each concept; build once per snapshot."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        # the concepts only, not the graph: kept in a WeakKeyDictionary keyed by the
        # graph, a reference back to it would keep every old snapshot alive
        self.concepts = graph.concepts
        self._lock = threading.Lock()
        db = self._db = sqlite3.connect(":memory:", check_same_thread=False)
        cols = ", ".join(COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        for table, extra in (("piece", "field UNINDEXED, text UNINDEXED, "), ("doc", "")):
            db.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5(cid UNINDEXED, kind UNINDEXED, "
                f"{extra}{cols}, tokenize='porter unicode61')"
            )
        pieces: list[tuple[str, ...]] = []
        for cid, c in graph.concepts.items():
            texts = _pieces(graph, cid)
            db.execute(
                f"INSERT INTO doc VALUES (?, ?, {marks})",
                (cid, c.kind, *(_american("\n".join(texts[col])) for col in COLUMNS)),
            )
            for col in COLUMNS:
                row = ["" for _ in COLUMNS]
                for text in texts[col]:
                    # indexed in American spelling, as queries are; the text as the graph
                    # has it is kept beside, as the evidence
                    row[COLUMNS.index(col)] = _american(text)
                    pieces.append((cid, c.kind, col, text, *row))
        db.executemany(f"INSERT INTO piece VALUES (?, ?, ?, ?, {marks})", pieces)
        self._size = len(pieces)
        weights = ", ".join(str(WEIGHTS[col]) for col in COLUMNS)
        self._piece_rank = f"bm25(piece, 0, 0, 0, 0, {weights})"
        self._doc_rank = f"bm25(doc, 0, 0, {weights})"
        self._annotator = annotator_for(graph)
        self._stems: dict[int, dict[str, list[int]]] = {}

    def _word(self, word: str) -> _Word:
        rows = self._db.execute(
            "SELECT rowid, cid FROM piece WHERE piece MATCH ?", (_phrase([word]),)
        ).fetchall()
        idf = math.log((self._size + 1) / (len(rows) + 0.5))
        return _Word(
            idf,
            frozenset(r for r, _cid in rows),
            frozenset(cid for _r, cid in rows),
        )

    def _places(self, rowid: int, piece: str) -> dict[str, list[int]]:
        """Where each word (by stem) stands in a piece, worked out once per piece."""
        found = self._stems.get(rowid)
        if found is None:
            found = {}
            for i, w in enumerate(_WORD.findall(piece)):
                found.setdefault(stem(fold_word(americanize(w.lower()))), []).append(i)
            self._stems[rowid] = found
        return found

    def _named_at(self, cid: str, piece: str) -> int:
        """Where ``piece`` first names concept ``cid`` (its label or an alias, in any
        case), or past its end if it does not."""
        c = self.concepts[cid]
        low = piece.lower()
        places = [low.find(name.lower()) for name in (c.label, *c.aliases)]
        return min((at for at in places if at >= 0), default=len(piece))

    def describe(self, text: str, limit: int = 5, kind: str | None = None) -> list[Described]:
        """Concepts that ``text`` describes, best first (see the module notes)."""
        words, together = _query(text)
        if not words or limit < 1:
            return []
        if together and len(words) <= PHRASE_WORDS:
            match = _phrase(words)
        else:
            match = " OR ".join(_phrase([w]) for w in words)
        where = "MATCH ?" + (" AND kind = ?" if kind is not None else "")
        args = (match, kind) if kind is not None else (match,)
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid, cid, field, text, {self._piece_rank} "
                f"FROM piece WHERE piece {where}",
                args,
            ).fetchall()
            if not rows:
                return []
            whole = dict(
                self._db.execute(
                    f"SELECT cid, {self._doc_rank} FROM doc WHERE doc {where}", args
                ).fetchall()
            )
            info = [self._word(w) for w in words]
        # a word that only sets the scene ("lol", "technical", "in a nutshell": kg.vocab's
        # context words) and that the graph never uses is filler, not a missing concept
        info = [i for w, i in zip(words, info, strict=True) if i.pieces or w not in CONTEXT_WORDS]
        best: dict[str, tuple[float, int, str, str]] = {}
        rows_of: dict[str, list[tuple[int, str]]] = {}
        for rowid, cid, column, piece, rank in rows:
            rows_of.setdefault(cid, []).append((rowid, piece))
            if cid not in best or rank < best[cid][0]:
                best[cid] = (rank, rowid, column, piece)
        # a passage two concepts share (a relation's quote, stated on both ends) ranks
        # both alike: it is about the one it names first ("The instrumental goals are
        # the goals you want because ... your terminal goals")
        ranked = sorted(
            best,
            key=lambda cid: (
                best[cid][0],
                self._named_at(cid, best[cid][3]),
                whole.get(cid, 0.0),
                cid,
            ),
        )
        # what the text names is not what it describes: "natural selection's goal of ..."
        # describes genetic fitness, not natural selection
        named = {a.id for a in self._annotator.annotate(text)}
        total = sum(w.weight for w in info)
        out: list[Described] = []
        if total < MIN_EVIDENCE:
            return out  # too vague: every concept that holds its few words fits alike

        def confidence(cid: str) -> float:
            rowid = best[cid][1]
            held = sum(w.weight for w in info if cid in w.concepts) / total
            passage = sum(w.weight for w in info if rowid in w.pieces) / total
            return math.sqrt(held * passage)

        # the best-ranked concept leads; the next places go to the best-ranked others in
        # order of confidence (BM25 order among equals): BM25's best passage picks the
        # lead better than the confidence does, which picks the runners-up better
        pool = [cid for cid in ranked if cid not in named][: max(limit, POOL)]
        scores = {cid: confidence(cid) for cid in pool}
        if not pool:
            return []
        # among runners-up the graph's text holds alike, the one with the description's
        # words standing together in one passage ("*itself* an *optimizer*") comes first
        lead = pool[0]
        stems = [stem(fold_word(w)) for w in words]
        together_in = {
            cid: _pairs(stems, [self._places(r, piece) for r, piece in rows_of[cid]])
            for cid in pool[1:]
        }
        order = [
            lead,
            *sorted(pool[1:], key=lambda cid: (-scores[cid], -together_in[cid])),
        ]
        # hits under the threshold are left out, and when the lead is one of them, all
        # but a clear runner-up; none left is no answer
        least = THRESHOLD if scores[lead] >= THRESHOLD else THRESHOLD + RUNNER_UP_MARGIN
        order = [cid for cid in order if scores[cid] >= least]
        for cid in order[:limit]:
            _rank, _rowid, column, piece = best[cid]
            c = self.concepts[cid]
            out.append(
                Described(cid, c.label, c.kind, round(scores[cid], 4), piece, _FIELD[column])
            )
        return out


def _pairs(stems: list[str], pieces: list[dict[str, list[int]]]) -> int:
    """How many pairs of words next to each other in the description (by stem) stand
    within :data:`PAIR_WINDOW` words of each other in one of ``pieces`` (each given as
    where each stem stands in it): the most in any one."""
    wanted = {(a, b) for a, b in zip(stems, stems[1:], strict=False) if a != b}
    most = 0
    for where in pieces:
        found = sum(
            1
            for a, b in wanted
            if any(abs(i - j) <= PAIR_WINDOW for i in where.get(a, ()) for j in where.get(b, ()))
        )
        most = max(most, found)
    return most


def _american(text: str) -> str:
    """``text`` lower-cased, each word in American spelling ("behaviour" as "behavior"),
    as it is indexed and queried."""
    return _WORD.sub(lambda m: americanize(m.group()), text.lower())


def _phrase(words: list[str]) -> str:
    """``words`` as one FTS5 string (a phrase), so that no word is read as query syntax."""
    return '"' + " ".join(words).replace('"', '""') + '"'


_INDEXES: WeakKeyDictionary[KnowledgeGraph, DescribeIndex] = WeakKeyDictionary()
_BUILD = threading.Lock()


def index_for(graph: KnowledgeGraph) -> DescribeIndex:
    """The description index of ``graph``, built on first use and kept with the graph."""
    found = _INDEXES.get(graph)
    if found is None:
        with _BUILD:
            found = _INDEXES.get(graph)
            if found is None:
                found = _INDEXES[graph] = DescribeIndex(graph)
    return found


def describe(
    graph: KnowledgeGraph, text: str, *, limit: int = 5, kind: str | None = None
) -> list[Described]:
    """The concepts of ``graph`` that ``text`` describes, best first; [] when none ranks
    well enough (see the module notes)."""
    return index_for(graph).describe(text, limit, kind)


def search_by(
    graph: KnowledgeGraph,
    text: str,
    mode: Mode = "name",
    *,
    limit: int = 10,
    kind: str | None = None,
) -> list[SearchHit | Described]:
    """Concepts for ``text`` by name, by description, or (``auto``) by name and, when no
    name fits, by description.

    A name fits when it matches exactly or as a prefix; fuzzy matches alone are typos or
    names the graph lacks, so ``auto`` then asks :func:`describe`, and keeps the fuzzy
    matches only if the text describes nothing either.

    >>> from kg.load import load_graph
    >>> from pathlib import Path
    >>> g = load_graph(Path(__file__).parent.parent / "data")
    >>> [h.id for h in search_by(g, "mesa optimiser", "auto")][:1]
    ['mesa-optimizer']
    >>> [h.id for h in search_by(g, "what evolution selects organisms for", "auto")][:1]
    ['genetic-fitness']
    """
    if mode == "describe":
        return list(describe(graph, text, limit=limit, kind=kind))
    hits = search(graph, text, limit=limit, kind=kind)
    if mode == "name" or any(h.match != "fuzzy" for h in hits):
        return list(hits)
    return list(describe(graph, text, limit=limit, kind=kind)) or list(hits)
