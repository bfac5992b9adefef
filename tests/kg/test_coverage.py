"""kg coverage: which source sentences back the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.coverage import EXEMPT_FILE, coverage, load_exemptions, sentences
from kg.errors import DataError
from kg.load import load_graph

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("One. Two! Three? four.", ["One.", "Two!", "Three? four."]),
        ('---\ntitle: "x"\nurl: y\n---\n\nBody. More.', ["Body.", "More."]),
        ("A heading\n\n- a list item\n- another", ["A heading", "- a list item", "- another"]),
        (
            "Most organisms (e.g. plants) rely on rules. \u201cQuoted.\u201d Next",
            ["Most organisms (e.g. plants) rely on rules.", "\u201cQuoted.\u201d", "Next"],
        ),
        ("---\n***\n\n", []),
    ],
)
def test_sentences_split_on_ends_and_line_breaks(text: str, wanted: list[str]) -> None:
    found = sentences(text)
    assert [s.text for s in found] == wanted
    assert all(text[s.start : s.end] == s.text for s in found)


def _data(tmp_path: Path, good_dir: Path, exempt: str) -> Path:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(good_dir, root)
    (root / EXEMPT_FILE).write_text(exempt, encoding="utf-8")
    return root


def test_each_sentence_is_covered_exempt_or_uncovered(tmp_path: Path, good_dir: Path) -> None:
    root = _data(tmp_path, good_dir, "primer:\n  - quote: A primer for tests.\n    why: a title\n")
    g = load_graph(root)
    [report] = coverage(g, load_exemptions(root / EXEMPT_FILE, g))
    assert [s.text for s, _ in report.exempt] == ["A primer for tests."]
    assert [why for _, why in report.exempt] == ["a title"]
    assert "Everything here relates to optimization in some way." in [
        s.text for s in report.covered
    ]
    # "Outer alignment is about the base objective." is cited over a line break
    assert [s.text for s in report.uncovered] == []
    assert report.total == len(sentences(g.source_text("primer")))
    assert report.substantive_share == 1.0


def test_an_uncovered_sentence_is_reported_and_fails_strict(
    tmp_path: Path, good_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data(tmp_path, good_dir, "")
    assert main(["coverage", "--data", str(root)]) == 0
    out = capsys.readouterr().out
    assert "uncovered @0: A primer for tests." in out
    assert "primer: 15 of 16 sentences covered (94%); 0 carry no claim" in out
    assert main(["coverage", "--data", str(root), "--strict", "--quiet"]) == 1
    assert "uncovered" not in capsys.readouterr().out


def test_an_exemption_must_quote_its_source(tmp_path: Path, good_dir: Path) -> None:
    root = _data(
        tmp_path,
        good_dir,
        "primer:\n  - quote: A primer for rests.\n    why: t\nnope:\n  - quote: x\n    why: y\n",
    )
    g = load_graph(root)
    with pytest.raises(DataError) as caught:
        load_exemptions(root / EXEMPT_FILE, g)
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "primer: passage not found: 'A primer for rests.'",
        "unknown source or source without text 'nope'",
    ]
    assert "A primer for tests." in caught.value.problems[0].hint


def test_every_sentence_of_the_sources_with_a_claim_is_covered() -> None:
    """The graph records every substantive claim: each sentence is cited, or listed in
    data/coverage.yaml as carrying no claim."""
    g = load_graph(ROOT / "data")
    reports = coverage(g, load_exemptions(ROOT / "data" / EXEMPT_FILE, g))
    assert {r.source for r in reports} == {s for s, src in g.sources.items() if src.has_text}
    uncovered = [(r.source, s.text) for r in reports for s in r.uncovered]
    assert uncovered == []
