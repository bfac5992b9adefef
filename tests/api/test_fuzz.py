"""Any input gets an answer below 500; every 4xx is problem+json."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(min_size=0, max_size=300)
NUMBER = st.one_of(st.integers(-(10**6), 10**6).map(str), TEXT)

TEMPLATES = [
    "/v1/search?q={a}&limit={n}&kind={b}",
    "/v1/relate?x={a}&y={b}&max_hops={n}&limit={m}",
    "/v1/concepts/{a}",
    "/v1/concepts/{a}/neighbors?depth={n}&types={b}",
    "/v1/concepts/{a}/hierarchy",
    "/v1/concepts?kind={a}&limit={n}&offset={m}",
    "/v1/sources/{a}",
    "/v1/sources/{a}/text",
    "/v1/ask?q={a}",
    "/v1/ask?q={a}%20and%20{b}",
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(template=st.sampled_from(TEMPLATES), a=TEXT, b=TEXT, n=NUMBER, m=NUMBER)
def test_no_5xx(client: TestClient, template: str, a: str, b: str, n: str, m: str) -> None:
    url = template.format(
        a=quote(a, safe=""), b=quote(b, safe=""), n=quote(n, safe=""), m=quote(m, safe="")
    )
    r = client.get(url, follow_redirects=False)
    assert r.status_code < 500, (url, r.text)
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json", url
        body = r.json()
        assert body["status"] == r.status_code and body["title"] and body["detail"]


WORDS = st.sampled_from(
    [
        "mesa-optimizer",
        "inner",
        "and",
        "outer",
        "alignment",
        "vs",
        "what",
        "is",
        "the",
        "difference",
        "between",
        "example",
        "of",
        "-",
        "'s",
        "?",
        "\u0130",
        "alignment tax",
        "optimisers",
        "a",
        " ",
        ",",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(WORDS, max_size=25))
def test_ask_answers_any_word_salad(client: TestClient, words: list[str]) -> None:
    r = client.get("/v1/ask", params={"q": " ".join(words)})
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code == 200:
        body = r.json()
        numbers = [c["n"] for c in body["citations"]]
        assert numbers == list(range(1, len(numbers) + 1))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(["text", "first_only", "x"]),
            st.one_of(st.none(), st.booleans(), st.integers(), TEXT, st.lists(TEXT, max_size=2)),
            max_size=3,
        ),
        st.lists(st.integers(), max_size=3),
        TEXT,
        st.integers(),
    )
)
def test_annotate_any_body(client: TestClient, body: object) -> None:
    r = client.post("/v1/annotate", json=body)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert isinstance(body, dict)
        for a in r.json()["annotations"]:
            assert body["text"][a["start"] : a["end"]] == a["text"]
