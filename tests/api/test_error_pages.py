"""One error path: browsers get HTML error pages, clients problem+json, and every
problem type is an absolute URL of a page that explains it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api import errors

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _kinds_in_use() -> set[str]:
    kinds = {kind for _, kind in errors._STATUS.values()}
    stack: list[type[errors.ApiProblem]] = [errors.ApiProblem]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.kind:
            kinds.add(cls.kind)
    return kinds | set(errors._HTTP_KINDS.values())


def test_an_unknown_path_is_a_page_for_a_browser_and_a_problem_for_a_client(
    client: TestClient,
) -> None:
    page = client.get("/concepts/mesa-optimizer/mesa-optimzer", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"].split(", ")[0] == "Accept"
    # said as a reader would: a page, not an endpoint
    assert "There is no page at /concepts/mesa-optimizer/mesa-optimzer" in page.text
    assert "endpoint" not in page.text
    # the last word of the path, read as a term, gives the suggestions
    assert 'href="/concepts/mesa-optimizer"' in page.text
    assert 'href="/problems/not-found"' in page.text
    for accept in ("*/*", "application/json", None):
        r = client.get("/nothing-here", headers={"Accept": accept} if accept else {})
        assert r.status_code == 404 and r.headers["content-type"] == errors.PROBLEM_JSON
        assert r.json()["type"] == "http://testserver/problems/not-found"


def test_a_bad_parameter_of_a_page_is_an_html_page(client: TestClient) -> None:
    r = client.get("/concepts/mesa-optimizer?depth=5", headers=BROWSER)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert 'href="/problems/invalid-request"' in r.text
    r = client.get("/sources/nope", headers=BROWSER)
    assert r.status_code == 404 and "<h1>Source not found</h1>" in r.text


def test_every_problem_type_resolves_to_a_page_that_explains_it(client: TestClient) -> None:
    kinds = _kinds_in_use()
    assert kinds <= set(errors.PROBLEM_TYPES), kinds - set(errors.PROBLEM_TYPES)
    for kind in kinds:
        r = client.get(f"/problems/{kind}")
        assert r.status_code == 200, kind
        assert errors.PROBLEM_TYPES[kind].split(";")[0] in r.text.replace("&#39;", "'")
    missing = client.get("/problems/no-such-problem", headers=BROWSER)
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_a_problem_type_is_absolute_and_its_page_is_served(client: TestClient) -> None:
    body = client.get("/v1/concepts/nope").json()
    assert re.fullmatch(r"http://testserver/problems/[a-z-]+", body["type"])
    assert client.get(body["type"]).status_code == 200
