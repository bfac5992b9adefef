"""GET /v1/search?mode=name|describe|auto: the name search unchanged by default, a search
by description, and name first with description as the fallback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

DESCRIPTION = "pretends to be aligned until it is deployed"


def _get(live: TestClient, **params: str | int) -> dict[str, object]:
    r = live.get("/v1/search", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_name_is_the_default_and_answers_as_before(live: TestClient) -> None:
    default = _get(live, q="mesa optimisers")
    assert _get(live, q="mesa optimisers", mode="name") == default
    results = default["results"]
    assert isinstance(results, list)
    # the same fields as ever, and no others: clients of the name search see no change
    assert all(set(h) == {"id", "label", "kind", "score", "match", "matched"} for h in results)
    assert results[0]["id"] == "mesa-optimizer" and results[0]["match"] == "label"


def test_describe_finds_a_concept_by_its_description(live: TestClient) -> None:
    body = _get(live, q=DESCRIPTION, mode="describe")
    results = body["results"]
    assert isinstance(results, list) and results
    top = results[0]
    assert top["id"] in ("deceptive-alignment", "deception")
    assert top["match"] == "description"
    assert top["matched"] == top["label"]
    assert top["field"] in ("label", "alias", "definition", "note", "quote")
    assert "pretend" in top["evidence"].lower()
    assert all(0 < h["score"] <= 1 for h in results)
    # the evidence is the graph's own text about the concept
    concept = live.get(f"/v1/concepts/{top['id']}").json()
    texts = [concept["definition"], *concept["aliases"], concept["label"]]
    texts += [c["quote"] for c in concept["citations"]]
    texts += [c["quote"] for s in concept["relations"] for c in s["citations"]]
    assert top["field"] == "note" or top["evidence"] in texts


def test_a_which_kind_question_says_what_the_kind_was_reached_from(live: TestClient) -> None:
    """A description asking which kind of thing something is answers with the kind and
    `via`, the concept asked about; other hits carry no `via`."""
    results = _get(live, q="What kind of optimizer is evolution?", mode="describe")["results"]
    assert isinstance(results, list) and results
    top = results[0]
    assert (top["id"], top["via"], top["field"]) == ("base-optimizer", "evolution", "note")
    evolution = live.get("/v1/concepts/evolution").json()
    notes = [r.get("note") for r in evolution["relations"]]
    assert top["evidence"] in notes
    plain = _get(live, q=DESCRIPTION, mode="describe")["results"]
    assert isinstance(plain, list) and all("via" not in h for h in plain)


def test_describe_answers_nothing_when_nothing_fits(live: TestClient) -> None:
    for q in ("What is the capital of France?", "reward modelling", "the alignment tax"):
        assert _get(live, q=q, mode="describe")["results"] == []


def test_describe_takes_kind_and_limit(live: TestClient) -> None:
    q = "an optimizer that produces another optimizer during training"
    results = _get(live, q=q, mode="describe", kind="optimizer", limit=2)["results"]
    assert isinstance(results, list) and 1 <= len(results) <= 2
    assert all(h["kind"] == "optimizer" for h in results)


def test_auto_uses_names_first(live: TestClient) -> None:
    assert _get(live, q="mesa", mode="auto") == _get(live, q="mesa")
    # a typo stays a name search when the text describes nothing
    typo = _get(live, q="mesa optimzer", mode="auto")["results"]
    assert isinstance(typo, list) and typo[0]["match"] == "fuzzy"


def test_auto_falls_back_to_description(live: TestClient) -> None:
    results = _get(live, q=DESCRIPTION, mode="auto")["results"]
    assert isinstance(results, list)
    assert results[0]["match"] == "description"
    assert results[0]["id"] in ("deceptive-alignment", "deception")
    assert _get(live, q="What is the capital of France?", mode="auto")["results"] == []


@pytest.mark.parametrize("mode", ["", "names", "DESCRIBE", "fuzzy"])
def test_an_unknown_mode_is_a_clear_4xx(live: TestClient, mode: str) -> None:
    r = live.get("/v1/search", params={"q": "mesa", "mode": mode})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "mode" in r.json()["detail"]


def test_describe_keeps_the_bounds_of_q(live: TestClient) -> None:
    r = live.get("/v1/search", params={"q": "x" * 201, "mode": "describe"})
    assert r.status_code == 422
    odd = _get(live, q='"NEAR( AND * ^ ((', mode="describe")
    assert odd["results"] == []
