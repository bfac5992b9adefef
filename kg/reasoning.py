"""Answers that reason: whether (yes/no), which of two, why, how and what happens.

Every answer is built from the graph alone, as :mod:`kg.ask` builds the others: each
claim is a relation read as a sentence with its footnotes, followed by its note (our
reading of the cited passage). What these answers add is order and a verdict:

- :func:`whether` opens with Yes, No, Partly, Not necessarily or Possibly and the relation
  that decides it. A limit ("does not rule out") or a denial ("does not pursue") answers
  No or Not necessarily; a chain up the hierarchy answers Yes; two concepts that play
  different parts (evolution produces the mesa-optimizers; it is not one) answer No.
- :func:`which` names the option the graph supports first, then who plays the other.
- :func:`why` gives the reasons as an argument, premises first: what the thing requires,
  the chain of causes and incentives from the subject to it, then an example.
- :func:`how` leads with the relations the question's verb asks about and their notes;
  :func:`what_happens` lists the effects, and what helps against them.

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> from kg.explain import Footnotes
>>> lines, verdict = whether(g, g.concepts["humans"], g.concepts["mesa-optimizer"], [],
...                          Footnotes(g))
>>> verdict, lines[0][:45]
('yes', '**Yes.** Humans are an example of a mesa-opti')
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Literal

from kg.annotate import annotate
from kg.explain import (
    Footnotes,
    Told,
    capitalize,
    choice_head,
    clause,
    defined,
    explained,
    limiting,
    lowered,
    noun,
    path_sentence,
    relate_lines,
)
from kg.graph import KnowledgeGraph
from kg.lexicon import content_stems
from kg.model import Concept, Relation
from kg.paths import RankedPath, Relatedness, Step, relate

Verdict = Literal["yes", "no", "partly", "not_necessarily", "possibly", "unknown"]
VERDICTS: tuple[Verdict, ...] = ("yes", "no", "partly", "not_necessarily", "possibly", "unknown")
_SAY: dict[Verdict, str] = {
    "yes": "Yes.",
    "no": "No.",
    "partly": "Partly.",
    "not_necessarily": "Not necessarily.",
    "possibly": "Possibly.",
    "unknown": "The glossary does not say so.",
}

UPWARD = frozenset({"is_a", "example_of", "part_of"})
"""Types that climb from a thing to what it is: a chain of them answers "Is X a Y?"."""
REMEDY = frozenset({"mitigates", "insufficient_against", "reveals"})
"""Types that say whether something fixes, catches or rules out something."""
CAUSAL = frozenset({"causes", "produces", "makes_likely", "exacerbates", "reveals"})
"""Types that say something brings about, favours or worsens something."""
ROLES = frozenset({"produces", "optimizes"})
"""Types that give two concepts different parts: the producer is not what it produces."""
PREMISES = ("requires", "relies_on")
"""What must hold for a thing: told first in a why-answer."""
REASONS = ("causes", "makes_likely", "exacerbates")
"""What brings a thing about or favours it: told after the premises."""
EFFECTS = (
    "causes",
    "makes_likely",
    "exacerbates",
    "reveals",
    "produces",
    "insufficient_against",
    "mitigates",
    "relies_on",
    "requires",
    "optimizes",
)
"""What a thing does or brings about, in the order a what-happens answer tells them."""
WORKINGS = (
    "relies_on",
    "requires",
    "optimizes",
    "produces",
    "causes",
    "reveals",
    "mitigates",
    "insufficient_against",
    "makes_likely",
    "exacerbates",
    "outperforms",
)
"""What a thing works by and does, in the order a how-does-it-work answer tells them."""
MAX_CLIMB = 3
"""Most steps of a chain up (is a kind of / is an example of / is part of)."""
MAX_REASONS = 5
"""Most further reasons or effects one answer lists."""


# -- the structure the answers read


def _chains(
    graph: KnowledgeGraph,
    start: str,
    types: frozenset[str],
    max_steps: int,
    follows: Callable[[Relation], bool],
    goal: str | None = None,
) -> dict[str, list[Relation]]:
    """Every concept ``start`` reaches forward over relations of ``types`` that
    ``follows`` accepts, within ``max_steps``, with the shortest chain that reaches it.
    With a ``goal`` the search stops as soon as the goal is reached."""
    chains: dict[str, list[Relation]] = {start: []}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if len(chains[node]) >= max_steps:
            continue
        for rel in graph.relations_of(node):
            if rel.source != node or rel.type not in types or not follows(rel):
                continue
            if rel.target not in chains:
                chains[rel.target] = [*chains[node], rel]
                if rel.target == goal:
                    return chains
                queue.append(rel.target)
    return chains


def _overlap(rel: Relation, asked: frozenset[str]) -> int:
    """How many of the question's own words (``asked``, stems) the relation's note uses:
    of two relations otherwise alike, the one whose reason speaks of what the question
    mentions ("green things", "the exit") is the one to tell first."""
    return len(asked & content_stems(rel.note)) if rel.note and asked else 0


def _story(graph: KnowledgeGraph, concepts: list[Concept], asked: frozenset[str]) -> Concept | None:
    """The example a question is about: the one it names, unless another example's own
    words match the question's words clearly better ("the green-seeking maze solver
    deployed where the apples are green" is the green-apple maze, though "maze solver"
    names the video's first maze)."""
    named = [c for c in concepts if c.kind == "example"]
    if not named or not asked:
        return named[0] if named else None

    def fit(c: Concept) -> int:
        return len(asked & content_stems(c.definition))

    first = max(named, key=fit)  # the first of the best named
    best = max((c for c in graph.concepts.values() if c.kind == "example"), key=fit)
    return best if fit(best) >= fit(first) + 2 else first


def _among(graph: KnowledgeGraph, concepts: list[Concept], told: Told) -> list[Relation]:
    """The relations between any two of ``concepts``, not told yet, positive first."""
    ids = [c.id for c in concepts]
    found: dict[Relation, None] = {}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            for rel in graph.relations_between(a, b):
                if rel not in told.relations:
                    found[rel] = None
    return sorted(found, key=limiting)


def _climb(
    graph: KnowledgeGraph, start: str, types: frozenset[str] = UPWARD
) -> dict[str, list[Relation]]:
    """Every concept ``start`` reaches over definite (unqualified) upward relations
    within :data:`MAX_CLIMB` steps, with the (shortest) chain of relations that reaches it.
    ``types`` widens what counts as upward (a failure to what it fails, for a contrast)."""
    return _chains(graph, start, types, MAX_CLIMB, lambda rel: rel.modality is None)


def is_kind_of(graph: KnowledgeGraph, cid: str, above: str) -> bool:
    """Whether ``cid`` is a kind of ``above`` by a chain of definite is_a relations (a
    part or an example is not a kind: human values are part of the alignment problem)."""
    kinds = _chains(
        graph,
        cid,
        frozenset({"is_a"}),
        len(graph.concepts),
        lambda rel: not rel.negated and rel.modality is None,
        goal=above,
    )
    return above in kinds and above != cid


def _scope(graph: KnowledgeGraph, cid: str) -> set[str]:
    """``cid`` and what falls under it: its narrower concepts and its failures ("inner
    misalignment is a failure of inner alignment"), with theirs."""
    scope = {cid, *graph.descendants(cid)}
    for failure in failures_of(graph, cid):
        scope |= {failure, *graph.descendants(failure)}
    return scope


def failures_of(graph: KnowledgeGraph, cid: str) -> list[str]:
    """The concepts the graph records as failures of ``cid`` ("inner misalignment is a
    failure of inner alignment"), in the order of its relations."""
    return [
        r.source
        for r in graph.relations_of(cid)
        if r.type == "failure_of" and r.target == cid and not r.negated
    ]


def _from(
    graph: KnowledgeGraph, source: str, targets: set[str], types: frozenset[str]
) -> list[Relation]:
    return [
        r
        for r in graph.relations_of(source)
        if r.source == source and r.target in targets and r.type in types
    ]


def _between(graph: KnowledgeGraph, a: str, b: str, types: Iterable[str]) -> list[Relation]:
    wanted = set(types)
    return [r for r in graph.relations_between(a, b) if r.type in wanted]


def _chain_text(
    graph: KnowledgeGraph, notes: Footnotes, chain: list[Relation], told: Told, lead: str = ""
) -> str:
    """A chain of relations as one cited sentence ("X is a Y[^1], and Y is a Z[^2].")
    followed by the notes of its steps; one relation reads as :func:`explained` does.
    ``lead`` goes before the sentence, which then starts in lower case."""
    if len(chain) == 1:
        return explained(graph, notes, chain[0], True, told, lead)
    told.relations.update(chain)
    parts = [clause(graph, r) + notes.mark(r.citations) for r in chain]
    joined = ", and ".join(parts)
    text = f"{lead}{joined}." if lead else capitalize(joined) + "."
    why = [n for r in chain if (n := told.note(r, notes))]
    return " ".join([text, *why])


def verdict_line(verdict: Verdict, reason: str) -> str:
    return f"**{_SAY[verdict]}** {reason}".rstrip()


def _rest(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told, paths: bool = True
) -> list[str]:
    """What else the graph holds on x and y, after the lines that decided the answer:
    the relations between them, and with ``paths`` how they are linked through others."""
    untold = [rel for rel in graph.relations_between(x.id, y.id) if rel not in told.relations]
    lines = [f"- {explained(graph, notes, rel, rel.source == x.id, told)}" for rel in untold]
    if lines:
        lines = ["Also:", "", *lines]
    if not paths:
        return lines
    more = relate_lines(
        graph, relate(graph, x.id, y.id), notes, others=1, main=False, told=told, common=False
    )
    if more:
        lines += [""] if lines else []
        lines += more
    return lines


# -- whether: yes/no questions

Asked = Literal[
    "remedy", "causal", "objective", "requirement", "identity", "same", "differ", "other"
]


def asked_kind(focus: list[str], framing: str) -> Asked:
    """What a yes/no question asks of its two concepts, from the relation types its words
    point at (:func:`kg.vocab.focus_types`) and its framing (the question with the concept
    names blanked)."""
    if SAME_WORD.search(framing) or (_JUST.search(framing) and not _CATEGORY.search(framing)):
        return "same"
    for rtype in focus:
        if rtype in ("mitigates", "insufficient_against", "reveals"):
            return "remedy"
        if rtype in ("causes", "produces", "makes_likely", "exacerbates"):
            return "causal"
        if rtype == "has_objective" and not _DIFFER.search(framing):
            # not "can a mesa-optimizer's objective differ from ...?", asked of the two
            return "objective"
        if rtype in ("requires", "relies_on"):
            return "requirement"
    if _DIFFER.search(framing):
        return "differ"  # after the relation asked about: "does X require Y to differ?"
    copula = framing.split()[:1] in (["is"], ["are"], ["was"], ["were"])
    return "identity" if copula else "other"


_DIFFER = re.compile(r"\b(?:differ|differs|differed|different|distinct)\b", re.I)
"""Words by which a question asks whether two things can differ ("can the mesa-objective
*differ* from the base objective?"): whether they are the same, turned round."""
_HAVE = re.compile(r"\b(?:have|has|had|having)\b", re.I)
_JUST = re.compile(
    r"^\W*(?:is|are|was|were|isn't|aren't|isnt|arent)\b.*?"
    r"\b(?:just|merely|simply|nothing\s+but|no\s+more\s+than)\b",
    re.I,
)
"""Whether a thing is *just* another ("is inner alignment basically just the old
distributional-shift problem?"): whether the two are the same."""
_CATEGORY = re.compile(r"\b(?:kinds?|types?|sorts?|forms?|parts?|examples?|cases?)\s+of\b", re.I)

SAME_WORDS = frozenset({"same", "identical", "equal", "equivalent"})
"""Words by which a question asks whether two things are the same."""
SAME_WORD = re.compile(rf"\b(?:{'|'.join(sorted(SAME_WORDS))})\b(?!\s+time)", re.I)
"""A word by which a passage says two things are the same (or need not be); not the
"same" of "at the same time"."""

Decider = Callable[[KnowledgeGraph, Concept, Concept, Footnotes, Told], tuple[list[str], Verdict]]

_STRONG = re.compile(
    r"\b(?:solv\w*|fix\w*|cur(?:e|es|ed|ing)|rul\w* out|prevent\w*|"
    r"eliminat\w*|guarantee\w*|stop\w*|catch\w*|caught|detect\w*|"
    r"remov\w*|get rid)\b"
)
"""Verbs by which a question asks whether something is settled, not merely helped."""


_SLIPS = re.compile(
    r"\b(?:leav\w*|left|miss\w*|let\w*|allow\w*|permit\w*|slip\w*|"
    r"surviv\w*|escap\w*|evad\w*|get\w*\s+(?:past|through|away|by)|"
    r"got\s+(?:past|through|away|by)|pass\w*|fool\w*|trick\w*)\b"
)
"""Verbs by which a question asks whether something gets through a safeguard ("can
adversarial training *leave* a deceptive model in place?", "can it *fool* adversarial
training?"), so that a limit on the safeguard answers Yes rather than No."""


def _slips_through(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Can y get past x (or x past y)? Yes, where one of them does not rule out the
    other or what falls under it."""
    for guard, failure in ((x, y), (y, x)):
        limits = _from(
            graph, guard.id, _scope(graph, failure.id), frozenset({"insufficient_against"})
        )
        if limits:
            limits.sort(key=lambda r: r.target != failure.id)
            lines = _say(graph, notes, told, "yes", limits, guard, within=failure)
            helps = [r for r in _from(graph, guard.id, {failure.id}, REMEDY) if not limiting(r)]
            if helps and limits[0].target != failure.id:
                lines += ["", "What it can do:", ""]
                lines += [f"- {explained(graph, notes, r, True, told)}" for r in helps]
            return lines, "yes"
    return [], "unknown"


_APART = re.compile(r"\b(?:apart|separate\w*|dichotom\w*)\b", re.I)
"""Words by which a question asks whether two things can be told apart."""
_NECESSARY = re.compile(r"\b(?:ha(?:ve|s)\s+to|must|needs?\s+to)\b", re.I)
_EXCLUSIVE = re.compile(r"\bexclusive\w*\b|\b(?:never|not)\s+both\b", re.I)
"""Words by which a question asks whether two things rule each other out."""

SUFFICES = re.compile(
    r"\b(?:guarantee\w*|ensur\w*|enough|suffic\w*|solv\w*|fix\w*|"
    r"rul\w* out|prevent\w*|make sure)\b",
    re.I,
)
"""Words by which a yes/no question about one thing asks whether it settles the matter
("does solving outer alignment *guarantee* an aligned system?")."""


def whether_enough(
    graph: KnowledgeGraph,
    x: Concept,
    notes: Footnotes,
    universal: frozenset[str] | None = None,
    settles: bool = True,
) -> tuple[list[str], Verdict]:
    """Does x settle the matter on its own? No, where the graph records what x, or the
    problem about x (outer alignment for the base objective), does not rule out; with
    ``universal`` ("does a system that does its job well have to be an optimizer?"), Not
    necessarily where a case is denied x (see :func:`_counterexample`); otherwise the
    graph does not say, and what it holds on x follows. Not asked whether x settles
    anything (``settles`` false: "is the base objective *always* written by the
    programmers?"), what x does not rule out is no answer."""
    told = Told()
    if universal is not None:
        lines, verdict = _counterexample(graph, x, universal, notes, told)
        if lines:
            return lines, verdict
    guards = _guards(graph, x.id) if settles else []  # a perfect base objective: outer ...
    limits = [r for g in guards for r in graph.relations_of(g) if r.source == g and limiting(r)]
    limits.sort(key=lambda r: (r.source != x.id, r.type != "insufficient_against", r.target))
    if limits:
        return _say(
            graph, notes, told, "no", limits[:MAX_REASONS], graph.concepts[limits[0].source]
        ), "no"
    return [
        verdict_line("unknown", f"What it holds on {noun(x)}:"),
        "",
        f"**{capitalize(x.label)}**: {defined(x, notes)}",
    ], "unknown"


def shown_in_training(
    graph: KnowledgeGraph, x: Concept, notes: Footnotes
) -> tuple[list[str], Verdict]:
    """Will x show itself while a model is being trained? What the graph says training
    cannot tell or rule out about x (the limits of what acts in training, not of a
    problem solved), what x waits for (a requirement of deployment: it holds back in
    training on purpose), and what brings it out. No where x waits for deployment,
    Not necessarily where training-side methods cannot tell it or only some bring it
    out; nothing (and "unknown") where the graph records none of these."""
    told = Told()
    into = [r for r in graph.relations_of(x.id) if r.target == x.id and not r.negated]
    hides = [
        r
        for r in into
        if r.type == "insufficient_against" and graph.concepts[r.source].kind != "problem"
    ]
    waits = [
        r
        for r in graph.relations_of(x.id)
        if r.source == x.id
        and r.type == "requires"
        and not r.negated
        and "deployment" in graph.concepts[r.target].label.lower()
    ]
    reveals = [r for r in into if r.type == "reveals"]
    if not (hides or waits or reveals):
        return [], "unknown"
    verdict: Verdict = "no" if waits else "not_necessarily"
    rels = [*hides, *waits, *reveals][:MAX_REASONS]
    return _say(graph, notes, told, verdict, rels, x), verdict


def whether(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    focus: list[str],
    notes: Footnotes,
    framing: str = "is",
    despite: Concept | None = None,
    within: Concept | None = None,
    universal: frozenset[str] | None = None,
) -> tuple[list[str], Verdict]:
    """A yes/no answer about ``x`` and ``y``: the verdict and its reason first, then what
    else the graph holds on the two. With ``despite`` ("can X end up Y even if the base
    objective is perfect?"), what does not rule y out although ``despite`` holds decides.
    With ``within`` ("does inner alignment require the mesa-objective to be identical to
    the base objective?"), what ``within``'s relations say of x and y together follows
    the verdict. With ``universal`` (the question's words, when it asks whether something
    is *necessarily* y), a case the graph says is not y and whose reason uses those words
    answers Not necessarily ("a bottle cap does its task well yet is no optimizer")."""
    told = Told()
    kind = asked_kind(focus, framing)
    if kind in ("identity", "other") and y.kind == "objective" and _HAVE.search(framing):
        # "does evolution *have* a base objective?": to have an objective is to pursue it
        kind = "objective"
    strong = bool(_STRONG.search(framing))
    deciders: dict[str, Decider] = {
        "remedy": partial(_remedy, strong=strong),
        "causal": partial(_causal, asked=focus),
        "objective": _objective,
        "requirement": partial(_requirement, needed=bool(_NEEDED.search(framing))),
        "same": partial(
            _same, needed=bool(_NEEDED.search(framing)), just=bool(_JUST.search(framing))
        ),
        "differ": _differ,
    }
    decide = deciders.get(kind, _identity)
    lines: list[str] = []
    verdict: Verdict = "unknown"
    if despite is not None:
        lines, verdict = _despite(graph, y, despite, notes, told)
    if not lines and universal is not None:
        lines, verdict = _counterexample(graph, y, universal, notes, told)
    if not lines and universal is not None and _kind_of(graph, y, x):
        lines, verdict = _one_kind(graph, x, y, notes, told), "not_necessarily"
    if not lines and _ONLY.search(framing):
        # "is distributional shift a problem *only* mesa-optimizers have?": what y only
        # makes worse exists without it
        lines, verdict = _not_only(graph, x, y, notes, told)
    if not lines and (judged := _JUDGED.search(framing)) is not None:
        # "is deceptive alignment *worse than* corrigible alignment?": a failure against
        # a way of turning out aligned
        lines, verdict = _worse_of(graph, x, y, notes, told, worse=judged.group("good") is None)
        if not lines:
            # asked which of two is safer, the graph's other links between them decide
            # nothing ("an optimizer pursues an objective function" is no "No"): what
            # it holds on the two, undecided
            lines, verdict = _undecided(graph, x, y, notes, told)
    being_without = _WITHOUT_BEING.search(framing) is not None
    if not lines and _WITHOUT.search(framing) and not being_without:
        # "can deceptive alignment happen *without* a mesa-optimizer?": not what needs it
        needs = _needs(graph, x, y)
        if needs:
            lines, verdict = _say(graph, notes, told, "no", needs[:1], x), "no"
        elif through := defined_of(graph, x, y):
            lines = _by_definition(graph, x, y, notes, "no", _relation_or_none(through))
            verdict = "no"
    if not lines and _SLIPS.search(framing) and kind in ("identity", "other", "remedy"):
        lines, verdict = _slips_through(graph, x, y, notes, told)
    if not lines and kind in ("identity", "other"):
        # "can they fail together?", "does X outperform Y?": the relation asked about decides
        lines, verdict = _asked_directly(
            graph,
            x,
            y,
            focus,
            notes,
            told,
            apart=bool(_APART.search(framing)),
            exclusive=bool(_EXCLUSIVE.search(framing)),
        )
    if not lines:
        lines, verdict = decide(graph, x, y, notes, told)
    if not lines and "produces" in focus:
        # "can evolution produce optimizers?": what it produces is one (humans)
        lines, verdict = _produces_one(graph, x, y, notes, told)
    if not lines and kind == "requirement" and (through := defined_of(graph, x, y)):
        # "does deceptive alignment require a mesa-optimizer?": what is defined as a case
        # of what a y does needs one
        lines = _by_definition(graph, x, y, notes, "yes", _relation_or_none(through))
        verdict = "yes"
    if not lines and kind not in ("identity", "other"):
        lines, verdict = _identity(graph, x, y, notes, told)
    if not lines and kind == "identity":
        lines, verdict = _in_a_part(graph, x, y, notes, told, framing)
    if (
        not lines
        and y.kind == "failure_mode"
        and (
            kind == "identity"
            or (
                kind in ("other", "requirement")
                and (_BE.search(framing) or _END_UP.search(framing))
            )
        )
    ):
        # "is a mesa-optimizer always misaligned?", "does it have to be misaligned?"
        lines, verdict = _turns_out_well(graph, x, y, notes)
    if not lines and kind in ("remedy", "causal"):
        # "can gradient descent tell a green-seeker from an exit-seeker?": what x does not
        # rule out, it cannot tell apart either
        lines, verdict = _limits_near(graph, x, y, notes, told, tells="reveals" in focus)
    modal = _MODAL.match(framing) is not None
    if not lines and (kind == "identity" or (modal and _BE.search(framing))):
        # "is a neural network an optimizer?", "can a neural network be an optimizer?"
        lines, verdict = _possible_kind(graph, x, y, notes, told, modal)
    if not lines:
        lines, verdict = _undecided(graph, x, y, notes, told)
    decided = [r for r in told.relations if {r.source, r.target} == {x.id, y.id}]
    if (
        verdict == "yes"
        and _NECESSARY.search(framing)
        and decided
        and all(r.modality in ("can", "may") for r in decided)
    ):
        # "does something *have to* model its environment to count as an optimizer?": what
        # it only can rely on, it does not need
        lines, verdict = _reverdict(lines, "yes", "not_necessarily")
    if being_without and verdict == "no":
        # "can a plant make decisions *without being* an optimizer?": what is not a y
        # does what it does without being one
        lines, verdict = _reverdict(lines, "no", "yes")
    if within is not None:
        lines += _speaking_of(graph, within, (x, y), notes, told)
    # a decided answer with reasons of its own ends with what else joins the two
    # directly; the paths through other concepts ("Other connections") only pad it (two
    # strict reviews read them so). An undecided one shows them, as all the graph holds
    # on the two, and so does one decided by a single paragraph, which may rest on a
    # label ("gradient descent is an example of a base optimizer, ... a kind of
    # optimizer") where a path holds the reason (hill climbing: a regrade read the
    # answer as worse without it)
    thin = sum(1 for line in lines if line) <= 1
    rest = _rest(graph, x, y, notes, told, paths=verdict == "unknown" or thin)
    return (lines + [""] + rest if rest else lines), verdict


def _reverdict(lines: list[str], was: Verdict, now: Verdict) -> tuple[list[str], Verdict]:
    """``lines`` with their first line's verdict ``was`` said as ``now`` instead, and
    ``now``; unchanged, with ``was``, when the first line does not open with it."""
    said = f"**{_SAY[was]}**"
    if not lines or not lines[0].startswith(said):
        return lines, was
    return [verdict_line(now, lines[0][len(said) :].strip()), *lines[1:]], now


_WITHOUT = re.compile(r"\bwithout\b", re.I)
"""How a question asks whether one thing can be had without another."""
_WITHOUT_BEING = re.compile(
    r"\b(?:without|while\s+not|whilst\s+not)\s+(?:\S+\s+)?(?:being|becoming)\b", re.I
)
"""How a question asks whether x can do something while not being y ("can a plant make
decisions *without being* an optimizer?")."""

_ONLY = re.compile(r"\bonly\b|\bunique\s+to\b|\bexclusively\b|\bspecific\s+to\b", re.I)
"""Words by which a question asks whether something belongs to one thing alone."""


def _needs(graph: KnowledgeGraph, x: Concept, y: Concept) -> list[Relation]:
    """What says x requires y (not denied)."""
    return [
        r
        for r in graph.relations_between(x.id, y.id)
        if r.type == "requires" and r.source == x.id and not r.negated
    ]


_OF_A_CASE = re.compile(r"\b(?:in\s+which|where|when|that|whose)\b", re.I)
"""Words by which a definition tells a case of something ("the case *in which* a
mesa-optimizer ...") rather than what the thing is."""


def defined_of(graph: KnowledgeGraph, x: Concept, y: Concept) -> Relation | bool:
    """Whether x is not had without y by definition: x's definition is of something y (or
    a kind of y) is or does, the first concept it names being y ("deceptive alignment: the
    case in which *a mesa-optimizer* understands the base objective but ..."): True; or x
    is a failure of something so defined ("inner misalignment" fails inner alignment, the
    problem of ensuring that *a mesa-optimizer* ...): the relation that says so. False
    when neither."""

    def of_y(c: Concept) -> bool:
        named = annotate(graph, c.definition)
        return (
            bool(named)
            # "the case *in which* a mesa-optimizer ...", "the problem of ensuring *that*
            # a mesa-optimizer ...", not what x is ("natural selection viewed as an
            # optimizer")
            and _OF_A_CASE.search(c.definition[: named[0].start]) is not None
            and (named[0].id == y.id or is_kind_of(graph, named[0].id, y.id))
        )

    if of_y(x):
        return True
    for r in graph.relations_of(x.id):
        if r.type == "failure_of" and r.source == x.id and not r.negated:
            if r.target != y.id and of_y(graph.concepts[r.target]):
                return r
    return False


def _relation_or_none(found: Relation | bool) -> Relation | None:
    """The relation :func:`defined_of` went through, if any."""
    return found if isinstance(found, Relation) else None


def _by_definition(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    notes: Footnotes,
    verdict: Verdict,
    through: Relation | None = None,
) -> list[str]:
    """The verdict that x is not had without y, since its definition is of a y, or
    (``through``, from :func:`defined_of`) it is a failure of what is defined so."""
    if through is None:
        definition = defined(x, notes)
        reason = (
            f"By the sources' definition, {noun(x)} happens in {noun(y, 'indefinite')}:"
            f" {lowered(definition)}"
        )
    else:
        failed = graph.concepts[through.target]
        definition = defined(failed, notes)
        reason = (
            f"As the sources define it, {noun(x)} is a failure of {noun(failed, 'bare')}"
            f"{notes.mark(through.citations)}, and {noun(failed)} is"
            f" {lowered(definition)}"
        )
    return [verdict_line(verdict, reason)]


_JUDGING_CORE = (
    r"(?:(?P<good>better|best|safer|safest|preferable|right|correct|"
    r"less\s+(?:dangerous|risky|worrying|"
    r"concerning|harmful|bad))|worse|worst|riskier|riskiest|scarier|scariest|"
    r"(?:more|most)\s+(?:dangerous|risky|worrying|concerning|harmful|problematic)"
    r"|more\s+of\s+a\s+(?:problem|worry|concern|danger))"
)
_JUDGED = re.compile(rf"\b{_JUDGING_CORE}\s+(?:\w+\s+)?than\b", re.I)
"""How a yes/no question asks which of two is the worse ("is x *worse than* y?", "*more
dangerous than*") or the better ("*safer than*", "*better than*"; the group ``good``)."""
JUDGING = re.compile(rf"\b{_JUDGING_CORE}\b", re.I)
"""The same words in a which-question ("which is *more dangerous*, x or y?")."""


def _failing(graph: KnowledgeGraph, cid: str) -> list[Relation]:
    """The chain by which ``cid`` is a failure: its own ``failure_of`` relation, or the
    kinds it is (definite ``is_a`` steps) up to one that is a failure of something
    ("deceptive alignment is a kind of pseudo-alignment, a failure of inner alignment");
    empty when it is none, the shortest chain first."""
    kinds = {cid: [], **_climb(graph, cid, frozenset({"is_a"}))}
    for above, chain in sorted(kinds.items(), key=lambda kv: (len(kv[1]), kv[0])):
        for r in graph.relations_of(above):
            if r.type == "failure_of" and r.source == above and not r.negated:
                return [*chain, r]
    return []


def _judged_pair(
    graph: KnowledgeGraph, x: Concept, y: Concept
) -> tuple[Concept, Concept, list[Relation]] | None:
    """Of x and y, the failure and the sound one, with the chain that makes the first a
    failure (:func:`_failing`): where one is a failure and the other a way of turning out
    aligned that is none (an alignment mode with no failure in its kinds); else None."""
    chains = {c.id: _failing(graph, c.id) for c in (x, y)}
    for bad, good in ((x, y), (y, x)):
        if chains[bad.id] and good.kind == "alignment_mode" and not chains[good.id]:
            return bad, good, chains[bad.id]
    return None


def _judged_lines(
    graph: KnowledgeGraph,
    notes: Footnotes,
    told: Told,
    good: Concept,
    chain: list[Relation],
    good_first: bool,
) -> list[str]:
    """Why the failure is the worse (its chain) and what the sound one is, in two
    paragraphs, the sound one's first with ``good_first``."""
    sound = f"is a way for the model to turn out aligned: {lowered(defined(good, notes))}"
    if good_first:
        return [
            f"{capitalize(good.label)} {sound}",
            "",
            _chain_text(graph, notes, chain, told, lead="By contrast, "),
        ]
    return [
        _chain_text(graph, notes, chain, told),
        "",
        f"{capitalize(good.label)}, by contrast, {sound}",
    ]


def _worse_of(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told, worse: bool
) -> tuple[list[str], Verdict]:
    """Is x worse (or, not ``worse``, better) than y? The failure of the two is the worse
    (:func:`_judged_pair`), and the answer tells of x first; nothing where the graph does
    not set them apart so."""
    pair = _judged_pair(graph, x, y)
    if pair is None:
        return [], "unknown"
    bad, good, chain = pair
    verdict: Verdict = "yes" if (bad is x) == worse else "no"
    first, *rest = _judged_lines(graph, notes, told, good, chain, good_first=good is x)
    return [verdict_line(verdict, first), *rest], verdict


def which_judged(
    graph: KnowledgeGraph, x: Concept, y: Concept, worse: bool, notes: Footnotes, told: Told
) -> list[str]:
    """ "Which is more dangerous, x or y?" (``worse``), "which is safer?" (not): the
    option chosen, in bold, with why the failure is the worse and what the sound one is,
    the chosen one's first; nothing where the graph does not set them apart
    (:func:`_judged_pair`)."""
    pair = _judged_pair(graph, x, y)
    if pair is None:
        return []
    bad, good, chain = pair
    first, *rest = _judged_lines(graph, notes, told, good, chain, good_first=not worse)
    return [f"{choice_head((bad if worse else good).label)} {first}", *rest]


def _not_only(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Is x found only with y? Yes, where x requires y, or where x's definition is of a
    y (:func:`defined_of`); no, where the graph says one only makes the other worse or
    likelier: what is made worse was there before ("distributional shift is an old
    problem, but a learned optimizer makes it much worse")."""
    between = graph.relations_between(x.id, y.id)
    needs = _needs(graph, x, y)
    if needs:
        # what needs y is not found without it
        return _say(graph, notes, told, "yes", needs[:1], x), "yes"
    worse = [r for r in between if r.type in ("exacerbates", "makes_likely") and not r.negated]
    if worse and not any(r.type == "requires" and not r.negated for r in between):
        return _say(graph, notes, told, "no", worse[:1], x), "no"
    through = defined_of(graph, x, y)
    if through:
        # "does deceptive alignment only happen with mesa-optimizers?": it is defined as
        # a case of what a mesa-optimizer does
        return _by_definition(graph, x, y, notes, "yes", _relation_or_none(through)), "yes"
    return [], "unknown"


def _counterexample(
    graph: KnowledgeGraph, y: Concept, asked: frozenset[str], notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Is whatever the question describes necessarily y? Not necessarily, where the graph
    denies y of a case whose reason shares the most of the question's words."""
    denials = [
        r for r in graph.relations_of(y.id) if r.target == y.id and r.negated and _overlap(r, asked)
    ]
    if not denials:
        return [], "unknown"
    best = max(denials, key=lambda r: _overlap(r, asked))
    return _say(
        graph, notes, told, "not_necessarily", [best], graph.concepts[best.source]
    ), "not_necessarily"


def _one_kind(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> list[str]:
    """ "Is every x a y?" where y is one kind of x: Not necessarily, with the other kinds."""
    chain = _kind_of(graph, y, x)
    lines = [verdict_line("not_necessarily", _chain_text(graph, notes, chain, told))]
    others = [
        r
        for r in graph.relations_of(x.id)
        if r.target == x.id and r.source != y.id and r.type in UPWARD and r.modality is None
    ]
    if others:
        lines += ["", f"Other kinds or examples of {noun(x)}:", ""]
        lines += [f"- {explained(graph, notes, r, True, told)}" for r in others[:MAX_REASONS]]
    return lines


def _kind_of(graph: KnowledgeGraph, y: Concept, x: Concept) -> list[Relation]:
    """How ``y`` is a kind or an example of ``x``: the chain up from y to x, or the
    relation that says y can be one ("one example of a mesa-optimizer can be the neural
    network"); [] if neither."""
    chain = _climb(graph, y.id).get(x.id)
    if chain:
        return chain
    return [
        r
        for r in graph.relations_between(y.id, x.id)
        if r.source == y.id and r.type in UPWARD and not r.negated
    ][:1]


def _speaking_of(
    graph: KnowledgeGraph, c: Concept, named: tuple[Concept, ...], notes: Footnotes, told: Told
) -> list[str]:
    """The one of ``c``'s relations whose note speaks of every concept in ``named`` (a
    contrast last), as a paragraph; none if no note does."""
    speaking = [
        rel
        for rel in graph.relations_of(c.id)
        if rel.source == c.id
        and rel not in told.relations
        and rel.note
        and all(n.label.lower() in rel.note.lower() for n in named)
    ]
    speaking.sort(key=lambda rel: rel.type == "contrasts_with")
    return ["", explained(graph, notes, speaking[0], True, told)] if speaking else []


def _limits_near(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told, tells: bool
) -> tuple[list[str], Verdict]:
    """Will x bring about (or fix) something about y, where no relation says so directly,
    but x is known not to rule out a failure next to y ("will adversarial training make a
    model adopt the base objective?": it does not rule out inner misalignment)? Then the
    honest verdict is Not necessarily, with the limits; asked whether x can tell or catch
    it (``tells``), No."""
    near, _ = graph.neighbors(y.id, depth=2)
    limits = [
        r for r in graph.relations_of(x.id) if r.source == x.id and limiting(r) and r.target in near
    ]
    if not limits:
        return [], "unknown"
    limits.sort(key=lambda r: (near[r.target], r.target))
    verdict: Verdict = "no" if tells else "not_necessarily"
    return _say(graph, notes, told, verdict, limits[:2], x), verdict


def _asked_directly(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    focus: list[str],
    notes: Footnotes,
    told: Told,
    apart: bool = False,
    exclusive: bool = False,
) -> tuple[list[str], Verdict]:
    """A direct relation of a type the question's words ask about ("can they fail
    together?", "does it outperform?") decides by its modality; between x and y, or
    between what they are failures of ("inner and outer alignment failures" fail
    together as inner and outer alignment do). Asked whether the two can be told apart,
    failing together answers Not necessarily; asked whether they exclude each other, No."""
    asked = [
        r
        for a in and_what_it_fails(graph, x)
        for b in and_what_it_fails(graph, y)
        for r in graph.relations_between(a, b)
        if r.type in focus
    ]
    if not asked:
        return [], "unknown"
    verdict = "no" if limiting(asked[0]) else _MODAL_VERDICT[asked[0].modality]
    if asked[0].type == "fails_together" and apart:
        verdict = "not_necessarily"
    elif asked[0].type == "fails_together" and exclusive and not limiting(asked[0]):
        verdict = "no"
    return _say(graph, notes, told, verdict, asked, x), verdict


def and_what_it_fails(graph: KnowledgeGraph, c: Concept) -> list[str]:
    """``c`` and what it is a failure of."""
    return [
        c.id,
        *(
            r.target
            for r in graph.relations_of(c.id)
            if r.type == "failure_of" and r.source == c.id and not r.negated
        ),
    ]


def _say(
    graph: KnowledgeGraph,
    notes: Footnotes,
    told: Told,
    verdict: Verdict,
    rels: list[Relation],
    x: Concept,
    within: Concept | None = None,
) -> list[str]:
    """The verdict, then each deciding relation with its note (read from x). With
    ``within``, a relation on something that falls under it is followed by how it does
    ("deceptive alignment is a kind of pseudo-alignment"), so the verdict reads as an
    answer about ``within``."""
    first, *others = rels
    lines = [verdict_line(verdict, _bridged(graph, notes, told, first, x, within))]
    for rel in others:
        lines += ["", explained(graph, notes, rel, rel.source == x.id, told)]
    return lines


def _bridged(
    graph: KnowledgeGraph,
    notes: Footnotes,
    told: Told,
    rel: Relation,
    x: Concept,
    within: Concept | None,
) -> str:
    """``rel`` read from x with its note; with ``within``, followed by how the relation's
    target falls under it, when it is not ``within`` itself."""
    text = explained(graph, notes, rel, rel.source == x.id, told)
    if within is not None and rel.target != within.id:
        bridge = _under(graph, rel.target, within.id)
        if bridge:
            text += " " + _chain_text(graph, notes, bridge, told)
    return text


def _under(graph: KnowledgeGraph, narrow: str, broad: str) -> list[Relation]:
    """How ``narrow`` falls under ``broad`` (see :func:`_scope`): a chain up the hierarchy,
    or a failure of it (with the chain up to the failure); empty if it does not."""
    up = _climb(graph, narrow)
    if broad in up:
        return up[broad]
    for rel in graph.relations_of(broad):
        if rel.type == "failure_of" and rel.target == broad and not rel.negated:
            if rel.source == narrow:
                return [rel]
            if rel.source in up:
                return [*up[rel.source], rel]
    return []


_MODAL_VERDICT: dict[str | None, Verdict] = {
    None: "yes",
    "can": "yes",
    "may": "possibly",
    "does_not": "no",
}


def _guards(graph: KnowledgeGraph, cid: str) -> list[str]:
    """``cid`` and the problems about it (outer alignment is about the base objective):
    what, if settled, might be thought to rule a failure out."""
    return [
        cid,
        *sorted(
            {r.source for r in graph.relations_of(cid) if r.type == "concerns" and r.target == cid}
        ),
    ]


def _despite(
    graph: KnowledgeGraph, y: Concept, despite: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Can y happen even if ``despite`` holds? Yes, where the graph says that ``despite``,
    or a problem about it (outer alignment is about the base objective), does not rule out
    y or what falls under it."""
    scope = _scope(graph, y.id)
    limits = [
        r
        for g in _guards(graph, despite.id)
        for r in graph.relations_of(g)
        if r.source == g and r.type == "insufficient_against" and r.target in scope
    ]
    if not limits:
        return [], "unknown"
    limits.sort(key=lambda r: (r.target != y.id, r.source != despite.id))
    first = limits[0]
    return _say(graph, notes, told, "yes", limits, graph.concepts[first.source], within=y), "yes"


def _remedy(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    notes: Footnotes,
    told: Told,
    strong: bool = False,
) -> tuple[list[str], Verdict]:
    """Does x fix, catch or rule out y? A limit on y or on what falls under it answers No
    when the question asks whether x settles y ("solve", "fix", "catch") or when nothing
    helps, else Not necessarily; help alone answers Yes, or Partly where it covers only
    part of y."""
    scope = _scope(graph, y.id)
    found = _from(graph, x.id, scope, REMEDY)
    limits = [r for r in found if limiting(r)]
    helps = [r for r in found if not limiting(r)]
    if not found:
        return [], "unknown"
    # the relation on y itself first, then on what falls under it
    limits.sort(key=lambda r: r.target != y.id)
    helps.sort(key=lambda r: (r.target != y.id, r.modality is not None))
    if limits:
        verdict: Verdict = "not_necessarily" if helps and not strong else "no"
        lines = _say(graph, notes, told, verdict, limits, x, within=y)
        if helps:
            lines += ["", "What it can do:", ""]
            lines += [f"- {explained(graph, notes, r, True, told)}" for r in helps]
        return lines, verdict
    on_y = [r for r in helps if r.target == y.id]
    verdict = _MODAL_VERDICT[on_y[0].modality] if on_y else "partly"
    return _say(graph, notes, told, verdict, helps, x), verdict


def _direct_or_chain(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    types: frozenset[str],
    notes: Footnotes,
    told: Told,
    asked: Collection[str] = (),
) -> tuple[list[str], Verdict]:
    """Relations of ``types`` from x to y decide by their modality, those of the types
    ``asked`` first; else a chain of them from x to y answers "Yes, indirectly"; the same
    the other way round answers No."""
    direct = _from(graph, x.id, {y.id}, types)
    if direct:
        direct.sort(
            key=lambda r: (r.type not in asked, r.modality is not None, r.modality == "does_not")
        )
        return _say(
            graph, notes, told, _MODAL_VERDICT[direct[0].modality], direct, x
        ), _MODAL_VERDICT[direct[0].modality]
    chain = _forward_chain(graph, x.id, y.id, types)
    if chain is not None:
        modal = any(r.modality == "may" for r in chain)
        verdict: Verdict = "possibly" if modal else "yes"
        text = _chain_text(graph, notes, chain, told)
        return [f"**{'Possibly' if modal else 'Yes'}, indirectly.** {text}"], verdict
    back = _from(graph, y.id, {x.id}, types)
    if back:
        reason = explained(graph, notes, back[0], True, told, lead="It is the other way round: ")
        return [verdict_line("no", reason)], "no"
    return [], "unknown"


def _forward_chain(
    graph: KnowledgeGraph, x: str, y: str, types: frozenset[str], max_steps: int = 3
) -> list[Relation] | None:
    """A shortest chain x -> ... -> y over positive relations of ``types`` read forward."""
    return _chains(graph, x, types, max_steps, lambda rel: not rel.negated, goal=y).get(y)


def _causal(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    notes: Footnotes,
    told: Told,
    asked: Collection[str] = (),
) -> tuple[list[str], Verdict]:
    """Does x bring about (or favour, or worsen) y? The relations of the types the
    question asks about (``asked``) decide first. Asked whether x *causes* y, no more, x
    that only makes y worse answers No: "is
    distributional shift a new problem caused by mesa-optimizers?" is answered by "mesa
    optimizers make this problem much, much worse", an old problem made worse."""
    direct = [r for r in _from(graph, x.id, {y.id}, CAUSAL) if r.modality != "does_not"]
    if list(asked) == ["causes"] and direct and all(r.type == "exacerbates" for r in direct):
        reason = explained(graph, notes, direct[0], True, told, lead="Not as its cause: ")
        return [verdict_line("no", reason)], "no"
    return _direct_or_chain(graph, x, y, CAUSAL, notes, told, asked)


def _objective(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Does x have (an objective) y? A has-objective relation or chain decides; else
    the objective the graph gives x (or what x is a kind of) does: Yes when it is a y
    ("evolution's objective, genetic fitness, is an example of a base objective"), No
    when it, or what it is, is set against y ("a mesa-optimizer pursues the
    mesa-objective, which is contrasted with the base objective": a different role,
    whatever their content)."""
    lines, verdict = _direct_or_chain(graph, x, y, frozenset({"has_objective"}), notes, told)
    if lines:
        return lines, verdict
    holders: dict[str, list[Relation]] = {x.id: [], **_climb(graph, x.id)}
    own = [
        (chain, rel)
        for holder, chain in sorted(holders.items(), key=lambda kv: len(kv[1]))
        for rel in graph.relations_of(holder)
        if rel.source == holder and rel.type == "has_objective" and not rel.negated
        if rel.modality is None
    ]
    for chain, rel in own:
        to_y = _climb(graph, rel.target).get(y.id)
        if to_y:
            text = _chain_text(graph, notes, [*chain, rel, *to_y], told)
            return [verdict_line("yes", text)], "yes"
    for chain, rel in own:
        # its objective, or what that is, set against y: a different role ("the base
        # objective is contrasted with the mesa-objective"), whatever their content
        ups: list[tuple[list[Relation], str]] = [
            ([], rel.target),
            *((up, b) for b, up in _climb(graph, rel.target).items()),
        ]
        for up, b in sorted(ups, key=lambda pair: len(pair[0])):
            against = [
                r
                for r in graph.relations_between(b, y.id)
                if r.type == "contrasts_with" or (r.negated and r.type in UPWARD)
            ]
            if not against:
                continue
            text = _chain_text(graph, notes, [*chain, rel, *up], told)
            text += " " + explained(graph, notes, against[0], against[0].source == b, told)
            return [verdict_line("no", text)], "no"
    if not own:
        # "do plants have goals of their own?": x is denied to be what has such an
        # objective (plants are no optimizers, and an optimizer is what pursues one)
        for denial in graph.relations_of(x.id):
            if denial.source != x.id or not denial.negated or denial.type not in UPWARD:
                continue
            holder = [
                r
                for r in graph.relations_of(denial.target)
                if r.source == denial.target
                and r.type == "has_objective"
                and not r.negated
                and r.modality is None
                and (r.target == y.id or y.id in _climb(graph, r.target))
            ]
            if holder:
                text = explained(graph, notes, denial, True, told)
                text += " " + explained(graph, notes, holder[0], True, told)
                return [verdict_line("no", text)], "no"
    return [], "unknown"


def _requirement(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    notes: Footnotes,
    told: Told,
    needed: bool = False,
) -> tuple[list[str], Verdict]:
    """Does x rely on y? As the relations from x to y say; but asked whether x *needs* y
    (``needed``), where they only say x can (or may) rely on it, Not necessarily ("does an
    optimizer always need a world model?": many rely on one, simpler ones do not)."""
    types = frozenset({"requires", "relies_on"})
    direct = _from(graph, x.id, {y.id}, types)
    if needed and direct and all(r.modality in ("can", "may") for r in direct):
        return _say(graph, notes, told, "not_necessarily", direct, x), "not_necessarily"
    return _direct_or_chain(graph, x, y, types, notes, told)


_NEEDED = re.compile(r"\b(?:(?:have|has|had)\s+to|must|need\w*|requir\w*)\b", re.I)
"""Words by which a question asks whether something is required, not whether it holds."""


def _differ(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Can x differ from y? Yes where they are not the same, or not necessarily the same
    (:func:`_same`, else :func:`_identity`: a contrast says they differ); otherwise
    undecided here, since being one a kind of the other does not say they cannot differ."""
    lines, verdict = _same(graph, x, y, notes, told)
    if not lines:
        lines, verdict = _identity(graph, x, y, notes, told)
    if verdict not in ("no", "not_necessarily"):
        return [], "unknown"
    said = f"**{_SAY[verdict]}**"
    return [verdict_line("yes", lines[0][len(said) :].strip()), *lines[1:]], "yes"


def _same(
    graph: KnowledgeGraph,
    x: Concept,
    y: Concept,
    notes: Footnotes,
    told: Told,
    needed: bool = False,
    just: bool = False,
) -> tuple[list[str], Verdict]:
    """Is x the same as y (or, with ``just``, is x *just* y)? Asked whether x is just y where
    one is a part of the other, Partly. A contrast says they differ: No, or Not
    necessarily where a problem of the graph is about both, as closing the gap between
    them (the mesa- and the base objective can coincide; deceptive and corrigible
    alignment cannot); asked whether they must be the same (``needed``), what that
    problem aims at instead leads when a passage of it says so; a chain up says one is a
    kind of the other, not the same."""
    contrast = _between(graph, x.id, y.id, ("contrasts_with",))
    failed = [
        r
        for r in graph.relations_of(x.id)
        if r.type == "failure_of" and r.source == x.id and not r.negated and r.target != y.id
    ]
    if not contrast and failed and not graph.relations_between(x.id, y.id):
        # "is inner misalignment just the old distributional shift problem?": what a
        # failure is a failure of says (inner alignment includes distributional shift)
        said, of_what = _same(graph, graph.concepts[failed[0].target], y, notes, told, needed, just)
        if said:
            return [*said, "", explained(graph, notes, failed[0], True, told)], of_what
    if contrast:
        verdict: Verdict = "not_necessarily" if _gap_of_a_problem(graph, x, y) else "no"
        if verdict == "not_necessarily" and needed:
            # must they be the same? What the problem about both aims at instead, in the
            # sources' words ("The goal is not to have exactly the same mesa objectives
            # ... but they should be robustly aligned"), is why not: it leads
            aims = [
                r
                for p in sorted(problems_about(graph, x.id) & problems_about(graph, y.id))
                for r in graph.relations_of(p)
                if r.source == p
                and r.target not in (x.id, y.id)
                and not r.negated
                and any(SAME_WORD.search(c.quote) for c in r.citations)
            ]
            if aims:
                lines = _say(graph, notes, told, verdict, [aims[0], *contrast], x)
                return lines, verdict
        return _say(graph, notes, told, verdict, contrast, x), verdict
    up = _climb(graph, x.id).get(y.id) or _climb(graph, y.id).get(x.id)
    if up:
        # a part is not a kind: "distributional shift is part of inner alignment"
        which = "part" if all(r.type == "part_of" for r in up) else "kind"
        which = which if all(r.type == up[0].type for r in up) else "kind or part"
        if just and which == "part":
            # "is inner alignment basically just distributional shift?": one part of it
            return [verdict_line("partly", _chain_text(graph, notes, up, told))], "partly"
        return [
            verdict_line(
                "no", f"One is a {which} of the other: " + _chain_text(graph, notes, up, told)
            )
        ], "no"
    return [], "unknown"


def _gap_of_a_problem(graph: KnowledgeGraph, x: Concept, y: Concept) -> bool:
    """Whether a problem concerns both ``x`` and ``y`` (outer alignment the base objective
    and the intended goal): the two are what it tries to bring together."""
    return bool(problems_about(graph, x.id) & problems_about(graph, y.id))


def problems_about(graph: KnowledgeGraph, cid: str) -> set[str]:
    """The problems the graph says concern ``cid`` (inner alignment the mesa-objective)."""
    return {
        r.source
        for r in graph.relations_of(cid)
        if r.type == "concerns" and r.target == cid and not r.negated
        if graph.concepts[r.source].kind == "problem"
    }


def _identity(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Is x a y? Yes along a chain up; No where x (or what it is) is denied to be y (or
    what y is), where the two are contrasted, or where they play different parts."""
    up_x = _climb(graph, x.id)
    if y.id in up_x and up_x[y.id]:
        return [verdict_line("yes", _chain_text(graph, notes, up_x[y.id], told))], "yes"
    up_y = _climb(graph, y.id)
    for a, chain_a in up_x.items():
        for rel in graph.relations_of(a):
            if rel.source == a and rel.negated and rel.type in UPWARD and rel.target in up_y:
                text = _chain_text(graph, notes, [*chain_a, rel], told)
                tail = up_y[rel.target]
                if tail:
                    text += " " + _while(graph, notes, tail, told)
                return [verdict_line("no", text)], "no"
    # what x *is* explains a No best ("evolution is an example of a base optimizer"), so
    # pairs reached by climbing from x come before x itself; a failure climbs to what it
    # fails ("birth control is an example of inner misalignment, a failure of inner
    # alignment", which is contrasted with outer alignment)
    up_x = _climb(graph, x.id, UPWARD | {"failure_of"})
    for a, chain_a in sorted(up_x.items(), key=lambda kv: (not kv[1], len(kv[1]))):
        for b, chain_b in sorted(up_y.items(), key=lambda kv: len(kv[1])):
            links = [
                r
                for r in graph.relations_between(a, b)
                if r.type == "contrasts_with" or (r.type in ROLES and not r.negated)
            ]
            if not links:
                continue
            rel = links[0]
            lines = [
                verdict_line(
                    "no",
                    _chain_text(graph, notes, [*chain_a, rel], told)
                    if chain_a
                    else explained(graph, notes, rel, rel.source == a, told),
                )
            ]
            if chain_b:
                lines[0] += " " + _while(graph, notes, chain_b, told)
            player = _who_plays(graph, x, y, notes, told) if rel.type in ROLES else []
            return lines + player, "no"
    return [], "unknown"


def _produces_one(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """Does x produce a y? Yes, where something x produces is a y by a chain up
    ("evolution produces humans, and humans are an example of an optimizer")."""
    for rel in graph.relations_of(x.id):
        if rel.source != x.id or rel.type != "produces" or rel.negated:
            continue
        chain = _climb(graph, rel.target).get(y.id)
        if chain:
            verdict: Verdict = "possibly" if rel.modality == "may" else "yes"
            return [verdict_line(verdict, _chain_text(graph, notes, [rel, *chain], told))], verdict
    return [], "unknown"


def _in_a_part(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told, framing: str
) -> tuple[list[str], Verdict]:
    """Is x a y, where not x but a part of it is ("was the strategy-game assistant
    pseudo-aligned?": its Aurora episode is an example of pseudo-alignment): Yes when
    the question's own words name that part ("... the assistant that only destroyed
    *Aurora*'s villages"), Partly when they do not, since the other parts may not be."""
    asked = content_stems(framing)
    for rel in graph.relations_of(x.id):
        if rel.type != "part_of" or rel.target != x.id or rel.negated or rel.modality:
            continue
        part = graph.concepts[rel.source]
        chain = _climb(graph, part.id).get(y.id)
        if not chain:
            continue
        own = content_stems(part.label) - content_stems(x.label) - content_stems(y.label)
        verdict: Verdict = "yes" if own & asked else "partly"
        return [verdict_line(verdict, _chain_text(graph, notes, [rel, *chain], told))], verdict
    return [], "unknown"


def _turns_out_well(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes
) -> tuple[list[str], Verdict]:
    """Is x (a mesa-optimizer) bound to be y (misaligned)? Not necessarily, where the
    sources define a way x can turn out that is no failure: the alignment modes defined
    of x (:func:`defined_of`) that are no failure of anything and do not lead up to
    y, the broadest first (robust alignment before internal alignment, a kind of it)."""
    ways = [
        c
        for c in graph.concepts.values()
        if c.kind == "alignment_mode"
        and c.id != x.id
        and defined_of(graph, c, x) is True
        and not any(
            r.type == "failure_of" and r.source == c.id and not r.negated
            for r in graph.relations_of(c.id)
        )
    ]
    ups = {c.id: _climb(graph, c.id) for c in ways}  # each way's climb, worked out once
    ways = [c for c in ways if y.id not in ups[c.id]]
    broadest = [c for c in ways if not any(w is not c and w.id in ups[c.id] for w in ways)]
    if not broadest:
        return [], "unknown"
    # the one with kinds of its own first (robust alignment, of which internal alignment
    # is one), then by how much the graph says of it
    first, *others = sorted(
        broadest,
        key=lambda c: (
            -sum(1 for w in ways if w is not c and c.id in ups[w.id]),
            -len(graph.relations_of(c.id)),
            c.id,
        ),
    )
    lines = [
        verdict_line(
            "not_necessarily",
            f"The sources also describe how {noun(x, 'indefinite')} can turn out aligned:"
            f" {noun(first, 'bare')}, {lowered(defined(first, notes))}",
        )
    ]
    for other in others:
        lines += ["", f"- **{capitalize(other.label)}**: {defined(other, notes)}"]
    return lines, "not_necessarily"


_MODAL = re.compile(r"\s*(?:can|could|might|may)\b", re.I)
"""How a question asks whether something is possible rather than whether it holds."""
_BE = re.compile(r"\b(?:be|become)\b", re.I)
_END_UP = re.compile(r"\b(?:end\w*\s+up|turn\w*\s+out|becomes?)\b", re.I)
"""How a question asks what something comes to be ("does every mesa-optimizer *end up*
misaligned?")."""


def _possible_kind(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told, modal: bool
) -> tuple[list[str], Verdict]:
    """Is x a y, where only a chain up that allows it ("a neural network *can be* an
    example of a mesa-optimizer", a kind of optimizer) reaches y: asked whether x *can*
    be a y (``modal``), Yes (Possibly where the chain says only *may*); asked whether it
    is one, Not necessarily."""
    chain = _chains(
        graph, x.id, UPWARD, MAX_CLIMB, lambda rel: not rel.negated and rel.modality != "does_not"
    ).get(y.id)
    if not chain:
        return [], "unknown"
    may = any(r.modality == "may" for r in chain)
    verdict: Verdict = ("possibly" if may else "yes") if modal else "not_necessarily"
    return [verdict_line(verdict, _chain_text(graph, notes, chain, told))], verdict


def _while(graph: KnowledgeGraph, notes: Footnotes, chain: list[Relation], told: Told) -> str:
    """What the other concept is, after a denial or a difference of roles: "By contrast,
    the mesa-optimizer is a kind of optimizer.[^3]"."""
    told.relations.update(chain)
    parts = [clause(graph, r) + notes.mark(r.citations) for r in chain[:-1]]
    last = chain[-1]
    parts.append(clause(graph, last))
    return "By contrast, " + ", and ".join(parts) + "." + notes.mark(last.citations)


def _who_plays(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> list[str]:
    """Who is the y, where x produces it: "evolution produces humans, and humans are an
    example of a mesa-optimizer"."""
    for rel in graph.relations_of(x.id):
        if rel.source != x.id or rel.type not in ROLES or rel.negated:
            continue
        chain = _climb(graph, rel.target).get(y.id)
        if chain:
            verb = "produce" if rel.type == "produces" else "optimize"
            return [
                "",
                _chain_text(graph, notes, [rel, *chain], told, lead=f"What it does {verb}: "),
            ]
    return []


def _undecided(
    graph: KnowledgeGraph, x: Concept, y: Concept, notes: Footnotes, told: Told
) -> tuple[list[str], Verdict]:
    """No relation decides: say what the graph holds instead, and that it does not say."""
    r = relate(graph, x.id, y.id)
    lines = [f"**{_SAY['unknown']}** What it holds on {noun(x)} and {noun(y)}:", ""]
    lines += relate_lines(graph, r, notes, told=told)
    return lines, "unknown"


# -- which of two


@dataclass(frozen=True)
class Choice:
    """The option a which-question's answer names, and the relations that decide it."""

    chosen: Concept
    other: Concept
    relations: list[Relation]


def which(
    graph: KnowledgeGraph,
    subject: Concept,
    options: list[Concept],
    notes: Footnotes,
    focus: list[str] | None = None,
    player: bool = True,
    second: bool = False,
    told: Told | None = None,
) -> tuple[list[str], Choice | None]:
    """Which of ``options`` the ``subject`` is (or has, or does): the option with a chain
    up from the subject (or from the option to the subject) wins, then one with a direct
    relation other than a contrast; the answer names it first, then who plays the other.
    With ``second`` the choice is told as the counterpart of another ("By contrast, ...");
    ``told``, what the answer has said (so that the caller can turn its lead round)."""
    told = told if told is not None else Told()
    ranked: list[tuple[int, int, Concept, list[Relation]]] = []
    for i, option in enumerate(options):
        found = sorted(_support(graph, subject, option, focus or []), key=lambda sr: sr[0])
        if found:
            ranked.append((found[0][0], i, option, found[0][1]))
    if not ranked:
        return [], None
    ranked.sort(key=lambda e: (e[0], e[1]))
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        # both options are tied to the subject as closely: the graph does not choose, and
        # picking the first named would make the answer depend on the order of the words
        lines = [
            f"The glossary does not decide between {noun(ranked[0][2])} and "
            f"{noun(ranked[1][2])}; it relates {noun(subject)} to both:",
            "",
        ]
        lines += [f"- {_chain_text(graph, notes, rels, told)}" for _, _, _, rels in ranked]
        return lines, None
    _, _, chosen, rels = ranked[0]
    other = next(o for o in options if o.id != chosen.id)
    lines = [
        _chain_text(graph, notes, rels, told, lead="By contrast, ")
        if second
        else f"{choice_head(noun(chosen))} {_chain_text(graph, notes, rels, told)}"
    ]
    found_player = (
        _player(graph, subject, other, chosen) if player and rels[-1].type in UPWARD else None
    )
    if found_player is not None:
        _who, chain = found_player
        lines += ["", _chain_text(graph, notes, chain, told, lead="By contrast, ")]
    return lines, Choice(chosen, other, rels)


def _support(
    graph: KnowledgeGraph, s: Concept, o: Concept, focus: list[str]
) -> list[tuple[int, list[Relation]]]:
    """How closely option ``o`` is tied to subject ``s``, lower first: a relation of the
    kind the question asks about ("more likely" asks for makes_likely) first, then one to
    a kind of the option, then a chain up, then another direct relation."""
    found: list[tuple[int, list[Relation]]] = []
    up = _climb(graph, s.id).get(o.id)
    if up:
        found.append((len(up), up))
    down = _climb(graph, o.id).get(s.id)
    if down:
        found.append((len(down), down))
    for rel in graph.relations_between(s.id, o.id):
        if rel.type != "contrasts_with" and not limiting(rel):
            found.append((0 if rel.type in focus else 2, [rel]))
    for rel in graph.relations_of(s.id):
        # the relation asked about, to a kind of the option: "which would gradient descent
        # *prefer*, heuristics or an optimizer?" (it makes the mesa-optimizer, a kind of
        # optimizer, more likely)
        if rel.source == s.id and rel.type in focus and not rel.negated and not limiting(rel):
            kind_of = _climb(graph, rel.target).get(o.id)
            if kind_of:
                found.append((1, [rel, *kind_of]))
    return found


def _player(
    graph: KnowledgeGraph, subject: Concept, other: Concept, chosen: Concept
) -> tuple[Concept, list[Relation]] | None:
    """A concept next to the subject that is the other option ("evolution is the base
    optimizer"), with the chain up that says so."""
    near, _ = graph.neighbors(subject.id, depth=1)
    for cid in sorted(near, key=lambda c: (near[c], c)):
        if cid in (subject.id, other.id, chosen.id):
            continue
        chain = _climb(graph, cid).get(other.id)
        if chain and len(chain) == 1:  # plays the part itself, not through a story
            return graph.concepts[cid], chain
    return None


# -- why


def why(
    graph: KnowledgeGraph,
    concepts: list[Concept],
    notes: Footnotes,
    judging: bool = False,
    contrast: Concept | None = None,
    negative: bool = False,
    asked: frozenset[str] = frozenset(),
    told: Told | None = None,
    insufficient: bool = False,
    making: bool = False,
) -> list[str]:
    """The reasons for the last concept, as an argument: the chain of causes and
    incentives from the first concept (the subject) to it leads, as one sentence with the
    notes of its steps; then, premises first, what else it rests on (what it requires)
    and what else brings it about; then how it works and an example. When a relation
    between the two is itself what is asked ("why do optimizers outperform heuristics"),
    it leads with its note, and the connections that bear on it follow. With ``negative``
    ("why doesn't adversarial training solve inner alignment?"), what the subject does not
    rule out of the target leads (or, if nothing of the target, the subject's limits whose
    reasons use the question's words, ``asked``). With ``judging``
    ("why is X dangerous?") the answer is why the first concept matters: what it leads to
    and what does not rule it out. With ``contrast`` ("... instead of heuristics"), what
    sets the target (or what it is a kind of) against it follows. With ``making`` ("why
    would SGD make the model an optimizer?"), what the subject makes is asked about, not
    what it is (see :func:`_closest_target`)."""
    told = told if told is not None else Told()
    target = concepts[-1]
    subject = concepts[0] if len(concepts) > 1 else None
    lines: list[str] = []
    if judging and subject is None:
        lines += _judged(graph, target, notes, told, insufficient)
    if negative and subject is not None:
        scope = _scope(graph, target.id)
        own = [r for r in graph.relations_of(subject.id) if r.source == subject.id and limiting(r)]
        limits = [r for r in own if r.target in scope]
        limits.sort(key=lambda r: (r.target != target.id, r.target))
        if not limits:
            # "why can't gradient descent tell a green-seeker from an exit-seeker?"
            limits = sorted(
                (r for r in own if _overlap(r, asked)), key=lambda r: -_overlap(r, asked)
            )[:1]
        for rel in limits[:MAX_REASONS]:
            lines += [_bridged(graph, notes, told, rel, subject, target), ""]
    explains_relation = False
    classifying = False
    on_chain: set[str] = set()
    if subject is not None:
        target, r = _closest_target(graph, subject, target, making)
        # a contrast says least of why ("animals are contrasted with plants" before
        # "animals outperform plants", asked why animals beat plants): it comes last
        direct = sorted(
            r.direct,
            key=lambda d: (
                limiting(d),
                d.type not in CAUSAL,
                d.type == "contrasts_with",
                d.modality is not None,
            ),
        )
        explains_relation = any(
            d.type not in CAUSAL and d.type not in UPWARD and d.type != "contrasts_with"
            for d in direct
        )
        # "why do humans count as mesa-optimizers?": what makes the subject one is asked;
        # what brings the kind about in general (gradient descent) is not why it is one
        classifying = any(
            d.type in UPWARD and not d.negated and not limiting(d) for d in direct
        ) or any(
            # "why do mesa-optimizers make distributional shift worse?": the target is what
            # acts; what brings it about in general is not why it acts so
            d.type in CAUSAL and d.source == target.id and not d.negated
            for d in direct
        )
        for d in direct:
            if d in told.relations:
                continue  # led with already, as what the subject does not rule out
            lead = "But " if limiting(d) and lines else ""
            lines += [explained(graph, notes, d, d.source == subject.id, told, lead), ""]
        chain = None if explains_relation else _explaining_path(r.paths)
        if chain is not None:
            chain = _with_reasons(graph, chain)
            lines += [path_sentence(graph, notes, chain, told), ""]
            on_chain = {s.to_id for s in chain.steps} | {subject.id}
        else:
            on_chain = {subject.id}
        if explains_relation or (direct and chain is None):
            lines += relate_lines(graph, r, notes, others=2, main=False, told=told, common=False)
            lines.append("")
    premises = [] if classifying else _incoming(graph, target, ("requires",), told, outgoing=True)
    reasons = [] if explains_relation or classifying else _incoming(graph, target, REASONS, told)
    steps = [(p, True) for p in premises] + [(c, False) for c in reasons][:MAX_REASONS]
    if steps:
        heading = "What it rests on, premises first:" if premises else "What brings it about:"
        if not lines:
            heading = "The argument, premises first:" if premises else "The reasons:"
        lines += [heading, ""]
        lines += [
            f"{i}. {explained(graph, notes, rel, forward, told)}"
            for i, (rel, forward) in enumerate(steps, 1)
        ]
        lines.append("")
    if contrast is not None:
        against = list(
            dict.fromkeys(
                r
                for a in _climb(graph, target.id)
                for r in graph.relations_between(a, contrast.id)
                if r not in told.relations and not limiting(r)
            )
        )
        against.sort(key=lambda r: r.type == "contrasts_with")
        if against:
            lines += [f"Why not {noun(contrast)}:", ""]
            lines += [
                f"- {explained(graph, notes, r, r.target == contrast.id, told)}"
                for r in against[:MAX_REASONS]
            ]
            lines.append("")
    if subject is None and not judging:
        # what it is an instance of says why it arises too ("a convergent instrumental goal")
        kinds = [
            r
            for r in graph.relations_of(target.id)
            if r.source == target.id
            and r.type in ("is_a", "example_of")
            and r.modality is None
            and r not in told.relations
        ]
        if kinds:
            lines += ["What it is an instance of:", ""]
            lines += [f"- {explained(graph, notes, r, True, told)}" for r in kinds[:3]]
            lines.append("")
    # how the target works answers why it arises, not why something is not one
    works = (
        []
        if explains_relation or negative
        else _incoming(graph, target, ("relies_on",), told, outgoing=True)
    )
    if works:
        lines += [explained(graph, notes, r, True, told, lead="How it works: ") for r in works]
        lines.append("")
    example = None if explains_relation else an_example(graph, target, told)
    if (
        example is not None
        and subject is not None
        and not any(
            {r.source, r.target} & on_chain - {target.id}
            for r in graph.relations_of(example.source)
        )
    ):
        example = None  # an example of the target that shows nothing of the subject's part
    if example is not None:
        lines += [explained(graph, notes, example, True, told, lead="For example, "), ""]
    while lines and not lines[-1]:
        lines.pop()
    if not any(lines) and subject is not None and not negative:
        # nothing joins the two, but a relation of either gives a reason in the
        # question's own words ("why would gradient descent make a model's objective
        # *point at* its own *understanding* ... instead of correcting *mistake* after
        # mistake?": the note on why gradient descent favours the pointer)
        spoken = _spoken_of(graph, [subject, concepts[-1]], asked, told)
        if spoken is not None:
            return [explained(graph, notes, spoken, spoken.source == subject.id, told)]
    if not any(lines) and subject is not None and not negative:
        # nothing explains the subject's bearing on the target ("why would a deceptively
        # aligned model pursue the base objective in training?"): why the subject is as it
        # is explains it
        instead = why(graph, [subject], notes, asked=asked)
        if sum(1 for line in instead if line) > 1:
            return instead
    if sum(1 for line in lines if line) <= 1:
        # no reasons recorded: what the sources say of the target is the best explanation
        lines += [] if not lines else [""]
        lines += [f"**{capitalize(target.label)}**: {defined(target, notes)}"]
        shows = [
            r
            for r in graph.relations_of(target.id)
            if r.source == target.id
            and r.type in ("example_of", "concerns")
            and r.note
            and not r.negated
            and r not in told.relations
        ]
        shows = sorted(shows, key=lambda r: -_overlap(r, asked))[:3]
        if shows:
            lines += ["", *(f"- {explained(graph, notes, r, True, told)}" for r in shows)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


SPOKEN_WORDS = 4
"""Least number of a why-question's own words (stems) a relation's note must use to
give the reason when nothing in the graph joins what the question names."""


def _spoken_of(
    graph: KnowledgeGraph, concepts: list[Concept], asked: frozenset[str], told: Told
) -> Relation | None:
    """The relation of one of ``concepts`` whose note uses most of the question's own
    words (``asked``), at least :data:`SPOKEN_WORDS`, a causal one first among equals;
    None when none does, or two unlike relations do equally."""
    seen: set[Relation] = set()
    ranked: list[tuple[int, bool, Relation]] = []
    for c in concepts:
        for r in graph.relations_of(c.id):
            if r in seen or r.negated or r in told.relations:
                continue
            seen.add(r)
            ranked.append((_overlap(r, asked), r.type in CAUSAL, r))
    ranked.sort(key=lambda t: (-t[0], not t[1]))
    if not ranked or ranked[0][0] < SPOKEN_WORDS:
        return None
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None  # two reasons fit alike: neither is surely the one asked for
    return ranked[0][2]


def _closest_target(
    graph: KnowledgeGraph, subject: Concept, target: Concept, making: bool = False
) -> tuple[Concept, Relatedness]:
    """The target a why-question is about: the one named, unless only a narrower concept
    is directly related to the subject ("why would gradient descent produce optimizers":
    it produces mesa-optimizers). Asked why the subject makes one (``making``), the
    subject's kinds count as it ("why would SGD make the model an optimizer?": SGD is a
    kind of gradient descent, which makes mesa-optimizers likelier), and that the subject
    is itself a kind of the target is no answer."""
    r = relate(graph, subject.id, target.id, limit=10)
    if any(d.type not in UPWARD for d in r.direct):
        return target, r
    doers = {subject.id}
    if making and r.direct:
        doers |= set(_climb(graph, subject.id, frozenset({"is_a"})))
    for cid in sorted(graph.descendants(target.id), key=lambda c: graph.descendants(target.id)[c]):
        if cid in doers:
            continue
        if any(
            d.type not in UPWARD and not limiting(d)
            for doer in doers
            for d in graph.relations_between(doer, cid)
        ):
            narrower = graph.concepts[cid]
            return narrower, relate(graph, subject.id, cid, limit=10)
    return target, r


def _with_reasons(graph: KnowledgeGraph, path: RankedPath) -> RankedPath:
    """``path`` with each step that only says one thing produces the next told instead by
    a reason between the same two in the same direction, where the graph has one ("why
    would SGD make the model an optimizer?": gradient descent *makes mesa-optimizers
    likelier*, because they do better, not only "can produce" them)."""
    steps = []
    for step in path.steps:
        rel = step.relation
        if rel.type == "produces":
            rel = next(
                (
                    r
                    for r in graph.relations_between(rel.source, rel.target)
                    if r.source == rel.source and r.type in REASONS and not r.negated
                ),
                rel,
            )
        steps.append(replace(step, relation=rel))
    return replace(path, steps=tuple(steps))


def _explaining_path(paths: Iterable[RankedPath]) -> RankedPath | None:
    """The first path whose every step explains (a cause, an incentive, a requirement or
    what something is), read in the direction travelled, and at least one of them a cause
    or an incentive: a chain of "is a kind of" explains nothing."""
    explaining = (
        set(CAUSAL) | set(PREMISES) | {"has_objective", "outperforms", "failure_of"} | UPWARD
    )
    for path in paths:
        if all(
            s.forward and s.relation.type in explaining and not s.relation.negated
            for s in path.steps
        ) and any(s.relation.type not in UPWARD | {"failure_of"} for s in path.steps):
            return path
    return None


def _incoming(
    graph: KnowledgeGraph, target: Concept, types: Iterable[str], told: Told, outgoing: bool = False
) -> list[Relation]:
    """Relations of ``types`` into ``target`` (or, with ``outgoing``, out of it: what it
    requires), not told yet, in the order of ``types``."""
    order = list(types)
    found = [
        r
        for r in graph.relations_of(target.id)
        if r.type in order
        and r not in told.relations
        and not r.negated
        and (r.source == target.id if outgoing else r.target == target.id)
    ]
    return sorted(found, key=lambda r: (order.index(r.type), r.modality is not None))


def _judged(
    graph: KnowledgeGraph,
    target: Concept,
    notes: Footnotes,
    told: Told,
    insufficient: bool = False,
) -> list[str]:
    """Why a thing matters: for a problem, the failures that are it unsolved; what it
    brings about, and what does not rule it out. With ``insufficient`` ("why might
    solving outer alignment not be enough?"), what it does not rule out comes first: it
    is the answer."""
    failures = _incoming(graph, target, ("failure_of",), told)
    effects = [
        r
        for r in graph.relations_of(target.id)
        if r.source == target.id
        and r.type in ("causes", "makes_likely", "exacerbates")
        and r not in told.relations
    ]
    limits = [
        r
        for r in graph.relations_of(target.id)
        if r.target == target.id and r.type == "insufficient_against" and r not in told.relations
    ]
    fails = [
        r
        for r in graph.relations_of(target.id)
        if r.source == target.id and limiting(r) and r not in told.relations
    ]

    def left() -> list[str]:
        # for a problem, what it does not rule out is what remains once it is solved
        if not fails:
            return []
        heading = (
            "Even solved, it does not rule out:"
            if target.kind == "problem"
            else "What it does not rule out:"
        )
        out = [heading, ""]
        out += [f"- {explained(graph, notes, r, True, told)}" for r in fails[:MAX_REASONS]]
        return [*out, ""]

    lines: list[str] = left() if insufficient else []
    if not failures and target.kind == "problem":
        # "why is outer alignment a problem?", with no failure recorded as its own concept:
        # what the problem is says what is hard, and its examples are cases of it unsolved
        lines += [f"**{capitalize(target.label)}**: {defined(target, notes)}", ""]
        failures = _incoming(graph, target, ("example_of",), told)
    if failures:
        # "why is inner alignment a problem?": what happens when it is not solved
        lines += ["What goes wrong when it is not achieved:", ""]
        lines += [f"- {explained(graph, notes, r, False, told)}" for r in failures[:MAX_REASONS]]
        lines.append("")
    if not insufficient:
        lines += left()
    if effects:
        lines += ["What it leads to:", ""]
        lines += [f"- {explained(graph, notes, r, True, told)}" for r in effects[:MAX_REASONS]]
        lines.append("")
    if limits:
        lines += ["What does not rule it out:", ""]
        lines += [f"- {explained(graph, notes, r, False, told)}" for r in limits[:MAX_REASONS]]
        lines.append("")
    return lines


def an_example(graph: KnowledgeGraph, target: Concept, told: Told) -> Relation | None:
    """The first relation, not told yet, that names an example of ``target``."""
    for rel in graph.relations_of(target.id):
        if (
            rel.type == "example_of"
            and rel.target == target.id
            and not rel.negated
            and rel not in told.relations
        ):
            return rel
    return None


# -- how and what happens


def _two_steps(first: Relation, second: Relation) -> RankedPath:
    """x -> z (first, read forward) and z <- y (second, read from its target)."""
    return RankedPath((Step(first, True), Step(second, False)), 0.0)


def how(
    graph: KnowledgeGraph,
    concepts: list[Concept],
    focus: list[str],
    notes: Footnotes,
    asked: frozenset[str] = frozenset(),
    told: Told | None = None,
    doing: bool = False,
) -> list[str]:
    """How x does something to y: an example the question names tells its story first;
    then the relations among the concepts named, those the question's verb asks about
    first, each with its note (the mechanism); then the paths. Where nothing relates them,
    what x does, the effects whose reasons use the question's words (``asked``) first.
    With one concept: what it does and what it works by (``doing``: the question names
    it by what is done, so what it works by comes first)."""
    told = told if told is not None else Told()
    if len(concepts) >= 2:
        named = next((c for c in concepts if c.kind == "example"), None)
        story = _story(graph, concepts, asked)
        others = [c for c in concepts if c is not named]
        x, y = (others + [story])[:2] if story is not None and len(others) == 1 else others[:2]
        r = relate(graph, x.id, y.id)
        lines: list[str] = []
        among = _among(graph, others, told)
        among.sort(key=lambda d: _asked_first(d, focus, asked))
        bridged = (
            _bridge(graph, x, story, focus, asked, told)
            if story is not None and len(others) == 1 and not among and x is not story
            else []
        )
        acting = _acts_on(graph, others, told, asked) if story is None else None
        if acting is not None:
            # "how does adversarial training push the mesa-objective toward the base
            # objective?": what the first does, in a note that names the others, is the
            # mechanism; how those others relate to each other is background
            lines += [explained(graph, notes, acting, True, told), ""]
            among = [r for r in among if x.id in (r.source, r.target)]
        for rel in [*among[:MAX_REASONS], *bridged[:1]]:
            lines += [explained(graph, notes, rel, True, told), ""]
            if rel.type == "mitigates" and not rel.negated:
                # what it helps against is half the story; what it does not rule out, the
                # other half ("Problem solved, right? Well, no.")
                but = [
                    b
                    for b in graph.relations_of(rel.source)
                    if b.source == rel.source
                    and b.type == "insufficient_against"
                    and b not in told.relations
                ]
                for b in but[:2]:
                    lines += [explained(graph, notes, b, True, told, lead="But "), ""]
        if story is not None and not bridged:
            lines += [*shows(graph, story, notes, told), ""]
        if not among and story is None:
            # no relation says how x bears on y: what x does is the mechanism to tell first
            own = [
                rel
                for rel in graph.relations_of(x.id)
                if rel.source == x.id and rel.type in EFFECTS + ("outperforms",) and not rel.negated
            ]
            own.sort(key=lambda d: (d.type not in focus, -_overlap(d, asked), d.type == "requires"))
            if own:
                lines += [f"What {noun(x)} does:", ""]
                lines += [
                    f"- {explained(graph, notes, rel, True, told)}"
                    for rel in own[: MAX_REASONS - 2]
                ]
                lines.append("")
        if story is None:
            lines += relate_lines(graph, r, notes, others=1, told=told)
        return lines
    if set(focus) & REMEDY and not _is_remedy(graph, concepts[0]):
        return remedies(graph, concepts[0], notes, told)
    if concepts[0].kind == "example":
        # "how does pretending pay off in the toy example?": an example works by its
        # story, told by what it shows
        return shows(graph, concepts[0], notes, told)
    if "part_of" in focus:
        # "how can the inner alignment problem be broken down into smaller problems?"
        lines = broken_down(graph, concepts[0], notes, told)
        if lines:
            return lines
    return _workings(graph, concepts[0], notes, told, doing)


def broken_down(graph: KnowledgeGraph, c: Concept, notes: Footnotes, told: Told) -> list[str]:
    """What ``c`` breaks down into, each part with its reason, then what ``c`` is; nothing
    when the graph records no parts of it ("which sub-problems can the inner alignment
    problem be split into?")."""
    parts = [
        r
        for r in graph.relations_of(c.id)
        if r.type == "part_of" and r.target == c.id and not r.negated
    ]
    if not parts:
        return []
    lines = [f"What {noun(c)} breaks down into:", ""]
    lines += [f"- {explained(graph, notes, r, False, told)}" for r in parts]
    return [*lines, "", f"**{capitalize(c.label)}**: {defined(c, notes)}"]


def _acts_on(
    graph: KnowledgeGraph, concepts: list[Concept], told: Told, asked: frozenset[str]
) -> Relation | None:
    """Where a how-question names a doer and others that it does not relate to directly,
    the doer's own relation (not denied) whose note names all the others, the one whose
    note holds most of the question's words (``asked``) if several do, then one of what
    it works by; None otherwise."""
    x, *rest = concepts
    if not rest or any(graph.relations_between(x.id, c.id) for c in rest):
        return None
    wanted = {c.id for c in rest}
    acting = [
        rel
        for rel in graph.relations_of(x.id)
        if rel.source == x.id
        and not rel.negated
        and rel.note
        and rel not in told.relations
        and wanted <= {a.id for a in annotate(graph, rel.note)}
    ]
    # of equal fits, what x works by (relies on, requires) is how it does it
    return max(acting, key=lambda rel: (_overlap(rel, asked), rel.type in PREMISES), default=None)


def _is_remedy(graph: KnowledgeGraph, c: Concept) -> bool:
    """Whether ``c`` is itself a remedy, helping against something with nothing recorded
    as helping against it: "how is adversarial training supposed to *fix* a model that
    learned the wrong goal?" asks how it works, not what fixes it."""
    rels = graph.relations_of(c.id)
    return any(
        r.type == "mitigates" and r.source == c.id and not r.negated for r in rels
    ) and not any(r.type == "mitigates" and r.target == c.id and not r.negated for r in rels)


def _asked_first(
    rel: Relation, focus: list[str], asked: frozenset[str]
) -> tuple[bool, int, bool, int]:
    """A sort key: the relations the question's verb asks about first (in its order),
    positive before limiting, then those whose notes use more of its words."""
    return (
        rel.type not in focus,
        focus.index(rel.type) if rel.type in focus else 0,
        limiting(rel),
        -_overlap(rel, asked),
    )


def _bridge(
    graph: KnowledgeGraph,
    x: Concept,
    story: Concept,
    focus: list[str],
    asked: frozenset[str],
    told: Told,
) -> list[Relation]:
    """What ``x`` does to what the example ``story`` is an example of: "how does
    adversarial training try to fix the green-apple problem?" asks how it bears on goal
    misgeneralization, which the maze shows; the relations the question's verb asks about
    first, then those whose notes use its words."""
    shown = {
        r.target
        for r in graph.relations_of(story.id)
        if r.source == story.id and r.type in UPWARD and not r.negated
    }
    story_words = content_stems(story.definition)
    found = [
        r
        for r in graph.relations_of(x.id)
        if r.source == x.id and r.target in shown and not r.negated and r not in told.relations
    ]
    found.sort(
        key=lambda d: (
            _asked_first(d, focus, asked),
            # the passage that tells the example's own story ("mazes where green and the
            # exit come apart") before one that could be about any case
            -len(
                story_words
                & content_stems(" ".join([d.note or "", *(c.quote for c in d.citations)]))
            ),
        )
    )
    return found


NO_REMEDY = "The glossary records no remedies for"
"""How an answer says the graph holds nothing that helps against a concept."""


def remedies(
    graph: KnowledgeGraph, c: Concept, notes: Footnotes, told: Told | None = None
) -> list[str]:
    """What helps against ``c`` or brings it to light, and what does not rule it out; says
    so when the graph records no remedy."""
    told = told if told is not None else Told()
    into = [r for r in graph.relations_of(c.id) if r.target == c.id and r not in told.relations]
    helps = [r for r in into if r.type in ("mitigates", "reveals") and not r.negated]
    limits = [r for r in into if limiting(r)]
    lines: list[str] = []
    if helps:
        lines += [f"What helps against {noun(c)} or brings it to light:", ""]
        lines += [f"- {explained(graph, notes, r, False, told)}" for r in helps[:MAX_REASONS]]
    else:
        lines.append(f"{NO_REMEDY} {noun(c)}.")
    if limits:
        lines += ["", f"What does not rule out {noun(c)}:", ""]
        lines += [f"- {explained(graph, notes, r, True, told)}" for r in limits[:MAX_REASONS]]
    lines += ["", f"**{capitalize(c.label)}**: {defined(c, notes)}"]
    return lines


_STORY = ("example_of", "concerns", "contrasts_with")
"""The relations of an example that tell its story, in the order they are told."""
STORY_LEAD_WORDS = 3
"""Least number of a what-happens question's words the note of a part of an example's
story must hold to lead the answer, ahead of the example's card (and two more than any
other part's note)."""


def _story_parts(graph: KnowledgeGraph, c: Concept) -> list[Relation]:
    """The relations of example ``c`` that tell its story, each with its note."""
    return [
        r
        for r in graph.relations_of(c.id)
        if r.source == c.id and r.type in _STORY and r.note and not r.negated
    ]


def shows(graph: KnowledgeGraph, c: Concept, notes: Footnotes, told: Told) -> list[str]:
    """An example's story and what it is an example of, each with why: what an example
    brings about is its story."""
    lines = [f"**{capitalize(c.label)}**: {defined(c, notes)}"]
    found = [r for r in _story_parts(graph, c) if r not in told.relations]
    found.sort(key=lambda r: _STORY.index(r.type))
    if found:
        lines += ["", "What it shows:", ""]
        for r in found[:MAX_REASONS]:
            line = f"- {explained(graph, notes, r, True, told)}"
            if r.type == "concerns":
                # what the story is about, in the sources' general terms ("genetic fitness
                # is an example of a base objective"): the part it plays in the story
                line += "".join(
                    " " + explained(graph, notes, part, True, told)
                    for part in graph.relations_of(r.target)
                    if part.source == r.target
                    and part.type == "example_of"
                    and not part.negated
                    and part not in told.relations
                )
            lines.append(line)
    return lines


def _workings(
    graph: KnowledgeGraph, c: Concept, notes: Footnotes, told: Told, doing: bool = False
) -> list[str]:
    """How one concept works: what it is, then how it works. With ``doing`` (the question
    names it by what is done: "how can a mesa-optimizer *find out what the base objective
    is*?") what it relies on comes first, in that relation's note (it reads it off its
    data), then what it is."""
    found = [
        r
        for r in graph.relations_of(c.id)
        if r.source == c.id and r.type in WORKINGS and r not in told.relations
    ]
    found.sort(key=lambda r: WORKINGS.index(r.type))
    found = found[: MAX_REASONS + 2]
    card = f"**{capitalize(c.label)}**: {defined(c, notes)}"
    if not doing or not found or not found[0].note:
        lines = [card]
    else:
        lead = told.reason_first(explained(graph, notes, found[0], True, told))
        lines = [lead, "", card]
        found = found[1:]
    if found:
        lines += ["", "How it works and what it does:", ""]
        lines += [f"- {explained(graph, notes, r, True, told)}" for r in found]
    return lines


def _about(graph: KnowledgeGraph, c: Concept, told: Told) -> list[Relation]:
    """The concepts that are about ``c`` as what can go right in it ("generalization is
    about distributional shift"): not its examples, the works that name it or the
    problems it belongs to; not told yet."""
    return [
        r
        for r in graph.relations_of(c.id)
        if r.target == c.id
        and r.type == "concerns"
        and r not in told.relations
        and graph.concepts[r.source].kind not in ("example", "work", "problem")
    ]


def _outcomes(graph: KnowledgeGraph, story: Concept, notes: Footnotes, told: Told) -> list[str]:
    """What else can happen in a story's situation: the possible effects ("can cause")
    of the first situation the story is an example of that has any, and what is hoped
    for in it. The video's maze has three outcomes after the shift; the story itself
    tells one."""
    for rel in graph.relations_of(story.id):
        if rel.source != story.id or rel.type != "example_of" or rel.negated:
            continue
        situation = graph.concepts[rel.target]
        possible = [
            r
            for r in graph.relations_of(situation.id)
            if r.source == situation.id
            and r.type in CAUSAL
            and r.modality in ("can", "may")
            and r not in told.relations
        ]
        if not possible:
            continue
        hoped = _about(graph, situation, told)
        lines = ["", f"The outcomes the sources allow for {noun(situation)}:", ""]
        lines += [f"- {explained(graph, notes, r, True, told)}" for r in [*hoped, *possible][:3]]
        return lines
    return []


def story_told(
    graph: KnowledgeGraph, concepts: list[Concept], asked: frozenset[str]
) -> Concept | None:
    """The example a question names that is the story to tell ("what went wrong when the
    assistant was trained to maximise troops"), the narrowest (a part of another) first;
    None when it names no example."""
    story = [c for c in concepts if c.kind == "example"]
    if not story:
        return None
    parts = [
        c
        for c in story
        if any(r.type == "part_of" and r.source == c.id for r in graph.relations_of(c.id))
    ]
    return _story(graph, (parts or story)[::-1], asked)


def _effects(
    graph: KnowledgeGraph, c: Concept, asked: frozenset[str], told: Told
) -> list[Relation]:
    """What ``c`` brings about or rests on, not yet told: those whose reasons use the
    question's words (``asked``) first."""
    effects = [
        r
        for r in graph.relations_of(c.id)
        if r.source == c.id
        and r.type in EFFECTS
        and r.type != "mitigates"
        and not r.negated
        and r not in told.relations
    ]
    return sorted(effects, key=lambda r: (-_overlap(r, asked), EFFECTS.index(r.type), r.target))


def what_happens(
    graph: KnowledgeGraph,
    concepts: list[Concept],
    notes: Footnotes,
    asked: frozenset[str] = frozenset(),
    told: Told | None = None,
) -> list[str]:
    """What a thing brings about (its effects, each with its note), and what helps against
    it; with two or more concepts, how they bear on each other first (the relations whose
    reasons use the question's words, ``asked``, first)."""
    told = told if told is not None else Told()
    lines: list[str] = []
    chosen = story_told(graph, concepts, asked)
    if chosen is not None:
        # "what happens when the maze agent is deployed where the exit is gray and the
        # apples are green?": the part of the story the question tells leads
        def failing(r: Relation) -> bool:
            return graph.concepts[r.target].kind == "failure_mode"

        # what happens in a story is the failure it shows, where its passage holds the
        # question's words as well as any ("deployed where the apples are green and the
        # exit is gray": goal misgeneralization, before the shift that sets it off); a
        # failure, being what happens, counts one word more than the setting's parts
        def fit(r: Relation) -> int:
            return _overlap(r, asked) + failing(r)

        parts = sorted(_story_parts(graph, chosen), key=lambda r: (-fit(r), not failing(r)))
        if (
            parts
            and _overlap(parts[0], asked) >= STORY_LEAD_WORDS
            and (
                len(parts) == 1
                or fit(parts[0]) >= fit(parts[1]) + 2
                or (failing(parts[0]) and not failing(parts[1]))
            )
        ):
            line = explained(graph, notes, parts[0], True, told)
            note = told.said.get(line)
            if note is not None and failing(parts[0]):
                # what happens, then the name of the failure it is ("... its goal does not.
                # The maze with green apples is an example of goal misgeneralization.")
                line = f"{note} {line[: len(line) - len(note)].strip()}"
            lines = [line, ""]
        return lines + shows(graph, chosen, notes, told) + _outcomes(graph, chosen, notes, told)
    if len(concepts) >= 2:
        x, y = concepts[0], concepts[1]
        # y's effects that x makes likelier: what happens when the two meet
        for effect in [
            r
            for r in graph.relations_of(y.id)
            if r.source == y.id and r.type in CAUSAL and not r.negated
        ]:
            via = [
                r
                for r in graph.relations_between(x.id, effect.target)
                if r.source == x.id and r.type in ("makes_likely", "causes")
            ]
            for rel in via:
                lines += [path_sentence(graph, notes, _two_steps(rel, effect), told), ""]
        among = _among(graph, concepts, told)
        among.sort(key=lambda d: (limiting(d), -_overlap(d, asked)))
        for rel in among[:MAX_REASONS]:
            lines += [explained(graph, notes, rel, True, told), ""]
    else:
        c = concepts[0]
        telling = [r for r in _effects(graph, c, asked, told) if _overlap(r, asked)]
        if telling:
            # "what happens if you keep adversarial training going long *enough*?": the
            # effect whose reason uses the question's words says what happens, before
            # what the thing is
            lines += [explained(graph, notes, telling[0], True, told), ""]
        lines += [f"**{capitalize(c.label)}**: {defined(c, notes)}", ""]
    for c in concepts[-1:] if len(concepts) < 2 else concepts[:2]:
        effects = _effects(graph, c, asked, told)
        helps = [
            r
            for r in graph.relations_of(c.id)
            if r.target == c.id
            and r.type == "mitigates"
            and not r.negated
            and r not in told.relations
        ]
        if effects:
            lines += [
                f"What {noun(c)} brings about or rests on:"
                if any(r.type in PREMISES for r in effects)
                else f"What {noun(c)} can lead to:",
                "",
            ]
            for effect in effects[:MAX_REASONS]:
                line = f"- {explained(graph, notes, effect, True, told)}"
                # which systems make this outcome likelier ("heuristics make failing to
                # generalize more likely"): the difference between outcomes
                for m in graph.relations_of(effect.target):
                    if (
                        m.type == "makes_likely"
                        and m.target == effect.target
                        and m.source != c.id
                        and m not in told.relations
                    ):
                        line += " " + explained(graph, notes, m, True, told)
                lines.append(line)
                if len(effects) == 1 and effect.type in CAUSAL:
                    # one outcome only: what it leads to in turn is what happens next
                    # ("misalignment puts human and AI in conflict", and a system in
                    # conflict with us has reason to stop us turning it off, ...)
                    lines += [
                        f"  - {explained(graph, notes, then, True, told)}"
                        for then in _effects(graph, graph.concepts[effect.target], asked, told)[
                            :MAX_REASONS
                        ]
                        if then.type in CAUSAL
                    ]
            lines.append("")
        # what else is about it ("generalization is about distributional shift") tells
        # what happens with one thing asked about; beside two or more, it is noise
        about = _about(graph, c, told) if len(concepts) < 2 else []
        if helps:
            lines += [f"What can help against {noun(c)}:", ""]
            lines += [f"- {explained(graph, notes, r, True, told)}" for r in helps[:MAX_REASONS]]
            lines.append("")
        if about:
            lines += [f"What else is about {noun(c)}:", ""]
            lines += [f"- {explained(graph, notes, r, True, told)}" for r in about[:MAX_REASONS]]
            lines.append("")
        # "what happens if the base objective is perfect?": what neither it nor the
        # problem about it (outer alignment) rules out can still go wrong
        limits = [
            r
            for g in _guards(graph, c.id)
            for r in graph.relations_of(g)
            if r.source == g and r.type == "insufficient_against" and r not in told.relations
        ]
        if limits:
            lines += ["What can still go wrong:", ""]
            lines += [f"- {explained(graph, notes, r, True, told)}" for r in limits[:MAX_REASONS]]
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines
