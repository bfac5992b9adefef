from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kg.errors import DataError
from kg.load import _parse, load_graph

EXPECTED_BAD = [
    ("bad/concepts/Bad_Name.yaml", 1, "file name 'Bad_Name.yaml' is not a valid id"),
    ("bad/concepts/broken-yaml.yaml", 2, "invalid YAML"),
    ("bad/concepts/inner-alignment.yaml", 3, "unknown field 'colour' in concept"),
    ("bad/concepts/inner-alignment.yaml", 6, "unknown source 'primr'"),
    ("bad/concepts/inner-alignment.yaml", 9, "cycle in is_a/part_of"),
    ("bad/concepts/mesa-objective.yaml", 4, "duplicate key 'definition'"),
    ("bad/concepts/mesa-objective.yaml", 5, "no citation"),
    ("bad/concepts/mesa-objective.yaml", 12, "introduced_in must point at a work"),
    ("bad/concepts/mesa-objective.yaml", 15, "source 'the-paper' has no text"),
    ("bad/concepts/mesa-optimizer.yaml", 9, "dangling target 'optimzer'"),
    ("bad/concepts/mesa-optimizer.yaml", 18, "quote not found in source 'primer'"),
    ("bad/concepts/mesa-optimizer.yaml", 20, "relation 'is_a' from 'mesa-optimizer' to itself"),
    ("bad/concepts/optimizer.yaml", 1, "term 'optimizer' names both"),
    ("bad/concepts/optimizer.yaml", 2, "unknown kind 'optimiser'"),
    ("bad/concepts/optimizer.yaml", 9, "unknown relation type 'produce'"),
]


def test_every_problem_is_reported_at_once(good_dir: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_graph(good_dir.parent / "bad")
    got = [(p.file, p.line, p.message) for p in caught.value.problems]
    assert len(got) == len(EXPECTED_BAD)
    for (file, line, message), want in zip(got, EXPECTED_BAD, strict=True):
        assert (file, line) == want[:2]
        assert message.startswith(want[2]), (message, want)


@pytest.mark.parametrize(
    ("message", "hint"),
    [
        ("unknown kind 'optimiser'", "did you mean 'optimizer'?"),
        ("unknown relation type 'produce'", "did you mean 'produces'?"),
        ("dangling target 'optimzer': no such concept", "did you mean 'optimizer'?"),
        ("unknown source 'primr'", "did you mean 'primer'?"),
        ("unknown field 'colour' in concept", ""),
    ],
)
def test_problems_name_the_nearest_valid_value(good_dir: Path, message: str, hint: str) -> None:
    with pytest.raises(DataError) as caught:
        load_graph(good_dir.parent / "bad")
    matches = [p for p in caught.value.problems if p.message == message]
    assert len(matches) == 1
    assert matches[0].hint == hint


def test_misquote_hint_shows_the_closest_passage(good_dir: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_graph(good_dir.parent / "bad")
    (problem,) = [p for p in caught.value.problems if p.message.startswith("quote not found")]
    assert "The mesa-optimizer pursues the mesa-objective." in problem.hint


@pytest.fixture
def copy_of_good(good_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(good_dir, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("concepts/humans.yaml", "aliases: [human]", "aliases: [natural selection]",
         "term 'natural selection' names both"),
        ("concepts/humans.yaml", "plural: true", "plural: yes please",
         "plural must be true or false"),
        ("concepts/humans.yaml", "kind: example", "kind: [example]", "kind must be a name"),
        ("concepts/the-paper.yaml", "label: A Paper", "label: ''\nx: A Paper",
         "label must be a non-empty string"),
        ("concepts/optimizer.yaml", "definition: Something", "definitions: Something",
         "unknown field 'definitions' in concept"),
        ("concepts/optimizer.yaml", "definition: Something", "definitions: Something",
         "concept lacks required field 'definition'"),
        ("concepts/evolution.yaml", "type: example_of", "type: example",
         "unknown relation type 'example'"),
        ("concepts/evolution.yaml", "  - type: produces\n    target: humans",
         "  - type: example_of\n    target: base-optimizer", "duplicate relation"),
        ("concepts/outer-alignment.yaml", "relations:", "relations:\n  - type: contrasts_with\n"
         "    target: inner-alignment\n    citations:\n      - {source: primer, quote: "
         "Inner alignment is contrasted with outer alignment.}\n",
         "duplicate relation"),
        ("concepts/base-objective.yaml", "label: base objective",
         "id: base-objectives\nlabel: base objective", "id 'base-objectives' differs"),
        ("sources/sources.yaml", "text: primer.txt", "text: missing.txt",
         "cannot read source text"),
        ("sources/sources.yaml", "text: primer.txt", "text: ../primer.txt",
         "text '../primer.txt' must be a file name"),
        ("sources/sources.yaml", "- id: the-paper", "- id: The Paper", "source id 'The Paper'"),
        ("sources/sources.yaml", "- id: the-paper", "- id: primer", "duplicate source id"),
        ("sources/sources.yaml", "  kind: paper", "  kind: paper\n  year: 2019",
         "unknown field 'year' in source"),
    ],
)
def test_each_rejection(copy_of_good: Path, file: str, old: str, new: str, message: str) -> None:
    _edit(copy_of_good / file, old, new)
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert any(p.message.startswith(message) for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]
    assert all(p.file.startswith("data/") for p in caught.value.problems)


def test_dangling_target_and_invented_quote_are_both_named(copy_of_good: Path) -> None:
    _edit(copy_of_good / "concepts/evolution.yaml", "target: humans", "target: homo-sapiens")
    _edit(copy_of_good / "concepts/humans.yaml", "Humans are an example of mesa-optimizers.",
          "Humans are the finest example of mesa-optimizers.")
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    text = str(caught.value)
    assert "data/concepts/evolution.yaml:" in text and "'homo-sapiens'" in text
    assert "data/concepts/humans.yaml:" in text
    assert "Humans are the finest example of mesa-optimizers." in text


def test_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_graph(tmp_path)
    assert sorted(p.message for p in caught.value.problems) == ["missing concepts folder",
                                                                "missing sources file"]
    with pytest.raises(DataError):
        load_graph(tmp_path / "nope")


def test_stray_file_in_concepts(copy_of_good: Path) -> None:
    (copy_of_good / "concepts" / "notes.txt").write_text("hello", "utf-8")
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert [p.message for p in caught.value.problems] == ["unexpected file in concepts/"]


def test_good_fixture_offsets(good_dir: Path) -> None:
    graph = load_graph(good_dir)
    text = graph.source_text("primer")
    for concept in graph.concepts.values():
        for c in concept.citations:
            assert text[c.start:c.end] == c.quote


WRONG_TYPES = ["[a, b]", "{a: 1}", "12", "null", "true", "''"]


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize(
    ("file", "key"),
    [("concepts/evolution.yaml", "label"), ("concepts/evolution.yaml", "kind"),
     ("concepts/evolution.yaml", "aliases"), ("concepts/evolution.yaml", "definition"),
     ("concepts/evolution.yaml", "citations"), ("concepts/evolution.yaml", "relations"),
     ("concepts/evolution.yaml", "article"), ("concepts/evolution.yaml", "    target"),
     ("concepts/evolution.yaml", "  - type"), ("concepts/evolution.yaml", "  - {source"),
     ("sources/sources.yaml", "  title"), ("sources/sources.yaml", "  authors"),
     ("sources/sources.yaml", "  text"), ("sources/sources.yaml", "- id")],
)
def test_values_of_the_wrong_type_are_problems_not_crashes(
        copy_of_good: Path, file: str, key: str, value: str) -> None:
    path = copy_of_good / file
    lines = path.read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(key))
    prefix = key.split("{")[0] if "{" in key else key
    lines[at] = f"{prefix}: {value}" if "{" not in key else f"{prefix}{value}"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    try:
        load_graph(copy_of_good)
    except DataError as e:
        assert e.problems


PARSE_CASES = [
    "label: a\nkind: concept\n",
    "a: &x [1, 2]\nb: *x\n",
    "base: &b {k: 1}\nmerged:\n  <<: *b\n  j: 2\n",
    "2: one\ntrue: yes\nnull: ~\n1.5: f\n",
    "when: 2020-01-02\nn: 0x1F\nf: .inf\nq: 'x''y'\n",
    "s: !!set {a, b}\n",
    "o: !!omap [{a: 1}, {b: 2}]\n",
    "- a\n- [b, {c: d}]\n",
    "",
    "just a string\n",
]


@pytest.mark.parametrize("text", PARSE_CASES)
def test_one_pass_parse_gives_what_safe_load_gives(text: str) -> None:
    lines: dict[tuple[str | int, ...], int] = {}
    data, dupes = _parse(text, lines)
    assert data == yaml.safe_load(text)
    assert _parse(text)[0] == data
    assert dupes == []
    if isinstance(data, dict):
        for key in data:
            assert (key,) in lines or (str(key),) in lines


def test_one_pass_parse_notes_lines_and_duplicate_keys() -> None:
    text = "label: a\nrelations:\n  - type: causes\n    target: b\n  - type: x\nlabel: c\n"
    lines: dict[tuple[str | int, ...], int] = {}
    data, dupes = _parse(text, lines)
    assert data["label"] == "c"
    assert lines[("relations", 1, "type")] == 5
    assert lines[("relations", 0, "target")] == 4
    assert dupes == [(("label",), 6)]


def test_a_recursive_alias_is_built_by_pyyaml() -> None:
    data, _ = _parse("a: &x [1, *x]\n")
    assert data["a"][1] is data["a"]


def test_a_recursive_alias_in_a_data_file_is_a_problem_not_a_crash(copy_of_good: Path) -> None:
    _edit(copy_of_good / "concepts" / "mesa-optimizer.yaml",
          "aliases: [mesa optimizer, learned optimizer]", "aliases: &a [mesa optimizer, *a]")
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert [(p.file, p.line, p.message) for p in caught.value.problems] == [
        ("data/concepts/mesa-optimizer.yaml", 3, "aliases must be a list of strings")]
