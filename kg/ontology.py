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
>>> RELATION_TYPES["contrasts_with"].symmetric
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True)
class Kind:
    """A kind of concept."""

    name: str
    description: str
    article: str = "the"
    """Article before a label of this kind inside a sentence: "the" for countable
    kinds, "" for kinds whose labels read as names or mass nouns."""


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

    @property
    def hierarchical(self) -> bool:
        """True for types that build the broader/narrower hierarchy."""
        return self.skos == "broader"


_KINDS = [
    Kind("optimizer", "A process or system that searches for what scores well on an objective."),
    Kind("objective", "A goal, objective function or criterion that something is optimized for."),
    Kind("problem", "An open problem of AI alignment.", article=""),
    Kind("alignment_mode", "A way in which a learned system can be aligned (or seem to be).",
         article=""),
    Kind("failure_mode", "A way in which training or alignment can go wrong.", article=""),
    Kind("technique", "A method used in training or in alignment work.", article=""),
    Kind("example", "An example, analogy or thought experiment from the sources."),
    Kind("concept", "Any other idea the sources use.", article=""),
    Kind("work", "A paper, post, video or other publication.", article=""),
    Kind("person", "A person, such as an author.", article=""),
]

_TYPES = [
    RelationType("is_a", "X is a more specific kind of Y.",
                 "{x} is a kind of {yb}", "one kind of {xb} is {y}", "has_kind",
                 "both are kinds of {zb}", "{z} is a kind of both", "broader"),
    RelationType("part_of", "X is a sub-problem or component of Y.",
                 "{x} is part of {y}", "{x} includes {y}", "has_part",
                 "both are part of {z}", "{z} is part of both", "broader"),
    RelationType("example_of", "X is an example, analogy or instance of Y.",
                 "{x} is an example of {ye}", "one example of {xe} is {y}", "has_example",
                 "both are examples of {ze}", "{z} is an example of both", "related",
                 cost=1.1),
    RelationType("has_objective", "X pursues or is trained on the objective Y.",
                 "{x} pursues {y}", "{x} is what {y} pursues", "objective_of",
                 "both pursue {z}", "{z} pursues both", "related"),
    RelationType("produces", "X produces, selects or creates Y.",
                 "{x} produces {y}", "{x} is produced by {y}", "produced_by",
                 "both produce {z}", "both are produced by {z}", "related"),
    RelationType("optimizes", "X adjusts, searches over or optimizes Y.",
                 "{x} optimizes {y}", "{x} is optimized by {y}", "optimized_by",
                 "both optimize {z}", "both are optimized by {z}", "related"),
    RelationType("concerns", "X (a problem or notion) is about Y.",
                 "{x} is about {y}", "{x} is a concern of {y}", "concern_of",
                 "both are about {z}", "{z} is about both", "related"),
    RelationType("requires", "X requires or presupposes Y.",
                 "{x} requires {y}", "{x} is required by {y}", "required_by",
                 "both require {z}", "{z} requires both", "related"),
    RelationType("causes", "X can cause or reveal Y.",
                 "{x} can cause {y}", "{x} can be caused by {y}", "caused_by",
                 "both can cause {z}", "both can be caused by {z}", "related"),
    RelationType("mitigates", "X helps against Y.",
                 "{x} helps against {y}", "{x} is mitigated by {y}", "mitigated_by",
                 "both help against {z}", "{z} helps against both", "related"),
    RelationType("contrasts_with", "X is contrasted with Y (symmetric).",
                 "{x} is contrasted with {y}", "{x} is contrasted with {y}", "contrasts_with",
                 "both are contrasted with {z}", "both are contrasted with {z}", "related",
                 symmetric=True),
    RelationType("analogous_to", "X is analogous to Y (symmetric).",
                 "{x} is analogous to {y}", "{x} is analogous to {y}", "analogous_to",
                 "both are analogous to {z}", "both are analogous to {z}", "related",
                 symmetric=True, cost=1.2),
    RelationType("introduced_in", "X (a term) was introduced in Y (a work).",
                 "the term {xb} was introduced in {y}", "{x} introduced the term {yb}",
                 "introduces", "both terms were introduced in {z}",
                 "{z} was introduced in both", "related", cost=3.0),
    RelationType("related_to", "X is related to Y; used only where nothing more specific is "
                 "true (symmetric).",
                 "{x} is related to {y}", "{x} is related to {y}", "related_to",
                 "both are related to {z}", "both are related to {z}", "related",
                 symmetric=True, cost=3.0),
]

KINDS: MappingProxyType[str, Kind] = MappingProxyType({k.name: k for k in _KINDS})
RELATION_TYPES: MappingProxyType[str, RelationType] = MappingProxyType(
    {t.name: t for t in _TYPES}
)
INVERSE_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {t.inverse_name: t.name for t in _TYPES if not t.symmetric}
)
HIERARCHICAL_TYPES = frozenset(t.name for t in _TYPES if t.hierarchical)
WORK_KIND = "work"
