"""Sentences, markdown answers and numbered citations.

Every statement is rendered as an English sentence in the direction it is read, and
every claim in an answer carries footnote markers ``[^n]`` numbered in order of first
use; :class:`Footnotes` keeps the numbering.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> rel = g.relations_between("base-optimizer", "mesa-optimizer")[0]
>>> sentence(g, rel)
'The base optimizer produces a mesa-optimizer.'
>>> sentence(g, rel, forward=False)
'The mesa-optimizer is produced by the base optimizer.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.citations import in_draft, plain_quote
from kg.errors import NoSourceText
from kg.graph import KnowledgeGraph
from kg.lexicon import fold_word
from kg.model import Citation, Concept, Relation
from kg.ontology import KINDS, RELATION_TYPES
from kg.paths import RankedPath, Relatedness, SharedContext
from kg.vocab import FUNCTION_WORDS


def noun(concept: Concept, form: str = "definite") -> str:
    """The label as it stands inside a sentence.

    ``form`` is ``definite`` (with the article its kind or the concept asks for),
    ``indefinite`` (a/an where the definite form has "the"), ``bare``, or ``example``
    (what an example illustrates: "the inner alignment problem" for a problem, else
    the indefinite form).

    >>> c = Concept(id="base-optimizer", label="base optimizer", kind="optimizer",
    ...             definition="d", citations=())
    >>> noun(c), noun(c, "indefinite"), noun(c, "bare")
    ('the base optimizer', 'a base optimizer', 'base optimizer')
    """
    if form == "bare" or concept.plural:
        return concept.label
    if form == "example":
        if concept.kind == "problem":
            label = concept.label
            return f"the {label}" if label.lower().endswith("problem") else f"the {label} problem"
        form = "indefinite"
    article = concept.article if concept.article is not None else KINDS[concept.kind].article
    if article in ("a", "an") or (article and form == "indefinite"):
        article = "an" if concept.label[:1].lower() in "aeiou" else "a"
    return f"{article} {concept.label}" if article else concept.label


def _forms(prefix: str, concept: Concept) -> dict[str, str]:
    return {
        prefix: noun(concept),
        f"{prefix}a": noun(concept, "indefinite"),
        f"{prefix}b": noun(concept, "bare"),
        f"{prefix}e": noun(concept, "example"),
    }


_PLURAL_VERBS = {
    "is": "are",
    "has": "have",
    "was": "were",
    "does": "do",
    "can": "can",
    "may": "may",
}


def _plural_verb(verb: str) -> str:
    """The plural of a verb in the third person singular ("relies" -> "rely")."""
    if verb in _PLURAL_VERBS:
        return _PLURAL_VERBS[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-1] if verb.endswith("s") else verb


def _agree(text: str, subject: str) -> str:
    """Make the verb after a plural ``subject`` at the start of ``text`` plural."""
    rest = text[len(subject) :].lstrip()
    verb, _, tail = rest.partition(" ")
    return f"{subject} {_plural_verb(verb)} {tail}".rstrip()


def _agree_inside(text: str, template: str, subject: str) -> str:
    """Make the verb after a plural ``{y}`` inside a sentence plural ("what humans pursue")."""
    found = re.search(r"\{y\} (\w+)", template)
    if not found:
        return text
    verb = found.group(1)
    return text.replace(f"{subject} {verb}", f"{subject} {_plural_verb(verb)}", 1)


def lowered(text: str) -> str:
    """A definition as it goes on after "X is": its first letter lower-cased unless the
    first word is a name ("The 2019 paper" stays; "A specification" does not)."""
    head = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if head[1:2].islower() or len(head) == 1 else text


def capitalize(text: str) -> str:
    """Upper-case the first character only (``'mesa-optimizer'`` -> ``'Mesa-optimizer'``)."""
    return text[:1].upper() + text[1:]


def clause(graph: KnowledgeGraph, rel: Relation, forward: bool = True) -> str:
    """The relation as a lower-case clause read from source (forward) or from target."""
    rtype = RELATION_TYPES[rel.type]
    src, tgt = graph.concepts[rel.source], graph.concepts[rel.target]
    first, second = (src, tgt) if forward else (tgt, src)
    template = rtype.template(forward, rel.modality)
    text = template.format(**_forms("x", first), **_forms("y", second))
    if first.plural and template.startswith("{x} "):
        text = _agree(text, noun(first))
    if second.plural:
        text = _agree_inside(text, template, noun(second))
    return text


def sentence(graph: KnowledgeGraph, rel: Relation, forward: bool = True) -> str:
    """The relation as a sentence, read from its source (forward) or from its target."""
    return capitalize(clause(graph, rel, forward)) + "."


def shared_how(graph: KnowledgeGraph, shared: SharedContext) -> str:
    """How x and y share ``shared.concept``, e.g. ``'both pursue the base objective'``."""
    z = graph.concepts[shared.concept]
    if shared.type == "broader":
        types = {rel.type for rel in shared.relations}
        if types == {"is_a"}:
            return f"both are kinds of {noun(z, 'bare')}"
        if types == {"part_of"}:
            return f"both are part of {noun(z)}"
        return f"both fall under {noun(z)}"
    rtype = RELATION_TYPES[shared.type]
    template = rtype.shared if shared.outgoing else rtype.shared_inverse
    text = template.format(**_forms("z", z))
    if z.plural and template.startswith("{z} "):
        text = _agree(text, noun(z))
    return text


OTHER_PATH_SLACK = 1.5
"""An alternative path is shown in an answer when it costs at most this times the best."""


@dataclass
class NumberedCitation:
    """A citation with its footnote number and the title of its source."""

    n: int
    citation: Citation
    title: str
    draft: bool = False
    """Whether the quote comes from draft material kept with the source (:func:`from_draft`)."""

    @property
    def where(self) -> str:
        """The source as a footnote names it: its title, and whether the quote is draft."""
        return f"{self.title}, {DRAFT_NOTE}" if self.draft else self.title


DRAFT_NOTE = "draft text kept below the published answer"
"""How a footnote says that its quote comes from a source's draft material."""


def from_draft(graph: KnowledgeGraph, c: Citation) -> bool:
    """Whether ``c`` quotes draft material kept with its source's text rather than the
    text as published (:func:`kg.citations.in_draft`)."""
    try:
        return in_draft(graph.source_text(c.source), c.start)
    except NoSourceText:
        return False


_MARK = re.compile(r"\[\^(\d+)\]")
MARK_RUN = re.compile(r"(?:\[\^\d+\])+")
"""A run of footnote marks ("[^2][^5]")."""
_CHOICE = re.compile(r"(\*\*[^*\n]+\*\* )")
"""The option a which-answer names first, in bold (:func:`choice_head`)."""


_NAMES_ONLY = frozenset({"produces"})
"""Relation types whose note tells what the link is rather than why it holds ("Humans
are, with intelligent animals, the video's case of an optimizer that evolution
produced"): such a line keeps its sentence first (:meth:`Told.reason_first`)."""


def choice_head(name: str) -> str:
    """How a which-answer names the option it chose, first and in bold: "**Heuristics.**"."""
    return f"**{capitalize(name)}.**"


@dataclass
class Footnotes:
    """Numbers citations in order of first use; the same passage keeps its number."""

    graph: KnowledgeGraph
    items: list[NumberedCitation] = field(default_factory=list)
    _seen: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def mark(self, citations: tuple[Citation, ...] | list[Citation]) -> str:
        """Footnote markers for ``citations``, e.g. ``'[^1][^2]'``."""
        marks: list[int] = []
        for c in citations:
            key = (c.source, c.start, c.end)
            if key not in self._seen:
                # a passage inside one already cited is that footnote again, not a new one
                within = next(
                    (
                        i.n
                        for i in self.items
                        if i.citation.source == c.source
                        and i.citation.start <= c.start
                        and c.end <= i.citation.end
                    ),
                    None,
                )
                around = next(
                    (
                        k
                        for k, i in enumerate(self.items)
                        if i.citation.source == c.source
                        and c.start <= i.citation.start
                        and i.citation.end <= c.end
                    ),
                    None,
                )
                if within is not None:
                    self._seen[key] = within
                elif around is not None:
                    # a passage that holds one already cited widens that footnote: two
                    # footnotes, one inside the other, say the same words twice
                    item = self.items[around]
                    self.items[around] = replace(item, citation=c, draft=from_draft(self.graph, c))
                    self._seen[key] = item.n
                else:
                    n = len(self.items) + 1
                    self._seen[key] = n
                    self.items.append(
                        NumberedCitation(
                            n, c, self.graph.sources[c.source].title, from_draft(self.graph, c)
                        )
                    )
            if self._seen[key] not in marks:
                marks.append(self._seen[key])
        return "".join(f"[^{n}]" for n in sorted(marks))

    def renumbered(self, lines: list[str]) -> list[str]:
        """``lines`` with their footnote marks numbered in order of first use again, and
        the footnotes that no line marks dropped: an answer that turned a line round
        (:meth:`Told.reason_first`) may use a later number first, or no longer cite a
        passage its relation's sentence cited."""
        order: dict[int, int] = {}
        for m in _MARK.finditer("\n".join(lines)):
            order.setdefault(int(m.group(1)), len(order) + 1)
        if all(old == new for old, new in order.items()) and len(order) == len(self.items):
            return lines

        def marks(run: re.Match[str]) -> str:
            numbers = sorted({order[int(n)] for n in _MARK.findall(run.group())})
            return "".join(f"[^{n}]" for n in numbers)

        self.items = sorted(
            (replace(i, n=order[i.n]) for i in self.items if i.n in order), key=lambda i: i.n
        )
        self._seen = {k: order[n] for k, n in self._seen.items() if n in order}
        return [MARK_RUN.sub(marks, line) for line in lines]

    def markdown(self) -> str:
        """The footnote definitions, one line each."""
        return "\n".join(
            f"[^{i.n}]: \u201c{plain_quote(i.citation.quote)}\u201d ({i.where})" for i in self.items
        )


def _cited(graph: KnowledgeGraph, notes: Footnotes, rel: Relation, forward: bool) -> str:
    return clause(graph, rel, forward) + notes.mark(rel.citations)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c(])")


def cited_text(text: str, citations: tuple[Citation, ...], notes: Footnotes) -> str:
    """``text`` (our words) with footnote markers after each of its sentences: the
    passages that share most words with that sentence, or all of ``citations`` when none
    stands out, so every sentence shows the source it rests on."""
    text = text.strip()
    if text[-1] not in ".!?":
        text += "."
    parts = _SENTENCE_END.split(text)
    backing = [_backing(part, citations) for part in parts]
    # a passage no sentence stands out for still backs the text: it goes with the last one
    used = {c for cs in backing for c in cs}
    backing[-1] = (*backing[-1], *(c for c in citations if c not in used))
    return " ".join(f"{part}{notes.mark(cs)}" for part, cs in zip(parts, backing, strict=True))


def _content_words(text: str) -> set[str]:
    return {
        fold_word(w)
        for w in re.findall(r"[^\W_]+", text)
        if w.lower() not in FUNCTION_WORDS and len(w) > 2
    }


def _backing(sentence: str, citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The citations that back ``sentence`` most closely: those sharing at least two
    content words with it and at least half as many as the closest; all of them when no
    citation shares two."""
    if len(citations) < 2:
        return citations
    words = _content_words(sentence)
    shared = [len(words & _content_words(c.quote)) for c in citations]
    best = max(shared)
    if best < 2:
        return citations
    return tuple(c for c, n in zip(citations, shared, strict=True) if n >= max(2, best / 2))


def cited_note(rel: Relation, notes: Footnotes) -> str:
    """The note of ``rel`` cited sentence by sentence (:func:`cited_text`), or ``''``."""
    return cited_text(rel.note, rel.citations, notes) if rel.note else ""


def defined(concept: Concept, notes: Footnotes) -> str:
    """A concept's definition, cited sentence by sentence."""
    return cited_text(concept.definition, concept.citations, notes)


@dataclass
class Told:
    """What an answer has said already, so that no relation or note is told twice."""

    relations: set[Relation] = field(default_factory=set)
    explained: set[Relation] = field(default_factory=set)
    said: dict[str, str] = field(default_factory=dict)
    """The cited note of each relation told with its note, by the line :func:`explained`
    wrote for it."""

    def note(self, rel: Relation, notes: Footnotes) -> str:
        """The cited note of ``rel`` the first time it is asked for, then ``''``."""
        if rel in self.explained:
            return ""
        self.explained.add(rel)
        return cited_note(rel, notes)

    def reason_first(self, line: str) -> str:
        """``line``, if :func:`explained` wrote it as a relation followed by its note,
        as the note alone: "Optimizers do very well on the task ...; so ... it is pulled
        toward one.[^1]" answers why gradient descent produces mesa-optimizers, where
        "Gradient descent makes the mesa-optimizer more likely" only names the link (a
        strict review read it as jargon before the answer, and again as a restatement
        after it). A which-answer's bold choice stays first. Any other line as it is."""
        choice = _CHOICE.match(line)  # "**The base objective.** ..." keeps its choice first
        head, body = (choice.group(1), line[choice.end(1) :]) if choice else ("", line)
        note = self.said.get(body)
        return line if note is None else f"{head}{note}"


def explained(
    graph: KnowledgeGraph,
    notes: Footnotes,
    rel: Relation,
    forward: bool = True,
    told: Told | None = None,
    lead: str = "",
) -> str:
    """A relation as a cited sentence followed by its cited note: "X can produce Y.[^1]
    Why it holds.[^1]". ``lead`` goes before the sentence ("But ")."""
    told = told if told is not None else Told()
    told.relations.add(rel)
    text = clause(graph, rel, forward)
    text = f"{lead}{text}" if lead else capitalize(text)
    marks = notes.mark(rel.citations)  # numbered first: the sentence is read first
    note = told.note(rel, notes)
    line = f"{text}.{marks}" + (f" {note}" if note else "")
    if note and not lead and rel.type not in _NAMES_ONLY:
        told.said[line] = note
    return line


def _join(clauses: list[str]) -> str:
    if len(clauses) <= 2:
        return ", and ".join(clauses)
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def path_sentence(
    graph: KnowledgeGraph, notes: Footnotes, path: RankedPath, told: Told | None = None
) -> str:
    """A whole path as one sentence of joined, cited clauses, then the notes of its steps
    not explained yet."""
    parts = [_cited(graph, notes, s.relation, s.forward) for s in path.steps]
    text = capitalize(_join(parts)) + "."
    if told is not None:
        told.relations.update(s.relation for s in path.steps)
        why = [n for s in path.steps if (n := told.note(s.relation, notes))]
        if why:
            text += " " + " ".join(why)
            if len(why) == len(path.steps):
                # every step has its reason: as an answer's first line, the reasons alone
                # make the argument (Told.reason_first); the chain of names only restates
                told.said[text] = " ".join(why)
    return text


def misleading(path: RankedPath) -> bool:
    """Whether a path suggests more than its steps support, so that it is not worth showing
    beside a better one.

    That is: a longer path through a contrast ("plants are contrasted with an optimizer"),
    two siblings of one parent ("humans are produced by evolution, evolution produces
    plants"), or a remedy handed down to a subtype ("adversarial training helps against
    pseudo-alignment, one kind of which is deceptive alignment").
    """
    steps = path.steps
    if len(steps) > 1 and any(s.relation.type == "contrasts_with" for s in steps):
        return True
    for a, b in zip(steps, steps[1:], strict=False):
        symmetric = RELATION_TYPES[a.relation.type].symmetric
        if a.relation.type == b.relation.type and not symmetric and not a.forward and b.forward:
            return True
        if (
            a.relation.type == "mitigates"
            and a.forward
            and b.relation.type == "is_a"
            and not b.forward
        ):
            return True
    return False


def shown_paths(r: Relatedness, others: int = 2) -> list[RankedPath]:
    """The paths an answer about ``r`` tells: the best (unless there are direct relations,
    which come first), and up to ``others`` more that are not much worse than the best and
    not misleading."""
    if not r.paths:
        return []
    worst = r.paths[0].cost * OTHER_PATH_SLACK
    candidates = r.paths if r.direct else r.paths[1:]
    rest = [p for p in candidates if p.cost <= worst and not misleading(p)][:others]
    return rest if r.direct else [r.paths[0], *rest]


LIMITS = frozenset({"insufficient_against"})
"""Relation types that state a limit: in an answer they follow what the other relations
grant, introduced by "But"."""

_DIRECT_ORDER = (
    "is_a",
    "part_of",
    "failure_of",
    "example_of",
    "has_objective",
    "produces",
    "causes",
    "makes_likely",
    "exacerbates",
    "reveals",
    "mitigates",
    "requires",
    "relies_on",
    "optimizes",
    "contrasts_with",
    "concerns",
    "outperforms",
    "fails_together",
    "analogous_to",
    "introduced_in",
    "related_to",
    "insufficient_against",
)


def limiting(rel: Relation) -> bool:
    """Whether ``rel`` states a limit or a denial rather than a link."""
    return rel.negated or rel.type in LIMITS


def ordered_direct(r: Relatedness) -> list[Relation]:
    """The direct relations of ``r`` as an answer tells them: what links the two first
    (the most specific type first), then limits and denials."""

    def rank(rel: Relation) -> tuple[bool, int, int]:
        order = _DIRECT_ORDER.index(rel.type) if rel.type in _DIRECT_ORDER else 99
        return limiting(rel), order, 0 if rel.source == r.x.id else 1

    return sorted(r.direct, key=rank)


def direct_lines(graph: KnowledgeGraph, r: Relatedness, notes: Footnotes, told: Told) -> list[str]:
    """One paragraph per direct relation, read from x: its sentence and its note; a limit
    after a link begins with "But"."""
    lines: list[str] = []
    granted = any(not limiting(rel) for rel in r.direct if rel in told.relations)
    for rel in ordered_direct(r):
        if rel in told.relations:
            continue
        lead = "But " if granted and limiting(rel) else ""
        granted = granted or not limiting(rel)
        if lines:
            lines.append("")
        lines.append(explained(graph, notes, rel, rel.source == r.x.id, told, lead))
    return lines


def _through(graph: KnowledgeGraph, path: RankedPath) -> str:
    names = [noun(graph.concepts[s.to_id]) for s in path.steps[:-1]]
    return _join(names).replace(", and ", " and ") if len(names) <= 2 else _join(names)


def _main_lines(
    graph: KnowledgeGraph, r: Relatedness, notes: Footnotes, shown: list[RankedPath], told: Told
) -> list[str]:
    """The direct relations, or else the best path step by step, or else that there is
    none (with what each concept is)."""
    if r.direct:
        return direct_lines(graph, r, notes, told)
    x, y = f"**{capitalize(noun(r.x))}**", f"**{noun(r.y)}**"
    if shown:
        best = shown[0]
        also = " also" if told.relations else ""
        lines = [f"{x} and {y} are{also} linked through {_through(graph, best)}:", ""]
        for i, s in enumerate(best.steps, 1):
            lines.append(f"{i}. {explained(graph, notes, s.relation, s.forward, told)}")
        return lines
    return [
        f"The glossary records no connection between {x} and {y} within the hop limit.",
        "",
        f"- **{capitalize(r.x.label)}**: {defined(r.x, notes)}",
        f"- **{capitalize(r.y.label)}**: {defined(r.y, notes)}",
    ]


def _apart_lines(graph: KnowledgeGraph, r: Relatedness, notes: Footnotes, told: Told) -> list[str]:
    """Denials that part x from what y is (or y from what x is): "the bottle cap is not an
    example of an optimizer, while the mesa-optimizer is a kind of optimizer". Paths never
    run through a denial, so without these an answer would miss the point."""
    lines: list[str] = []
    for a, b in ((r.x, r.y), (r.y, r.x)):
        denials = [rel for rel in graph.relations_of(a.id) if rel.negated and rel.source == a.id]
        # every ancestor of b, only when there is a denial to weigh against them
        above = graph.up_tree(b.id) if denials else {}
        for rel in denials:
            if rel in told.relations:
                continue
            same = [
                s
                for s in graph.relations_between(b.id, rel.target)
                if s.source == b.id and s.type == rel.type and s.modality is None
            ]
            if same and rel.target not in above:
                # "humans do not pursue genetic fitness, while evolution pursues it"
                told.relations.update([rel, *same])
                head = capitalize(_cited(graph, notes, rel, True))
                text = f"{head}, while {_cited(graph, notes, same[0], True)}."
                note = told.note(rel, notes)
                lines.append(f"{text} {note}".rstrip())
                continue
            if rel.target not in above:
                continue
            chain = graph.chain_in(above, rel.target)
            told.relations.update([rel, *chain])
            head = capitalize(_cited(graph, notes, rel, True))  # numbered first: read first
            links = ", and ".join(_cited(graph, notes, c, True) for c in chain)
            text = f"{head}, while {links}."
            note = told.note(rel, notes)
            lines.append(f"{text} {note}".rstrip())
    return lines


OTHER_CONNECTIONS = "Other connections:"
"""The heading of the paths an answer tells after its lead."""


MAX_ASIDE_STEPS = 2
"""Most links in a further connection told beside an answer that is not itself about how
two concepts relate (a why-, how- or yes/no answer's "Other connections")."""


def relate_lines(
    graph: KnowledgeGraph,
    r: Relatedness,
    notes: Footnotes,
    others: int = 2,
    main: bool = True,
    told: Told | None = None,
    common: bool = True,
) -> list[str]:
    """Markdown lines explaining how ``r.x`` relates to ``r.y``; citations go to ``notes``.

    The answer leads with the direct relations and their notes (or the best path, each
    step with its note); other paths follow, then what the two share that no path has
    shown. With ``main`` false the lead is left out (the caller has stated it); ``told``
    carries what the caller has said already, so nothing is told twice.
    """
    told = told if told is not None else Told()
    lines: list[str] = []
    # a path none of whose steps the caller has told leads: a path told step by step
    # must not tell again what the answer has said
    shown = sorted(
        shown_paths(r, others), key=lambda p: any(s.relation in told.relations for s in p.steps)
    )
    if not r.direct and shown and any(s.relation in told.relations for s in shown[0].steps):
        main = False
    rest = shown if r.direct else shown[1:]
    apart: list[str] = []
    if main and not r.direct:
        # what parts them is the point ("the bottle cap is not an optimizer"): it leads
        for line in _apart_lines(graph, r, notes, told):
            lines += [line, ""]
    if main:
        lines += _main_lines(graph, r, notes, shown, told)
    elif not r.direct and shown:
        rest = shown
    if r.direct or not main:
        apart = [f"- {line}" for line in _apart_lines(graph, r, notes, told)]
    if apart:  # what parts them matters more than further links
        if lines:
            lines.append("")
        lines += ["What sets them apart:", "", *apart]
    rest = [
        p
        for p in rest
        if not all(s.relation in told.relations for s in p.steps)
        # beside an answer the caller gives (main false), a chain of three links or more
        # is padding: what it connects is too far from what was asked
        and (main or len(p.steps) <= MAX_ASIDE_STEPS)
    ]
    if rest:
        if lines:
            lines.append("")
        lines.append(OTHER_CONNECTIONS)
        lines.append("")
        for path in rest:
            lines.append(f"- {path_sentence(graph, notes, path, told)}")
    through = {s.to_id for p in shown for s in p.steps[:-1]}
    shared = [
        s
        for s in r.shared
        if common
        and s.concept not in through
        and not all(rel in told.relations for rel in s.relations)
    ]
    if shared:
        if lines:
            lines.append("")
        lines.append("What they have in common:")
        lines.append("")
        for s in shared[:3]:
            cites = [c for rel in s.relations for c in rel.citations]
            lines.append(f"- {capitalize(shared_how(graph, s))}.{notes.mark(cites)}")
    return lines


def with_footnotes(lines: list[str], notes: Footnotes) -> str:
    """Join answer lines and append the footnote definitions, if any."""
    if notes.items:
        lines = [*lines, "", notes.markdown()]
    return "\n".join(lines)


def relate_answer(graph: KnowledgeGraph, r: Relatedness, others: int = 2) -> tuple[str, Footnotes]:
    """A short markdown explanation of how ``r.x`` relates to ``r.y``, with footnotes."""
    notes = Footnotes(graph)
    return with_footnotes(relate_lines(graph, r, notes, others), notes), notes
