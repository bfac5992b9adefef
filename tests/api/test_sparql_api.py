from __future__ import annotations

import socket
import threading
import time
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def _sparql(live_server: str) -> SPARQLWrapper:
    return SPARQLWrapper(live_server + "/v1/sparql")


def test_sparqlwrapper_select(live_server: str) -> None:
    client = _sparql(live_server)
    client.setQuery(SKOS + "SELECT ?l WHERE { ?c skos:prefLabel ?l } ORDER BY ?l LIMIT 500")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert isinstance(result, dict)
    rows = result["results"]["bindings"]
    labels = {r["l"]["value"] for r in rows}
    assert {"mesa-optimizer", "base optimizer", "inner alignment"} <= labels


def test_sparqlwrapper_ask_by_post(live_server: str) -> None:
    client = _sparql(live_server)
    client.setMethod("POST")
    client.setQuery(SKOS + 'ASK { ?c skos:prefLabel "deceptive alignment"@en }')
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index,call-overload]


def test_sparqlwrapper_construct(live_server: str) -> None:
    client = _sparql(live_server)
    client.setQuery(SKOS + "CONSTRUCT { ?a skos:broader ?b } WHERE { ?a skos:broader ?b }")
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    assert b"skos:broader" in data  # type: ignore[operator]


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str, str]:
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


class _Listener:
    """A TCP listener on loopback that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_service_never_reaches_the_listener(live_server: str, how: str) -> None:
    listener = _Listener()
    try:
        query = (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        )
        if how == "get":
            status, ctype, body = _get(
                live_server + "/v1/sparql?query=" + urllib.parse.quote(query)
            )
        elif how == "form":
            status, ctype, body = _post(
                live_server + "/v1/sparql",
                urllib.parse.urlencode({"query": query}).encode(),
                "application/x-www-form-urlencoded",
            )
        else:
            status, ctype, body = _post(
                live_server + "/v1/sparql", query.encode(), "application/sparql-query"
            )
        time.sleep(0.3)
        assert status == 400 and ctype == "application/problem+json"
        assert "SERVICE is not allowed" in body
        assert listener.connections == 0
    finally:
        listener.close()


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def test_runaway_query_is_stopped_while_the_server_keeps_answering(live_server: str) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result: dict[str, tuple[int, str, str]] = {}

    def run() -> None:
        result["r"] = _get(live_server + "/v1/sparql?query=" + urllib.parse.quote(runaway))

    started = time.monotonic()
    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.5)
    status, _, _ = _get(live_server + "/v1/health")  # answered while the query runs
    assert status == 200
    assert _get(live_server + "/v1/concepts/humans")[0] == 200
    worker.join(30)
    elapsed = time.monotonic() - started
    status, ctype, body = result["r"]
    assert status == 422 and ctype == "application/problem+json"
    assert "ran longer than 2 seconds" in body and f"{live_server}/problems/query-timeout" in body
    # the configured limit, plus a busy machine's start-up of the next worker (a similar
    # query took 11.7 s against a 3 s limit with four other jobs on the two cores): the
    # query itself would run for days
    assert elapsed < 30
    status, _, body = _get(live_server + "/v1/sparql?query=" + urllib.parse.quote("ASK {?s ?p ?o}"))
    assert status == 200 and '"boolean": true' in body


@pytest.mark.parametrize(
    ("body", "content_type", "status", "text"),
    [
        (
            b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "application/sparql-update",
            400,
            "Updates are not allowed",
        ),
        (
            b"update=INSERT+DATA+%7B%7D",
            "application/x-www-form-urlencoded",
            400,
            "Updates are not allowed",
        ),
        (
            b"query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D&default-graph-uri=http%3A%2F%2Fx.test%2F",
            "application/x-www-form-urlencoded",
            400,
            "default-graph-uri",
        ),
        (b"SELECT * WHERE { ?s ?p ?o }", "text/plain", 415, "application/sparql-query"),
        (b"x" * 50_000, "application/sparql-query", 413, "larger than"),
        (b"SELECT WHERE {", "application/sparql-query", 400, "syntax error"),
        (b"", "application/x-www-form-urlencoded", 400, "`query` parameter"),
    ],
)
def test_refusals(live_server: str, body: bytes, content_type: str, status: int, text: str) -> None:
    got, ctype, answer = _post(live_server + "/v1/sparql", body, content_type)
    assert (got, ctype) == (status, "application/problem+json")
    assert text in answer


def test_over_long_query_by_get(live_server: str) -> None:
    query = urllib.parse.quote("ASK { ?s ?p ?o } #" + "x" * 10_000)
    status, ctype, body = _get(live_server + "/v1/sparql?query=" + query)
    assert (status, ctype) == (400, "application/problem+json")
    assert "the limit is 10,000" in body


def test_results_by_accept(live_server: str) -> None:
    q = urllib.parse.quote(SKOS + "SELECT ?l WHERE { ?c skos:prefLabel ?l } LIMIT 1")
    for accept, media in [
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ]:
        req = urllib.request.Request(
            live_server + "/v1/sparql?query=" + q, headers={"Accept": accept}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.headers["Content-Type"].split(";")[0] == media
    req = urllib.request.Request(
        live_server + "/v1/sparql?query=" + q, headers={"Accept": "image/png"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(req, timeout=10)
    assert caught.value.code == 406
