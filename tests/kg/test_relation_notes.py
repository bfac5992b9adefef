"""Relations that carry their reason: notes, modalities, denials, and the new types."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.edit import record_of, to_yaml
from kg.errors import DataError
from kg.explain import sentence
from kg.graph import KnowledgeGraph
from kg.load import load_files
from kg.ontology import MODALITIES, RELATION_TYPES
from kg.paths import relate, shared_context
from kg.rdf import concept_description, export, graph_from_rdf
from kg.schema import NOTE_MAX
from kg.store import data_files
from kg.svg import edge_label

BASE = "https://example.org/kg/"


def _files(good_dir: Path, humans: str) -> dict[str, bytes]:
    files = dict(data_files(good_dir))
    files["concepts/humans.yaml"] = humans.encode()
    return files


HUMANS = """\
label: humans
kind: example
plural: true
definition: People, seen as optimizers that evolution produced.
citations:
  - {source: primer, quote: Humans are an example of mesa-optimizers.}
relations:
  - type: example_of
    target: mesa-optimizer
    citations:
      - {source: primer, quote: Humans are an example of mesa-optimizers.}
"""


def _with(good_dir: Path, extra: str) -> KnowledgeGraph:
    return load_files(_files(good_dir, HUMANS + extra), name="d")


def _problems(good_dir: Path, extra: str) -> list[str]:
    with pytest.raises(DataError) as caught:
        _with(good_dir, extra)
    return [f"{p.line}: {p.message} | {p.hint}" for p in caught.value.problems]


def test_a_note_and_a_modality_are_read_with_the_relation(good_dir: Path) -> None:
    g = _with(
        good_dir,
        """\
  - type: has_objective
    target: base-objective
    modality: does_not
    note: >-
      Humans pursue   goals of their own,
      not the objective of the process that made them.
    citations:
      - {source: primer, quote: The mesa-optimizer pursues the mesa-objective.}
""",
    )
    rel = next(r for r in g.relations_of("humans") if r.type == "has_objective")
    assert rel.modality == "does_not" and rel.negated
    assert rel.note == (
        "Humans pursue goals of their own, not the objective of the process that made them."
    )
    assert sentence(g, rel) == "Humans do not pursue the base objective."
    assert sentence(g, rel, forward=False) == "The base objective is not what humans pursue."


@pytest.mark.parametrize(
    ("extra", "wanted"),
    [
        ("    note: 5\n", "note must be a non-empty string"),
        ("    note: '   '\n", "note must be a non-empty string"),
        (f"    note: '{'x' * (NOTE_MAX + 1)}'\n", f"note is {NOTE_MAX + 1} characters long"),
        ('    note: "a\\u0007b"\n', "note holds the character U+0007"),
        ("    modality: could\n", "unknown modality 'could'"),
        ("    modality: can\n", "modality 'can' is not allowed on is_a | is_a allows does_not"),
        ("    colour: red\n", "unknown field 'colour' in relation"),
    ],
)
def test_bad_notes_and_modalities_are_refused_with_their_line(
    good_dir: Path, extra: str, wanted: str
) -> None:
    got = _problems(
        good_dir,
        """\
  - type: is_a
    target: optimizer
"""
        + extra
        + """\
    citations:
      - {source: primer, quote: A mesa-optimizer is itself an optimizer.}
""",
    )
    assert len(got) == 1, got
    assert got[0].startswith("14: "), got
    assert wanted in got[0]


def test_a_type_without_modalities_says_so(good_dir: Path) -> None:
    got = _problems(
        good_dir,
        """\
  - type: contrasts_with
    target: optimizer
    modality: does_not
    citations:
      - {source: primer, quote: A mesa-optimizer is itself an optimizer.}
""",
    )
    assert got == [
        "14: modality 'does_not' is not allowed on contrasts_with | "
        "contrasts_with takes no modality"
    ]


def test_every_modal_template_names_both_ends_and_reads_as_its_modality() -> None:
    words = {"can": "can ", "may": "may ", "does_not": " not "}
    for rtype in RELATION_TYPES.values():
        assert set(rtype.modal) <= set(MODALITIES)
        for modality, pair in rtype.modal.items():
            for template in pair:
                assert "{x" in template and "{y" in template, (rtype.name, template)
                assert words[modality] in template, (rtype.name, template)
        if rtype.symmetric:
            assert not rtype.modal, rtype.name


def test_a_denial_is_shown_but_joins_no_path_hierarchy_or_shared_context(good_dir: Path) -> None:
    # "humans are not a kind of base optimizer" would otherwise put humans under the base
    # optimizer and give a path humans -> base optimizer -> mesa-optimizer
    g = _with(
        good_dir,
        """\
  - type: is_a
    target: base-optimizer
    modality: does_not
    note: They are the optimizer that was produced, not the one that produced them.
    citations:
      - {source: primer, quote: Humans are an example of mesa-optimizers.}
""",
    )
    denial = next(r for r in g.relations_of("humans") if r.type == "is_a")
    assert g.broader("humans") == [] and "humans" not in g.descendants("base-optimizer")
    assert "base-optimizer" not in g.adjacency["humans"]
    r = relate(g, "humans", "base-optimizer")
    assert r.direct == (denial,)
    assert all(denial not in [s.relation for s in p.steps] for p in r.paths)
    assert all(denial not in s.relations for s in shared_context(g, "humans", "evolution"))
    assert sentence(g, denial) == "Humans are not a kind of base optimizer."


def test_a_denied_is_a_makes_no_cycle(good_dir: Path) -> None:
    # mesa-optimizer is_a optimizer; optimizer "is not a kind of" mesa-optimizer is fine
    files = dict(data_files(good_dir))
    text = files["concepts/optimizer.yaml"].decode()
    text += """\
  - type: is_a
    target: mesa-optimizer
    modality: does_not
    citations:
      - {source: primer, quote: A mesa-optimizer is itself an optimizer.}
"""
    files["concepts/optimizer.yaml"] = text.encode()
    g = load_files(files)
    denials = [r for r in g.relations_of("optimizer") if r.negated]
    assert [(r.source, r.target) for r in denials] == [("optimizer", "mesa-optimizer")]


def test_notes_and_modalities_survive_the_canonical_yaml(good_dir: Path) -> None:
    record = record_of(
        (
            HUMANS
            + """\
  - type: produces
    target: mesa-objective
    modality: can
    note: 'A note that is long enough to be folded over two lines of the canonical layout,
      as the definitions are.'
    citations:
      - {source: primer, quote: Humans are an example of mesa-optimizers.}
"""
        ).encode()
    )
    text = to_yaml(record)
    assert b"    modality: can\n    note: >-\n      A note" in text
    assert record_of(text) == record
    assert to_yaml(record_of(text)) == text


def test_rdf_carries_notes_and_modalities_and_does_not_assert_a_denial(good_dir: Path) -> None:
    g = _with(
        good_dir,
        """\
  - type: has_objective
    target: base-objective
    modality: does_not
    note: Not the objective of the process that made them.
    citations:
      - {source: primer, quote: The mesa-optimizer pursues the mesa-objective.}
  - type: produces
    target: mesa-objective
    modality: can
    note: A possibility, not a rule.
    citations:
      - {source: primer, quote: Humans are an example of mesa-optimizers.}
""",
    )
    turtle = export(g, "ntriples", BASE).decode()
    humans, base = f"<{BASE}concept/humans>", f"<{BASE}concept/base-objective>"
    assert f"{humans} <{BASE}ontology#hasObjective> {base}" not in turtle
    assert f"{humans} <http://www.w3.org/2004/02/skos/core#related> {base}" not in turtle
    assert f"{humans} <{BASE}ontology#produces> <{BASE}concept/mesa-objective>" in turtle
    statement = f"<{BASE}statement/humans/has_objective/base-objective>"
    assert f'{statement} <{BASE}ontology#modality> "does_not"' in turtle
    assert f'{statement} <{BASE}ontology#note> "Not the objective' in turtle
    back = graph_from_rdf(turtle, "ntriples", BASE)
    assert back.content() == g.content()
    described = {str(t) for t in concept_description(g, "humans", BASE)}
    assert not any("#hasObjective>" in t and t.startswith(humans) for t in described)


def test_edges_are_labelled_with_their_modality() -> None:
    from kg.model import Relation

    rel = Relation(source="a", type="has_objective", target="b", citations=(), modality="does_not")
    assert edge_label(rel) == "does not pursue"
    assert edge_label(rel.model_copy(update={"modality": None})) == "pursues"
