"""The workbench in process: token expiry, sessions (cookie, CSRF, sign out), the edit,
history and recent-changes pages, and writes made with a session."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph
from kg.session import COOKIE, CSRF_HEADER, csrf_token
from kg.store import SqliteStore, stamp
from tests.api.test_curate import DATA, toy
from tests.api.test_security import SIGNED_IN_TEMPLATES, secured_page_template


class Bench:
    def __init__(self, client: TestClient, tokens: dict[str, str], expires: dt.datetime) -> None:
        self.expires = expires  # when the editor's token expires
        self.client = client
        self.tokens = tokens

    def sign_in(self, who: str = "editor", next: str = "/") -> None:
        r = self.client.post(
            "/signin", data={"token": self.tokens[who], "next": next}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        assert r.headers["location"] == next

    def csrf(self) -> dict[str, str]:
        return {CSRF_HEADER: csrf_token(self.tokens["editor"])}


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    path = tmp_path / "kg.sqlite3"
    store = SqliteStore.create(path, DATA)
    scopes = ("concepts:write", "relations:write")
    # the time of each test's own setup: a time taken at import would be minutes old by
    # the time a long, busy run gets to the test
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(days=1)
    tokens = {
        "editor": store.create_token("ed", scopes, stamp(expires))[1],
        "expired": store.create_token("old", scopes, stamp(now - dt.timedelta(days=1)))[1],
    }
    store.close()
    with TestClient(create_app(ServerSettings(store_path=path, data_dir=DATA))) as client:
        yield Bench(client, tokens, expires)


def test_an_expired_token_is_a_401_that_says_so(bench: Bench) -> None:
    r = bench.client.post(
        "/v1/concepts", json=toy(), headers={"Authorization": f"Bearer {bench.tokens['expired']}"}
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="kg", error="invalid_token"'
    assert r.json()["detail"].startswith("The token expired at ")
    r = bench.client.post(
        "/v1/concepts", json=toy(), headers={"Authorization": f"Bearer {bench.tokens['editor']}"}
    )
    assert r.status_code == 201, r.text


def test_signing_in_sets_a_strict_http_only_cookie(bench: Bench) -> None:
    before = dt.datetime.now(dt.UTC)
    r = bench.client.post(
        "/signin",
        data={"token": bench.tokens["editor"], "next": "/concepts/evolution/edit"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/concepts/evolution/edit"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={bench.tokens['editor']};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS it is Secure
    after = dt.datetime.now(dt.UTC)
    age = int(re.findall(r"Max-Age=(\d+)", cookie)[0])
    # until the token expires, counted from when the answer was made
    left = [(bench.expires - t).total_seconds() for t in (after, before)]
    assert left[0] - 1 <= age <= left[1] + 1, (age, left)


def test_a_bad_or_expired_token_does_not_sign_in(bench: Bench) -> None:
    for secret, says in [
        (bench.tokens["expired"], "The token expired at "),
        ("kgt_nope_nope", "The token is not known"),
        ("", "The token is not known"),
    ]:
        r = bench.client.post("/signin", data={"token": secret, "next": "//evil.example/"})
        assert r.status_code == 401 and "set-cookie" not in r.headers
        assert says in r.text and 'aria-invalid="true"' in r.text
        assert 'name="next" value="/"' in r.text  # never another site


def test_a_session_writes_only_with_its_csrf_token(bench: Bench) -> None:
    bench.sign_in()
    r = bench.client.post("/v1/concepts", json=toy())
    assert r.status_code == 403 and r.json()["type"].endswith("/problems/csrf")
    r = bench.client.post("/v1/concepts", json=toy(), headers={CSRF_HEADER: "0" * 64})
    assert r.status_code == 403
    r = bench.client.post("/v1/concepts", json=toy(), headers=bench.csrf())
    assert r.status_code == 201, r.text
    history = bench.client.get("/v1/concepts/toy-optimizer/history").json()
    assert history["items"][0]["author"] == "ed"


def test_signing_out_needs_the_csrf_token_and_ends_the_session(bench: Bench) -> None:
    bench.sign_in()
    assert bench.client.get("/signin").text.count("Signed in as") == 0
    assert "You are signed in as <strong>ed</strong>" in bench.client.get("/signin").text
    r = bench.client.post("/signout", data={"csrf": "nope"}, follow_redirects=False)
    assert r.status_code == 403
    r = bench.client.post(
        "/signout", data={"csrf": bench.csrf()[CSRF_HEADER]}, follow_redirects=False
    )
    assert r.status_code == 303 and f'{COOKIE}=""' in r.headers["set-cookie"]
    assert "Max-Age=0" in r.headers["set-cookie"]


def test_the_edit_page_is_for_signed_in_curators(bench: Bench) -> None:
    r = bench.client.get("/concepts/evolution/edit", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/signin?next=/concepts/evolution/edit"
    page = bench.client.get("/concepts/evolution").text
    assert "Sign in to edit" in page and 'href="/concepts/evolution/history"' in page
    bench.sign_in()
    page = bench.client.get("/concepts/evolution").text
    assert 'href="/concepts/evolution/edit"' in page and "Sign in to edit" not in page
    edit = bench.client.get("/concepts/evolution/edit")
    assert edit.status_code == 200
    assert f'<meta name="csrf-token" content="{bench.csrf()[CSRF_HEADER]}">' in edit.text
    assert 'data-etag="&#34;rev-' in edit.text or "data-etag='\"rev-" in edit.text
    assert '<option value="produces"' in edit.text
    # relation targets are the site's own combobox, and described_as has its field
    assert 'data-field="target" data-autocomplete="fill"' in edit.text
    assert 'list="concept-ids"' not in edit.text
    assert 'name="described_as"' in edit.text
    assert "<script>" not in edit.text  # only data blocks and scripts from the site


def test_history_shows_each_revision_field_by_field(bench: Bench) -> None:
    bench.sign_in()
    record = bench.client.get("/v1/concepts/evolution/record")
    body = {**record.json(), "aliases": [*record.json()["aliases"], "Darwinian evolution"]}
    for key in ("revision", "etag"):
        body.pop(key)
    r = bench.client.put(
        "/v1/concepts/evolution",
        json=body,
        headers={**bench.csrf(), "If-Match": record.headers["etag"]},
    )
    assert r.status_code == 200, r.text
    page = bench.client.get("/concepts/evolution/history").text
    newest = page.index(f"Revision {r.json()['revision']}")
    assert page.index("<ins>Darwinian evolution</ins>") > newest
    assert '<span class="author">ed</span>' in page
    # the first revision came from the data files, not from a curator called "import"
    assert "import from the data files" in " ".join(page.split()) and "by import" not in page
    assert "Revert to revision" in page  # the older revisions, for a signed-in curator
    changes = bench.client.get("/changes").text
    assert "<ins>Darwinian evolution</ins>" in changes and 'href="/concepts/evolution"' in changes


def test_the_pages_need_a_store(client: TestClient) -> None:
    for path in ("/signin", "/changes", "/concepts/evolution/history"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    page = client.get("/concepts/evolution").text
    assert "History" not in page and "Sign in" not in page


def test_the_workbench_pages_satisfy_the_policy_without_inline_script(bench: Bench) -> None:
    bench.sign_in()
    bench.client.post("/v1/concepts", json=toy(), headers=bench.csrf())
    urls = ["/signin", "/concepts/evolution/edit", "/new-concept", "/changes"]
    urls.append("/concepts/toy-optimizer/history")
    assert {secured_page_template(bench.client, url) for url in urls} == SIGNED_IN_TEMPLATES


def test_a_source_page_offers_citing_to_a_signed_in_curator(bench: Bench) -> None:
    assert 'id="cite-form"' not in bench.client.get("/sources/what-is-inner-alignment").text
    bench.sign_in()
    page = bench.client.get("/sources/what-is-inner-alignment").text
    assert 'id="cite-form"' in page and 'data-source="what-is-inner-alignment"' in page
    assert 'id="cite-concept" name="concept" data-autocomplete="fill"' in page
    edit = bench.client.get(
        "/concepts/evolution/edit",
        params={"source": "what-is-inner-alignment", "quote": "a <b> passage"},
    ).text
    assert 'id="incoming"' in edit and "<blockquote>a &lt;b&gt; passage</blockquote>" in edit
    assert 'id="incoming"' not in bench.client.get("/concepts/evolution/edit").text


def test_the_edit_page_lists_the_relations_that_keep_a_concept(
    bench: Bench, shipped: KnowledgeGraph
) -> None:
    bench.sign_in()
    page = bench.client.get("/concepts/optimizer/edit").text
    listed = re.findall(r'<li><a href="/concepts/([a-z0-9-]+)/edit">', page)
    expected = [r.source for r in shipped.relations_of("optimizer") if r.target == "optimizer"]
    assert listed == expected and "base-optimizer" in listed


def test_another_site_cannot_sign_a_visitor_in(bench: Bench) -> None:
    form = {"token": bench.tokens["editor"], "next": "/"}
    for elsewhere in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        r = bench.client.post("/signin", data=form, headers=elsewhere)
        assert r.status_code == 403 and "set-cookie" not in r.headers, elsewhere
    r = bench.client.post(
        "/signin", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["set-cookie"].startswith(COOKIE)


def test_over_tls_the_cookie_is_secure(bench: Bench) -> None:
    tls = TestClient(bench.client.app, base_url="https://testserver")
    r = tls.post("/signin", data={"token": bench.tokens["editor"]}, follow_redirects=False)
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


SESSION_PAGES = ["/", "/concepts/evolution", "/sources/what-is-inner-alignment", "/signin"]
SESSION_PAGES += ["/changes", "/concepts/evolution/history", "/nothing-here", "/search?q=goal"]


def test_pages_vary_with_the_session_and_a_curators_are_never_stored(bench: Bench) -> None:
    def caching(r: Any) -> tuple[str, set[str]]:
        vary = {f.strip().lower() for f in r.headers.get("vary", "").split(",")}
        return r.headers.get("cache-control", ""), vary

    html = {"Accept": "text/html"}
    # the edit page's redirect to sign in is answered to everyone without a session
    paths = [*SESSION_PAGES, "/concepts/evolution/edit"]
    for path in paths:
        r = bench.client.get(path, headers=html, follow_redirects=False)
        assert caching(r)[0] == "no-cache" and "cookie" in caching(r)[1], path
    assert "accept" in caching(bench.client.get("/nothing-here", headers=html))[1]
    r = bench.client.post("/signin", data={"token": bench.tokens["editor"], "next": "/"})
    assert caching(r.history[0])[0] == "private, no-store"  # the answer setting the cookie
    for path in paths:
        r = bench.client.get(path, headers=html, follow_redirects=False)
        assert r.status_code in (200, 303, 404), path
        control, vary = caching(r)
        assert control == "private, no-store" and "cookie" in vary, path
    edit = bench.client.get("/concepts/evolution/edit").text
    assert "Signed in as" in edit  # what a shared cache must not hand to anyone else
    # the API's cached reads are not pages: they keep their own caching
    r = bench.client.get("/v1/concepts/evolution")
    assert "cookie" not in caching(r)[1] and "no-store" not in caching(r)[0]
