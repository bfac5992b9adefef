"""/v1/ask says which of its citations quote draft material kept with a source (see
tests/kg/test_draft_quotes.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

QUESTION = "can inner and outer misalignment happen simultaneously?"


def test_ask_over_http_says_which_citations_are_draft(live: TestClient) -> None:
    body = live.get("/v1/ask", params={"q": QUESTION}).json()
    assert any(c["draft"] for c in body["citations"])
    assert not all(c["draft"] for c in body["citations"])
