"""``/mcp`` on the app (api/mcp.py's HttpEndpoint, mounted by create_app): run in the
app's lifespan, behind its middleware, answering from the graph the app serves now.
What the tools answer is tests/test_mcp.py's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import mcp, reload
from api.app import create_app
from api.context import context_of
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph

PROBLEM = "application/problem+json"
HEADERS = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"}


def rpc(method: str, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}


@pytest.fixture(scope="module")
def app(good: KnowledgeGraph) -> FastAPI:
    return create_app(ServerSettings(rate_limit=0), graph=good)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # the lifespan runs: the session manager with it
        yield client


def test_a_call_is_answered_as_json_with_the_apps_headers(client: TestClient) -> None:
    r = client.post("/mcp", json=rpc("tools/list"), headers=HEADERS)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert r.headers["x-request-id"]
    assert "mcp-session-id" not in r.headers  # stateless: any worker answers any call
    assert "define_concept" in {t["name"] for t in r.json()["result"]["tools"]}


def test_any_host_name_is_answered(client: TestClient) -> None:
    """Behind a proxy the service has the proxy's names: no Host allow-list."""
    for host in ("glossary.example.org", "10.0.0.7:8000"):
        headers = {**HEADERS, "Host": host, "Origin": f"https://{host}"}
        r = client.post("/mcp", json=rpc("tools/list"), headers=headers)
        assert r.status_code == 200, (host, r.text)


def test_initialize_names_the_server_and_gives_its_instructions(client: TestClient) -> None:
    params = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    }
    r = client.post("/mcp", json=rpc("initialize", **params), headers=HEADERS)
    result = r.json()["result"]
    assert result["serverInfo"]["name"] == "alignment-kg"
    assert "verbatim quotes" in result["instructions"]
    assert {"tools", "resources", "prompts"} <= set(result["capabilities"])


def test_only_post_is_served_and_other_methods_are_problems(client: TestClient) -> None:
    for method in ("GET", "DELETE", "PUT"):
        r = client.request(method, "/mcp", headers=HEADERS)
        assert r.status_code == 405 and r.headers["content-type"] == PROBLEM, method
        assert set(r.headers["allow"].split(", ")) == {"POST", "OPTIONS"}  # OPTIONS: api.cors


def test_a_body_that_is_not_json_is_a_415_problem(client: TestClient) -> None:
    r = client.post(
        "/mcp", content=b"tools/list", headers={**HEADERS, "content-type": "text/plain"}
    )
    assert r.status_code == 415 and r.headers["content-type"] == PROBLEM
    assert r.json()["type"] == "http://testserver/problems/unsupported-media-type"


def test_what_is_not_json_rpc_is_a_json_rpc_error(client: TestClient) -> None:
    broken = client.post(
        "/mcp", content=b"{not json", headers={**HEADERS, "content-type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == -32700
    stray = client.post("/mcp", json={"hello": 1}, headers=HEADERS)
    assert stray.status_code == 400 and "error" in stray.json()


def test_the_body_limit_of_the_app_holds(good: KnowledgeGraph) -> None:
    app = create_app(ServerSettings(max_body_bytes=2048), graph=good)
    with TestClient(app) as client:
        big = rpc("tools/call", name="annotate_text", arguments={"text": "x" * 4000})
        r = client.post("/mcp", json=big, headers=HEADERS)
        assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_calls_are_counted_under_the_route(client: TestClient) -> None:
    client.post("/mcp", json=rpc("tools/list"), headers=HEADERS)
    metrics = client.get("/metrics").text
    assert 'kg_requests_total{method="POST",route="/mcp",status="200"}' in metrics


def test_the_openapi_document_leaves_it_out(app: FastAPI) -> None:
    assert not [p for p in app.openapi()["paths"] if p.startswith("/mcp")]


def test_before_the_app_starts_it_is_a_503_problem(good: KnowledgeGraph) -> None:
    client = TestClient(create_app(ServerSettings(), graph=good))  # no lifespan
    r = client.post("/mcp", json=rpc("tools/list"), headers=HEADERS)
    assert r.status_code == 503 and r.headers["content-type"] == PROBLEM


def test_the_app_is_ready_before_the_endpoint_starts_and_a_call_waits_for_it(
    good: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK is imported off the app's start: readiness does not wait for it, and a
    call that comes meanwhile is answered once the endpoint runs, not refused."""
    release = threading.Event()
    security = mcp._security_settings

    def slow_import() -> Any:
        assert release.wait(60), "never released"
        return security()

    monkeypatch.setattr(mcp, "_security_settings", slow_import)
    app = create_app(ServerSettings(), graph=good)
    with TestClient(app) as client:
        assert client.get("/v1/ready").status_code == 200  # while the import is held
        threading.Timer(0.3, release.set).start()
        r = client.post("/mcp", json=rpc("tools/list"), headers=HEADERS)
        assert r.status_code == 200 and "define_concept" in r.text


def test_calls_answer_from_the_graph_the_app_serves_now(
    good: KnowledgeGraph, shipped: KnowledgeGraph
) -> None:
    app = create_app(ServerSettings(), graph=good)
    call = rpc("tools/call", name="define_concept", arguments={"term": "bottle-cap"})
    with TestClient(app) as client:
        before = client.post("/mcp", json=call, headers=HEADERS).json()["result"]
        assert before["isError"] and "No concept matches" in before["content"][0]["text"]
        reload.prepare(shipped)
        reload.install(context_of(app), shipped)
        after = client.post("/mcp", json=call, headers=HEADERS).json()["result"]
        assert not after.get("isError") and after["structuredContent"]["id"] == "bottle-cap"
        listed = client.post("/mcp", json=rpc("resources/list"), headers=HEADERS).json()
        assert len(listed["result"]["resources"]) == len(shipped.concepts) + len(shipped.sources)
