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
'The base optimizer produces the mesa-optimizer.'
>>> sentence(g, rel, forward=False)
'The mesa-optimizer is produced by the base optimizer.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.graph import KnowledgeGraph
from kg.model import Citation, Concept, Relation
from kg.ontology import KINDS, RELATION_TYPES
from kg.paths import RankedPath, Relatedness, SharedContext, Step


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
    if article and form == "indefinite":
        article = "an" if concept.label[:1].lower() in "aeiou" else "a"
    return f"{article} {concept.label}" if article else concept.label


def _forms(prefix: str, concept: Concept) -> dict[str, str]:
    return {prefix: noun(concept), f"{prefix}a": noun(concept, "indefinite"),
            f"{prefix}b": noun(concept, "bare"), f"{prefix}e": noun(concept, "example")}


_PLURAL_VERBS = {"is": "are", "has": "have", "was": "were", "does": "do", "can": "can",
                 "may": "may"}


def _plural_verb(verb: str) -> str:
    """The plural of a verb in the third person singular ("relies" -> "rely")."""
    if verb in _PLURAL_VERBS:
        return _PLURAL_VERBS[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-1] if verb.endswith("s") else verb


def _agree(text: str, subject: str) -> str:
    """Make the verb after a plural ``subject`` at the start of ``text`` plural."""
    rest = text[len(subject):].lstrip()
    verb, _, tail = rest.partition(" ")
    return f"{subject} {_plural_verb(verb)} {tail}".rstrip()


def _agree_inside(text: str, template: str, subject: str) -> str:
    """Make the verb after a plural ``{y}`` inside a sentence plural ("what humans pursue")."""
    found = re.search(r"\{y\} (\w+)", template)
    if not found:
        return text
    verb = found.group(1)
    return text.replace(f"{subject} {verb}", f"{subject} {_plural_verb(verb)}", 1)


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


def step_sentence(graph: KnowledgeGraph, step: Step) -> str:
    """A path step as a sentence read in the direction travelled."""
    return sentence(graph, step.relation, step.forward)


def shared_how(graph: KnowledgeGraph, shared: SharedContext) -> str:
    """How x and y share ``shared.concept``, e.g. ``'both pursue the base objective'``."""
    z = graph.concepts[shared.concept]
    if shared.type == "broader":
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


@dataclass
class Footnotes:
    """Numbers citations in order of first use; the same passage keeps its number."""

    graph: KnowledgeGraph
    items: list[NumberedCitation] = field(default_factory=list)
    _seen: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def mark(self, citations: tuple[Citation, ...] | list[Citation]) -> str:
        """Footnote markers for ``citations``, e.g. ``'[^1][^2]'``."""
        marks = []
        for c in citations:
            key = (c.source, c.start, c.end)
            if key not in self._seen:
                n = len(self.items) + 1
                self._seen[key] = n
                self.items.append(NumberedCitation(n, c, self.graph.sources[c.source].title))
            mark = f"[^{self._seen[key]}]"
            if mark not in marks:
                marks.append(mark)
        return "".join(marks)

    def markdown(self) -> str:
        """The footnote definitions, one line each."""
        return "\n".join(f'[^{i.n}]: \u201c{" ".join(i.citation.quote.split())}\u201d '
                         f"({i.title})" for i in self.items)


def _cited(graph: KnowledgeGraph, notes: Footnotes, rel: Relation, forward: bool) -> str:
    return clause(graph, rel, forward) + notes.mark(rel.citations)


def _join(clauses: list[str]) -> str:
    if len(clauses) <= 2:
        return ", and ".join(clauses)
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def path_sentence(graph: KnowledgeGraph, notes: Footnotes, path: RankedPath) -> str:
    """A whole path as one sentence of joined, cited clauses."""
    parts = [_cited(graph, notes, s.relation, s.forward) for s in path.steps]
    return capitalize(_join(parts)) + "."


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
        if a.relation.type == "mitigates" and a.forward and b.relation.type == "is_a" \
                and not b.forward:
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


def _main_lines(graph: KnowledgeGraph, r: Relatedness, notes: Footnotes,
                shown: list[RankedPath]) -> list[str]:
    """The direct relations, or else the best path, or else that there is none."""
    x, y = f"**{capitalize(r.x.label)}**", f"**{r.y.label}**"
    if r.direct:
        return [f"{x} and {y} are directly related:", "",
                *(f"- {capitalize(_cited(graph, notes, rel, rel.source == r.x.id))}."
                  for rel in r.direct)]
    if shown:
        best = shown[0]
        return [f"{x} and {y} are not directly related; they are connected in "
                f"{best.length} steps:", "",
                *(f"{i}. {capitalize(_cited(graph, notes, s.relation, s.forward))}."
                  for i, s in enumerate(best.steps, 1))]
    return [f"The graph records no connection between {x} and {y} within the hop limit."]


def relate_lines(graph: KnowledgeGraph, r: Relatedness, notes: Footnotes,
                 others: int = 2, main: bool = True) -> list[str]:
    """Markdown lines explaining how ``r.x`` relates to ``r.y``; citations go to ``notes``.

    With ``main`` false the direct relations or best path are left out (the caller has
    stated them), leaving the other connections and what the two share.
    """
    lines: list[str] = []
    shown = shown_paths(r, others)
    rest = shown if r.direct else shown[1:]
    if main:
        lines += _main_lines(graph, r, notes, shown)
    if rest:
        if lines:
            lines.append("")
        lines.append("Other connections:")
        lines.append("")
        for path in rest:
            lines.append(f"- {path_sentence(graph, notes, path)}")
    if r.shared:
        if lines:
            lines.append("")
        lines.append("What they have in common:")
        lines.append("")
        for s in r.shared[:3]:
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
