"""Every operation of the app's own OpenAPI schema, fuzzed by Schemathesis.

Valid and invalid input alike must never give a 5xx, and every answer must be one the
schema declares for that operation: its status code, its media type and, where a schema
is given for that media type, its body. The schema is made precise (bounds, enums,
formats, the problem+json errors) so that the generated input reaches the handlers and
the answers are checked against something.

Random strings almost never name a concept, so a hook also puts, in some cases, the
shipped graph's real ids, labels, aliases, questions and SPARQL queries in the place of
generated ones, and asks for the media types the app offers: otherwise every 200 branch
(a concept, a path between two concepts, a SPARQL result) would go untested.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.negotiation import RDF_TYPES
from api.settings import ServerSettings
from kg.load import load_graph
from kg.rdf import FORMATS
from tests.conftest import ROOT

GRAPH = load_graph(ROOT / "data")
APP = create_app(ServerSettings(), graph=GRAPH)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schemathesis.serializer.alias("application/sparql-query", "text/plain")  # a query is text
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONCEPTS = sorted(GRAPH.concepts)
NAMES = sorted(
    {
        *(c.label for c in GRAPH.concepts.values()),
        *(a for c in GRAPH.concepts.values() for a in c.aliases[:2]),
    }
    - {*CONCEPTS}
)
TERMS = [*CONCEPTS, *NAMES]
CONCEPT = st.sampled_from(CONCEPTS) | st.sampled_from(NAMES)
"""A concept by id mostly, else by a label or alias (which the API resolves or redirects)."""
SOURCES = sorted(GRAPH.sources)
SEARCHES = [*TERMS[::3], "mesa", "optimiz", "mesa-optimzer", "inner alignmnet", "Goals"]
QUESTIONS = [
    *(f"What is {t}?" for t in TERMS[::4]),
    "How does inner alignment relate to outer alignment?",
    "What is the difference between a base optimizer and a mesa-optimizer?",
    "Give an example of deceptive alignment",
    "What about cats?",
]
SPARQL = [
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 5",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "DESCRIBE <https://w3id.org/alignment-kg/concept/mesa-optimizer>",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
]
ACCEPT = [
    "*/*",
    "application/json",
    *(f.media_type for f in FORMATS.values()),
    "application/sparql-results+xml",
    "text/csv",
    "text/html",
    "image/png",
    "text/turtle;q=0.5, application/ld+json",
]
TEXTS = [
    "Mesa-optimizers and inner alignment: a base optimizer can produce a mesa-optimizer.",
    "Deceptive alignment, outer alignment and goal misgeneralisation, twice: outer alignment.",
]


def _real_values(case: Any) -> dict[tuple[str, str], st.SearchStrategy[Any]]:
    """For each part of ``case`` that can name something real, the real values for it."""
    path = case.operation.path
    found: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
    if "id" in (case.path_parameters or {}):
        found["path", "id"] = st.sampled_from(SOURCES) if "/source" in path else CONCEPT
    names = {
        p["name"]
        for p in case.operation.definition.raw.get("parameters", [])
        if p.get("in") == "query"
    }
    for name in {"x", "y"} & names:
        found["query", name] = CONCEPT
    if "q" in names:
        asked = path.endswith(("ask", "context"))
        found["query", "q"] = st.sampled_from(QUESTIONS if asked else SEARCHES)
    if "query" in names:
        found["query", "query"] = st.sampled_from(SPARQL)
    if path == "/v1/sparql" and case.method.upper() == "POST":
        form = case.media_type == "application/x-www-form-urlencoded"
        found["body", ""] = st.sampled_from(SPARQL).map(lambda q: {"query": q} if form else q)
    if path == "/v1/annotate":
        found["body", ""] = st.builds(
            lambda t, f: {"text": t, "first_only": f}, st.sampled_from(TEXTS), st.booleans()
        )
    if path == "/v1/verify":
        # a model's answer: real text quoted, straight, curly and as a block
        found["body", ""] = st.sampled_from(TEXTS).map(
            lambda t: {"text": f'It says "{t}" and \u201c{t}\u201d.\n\n> {t}\n'}
        )
    found["headers", "Accept"] = st.sampled_from(ACCEPT)
    return found


def _with(case: Any, values: dict[tuple[str, str], Any]) -> Any:
    for (where, name), value in values.items():
        if value is None:
            continue
        if where == "body":
            case.body = value
        elif where == "headers":
            case.headers = {**(case.headers or {}), name: value}
        elif where == "query":
            case.query = {**(case.query or {}), name: value}
        else:
            case.path_parameters = {**case.path_parameters, name: value}
    return case


@schema.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Cases with some parts made real, and cases as generated."""
    real = st.fixed_dictionaries(
        {key: values | st.none() for key, values in _real_values(case).items()}
    )
    return real.map(lambda values: _with(case, values)) | st.just(case)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_operation(case: Any) -> None:
    # the case's own headers, passed again: over ASGI, Schemathesis 4.32 lets its client's
    # defaults (Accept: */*) override them, so a generated Accept header would never be sent
    case.call_and_validate(checks=CHECKS, headers=dict(case.headers or {}))


def test_errors_are_declared_as_problem_json() -> None:
    """Each 4xx an operation declares is problem+json with the problem schema (web pages may
    also answer with an HTML page, and a deleted concept's 410 with its tombstone in RDF),
    and nothing declares FastAPI's default JSON 422."""
    spec = APP.openapi()
    assert "HTTPValidationError" not in spec.get("components", {}).get("schemas", {})
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in operation["responses"], where
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    content = response["content"]
                    tombstone = set(RDF_TYPES) if status == "410" else set()
                    assert set(content) <= {"application/problem+json", "text/html", *tombstone}, (
                        where
                    )
                    if "application/problem+json" in content:
                        problem = content["application/problem+json"]["schema"]
                        assert problem == {"$ref": "#/components/schemas/Problem"}, where
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
