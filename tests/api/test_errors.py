from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def _problem(client: TestClient, method: str, url: str, status: int) -> dict[str, Any]:
    r = client.request(method, url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status
    return dict(body)


def test_unknown_concept(client: TestClient) -> None:
    assert _problem(client, "GET", "/v1/concepts/mesa-optimzer", 404) == {
        "type": "http://testserver/problems/concept-not-found",
        "title": "Concept not found",
        "status": 404,
        "detail": "No concept matches 'mesa-optimzer'.",
        "term": "mesa-optimzer",
        "suggestions": [
            {"id": "mesa-optimizer", "label": "mesa-optimizer", "kind": "optimizer"},
            {"id": "base-optimizer", "label": "base optimizer", "kind": "optimizer"},
            {"id": "optimizer", "label": "optimizer", "kind": "optimizer"},
        ],
    }


def test_label_or_alias_in_place_of_an_id_redirects(client: TestClient) -> None:
    r = client.get("/v1/concepts/learned optimisers", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/v1/concepts/mesa-optimizer"
    assert client.get("/v1/concepts/Natural Selection").json()["id"] == "evolution"


def test_unknown_term_in_relate(client: TestClient) -> None:
    body = _problem(client, "GET", "/v1/relate?x=evolutoin thing&y=humans", 404)
    assert body["param"] == "x" and body["title"] == "Concept not found"
    assert body["detail"] == "No concept matches 'evolutoin thing' (parameter 'x')."
    assert [s["id"] for s in body["suggestions"]][:1] == ["evolution"]


def test_ambiguous_term(client: TestClient) -> None:
    body = _problem(client, "GET", "/v1/relate?x=mesa&y=humans", 404)
    assert body["title"] == "Ambiguous term"
    assert [s["id"] for s in body["suggestions"]] == [
        "mesa-objective",
        "mesa-optimizer",
    ]


def test_same_concept_twice(client: TestClient) -> None:
    assert _problem(client, "GET", "/v1/relate?x=evolution&y=natural selection", 400) == {
        "type": "http://testserver/problems/invalid-query",
        "title": "Invalid query",
        "status": 400,
        "detail": "x and y both name 'evolution'; relate needs two different concepts.",
    }


def test_missing_parameter(client: TestClient) -> None:
    assert _problem(client, "GET", "/v1/relate?y=inner-alignment", 422) == {
        "type": "http://testserver/problems/invalid-request",
        "title": "Invalid request",
        "status": 422,
        "detail": "query parameter 'x': Field required",
        "errors": [{"where": "query parameter 'x'", "message": "Field required"}],
    }


@pytest.mark.parametrize(
    "url",
    [
        "/v1/search?q=mesa&limit=100000",
        "/v1/search?q=mesa&limit=0",
        "/v1/search?q=",
        "/v1/search",
        "/v1/search?q=" + "a" * 201,
        "/v1/search?q=mesa&limit=ten",
        "/v1/relate?x=humans&y=evolution&max_hops=7",
        "/v1/relate?x=humans&y=evolution&max_hops=0",
        "/v1/relate?x=humans&y=evolution&limit=21",
        "/v1/relate?x=&y=evolution",
        "/v1/concepts?limit=501",
        "/v1/concepts?offset=-1",
        "/v1/concepts/humans/neighbors?depth=4",
        "/v1/concepts/humans/neighbors?depth=0",
    ],
)
def test_out_of_bounds_parameters(client: TestClient, url: str) -> None:
    body = _problem(client, "GET", url, 422)
    assert body["title"] == "Invalid request" and body["errors"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        (
            "/v1/concepts?kind=optimiser",
            "Unknown kind 'optimiser'; kinds are optimizer, objective, problem, alignment_mode, "
            "failure_mode, technique, example, concept, work, person. did you mean 'optimizer'?",
        ),
        ("/v1/search?q=mesa&kind=optimiser", "Unknown kind 'optimiser'. did you mean 'optimizer'?"),
        (
            "/v1/concepts/humans/neighbors?types=produce",
            "Unknown relation type 'produce'. did you mean 'produces'?",
        ),
    ],
)
def test_unknown_vocabulary(client: TestClient, url: str, detail: str) -> None:
    assert _problem(client, "GET", url, 400)["detail"] == detail


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/v1/sources/nope", "Source not found"),
        ("/v1/sources/nope/text", "Source not found"),
        ("/v1/sources/the-paper/text", "Source has no text"),
        ("/v1/concepts/nope/neighbors", "Concept not found"),
        ("/v1/concepts/nope/hierarchy", "Concept not found"),
    ],
)
def test_not_found(client: TestClient, url: str, title: str) -> None:
    assert _problem(client, "GET", url, 404)["title"] == title


def test_unknown_route_and_method(client: TestClient) -> None:
    assert _problem(client, "GET", "/v1/nothing-here", 404) == {
        "type": "http://testserver/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No endpoint at /v1/nothing-here.",
    }
    assert (
        _problem(client, "DELETE", "/v1/search", 405)["detail"]
        == "DELETE is not allowed on /v1/search."
    )
    # a write route of a server without a store says why it cannot write
    assert (
        _problem(client, "DELETE", "/v1/concepts/humans", 405)["type"]
        == "http://testserver/problems/read-only"
    )


def test_still_healthy_after_bad_input(client: TestClient) -> None:
    for url in [
        "/v1/relate?x=%00&y=%ff",
        "/v1/search?q=%F0%9F%92%A9",
        "/v1/concepts/..%2F..",
        "/v1/search?q=" + "(" * 150,
        "/v1/concepts/%20",
    ]:
        assert client.get(url).status_code < 500
    assert client.get("/v1/health").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "status", "title"),
    [
        ("GET", "/concepts/mesa-optimzer", 404, "Concept not found"),
        ("GET", "/sources/no-such-source", 404, "Source not found"),
        ("GET", "/concepts/mesa-optimizer?depth=3", 422, "Invalid request"),
        ("GET", "/search?q=" + "a" * 201, 422, "Invalid request"),
        ("POST", "/concepts/mesa-optimizer", 405, "Method not allowed"),
    ],
)
def test_an_error_of_a_page_is_an_html_page(
    client: TestClient, method: str, url: str, status: int, title: str
) -> None:
    r = client.request(method, url)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert f"<title>{title} · " in r.text and f"<h1>{title}</h1>" in r.text
    if "/sources/" in url:  # it used to say "Concept not found"
        assert "No source with id 'no-such-source'" in unescape(r.text)
        assert "oncept" not in r.text.split("<main", 1)[1]
    if status == 405:
        assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_the_api_answers_problems_whatever_the_accept(
    client: TestClient,
) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for url, status in [
        ("/v1/concepts/mesa-optimzer", 404),
        ("/v1/sources/nope", 404),
        ("/v1/concepts?limit=0", 422),
    ]:
        r = client.get(url, headers=browser)
        assert (r.status_code, r.headers["content-type"]) == (status, PROBLEM), url
