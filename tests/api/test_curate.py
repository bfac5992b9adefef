"""The curation API in process: tokens, validated writes, ETags, history, revert, feed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.context import context_of
from api.settings import ServerSettings
from kg import paths
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.store import SqliteStore, data_files
from tests.conftest import ROOT

DATA = ROOT / "data"
SOURCE = "what-is-inner-alignment"
QUOTE = "A “mesa-optimizer” is a learned algorithm that is itself an optimizer."


class Curation:
    """A client of an app served from a fresh store, with tokens of each kind."""

    def __init__(self, client: TestClient, path: Path, tokens: dict[str, str]) -> None:
        self.client = client
        self.path = path
        self.tokens = tokens

    def auth(self, who: str = "editor", **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **headers}

    def record(self, cid: str) -> tuple[dict[str, Any], str]:
        r = self.client.get(f"/v1/concepts/{cid}/record")
        assert r.status_code == 200, r.text
        return r.json(), r.headers["etag"]

    def head(self) -> int:
        return int(self.client.get("/v1/changes?limit=1").json()["head"])


@pytest.fixture
def cur(tmp_path: Path) -> Iterator[Curation]:
    path = tmp_path / "kg.sqlite3"
    store = SqliteStore.create(path, DATA)
    tokens = {
        "editor": store.create_token("ed", ("concepts:write", "relations:write"))[1],
        "linker": store.create_token("lin", ("relations:write",))[1],
        "revoked": store.create_token("gone", ("concepts:write",))[1],
    }
    assert store.revoke_token(store.tokens()[-1].id)
    store.close()
    with TestClient(create_app(ServerSettings(store_path=path, data_dir=DATA))) as client:
        yield Curation(client, path, tokens)


def toy(**change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "toy-optimizer",
        "label": "toy optimizer",
        "kind": "optimizer",
        "aliases": ["toy optimiser"],
        "definition": "An optimizer made up for a test.",
        "citations": [{"source": SOURCE, "quote": QUOTE}],
        "relations": [
            {
                "type": "is_a",
                "target": "optimizer",
                "citations": [{"source": SOURCE, "quote": QUOTE}],
            }
        ],
    }
    body.update(change)
    return body


# -- who may write -------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, detail, challenge",
    [
        (
            {},
            "Writing needs a token: send Authorization: Bearer <token> (made with `kg token "
            "create`).",
            'Bearer realm="kg"',
        ),
        (
            {"Authorization": "Basic YTpi"},
            "Send the token as Authorization: Bearer <token>.",
            'Bearer realm="kg"',
        ),
        (
            {"Authorization": "Bearer kgt_0000_nope"},
            "The token is not known or has been revoked.",
            'Bearer realm="kg", error="invalid_token"',
        ),
    ],
)
def test_a_write_without_a_valid_token_is_401(
    cur: Curation, headers: dict[str, str], detail: str, challenge: str
) -> None:
    r = cur.client.post("/v1/concepts", json=toy(), headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == challenge
    assert r.json() == {
        "type": "http://testserver/problems/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": detail,
    }


def test_a_revoked_token_is_401(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(), headers=cur.auth("revoked"))
    assert r.status_code == 401
    assert r.json()["detail"] == "The token is not known or has been revoked."


def test_a_token_without_the_scope_is_403(cur: Curation) -> None:
    before = cur.head()
    r = cur.client.post("/v1/concepts", json=toy(), headers=cur.auth("linker"))
    assert r.status_code == 403
    assert r.headers["www-authenticate"] == (
        'Bearer realm="kg", error="insufficient_scope", scope="concepts:write"'
    )
    assert r.json() == {
        "type": "http://testserver/problems/forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "This needs a token with the scope 'concepts:write'; this "
        "one has: relations:write.",
        "scope": "concepts:write",
    }
    assert cur.head() == before


def test_reading_needs_no_token(cur: Curation) -> None:
    assert cur.client.get("/v1/concepts/mesa-optimizer/record").status_code == 200
    assert cur.client.get("/v1/concepts/mesa-optimizer/history").status_code == 200
    assert cur.client.get("/v1/changes").status_code == 200


def test_a_server_without_a_store_refuses_writes_with_405() -> None:
    with TestClient(create_app(ServerSettings(data_dir=DATA))) as client:
        r = client.post("/v1/concepts", json=toy(), headers={"Authorization": "Bearer x"})
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD"
        assert r.json()["type"] == "http://testserver/problems/read-only"
        r = client.get("/v1/changes")  # nothing to read either: no revisions are kept
        assert r.status_code == 404 and r.json()["type"] == "http://testserver/problems/no-store"
        assert client.get("/v1/concepts/evolution/history").status_code == 404


# -- creating, and validation exactly as the loader does it ---------------------------


def test_a_created_concept_is_served_at_once(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(), headers=cur.auth())
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/concepts/toy-optimizer"
    body = r.json()
    assert r.headers["etag"] == body["etag"] == f'"rev-{body["revision"]}"'
    assert body["definition"] == "An optimizer made up for a test."
    concept = cur.client.get("/v1/concepts/toy-optimizer").json()
    assert concept["label"] == "toy optimizer"
    assert concept["citations"][0]["quote"] == QUOTE
    # the inverse is derived: the target lists it too
    optimizer = cur.client.get("/v1/concepts/optimizer").json()
    assert any(
        s["source"]["id"] == "toy-optimizer" and s["type"] == "is_a" for s in optimizer["relations"]
    )
    assert (
        cur.client.get("/v1/search?q=toy optimiser").json()["results"][0]["id"] == "toy-optimizer"
    )
    hist = cur.client.get("/v1/concepts/toy-optimizer/history").json()
    assert [(h["action"], h["author"]) for h in hist["items"]] == [("create", "ed")]
    health = cur.client.get("/v1/health").json()
    assert health["revision"] == body["revision"] == cur.head()


def test_a_write_that_would_not_load_is_refused_with_every_problem(cur: Curation) -> None:
    before = cur.head()
    bad = toy(
        kind="optimiser",
        citations=[{"source": SOURCE, "quote": "no such words here"}],
        relations=[{"type": "is_a", "target": "optimiser", "citations": []}],
    )
    r = cur.client.post("/v1/concepts", json=bad, headers=cur.auth())
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "http://testserver/problems/invalid-data"
    assert body["detail"] == "The change was not made: it would leave 4 problems in the data."
    found = {(p["file"], p["message"]) for p in body["problems"]}
    assert found == {
        ("data/concepts/toy-optimizer.yaml", "unknown kind 'optimiser'"),
        (
            "data/concepts/toy-optimizer.yaml",
            "quote not found in source 'what-is-inner-alignment': 'no such words here'",
        ),
        ("data/concepts/toy-optimizer.yaml", "no citation: at least one is required"),
        ("data/concepts/toy-optimizer.yaml", "dangling target 'optimiser': no such concept"),
    }
    assert all(p["line"] >= 1 for p in body["problems"])
    # each problem in the edited concept points at the field of the request it is about
    assert {p["message"].split(":")[0]: p["pointer"] for p in body["problems"]} == {
        "unknown kind 'optimiser'": "/kind",
        "quote not found in source 'what-is-inner-alignment'": "/citations/0/quote",
        "no citation": "/relations/0/citations",
        "dangling target 'optimiser'": "/relations/0",
    }
    assert {p["hint"] for p in body["problems"]} >= {"did you mean 'optimizer'?"}
    assert cur.head() == before
    assert cur.client.get("/v1/concepts/toy-optimizer").status_code == 404


def test_an_alias_taken_by_another_concept_is_refused(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(aliases=["mesa optimiser"]), headers=cur.auth())
    assert r.status_code == 422
    [problem] = r.json()["problems"]
    assert "names both" in problem["message"] and "mesa-optimizer" in problem["message"]


@pytest.mark.parametrize(
    "change, status",
    [
        ({"id": "Toy Optimizer"}, 422),
        ({"id": None}, 422),
        ({"kind": 5}, 422),
        ({"surprise": "field"}, 422),
        ({"citations": [{"source": SOURCE}]}, 422),
    ],
)
def test_malformed_bodies_are_4xx_problems(
    cur: Curation, change: dict[str, Any], status: int
) -> None:
    r = cur.client.post("/v1/concepts", json=toy(**change), headers=cur.auth())
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"


def test_creating_an_existing_id_is_409(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(id="mesa-optimizer"), headers=cur.auth())
    assert r.status_code == 409
    assert r.json()["type"] == "http://testserver/problems/conflict"


# -- optimistic concurrency ----------------------------------------------------------


def test_put_replaces_with_if_match_and_refuses_stale_or_unconditional(
    cur: Curation,
) -> None:
    record, etag = cur.record("evolution")
    fields = {k: v for k, v in record.items() if k not in ("revision", "etag")}
    new = {**fields, "definition": "Natural selection, seen as an optimizer."}
    r = cur.client.put("/v1/concepts/evolution", json=new, headers=cur.auth())
    assert r.status_code == 428
    assert r.json()["type"] == "http://testserver/problems/precondition-required"
    r = cur.client.put("/v1/concepts/evolution", json=new, headers=cur.auth(**{"If-Match": etag}))
    assert r.status_code == 200, r.text
    fresh = r.headers["etag"]
    assert fresh != etag
    r = cur.client.put(
        "/v1/concepts/evolution", json=fields, headers=cur.auth(**{"If-Match": etag})
    )
    assert r.status_code == 412
    assert r.json() == {
        "type": "http://testserver/problems/precondition-failed",
        "title": "Precondition failed",
        "status": 412,
        "detail": "It has changed since that ETag was issued.",
        "etag": fresh,
    }
    assert (
        cur.client.get("/v1/concepts/evolution").json()["definition"]
        == "Natural selection, seen as an optimizer."
    )
    r = cur.client.put(
        "/v1/concepts/evolution", json=fields, headers=cur.auth(**{"If-None-Match": "*"})
    )
    assert r.status_code == 412


def test_put_of_a_new_id_creates_it(cur: Curation) -> None:
    body = toy()
    del body["id"]
    r = cur.client.put("/v1/concepts/toy-optimizer", json=body, headers=cur.auth())
    assert r.status_code == 201
    r = cur.client.put(
        "/v1/concepts/toy-optimizer", json={**body, "id": "other"}, headers=cur.auth()
    )
    assert r.status_code == 422 and r.json()["type"] == "http://testserver/problems/invalid-request"
    assert r.json()["errors"] == [
        {
            "where": "body.id",
            "message": "The body's id 'other' differs from the path's 'toy-optimizer'.",
        }
    ]


def test_patch_is_a_merge_patch(cur: Curation) -> None:
    record, etag = cur.record("mesa-optimizer")
    patch = {
        "aliases": ["mesa optimizer", "learned optimizer"],
        "plural": None,
        "definition": "A learned model that is itself an optimizer.",
    }
    r = cur.client.patch(
        "/v1/concepts/mesa-optimizer", json=patch, headers=cur.auth(**{"If-Match": etag})
    )
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["aliases"] == ["mesa optimizer", "learned optimizer"]
    assert after["definition"] == "A learned model that is itself an optimizer."
    assert after["relations"] == record["relations"]
    served = cur.client.get("/v1/concepts/mesa-optimizer").json()
    assert served["aliases"] == ["mesa optimizer", "learned optimizer"]
    r = cur.client.patch(
        "/v1/concepts/mesa-optimizer",
        content=b'{"label": "x"}',
        headers=cur.auth(**{"If-Match": after["etag"], "Content-Type": "text/plain"}),
    )
    assert r.status_code == 415
    r = cur.client.patch(
        "/v1/concepts/mesa-optimizer",
        json={"aliases": 5},
        headers=cur.auth(**{"If-Match": after["etag"]}),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["where"] == "body.aliases"
    r = cur.client.patch(
        "/v1/concepts/mesa-optimizer",
        json={"kind": "optimiser"},
        headers=cur.auth(**{"If-Match": after["etag"]}),
    )
    assert r.status_code == 422
    assert r.json()["problems"][0]["message"] == "unknown kind 'optimiser'"
    r = cur.client.patch(
        "/v1/concepts/no-such-thing",
        json={"label": "x"},
        headers=cur.auth(**{"If-Match": after["etag"]}),
    )
    assert r.status_code == 404


def test_deleting_a_concept_others_point_at_is_refused(cur: Curation) -> None:
    _, etag = cur.record("mesa-objective")
    r = cur.client.delete("/v1/concepts/mesa-objective", headers=cur.auth(**{"If-Match": etag}))
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert problems and all(
        p["message"] == "dangling target 'mesa-objective': no such concept" for p in problems
    )
    assert "data/concepts/mesa-optimizer.yaml" in {p["file"] for p in problems}
    assert cur.client.get("/v1/concepts/mesa-objective").status_code == 200


def test_delete_history_and_revert(cur: Curation) -> None:
    created = cur.client.post("/v1/concepts", json=toy(), headers=cur.auth()).json()
    r = cur.client.delete("/v1/concepts/toy-optimizer", headers=cur.auth())
    assert r.status_code == 428
    r = cur.client.delete(
        "/v1/concepts/toy-optimizer", headers=cur.auth(**{"If-Match": created["etag"]})
    )
    assert r.status_code == 204
    assert cur.client.get("/v1/concepts/toy-optimizer").status_code == 410  # a tombstone is left
    assert cur.client.get("/v1/concepts/toy-optimizer/record").status_code == 404
    hist = cur.client.get("/v1/concepts/toy-optimizer/history").json()["items"]
    assert [h["action"] for h in hist] == ["delete", "create"]
    one = cur.client.get(f"/v1/concepts/toy-optimizer/history/{hist[0]['revision']}").json()
    assert one["record"] is None and one["yaml"] is None
    r = cur.client.post(
        "/v1/concepts/toy-optimizer/revert",
        json={"revision": created["revision"]},
        headers=cur.auth(),
    )
    assert r.status_code == 201, r.text
    assert cur.client.get("/v1/concepts/toy-optimizer").json()["label"] == "toy optimizer"
    r = cur.client.post(
        "/v1/concepts/toy-optimizer/revert",
        json={"revision": 1},
        headers=cur.auth(**{"If-Match": r.headers["etag"]}),
    )
    assert r.status_code == 404  # revision 1 is another file's


def test_revert_to_the_import_gives_back_the_original_bytes(cur: Curation) -> None:
    first = cur.client.get("/v1/concepts/evolution/history").json()["items"][-1]
    _, etag = cur.record("evolution")
    r = cur.client.patch(
        "/v1/concepts/evolution",
        json={"label": "biological evolution"},
        headers=cur.auth(**{"If-Match": etag}),
    )
    assert r.status_code == 200
    r = cur.client.post(
        "/v1/concepts/evolution/revert",
        json={"revision": first["revision"]},
        headers=cur.auth(**{"If-Match": r.headers["etag"]}),
    )
    assert r.status_code == 200
    store = SqliteStore(cur.path)
    content, _ = store.read("concepts/evolution.yaml")  # type: ignore[misc]
    store.close()
    assert content == (DATA / "concepts" / "evolution.yaml").read_bytes()
    detail = cur.client.get(f"/v1/concepts/evolution/history/{first['revision']}").json()
    assert detail["yaml"] == content.decode()
    assert detail["action"] == "import" and detail["record"]["label"] == "evolution"


# -- relations -----------------------------------------------------------------------


def contrast() -> dict[str, Any]:
    """A relation the shipped data does not state: evolution contrasts with world model."""
    return {
        "source": "evolution",
        "type": "contrasts_with",
        "target": "world-model",
        "citations": [{"source": SOURCE, "quote": QUOTE}],
    }


def test_relations_are_created_changed_and_removed(cur: Curation) -> None:
    rel = contrast()
    r = cur.client.post("/v1/relations", json=rel, headers=cur.auth("linker"))
    assert r.status_code == 201, r.text
    url = "/v1/relations/evolution/contrasts_with/world-model"
    assert r.headers["location"] == url
    relate = cur.client.get("/v1/relate?x=world model&y=evolution").json()
    assert [(s["source"]["id"], s["type"]) for s in relate["direct"]] == [
        ("evolution", "contrasts_with")
    ]
    assert cur.client.post("/v1/relations", json=rel, headers=cur.auth()).status_code == 409
    got = cur.client.get(url)
    assert got.status_code == 200 and got.json()["etag"] == got.headers["etag"]
    reverse = cur.client.get("/v1/relations/world-model/contrasts_with/evolution")
    assert reverse.status_code == 404 and url in reverse.json()["detail"]
    # a change elsewhere on the same concept does not make the relation's ETag stale
    _, etag = cur.record("evolution")
    assert (
        cur.client.patch(
            "/v1/concepts/evolution",
            json={"aliases": ["natural selection"]},
            headers=cur.auth(**{"If-Match": etag}),
        ).status_code
        == 200
    )
    two = [
        {"source": SOURCE, "quote": QUOTE},
        {"source": "mesa-optimizers-video-transcript", "quote": "Mesa is below."},
    ]
    r = cur.client.put(
        url,
        json={"citations": two},
        headers=cur.auth("linker", **{"If-Match": got.headers["etag"]}),
    )
    assert r.status_code == 200, r.text
    assert len(cur.client.get(url).json()["citations"]) == 2
    r = cur.client.put(
        url,
        json={"citations": two[:1]},
        headers=cur.auth("linker", **{"If-Match": got.headers["etag"]}),
    )
    assert r.status_code == 412 and r.json()["etag"] == cur.client.get(url).headers["etag"]
    r = cur.client.patch(
        url,
        json={"type": "analogous_to"},
        headers=cur.auth("linker", **{"If-Match": r.json()["etag"]}),
    )
    assert r.status_code == 200, r.text
    moved = "/v1/relations/evolution/analogous_to/world-model"
    assert r.headers["location"] == moved
    assert cur.client.get(url).status_code == 404
    r = cur.client.delete(moved, headers=cur.auth("linker"))
    assert r.status_code == 428
    r = cur.client.delete(
        moved,
        headers=cur.auth(
            "linker", **{"If-Match": r.headers.get("etag", cur.client.get(moved).headers["etag"])}
        ),
    )
    assert r.status_code == 204
    assert cur.client.get("/v1/relate?x=world model&y=evolution").json()["direct"] == []


def test_relation_errors(cur: Curation) -> None:
    r = cur.client.get("/v1/relations/evolution/is_an/optimizer")
    assert r.status_code == 400 and "did you mean 'is_a'" in r.json()["detail"]
    rel = {
        "source": "evolution",
        "type": "causes",
        "target": "no-such-concept",
        "citations": [{"source": SOURCE, "quote": QUOTE}],
    }
    r = cur.client.post("/v1/relations", json=rel, headers=cur.auth())
    assert r.status_code == 422
    assert (
        r.json()["problems"][0]["message"] == "dangling target 'no-such-concept': no such concept"
    )
    r = cur.client.post(
        "/v1/relations", json={**rel, "source": "no-such-concept"}, headers=cur.auth()
    )
    assert r.status_code == 404
    r = cur.client.delete(
        "/v1/relations/evolution/causes/optimizer", headers=cur.auth(**{"If-Match": "*"})
    )
    assert r.status_code == 404


def test_a_relation_carries_its_note_and_modality(cur: Curation) -> None:
    rel = {
        "source": "evolution",
        "type": "causes",
        "target": "world-model",
        "modality": "may",
        "note": "A note saying why, in our own words.",
        "citations": [{"source": SOURCE, "quote": QUOTE}],
    }
    r = cur.client.post("/v1/relations", json=rel, headers=cur.auth("linker"))
    assert r.status_code == 201, r.text
    assert (r.json()["modality"], r.json()["note"]) == ("may", rel["note"])
    url = "/v1/relations/evolution/causes/world-model"
    direct = cur.client.get("/v1/relate?x=evolution&y=world-model").json()["direct"]
    assert [(s["modality"], s["note"], s["sentence"]) for s in direct] == [
        ("may", rel["note"], "Evolution may cause the world model.")
    ]
    record, _ = cur.record("evolution")
    stated = next(x for x in record["relations"] if x["target"] == "world-model")
    assert stated["modality"] == "may" and stated["note"] == rel["note"]
    # PUT of citations alone keeps the note and modality: older clients lose nothing
    etag = cur.client.get(url).headers["etag"]
    r = cur.client.put(
        url, json={"citations": rel["citations"]}, headers=cur.auth("linker", **{"If-Match": etag})
    )
    assert r.status_code == 200 and r.json()["note"] == rel["note"], r.text
    # PATCH changes the modality and drops the note with null
    r = cur.client.patch(
        url,
        json={"modality": "can", "note": None},
        headers=cur.auth("linker", **{"If-Match": r.json()["etag"]}),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["modality"], r.json()["note"]) == ("can", None)
    assert cur.client.get(url).json()["modality"] == "can"
    # a modality the type does not allow is refused like any invalid data
    r = cur.client.patch(
        url,
        json={"type": "contrasts_with"},
        headers=cur.auth("linker", **{"If-Match": r.json()["etag"]}),
    )
    assert r.status_code == 422
    assert r.json()["problems"][0]["message"] == "modality 'can' is not allowed on contrasts_with"
    r = cur.client.post(
        "/v1/relations",
        json={**rel, "target": "optimizer", "modality": "perhaps"},
        headers=cur.auth("linker"),
    )
    assert r.status_code == 422 and "modality" in r.text


# -- the change feed and the dump ----------------------------------------------------


def test_the_change_feed_pages_through_every_revision(cur: Curation) -> None:
    start = cur.head()
    for n in range(3):
        body = toy(id=f"toy-{n}", label=f"toy {n}", aliases=[])
        assert cur.client.post("/v1/concepts", json=body, headers=cur.auth()).status_code == 201
    page = cur.client.get(f"/v1/changes?since={start}&limit=2").json()
    assert [i["concept"] for i in page["items"]] == ["toy-0", "toy-1"]
    assert page["head"] == start + 3 and page["next"] == start + 2
    rest = cur.client.get(f"/v1/changes?since={page['next']}&limit=2").json()
    assert [i["concept"] for i in rest["items"]] == ["toy-2"] and rest["next"] is None
    everything = cur.client.get("/v1/changes?limit=1000").json()["items"]
    assert [i["action"] for i in everything[:start]] == ["import"] * start
    assert cur.client.get("/v1/changes?since=-1").status_code == 422


def test_dump_keeps_unchanged_files_byte_identical(cur: Curation, tmp_path: Path) -> None:
    _, etag = cur.record("evolution")
    assert (
        cur.client.patch(
            "/v1/concepts/evolution",
            json={"label": "biological evolution"},
            headers=cur.auth(**{"If-Match": etag}),
        ).status_code
        == 200
    )
    assert cur.client.post("/v1/concepts", json=toy(), headers=cur.auth()).status_code == 201
    out = tmp_path / "dump"
    store = SqliteStore(cur.path)
    store.dump(out)
    store.close()
    before, after = dict(data_files(DATA)), dict(data_files(out))
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed == {"concepts/evolution.yaml", "concepts/toy-optimizer.yaml"}
    served = context_of(cur.client.app).graph  # type: ignore[arg-type]
    assert load_graph(out).content() == served.content()


def test_the_read_api_is_the_same_when_served_from_a_store(cur: Curation) -> None:
    with TestClient(create_app(ServerSettings(data_dir=DATA))) as plain:
        for cid in sorted(load_graph(DATA).concepts):
            for url in (
                f"/v1/concepts/{cid}",
                f"/v1/concepts/{cid}/neighbors?depth=2",
                f"/v1/relate?x={cid}&y=mesa-optimizer",
            ):
                assert cur.client.get(url).json() == plain.get(url).json(), url


def test_the_collector_is_settled_once_writes_pause(
    cur: Curation, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import time
    import weakref

    from api import reload

    monkeypatch.setattr(reload, "SETTLE_AFTER", 0.2)
    app: Any = cur.client.app
    old = weakref.ref(context_of(app).graph)
    for n in range(3):
        _, etag = cur.record("evolution")
        r = cur.client.patch(
            "/v1/concepts/evolution",
            json={"definition": f"Edit {n}."},
            headers=cur.auth(**{"If-Match": etag}),
        )
        assert r.status_code == 200
    frozen = gc.get_freeze_count()  # as the start left it: writes do not stop for the gc
    deadline = time.monotonic() + 10
    while not context_of(app).settling.done():  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the collector was never settled"
        time.sleep(0.05)
    # settled: the old objects were collected and the new graph frozen
    assert old() is None
    assert gc.get_freeze_count() != frozen


# -- found in review -----------------------------------------------------------------


def test_reads_of_the_store_do_not_wait_for_an_edit_under_way(cur: Curation) -> None:
    import threading

    app: Any = cur.client.app
    answers: list[int] = []
    # as while a large edit is being validated
    with context_of(app).curator._lock:  # type: ignore[union-attr]
        reader = threading.Thread(
            target=lambda: answers.append(
                cur.client.get("/v1/concepts/evolution/record").status_code
            )
        )
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive() and answers == [200]


@pytest.mark.parametrize(
    "pattern", [b'"rev-\xb2"', b'"rev-00%d"', b'W/"rev-%d"', b"rev-%d", b'"rev-%d']
)
def test_if_match_is_a_strong_exact_comparison(cur: Curation, pattern: bytes) -> None:
    record, etag = cur.record("evolution")
    tag = pattern % record["revision"] if b"%d" in pattern else pattern
    r = cur.client.delete(
        "/v1/concepts/evolution",
        headers=[(b"authorization", cur.auth()["Authorization"].encode()), (b"if-match", tag)],
    )
    assert r.status_code == 412 and r.json()["etag"] == etag


WRITES = [
    ("POST", "/v1/concepts"),
    ("PUT", "/v1/concepts/evolution"),
    ("PATCH", "/v1/concepts/evolution"),
    ("POST", "/v1/relations"),
    ("PUT", "/v1/relations/evolution/produces/humans"),
    ("PATCH", "/v1/relations/evolution/produces/humans"),
    ("POST", "/v1/concepts/evolution/revert"),
]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"label": ' * 10_000 + b"1" + b"}" * 10_000,
        b"[" * 100_000,
        b'{"label": "x",}',
        b"\xff",
    ],
    ids=["arrays", "objects", "unclosed", "trailing-comma", "not-utf8"],
)
@pytest.mark.parametrize("method, url", WRITES)
def test_a_body_that_is_not_json_or_nests_too_deeply_is_a_write_problem(
    cur: Curation, method: str, url: str, body: bytes
) -> None:
    """Not a query problem (400 invalid-query) nor FastAPI's generic 400: the body is
    the write's, and nothing is written."""
    head = cur.head()
    for media in ("application/json", "application/merge-patch+json"):
        if media != "application/json" and method != "PATCH":
            continue
        r = cur.client.request(
            method, url, content=body, headers=cur.auth(**{"If-Match": "*", "Content-Type": media})
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["type"] == "http://testserver/problems/invalid-request"
        [error] = problem["errors"]
        assert error["where"] == "body"
        assert error["message"].startswith("The body is not valid JSON (")
    assert cur.head() == head


def test_json_nested_as_deep_as_a_parser_allows_is_judged_as_a_body(cur: Curation) -> None:
    """Two hundred levels are read, and then refused for their shape, with no 5xx."""
    nested: Any = "x"
    for _ in range(190):
        nested = {"a": nested}
    for method, url in WRITES:
        r = cur.client.request(
            method, url, json={"definition": nested}, headers=cur.auth(**{"If-Match": "*"})
        )
        assert (
            r.status_code == 422
            and r.json()["type"] == "http://testserver/problems/invalid-request"
        ), (
            method,
            url,
            r.text,
        )


@pytest.mark.parametrize(
    "method, url, body, where",
    [
        ("PATCH", "/v1/concepts/evolution", [], "body"),
        ("PATCH", "/v1/concepts/evolution", {"id": "natural-selection"}, "body.id"),
        ("PATCH", "/v1/relations/evolution/produces/humans", {"colour": "red"}, "body.colour"),
        ("POST", "/v1/concepts", toy(id="Toy Optimizer"), "body.id"),
    ],
)
def test_other_unacceptable_bodies_are_write_problems(
    cur: Curation, method: str, url: str, body: Any, where: str
) -> None:
    r = cur.client.request(method, url, json=body, headers=cur.auth(**{"If-Match": "*"}))
    assert (
        r.status_code == 422 and r.json()["type"] == "http://testserver/problems/invalid-request"
    ), r.text
    assert [e["where"] for e in r.json()["errors"]] == [where]


def test_text_with_control_characters_is_refused(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(aliases=["toy\x00optimizer"]), headers=cur.auth())
    assert r.status_code == 422
    [problem] = r.json()["problems"]
    assert (
        problem["message"] == "alias 'toy\\x00optimizer' holds the character U+0000, "
        "which text may not hold"
    )
    assert problem["pointer"] == "/aliases"
    r = cur.client.post("/v1/concepts", json=toy(aliases=["toy 😀 optimizer"]), headers=cur.auth())
    assert r.status_code == 201  # any printable text is fine, astral characters too
    assert cur.client.get("/v1/concepts/toy-optimizer").json()["aliases"] == ["toy 😀 optimizer"]


@pytest.mark.parametrize(
    ("change", "pointer", "char"),
    [
        ({"label": "toy <b>optimizer</b>"}, "/label", "<"),
        ({"aliases": ["toy & optimizer"]}, "/aliases", "&"),
        ({"aliases": ["x", "toy -> optimizer"]}, "/aliases", ">"),  # a flow list is one line
    ],
)
def test_names_that_a_page_would_read_as_markup_are_refused(
    cur: Curation, change: dict[str, Any], pointer: str, char: str
) -> None:
    """A label or alias reaches AISafety.info's pages as HTML, unescaped: no <, > or &."""
    r = cur.client.post("/v1/concepts", json=toy(**change), headers=cur.auth())
    assert r.status_code == 422
    [problem] = r.json()["problems"]
    assert (
        f"holds {char!r}, which a page that shows names as HTML would read as markup"
        in problem["message"]
    )
    assert problem["pointer"] == pointer
    # a definition is escaped wherever it is shown, so it may hold them
    r = cur.client.post(
        "/v1/concepts", json=toy(definition="A toy: x < y & y > z."), headers=cur.auth()
    )
    assert r.status_code == 201


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (
            {"label": "toy\u202eoptimizer"},
            "/label",
            "label 'toy\\u202eoptimizer' holds U+202E RIGHT-TO-LEFT OVERRIDE, an invisible format "
            "character",
        ),
        (
            {"aliases": ["toy\u200boptimiser"]},
            "/aliases",
            "alias 'toy\\u200boptimiser' holds U+200B ZERO WIDTH SPACE, an invisible format "
            "character",
        ),
        (
            {"aliases": ["m\u0435sa-optimizer"]},
            "/aliases",
            "term 'm\u0435sa-optimizer' looks like 'mesa-optimizer', a name of 'mesa-optimizer' "
            "(this one holds U+0435 CYRILLIC SMALL LETTER IE)",
        ),
        (
            {"aliases": ["t\u043ey optimizer"]},
            "/aliases",
            "term 't\u043ey optimizer' looks like 'toy-optimizer', another name of the same "
            "concept (this one holds U+043E CYRILLIC SMALL LETTER O)",
        ),
    ],
)
def test_names_that_hide_characters_or_pass_for_others_are_refused(
    cur: Curation, change: dict[str, Any], pointer: str, message: str
) -> None:
    """The write API refuses them as `kg validate` does, pointing at the field."""
    head = cur.head()
    r = cur.client.post("/v1/concepts", json=toy(**change), headers=cur.auth())
    assert r.status_code == 422 and r.json()["type"] == "http://testserver/problems/invalid-data"
    [problem] = r.json()["problems"]
    assert problem["message"] == message
    assert problem["pointer"] == pointer
    assert cur.head() == head


def test_an_id_with_an_invisible_character_is_refused(cur: Curation) -> None:
    r = cur.client.post("/v1/concepts", json=toy(id="toy-optimizer\u200b"), headers=cur.auth())
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.id"
    r = cur.client.put("/v1/concepts/toy\u202eoptimizer", json=toy(id=None), headers=cur.auth())
    assert 400 <= r.status_code < 500
    assert cur.client.get("/v1/concepts/toy-optimizer").status_code == 404


def test_an_edit_that_changes_nothing_keeps_the_etag(cur: Curation) -> None:
    _, etag = cur.record("evolution")
    head = cur.head()
    r = cur.client.patch("/v1/concepts/evolution", json={}, headers=cur.auth(**{"If-Match": etag}))
    assert r.status_code == 200 and r.headers["etag"] == etag and cur.head() == head


def test_a_failing_store_is_a_503(cur: Curation, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    app: Any = cur.client.app

    def locked(*args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(context_of(app).curator.store, "commit", locked)  # type: ignore[union-attr]
    _, etag = cur.record("evolution")
    r = cur.client.patch(
        "/v1/concepts/evolution",
        json={"label": "evolution by selection"},
        headers=cur.auth(**{"If-Match": etag}),
    )
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["type"] == "http://testserver/problems/store-unavailable"
    assert cur.client.get("/v1/concepts/evolution").json()["label"] == "evolution"


def test_read_answers_of_a_store_are_revalidated_not_kept(cur: Curation) -> None:
    # a write may change them at any moment: clients keep them but ask again (a cheap 304)
    r = cur.client.get("/v1/concepts/evolution")
    assert r.headers["cache-control"] == "public, no-cache"
    again = cur.client.get("/v1/concepts/evolution", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_the_record_answers_304_to_its_etag(cur: Curation) -> None:
    _, etag = cur.record("evolution")
    r = cur.client.get("/v1/concepts/evolution/record", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.headers["etag"] == etag


def test_a_body_that_is_not_json_is_a_415(cur: Curation) -> None:
    r = cur.client.post(
        "/v1/concepts",
        content=b"label: toy",
        headers=cur.auth(**{"Content-Type": "application/yaml"}),
    )
    assert (
        r.status_code == 415
        and r.json()["type"] == "http://testserver/problems/unsupported-media-type"
    )
    r = cur.client.post("/v1/concepts", content=b"label: toy", headers=cur.auth())
    assert r.status_code == 415  # no Content-Type at all


def test_the_token_is_checked_before_the_body(cur: Curation) -> None:
    r = cur.client.post(
        "/v1/concepts", content=b"label: toy", headers={"Content-Type": "application/yaml"}
    )
    assert r.status_code == 401
    r = cur.client.post("/v1/relations", json={"source": 5}, headers=cur.auth("revoked"))
    assert r.status_code == 401


def test_a_worker_reloads_for_other_processes_writes_only(cur: Curation) -> None:
    from kg.curate import Curator, patch_concept, put_concept

    app: Any = cur.client.app
    context = context_of(app)
    # run on the app's own event loop, as the server does: the reloader's asyncio lock
    # is the app loop's, and a second loop waiting on it (asyncio.run here) can sleep
    # through its release and hang the test (seen once in CI under load)
    portal = cur.client.portal
    assert portal is not None

    def changed() -> bool:
        return portal.call(context.reloader._changed)

    # a write of this process, committed but not yet installed: no reload for it
    assert context.curator is not None
    context.curator.change(
        "concepts/evolution.yaml",
        patch_concept("evolution", lambda r: {**r, "label": "evolution by selection"}),
        "ed",
    )
    assert changed() is False
    other = SqliteStore(cur.path)  # another process writes
    body = {k: v for k, v in toy().items() if k != "id"}
    Curator(other).change("concepts/toy-optimizer.yaml", put_concept(body), "other", None)
    other.close()
    assert changed() is True
    assert portal.call(context.reloader.reload) is True
    assert cur.client.get("/v1/concepts/toy-optimizer").status_code == 200
    assert changed() is False


def test_a_write_answers_before_path_finding_is_prepared_and_relate_agrees(
    cur: Curation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write serves its graph without waiting for what path finding builds (about a
    second at 50,000 concepts): that is built in the background, and relate answers
    meanwhile as on the prepared graph."""
    release = threading.Event()
    real = paths.prepare

    def held(graph: KnowledgeGraph) -> None:
        assert release.wait(120)
        real(graph)

    monkeypatch.setattr(paths, "prepare", held)
    rel = contrast()
    r = cur.client.post("/v1/relations", json=rel, headers=cur.auth("linker"))
    assert r.status_code == 201, r.text  # answered while the preparation is held
    served = context_of(cur.client.app).graph  # type: ignore[arg-type]
    assert paths.prepare_pending()
    relate = cur.client.get("/v1/relate?x=world model&y=mesa optimizer").json()
    release.set()
    deadline = time.monotonic() + 120
    while paths.prepare_pending():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert "adjacency" in vars(served) and context_of(cur.client.app).graph is served  # type: ignore[arg-type]
    # asked again of the prepared graph: the same answer
    assert relate["paths"]
    assert cur.client.get("/v1/relate?x=world model&y=mesa optimizer").json() == relate
