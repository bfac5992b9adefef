"""Operations: request ids, metrics, readiness, URL and rate limits, data reloads."""

from __future__ import annotations

import gc
import shutil
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.context import context_of
from api.limits import RateLimit
from api.observe import ACCESS, access_line
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture
def client(data: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ServerSettings(data_dir=data))) as c:
        yield c


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    r = client.get("/v1/health", headers={"x-request-id": "abc.DEF-1:2"})
    assert r.headers["x-request-id"] == "abc.DEF-1:2"
    made = {client.get("/v1/health").headers["x-request-id"] for _ in range(3)}
    assert len(made) == 3 and all(len(m) == 32 for m in made)
    # not a token: replaced, never echoed into the answer or the log
    r = client.get("/v1/health", headers={"x-request-id": "a b<script>"})
    assert r.headers["x-request-id"] != "a b<script>" and len(r.headers["x-request-id"]) == 32
    r = client.get("/v1/nope", headers={"x-request-id": "x" * 129})
    assert r.status_code == 404 and len(r.headers["x-request-id"]) == 32


def test_access_line_is_json_with_the_route_template(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="kg.access"):
        client.get("/v1/concepts/evolution", headers={"x-request-id": "r1"})
        client.get("/v1/concepts/evolution", headers={"x-request-id": "r2"})  # from memory
        ACCESS.flush()  # what the writer thread does within ACCESS.interval
    records = [r.getMessage() for r in caplog.records if r.name == "kg.access"]
    lines = [line for record in records for line in record.splitlines()]
    assert len(lines) == 2
    for rid, line in zip(("r1", "r2"), lines, strict=True):
        assert f'"request_id":"{rid}"' in line
        assert '"route":"/v1/concepts/{id}"' in line and '"status":200' in line
    scope = {"method": "GET", "path": "/x", "query_string": b"q=\xe9", "client": None}
    assert '"query":"q=\\u00e9"' in access_line(scope, "id", "unmatched", 404, 0, 0.001)


def test_metrics_count_requests_by_route_and_status(
    client: TestClient, shipped: KnowledgeGraph
) -> None:
    for _ in range(3):
        client.get("/v1/concepts/mesa-optimizer")
    client.get("/v1/concepts/no-such-thing")
    client.get("/no/such/route")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'kg_requests_total{method="GET",route="/v1/concepts/{id}",status="200"} 3' in text
    assert 'kg_requests_total{method="GET",route="/v1/concepts/{id}",status="404"} 1' in text
    assert 'kg_requests_total{method="GET",route="unmatched",status="404"} 1' in text
    assert 'kg_request_duration_seconds_count{route="/v1/concepts/{id}"} 4' in text
    assert 'kg_request_duration_seconds_bucket{route="/v1/concepts/{id}",le="+Inf"} 4' in text
    assert f"kg_graph_concepts {len(shipped)}\n" in text
    assert 'kg_reloads_total{result="ok"} 0' in text
    # every sample line is "name{labels} number"
    for line in text.splitlines():
        if line and not line.startswith("#"):
            float(line.rsplit(" ", 1)[1])


def test_ready_and_health(client: TestClient, shipped: KnowledgeGraph) -> None:
    r = client.get("/v1/ready")
    assert r.status_code == 200 and r.json() == {
        "status": "ready",
        "concepts": len(shipped),
        "relations": len(shipped.relations),
    }
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["reload_problems"] == []
    assert health["loaded_at"].endswith("Z") or "+00:00" in health["loaded_at"]


def test_not_ready_outside_the_lifespan(data: Path) -> None:
    c = TestClient(create_app(ServerSettings(data_dir=data)))  # no startup has run
    r = c.get("/v1/ready")
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"


def test_long_urls_get_414(data: Path) -> None:
    with TestClient(create_app(ServerSettings(data_dir=data, max_url_bytes=300))) as c:
        assert c.get("/v1/search?q=" + "a" * 200).status_code == 200
        r = c.get("/v1/search?q=" + "a" * 400)
        assert r.status_code == 414 and r.headers["content-type"] == "application/problem+json"
        assert "300 bytes" in r.json()["detail"]
        assert c.get("/v1/concepts/" + "a" * 400).status_code == 414


def test_rate_limit_answers_429_with_retry_after(data: Path) -> None:
    with TestClient(create_app(ServerSettings(data_dir=data, rate_limit=60, rate_burst=3))) as c:
        codes = [c.get("/v1/concepts/evolution").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = c.get("/v1/concepts/evolution")
        assert r.status_code == 429 and r.headers["content-type"] == "application/problem+json"
        assert r.headers["retry-after"] == "1"
    with TestClient(create_app(ServerSettings(data_dir=data))) as c:  # off by default
        assert {c.get("/v1/health").status_code for _ in range(100)} == {200}


def test_rate_limit_buckets_are_per_client_and_refill() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not called")

    limit = RateLimit(app, per_minute=60, burst=2)
    assert [limit.take("a", 0.0), limit.take("a", 0.0)] == [0.0, 0.0]
    assert limit.take("a", 0.0) == pytest.approx(1.0)
    assert limit.take("b", 0.0) == 0.0  # another client has its own bucket
    assert limit.take("a", 1.0) == 0.0  # one token a second comes back
    assert limit.take("a", 1.5) == pytest.approx(0.5)
    limit.take("c", 100.0)  # a minute on: full buckets are forgotten
    assert "b" not in limit.buckets


def test_a_bad_reload_keeps_the_old_graph_and_a_good_one_replaces_it(
    client: TestClient, data: Path
) -> None:
    app = client.app
    reloader = context_of(app).reloader  # type: ignore[arg-type]
    before = context_of(app).graph  # type: ignore[arg-type]
    old_answer = client.get("/v1/concepts/mesa-optimizer").json()
    concept = data / "concepts" / "mesa-optimizer.yaml"
    _edit(concept, "kind: optimizer", "kind: optimiser")
    _edit(data / "concepts" / "evolution.yaml", "label:", "colour: red\nlabel:")
    assert client.portal.call(reloader.reload) is False  # type: ignore[union-attr]
    assert context_of(app).graph is before  # type: ignore[arg-type]
    assert client.get("/v1/concepts/mesa-optimizer").json() == old_answer
    problems = client.get("/v1/health").json()["reload_problems"]
    assert len(problems) == 2
    assert any("mesa-optimizer.yaml:2: unknown kind 'optimiser'" in p for p in problems)
    assert any("evolution.yaml:1: unknown field 'colour'" in p for p in problems)

    _edit(concept, "kind: optimiser", "kind: optimizer")
    _edit(data / "concepts" / "evolution.yaml", "colour: red\n", "")
    _edit(concept, "label: 'mesa-optimizer'", "label: 'mesa-optimizer (learned)'")
    assert client.portal.call(reloader.reload) is True  # type: ignore[union-attr]
    assert (
        client.get("/v1/concepts/mesa-optimizer").json()["label"] == "mesa-optimizer (learned)"
    )  # the cached answer of the old graph is gone
    assert client.get("/v1/health").json()["reload_problems"] == []
    metrics = client.get("/metrics").text
    assert 'kg_reloads_total{result="ok"} 1' in metrics
    assert 'kg_reloads_total{result="rejected"} 1' in metrics
    # nothing holds on to the old snapshot once it is replaced
    gone = weakref.ref(before)
    del before
    gc.collect()
    assert gone() is None


def test_changes_are_picked_up_when_polling(data: Path) -> None:
    with TestClient(create_app(ServerSettings(data_dir=data, reload_interval=0.1))) as c:
        _edit(
            data / "concepts" / "mesa-optimizer.yaml",
            "label: 'mesa-optimizer'",
            "label: 'mesa optimiser proper'",
        )
        deadline = time.monotonic() + 20
        while c.get("/v1/concepts/mesa-optimizer").json()["label"] != "mesa optimiser proper":
            assert time.monotonic() < deadline, "the change was not picked up"
            time.sleep(0.1)


def test_sparql_answers_from_the_reloaded_graph(client: TestClient, data: Path) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { "
        "<https://w3id.org/alignment-kg/concept/mesa-optimizer> skos:prefLabel ?l }"
    )

    def label() -> str:
        r = client.get(
            "/v1/sparql",
            params={"query": query},
            headers={"accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200
        return str(r.json()["results"]["bindings"][0]["l"]["value"])

    assert label() == "mesa-optimizer"
    _edit(
        data / "concepts" / "mesa-optimizer.yaml",
        "label: 'mesa-optimizer'",
        "label: 'mesa-optimizer (learned)'",
    )
    reloader = context_of(client.app).reloader  # type: ignore[arg-type]
    assert client.portal.call(reloader.reload) is True  # type: ignore[union-attr]
    assert label() == "mesa-optimizer (learned)"


def test_a_value_made_from_a_replaced_graph_is_not_kept(
    client: TestClient, shipped: object
) -> None:
    from starlette.requests import Request

    from api.deps import cached

    app = client.app
    request = Request({"type": "http", "app": app, "headers": [], "state": {}})
    request.state.graph = shipped  # this request began before a reload
    assert cached(request, "thing", lambda: "old") == "old"
    assert "thing" not in context_of(app).cache  # type: ignore[arg-type]
    fresh = Request({"type": "http", "app": app, "headers": [], "state": {}})
    assert cached(fresh, "thing", lambda: "new") == "new"
    assert cached(fresh, "thing", lambda: "again") == "new"


def test_head_is_answered_wherever_get_is() -> None:
    from api.settings import ServerSettings
    from kg.load import load_graph
    from tests.conftest import ROOT

    app = create_app(ServerSettings(cache_max_bytes=0), graph=load_graph(ROOT / "data"))
    with TestClient(app) as client:
        for url in (
            "/v1/health",
            "/v1/concepts/evolution",
            "/",
            "/concepts/evolution",
            "/v1/sources/what-is-inner-alignment/text",
        ):
            get, head = client.get(url), client.head(url)
            assert head.status_code == get.status_code == 200, url
            assert (
                head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
            ), url
        assert client.head("/v1/concepts/no-such-thing").status_code == 404
        assert client.head("/v1/annotate").status_code == 405  # a POST-only route
