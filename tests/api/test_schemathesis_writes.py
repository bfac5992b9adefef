"""The curation operations fuzzed by Schemathesis against a store-backed app, with a token.

The read-only app of test_schemathesis.py answers every write with 405; here the writes
run for real: generated bodies, and (in some cases) real ids, relation types, a valid
concept and `If-Match: *`, so that the 2xx, 404, 409, 412 and 422 branches are reached.
Whatever is thrown at it, no 5xx, every answer as declared, and the store still loads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import ServerSettings
from kg.curate import Curator
from kg.load import load_graph
from kg.store import SqliteStore
from tests.api.test_schemathesis import CHECKS, _with
from tests.conftest import ROOT

DATA = ROOT / "data"
_HOME = tempfile.TemporaryDirectory(prefix="kg-fuzz-")
STORE = Path(_HOME.name) / "kg.sqlite3"
_store = SqliteStore.create(STORE, DATA)
TOKEN = _store.create_token("fuzzer", ("concepts:write", "relations:write"))[1]
_store.close()
APP = create_app(ServerSettings(store_path=STORE, data_dir=DATA))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(tag="curation")

GRAPH = load_graph(DATA)
IDS = st.sampled_from(sorted(GRAPH.concepts)) | st.sampled_from(["fuzz-new", "fuzz-other"])
TYPES = st.sampled_from(["is_a", "related_to", "contrasts_with", "causes", "example_of"])
QUOTE = {
    "source": "what-is-inner-alignment",
    "quote": "A “mesa-optimizer” is a learned algorithm that is itself an optimizer.",
}
CONCEPT = st.builds(
    lambda cid, target, rtype: {
        "id": cid,
        "label": cid.replace("-", " ") + " (fuzzed)",
        "kind": "concept",
        "definition": "Made by the fuzzer.",
        "citations": [QUOTE],
        "relations": [{"type": rtype, "target": target, "citations": [QUOTE]}],
    },
    st.sampled_from(["fuzz-new", "fuzz-other"]),
    IDS,
    TYPES,
)


def _real(case: Any) -> dict[tuple[str, str], st.SearchStrategy[Any]]:
    found: dict[tuple[str, str], st.SearchStrategy[Any]] = {}
    params = case.path_parameters or {}
    for name in {"id", "source", "target"} & set(params):
        found["path", name] = IDS
    if "type" in params:
        found["path", "type"] = TYPES
    method = case.method.upper()
    if case.operation.path == "/v1/concepts" and method == "POST":
        found["body", ""] = CONCEPT
    if method in ("PUT", "PATCH", "DELETE", "POST"):
        found["headers", "If-Match"] = st.just("*")
    return found


@schema.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Every case with the token; some with real ids, a valid body and If-Match: *."""
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN}"}
    real = st.fixed_dictionaries({k: v | st.none() for k, v in _real(case).items()})
    return real.map(lambda values: _with(case, values)) | st.just(case)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_write_operation(case: Any) -> None:
    case.call_and_validate(checks=CHECKS, headers=dict(case.headers or {}))


def test_the_store_still_loads_after_the_fuzzing() -> None:
    store = SqliteStore(STORE)
    graph, head = Curator(store).load()
    store.close()
    assert graph.stats()["concepts"] >= len(GRAPH.concepts) - 5
    assert head >= 66
