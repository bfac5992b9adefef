"""GET /v1/ask answers a question that describes a concept with intent describe, in the
same shape as every other answer."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_ask_names_the_described_term(live: TestClient) -> None:
    q = "What do you call it when a model pretends to be aligned until deployment?"
    r = live.get("/v1/ask", params={"q": q})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["intent"] == "describe"
    assert body["concepts"][0] == "deceptive-alignment"
    assert body["answer"].startswith("What you describe is closest to **deceptive alignment**")
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    for c in body["citations"]:
        text = live.get(f"/v1/sources/{c['source']}/text").text
        assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_still_says_unknown_for_what_the_graph_lacks(live: TestClient) -> None:
    body = live.get("/v1/ask", params={"q": "What do you call the fear of spiders?"}).json()
    assert body["intent"] == "unknown"
