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

Each candidate has two signals, both 0-1 and comparable across queries. The *word
fit*: how much of the description the concept's text accounts for. Each query word
counts by its inverse document frequency over the pieces (a word the graph never uses
counts most); the concept's coverage is the share of that weight its whole text holds,
the passage coverage the share its best piece holds, and the fit is their geometric
mean (a concept with much text holds nearly every word somewhere; one piece that shares
a single rare word holds little else). A description too vague to tell concepts apart
by its words (:data:`MIN_EVIDENCE`) fits none. The *closeness in meaning*
(:mod:`kg.meaning`): how near the description's meaning comes to the concept's
definition, descriptions or definition quotes, which finds "things you want simply
because you want them" though it shares no word with "a goal valued for its own sake".
The candidates are the :data:`POOL` best by BM25 and the :data:`POOL` closest in
meaning; a hit's ``score`` is the weighted mean of its two signals (:data:`WORDS`), best
first (among equal scores, the one whose text has the description's neighbouring words
close together, then the one BM25 ranks higher). A hit must score
:data:`THRESHOLD`, and one of its signals must be strong alone (:data:`WORDS_ALONE`,
:data:`MEANING_ALONE`); with none left, :func:`describe` says it has no answer rather
than guess. A text that is a name and nothing more ("what do you call a
mesa-optimizer?") is not compared for meaning. The weights and the thresholds were
chosen on the written questions of tests/quality/descriptive.yaml that had been seen,
and measured on sets written blind afterwards (see bench/README.md for the figures).

The indexes are built in memory on first use and kept with the graph snapshot (graphs
never change), like :func:`kg.annotate.annotator_for`.

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
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal
from weakref import WeakSet

from kg import meaning
from kg.annotate import Annotation, annotator_for
from kg.graph import KnowledgeGraph, PerGraph
from kg.ids import americanize
from kg.lexicon import content_stems, fold_word, mended, slips, stem
from kg.ontology import KINDS
from kg.search import SearchHit, search
from kg.vocab import (
    ASKER,
    CATEGORY_OF,
    CONTEXT_WORDS,
    CONTRASTED,
    DENIAL,
    FUNCTION_WORDS,
    INTENT_WORDS,
    LEAD,
    PLAYS,
    ROLE_OF,
)

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
THRESHOLD = 0.375
"""Least score (0-1: the weighted mean of the word fit and the closeness in meaning) of a
hit that is returned. Chosen with :data:`WORDS`, :data:`WORDS_ALONE` and
:data:`MEANING_ALONE` on the first five splits of the written questions, as the setting
with the most right answers among the first three (290 of 324) that answers no more of
the 111 questions the graph cannot answer than words alone did (105 get nothing). At
0.35, 291 and 104; at 0.40, 289 and 106; at 0.30 (with a word fit alone at 0.25), 301
and 78. (Since what a description sets its concept against is left out of its meaning,
in questions and in the pieces compared, as many are found within three and more first.)
Checked again on all nine splits (637 descriptions, 211 questions the graph cannot
answer): this setting finds 0.911 within three and leaves 0.948 unanswered; 0.35 with a
word fit alone at 0.30 and meaning alone at 0.50 finds 0.928 but answers twice as many
of the questions it cannot answer (0.877 left unanswered). On all ten splits (717 and
236), 0.904 and 0.949; a lone hit under it that leads the next by a margin, or one whose
question uses only words the graph's text has, would find 0.908 or 0.909 and leave 0.92
or 0.941 unanswered (bench/README.md)."""
NOUNS_AFTER = frozenset({"means", "reason", "reasons"})
"""Words of a request ("what *means* ...", "the *reason* why") that describe after one of
:data:`DETERMINERS`: "wanted as *a means* to something else", "with *no further reason*
behind it"."""
DETERMINERS = frozenset("a an no any some further particular real good other own its their".split())

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
CONTRAST_REACH = 3
DENIAL_MARGIN = 0.02
"""How close (in score) two contrasted hits must be for what a description denies to
choose between them."""
DENIED_REACH = 8
"""How many words after a denial count as what it denies."""


def _denied_words(text: str) -> frozenset[str]:
    """The content stems of the :data:`DENIED_REACH` words after each denial in ``text``
    ("wouldn't *hold up on new data in deployment*")."""
    out: set[str] = set()
    for m in DENIAL.finditer(text):
        after = _WORD.findall(text[m.end() :])[:DENIED_REACH]
        out |= content_stems(" ".join(after))
    return frozenset(out)


VERBATIM = 6
"""Words in a row that a description and a concept's passage must share (small words
too) for that concept to come first among the first :data:`VERBATIM_REACH` hits."""
VERBATIM_REACH = 3
"""How far down the hits a first hit's opposite may stand to take its place."""

POOL = 10
"""How many of the best BM25-ranked concepts, and how many of the closest in meaning,
are candidates: BM25 ranks by the best passage, which two concepts may share (a
relation's quote belongs to both of its ends), so the word fit, which weighs how much
of the description each concept's text holds, orders them better."""
PAIR_WINDOW = 3
"""Most words apart two words next to each other in a description may stand in a passage
and still count as standing together (see :func:`_pairs`)."""
WORDS = 1.0
"""How much the word signal (BM25's passage and how much of the description the
concept's text holds) counts against the meaning signal (:mod:`kg.meaning`'s closeness)
in a hit's score."""
WORDS_ALONE = 0.35
"""Least word fit (0-1) that may carry a hit whose meaning is only middling: a middling
fit by words and by meaning both is a guess."""
MEANING_ALONE = 0.55
"""Least closeness in meaning (a cosine) that may carry a hit whose words the graph does
not share."""
MAX_WORDS = 32
"""Most distinct query words used; the rest of a longer text is ignored."""
PHRASE_WORDS = 2
"""A query of at most this many words, standing together in the text, is a name and is
matched as a phrase."""
SUBJECTS = 3
"""How many of the best hits a category question ("which kind of failure does the troop
story illustrate?") counts as the thing it asks about (see :meth:`DescribeIndex._categories`)."""
CATEGORY_STEPS: dict[tuple[str, bool], float] = {
    ("example_of", True): 2.0,
    ("is_a", True): 2.0,
    ("part_of", True): 1.0,
    ("concerns", True): 1.0,
    ("has_objective", True): 1.0,
    ("failure_of", True): 1.0,
    ("failure_of", False): 1.0,
}
"""How much a relation of the thing a category question asks about counts toward the
concept at its other end, by its type and whether it is stated on the thing: twice what
the thing is an instance of; once the problem it is part of, the objective it concerns
or has ("'go to the green thing' is which kind of objective?"), what it is a failure of
and the failure of it. Other relations place nothing: evolution *produces*
mesa-optimizers but is not one; outer alignment is *insufficient against* deceptive
alignment."""
ROLE_STEPS: dict[tuple[str, bool], float] = {("example_of", True): 2.0}
"""The same for a role question: a thing plays a role in the sources' general terms by
being an example of it (evolution, of the base optimizer)."""
LINK_FROM_DESCRIBED = 0.95
"""How much a link from a concept a category question describes counts, against one from
a concept it names (1): a little less than the described concept itself being of the
kind asked."""
DEFINED_AS = 1.25
"""How much more a link counts to a concept that a named thing's own definition names (the
Aurora case, "the notes' example of inner misalignment", is also an example of goal
misgeneralization and of distributional shift): what its curators call it first."""
FAR_BEHIND = 0.5
"""Least share of the best answer's weight another must have to answer a category or
role question as well ("which type of alignment is deceptive alignment?": pseudo-alignment,
of which it is a kind, not outer alignment, which it merely relates to)."""
NEAR = 24
"""Most characters between a question's words for a kind or a role and the name of the
thing it asks about ("what role does *evolution* play", "the equivalent of *humans*",
"what kind of failure is *birth control*"): a name farther off is part of the story the
question tells, not the thing asked about."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_A_WORK = re.compile(
    r"\b(?:papers?|articles?|stud(?:y|ies)|publications?|published|preprints?|arxiv|authors?"
    r"|wrote|written|books?|reports?|essays?|posts?|\d{4}|et\s+al|hubinger|source)\b",
    re.I,
)
"""Words by which a description asks for a published work ("which 2019 *paper* ..."):
without one, a work (the paper) is not what it describes."""
_QUERY_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
"""A word of a description with what an apostrophe joins to it: "won't" is the
function word it is, not "won" and "t"; "model's" is "model"."""


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
    via: str | None = None
    """For a question asking which kind of thing something is, or the role it plays: the
    concept asked about that the hit was reached from by a relation (whose note is then
    the evidence), or the hit itself when it is of the kind asked; None otherwise."""


@dataclass(frozen=True)
class _Reached:
    """How the answer to a category or role question was reached (see
    :meth:`DescribeIndex._categories`)."""

    via: str
    """The concept asked about; the answer itself when it is of the kind asked."""
    score: float
    note: str | None
    """The note of the relation from ``via``, when it was reached by one."""


def query_words(text: str) -> list[str]:
    """The words of ``text`` that describe something, each once (by stem): framing words
    ("what", "do", "you", "call", "term") are dropped.

    >>> query_words("What do you call it when a model pretends to be aligned?")
    ['model', 'pretends', 'aligned']
    """
    return _query(text)[0]


def _query(text: str) -> tuple[list[str], bool, str]:
    """:func:`query_words`; whether they stand together in the text with nothing
    between them (a name such as "reward modelling", not "the optimizer *it* produced");
    and what is compared for meaning: the text from its first describing word to its
    last, lower-case and in American spelling, without the words that frame a request
    ("what do you call", "is there a word for", "please"). The small words between stay:
    "not", "because" and "until" are part of what a description means."""
    out: list[str] = []
    seen: set[str] = set()
    places: list[int] = []
    span: list[str] = []
    last = ""
    for i, m in enumerate(_QUERY_WORD.finditer(text.replace("\u2019", "'"))):
        w = m.group().lower()
        if w not in FUNCTION_WORDS:
            w = w.split("'")[0]
        last, before = w, last
        if w in NAMING_WORDS or (
            w in INTENT_WORDS and not (w in NOUNS_AFTER and before in DETERMINERS)
        ):
            continue
        w = americanize(w)
        if (len(w) < 2 and not w.isdigit()) or w in FUNCTION_WORDS:
            if places:
                span.append(w)
            continue
        places.append(i)
        span.append(w)
        end = len(span)
        key = stem(fold_word(w))
        if key not in seen:
            seen.add(key)
            out.append(w)
    together = places == list(range(places[0], places[0] + len(places))) if places else False
    return out[:MAX_WORDS], together, " ".join(span[:end]) if places else ""


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
        self._meaning = meaning.index_for(graph)
        # for category questions: what each concept is called by (its label's last word;
        # less surely, its kind's nouns and the last word of an alias that is its label
        # and more, "outer alignment failure"), and its neighbours, each with the type of
        # the relation, whether it is stated on the concept, and the note that says why
        self._heads: dict[str, tuple[str, frozenset[str]]] = {}
        self._links: dict[str, list[tuple[str, tuple[str, bool], str | None]]] = {}
        for cid, c in graph.concepts.items():
            label = _american(c.label.replace("-", " "))
            longer = [
                a for a in c.aliases if _american(a.replace("-", " ")).startswith(label + " ")
            ]
            self._heads[cid] = (
                head_stem(c.label),
                frozenset(
                    {head_stem(a) for a in longer} | {head_stem(n) for n in KINDS[c.kind].nouns}
                ),
            )
            self._links[cid] = [
                (
                    r.target if r.source == cid else r.source,
                    (r.type, r.source == cid),
                    r.note,
                )
                for r in graph.relations_of(cid)
                # a concept set against another, or denied to be linked to it, is not
                # of its kind
                if r.type != "contrasts_with" and not r.negated
            ]
        self._kinds = {cid: c.kind for cid, c in graph.concepts.items()}
        # what the graph sets each concept against
        self._against = {
            cid: frozenset(
                r.target if r.source == cid else r.source
                for r in graph.relations_of(cid)
                if r.type == "contrasts_with" and not r.negated
            )
            for cid in graph.concepts
        }
        self._stems: dict[int, dict[str, list[int]]] = {}
        self._piece_words: dict[int, list[str]] = {}
        self._vocab: dict[str, int] | None = None  # made on first use (_respelled)
        self._near: dict[str, list[str]] = {}

    def _respelled(self, text: str) -> str:
        """``text`` with each word the graph's text never uses read as the word of that
        text it is one slip away from (:func:`kg.lexicon.mended`: a letter left out or two
        swapped), the most used if several: "runing" as "running", "behvaes" as
        "behaves"."""
        with self._lock:
            if self._vocab is None:
                counts: dict[str, int] = {}
                for (piece,) in self._db.execute("SELECT text FROM piece"):
                    for w in set(_WORD.findall(_american(piece))):
                        counts[w] = counts.get(w, 0) + 1
                self._vocab, self._near = counts, slips(counts)
        vocab, near = self._vocab, self._near

        def fixed(m: re.Match[str]) -> str:
            w = m.group()
            close = [] if w in vocab else mended(w, near)
            return max(close, key=lambda c: (vocab[c], c)) if close else w

        return _WORD.sub(fixed, text)

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

    def weight(self, word: str) -> float:
        """How telling ``word`` is in the graph's text: its inverse document frequency
        over the pieces (nothing for a word the graph never uses)."""
        with self._lock:
            found = self._word(word)
        return found.weight if found.pieces else 0.0

    def holders(self, phrase: str) -> dict[str, _Column]:
        """The concepts whose own text (names, definition, descriptions, cited quotes,
        and the notes and quotes of relations stated on them) holds ``phrase`` word for
        word, each with the first column, in :data:`COLUMNS` order, that holds it."""
        words = _WORD.findall(_american(phrase))
        if not words:
            return {}
        with self._lock:
            rows = self._db.execute(
                "SELECT cid, field FROM piece WHERE piece MATCH ?", (_phrase(words),)
            ).fetchall()
        own = COLUMNS[: COLUMNS.index("note_in")]
        out: dict[str, _Column] = {}
        for cid, column in rows:
            if column in own and (cid not in out or own.index(column) < own.index(out[cid])):
                out[cid] = column
        return out

    def _places(self, rowid: int, piece: str) -> dict[str, list[int]]:
        """Where each word (by stem) stands in a piece, worked out once per piece."""
        found = self._stems.get(rowid)
        if found is None:
            found = {}
            for i, w in enumerate(_WORD.findall(piece)):
                found.setdefault(stem(fold_word(americanize(w.lower()))), []).append(i)
            self._stems[rowid] = found
        return found

    def _words_of(self, rowid: int, piece: str) -> list[str]:
        """A piece's words, lower-case and in American spelling, worked out once."""
        found = self._piece_words.get(rowid)
        if found is None:
            found = self._piece_words[rowid] = _WORD.findall(_american(piece))
        return found

    def _named_at(self, cid: str, piece: str) -> int:
        """Where ``piece`` first names concept ``cid`` (its label or an alias, in any
        case), or past its end if it does not."""
        c = self.concepts[cid]
        low = piece.lower()
        places = [low.find(name.lower()) for name in (c.label, *c.aliases)]
        return min((at for at in places if at >= 0), default=len(piece))

    def describe(
        self,
        text: str,
        limit: int = 5,
        kind: str | None = None,
        among: Collection[str] | None = None,
    ) -> list[Described]:
        """Concepts that ``text`` describes, best first (see the module notes). With
        ``among``, only those concepts, however weakly: a comparison between them, not
        a search (no threshold)."""
        # who asks is not what is asked about; blanked, so that places in the text stay
        text = ASKER.sub(lambda m: " " * len(m.group()), text)
        text = self._respelled(text)
        words, together, meant_text = _query(text)
        # the text without what it sets its subject against ("..., not as a means")
        contrasted = CONTRASTED.search(text) is not None
        plain = CONTRASTED.sub(" ", text) if contrasted else text
        plain_words = words
        if contrasted:
            plain_words, _together, meant_text = _query(plain)
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
            whole = dict(
                self._db.execute(
                    f"SELECT cid, {self._doc_rank} FROM doc WHERE doc {where}", args
                ).fetchall()
            )
            info = [self._word(w) for w in words]
        # a word that only sets the scene ("lol", "technical", "in a nutshell": kg.vocab's
        # context words) and that the graph never uses is filler, not a missing concept
        kept = [
            (w, i) for w, i in zip(words, info, strict=True) if i.pieces or w not in CONTEXT_WORDS
        ]
        info = [i for _w, i in kept]
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
        marks = self._annotator.annotate(text)
        named = {a.id for a in marks}
        total = sum(w.weight for w in info)

        def held(cid: str) -> float:
            # the word signal: how much of the description the concept's text holds (all
            # of it, and its best passage); nothing for a description too vague to tell
            # concepts apart by its words (every concept that holds them fits alike)
            if cid not in best or total < MIN_EVIDENCE:
                return 0.0
            rowid = best[cid][1]
            whole_text = sum(w.weight for w in info if cid in w.concepts) / total
            passage = sum(w.weight for w in info if rowid in w.pieces) / total
            return math.sqrt(whole_text * passage)

        pool = [cid for cid in ranked if cid not in named][:POOL]
        if any(meant_text == _query(a.text)[2] for a in marks):
            # a text that is a name and nothing more ("what do you call a
            # mesa-optimizer?") asks about what it names, not about what it resembles
            meant_text = ""
        close = self._meaning.closest(meant_text, POOL, also=pool, kind=kind, skip=named)
        meant = {cid: max(c.similarity, 0.0) for cid, c in close.items()}
        candidates = list(dict.fromkeys([*pool, *close]))
        words_fit = {cid: held(cid) for cid in candidates}
        scores = {
            cid: (WORDS * words_fit[cid] + meant.get(cid, 0.0)) / (WORDS + 1) for cid in candidates
        }
        # among concepts that fit alike, the one with the description's neighbouring
        # words standing together in one passage ("*itself* an *optimizer*") comes first,
        # then the one BM25 ranks higher
        stems = [stem(fold_word(w)) for w in words]
        together_in = {
            cid: _pairs(stems, [self._places(r, piece) for r, piece in rows_of[cid]])
            for cid in candidates
            if cid in rows_of
        }
        at = {cid: i for i, cid in enumerate(ranked)}
        order = sorted(
            candidates,
            key=lambda cid: (-scores[cid], -together_in.get(cid, 0), at.get(cid, len(at)), cid),
        )
        # a hit must score the threshold, and one of its two signals must be strong on
        # its own: a middling fit by words and by meaning both is a guess
        order = [
            cid
            for cid in order
            if (
                (cid in among and scores[cid] > 0)
                if among is not None
                else scores[cid] >= THRESHOLD
                and (words_fit[cid] >= WORDS_ALONE or meant.get(cid, 0.0) >= MEANING_ALONE)
            )
        ]
        if not _A_WORK.search(text):
            # "what do you call it when the trained model is itself planning?" asks for
            # a thing, not the paper about it: a work is found by words for a work
            order = [cid for cid in order if self._kinds.get(cid) != "work"]
        if len(order) > 1 and contrasted:
            order = self._set_against(order, plain_words, kept)
        if len(order) > 1:
            order = self._verbatim(order, plain, rows_of)
        if len(order) > 1 and DENIAL.search(plain):
            # the passages that matched each: by words, and by meaning
            passages = {
                cid: [
                    *([best[cid][3]] if cid in best else []),
                    *([close[cid].piece] if cid in close else []),
                ]
                for cid in order[:2]
            }
            order = self._denying(order, scores, passages, plain)
        why: dict[str, _Reached] = {}
        asked, span = _asked_category(text)
        role = None if asked else ROLE_OF.search(text)
        if role is not None:
            span = role.span()
        if asked or role is not None:
            # what the category's own words name ("which kind of *alignment*") is not
            # what the question asks about
            outside = [a for a in marks if a.end <= span[0] or a.start >= span[1]]
            # what the question asks about is not the setting it opens with ("in the maze
            # example, what role does the green thing play?")
            setting = LEAD.match(text).end()  # type: ignore[union-attr]
            outside = [a for a in outside if a.start >= setting]

            # the thing asked about is named next to the question's words for the kind or
            # the role ("what role does *evolution* play?", "what kind of failure is *birth
            # control*?", "the system that stands where we *humans* stand"); a name farther
            # off is part of the story the question tells, unless the words point back
            # at it ("*humans* are the thing that ... what's the name for *that role*?")
            def gap(a: Annotation) -> int:
                return min(abs(a.start - span[1]), abs(span[0] - a.end))

            back = role is not None and role.group().lower().startswith(("that", "this"))
            player = None if role is None else PLAYS.match(text, role.end())
            if player is not None:
                # "what role do *our own drives* play": the thing is what stands between
                # (named there, or nothing: the story before it is not what is asked about)
                outside = [a for a in outside if player.start(1) <= a.start < player.end(1)]
            outside = sorted((a for a in outside if back or gap(a) <= NEAR), key=gap)
            about = list(dict.fromkeys(a.id for a in outside))
            order, why = self._categories(order, scores, asked or None, about, kind)
        out: list[Described] = []
        for cid in order[:limit]:
            c = self.concepts[cid]
            reached = why.get(cid)
            via = reached.via if reached is not None else None
            if reached is not None and via != cid:
                # a category answer reached by a link: it scores as the thing it was
                # reached from (or as itself, if higher), and its evidence is the note
                # that links the two (its definition when the link has none)
                score = max(reached.score, scores[cid] if cid in scores else 0.0)
                field: Field = "note" if reached.note else "definition"
                evidence = reached.note or c.definition
                out.append(Described(cid, c.label, c.kind, round(score, 4), evidence, field, via))
                continue
            found = close.get(cid)
            if found is None or (cid in best and WORDS * words_fit[cid] >= meant[cid]):
                # the evidence is the passage that carried the more weight
                _rank, _rowid, column, piece = best[cid]
                evidence, field = piece, _FIELD[column]
            else:
                evidence, field = found.piece, found.field
            out.append(Described(cid, c.label, c.kind, round(scores[cid], 4), evidence, field, via))
        return out

    def _verbatim(
        self, order: list[str], text: str, rows_of: dict[str, list[tuple[int, str]]]
    ) -> list[str]:
        """The hits reordered so that one whose text says what the description says, in
        the same words (:data:`VERBATIM` of them in a row, small words too: "the things
        that *you want just because you want them*"), comes first when the first does
        not. A passage that names several of the hits counts for the one it names first
        (a quote two concepts share is about the one it introduces)."""
        top = order[:VERBATIM_REACH]
        said = _WORD.findall(_american(text))
        if len(said) < VERBATIM:
            return order

        def run(cid: str) -> int:
            most = 0
            for rowid, piece in rows_of.get(cid, []):
                first = self._named_at(cid, piece)
                if any(self._named_at(o, piece) < first for o in top if o != cid):
                    continue
                most = max(most, _longest_run(said, self._words_of(rowid, piece)))
            return most

        runs = {cid: run(cid) for cid in top}
        best = max(top, key=lambda cid: runs[cid])
        if runs[best] >= VERBATIM and runs[order[0]] < VERBATIM:
            return [best, *(cid for cid in order if cid != best)]
        return order

    def _denying(
        self,
        order: list[str],
        scores: dict[str, float],
        passages: dict[str, list[str]],
        text: str,
    ) -> list[str]:
        """The hits of a description that denies something ("agrees with the base
        objective on the training data but *wouldn't* hold up on new data"), reordered:
        when the first two are concepts the graph contrasts, fit alike (within
        :data:`DENIAL_MARGIN`), and the second's matching passage denies more of what the
        description denies ("..., but *not* robustly: on *new data*, ... in
        *deployment*"), the second comes first. Two opposites share their words; what is
        denied tells them apart."""
        top, second = order[0], order[1]
        if second not in self._against[top] or scores[top] - scores[second] > DENIAL_MARGIN:
            return order

        asked = _denied_words(text)

        def denies(cid: str) -> int:
            return max((len(asked & _denied_words(t)) for t in passages[cid]), default=0)

        if denies(second) > denies(top):
            return [second, top, *order[2:]]
        return order

    def _set_against(
        self, order: list[str], plain_words: list[str], kept: list[tuple[str, _Word]]
    ) -> list[str]:
        """The hits of a description that sets its subject against something ("what you
        want just because you want it, *not as a means to anything*"), reordered: when
        the first hit owes its words to what is set against and a concept the graph
        contrasts it with fits the rest of the description as well or better, that one
        comes first. What is set against names the first hit's opposite, not the thing.
        ``plain_words`` are the description's words outside what it sets against."""
        top = order[0]
        partners = [cid for cid in order[1:CONTRAST_REACH] if cid in self._against[top]]
        if not partners:
            return order
        meant = {stem(fold_word(w)) for w in plain_words}

        def fit(cid: str, inside: bool) -> float:
            weights = [
                i.weight
                for w, i in kept
                if (stem(fold_word(w)) in meant) != inside and cid in i.concepts
            ]
            return sum(weights)

        partner = partners[0]
        # the partner fits what is described at least as well, and the first owes its
        # lead to what is set against ("goals you want for their own sake, as opposed to
        # goals you want because they *help* you *get* those")
        if fit(partner, False) >= fit(top, False) and fit(top, True) > fit(partner, True):
            return [partner, *(cid for cid in order if cid != partner)]
        return order

    def _categories(
        self,
        order: list[str],
        scores: dict[str, float],
        asked: frozenset[str] | None,
        named: list[str],
        kind: str | None,
    ) -> tuple[list[str], dict[str, _Reached]]:
        """The hits of a question that asks which category a thing falls under ("which
        kind of failure does the troop story illustrate?"), reordered: the concepts of
        that category (by the last word of the label; half as surely by the kind's nouns
        or an alias that is the label and more) that the thing is, or is linked to, come
        first.

        The thing asked about is what the question names next to its words for the
        kind (``named``: within :data:`NEAR`, nearest first), weighing 1; when it names
        nothing there, its first :data:`SUBJECTS` hits, each weighing its score. A
        concept of the category counts its fit times the weight of a thing it is linked
        to, times the step of the link (:data:`CATEGORY_STEPS`: twice for what the thing
        is an instance of; a link from a described thing :data:`LINK_FROM_DESCRIBED` as
        much, one to what a named thing's definition names :data:`DEFINED_AS` times more);
        a described hit of the category counts twice its fit times its own weight; each
        keeps the most it gets. Those under :data:`FAR_BEHIND` of the best are dropped.
        The best comes first, then the first hit (what the question describes, when
        that is not of the category), then the others of the category, then the other
        hits (among equals, one that is a kind of another first, then the better hit).
        Returns the order, and how each concept of the category was reached
        (:class:`_Reached`: from a link, with the weight it was reached with, a named
        thing's being the best hit's, and the link's note as its evidence; or as a hit
        of the kind itself). Only concepts of ``kind``, when given, are of the category.

        A question that asks for the role a thing plays (``asked`` None: "what role does
        evolution play?", "the equivalent for an AI") asks what, in the sources' general
        terms, the thing is an example of (:data:`ROLE_STEPS`), a concept of any
        category; of what it names, the nearest thing that has one counts, and the hits
        do not answer for themselves."""
        top = max((scores[cid] for cid in order[:1]), default=THRESHOLD)

        def fit(cid: str) -> float:
            if kind is not None and self.concepts[cid].kind != kind:
                return 0.0
            if asked is None:
                return 1.0
            label, others = self._heads[cid]
            return 1.0 if label in asked else 0.5 if others & asked else 0.0

        steps = CATEGORY_STEPS if asked is not None else ROLE_STEPS
        best: dict[str, float] = {}
        why: dict[str, _Reached] = {}
        described = [(cid, scores[cid]) for cid in order[:SUBJECTS] if cid not in named]
        subjects = {cid for cid, _weight in described}
        # what the question names is what it asks about ("what kind of optimizer is
        # evolution?"), and only what it is linked to answers; a role is the role of one
        # thing, the named one nearest the question's words for it (``named`` comes in
        # that order) that leads to one
        groups = [[(cid, 1.0)] for cid in named] if asked is None else [[(c, 1.0) for c in named]]
        example = any(self.concepts[c].kind == "example" for c in named)
        if asked is not None and not example:
            # a described hit of the kind asked answers for itself, beside what the named
            # things are linked to ("what type of goal is the training objective, for a
            # model that chases it only as a means?")
            for thing, weight in described:
                if fit(thing):
                    best[thing] = 2 * weight * fit(thing)
                    why[thing] = _Reached(thing, weight, None)
            # what the hits are linked to counts when what the question names leads
            # nowhere (it may name things in passing: "which kind of alignment is it when
            # the model's objective ..."). An example named is what is asked about, and if
            # nothing of the kind is linked to it, nothing answers ("what kind of failure
            # does the bottle cap illustrate?": none)
            groups.append(described)
        for things in groups:
            found = False
            for thing, weight in things:
                # a link from a described thing is one guess on another: it counts a little
                # less than a described thing of the kind asked ("what kind of algorithm is
                # A* search?" describes the search algorithm, and the mesa-optimizer,
                # which is a learned algorithm)
                hop = 1.0 if thing in named else LINK_FROM_DESCRIBED
                # what a named thing's own definition calls it, it is first of all (the
                # Aurora case is "the notes' example of inner misalignment")
                called = (
                    {a.id for a in self._annotator.annotate(self.concepts[thing].definition)}
                    if thing in named
                    else set()
                )
                for other, stated, note in self._links[thing]:
                    value = hop * weight * steps.get(stated, 0.0) * fit(other)
                    if other in called:
                        value *= DEFINED_AS
                    if not value or other in named:
                        continue
                    found = True
                    if value > best.get(other, 0.0):
                        best[other] = value
                        if thing in named or other not in subjects:
                            # a described thing linked to another described thing keeps
                            # its own evidence: it is described itself
                            why[other] = _Reached(thing, min(weight, max(top, THRESHOLD)), note)
            if found:
                break
        if not best:
            return order, {}
        # among equals, the narrower first: humans are an example of the mesa-optimizer
        # and of the optimizer, and the mesa-optimizer is an optimizer
        narrower = {
            cid
            for cid in best
            if any(
                stated == ("is_a", True) and other in best for other, stated, _n in self._links[cid]
            )
        }
        ranked = sorted(
            best, key=lambda cid: (-best[cid], cid not in narrower, -scores.get(cid, 0.0), cid)
        )
        # one reached much more weakly than the best (by a plain link, of the kind only by
        # its kind's nouns) is no answer to the question: it stays a hit if it was one
        ranked = [cid for cid in ranked if best[cid] >= FAR_BEHIND * best[ranked[0]]]
        rest = [cid for cid in order if cid not in ranked]
        out = ranked[:1] + rest[:1] + ranked[1:] + rest[1:]
        return out, {cid: r for cid, r in why.items() if cid in ranked}


def category_words(match: re.Match[str]) -> list[str]:
    """The words of a :data:`kg.vocab.CATEGORY_OF` match that name the category: the word
    after "kind of" ("type of", "category of" ...), and the next unless it is a function
    word ("what kind of *training tasks*", but "what kind of *failure* is it")."""
    second = match.group(2)
    return [match.group(1)] + ([second] if second and second.lower() not in FUNCTION_WORDS else [])


def _asked_category(text: str) -> tuple[frozenset[str], tuple[int, int]]:
    """The category a question asks about ("which kind of *failure*"), by stem (see
    :func:`category_words`), with where its words stand in ``text``; nothing for
    another question."""
    m = CATEGORY_OF.search(text)
    if m is None:
        return frozenset(), (0, 0)
    words = category_words(m)
    return frozenset(head_stem(w) for w in words), (m.start(), m.end(len(words)))


def head_stem(name: str) -> str:
    """The stem of the last word of a name ("complex and varied tasks": "task")."""
    words = _WORD.findall(americanize(name.lower()))
    return stem(fold_word(words[-1])) if words else ""


def _longest_run(a: list[str], b: list[str]) -> int:
    """The most words that stand in a row in both ``a`` and ``b``."""
    most = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                most = max(most, cur[j])
        prev = cur
    return most


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


_INDEXES = PerGraph(DescribeIndex, "description index")

_IN_BACKGROUND: WeakSet[KnowledgeGraph] = WeakSet()
"""Graphs whose description index is built in a background thread when first needed
(see :func:`prepare`)."""

BACKGROUND_FROM = 5_000
"""Concepts from which a server builds a graph's description index in a background
thread, rather than in the request that first needs it: 0.6 s for the shipped 70
concepts, but about 160 s at 50,000 concepts and 500,000 relations, too long for a
request to wait."""


def index_for(graph: KnowledgeGraph) -> DescribeIndex:
    """The description index of ``graph``, built on first use and kept with the graph.
    For a graph :func:`prepare` marked, the first use starts building it in a background
    thread, and until it is built every use raises :class:`~kg.errors.NotReady`."""
    if graph in _IN_BACKGROUND and graph not in _INDEXES:
        _INDEXES.build_in_background(graph)  # at most once: None if already building
    return _INDEXES(graph)


def prepare(graph: KnowledgeGraph) -> None:
    """Have a server's large graph (:data:`BACKGROUND_FROM`) build its description index
    in the background when first needed: what needs it (descriptive search, the
    questions of :mod:`kg.ask` and :mod:`kg.context` that describe a concept) then
    raises :class:`~kg.errors.NotReady`, which the API answers with a 503 and
    ``Retry-After``, until it is built. Nothing is built before it is needed: at 50,000
    concepts the index holds about 2 GB. A small graph's is built in the request that
    first needs it, as in a library."""
    if len(graph.concepts) >= BACKGROUND_FROM:
        _IN_BACKGROUND.add(graph)


def describe(
    graph: KnowledgeGraph,
    text: str,
    *,
    limit: int = 5,
    kind: str | None = None,
    among: Collection[str] | None = None,
) -> list[Described]:
    """The concepts of ``graph`` that ``text`` describes, best first; [] when none ranks
    well enough (see the module notes). With ``among``, how well ``text`` fits each of
    those concepts that it fits at all, however weakly."""
    return index_for(graph).describe(text, limit, kind, among)


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
    >>> [h.id for h in search_by(g, "a goal you want just for its own sake", "auto")][:1]
    ['terminal-goal']
    """
    if mode == "describe":
        return list(describe(graph, text, limit=limit, kind=kind))
    hits = search(graph, text, limit=limit, kind=kind)
    if mode == "name" or any(h.match != "fuzzy" for h in hits):
        return list(hits)
    return list(describe(graph, text, limit=limit, kind=kind)) or list(hits)
