"""Security headers on every answer, and pages that satisfy their Content-Security-Policy."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

# what starlette's TestClient answers with when httpx2 is installed (mcp brings it)
import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.context import context_of
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The response's one Content-Security-Policy, as directive: sources."""
    values = response.headers.get_list("content-security-policy")
    assert len(values) == 1, values
    out: dict[str, list[str]] = {}
    for part in values[0].split(";"):
        name, *sources = part.split()
        assert name not in out, f"{name} twice in {values[0]}"
        out[name] = sources
    return out


def assert_secured(response: httpx.Response, embeddable: bool = False) -> None:
    """The headers every answer carries; framing refused unless ``embeddable``."""
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    csp = policy(response)
    assert csp["default-src"] == ["'none'"]
    if embeddable:
        assert "frame-ancestors" not in csp
        assert "x-frame-options" not in response.headers
    else:
        assert csp["frame-ancestors"] == ["'none'"]
        assert response.headers.get_list("x-frame-options") == ["DENY"]


# -- every kind of answer


@pytest.mark.parametrize(
    ("method", "url", "status", "media"),
    [
        ("GET", "/v1/concepts/evolution", 200, "application/json"),
        ("GET", "/v1/sources/primer/text", 200, "text/plain"),
        ("GET", "/v1/export?format=turtle", 200, "text/turtle"),
        ("GET", "/", 200, "text/html"),
        ("GET", "/concepts/evolution", 200, "text/html"),
        ("GET", "/concepts/no-such-thing", 404, "text/html"),
        ("GET", "/static/site.css", 200, "text/css"),
        ("GET", "/static/autocomplete.js", 200, "text/javascript"),
        ("GET", "/static/docs/swagger-ui-bundle.js", 200, "text/javascript"),
        ("GET", "/v1/concepts/no-such-thing", 404, "application/problem+json"),
        ("GET", "/no/such/route", 404, "application/problem+json"),
        ("POST", "/v1/health", 405, "application/problem+json"),
        ("GET", "/v1/search?limit=0&q=x", 422, "application/problem+json"),
        ("GET", "/v1/search?q=" + "a" * 40_000, 414, "application/problem+json"),
        ("GET", "/search?q=evolution", 303, None),
        ("GET", "/v1/concepts/" + quote("natural selection"), 307, None),
        ("HEAD", "/concepts/evolution", 200, "text/html"),
        ("HEAD", "/v1/concepts/humans", 200, "application/json"),
        ("HEAD", "/static/site.css", 200, "text/css"),
    ],
)
def test_every_kind_of_answer_carries_the_headers(
    client: TestClient, method: str, url: str, status: int, media: str | None
) -> None:
    r = client.request(method, url, follow_redirects=False)
    assert r.status_code == status
    if media is not None:
        assert r.headers["content-type"].startswith(media)
    assert_secured(r)


def test_answers_from_the_read_cache_carry_the_headers(client: TestClient) -> None:
    cache = context_of(client.app).read_cache  # type: ignore[arg-type]
    assert cache is not None
    url = "/v1/concepts/mesa-optimizer/hierarchy"
    first = client.get(url)
    hits = cache.hits
    again = client.get(url)
    assert cache.hits == hits + 1  # served from memory, past Starlette and the routes
    assert again.content == first.content
    assert_secured(again)
    head = client.head(url)
    assert cache.hits == hits + 2 and head.content == b""
    assert_secured(head)
    assert "x-request-id" in again.headers


def test_not_modified_keeps_the_stored_answers_policy(client: TestClient) -> None:
    """A 304's headers replace those of the answer the browser holds: it carries the
    headers every answer shares, and no policy that could replace a picture's."""
    for url in ("/v1/concepts/evolution", "/v1/concepts/evolution/graph.svg"):
        etag = client.get(url).headers["etag"]
        r = client.get(url, headers={"If-None-Match": etag})
        assert r.status_code == 304
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "content-security-policy" not in r.headers
        assert "x-frame-options" not in r.headers


def test_an_answer_during_a_rate_limit_carries_the_headers(good_dir: Path) -> None:
    limited = TestClient(create_app(ServerSettings(data_dir=good_dir, rate_limit=1, rate_burst=1)))
    assert limited.get("/v1/health").status_code == 200
    refused = limited.get("/v1/health")
    assert refused.status_code == 429
    assert_secured(refused)


# -- pictures


@pytest.mark.parametrize(
    "url",
    ["/v1/concepts/evolution/graph.svg?depth=2", "/v1/relate.svg?x=evolution&y=mesa-optimizer"],
)
def test_pictures_may_be_embedded_anywhere_but_load_nothing(client: TestClient, url: str) -> None:
    for _ in range(2):  # rendered, then from the read cache
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
        assert_secured(r, embeddable=True)
        assert policy(r) == {"default-src": ["'none'"]}
    scan = Scan()
    scan.feed(r.text)
    # nothing a policy would have to allow when the picture is inlined in a page
    assert scan.tags["svg"] == 1
    assert not scan.scripts and not scan.handlers
    assert not scan.styles and not scan.style_attributes


# -- pages: policy, and no inline script, handler or style


class Scan(HTMLParser):
    """What a page holds that a Content-Security-Policy governs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.styles = 0
        self.style_attributes: list[str] = []
        self.stylesheets: list[str] = []
        self.script_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        self.handlers += [
            f"<{tag} {name}={value}>"
            for name, value in attrs
            if (value or "").strip().lower().startswith("javascript:")
        ]
        if "style" in a:
            self.style_attributes.append(f"<{tag} style={a['style']}>")
        if tag == "script":
            self.scripts.append(a)
        elif tag == "style":
            self.styles += 1
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href") or "")


def pages(graph: KnowledgeGraph) -> list[str]:
    """A URL for every kind of page, and every concept and source page."""
    urls = [
        "/",
        "/relate",
        "/relate?x=evolution&y=mesa-optimizer",
        "/relate?x=evolution&y=zzzzzz",
        "/relate?x=evolution&y=evolution",
        "/ask",
        "/ask?q=What+is+the+difference+between+inner+and+outer+alignment",
        "/ask?q=what+is+the+alignment+tax",
        "/search",
        "/search?q=align",
        "/search?q=zzzzzz",
        "/sources",
        "/hierarchy",
        "/browse/letters/m",
        "/browse/kinds/example",
        "/sources/no-such-source",
        "/concepts/no-such-thing",
        "/concepts/inner-alignment?depth=2",
        "/problems/concept-not-found",
        "/docs",
        "/redoc",
    ]
    urls += [f"/concepts/{cid}" for cid in sorted(graph.concepts)]
    urls += [f"/sources/{sid}" for sid in sorted(graph.sources)]
    return urls


def secured_page_template(live: TestClient, url: str) -> str:
    """Check that the page at ``url`` satisfies its policy without inline script (data
    blocks aside); the name of the template that rendered it."""
    r = live.get(url, headers={"Accept": BROWSER})
    assert r.headers["content-type"].startswith("text/html"), url
    assert_secured(r)
    template = getattr(r, "template", None)
    assert template is not None, url
    csp = policy(r)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-eval'" not in csp[directive], url
        assert "*" not in csp[directive] and "https:" not in csp[directive], url
    assert csp["script-src"] == ["'self'"], url  # no inline script, hashed or not
    assert csp["base-uri"] == ["'none'"], url
    scan = Scan()
    scan.feed(r.text)
    assert not scan.handlers, (url, scan.handlers)
    assert scan.scripts, url
    for script in scan.scripts:
        if script.get("type") in DATA_BLOCKS:  # a data block: never run
            assert "src" not in script, (url, script)
            continue
        assert script.get("type") in (None, "text/javascript"), (url, script)
        src = script.get("src") or ""
        assert src.startswith("/") and not src.startswith("//"), (url, script)
        assert live.get(src).headers["content-type"].startswith("text/javascript"), src
    for href in scan.stylesheets:
        assert href.startswith("/") and not href.startswith("//"), (url, href)
    if "'unsafe-inline'" not in csp["style-src"]:
        assert not scan.styles and not scan.style_attributes, (url, scan.style_attributes)
    return str(template.name)


DATA_BLOCKS = ("application/ld+json", "application/json")
"""Script elements that hold data, which browsers never run."""

SIGNED_IN_TEMPLATES = {"signin.html", "edit.html", "history.html", "changes.html"}
"""The workbench's pages, which need a store and a session: tests/api/test_workbench.py
holds them to the same policy."""


def test_every_page_satisfies_its_policy_without_inline_script(
    live: TestClient, shipped: KnowledgeGraph
) -> None:
    rendered = {secured_page_template(live, url) for url in pages(shipped)}
    # every page template was looked at (partials start with _; base.html frames them all)
    assert (
        rendered
        == {p.name for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")}
        - {"base.html"}
        - SIGNED_IN_TEMPLATES
    )


def test_only_redoc_may_style_inline(live: TestClient) -> None:
    for url in ("/", "/concepts/evolution", "/docs"):
        assert policy(live.get(url))["style-src"] == ["'self'"], url
    redoc = policy(live.get("/redoc"))
    assert redoc["style-src"] == ["'self'", "'unsafe-inline'"]
    assert redoc["script-src"] == ["'self'"]


# -- the API documentation


@pytest.mark.parametrize(
    ("url", "files"),
    [
        (
            "/docs",
            [
                "/static/docs/swagger-ui.css",
                "/static/docs.css",  # our contrast fixes, after Swagger UI's own styles
                "/static/docs/swagger-ui-bundle.js",
                "/static/swagger-init.js",
            ],
        ),
        ("/redoc", ["/static/docs/redoc.standalone.js"]),
    ],
)
def test_docs_load_only_files_of_this_app(client: TestClient, url: str, files: list[str]) -> None:
    r = client.get(url)
    assert r.status_code == 200
    assert_secured(r)
    scan = Scan()
    scan.feed(r.text)
    assert [s.get("src") for s in scan.scripts] + scan.stylesheets == [
        f for f in files if f.endswith(".js")
    ] + [f for f in files if f.endswith(".css")]
    assert "/openapi.json" in r.text
    for f in files:
        asset = client.get(f)
        assert asset.status_code == 200, f
        # the packaged assets are the real ones; our own two files are small
        assert len(asset.content) > 1000 or not f.startswith("/static/docs/"), f
    assert "SwaggerUIBundle" in client.get("/static/swagger-init.js").text or url == "/redoc"
    assert client.get("/openapi.json").status_code == 200
    csp = policy(r)
    assert csp["connect-src"] == ["'self'"]  # the OpenAPI document, and "Try it out"


def test_no_docs_page_of_fastapi_itself_is_left(client: TestClient) -> None:
    assert client.get("/docs/oauth2-redirect").status_code == 404
    text = client.get("/docs").text + client.get("/redoc").text
    assert "cdn.jsdelivr.net" not in text and "fonts.googleapis.com" not in text
