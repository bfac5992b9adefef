"""Read-only, sandboxed SPARQL over the RDF export.

A query is first parsed and translated to SPARQL algebra by rdflib; the algebra is
walked and anything that could reach outside the graph (SERVICE, FROM, FROM NAMED) is
refused, as is every update. Only then is it run, by Oxigraph, in a separate worker
process that holds the export in memory: a query that runs past the time limit is
stopped by killing that process (a thread could not be stopped), and a fresh worker is
started for the next query. Results are capped at a number of rows.

Examples
--------
>>> check_query("ASK { ?s ?p ?o }").form
'ASK'
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
kg.errors.QueryRejected: SERVICE is not allowed: this endpoint never makes outbound requests.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from kg.errors import InvalidQuery, QueryRejected
from kg.rdf import FORMATS_BY_MEDIA_TYPE, serialize

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
MAX_QUERY_CHARS = 10_000
MAX_ROWS = 10_000
TIMEOUT_SECONDS = 5.0

RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {media: f.name for media, f in FORMATS_BY_MEDIA_TYPE.items()}


@dataclass(frozen=True)
class CheckedQuery:
    """A query that parsed and passed every check."""

    text: str
    form: Form


def _walk(node: Any, depth: int = 0) -> Iterator[Any]:
    """Every node of an rdflib algebra tree (CompValues, lists, dicts)."""
    if depth > 500:
        raise QueryRejected("The query is nested too deeply.")
    yield node
    if isinstance(node, dict):  # CompValue is an OrderedDict
        for value in node.values():
            yield from _walk(value, depth + 1)
    elif isinstance(node, list | tuple | set):
        for value in node:
            yield from _walk(value, depth + 1)


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and refuse what a public read-only endpoint must not run.

    Raises :class:`QueryRejected` for updates, SERVICE, FROM / FROM NAMED and over-long
    queries, and :class:`InvalidQuery` for syntax errors.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRejected(f"The query is {len(text):,} characters long; the limit is "
                            f"{MAX_QUERY_CHARS:,}.")
    if not text.strip():
        raise InvalidQuery("The query is empty.")
    try:
        parsed = parseQuery(text)
    except ParseException as e:
        try:
            parseUpdate(text)
        except ParseException:
            raise InvalidQuery(f"SPARQL syntax error: {e}") from None
        raise QueryRejected("Updates are not allowed: this endpoint is read-only.") from None
    try:
        algebra = translateQuery(parsed).algebra
    except Exception as e:  # rdflib raises plain Exceptions, e.g. for unknown prefixes
        raise InvalidQuery(f"SPARQL error: {e}") from None
    for node in _walk(algebra):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise QueryRejected("SERVICE is not allowed: this endpoint never makes outbound "
                                "requests.")
        # dict.get: CompValue.get answers a missing key with the key's own name
        if isinstance(node, dict) and dict.get(node, "datasetClause"):
            raise QueryRejected("FROM and FROM NAMED are not allowed: queries run over this "
                                "graph only.")
    forms: dict[str, Form] = {"SelectQuery": "SELECT", "AskQuery": "ASK",
                              "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
    form = forms.get(str(algebra.name))
    if form is None:
        raise QueryRejected(f"Query form {algebra.name} is not supported.")
    return CheckedQuery(text, form)


# -- results, written here so that the row cap applies while they are read
def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _term_tsv(term: Any) -> str:
    if term is None:
        return ""
    text = str(term)  # pyoxigraph prints terms in N-Triples syntax, as TSV results want
    return text.replace("\t", "\\t").replace("\n", "\\n")


def write_solutions(variables: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """SELECT results in SPARQL JSON, XML, CSV or TSV."""
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row, strict=True)
                     if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables},
                           "results": {"bindings": bindings}}).encode()
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        body = "".join(
            "<result>" + "".join(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                                 for v, t in zip(variables, row, strict=True) if t is not None)
            + "</result>" for row in rows)
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>{body}</results></sparql>").encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else t.value for t in row])
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_term_tsv(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_boolean(value: bool, fmt: str) -> bytes:
    """ASK results in SPARQL JSON, XML, CSV or TSV."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>").encode()
    return f"{str(value).lower()}\n".encode()


def _capped(items: Iterable[Any], max_rows: int) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if len(out) == max_rows:
            raise QueryRejected(f"The result has more than {max_rows:,} rows; add a LIMIT.")
        out.append(item)
    return out


def run_query(store: ox.Store, query: CheckedQuery, fmt: str, max_rows: int,
              base: str) -> bytes:
    """Run a checked query on ``store`` and serialise the result in ``fmt``."""
    result = store.query(query.text)
    if query.form == "ASK":
        return write_boolean(bool(result), fmt)
    if query.form == "SELECT":
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        rows = [[solution[v] for v in variables] for solution in _capped(result, max_rows)]
        return write_solutions(variables, rows, fmt)
    assert isinstance(result, ox.QueryTriples)
    triples = _capped(result, max_rows)
    return serialize(triples, fmt, base)


# -- the worker process
def _worker(conn: Connection, ntriples: bytes, base: str) -> None:
    store = ox.Store()
    store.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES)
    conn.send(("ready", None))
    while True:
        try:
            text, form, fmt, max_rows = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", run_query(store, CheckedQuery(text, form), fmt, max_rows, base)))
        except QueryRejected as e:
            conn.send(("rejected", e.detail))
        except (OSError, SyntaxError, ValueError, TypeError) as e:
            conn.send(("invalid", str(e)))


class SparqlEngine:
    """Runs checked queries in a killable worker process, one query at a time.

    Parameters
    ----------
    ntriples
        The graph to query, as N-Triples.
    base
        Base IRI of the graph, for prefixes in RDF results.
    timeout
        Seconds a query may run before its worker is killed.
    max_rows
        Most result rows (or triples) a query may return.
    """

    def __init__(self, ntriples: bytes, base: str, timeout: float = TIMEOUT_SECONDS,
                 max_rows: int = MAX_ROWS) -> None:
        self.ntriples = ntriples
        self.base = base
        self.timeout = timeout
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        ctx = mp.get_context("spawn")  # no fork: the server process has threads
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, self.ntriples, self.base),
                           daemon=True,
                           name="kg-sparql")
        proc.start()
        child.close()
        if not parent.poll(60):
            proc.kill()
            raise QueryRejected("The query engine did not start.")
        parent.recv()
        self._proc, self._conn = proc, parent
        return parent

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        """Stop the worker process."""
        with self._lock:
            self._stop()

    def query(self, query: CheckedQuery, fmt: str) -> bytes:
        """Run ``query`` and return its result serialised in ``fmt``."""
        if not self._lock.acquire(timeout=self.timeout):
            raise QueryRejected("The query engine is busy; try again shortly.")
        try:
            conn = self._conn
            if conn is None or self._proc is None or not self._proc.is_alive():
                self._stop()
                conn = self._start()
            conn.send((query.text, query.form, fmt, self.max_rows))
            if not conn.poll(self.timeout):
                self._stop()  # the only way to stop a running query is to end its process
                raise QueryRejected(f"The query ran longer than {self.timeout:g} seconds and "
                                    "was stopped.")
            status, payload = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._stop()
            raise QueryRejected("The query stopped the query engine.") from None
        finally:
            self._lock.release()
        if status == "ok":
            return bytes(payload)
        if status == "rejected":
            raise QueryRejected(str(payload))
        raise InvalidQuery(f"SPARQL error: {payload}")
