"""The closed vocabulary: kinds of concept and types of relation.

This module is the only list of them. Templates use ``{x}`` for the concept the
sentence starts from and ``{y}`` for the other one; the ``inverse`` template reads a
stored relation ``s --type--> t`` from ``t``'s side, so ``{x}`` is ``t`` there.
Each name comes in four forms: ``{x}`` with the definite article its kind takes,
``{xa}`` with an indefinite one, ``{xb}`` bare and ``{xe}`` as the thing an example
illustrates ("the inner alignment problem", "a base optimizer"); see
:func:`kg.explain.noun`.

Examples
--------
>>> RELATION_TYPES["produces"].inverse.format(x="the mesa-optimizer", y="the base optimizer")
'the mesa-optimizer is produced by the base optimizer'
>>> RELATION_TYPES["produces"].forward.format(x="the base optimizer", ya="a mesa-optimizer")
'the base optimizer produces a mesa-optimizer'
>>> RELATION_TYPES["contrasts_with"].symmetric
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, get_args


@dataclass(frozen=True)
class Kind:
    """A kind of concept."""

    name: str
    description: str
    article: str = "the"
    """Article before a label of this kind inside a sentence: "the" for countable
    kinds, "" for kinds whose labels read as names or mass nouns."""
    nouns: tuple[str, ...] = ()
    """Words a question uses for a concept of this kind when it asks which one a thing
    is ("what kind of *goal* is heading for the exit?", see :mod:`kg.describe`)."""


Modality = Literal["can", "may", "does_not"]
MODALITIES: tuple[Modality, ...] = get_args(Modality)
"""How a relation may be qualified where its source hedges or denies it: X *can* produce
Y, X *may* cause Y, X *does not* pursue Y. A relation without one is asserted as it is."""


@dataclass(frozen=True)
class RelationType:
    """A type of relation with how it reads in both directions."""

    name: str
    description: str
    forward: str
    inverse: str
    inverse_name: str
    shared: str
    """How two concepts that both point at ``{z}`` with this type are described."""
    shared_inverse: str
    """How two concepts that ``{z}`` both points at with this type are described."""
    skos: Literal["broader", "related"]
    symmetric: bool = False
    cost: float = 1.0
    """Cost of one step over this type when ranking paths; vaguer types cost more."""
    modal: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """For each modality this type allows, its forward and inverse templates; a relation
    may carry a modality only where its type has templates for it."""

    @property
    def hierarchical(self) -> bool:
        """True for types that build the broader/narrower hierarchy."""
        return self.skos == "broader"

    def template(self, forward: bool, modality: str | None = None) -> str:
        """The sentence template read forward or from the target, with ``modality``.

        >>> RELATION_TYPES["produces"].template(True, "can")
        '{x} can produce {ya}'
        """
        if modality is None:
            return self.forward if forward else self.inverse
        pair = self.modal[modality]
        return pair[0] if forward else pair[1]


_KINDS = [
    Kind(
        "optimizer",
        "A process or system that searches for what scores well on an objective.",
        nouns=("optimizer", "process", "algorithm"),
    ),
    Kind(
        "objective",
        "A goal, objective function or criterion that something is optimized for.",
        nouns=("objective", "goal", "aim", "target", "criterion"),
    ),
    Kind("problem", "An open problem of AI alignment.", article="", nouns=("problem",)),
    Kind(
        "alignment_mode",
        "A way in which a learned system can be aligned (or seem to be).",
        article="",
        nouns=("alignment",),
    ),
    Kind(
        "failure_mode",
        "A way in which training or alignment can go wrong.",
        article="",
        nouns=("failure", "mistake", "error"),
    ),
    Kind(
        "technique",
        "A method used in training or in alignment work.",
        article="",
        nouns=("technique", "method", "approach"),
    ),
    Kind(
        "example",
        "An example, analogy or thought experiment from the sources.",
        nouns=("example", "analogy", "story"),
    ),
    Kind("concept", "Any other idea the sources use.", article=""),
    Kind(
        "work",
        "A paper, post, video or other publication.",
        article="",
        nouns=("paper", "post", "video", "publication"),
    ),
    Kind("person", "A person, such as an author.", article="", nouns=("person", "author")),
]


def _modal(**pairs: tuple[str, str]) -> dict[str, tuple[str, str]]:
    return pairs


_TYPES = [
    RelationType(
        "is_a",
        "X is a more specific kind of Y.",
        "{x} is a kind of {yb}",
        "one kind of {xb} is {y}",
        "has_kind",
        "both are kinds of {zb}",
        "{z} is a kind of both",
        "broader",
        modal=_modal(does_not=("{x} is not a kind of {yb}", "{y} is not a kind of {xb}")),
    ),
    RelationType(
        "part_of",
        "X is a sub-problem or component of Y.",
        "{x} is part of {y}",
        "{x} includes {y}",
        "has_part",
        "both are part of {z}",
        "{z} is part of both",
        "broader",
    ),
    RelationType(
        "example_of",
        "X is an example, analogy or instance of Y.",
        "{x} is an example of {ye}",
        "one example of {xe} is {y}",
        "has_example",
        "both are examples of {ze}",
        "{z} is an example of both",
        "related",
        cost=1.1,
        modal=_modal(
            can=("{x} can be an example of {ye}", "one example of {xe} can be {y}"),
            does_not=("{x} is not an example of {ye}", "{y} is not an example of {xe}"),
        ),
    ),
    RelationType(
        "has_objective",
        "X pursues or is trained on the objective Y.",
        "{x} pursues {y}",
        "{x} is what {y} pursues",
        "objective_of",
        "both pursue {z}",
        "{z} pursues both",
        "related",
        modal=_modal(
            can=("{x} can pursue {y}", "{x} is what {y} can pursue"),
            may=("{x} may pursue {y}", "{x} is what {y} may pursue"),
            does_not=("{x} does not pursue {y}", "{x} is not what {y} pursues"),
        ),
    ),
    RelationType(
        "produces",
        "X produces, selects or creates Y.",
        "{x} produces {ya}",
        "{x} is produced by {y}",
        "produced_by",
        "both produce {za}",
        "both are produced by {z}",
        "related",
        modal=_modal(
            can=("{x} can produce {ya}", "{x} can be produced by {y}"),
            may=("{x} may produce {ya}", "{x} may be produced by {y}"),
            does_not=("{x} does not produce {ya}", "{x} is not produced by {y}"),
        ),
    ),
    RelationType(
        "optimizes",
        "X adjusts, searches over or optimizes Y.",
        "{x} optimizes {y}",
        "{x} is optimized by {y}",
        "optimized_by",
        "both optimize {z}",
        "both are optimized by {z}",
        "related",
        modal=_modal(
            can=("{x} can optimize {y}", "{x} can be optimized by {y}"),
            does_not=("{x} does not optimize {y}", "{x} is not optimized by {y}"),
        ),
    ),
    RelationType(
        "concerns",
        "X (a problem or notion) is about Y.",
        "{x} is about {y}",
        "{y} is about {x}",
        "concern_of",
        "both are about {z}",
        "{z} is about both",
        "related",
    ),
    RelationType(
        "requires",
        "X requires or presupposes Y.",
        "{x} requires {y}",
        "{y} requires {x}",
        "required_by",
        "both require {z}",
        "{z} requires both",
        "related",
        modal=_modal(
            may=("{x} may require {y}", "{y} may require {x}"),
            does_not=("{x} does not require {y}", "{y} does not require {x}"),
        ),
    ),
    RelationType(
        "relies_on",
        "X works by means of Y, or depends on it in practice.",
        "{x} relies on {y}",
        "{x} is what {y} relies on",
        "relied_on_by",
        "both rely on {z}",
        "{z} relies on both",
        "related",
        modal=_modal(
            can=("{x} can rely on {y}", "{x} is what {y} can rely on"),
            does_not=("{x} does not rely on {y}", "{x} is not what {y} relies on"),
        ),
    ),
    RelationType(
        "causes",
        "X brings about Y.",
        "{x} causes {y}",
        "{x} is caused by {y}",
        "caused_by",
        "both cause {z}",
        "both are caused by {z}",
        "related",
        modal=_modal(
            can=("{x} can cause {y}", "{x} can be caused by {y}"),
            may=("{x} may cause {y}", "{x} may be caused by {y}"),
            does_not=("{x} does not cause {y}", "{x} is not caused by {y}"),
        ),
    ),
    RelationType(
        "makes_likely",
        "X makes Y more likely (favours or selects for it).",
        "{x} makes {y} more likely",
        "{x} is made more likely by {y}",
        "made_likely_by",
        "both make {z} more likely",
        "both are made more likely by {z}",
        "related",
    ),
    RelationType(
        "exacerbates",
        "X makes the problem Y worse.",
        "{x} makes {y} worse",
        "{x} is made worse by {y}",
        "exacerbated_by",
        "both make {z} worse",
        "both are made worse by {z}",
        "related",
        modal=_modal(can=("{x} can make {y} worse", "{x} can be made worse by {y}")),
    ),
    RelationType(
        "reveals",
        "X makes Y observable: where Y was hidden, X brings it out.",
        "{x} reveals {y}",
        "{x} is revealed by {y}",
        "revealed_by",
        "both reveal {z}",
        "both are revealed by {z}",
        "related",
        modal=_modal(can=("{x} can reveal {y}", "{x} can be revealed by {y}")),
    ),
    RelationType(
        "mitigates",
        "X helps against Y.",
        "{x} helps against {y}",
        "{x} is mitigated by {y}",
        "mitigated_by",
        "both help against {z}",
        "{z} helps against both",
        "related",
        modal=_modal(
            can=("{x} can help against {y}", "{x} can be mitigated by {y}"),
            may=("{x} may help against {y}", "{x} may be mitigated by {y}"),
            does_not=("{x} does not help against {y}", "{x} is not mitigated by {y}"),
        ),
    ),
    RelationType(
        "insufficient_against",
        "X does not rule out Y: a limit of a remedy or a test, where Y can survive or hide from X.",
        "{x} does not rule out {y}",
        "{x} is not ruled out by {y}",
        "not_ruled_out_by",
        "neither rules out {z}",
        "{z} rules out neither",
        "related",
        cost=1.3,
    ),
    RelationType(
        "outperforms",
        "X does better than Y at the task in question.",
        "{x} outperforms {y}",
        "{x} is outperformed by {y}",
        "outperformed_by",
        "both outperform {z}",
        "both are outperformed by {z}",
        "related",
        cost=1.2,
    ),
    RelationType(
        "failure_of",
        "X is a way in which Y (an aim or problem) fails.",
        "{x} is a failure of {y}",
        "{x} can fail as {y}",
        "fails_as",
        "both are failures of {zb}",
        "{z} is a failure of both",
        "related",
    ),
    RelationType(
        "fails_together",
        "X and Y (problems or aims) can fail at the same time, in one system (symmetric).",
        "{xb} and {yb} can fail together",
        "{xb} and {yb} can fail together",
        "fails_together",
        "both can fail together with {zb}",
        "both can fail together with {zb}",
        "related",
        symmetric=True,
        cost=1.5,
    ),
    RelationType(
        "contrasts_with",
        "X is contrasted with Y (symmetric).",
        "{x} is contrasted with {y}",
        "{x} is contrasted with {y}",
        "contrasts_with",
        "both are contrasted with {z}",
        "both are contrasted with {z}",
        "related",
        symmetric=True,
    ),
    RelationType(
        "analogous_to",
        "X is analogous to Y (symmetric).",
        "{x} is analogous to {y}",
        "{x} is analogous to {y}",
        "analogous_to",
        "both are analogous to {z}",
        "both are analogous to {z}",
        "related",
        symmetric=True,
        cost=1.2,
    ),
    RelationType(
        "introduced_in",
        "X (a term) was introduced in Y (a work).",
        "the term {xb} was introduced in {y}",
        "{x} introduced the term {yb}",
        "introduces",
        "both terms were introduced in {z}",
        "{z} was introduced in both",
        "related",
        cost=3.0,
    ),
    RelationType(
        "related_to",
        "X is related to Y; used only where nothing more specific is true (symmetric).",
        "{x} is related to {y}",
        "{x} is related to {y}",
        "related_to",
        "both are related to {z}",
        "both are related to {z}",
        "related",
        symmetric=True,
        cost=3.0,
    ),
]

KINDS: MappingProxyType[str, Kind] = MappingProxyType({k.name: k for k in _KINDS})
RELATION_TYPES: MappingProxyType[str, RelationType] = MappingProxyType({t.name: t for t in _TYPES})
INVERSE_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {t.inverse_name: t.name for t in _TYPES if not t.symmetric}
)
HIERARCHICAL_TYPES = frozenset(t.name for t in _TYPES if t.hierarchical)
INSTANTIAL_TYPES = frozenset({"example_of"})
"""Types that place an instance under what it is an instance of when the hierarchy is
browsed or published (ISO 25964's instantial relation, beside the generic ``is_a`` and the
partitive ``part_of``), while reasoning still reads them as the related links they are:
an example never makes a chain up the hierarchy or a reason in an answer."""


def in_hierarchy(rtype: str, modality: str | None) -> bool:
    """Whether a relation of type ``rtype`` stated with ``modality`` puts its source under
    its target in the browsed hierarchy: an is_a or part_of that is not denied, or an
    example_of stated without a hedge (not "can be an example of", which the sources only
    offer as a possibility).

    >>> in_hierarchy("is_a", None), in_hierarchy("is_a", "does_not")
    (True, False)
    >>> in_hierarchy("example_of", None), in_hierarchy("example_of", "can")
    (True, False)
    """
    if modality == "does_not":
        return False
    return rtype in HIERARCHICAL_TYPES or (rtype in INSTANTIAL_TYPES and modality is None)


WORK_KIND = "work"
