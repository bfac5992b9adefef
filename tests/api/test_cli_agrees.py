"""The `kg` command and the HTTP API give the same answers to the same requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.cli import main


def test_ask_json_is_the_api_answer(live: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    question = "How does inner alignment relate to outer alignment?"
    assert main(["ask", "--json", question]) == 0
    printed = json.loads(capsys.readouterr().out)
    served = live.get("/v1/ask", params={"q": question}).json()
    assert printed == served
    assert served["citations"] and served["citations"][0]["n"] == 1
    # the concepts as references too, beside the ids clients already read
    assert [r["id"] for r in served["concept_refs"]] == served["concepts"]
    assert served["concept_refs"][0] == {
        "id": "inner-alignment",
        "label": "inner alignment",
        "kind": live.get("/v1/concepts/inner-alignment").json()["kind"],
    }


def test_an_ambiguous_term_offers_the_same_candidates(
    live: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "inner"]) == 2
    listed = capsys.readouterr().err.split("did you mean: ")[1].strip().split(", ")
    assert len(listed) > 1
    r = live.get("/v1/concepts/inner", follow_redirects=False)
    assert r.status_code == 404
    body = r.json()
    assert body["type"].endswith("/problems/ambiguous-term")
    assert [s["id"] for s in body["suggestions"]] == listed
    page = live.get("/concepts/inner", headers={"Accept": "text/html"})
    assert page.status_code == 404
    for cid in listed:
        assert f'href="/concepts/{cid}"' in page.text


def test_annotate_marks_each_concept_once_by_default_everywhere(
    live: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "A mesa-optimizer is learned. Every mesa-optimizer pursues a mesa-objective."
    served = live.post("/v1/annotate", json={"text": text}).json()["annotations"]
    assert [a["id"] for a in served] == ["mesa-optimizer", "mesa-objective"]
    path = tmp_path / "text.txt"
    path.write_text(text, "utf-8")
    assert main(["annotate", str(path)]) == 0
    printed = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(int(s), int(e), cid) for s, e, cid, _ in printed] == [
        (a["start"], a["end"], a["id"]) for a in served
    ]
    assert main(["annotate", str(path), "--no-first-only"]) == 0
    assert [ln.split("\t")[2] for ln in capsys.readouterr().out.splitlines()] == [
        "mesa-optimizer",
        "mesa-optimizer",
        "mesa-objective",
    ]
