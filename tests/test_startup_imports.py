"""What a server's start imports (issue 19's warm restart): modules only some requests
need are imported by the first of them, not by every start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.errors import InvalidQuery
from kg.sparql import check_query

DEFERRED = ("rdflib.plugins.sparql", "pyparsing")
"""rdflib's SPARQL parser and the parsing library under it (about 0.15 s to import)."""


def test_the_app_and_the_server_import_no_sparql_parser() -> None:
    code = (
        "import sys, api.app, api.serve, kg.snapshot, kg.cli\n"
        f"print(sorted(m for m in {DEFERRED!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_the_first_query_imports_it_and_is_checked() -> None:
    assert check_query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1") is not None
    with pytest.raises(InvalidQuery, match="syntax error"):
        check_query("SELECT WHERE {")
    assert all(m in sys.modules for m in DEFERRED)
