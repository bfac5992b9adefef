"""Read answers served from memory with strong ETags, 304s and Cache-Control."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.cache import ReadCache, etag_of
from api.context import context_of
from api.headers import none_match as matches
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph
from kg.load import load_graph


def _cache_of(app: FastAPI) -> ReadCache:
    cache = context_of(app).read_cache
    assert isinstance(cache, ReadCache)
    return cache


def _client(graph: KnowledgeGraph, **settings: object) -> tuple[TestClient, FastAPI]:
    app = create_app(ServerSettings(**settings), graph=graph)  # type: ignore[arg-type]
    return TestClient(app), app


def test_second_answer_comes_from_memory_with_the_same_bytes(shipped: KnowledgeGraph) -> None:
    client, app = _client(shipped)
    first = client.get("/v1/relate?x=evolution&y=mesa-optimizer")
    second = client.get("/v1/relate?x=evolution&y=mesa-optimizer")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"] == etag_of(first.content).decode()
    assert first.headers["cache-control"] == "public, max-age=60"
    assert int(second.headers["content-length"]) == len(second.content)
    cache = _cache_of(app)
    assert (cache.hits, cache.misses) == (1, 1)


def test_if_none_match_gets_304(shipped: KnowledgeGraph) -> None:
    client, _app = _client(shipped)
    tag = client.get("/v1/concepts/mesa-optimizer").headers["etag"]
    for header in (tag, f"W/{tag}", f'"nope", {tag}', "*"):
        r = client.get("/v1/concepts/mesa-optimizer", headers={"if-none-match": header})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == tag, header
    r = client.get("/v1/concepts/mesa-optimizer", headers={"if-none-match": '"other"'})
    assert r.status_code == 200 and r.headers["etag"] == tag
    # the first, uncached request honours If-None-Match too
    r = client.get(
        "/v1/search?q=mesa",
        headers={"if-none-match": etag_of(client.get("/v1/search?q=mesa").content).decode()},
    )
    assert r.status_code == 304


def test_accept_is_part_of_the_key(shipped: KnowledgeGraph) -> None:
    client, _app = _client(shipped)
    as_json = client.get("/v1/concepts/mesa-optimizer")
    as_turtle = client.get("/v1/concepts/mesa-optimizer", headers={"accept": "text/turtle"})
    assert as_turtle.headers["content-type"].startswith("text/turtle")
    assert as_json.headers["etag"] != as_turtle.headers["etag"]
    again = client.get("/v1/concepts/mesa-optimizer", headers={"accept": "text/turtle"})
    assert again.content == as_turtle.content


def test_a_grounded_context_is_kept_by_question_budget_and_accept(shipped: KnowledgeGraph) -> None:
    client, app = _client(shipped)
    url = "/v1/context?q=Is+evolution+a+mesa-optimizer%3F&budget=300"
    as_json, as_text = client.get(url), client.get(url, headers={"accept": "text/plain"})
    assert as_text.headers["content-type"].startswith("text/plain")
    assert as_json.headers["etag"] != as_text.headers["etag"]
    again = client.get(url, headers={"if-none-match": as_json.headers["etag"]})
    assert again.status_code == 304
    assert client.get(url.replace("300", "3000")).content != as_json.content
    cache = _cache_of(app)
    assert (cache.hits, cache.misses) == (1, 3)


def test_head_and_errors_and_writes_are_not_cached(shipped: KnowledgeGraph) -> None:
    client, app = _client(shipped)
    missing = client.get("/v1/concepts/nothing-here")
    assert missing.status_code == 404 and "etag" not in missing.headers
    client.get("/v1/concepts/mesa-optimizer")
    head = client.head("/v1/concepts/mesa-optimizer")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
    post = client.post("/v1/annotate", json={"text": "mesa-optimizer"})
    assert post.status_code == 200 and "etag" not in post.headers
    assert "etag" not in client.get("/questions/glossary").headers  # its timestamp moves


def test_large_answers_stream_past_and_memory_stays_bounded(shipped: KnowledgeGraph) -> None:
    client, app = _client(shipped, cache_max_bytes=20_000)
    export = client.get("/v1/export?format=turtle")
    assert export.status_code == 200 and len(export.content) > 20_000
    assert "etag" not in export.headers
    for cid in list(shipped.concepts)[:40]:
        assert client.get(f"/v1/concepts/{cid}").status_code == 200
    cache = _cache_of(app)
    assert 0 < cache.size <= 20_000 and len(cache.entries) < 40


def test_a_new_graph_empties_the_cache(shipped: KnowledgeGraph, good_dir: Path) -> None:
    client, app = _client(shipped)
    before = client.get("/v1/concepts").json()["total"]
    context_of(app).graph = load_graph(good_dir)  # what a reload does
    after = client.get("/v1/concepts").json()["total"]
    assert before == len(shipped.concepts) and after == 11


def test_an_answer_from_memory_has_the_headers_the_layers_give(shipped: KnowledgeGraph) -> None:
    """api.front answers a hit without the layers, with the same headers in the same order
    (bar the request id), for a GET and a HEAD, the client's request id kept."""
    client, app = _client(shipped)
    # with a rate limit every request goes through the layers
    layered, _ = _client(shipped, rate_limit=10_000, rate_burst=10_000)

    def raw(r: object) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in r.headers.raw if k not in (b"x-request-id", b"date")]  # type: ignore[attr-defined]

    for url in ("/v1/concepts/mesa-optimizer", "/v1/relate?x=evolution&y=mesa-optimizer"):
        first = client.get(url)  # rendered, through the layers
        hits = _cache_of(app).hits
        again = client.get(url, headers={"x-request-id": "kept-1"})
        head = client.head(url)
        assert _cache_of(app).hits == hits + 2
        layered.get(url)
        through = layered.get(url, headers={"x-request-id": "kept-1"})
        assert raw(again) == raw(first) == raw(head) == raw(through), url
        assert again.content == first.content and head.content == b""
        assert again.headers["x-request-id"] == through.headers["x-request-id"] == "kept-1"
        assert len(head.headers["x-request-id"]) == 32


def test_cache_can_be_turned_off(shipped: KnowledgeGraph) -> None:
    client, _app = _client(shipped, cache_max_bytes=0)
    assert "etag" not in client.get("/v1/concepts/mesa-optimizer").headers


def test_matches() -> None:
    assert matches(b'"a", W/"b"', b'"b"') and not matches(b'"a"', b'"b"') and matches(b"*", b'"x"')


def test_an_answer_made_from_a_replaced_graph_is_not_kept() -> None:
    import asyncio

    from starlette.types import Message, Receive, Scope, Send

    state = {"graph": "G1"}
    go_on = asyncio.Event()

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        made_of = state["graph"]
        if scope["query_string"] == b"slow":
            await go_on.wait()  # a new graph is installed while this answer is made
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": made_of.encode()})

    cache = ReadCache(inner, lambda: state["graph"])

    async def get(query: bytes = b"") -> bytes:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/v1/concepts/x",
            "query_string": query,
            "headers": [],
        }
        await cache(scope, None, send)  # type: ignore[arg-type]
        return b"".join(m.get("body", b"") for m in sent)

    async def scenario() -> list[bytes]:
        slow = asyncio.create_task(get(b"slow"))
        await asyncio.sleep(0)
        state["graph"] = "G2"
        assert await get(b"other") == b"G2"  # the cache sees G2 and is cleared
        go_on.set()
        assert await slow == b"G1"  # made of G1 when it started: answered, not kept
        return [await get(b"slow"), await get(b"slow")]

    assert asyncio.run(scenario()) == [b"G2", b"G2"]
