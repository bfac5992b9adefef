from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePosixPath

import networkx as nx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.yamlread
from kg.citations import IndexedText
from kg.errors import DataError
from kg.graph import KnowledgeGraph
from kg.ids import normalize_term, skeleton
from kg.load import LoadCache, load_files, load_graph
from kg.rules import CYCLES_SHOWN, _cycles, _stem, _suffix
from kg.store import data_files
from kg.yamlread import parse_yaml

EXPECTED_BAD = [
    ("bad/concepts/Bad_Name.yaml", 1, "file name 'Bad_Name.yaml' is not a valid id"),
    ("bad/concepts/broken-yaml.yaml", 2, "invalid YAML"),
    ("bad/concepts/inner-alignment.yaml", 3, "unknown field 'colour' in concept"),
    ("bad/concepts/inner-alignment.yaml", 6, "unknown source 'primr'"),
    ("bad/concepts/inner-alignment.yaml", 9, "cycle in the broader hierarchy"),
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


REJECTIONS = [
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        "aliases: [natural selection]",
        "term 'natural selection' names both",
    ),
    ("concepts/humans.yaml", "plural: true", "plural: yes please", "plural must be true or false"),
    ("concepts/humans.yaml", "kind: example", "kind: [example]", "kind must be a name"),
    (
        "concepts/the-paper.yaml",
        "label: A Paper",
        "label: ''\nx: A Paper",
        "label must be a non-empty string",
    ),
    (
        "concepts/optimizer.yaml",
        "definition: Something",
        "definitions: Something",
        "unknown field 'definitions' in concept",
    ),
    (
        "concepts/optimizer.yaml",
        "definition: Something",
        "definitions: Something",
        "concept lacks required field 'definition'",
    ),
    (
        "concepts/evolution.yaml",
        "type: example_of",
        "type: example",
        "unknown relation type 'example'",
    ),
    (
        "concepts/evolution.yaml",
        "  - type: produces\n    target: humans",
        "  - type: example_of\n    target: base-optimizer",
        "duplicate relation",
    ),
    (
        "concepts/outer-alignment.yaml",
        "relations:",
        "relations:\n  - type: contrasts_with\n"
        "    target: inner-alignment\n    citations:\n      - {source: primer, quote: "
        "Inner alignment is contrasted with outer alignment.}\n",
        "duplicate relation",
    ),
    (
        "concepts/base-objective.yaml",
        "label: base objective",
        "id: base-objectives\nlabel: base objective",
        "id 'base-objectives' differs",
    ),
    ("sources/sources.yaml", "text: primer.txt", "text: missing.txt", "cannot read source text"),
    (
        "sources/sources.yaml",
        "text: primer.txt",
        "text: ../primer.txt",
        "text '../primer.txt' must be a file name",
    ),
    ("sources/sources.yaml", "- id: the-paper", "- id: The Paper", "source id 'The Paper'"),
    ("sources/sources.yaml", "- id: the-paper", "- id: primer", "duplicate source id"),
    (
        "sources/sources.yaml",
        "  kind: paper",
        "  kind: paper\n  year: 2019",
        "unknown field 'year' in source",
    ),
    # invisible characters in names
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        'aliases: [human, "hu\\u202Emans"]',
        "alias 'hu\\u202emans' holds U+202E RIGHT-TO-LEFT OVERRIDE, an invisible format character",
    ),
    (
        "concepts/humans.yaml",
        "label: humans",
        'label: "hu\\u200Bmans"',
        "label 'hu\\u200bmans' holds U+200B ZERO WIDTH SPACE, an invisible format character",
    ),
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        'aliases: ["hu\\u00ADman"]',
        "alias 'hu\\xadman' holds U+00AD SOFT HYPHEN, an invisible format character",
    ),
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        'aliases: ["\\u2066human\\u2069"]',
        "alias '\\u2066human\\u2069' holds U+2066 LEFT-TO-RIGHT ISOLATE",
    ),
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        'aliases: ["human\\uFEFF"]',
        "alias 'human\\ufeff' holds U+FEFF ZERO WIDTH NO-BREAK SPACE",
    ),
    # names that look like other names (Unicode TS #39 confusables)
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        "aliases: [human, m\u0435sa-optimizer]",
        "term 'm\u0435sa-optimizer' looks like 'mesa-optimizer', a name of 'mesa-optimizer' "
        "(this one holds U+0435 CYRILLIC SMALL LETTER IE)",
    ),
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        "aliases: [M\u0435sa Optimisers]",
        "term 'M\u0435sa Optimisers' looks like 'mesa-optimizer', a name of 'mesa-optimizer'",
    ),
    # between two plain (ASCII) names, as with duplicates, the later file is told
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        "aliases: [rnesa-optimizer]",
        "term 'mesa-optimizer' looks like 'rnesa-optimizer', a name of 'humans'",
    ),
    (
        "concepts/humans.yaml",
        "aliases: [human]",
        "aliases: [human, hum\u0430ns]",
        "term 'hum\u0430ns' looks like 'humans', another name of the same concept (this one "
        "holds U+0430 CYRILLIC SMALL LETTER A)",
    ),
    (
        "concepts/optimizer.yaml",
        "label: optimizer",
        "label: \u03bfptimizer",
        "term '\u03bfptimizer' looks like 'optimizer', another name of the same concept",
    ),
    # control characters in texts the export carries
    (
        "sources/primer.txt",
        "An optimizer searches",
        "An optimizer\x0c searches",
        "source text holds the character U+000C, which text may not hold",
    ),
    (
        "sources/primer.txt",
        "An optimizer searches",
        "An optimizer\x01 searches",
        "source text holds the character U+0001",
    ),
    (
        "sources/sources.yaml",
        "title: A tiny primer written for the tests",
        'title: "A tiny\\x01primer"',
        "source field 'title' holds the character U+0001, which text may not hold",
    ),
    (
        "sources/sources.yaml",
        "authors: [The test suite]",
        'authors: ["The test\\x85suite"]',
        "source field 'authors' holds the character U+0085",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), REJECTIONS)
def test_each_rejection(copy_of_good: Path, file: str, old: str, new: str, message: str) -> None:
    _edit(copy_of_good / file, old, new)
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert any(p.message.startswith(message) for p in caught.value.problems), [
        str(p) for p in caught.value.problems
    ]
    assert all(p.file.startswith("data/") for p in caught.value.problems)


def test_dangling_target_and_invented_quote_are_both_named(copy_of_good: Path) -> None:
    _edit(copy_of_good / "concepts/evolution.yaml", "target: humans", "target: homo-sapiens")
    _edit(
        copy_of_good / "concepts/humans.yaml",
        "Humans are an example of mesa-optimizers.",
        "Humans are the finest example of mesa-optimizers.",
    )
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    text = str(caught.value)
    assert "data/concepts/evolution.yaml:" in text and "'homo-sapiens'" in text
    assert "data/concepts/humans.yaml:" in text
    assert "Humans are the finest example of mesa-optimizers." in text


def test_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_graph(tmp_path)
    assert sorted(p.message for p in caught.value.problems) == [
        "missing concepts folder",
        "missing sources file",
    ]
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
            assert text[c.start : c.end] == c.quote


WRONG_TYPES = ["[a, b]", "{a: 1}", "12", "null", "true", "''"]


@pytest.mark.parametrize("value", WRONG_TYPES)
@pytest.mark.parametrize(
    ("file", "key"),
    [
        ("concepts/evolution.yaml", "label"),
        ("concepts/evolution.yaml", "kind"),
        ("concepts/evolution.yaml", "aliases"),
        ("concepts/evolution.yaml", "definition"),
        ("concepts/evolution.yaml", "citations"),
        ("concepts/evolution.yaml", "relations"),
        ("concepts/evolution.yaml", "article"),
        ("concepts/evolution.yaml", "    target"),
        ("concepts/evolution.yaml", "  - type"),
        ("concepts/evolution.yaml", "  - {source"),
        ("sources/sources.yaml", "  title"),
        ("sources/sources.yaml", "  authors"),
        ("sources/sources.yaml", "  text"),
        ("sources/sources.yaml", "- id"),
    ],
)
def test_values_of_the_wrong_type_are_problems_not_crashes(
    copy_of_good: Path, file: str, key: str, value: str
) -> None:
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
    data, dupes = parse_yaml(text, lines)
    assert data == yaml.safe_load(text)
    assert parse_yaml(text)[0] == data
    assert dupes == []
    if isinstance(data, dict):
        for key in data:
            assert (key,) in lines or (str(key),) in lines


def test_one_pass_parse_notes_lines_and_duplicate_keys() -> None:
    text = "label: a\nrelations:\n  - type: causes\n    target: b\n  - type: x\nlabel: c\n"
    lines: dict[tuple[str | int, ...], int] = {}
    data, dupes = parse_yaml(text, lines)
    assert data["label"] == "c"
    assert lines[("relations", 1, "type")] == 5
    assert lines[("relations", 0, "target")] == 4
    assert dupes == [(("label",), 6)]


def test_a_recursive_alias_is_built_by_pyyaml() -> None:
    data, _ = parse_yaml("a: &x [1, *x]\n")
    assert data["a"][1] is data["a"]


def test_a_recursive_alias_in_a_data_file_is_a_problem_not_a_crash(copy_of_good: Path) -> None:
    _edit(
        copy_of_good / "concepts" / "mesa-optimizer.yaml",
        "aliases: [mesa optimizer, learned optimizer]",
        "aliases: &a [mesa optimizer, *a]",
    )
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert [(p.file, p.line, p.message) for p in caught.value.problems] == [
        ("data/concepts/mesa-optimizer.yaml", 3, "aliases must be a list of strings")
    ]


# -- load_files: the same checks on files held in memory

FIXTURES = Path(__file__).resolve().parent.parent / "data"
SHIPPED = FIXTURES.parent.parent / "data"
DATA_DIRS = [*sorted(p for p in FIXTURES.iterdir() if p.is_dir()), SHIPPED]

Outcome = tuple[str, object]


def _outcome(load: Callable[[], KnowledgeGraph]) -> Outcome:
    """The graph's content, or every problem with its hint."""
    try:
        graph = load()
    except DataError as e:
        return "problems", [(p.file, p.line, p.message, p.hint) for p in e.problems]
    return "graph", graph.content()


def _on_disk_and_in_memory(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, cache: LoadCache | None = None
) -> tuple[Outcome, Outcome]:
    """load_graph on the directory, named relative to the working directory as the CLI
    would (so that messages quoting a path on disk quote the same path), and load_files
    on what data_files reads from it."""
    monkeypatch.chdir(data_dir.parent)
    on_disk = _outcome(lambda: load_graph(Path(data_dir.name)))
    files = dict(data_files(data_dir))
    in_memory = _outcome(lambda: load_files(files, name=data_dir.name, cache=cache))
    return on_disk, in_memory


@pytest.mark.parametrize("data_dir", DATA_DIRS, ids=lambda p: p.name)
def test_load_files_finds_what_load_graph_finds(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_disk, in_memory = _on_disk_and_in_memory(data_dir, monkeypatch)
    assert in_memory == on_disk
    want = "problems" if data_dir.name in ("bad", "rdf") else "graph"
    assert on_disk[0] == want
    cache = LoadCache()
    for _ in range(2):  # cold, then every file from the cache
        assert _on_disk_and_in_memory(data_dir, monkeypatch, cache)[1] == on_disk


def test_the_bad_fixture_in_memory_names_files_by_the_name_given(good_dir: Path) -> None:
    files = dict(data_files(good_dir.parent / "bad"))
    with pytest.raises(DataError) as caught:
        load_files(files, name="store")
    got = [(p.file, p.line) for p in caught.value.problems]
    assert got == [
        ("store/" + file.removeprefix("bad/"), line) for file, line, _message in EXPECTED_BAD
    ]
    with pytest.raises(DataError) as caught:
        load_files(files, name="")
    assert caught.value.problems[0].file == "concepts/Bad_Name.yaml"


@pytest.mark.parametrize(("file", "old", "new", "message"), REJECTIONS)
def test_each_rejection_in_memory_as_on_disk(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, file: str, old: str, new: str, message: str
) -> None:
    _edit(copy_of_good / file, old, new)
    on_disk, in_memory = _on_disk_and_in_memory(copy_of_good, monkeypatch)
    assert in_memory == on_disk
    assert on_disk[0] == "problems"
    problems = on_disk[1]
    assert isinstance(problems, list)
    assert any(m.startswith(message) for _f, _l, m, _h in problems)


def _crlf(root: Path) -> None:
    for path in [*root.glob("concepts/*.yaml"), *root.glob("sources/*")]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    text = root / "sources" / "primer.txt"
    text.write_bytes(text.read_bytes().replace(b"\r\n", b"\r", 1))  # and one old Mac break


def _append(rel: str, content: bytes) -> Callable[[Path], object]:
    def change(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_bytes() + content)

    return change


def _write(rel: str, content: bytes) -> Callable[[Path], object]:
    def change(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)

    return change


def _rename(rel: str, to: str) -> Callable[[Path], object]:
    return lambda root: (root / rel).rename(root / to)


def _copy(rel: str, to: str) -> Callable[[Path], object]:
    return lambda root: shutil.copyfile(root / rel, root / to)


def _text_file(name: str) -> Callable[[Path], object]:
    return lambda root: _edit(root / "sources/sources.yaml", "text: primer.txt", f"text: '{name}'")


FILE_CHANGES: dict[str, tuple[Callable[[Path], object], str]] = {
    "windows and old Mac line breaks": (_crlf, "graph"),
    "byte order mark": (
        lambda root: _write(
            "concepts/humans.yaml", b"\xef\xbb\xbf" + (root / "concepts/humans.yaml").read_bytes()
        )(root),
        "graph",
    ),
    "concept not UTF-8": (_append("concepts/humans.yaml", b"# caf\xe9\n"), "problems"),
    "source text not UTF-8": (_append("sources/primer.txt", b"\xff"), "problems"),
    "sources.yaml not UTF-8": (_append("sources/sources.yaml", b"\xc3"), "problems"),
    "sources.yaml not YAML": (_append("sources/sources.yaml", b"- [\n"), "problems"),
    "sources.yaml not a list": (_write("sources/sources.yaml", b"id: primer\n"), "problems"),
    "source text missing": (lambda root: (root / "sources/primer.txt").unlink(), "problems"),
    "source text is the sources folder": (_text_file("."), "problems"),
    "source text is the data folder": (_text_file(".."), "problems"),
    "source text is sources.yaml": (_text_file("sources.yaml"), "problems"),
    "no sources.yaml": (lambda root: (root / "sources/sources.yaml").unlink(), "problems"),
    "no concepts folder": (lambda root: shutil.rmtree(root / "concepts"), "problems"),
    "stray file": (_write("concepts/notes.txt", b"hello"), "problems"),
    "hidden file": (_write("concepts/.notes", b"hello"), "graph"),
    ".yml": (_rename("concepts/humans.yaml", "concepts/humans.yml"), "graph"),
    "same id twice": (_copy("concepts/humans.yaml", "concepts/humans.yml"), "problems"),
    "empty concept file": (_write("concepts/empty.yaml", b""), "problems"),
    "recursive alias": (
        lambda root: _edit(
            root / "concepts/mesa-optimizer.yaml",
            "aliases: [mesa optimizer, learned optimizer]",
            "aliases: &a [mesa optimizer, *a]",
        ),
        "problems",
    ),
}


@pytest.mark.parametrize("change", FILE_CHANGES)
def test_files_read_in_memory_as_on_disk(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    apply, want = FILE_CHANGES[change]
    apply(copy_of_good)
    on_disk, in_memory = _on_disk_and_in_memory(copy_of_good, monkeypatch)
    assert in_memory == on_disk
    assert on_disk[0] == want, on_disk


@pytest.mark.parametrize("rel", ["concepts/more/x.yaml", "concepts/x.yaml/y"])
def test_a_path_below_a_folder_in_concepts_is_a_folder_there(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, rel: str
) -> None:
    # data_files skips folders, but a mapping may hold such a path: it reads as on disk
    _write(rel, b"label: x\n")(copy_of_good)
    monkeypatch.chdir(copy_of_good.parent)
    on_disk = _outcome(lambda: load_graph(Path("data")))
    files = {**dict(data_files(copy_of_good)), rel: b"label: x\n"}
    assert _outcome(lambda: load_files(files)) == on_disk
    assert on_disk[1] == [
        (
            "data/" + rel.rsplit("/", 1)[0],
            1,
            "unexpected file in concepts/",
            "each concept is a .yaml file named after its id",
        )
    ]


def test_a_missing_source_text_names_the_path_in_memory(good_dir: Path) -> None:
    files = dict(data_files(good_dir))
    del files["sources/primer.txt"]
    with pytest.raises(DataError) as caught:
        load_files(files, name="store")
    assert [str(p) for p in caught.value.problems if p.file == "store/sources/sources.yaml"] == [
        "store/sources/sources.yaml:5: cannot read source text: [Errno 2] No such file or "
        "directory: 'store/sources/primer.txt'"
    ]


def test_missing_files_in_memory() -> None:
    def problems(files: dict[str, bytes]) -> list[tuple[str, int, str]]:
        with pytest.raises(DataError) as caught:
            load_files(files)
        return [(p.file, p.line, p.message) for p in caught.value.problems]

    assert problems({}) == [
        ("data/concepts", 1, "missing concepts folder"),
        ("data/sources/sources.yaml", 1, "missing sources file"),
    ]
    sources = {
        "sources/sources.yaml": b"- {id: s, title: S, kind: note, text: s.txt}\n",
        "sources/s.txt": b"An optimizer searches.",
    }
    assert problems(sources) == [("data/concepts", 1, "missing concepts folder")]
    concept = {
        "concepts/x.yaml": b"label: x\nkind: concept\ndefinition: X.\n"
        b"citations: [{source: s, quote: An optimizer searches}]\n"
    }
    assert problems(concept) == [
        ("data/concepts/x.yaml", 4, "unknown source 's'"),
        ("data/sources/sources.yaml", 1, "missing sources file"),
    ]
    assert len(load_files({**sources, **concept})) == 1
    assert problems({**sources, **concept, "concepts/y.yaml": b"label: \xff\n"}) == [
        (
            "data/concepts/y.yaml",
            1,
            "cannot read file: 'utf-8' codec can't decode byte 0xff "
            "in position 7: invalid start byte",
        )
    ]
    assert problems({**sources, **concept, "concepts/y.json": b"{}"}) == [
        ("data/concepts/y.json", 1, "unexpected file in concepts/")
    ]


# -- LoadCache

GOOD_FILES = dict(data_files(FIXTURES / "good"))


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count YAML parses and text indexings the loader makes."""
    calls = {"parse": 0, "index": 0}
    parse, build = kg.yamlread.parse_yaml, IndexedText.build

    def counted_parse(*args: object, **kwargs: object) -> object:
        calls["parse"] += 1
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    def counted_build(text: str) -> IndexedText:
        calls["index"] += 1
        return build(text)

    monkeypatch.setattr(kg.yamlread, "parse_yaml", counted_parse)
    monkeypatch.setattr(IndexedText, "build", counted_build)
    return calls


def test_the_cache_reparses_only_the_file_that_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = LoadCache()
    first = load_files(GOOD_FILES, cache=cache)
    assert first.content() == load_graph(FIXTURES / "good").content()
    calls = _counting(monkeypatch)
    files = dict(GOOD_FILES)
    files["concepts/evolution.yaml"] = files["concepts/evolution.yaml"].replace(
        b"The process that selects organisms", b"The blind process that selects organisms"
    )
    second = load_files(files, cache=cache)
    assert calls == {"parse": 1, "index": 0}
    assert second.concept("evolution").definition.startswith("The blind process")
    assert second.content() == load_files(files).content()
    assert second.content() != first.content()
    assert (cache.hits, cache.misses) == (12, 14)


def test_a_file_that_turns_invalid_is_reported_at_its_line() -> None:
    cache = LoadCache()
    load_files(GOOD_FILES, cache=cache)
    files = dict(GOOD_FILES)
    text = files["concepts/evolution.yaml"].decode()
    files["concepts/evolution.yaml"] = text.replace("type: produces", "type: produce").encode()
    line = text.splitlines().index("  - type: produces") + 1
    with pytest.raises(DataError) as caught:
        load_files(files, cache=cache)
    assert [(p.file, p.line, p.message, p.hint) for p in caught.value.problems] == [
        (
            "data/concepts/evolution.yaml",
            line,
            "unknown relation type 'produce'",
            "did you mean 'produces'?",
        )
    ]
    with pytest.raises(DataError) as again:  # the same problems from a fresh load
        load_files(files)
    assert again.value.problems == caught.value.problems
    # and back: valid again, as a fresh load
    assert load_files(GOOD_FILES, cache=cache).content() == load_files(GOOD_FILES).content()


def test_a_problem_in_a_file_the_cache_kept_has_its_line() -> None:
    cache = LoadCache()
    load_files(GOOD_FILES, cache=cache)
    files = dict(GOOD_FILES)
    files["sources/sources.yaml"] = files["sources/sources.yaml"].replace(
        b"- id: primer", b"- id: primer-notes"
    )
    with pytest.raises(DataError) as caught:
        load_files(files, cache=cache)
    (evolution,) = [
        p for p in caught.value.problems if p.file == "data/concepts/evolution.yaml" and p.line == 7
    ]
    assert evolution.message == "unknown source 'primer'"
    assert evolution.hint == "did you mean 'primer-notes'?"
    with pytest.raises(DataError) as fresh:
        load_files(files)
    assert [(p.file, p.line, p.message, p.hint) for p in caught.value.problems] == [
        (p.file, p.line, p.message, p.hint) for p in fresh.value.problems
    ]


def test_the_loader_never_changes_what_the_cache_holds(good_dir: Path) -> None:
    cache = LoadCache()
    bad = {k: v for k, v in data_files(good_dir.parent / "bad") if k.startswith("concepts/")}
    mixed = {**GOOD_FILES, **bad}  # valid files, and every kind of problem
    for files in (GOOD_FILES, mixed, mixed):
        try:
            load_files(files, cache=cache)
        except DataError:
            pass
        parsed_files = 0
        for rel, (content, parsed) in cache._parsed.items():
            if parsed.error is None:
                assert parsed.data == parse_yaml(content.decode("utf-8"))[0], rel
                parsed_files += 1
        assert parsed_files >= len(GOOD_FILES) - 1
    snapshot = copy.deepcopy({rel: parsed.data for rel, (_c, parsed) in cache._parsed.items()})
    with pytest.raises(DataError):
        load_files(mixed, cache=cache)
    assert {rel: parsed.data for rel, (_c, parsed) in cache._parsed.items()} == snapshot


def test_the_cache_keeps_only_the_files_of_the_last_call() -> None:
    cache = LoadCache()
    with pytest.raises(DataError):
        load_files({**GOOD_FILES, "concepts/extra.yaml": b"label: extra\n"}, cache=cache)
    assert "concepts/extra.yaml" in cache._parsed
    load_files(GOOD_FILES, cache=cache)
    assert set(cache._parsed) == {k for k in GOOD_FILES if k.endswith(".yaml")}
    assert set(cache._indexed) == {"sources/primer.txt"}


# -- a warm cache on edited files: what a fresh load finds, problems and lines included


def _warm_then_edited(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, apply: Callable[[Path], object]
) -> None:
    """A cache warmed on the data, then used on the data changed by ``apply`` and on the
    data as it was: each time the outcome of a fresh load, on disk and in memory."""
    monkeypatch.chdir(copy_of_good.parent)
    before = dict(data_files(copy_of_good))
    cache = LoadCache()
    assert _outcome(lambda: load_files(before, cache=cache)) == _outcome(
        lambda: load_graph(Path("data"))
    )
    apply(copy_of_good)
    on_disk, in_memory = _on_disk_and_in_memory(copy_of_good, monkeypatch, cache)
    assert in_memory == on_disk
    after = dict(data_files(copy_of_good))
    assert _outcome(lambda: load_files(after, cache=cache)) == on_disk  # all from the cache
    assert _outcome(lambda: load_files(before, cache=cache)) == _outcome(lambda: load_files(before))


@pytest.mark.parametrize("change", FILE_CHANGES)
def test_a_warm_cache_finds_what_a_fresh_load_finds_after_a_change(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    _warm_then_edited(copy_of_good, monkeypatch, FILE_CHANGES[change][0])


@pytest.mark.parametrize(("file", "old", "new", "message"), REJECTIONS)
def test_a_warm_cache_finds_each_rejection(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, file: str, old: str, new: str, message: str
) -> None:
    _warm_then_edited(copy_of_good, monkeypatch, lambda root: _edit(root / file, old, new))


def _copy_then_break(root: Path) -> None:
    _copy("concepts/humans.yaml", "concepts/humans.yml")(root)
    _edit(root / "concepts/humans.yaml", "kind: example", "kind: exampel")


MORE_CHANGES: dict[str, Callable[[Path], object]] = {
    "concept removed, others point at it": lambda root: (root / "concepts/humans.yaml").unlink(),
    "concept added": _write(
        "concepts/new-one.yaml",
        b"label: new one\nkind: optimizer\n"
        b"definition: New.\ncitations:\n  - {source: primer, quote: "
        b"A mesa-optimizer is itself an optimizer.}\n",
    ),
    "incomplete first, then .yml": lambda root: _copy_then_break(root),
    "quote no longer in the text": lambda root: _edit(
        root / "sources/primer.txt",
        "Humans are an example of mesa-optimizers.",
        "Humans are one example of mesa-optimizers.",
    ),
    "source renamed": lambda root: _edit(
        root / "sources/sources.yaml", "- id: primer", "- id: primer-notes"
    ),
    "source loses its text": lambda root: _edit(
        root / "sources/sources.yaml", "  text: primer.txt\n", ""
    ),
    "straight quotes in the text, at the same offsets": lambda root: _edit(
        root / "sources/primer.txt", "\u201cthe paper\u201d", '"the paper"'
    ),
    "text moved in front": lambda root: _write(
        "sources/primer.txt", b"A new first line.\n" + (root / "sources/primer.txt").read_bytes()
    )(root),
    "every concept changed": lambda root: [
        _append(f"concepts/{p.name}", b"# edited\n")(root) for p in (root / "concepts").iterdir()
    ],
}


@pytest.mark.parametrize("change", MORE_CHANGES)
def test_a_warm_cache_after_more_changes(
    copy_of_good: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    _warm_then_edited(copy_of_good, monkeypatch, MORE_CHANGES[change])


@pytest.mark.parametrize("data_dir", DATA_DIRS, ids=lambda p: p.name)
def test_one_cache_through_a_series_of_edits(data_dir: Path) -> None:
    """Each concept file in turn broken, then mended, then renamed .yml beside a copy,
    one cache throughout, under two names: every outcome that of a fresh load."""
    files = dict(data_files(data_dir))
    concepts = sorted(rel for rel in files if rel.startswith("concepts/"))
    cache = LoadCache()
    versions: list[dict[str, bytes]] = [files]
    for rel in concepts[:6]:
        broken = files[rel].replace(b"type: ", b"type: x", 1).replace(b"quote: ", b"quote: x", 1)
        yml = rel.rsplit(".", 1)[0] + ".yml"
        versions += [
            {**files, rel: broken},
            files,
            {**files, yml: files[rel]},
            {k: v for k, v in files.items() if k != rel},
        ]
    sources = [rel for rel in files if rel.startswith("sources/") and rel.endswith(".txt")]
    for rel in sources:
        versions += [{**files, rel: files[rel].replace(b".", b";", 3)}, files]
    for i, version in enumerate(versions):
        name = "data" if i % 3 else "store"
        assert _outcome(partial(load_files, version, name=name, cache=cache)) == _outcome(
            partial(load_files, version, name=name)
        ), i


def test_a_warm_cache_shares_one_citation_per_passage() -> None:
    cache = LoadCache()
    load_files(GOOD_FILES, cache=cache)
    files = dict(GOOD_FILES)
    files["concepts/humans.yaml"] += b"# edited\n"
    graph = load_files(files, cache=cache)
    by_passage: dict[tuple[str, int, int], object] = {}
    cited = [c for concept in graph.concepts.values() for c in concept.citations]
    cited += [c for rel in graph.relations for c in rel.citations]
    for c in cited:
        assert by_passage.setdefault((c.source, c.start, c.end), c) is c
    assert len(by_passage) < len(cited)


# -- cycles in is_a/part_of

SOURCE_FILES = {
    "sources/sources.yaml": b"- {id: s, title: S, kind: note, text: s.txt}\n",
    "sources/s.txt": b"Everything here is cited.",
}


def _concept(cid: str, *relations: tuple[str, ...]) -> tuple[str, bytes]:
    """A concept file; each relation is (type, target) or (type, target, modality)."""
    cite = "citations: [{source: s, quote: Everything here is cited.}]"
    lines = [f"label: {cid}", "kind: optimizer", "definition: D.", cite, "relations:"]
    for type_, target, *modality in relations:
        said = "".join(f"modality: {m}, " for m in modality)
        lines.append(f"  - {{type: {type_}, target: {target}, {said}{cite}}}")
    return f"concepts/{cid}.yaml", ("\n".join(lines) + "\n").encode()


CYCLIC = dict(
    [
        _concept("a", ("is_a", "b")),
        _concept("b", ("part_of", "a")),  # two
        _concept("c", ("is_a", "d")),
        _concept("d", ("is_a", "e")),
        _concept("e", ("is_a", "c")),
        # two cycles through p and q, reported from p's one relation to q
        _concept("p", ("is_a", "z"), ("is_a", "q")),
        _concept("q", ("is_a", "p"), ("part_of", "r")),
        _concept("r", ("is_a", "p")),
        # on the way into and out of cycles, in none
        _concept("x", ("is_a", "a"), ("is_a", "c")),
        _concept("z"),
        _concept("y", ("is_a", "x"), ("part_of", "z"), ("is_a", "p")),
    ]
)


def test_each_cycle_is_reported_once_from_its_smallest_id() -> None:
    with pytest.raises(DataError) as caught:
        load_files({**SOURCE_FILES, **CYCLIC})
    assert [(p.file, p.line, p.message) for p in caught.value.problems] == [
        ("data/concepts/a.yaml", 6, "cycle in the broader hierarchy: a is_a b part_of a"),
        ("data/concepts/c.yaml", 6, "cycle in the broader hierarchy: c is_a d is_a e is_a c"),
        ("data/concepts/p.yaml", 7, "cycle in the broader hierarchy: p is_a q is_a p"),
        ("data/concepts/p.yaml", 7, "cycle in the broader hierarchy: p is_a q part_of r is_a p"),
    ]
    cache = LoadCache()  # and with a cache, after q leaves both cycles through p
    for files in ({**SOURCE_FILES, **CYCLIC}, {**SOURCE_FILES, **CYCLIC, **dict([_concept("q")])}):
        assert _outcome(partial(load_files, files, cache=cache)) == _outcome(
            partial(load_files, files)
        )


def _problems(*concepts: tuple[str, bytes]) -> list[tuple[str, int, str, str]]:
    """Every problem (file, line, message, hint) validating these concepts finds."""
    try:
        load_files({**SOURCE_FILES, **dict(concepts)})
    except DataError as e:
        return [(p.file, p.line, p.message, p.hint) for p in e.problems]
    return []


def test_a_cycle_through_an_example_is_refused_where_each_link_is_stated() -> None:
    # b is a kind of a, and a is (stated plainly) an example of b: both are skos:broader
    problems = _problems(_concept("a", ("example_of", "b")), _concept("b", ("is_a", "a")))
    assert problems == [
        (
            "data/concepts/a.yaml",
            6,
            "cycle in the broader hierarchy: a example_of b is_a a",
            "the links are stated at data/concepts/a.yaml:6, data/concepts/b.yaml:6; "
            "take out the one that is not so",
        )
    ]
    # denied, the example is no link at all
    assert (
        _problems(_concept("a", ("example_of", "b", "does_not")), _concept("b", ("is_a", "a")))
        == []
    )


def test_a_tangled_hierarchy_lists_its_shortest_cycles_and_says_there_are_more() -> None:
    # a ring of nine, and every pair of the first seven each a kind of the other: the
    # ring and 42 three-cycles are among the many left unlisted
    ids = [f"n{i}" for i in range(9)]
    files = [
        _concept(a, *[("is_a", b) for b in ids[:7] if b != a], ("part_of", ids[(i + 1) % 9]))
        for i, a in enumerate(ids)
    ]
    messages = [m for _, _, m, _ in _problems(*files)]
    more = f"more cycles in the broader hierarchy than the {CYCLES_SHOWN} listed"
    cycles = [m.split(": ")[1].split() for m in messages if m != more]
    assert len(cycles) == CYCLES_SHOWN and messages.count(more) == 1
    assert all(len(cycle) == 5 for cycle in cycles)  # the shortest: a is_a b is_a a
    assert _cycles([("a", "b"), ("b", "c"), ("c", "a"), ("a", "c"), ("c", "b")], 1) in (
        [["a", "c"]],
        [["b", "c"]],
    )


def test_related_concepts_one_under_the_other_are_refused() -> None:
    """qSKOS S27: skos:related is disjoint with skos:broaderTransitive."""
    tree = [_concept("b", ("part_of", "c")), _concept("c"), _concept("d")]
    # a causes c while a is under c through b: reported at a's causes, with the path
    problems = _problems(_concept("a", ("is_a", "b"), ("causes", "c")), *tree)
    assert [(f, line, m) for f, line, m, _ in problems] == [
        (
            "data/concepts/a.yaml",
            7,
            "a causes c links two concepts one of which is under the other: "
            "a is_a b part_of c (SKOS S27: related is disjoint with broader)",
        )
    ]
    assert "data/concepts/a.yaml:6, data/concepts/b.yaml:6" in problems[0][3]
    # the other way round: the concept above relates to the one below; and a hedged
    # example (written skos:related) of a concept above
    downward = _concept("c", ("causes", "a"), ("example_of", "b", "can"))
    problems = _problems(_concept("a", ("is_a", "b")), tree[0], downward, tree[2])
    assert [m.split(":")[0] for _, _, m, _ in problems] == [
        "c causes a links two concepts one of which is under the other",
        "c example_of b links two concepts one of which is under the other",
    ]
    # related across trees, or beside each other under one concept, is fine
    beside = _concept("d", ("is_a", "c"), ("causes", "b"), ("contrasts_with", "e"))
    assert _problems(_concept("a", ("is_a", "b")), tree[0], tree[1], beside, _concept("e")) == []


def _every_cycle(edges: list[tuple[str, str]]) -> list[list[str]]:
    """The cycles networkx finds in the whole graph, each from its smallest node."""
    found = []
    for cycle in nx.simple_cycles(nx.DiGraph(edges)):
        at = cycle.index(min(cycle))
        found.append(cycle[at:] + cycle[:at])
    return sorted(found)


@pytest.mark.parametrize("seed", range(40))
def test_cycles_are_those_networkx_finds_in_the_whole_graph(seed: int) -> None:
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(rng.randint(2, 12))]
    edges = list(
        {(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.randint(1, 2 * len(nodes)))}
    )
    assert sorted(_cycles(edges)) == _every_cycle(edges)


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".",
        "..",
        "x",
        "x.yaml",
        ".yaml",
        "..yaml",
        "a.b.yml",
        "a.",
        "a..",
        "...",
        ".a.yaml",
        "x.yaml ",
        "x.YAML",
        "a\\b.yaml",
        "d/x.yaml",
        "x.yaml/",
        "d.yml/x",
        "\u00e9.yml",
    ],
)
def test_a_file_names_suffix_is_the_one_pathlib_gives(name: str) -> None:
    assert _suffix(name) == PurePosixPath(name).suffix
    assert _stem(name) == PurePosixPath(name).stem


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab./ \\\u00e9", max_size=8))
def test_any_names_suffix_and_stem_are_the_ones_pathlib_gives(name: str) -> None:
    assert (_suffix(name), _stem(name)) == (PurePosixPath(name).suffix, PurePosixPath(name).stem)


@pytest.mark.parametrize("data_dir", [FIXTURES / "good", SHIPPED], ids=lambda p: p.name)
def test_the_graph_folds_its_terms_as_normalize_term_does(data_dir: Path) -> None:
    files = dict(data_files(data_dir))
    cache = LoadCache()
    for graph in (
        load_graph(data_dir),
        load_files(files, cache=cache),
        load_files(files, cache=cache),
    ):
        for cid, concept in graph.concepts.items():
            assert graph.forms(cid) == tuple(
                normalize_term(t) for t in (concept.label, *concept.aliases, cid)
            )
        assert graph.terms() == load_graph(data_dir).terms()


def test_a_control_character_in_a_source_text_is_told_at_its_line(copy_of_good: Path) -> None:
    _edit(
        copy_of_good / "sources/primer.txt",
        "A mesa-optimizer is itself",
        "A mesa-optimizer\x0b is itself",
    )
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("data/sources/primer.txt", 5)
    assert "RDF/XML" in problem.hint


@pytest.mark.parametrize(
    "aliases",
    [
        '["Mesa Optimizer", mesa_optimizers, mesa-optimiser, MESA OPTIMISERS]',
        '["L\\u00f6b\'s theorem", "Lob\'s theorem"]',  # a diacritic shows
        '[naive optimizer, "na\\u00efve optimizer"]',
        "[GPT-2, GPT-3, learned optimizer, learnt optimizer]",
    ],
)
def test_names_that_differ_visibly_or_only_in_spelling_are_kept(
    copy_of_good: Path, aliases: str
) -> None:
    _edit(
        copy_of_good / "concepts/mesa-optimizer.yaml",
        "aliases: [mesa optimizer, learned optimizer]",
        f"aliases: {aliases}",
    )
    assert load_graph(copy_of_good).concept("mesa-optimizer").aliases


def test_no_two_shipped_concepts_have_names_with_one_skeleton() -> None:
    """Unicode TS #39: names of different concepts never look alike, and names of one
    concept that do are spellings of one term."""
    named: dict[str, set[tuple[str, str]]] = {}
    for concept in load_graph(SHIPPED).concepts.values():
        for term in (concept.id, concept.label, *concept.aliases):
            named.setdefault(skeleton(term), set()).add((concept.id, normalize_term(term)))
    assert len(named) > 250
    assert all(len(owners) == 1 for owners in named.values()), [
        owners for owners in named.values() if len(owners) > 1
    ]


# -- the fast parser (yaml-rs) and PyYAML's line-tracking reader read alike


def _tracked(text: str) -> tuple[object, list[tuple[tuple[str | int, ...], int]]]:
    """What the line-tracking reader (PyYAML) makes of ``text``: it tracks lines when
    given a mapping for them, and then never takes the fast path."""
    return parse_yaml(text, {})


def _yaml_files() -> list[Path]:
    return sorted(p for p in [*SHIPPED.rglob("*.yaml"), *FIXTURES.rglob("*.yaml")] if p.is_file())


def test_the_fast_parser_reads_every_shipped_and_fixture_file_as_pyyaml_does() -> None:
    fast = 0
    for path in _yaml_files():
        text = path.read_text("utf-8")
        got = kg.yamlread.fast_load(text)
        if got is None:
            continue
        fast += 1
        data, dupes = _tracked(text)
        assert got[0] == data and dupes == [], path
    assert fast >= 50  # most shipped concept files take the fast path


def test_the_fast_parser_reads_generated_files_as_pyyaml_does(tmp_path: Path) -> None:
    from bench.generate import generate

    root = generate(tmp_path / "gen", 400, 2000, seed=3)
    texts = [p.read_text("utf-8") for p in sorted((root / "concepts").glob("*.yaml"))]
    for text in texts:
        got = kg.yamlread.fast_load(text)
        assert got is not None, text  # generated files are plain: all take the fast path
        assert got[0] == _tracked(text)[0]


@pytest.mark.parametrize(
    "text",
    [
        "plural: yes\n",  # YAML 1.1 booleans are strings to YAML 1.2
        "a: on\n",
        "yes: 1\n",
        "n: 012\n",  # octal in 1.1, decimal in 1.2
        "n: 0o12\n",  # a string in 1.1
        "n: 1e3\n",  # a string in 1.1, a float in 1.2
        "n: 1_000\n",
        "t: 1:20\n",  # sexagesimal
        "when: 2019-06-05\n",  # a date in 1.1
        "a: =\n",  # PyYAML's value key, which safe loading refuses
        "a: !custom x\n",  # an unknown tag, which safe loading refuses
        "a: !!binary aGk=\n",
        "a: &x [1]\nb: *x\n",
        "base: &b {k: 1}\nc:\n  <<: *b\n  j: 2\n",  # a merge key
        "a: 1\na: 2\n",  # a duplicate key: PyYAML reports it with its line
        "a: {b: 1, b: 2}\n",
        "\ufeffa: 1\n",  # a byte order mark
        "a: 'x\x85y'\n",  # NEL: a line break to YAML 1.1
        "a: 'x\x07y'\n",  # a control character, which PyYAML refuses
        "a: x\ty\n",
        "a: 'x'\n---\nb: 2\n",  # two documents
        "...\na: b\n",
        "%YAML 1.1\n---\na: yes\n",
        "a: [b?c]\n",  # a ? ends a plain scalar in a YAML 1.1 flow collection
        "a: [?b]\n",
        "a: [b:, c]\n",
        "a: {:x}\n",
        "a: |\n",  # an empty block scalar
        "a: |+\n  x\n\n",
        "a: >2\n   x\n",
        "a: >\n  x",  # a block scalar that ends the file without a line break
        "a: >-\n  x\n\nb: y\n",  # an empty line at the end of a block
        "a: |\n  x\n    y\n",  # a deeper line
        "- a\n- b\n",  # not a mapping
        "k" * 600 + ": v\n",
        "a: '" + "é" * 3 + '\'\nb: "x\\ty"\n',  # an escape in a double-quoted string
    ],
)
def test_the_fast_parser_leaves_to_pyyaml_what_yaml_1_1_reads_otherwise(text: str) -> None:
    assert kg.yamlread.fast_load(text) is None
    try:
        expected = _tracked(text)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            parse_yaml(text)
        return
    assert parse_yaml(text) == expected


def test_a_duplicate_key_is_still_reported_at_its_line_with_the_fast_parser(
    copy_of_good: Path,
) -> None:
    path = copy_of_good / "concepts" / "evolution.yaml"
    text = path.read_text("utf-8")
    assert kg.yamlread.fast_load(text) is not None  # the file takes the fast path
    path.write_text(text + "kind: optimizer\n", "utf-8")
    with pytest.raises(DataError) as caught:
        load_graph(copy_of_good)
    assert [(p.file, p.line, p.message) for p in caught.value.problems] == [
        (
            "data/concepts/evolution.yaml",
            len(text.splitlines()) + 1,
            "duplicate key 'kind'; YAML keeps only the last one",
        )
    ]


_WORDS = ["alpha", "beta", "it's", "no", "yes", "on", "x y", "?", ":", "a:b", "#", "-", "'",
          '"', ",", "[", "]", "{", "}", "|", ">", "é", "1", "2019", ".", "...", "~", "null",
          "true", "=", "%", "a?", "\u00a0", "*"]  # fmt: skip


@st.composite
def _yaml_texts(draw: st.DrawFn) -> str:
    """Texts shaped like data files (mappings, lists of mappings, every scalar style,
    block scalars with odd indentation and empty lines, flow lists), then mutated."""
    words = st.sampled_from(_WORDS) | st.sampled_from(["mesa", "optimizer", "goal"])
    phrase = st.lists(words, min_size=1, max_size=5).map(" ".join)

    def scalar(indent: int) -> str:
        style = draw(st.integers(0, 7))
        if style == 0:
            return draw(words)
        if style == 1:
            return "'" + draw(phrase).replace("'", "''") + "'"
        if style == 2:  # over two lines
            gap = " " * (indent + draw(st.sampled_from([0, 1, 2, 4])))
            return "'" + draw(phrase).replace("'", "''") + "\n" + gap + draw(phrase) + "'"
        if style in (3, 4):
            header = draw(st.sampled_from([">-", ">", "|-", "|", "|+", ">2", ">- # c"]))
            body = indent + draw(st.sampled_from([2, 2, 4, 1, 0]))
            lines = [
                draw(st.sampled_from(["", " " * body + draw(phrase), " " * (body + 1) + "x"]))
                for _ in range(draw(st.integers(0, 3)))
            ]
            return header + "".join("\n" + line for line in lines)
        if style == 5:
            items = draw(st.lists(phrase.map(lambda s: "'" + s.replace("'", "''") + "'")))
            return "[" + ", ".join(items) + "]"
        if style == 6:
            return '"' + draw(phrase).replace('"', "").replace("\\", "") + '"'
        return ""

    def mapping(indent: int, depth: int) -> str:
        out = []
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(["label", "kind", "quote", "a", "yes"]))
            if depth < 2 and draw(st.booleans()):
                out.append(" " * indent + key + ":\n" + listing(indent + 2, depth + 1))
            else:
                out.append(" " * indent + key + ": " + scalar(indent))
        return "\n".join(out)

    def listing(indent: int, depth: int) -> str:
        items = [mapping(indent + 2, depth + 1) for _ in range(draw(st.integers(1, 2)))]
        return "\n".join(" " * indent + "- " + item.lstrip(" ") for item in items)

    text = mapping(0, 0) + draw(st.sampled_from(["", "\n"]))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([" ", "\n", "-", ":", "'", "#", "?"])) + text[at:]
    return text


@settings(max_examples=400, deadline=None)
@given(_yaml_texts())
def test_whatever_the_fast_parser_reads_pyyaml_reads_the_same(text: str) -> None:
    got = kg.yamlread.fast_load(text)
    if got is None:
        return
    data, dupes = _tracked(text)  # raises if PyYAML refuses what yaml-rs took
    assert dupes == []
    assert got[0] == data


def test_clean_data_never_looks_up_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line is looked up (which parses the file again, with PyYAML) only for a problem:
    the shipped data, with its notes, modalities, works and descriptions, has none."""
    asked: list[tuple[object, ...]] = []
    of = kg.yamlread.Lines.of

    def counted(self: kg.yamlread.Lines, path: tuple[str | int, ...]) -> int:
        asked.append(path)
        return of(self, path)

    monkeypatch.setattr(kg.yamlread.Lines, "of", counted)
    graph = load_graph(SHIPPED)
    assert any(r.note for r in graph.relations) and any(r.modality for r in graph.relations)
    assert any(c.work for c in graph.concepts.values())
    assert any(c.described_as for c in graph.concepts.values())
    assert asked == []


@pytest.mark.parametrize("source", ["shipped", "generated"])
def test_loaded_concepts_are_what_pydantic_makes_of_their_fields(
    source: str, tmp_path: Path
) -> None:
    """The loader makes each concept without pydantic checking its fields again (they
    are checked by the rules): the same model as pydantic's, field by field."""
    from bench.generate import generate
    from kg.model import Concept

    root = SHIPPED if source == "shipped" else generate(tmp_path / "gen", 200, 800, seed=4)
    graph = load_graph(root)
    assert len(graph.concepts) > 50
    for concept in graph.concepts.values():
        fields = {name: getattr(concept, name) for name in Concept.model_fields}
        made = Concept(**fields)
        assert made == concept and made.model_fields_set == concept.model_fields_set
        assert made.model_dump() == concept.model_dump()
        for name in Concept.model_fields:
            assert type(getattr(made, name)) is type(getattr(concept, name)), name
