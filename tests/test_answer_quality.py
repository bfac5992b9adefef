"""The answer-quality suite: questions and relate pairs from tests/quality/cases.yaml, each
with what a correct answer must (and must not) say, plus what every answer must be:
numbered, verbatim, cited claim by claim, nothing told twice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.ask import ask
from kg.explain import Footnotes, relate_answer
from kg.graph import KnowledgeGraph
from kg.paths import relate

CASES = yaml.safe_load((Path(__file__).parent / "quality" / "cases.yaml").read_text("utf-8"))
ASK: list[dict[str, Any]] = CASES["ask"]
RELATE: list[dict[str, Any]] = CASES["relate"]
_MARK = re.compile(r"\[\^\d+\](?!:)")


def _has(text: str, phrase: str) -> bool:
    return phrase.lower() in _MARK.sub("", text).lower()


def _body(answer: str) -> str:
    return answer.split("\n[^1]:")[0] if "\n[^1]:" in answer else answer


def check_answer(graph: KnowledgeGraph, answer: str, notes: Footnotes) -> None:
    """What holds of every answer, whatever it is about."""
    body = _body(answer)
    used = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", body)]
    assert list(dict.fromkeys(used)) == list(range(1, len(notes.items) + 1)), (
        "footnotes are numbered in order of first use"
    )
    for item in notes.items:
        c = item.citation
        assert graph.source_text(c.source)[c.start : c.end] == c.quote
        assert f"[^{item.n}]: " in answer
    # every sentence that makes a claim ends in its footnotes; headings end in ':'
    for line in filter(None, body.splitlines()):
        text = line.lstrip("-0123456789. ").strip()
        if text.endswith((":", "?")):
            continue  # a heading, or a question the answer suggests
        if (
            "records no" in text
            or "has no entry" in text
            or "does not say so" in text
            or text.startswith(("The question names", "Also called:", "The graph covers"))
        ):
            continue
        # a quoted passage is one claim however many sentences it holds
        text = re.sub(r"\u201c[^\u201d]*\u201d", "\u201cquote\u201d", text)
        for part in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", text):
            if part.startswith("**") and part.endswith(".**"):
                continue  # a verdict or a choice, which the sentence after it supports
            assert re.search(r"\[\^\d+\][.!?]?$", part), f"uncited: {part!r}"
    # nothing is told twice: no two lines state the same first sentence
    heads = [
        re.split(r"(?<=[.!?])(?:\[\^\d+\])*\s", _MARK.sub("", line.lstrip("-0123456789. ")))[0]
        for line in body.splitlines()
        if line and not line.endswith(":")
    ]
    assert len(heads) == len(set(heads)), "a statement is told twice"


@pytest.mark.parametrize("case", ASK, ids=[c["q"] for c in ASK])
def test_ask(shipped: KnowledgeGraph, case: dict[str, Any]) -> None:
    a = ask(shipped, case["q"])
    assert a.intent == case["intent"]
    if "verdict" in case:
        assert a.verdict == case["verdict"]
        label = {
            "yes": "**Yes",
            "no": "**No",
            "not_necessarily": "**Not necessarily",
            "partly": "**Partly",
            "possibly": "**Possibly",
            "unknown": "**The glossary does not say so",
        }[case["verdict"]]
        assert a.answer.startswith(label), a.answer[:80]
    else:
        assert a.verdict is None
    for cid in case.get("concepts", []):
        assert cid in a.concepts
    if case.get("concepts"):
        assert a.concepts[: len(case["concepts"])] == case["concepts"]
    first = _body(a.answer).split("\n\n")[0]
    for phrase in case.get("first", []):
        assert _has(first, phrase), (phrase, first)
    for phrase in case.get("must", []):
        assert _has(a.answer, phrase), phrase
    for phrase in case.get("must_not", []):
        assert not _has(a.answer, phrase), phrase
    if a.intent != "unknown":
        assert a.notes.items, "an answer makes claims, and every claim is cited"
    check_answer(shipped, a.answer, a.notes)


@pytest.mark.parametrize("case", RELATE, ids=[f"{c['x']}~{c['y']}" for c in RELATE])
def test_relate(shipped: KnowledgeGraph, case: dict[str, Any]) -> None:
    r = relate(shipped, case["x"], case["y"])
    answer, notes = relate_answer(shipped, r)
    types = {rel.type for rel in r.direct}
    assert types == set(case["direct"]) if not case["direct"] else set(case["direct"]) <= types
    first = _body(answer).split("\n\n")[0]
    if r.direct:
        assert not _has(answer, "not directly related")
        lead = sorted(r.direct, key=lambda rel: rel.negated or rel.type == "insufficient_against")
        # the answer opens with a direct relation and its note
        assert any(
            rel.note and _has(first, rel.note.split(";")[0].split(":")[0][:40]) for rel in lead
        ), first
    for phrase in case.get("first", []):
        assert _has(first, phrase), (phrase, first)
    for phrase in case.get("must", []):
        assert _has(answer, phrase), phrase
    for phrase in case.get("must_not", []):
        assert not _has(answer, phrase), phrase
    check_answer(shipped, answer, notes)


def test_the_suite_is_as_big_as_promised() -> None:
    assert len(ASK) >= 40 and len(RELATE) >= 25
    assert len({c["q"] for c in ASK}) == len(ASK)
