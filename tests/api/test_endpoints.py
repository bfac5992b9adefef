from __future__ import annotations

from fastapi.testclient import TestClient

from kg.citations import normalize_text

MESA = {"id": "mesa-optimizer", "label": "mesa-optimizer", "kind": "optimizer"}
BASE = {"id": "base-optimizer", "label": "base optimizer", "kind": "optimizer"}


def test_health(client: TestClient) -> None:
    r = client.get("/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["concepts"] == 11 and body["relations"] == 18
    assert isinstance(body["version"], str) and body["version"]


def test_concept_list_pages_and_filters(client: TestClient) -> None:
    body = client.get("/v1/concepts?limit=3&offset=2").json()
    assert body["total"] == 11 and body["limit"] == 3 and body["offset"] == 2
    assert [c["id"] for c in body["items"]] == ["evolution", "humans", "inner-alignment"]
    objectives = client.get("/v1/concepts?kind=objective").json()
    assert [c["id"] for c in objectives["items"]] == ["base-objective", "mesa-objective"]
    assert client.get("/v1/concepts?offset=100").json()["items"] == []


def test_concept_detail(client: TestClient) -> None:
    body = client.get("/v1/concepts/mesa-optimizer").json()
    assert body["uri"] == "https://example.org/kg/concept/mesa-optimizer"
    assert body["aliases"] == ["mesa optimizer", "learned optimizer"]
    assert body["described_as"] == []  # the fixture has none; tests/kg/test_described_as
    assert body["citations"] == [
        {
            "source": "primer",
            "quote": "A mesa-optimizer is itself an optimizer.",
            "start": 178,
            "end": 218,
        }
    ]
    triples = [(s["source"]["id"], s["type"], s["target"]["id"]) for s in body["relations"]]
    assert ("base-optimizer", "produces", "mesa-optimizer") in triples  # inverse, as target
    assert ("mesa-optimizer", "is_a", "optimizer") in triples
    produced = next(s for s in body["relations"] if s["type"] == "produces")
    assert produced["source"] == BASE and produced["target"] == MESA
    assert produced["sentence"] == "The base optimizer produces a mesa-optimizer."


def test_neighbors(client: TestClient) -> None:
    body = client.get("/v1/concepts/humans/neighbors").json()
    assert body["concept"]["id"] == "humans" and body["depth"] == 1
    assert [(n["id"], n["distance"]) for n in body["nodes"]] == [
        ("evolution", 1),
        ("mesa-optimizer", 1),
        ("optimization", 1),
    ]
    body = client.get("/v1/concepts/humans/neighbors?depth=2&types=example_of,produces").json()
    assert {n["id"] for n in body["nodes"]} == {"evolution", "mesa-optimizer", "base-optimizer"}
    assert {s["type"] for s in body["statements"]} == {"example_of", "produces"}


def test_hierarchy(client: TestClient) -> None:
    body = client.get("/v1/concepts/optimizer/hierarchy").json()
    assert body["broader"] == []
    assert sorted(
        (s["concept"]["id"], s["type"], s["via"], s["depth"]) for s in body["narrower"]
    ) == [
        ("base-optimizer", "is_a", "optimizer", 1),
        ("evolution", "example_of", "base-optimizer", 2),  # an example under its concept
        ("humans", "example_of", "mesa-optimizer", 2),
        ("mesa-optimizer", "is_a", "optimizer", 1),
    ]
    up = client.get("/v1/concepts/humans/hierarchy").json()["broader"]
    assert [(s["concept"]["id"], s["type"], s["depth"]) for s in up] == [
        ("mesa-optimizer", "example_of", 1),
        ("optimizer", "is_a", 2),
    ]


def test_sources(client: TestClient) -> None:
    items = client.get("/v1/sources").json()["items"]
    assert [(s["id"], s["has_text"]) for s in items] == [("primer", True), ("the-paper", False)]
    assert client.get("/v1/sources/the-paper").json() == {
        "id": "the-paper",
        "title": "A paper with no text",
        "kind": "paper",
        "url": None,
        "authors": [],
        "published": "2019",
        "has_text": False,
    }
    r = client.get("/v1/sources/primer/text")
    assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text[178:218] == "A mesa-optimizer is itself an optimizer."


def test_ontology(client: TestClient) -> None:
    body = client.get("/v1/ontology").json()
    assert "example" in [k["name"] for k in body["kinds"]]
    produces = next(t for t in body["relation_types"] if t["name"] == "produces")
    assert produces["inverse_name"] == "produced_by" and not produces["symmetric"]
    assert [t["name"] for t in body["relation_types"] if t["broader"]] == ["is_a", "part_of"]
    assert produces["modalities"]["can"] == {
        "forward": "{x} can produce {ya}",
        "inverse": "{x} can be produced by {y}",
    }
    limit = next(t for t in body["relation_types"] if t["name"] == "insufficient_against")
    assert limit["forward"] == "{x} does not rule out {y}" and limit["modalities"] == {}


def test_search(client: TestClient) -> None:
    body = client.get("/v1/search?q=mesa%20optimisers").json()
    assert body["query"] == "mesa optimisers"
    assert body["results"][0] == {
        **MESA,
        "score": 1.0,
        "match": "label",
        "matched": "mesa-optimizer",
    }
    typo = client.get("/v1/search?q=mesa optimzer").json()["results"][0]
    assert (typo["id"], typo["match"]) == ("mesa-optimizer", "fuzzy")
    kinds = client.get("/v1/search?q=mesa&kind=objective").json()["results"]
    assert [h["id"] for h in kinds] == ["mesa-objective"]
    assert client.get("/v1/search?q=zzzzqqqq").json()["results"] == []


def test_relate(client: TestClient) -> None:
    body = client.get("/v1/relate?x=natural selection&y=mesa optimizer").json()
    assert body["x"]["id"] == "evolution" and body["y"] == MESA
    assert body["direct"] == []
    best = body["paths"][0]
    assert best["length"] == 2 and 0 < best["score"] <= 1
    assert [
        (s["source"]["id"], s["type"], s["target"]["id"], s["direction"]) for s in best["steps"]
    ] == [
        ("evolution", "produces", "humans", "forward"),
        ("humans", "example_of", "mesa-optimizer", "forward"),
    ]
    assert body["answer"].startswith("**Evolution** and **the mesa-optimizer** are linked through")
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    text = client.get("/v1/sources/primer/text").text
    for c in body["citations"]:
        assert normalize_text(text[c["start"] : c["end"]]) == normalize_text(c["quote"])
        assert f"[^{c['n']}]" in body["answer"]


def test_relate_inverse_steps_and_limits(client: TestClient) -> None:
    body = client.get("/v1/relate?x=mesa-optimizer&y=evolution&limit=1&max_hops=2").json()
    assert len(body["paths"]) == 1
    steps = body["paths"][0]["steps"]
    assert [(s["type"], s["direction"]) for s in steps] == [
        ("has_example", "inverse"),
        ("produced_by", "inverse"),
    ]
    assert steps[0]["sentence"] == "One example of a mesa-optimizer is humans."


def test_relate_direct_keeps_stored_direction(client: TestClient) -> None:
    body = client.get("/v1/relate?x=mesa-optimizer&y=base-optimizer").json()
    assert [(s["source"]["id"], s["type"], s["target"]["id"]) for s in body["direct"]] == [
        ("base-optimizer", "produces", "mesa-optimizer")
    ]
    assert body["answer"].startswith("The mesa-optimizer is produced by the base optimizer.[^1]")
    assert any(
        s["concept"]["id"] == "optimizer" and s["how"] == "both are kinds of optimizer"
        for s in body["shared"]
    )


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in [
        "/v1/health",
        "/v1/concepts",
        "/v1/concepts/{id}",
        "/v1/concepts/{id}/neighbors",
        "/v1/concepts/{id}/hierarchy",
        "/v1/sources",
        "/v1/sources/{id}",
        "/v1/sources/{id}/text",
        "/v1/ontology",
        "/v1/search",
        "/v1/relate",
    ]:
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200
