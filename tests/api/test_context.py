"""GET /v1/context: the grounded context for language-model FAQ bots, as JSON or as its
text alone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.ask import MAX_QUESTION
from kg.context import MAX_BUDGET, MIN_BUDGET, build_context, estimate_tokens
from kg.graph import KnowledgeGraph

PROBLEM = "application/problem+json"
Q = "Does solving outer alignment solve inner alignment?"


def test_context_as_json(live: TestClient, shipped: KnowledgeGraph) -> None:
    r = live.get("/v1/context", params={"q": Q, "budget": 600})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["vary"] == "Accept"
    body = r.json()
    assert body == build_context(shipped, Q, budget=600).model_dump(mode="json")
    assert body["budget"] == 600 and 0 < body["tokens"] <= 600
    assert body["tokens"] == estimate_tokens(body["text"])
    assert body["named"][:2] == ["outer-alignment", "inner-alignment"]
    for quote in body["quotes"]:
        text = live.get(f"/v1/sources/{quote['source']}/text").text
        assert text[quote["start"] : quote["end"]] == quote["text"]


def test_context_as_text(live: TestClient) -> None:
    r = live.get("/v1/context", params={"q": Q}, headers={"Accept": "text/plain"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["vary"] == "Accept"
    whole = live.get("/v1/context", params={"q": Q}).json()
    assert r.text == whole["text"] and whole["budget"] == 1000
    assert r.text.startswith("Definitions:\n- outer alignment (problem")
    assert '\nQuotes:\n[1] "' in r.text and "\nSources:\n" in r.text
    # the client's preference decides; JSON by default
    both = "text/plain;q=0.5, application/json"
    assert live.get("/v1/context", params={"q": Q}, headers={"Accept": both}).json() == whole


def test_a_question_the_graph_cannot_ground(live: TestClient) -> None:
    r = live.get("/v1/context", params={"q": "What is the alignment tax?"})
    assert r.status_code == 200
    body = r.json()
    assert body["missing"] == ["alignment tax"] and body["concepts"] == []
    assert "no entry for \u201calignment tax\u201d" in body["text"]


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"q": Q, "budget": MIN_BUDGET - 1}, "budget"),
        ({"q": Q, "budget": MAX_BUDGET + 1}, "budget"),
        ({"q": Q, "budget": "lots"}, "budget"),
        ({"q": "x" * (MAX_QUESTION + 1)}, "'q'"),
        ({"q": ""}, "'q'"),
        ({"budget": 500}, "'q'"),
    ],
)
def test_bad_parameters_are_a_422(live: TestClient, params: dict[str, object], where: str) -> None:
    r = live.get("/v1/context", params=params)  # type: ignore[arg-type]
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["type"].endswith("/invalid-request")
    assert where in r.json()["detail"]


def test_a_blank_question_is_a_400(live: TestClient) -> None:
    r = live.get("/v1/context", params={"q": "   "})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    assert r.json()["detail"] == "The question is empty."


def test_an_accept_header_it_cannot_serve_is_a_406(live: TestClient) -> None:
    r = live.get("/v1/context", params={"q": Q}, headers={"Accept": "text/html"})
    assert r.status_code == 406 and r.headers["content-type"] == PROBLEM
    assert "text/plain" in r.json()["detail"]


def test_the_openapi_document_offers_both_media_types(live: TestClient) -> None:
    get = live.get("/openapi.json").json()["paths"]["/v1/context"]["get"]
    assert set(get["responses"]["200"]["content"]) == {"application/json", "text/plain"}
    assert {"400", "406", "422"} <= set(get["responses"])
    budget = next(p for p in get["parameters"] if p["name"] == "budget")
    assert (budget["schema"]["minimum"], budget["schema"]["maximum"]) == (MIN_BUDGET, MAX_BUDGET)
