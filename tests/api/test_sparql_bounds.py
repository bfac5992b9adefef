"""SPARQL is bounded in every dimension, on a live `kg serve` at 127.0.0.1: a query that
takes long to parse, one nested too deeply, an answer too large, a query that needs too
much memory, and more queries at once than the queue holds. Health is answered all the
while. Bounds are set small here so that each attack is quick; every attack is bounded
in count and time."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bench.attack import HealthPoll
from bench.http import free_port, server

# every test here talks to a server process this module starts
pytestmark = pytest.mark.slow

TIMEOUT = 3
MAX_BYTES = 64 * 1024
PARSE_BOMB = "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 4900) + ") }"
CROSS = "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(100)) + " } LIMIT 1"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "KG_SPARQL_TIMEOUT": str(TIMEOUT),
        "KG_SPARQL_MAX_BYTES": str(MAX_BYTES),
        "KG_SPARQL_MAX_MEMORY": str(256 * 1024 * 1024),
        "KG_SPARQL_QUEUE": "2",
    }
    with server(
        [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--log-level", "warning"],
        port,
        env,
        wait=60,
    ) as url:
        yield url


def _sparql(base: str, query: str) -> tuple[int, dict[str, str], dict[str, object]]:
    request = urllib.request.Request(
        base + "/v1/sparql",
        data=query.encode(),
        method="POST",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def test_a_parse_bomb_is_parsed_off_the_event_loop_within_the_time_limit(base: str) -> None:
    with HealthPoll(base) as health:
        start = time.perf_counter()
        status, headers, body = _sparql(base, PARSE_BOMB)
        took = time.perf_counter() - start
    assert status == 422 and body["type"] == f"{base}/problems/query-timeout"
    assert headers["content-type"] == "application/problem+json"
    # The bounds below are relative, so that a busy machine cannot fail them (seen: 11.7 s
    # for this query with four other jobs on the two cores): the parse was cut off well
    # before it would have ended on its own, and health never waited for the query.
    assert took < 10 * TIMEOUT
    assert len(health.ms) >= 3 and health.failures == 0
    assert health.worst < took / 2, "health waited on the query"


@pytest.mark.parametrize("depth", [30, 2000])
def test_deep_nesting_is_answered_or_refused_but_never_a_500(base: str, depth: int) -> None:
    query = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "1" + ")" * depth + ") } LIMIT 1"
    status, _, body = _sparql(base, query)
    if depth == 30:
        assert status == 200 and "results" in body
    else:
        assert status == 400 and "nested too deeply" in str(body["detail"])


def test_an_answer_over_the_byte_limit_is_refused(base: str) -> None:
    query = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?a ?b WHERE { "
        "?x skos:definition ?a . ?y skos:definition ?b } LIMIT 9999"
    )
    status, _, body = _sparql(base, query)
    assert status == 413 and body["type"] == f"{base}/problems/result-too-large"
    assert f"{MAX_BYTES:,} bytes" in str(body["detail"])


def test_a_query_that_needs_too_much_memory_ends_only_its_worker(base: str) -> None:
    with HealthPoll(base) as health:
        start = time.perf_counter()
        status, _, body = _sparql(base, CROSS)
        took = time.perf_counter() - start
    assert status == 422 and body["type"] in (
        f"{base}/problems/query-too-expensive",
        f"{base}/problems/query-timeout",
    )
    assert health.failures == 0 and health.worst < max(took / 2, 2.0)
    status, _, body = _sparql(base, "ASK { ?s ?p ?o }")  # a new worker answers
    assert status == 200 and body["boolean"] is True


def test_more_queries_than_the_queue_holds_get_503_at_once(base: str) -> None:
    answers: list[tuple[int, dict[str, str], float]] = []
    lock = threading.Lock()

    def one() -> None:
        start = time.perf_counter()
        status, headers, _ = _sparql(base, PARSE_BOMB)
        with lock:
            answers.append((status, headers, time.perf_counter() - start))

    with HealthPoll(base) as health:
        threads = [threading.Thread(target=one) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(4 * (TIMEOUT + 5))
    refused = [a for a in answers if a[0] == 503]
    assert len(answers) == 10
    assert {a[0] for a in answers} <= {422, 503}
    assert len(refused) >= 10 - 2 - 2  # the queue holds two; allow two that came late
    assert all(int(h["retry-after"]) >= 1 for _, h, _ in refused)
    ran = [took for status, _, took in answers if status == 422]
    # a refusal that waited for its turn would take as long as a query that ran
    assert all(took < min(ran, default=TIMEOUT) for _, _, took in refused), (
        "a refusal waited for its turn"
    )
    assert health.failures == 0 and health.worst < min(ran, default=TIMEOUT)
