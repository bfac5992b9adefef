"""A concept's ``described_as``: how people describe it without its name. Read and checked
by the loader, written back by kg.edit, exported to RDF and read back, served by the
API, and found by kg.describe."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.describe import describe
from kg.edit import record_of, to_yaml
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.load import load_files
from kg.rdf import export, graph_from_rdf
from kg.schema import DESCRIPTION_MAX
from kg.store import data_files

BASE = "https://example.org/kg/"

HUMANS = """\
label: humans
kind: example
plural: true
aliases: [people]
definition: People, seen as optimizers that evolution produced.
described_as:
{described}citations:
  - {{source: primer, quote: Humans are an example of mesa-optimizers.}}
"""


def _load(good_dir: Path, described: str) -> KnowledgeGraph:
    files = dict(data_files(good_dir))
    files["concepts/humans.yaml"] = HUMANS.format(described=described).encode()
    return load_files(files, name="d")


def _problems(good_dir: Path, described: str) -> list[str]:
    with pytest.raises(DataError) as caught:
        _load(good_dir, described)
    return [f"{p.line}: {p.message} | {p.hint}" for p in caught.value.problems]


def test_descriptions_are_read_in_order_with_white_space_collapsed(good_dir: Path) -> None:
    g = _load(
        good_dir,
        "  - 'the  species that evolution made, which plans for itself'\n"
        "  - 'creatures who chase pleasure rather than offspring'\n",
    )
    assert g.concepts["humans"].described_as == (
        "the species that evolution made, which plans for itself",
        "creatures who chase pleasure rather than offspring",
    )
    # a concept without the field has none
    assert all(c.described_as == () for cid, c in g.concepts.items() if cid != "humans")


@pytest.mark.parametrize(
    ("described", "wanted"),
    [
        ("  - 5\n", "7: a description must be a non-empty string"),
        ("  - '  '\n", "7: a description must be a non-empty string"),
        (
            f"  - '{'x' * (DESCRIPTION_MAX + 1)}'\n",
            f"7: description is {DESCRIPTION_MAX + 1} characters long",
        ),
        ('  - "a\\u0007b"\n', "7: description holds the character U+0007"),
        # its label or an alias, in another form (singular, case), names it
        ("  - 'a Human made by evolution'\n", "7: description 'a Human made by evolution' names"),
        ("  - 'what people want'\n", "('people')"),
        ("  - 'a b c'\n  - 'a  b c'\n", "8: description 'a b c' is given twice"),
    ],
)
def test_bad_descriptions_are_refused_with_their_line(
    good_dir: Path, described: str, wanted: str
) -> None:
    got = _problems(good_dir, described)
    assert len(got) == 1, got
    assert wanted in got[0], got


def test_a_word_that_merely_holds_a_name_does_not_name_it(good_dir: Path) -> None:
    # "peoples" is "people" in the plural; "peopled" is another word
    g = _load(good_dir, "  - 'a land peopled by planners'\n")
    assert g.concepts["humans"].described_as == ("a land peopled by planners",)


def test_a_list_is_required(good_dir: Path) -> None:
    files = dict(data_files(good_dir))
    text = HUMANS.format(described="").replace("described_as:\n", "described_as: 'one string'\n")
    files["concepts/humans.yaml"] = text.encode()
    with pytest.raises(DataError) as caught:
        load_files(files, name="d")
    assert [p.message for p in caught.value.problems] == [
        "described_as must be a list of descriptions"
    ]


def test_kg_edit_writes_them_back_as_they_were(good_dir: Path) -> None:
    text = HUMANS.format(described="  - 'the species evolution made'\n  - 'it''s us'\n")
    record = record_of(text.encode())
    assert record["described_as"] == ["the species evolution made", "it's us"]
    again = to_yaml(record)
    assert "described_as:\n  - 'the species evolution made'\n  - 'it''s us'\n" in again.decode()
    assert record_of(again) == record
    # an empty list is left out, as empty aliases are
    record["described_as"] = []
    assert b"described_as" not in to_yaml(record)


def test_rdf_carries_them_as_scope_notes_and_reads_them_back_in_order(good_dir: Path) -> None:
    g = _load(good_dir, "  - 'zebra-like planners'\n  - 'apes that plan'\n")
    turtle = export(g, "turtle", BASE)
    assert b"skos:scopeNote" in turtle
    back = graph_from_rdf(turtle, "turtle", BASE)
    assert back.concepts["humans"].described_as == ("zebra-like planners", "apes that plan")
    assert back.concepts["optimizer"].described_as == ()


def test_describe_finds_a_concept_by_its_descriptions(good_dir: Path) -> None:
    before = _load(good_dir, "  - 'placeholder words'\n")
    query = "the tribe of long-legged wanderers who invented pottery"
    assert [h.id for h in describe(before, query)] == []
    g = _load(good_dir, "  - 'long-legged wanderers who invented pottery and writing'\n")
    hits = describe(g, query)
    assert hits and hits[0].id == "humans"
    assert hits[0].field == "described_as"
    assert hits[0].evidence == "long-legged wanderers who invented pottery and writing"


def test_the_shipped_descriptions_do_not_name_their_concept(shipped: KnowledgeGraph) -> None:
    """The loader refuses a description that names its concept; the shipped data loads,
    so each of its descriptions is checked. Most concepts have some."""
    described = [c for c in shipped.concepts.values() if c.described_as]
    assert len(described) >= len(shipped.concepts) * 0.9
