"""Any input gets an answer below 500; every 4xx is problem+json."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(min_size=0, max_size=300)
NUMBER = st.one_of(st.integers(-10**6, 10**6).map(str), TEXT)

TEMPLATES = [
    "/v1/search?q={a}&limit={n}&kind={b}",
    "/v1/relate?x={a}&y={b}&max_hops={n}&limit={m}",
    "/v1/concepts/{a}",
    "/v1/concepts/{a}/neighbors?depth={n}&types={b}",
    "/v1/concepts/{a}/hierarchy",
    "/v1/concepts?kind={a}&limit={n}&offset={m}",
    "/v1/sources/{a}",
    "/v1/sources/{a}/text",
]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(TEMPLATES), a=TEXT, b=TEXT, n=NUMBER, m=NUMBER)
def test_no_5xx(client: TestClient, template: str, a: str, b: str, n: str, m: str) -> None:
    url = template.format(a=quote(a, safe=""), b=quote(b, safe=""), n=quote(n, safe=""),
                          m=quote(m, safe=""))
    r = client.get(url, follow_redirects=False)
    assert r.status_code < 500, (url, r.text)
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json", url
        body = r.json()
        assert body["status"] == r.status_code and body["title"] and body["detail"]
