"""POST /v1/verify: the quotations of a model's answer checked against the sources."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api import urls
from api.app import create_app
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph
from kg.verify import MAX_QUOTES, MIN_QUOTE_WORDS, NEAR_THRESHOLD

PROBLEM = "application/problem+json"
ANSWER = (
    "According to the FAQ, \u201cInner alignment is the problem of making sure that the goal "
    "an AI ends up pursuing is the same as the goal we optimized it for.\u201d It calls SGD "
    'the "base optimizer" and adds: "This is a failure of outer alignment."\n\n'
    "> mesa is the opposite of meta\n\n"
    'Miles also says "every sufficiently large neural network will become a '
    'mesa-optimizer."'
)


def test_the_answer_has_every_quotation_with_links(live: TestClient) -> None:
    r = live.post("/v1/verify", json={"text": ANSWER})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"quotes", "terms", "glossary", "summary"}
    assert body["summary"] == {"quotes": 4, "exact": 2, "near": 1, "not_found": 1, "terms": 1}
    exact, near, block, invented = body["quotes"]
    assert [q["status"] for q in body["quotes"]] == ["exact", "near", "exact", "not_found"]
    assert [q["style"] for q in body["quotes"]] == ["curly", "straight", "block", "straight"]
    for q in (exact, near, invented):
        assert ANSWER[q["start"] : q["end"]] == q["text"]
    assert set(exact) == {
        "start",
        "end",
        "text",
        "style",
        "status",
        "score",
        "match",
        "parts",
        "differences",
    }
    match = exact["match"]
    assert set(match) == {"source", "title", "start", "end", "text", "cited", "url"}
    assert (match["source"], match["title"]) == (
        "what-is-inner-alignment",
        "What is inner alignment?",
    )
    assert match["text"] == exact["text"]
    # the link goes to the passage the graph cites there, which the page anchors
    cited = match["cited"]
    assert match["url"] == urls.source_passage(
        "what-is-inner-alignment", cited["start"], cited["end"]
    )
    assert near["match"]["text"] == "This is a failure of inner alignment."
    assert near["differences"] == [{"quoted": "outer", "source": "inner"}]
    assert near["parts"][0]["differences"] == near["differences"]
    assert 0 < near["score"] < 1 and exact["score"] == 1
    assert invented["match"] is None and invented["parts"][0]["match"] is None
    assert body["terms"] == [
        {
            "start": ANSWER.index("base optimizer"),
            "end": ANSWER.index("base optimizer") + len("base optimizer"),
            "text": "base optimizer",
            "style": "straight",
            "concept": "base-optimizer",
            "url": "/concepts/base-optimizer",
        }
    ]
    first = body["glossary"][0]
    assert (first["text"], first["id"], first["url"]) == (
        "Inner alignment",
        "inner-alignment",
        "/concepts/inner-alignment",
    )


def test_every_link_leads_to_a_page_with_that_place(live: TestClient) -> None:
    body = live.post("/v1/verify", json={"text": ANSWER}).json()
    links = [q["match"]["url"] for q in body["quotes"] if q["match"]]
    links += [t["url"] for t in (*body["terms"], *body["glossary"])]
    for link in links:
        url = urlsplit(link)
        page = live.get(url.path)
        assert page.status_code == 200, link
        if url.fragment:
            assert f'id="{url.fragment}"' in page.text, link


def test_a_passage_the_graph_does_not_cite_links_to_itself(live: TestClient) -> None:
    # a greeting: the coverage file says it carries no claim, so nothing cites it
    text = '"Hi. So this channel is about AI safety and AI alignment."'
    (quote,) = live.post("/v1/verify", json={"text": text}).json()["quotes"]
    m = quote["match"]
    assert quote["status"] == "exact" and m["cited"] is None
    assert m["url"] == (
        f"/sources/{m['source']}?start={m['start']}&end={m['end']}#q-{m['start']}-{m['end']}"
    )
    # the link lands on the passage, marked as the one asked for, though nothing cites it
    page = live.get(m["url"].split("#")[0])
    assert page.status_code == 200
    html = page.text
    at = html.index(f'<span class="anchor" id="q-{m["start"]}-{m["end"]}"></span>')
    assert html[at:].count('id="q-') >= 1
    assert '<mark class="asked">Hi. So this channel is about AI safety' in html[at:]


def test_min_words_and_threshold(live: TestClient) -> None:
    text = 'The "base optimizer" and "This is a failure of outer alignment."'
    default = live.post("/v1/verify", json={"text": text}).json()
    assert default["summary"]["terms"] == 1 and default["summary"]["near"] == 1
    r = live.post("/v1/verify", json={"text": text, "min_words": 1, "threshold": 1})
    body = r.json()
    assert r.status_code == 200 and body["summary"]["terms"] == 0
    assert [q["status"] for q in body["quotes"]] == ["exact", "not_found"]
    assert (MIN_QUOTE_WORDS, NEAR_THRESHOLD) == (4, 0.75)


def test_an_empty_text(live: TestClient) -> None:
    r = live.post("/v1/verify", json={"text": ""})
    assert r.status_code == 200
    assert r.json() == {
        "quotes": [],
        "terms": [],
        "glossary": [],
        "summary": {"quotes": 0, "exact": 0, "near": 0, "not_found": 0, "terms": 0},
    }


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"text": 5}', "body parameter 'text'"),
        ('{"text": null}', "body parameter 'text'"),
        ("{}", "body parameter 'text'"),
        ('{"text": "x", "min_words": 0}', "body parameter 'min_words'"),
        ('{"text": "x", "min_words": "4"}', "body parameter 'min_words'"),
        ('{"text": "x", "threshold": 1.5}', "body parameter 'threshold'"),
        ('{"text": "x", "threshold": "0.5"}', "body parameter 'threshold'"),
        ('{"text": "x", "treshold": 0.5}', "body parameter 'treshold'"),
        ("[]", "body"),
        ("not json", "body"),
    ],
)
def test_bad_bodies_are_422_problems(live: TestClient, body: str, where: str) -> None:
    r = live.post("/v1/verify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert (
        problem["status"] == 422 and problem["type"] == "http://testserver/problems/invalid-request"
    )
    assert problem["errors"][0]["where"].startswith(where)


def test_a_text_over_the_annotate_limit_is_413(shipped: KnowledgeGraph) -> None:
    small = TestClient(create_app(ServerSettings(annotate_max_chars=100), graph=shipped))
    r = small.post("/v1/verify", json={"text": "x" * 101})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json() == {
        "type": "http://testserver/problems/payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "The text is longer than 100 characters.",
    }
    assert small.post("/v1/verify", json={"text": "x" * 100}).status_code == 200


def test_too_many_quotations_is_413(live: TestClient) -> None:
    text = " ".join(f'"one two three {n}"' for n in range(MAX_QUOTES + 1))
    r = live.post("/v1/verify", json={"text": text})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["type"] == "http://testserver/problems/payload-too-large"
    assert re.fullmatch(
        r"The text holds more than 2,000 quoted passages .*; at most 2,000 are checked at once\.",
        problem["detail"],
    )
    fewer = " ".join(f'"one two three {n}"' for n in range(50))
    assert live.post("/v1/verify", json={"text": fewer}).json()["summary"]["quotes"] == 50


def test_the_route_is_in_the_openapi_document(live: TestClient) -> None:
    operation = live.get("/openapi.json").json()["paths"]["/v1/verify"]["post"]
    assert {"200", "413", "422"} <= set(operation["responses"])
    assert operation["responses"]["413"]["content"] == {
        PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
