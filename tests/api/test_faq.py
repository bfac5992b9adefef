"""The FAQ-bot endpoints: /v1/annotate, /v1/ask and /questions/glossary."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from kg.annotate import annotator_for
from kg.glossary import REGEXP_META
from kg.graph import KnowledgeGraph

PROBLEM = "application/problem+json"
TEXT = (
    "A mesa-optimizer pursues its own mesa-objective; inner alignment asks whether that "
    "objective matches the base objective."
)


def test_annotate(live: TestClient) -> None:
    r = live.post("/v1/annotate", json={"text": TEXT, "first_only": True})
    assert r.status_code == 200
    assert r.json() == {
        "annotations": [
            {
                "start": 2,
                "end": 16,
                "text": "mesa-optimizer",
                "id": "mesa-optimizer",
                "label": "mesa-optimizer",
            },
            {
                "start": 33,
                "end": 47,
                "text": "mesa-objective",
                "id": "mesa-objective",
                "label": "mesa-objective",
            },
            {
                "start": 49,
                "end": 64,
                "text": "inner alignment",
                "id": "inner-alignment",
                "label": "inner alignment",
            },
            {
                "start": 83,
                "end": 92,
                "text": "objective",
                "id": "objective-function",
                "label": "objective function",
            },
            {
                "start": 105,
                "end": 119,
                "text": "base objective",
                "id": "base-objective",
                "label": "base objective",
            },
        ]
    }


def test_annotate_marks_every_occurrence_unless_first_only(live: TestClient) -> None:
    text = "Mesa-optimizers, mesa optimisers and a mesa-optimizer."
    every = live.post("/v1/annotate", json={"text": text, "first_only": False}).json()
    assert [a["text"] for a in every["annotations"]] == [
        "Mesa-optimizers",
        "mesa optimisers",
        "mesa-optimizer",
    ]
    default = live.post("/v1/annotate", json={"text": text}).json()
    assert [a["text"] for a in default["annotations"]] == ["Mesa-optimizers"]


def test_annotate_offsets_count_characters_not_bytes(live: TestClient) -> None:
    text = "\u00e9\u00e9\u00e9 \U0001f600 deceptive alignment"
    (a,) = live.post("/v1/annotate", json={"text": text}).json()["annotations"]
    assert text[a["start"] : a["end"]] == "deceptive alignment"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"text": 5}', "body parameter 'text'"),
        ('{"text": null}', "body parameter 'text'"),
        ('{"text": "x", "first_only": "yes"}', "body parameter 'first_only'"),
        ("{}", "body parameter 'text'"),
        ("[]", "body"),
        ("not json", "body"),
    ],
)
def test_annotate_bad_bodies(live: TestClient, body: str, where: str) -> None:
    r = live.post("/v1/annotate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["where"].startswith(where)


def test_annotate_text_over_the_limit_is_413(shipped: KnowledgeGraph) -> None:
    small = TestClient(
        create_app(ServerSettings(annotate_max_chars=100, max_body_bytes=4096), graph=shipped)
    )
    r = small.post("/v1/annotate", json={"text": "x" * 101})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json() == {
        "type": "http://testserver/problems/payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "The text is longer than 100 characters.",
    }
    assert small.post("/v1/annotate", json={"text": "x" * 100}).status_code == 200
    r = small.post(
        "/v1/annotate",
        content=b'{"text": "' + b"x" * 5000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["detail"] == "The request body is larger than 4,096 bytes."


def test_body_limit_applies_to_streamed_bodies_without_length(shipped: KnowledgeGraph) -> None:
    small = TestClient(create_app(ServerSettings(max_body_bytes=1024), graph=shipped))

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    r = small.post(
        "/v1/annotate",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_ask(live: TestClient, shipped: KnowledgeGraph) -> None:
    r = live.get(
        "/v1/ask", params={"q": "What is the difference between inner and outer alignment"}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["intent"] == "difference"
    assert body["concepts"] == ["inner-alignment", "outer-alignment"]
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    for c in body["citations"]:
        assert shipped.source_text(c["source"])[c["start"] : c["end"]] == c["quote"]
        assert c["title"] == shipped.sources[c["source"]].title
    assert re.findall(r"\[\^(\d+)\](?!:)", body["answer"])[0] == "1"
    assert body["missing"] == [] and body["suggestions"]


def test_ask_unknown_names_what_is_missing(live: TestClient) -> None:
    body = live.get("/v1/ask", params={"q": "what is reward hacking"}).json()
    assert body["intent"] == "unknown" and body["concepts"] == []
    assert body["missing"] == ["reward hacking"]
    assert "What is gradient hacking?" in body["suggestions"]
    assert "no entry for \u201creward hacking\u201d" in body["answer"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 422), ({"q": ""}, 422), ({"q": "   "}, 400), ({"q": "x" * 501}, 422)],
)
def test_ask_bad_questions(live: TestClient, params: dict[str, str], status: int) -> None:
    r = live.get("/v1/ask", params=params)
    assert r.status_code == status and r.headers["content-type"] == PROBLEM


def test_glossary_has_the_shape_aisafety_info_loads(
    live: TestClient, shipped: KnowledgeGraph
) -> None:
    r = live.get("/questions/glossary")
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    body = r.json()
    assert set(body) == {"data", "timestamp", "omitted"}
    stamp = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    # every form annotate recognises is a key: the label and aliases, plural, British
    forms = set(annotator_for(shipped).owners)
    left_out = {o["alias"].lower() for o in body["omitted"]}
    assert set(body["data"]) | left_out == forms
    assert {"mesa-objectives", "base optimisers", "pseudo aligned"} <= set(body["data"])
    assert body["data"]["base optimisers"]["term"] == "base optimizer"
    # a phrase a regular expression would read as more than text is left out, and said so
    assert {"arxiv:1906.01820", "hubinger et al. 2019"} <= left_out
    assert not any(REGEXP_META.search(k) for k in body["data"])
    for key, entry in body["data"].items():
        assert key == entry["alias"].lower() and key == key.lower()
        assert not set("<>&") & set(entry["term"] + entry["alias"])
    entry = body["data"]["mesa optimiser"]
    concept = shipped.concepts["mesa-optimizer"]
    assert set(entry) == {"alias", "term", "pageid", "contents", "image"}
    assert (entry["alias"], entry["term"], entry["pageid"], entry["image"]) == (
        "mesa optimiser",
        "mesa-optimizer",
        "",
        "",
    )
    assert entry["contents"].startswith(f"<p>{html.escape(concept.definition.strip())}</p>")
    sgd = shipped.concepts["stochastic-gradient-descent"]
    source = shipped.sources[sgd.citations[0].source]
    assert "<p>Source: " in body["data"]["sgd"]["contents"]
    assert html.escape(source.title) in body["data"]["sgd"]["contents"]


def test_glossary_escapes_html(shipped: KnowledgeGraph) -> None:
    from kg.glossary import contents_html
    from kg.model import Concept

    evil = Concept(
        id="x",
        label="x",
        kind="concept",
        citations=(),
        definition='<script>alert("x")</script> & more',
    )
    assert contents_html(shipped, evil) == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>"
    )
