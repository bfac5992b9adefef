"""The documentation inside the repo keeps up with the code: every route the app serves is
described in docs/http-api.md, every `kg` subcommand is in the README, and every file or
link the docs point at exists in the repo (a clone has nothing beside it)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.app import create_app
from api.settings import ServerSettings
from kg.cli import build_parser
from kg.graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
HTTP_API = ROOT / "docs" / "http-api.md"
DOCS = [
    README,
    ROOT / "CONTRIBUTING.md",
    ROOT / "CHANGELOG.md",
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "bench" / "README.md",
]

_METHOD = r"(?:GET|HEAD|POST|PUT|PATCH|DELETE)"
ROUTE = re.compile(rf"`({_METHOD}(?:\|{_METHOD})*) (/[^`?\s]*)(?:\?[^`]*)?`")
"""A route as the docs name it: a code span holding its method (or methods joined by
``|``) and its path, optionally followed by a query string: `GET /v1/concepts/{id}`,
`GET /v1/search?q=`, `GET|POST /v1/sparql`. A path inside a longer span or prose does
not count, so `/v1/concepts/{id}` is not mentioned by `GET /v1/concepts/{id}/record`."""

OUTSIDE_SCHEMA = {"/openapi.json": "/openapi.json", "/docs": "/docs", "/redoc": "/redoc"}
"""Routes the app serves that its OpenAPI description leaves out, with a URL to try."""
OUTSIDE_SCHEMA_POST = {"/mcp"}
"""Routes outside the OpenAPI description that take POST only: the MCP endpoint, whose
messages are the protocol's (tests/test_mcp.py sends them)."""

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
"""A markdown link's target: [text](target)."""
SPAN = re.compile(r"`([^`\n]+)`")
TOP = ("kg/", "api/", "bench/", "data/", "docs/", "examples/", "tests/")
ROOT_FILES = {"README.md", "CHANGELOG.md", "CONTRIBUTING.md", "pyproject.toml"}


def documented_routes(text: str) -> set[tuple[str, str]]:
    """The (method, path) pairs a text names in the form of :data:`ROUTE`."""
    return {(method, m[2]) for m in ROUTE.finditer(text) for method in m[1].split("|")}


def subcommands() -> list[str]:
    """The subcommands of `kg`, as its parser defines them."""
    return [
        name
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


def mentions_command(text: str, name: str) -> bool:
    """Whether ``text`` shows `kg <name>` in code (`kg store` is not `kg store-import`)."""
    return re.search(rf"`kg {re.escape(name)}(?=[\s`\]])", text) is not None


def relative_links(text: str) -> list[str]:
    """The targets of a text's markdown links that point into the repo."""
    return [
        t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:|#", t, re.IGNORECASE)
    ]


def repo_paths(text: str) -> list[str]:
    """Paths of the repo a text names in code (`kg/ontology.py`, `tests/web/`), leaving
    out templates such as `data/concepts/<id>.yaml`."""
    spans = (s.strip() for s in SPAN.findall(text))
    return [
        s
        for s in spans
        if (s.startswith(TOP) or s in ROOT_FILES) and not re.search(r"[\s<>{}*]|\.\.\.", s)
    ]


@pytest.fixture(scope="module")
def app(shipped: KnowledgeGraph) -> FastAPI:
    # the default base IRI, so that the IRI routes sit under /alignment-kg as documented
    base = ServerSettings.model_fields["base_iri"].default
    return create_app(ServerSettings(base_iri=base, store_path=None), graph=shipped)


def test_every_route_of_the_schema_is_in_the_http_api_doc(app: FastAPI) -> None:
    documented = documented_routes(HTTP_API.read_text("utf-8"))
    missing = sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if (method.upper(), path) not in documented
    )
    assert not missing, (
        "docs/http-api.md does not describe these routes (name each as "
        f"`METHOD /path` in code): {missing}"
    )


def test_routes_outside_the_schema_are_served_and_documented(app: FastAPI) -> None:
    documented = documented_routes(HTTP_API.read_text("utf-8"))
    mounts = {r.path: f"{r.path}/{{file}}" for r in app.routes if isinstance(r, Mount)}
    assert mounts, "the app mounts its static files"
    for path in [*OUTSIDE_SCHEMA, *mounts.values()]:
        assert ("GET", path) in documented, f"docs/http-api.md does not describe GET {path}"
    for path in OUTSIDE_SCHEMA_POST:
        assert ("POST", path) in documented, f"docs/http-api.md does not describe POST {path}"
        assert any(
            getattr(r, "path", None) == path and "POST" in (getattr(r, "methods", None) or ())
            for r in app.routes
        ), f"the app serves no POST {path}"
    client = TestClient(app)
    for url in OUTSIDE_SCHEMA.values():
        assert client.get(url).status_code == 200, url
    assert client.get("/static/site.css").status_code == 200
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_the_http_api_doc_names_no_route_the_app_lacks(app: FastAPI) -> None:
    served = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    served |= {("GET", p) for p in OUTSIDE_SCHEMA}
    served |= {("POST", p) for p in OUTSIDE_SCHEMA_POST}
    served |= {("GET", f"{r.path}/{{file}}") for r in app.routes if isinstance(r, Mount)}
    stale = sorted(documented_routes(HTTP_API.read_text("utf-8")) - served)
    assert not stale, f"docs/http-api.md describes routes the app does not serve: {stale}"


def test_every_kg_subcommand_is_in_the_readme() -> None:
    names = subcommands()
    assert "validate" in names and "store-import" in names
    text = README.read_text("utf-8")
    missing = [n for n in names if not mentions_command(text, n)]
    assert not missing, f"README.md does not show these kg subcommands: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_what_the_docs_point_at_exists(doc: Path) -> None:
    assert doc.is_file(), f"{doc.relative_to(ROOT)} is missing"
    text = doc.read_text("utf-8")
    for target in relative_links(text):
        path = target.split("#", 1)[0]
        assert (doc.parent / path).exists(), f"{doc.relative_to(ROOT)} links to {target}"
    if doc.parent == ROOT or doc.parent.name == "docs":
        for path in repo_paths(text):
            assert (ROOT / path).exists(), f"{doc.relative_to(ROOT)} names {path}"
    assert "../shared" not in text, f"{doc.relative_to(ROOT)} points outside the repo"


def test_the_readme_links_the_design_and_the_http_contract() -> None:
    links = relative_links(README.read_text("utf-8"))
    for doc in ("docs/http-api.md", "docs/design.md", "CHANGELOG.md", "CONTRIBUTING.md"):
        assert doc in links, f"README.md does not link {doc}"


def test_the_matchers_are_precise() -> None:
    text = (
        "| `GET /v1/concepts/{id}/record` | ... `GET|POST /v1/sparql` and "
        "`GET /v1/search?q=&limit=` but not GET /v1/ask or `/v1/export`"
    )
    assert documented_routes(text) == {
        ("GET", "/v1/concepts/{id}/record"),
        ("GET", "/v1/sparql"),
        ("POST", "/v1/sparql"),
        ("GET", "/v1/search"),
    }
    assert mentions_command("`kg store-import DIR`", "store-import")
    assert not mentions_command("`kg store-import DIR`", "store")
    assert not mentions_command("kg validate", "validate")
    assert relative_links("[a](docs/x.md#top) [b](https://x.org) [c](#here) ![i](p.png)") == [
        "docs/x.md#top"
    ]
    assert repo_paths("`kg/svg.py`, `data/concepts/<id>.yaml`, `kg serve`, `tests/web/`") == [
        "kg/svg.py",
        "tests/web/",
    ]


def test_ci_runs_the_readme_test_command_and_the_checks() -> None:
    """The Quick start has two commands, setting up to serve and to test; .ci/run runs
    the second verbatim, then lint, format check and types as steps of their own."""
    quick = README.read_text("utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick)
    assert len(commands) == 2 and commands[0].endswith("kg serve"), commands
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci.splitlines()
    for step in ("ruff check .", "ruff format --check .", "mypy", "python .ci/check_install.py"):
        assert f"step .venv/bin/{step}\n" in ci, step


def test_the_module_map_names_every_module() -> None:
    """docs/design.md's Layers section names each module of kg/ and api/ by its path, and
    each router of api/routers/ by its name, so the map cannot fall behind the code."""
    design = (ROOT / "docs" / "design.md").read_text("utf-8")
    layers = design.split("## Layers", 1)[1].split("\n## ", 1)[0]
    for path in sorted([*(ROOT / "kg").glob("*.py"), *(ROOT / "api").glob("*.py")]):
        if path.name != "__init__.py":
            assert path.relative_to(ROOT).as_posix() in layers, path
    routers = layers.split("`api/routers/`", 1)[1]
    for path in sorted((ROOT / "api" / "routers").glob("*.py")):
        if path.name != "__init__.py":
            named = path.relative_to(ROOT).as_posix() in layers
            assert named or re.search(rf"\b{path.stem}\b", routers), path
