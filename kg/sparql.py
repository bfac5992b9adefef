"""Read-only, sandboxed SPARQL over the RDF export.

Everything a query costs happens in a separate worker process that holds the export in
memory. There the query is first parsed and translated to SPARQL algebra by rdflib; the
algebra is walked and anything that could reach outside the graph (SERVICE, FROM, FROM
NAMED) is refused, as is every update. Only then is it run, by Oxigraph. A query that runs
past the time limit, parsing included, is stopped by killing that process (a thread could
not be stopped), and a fresh worker is started for the next query; the worker's address
space is capped, so a query that needs too much memory ends only its worker. Answers are
capped in rows and in bytes, and the number of queries held at once is bounded.

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

import contextlib
import csv
import io
import json
import math
import multiprocessing as mp
import os
import resource
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.dataset import SPARQL_PATH
from kg.errors import (
    Busy,
    InvalidQuery,
    KGError,
    QueryRejected,
    QueryTimeout,
    QueryTooExpensive,
    ResultTooLarge,
)
from kg.rdf import FORMATS_BY_MEDIA_TYPE, RDF, SD, XSD, Namespaces, serialize

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
MAX_QUERY_CHARS = 10_000
MAX_ROWS = 10_000
MAX_BYTES = 4 * 1024 * 1024
TIMEOUT_SECONDS = 5.0

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {media: f.name for media, f in FORMATS_BY_MEDIA_TYPE.items()}
_W3C_FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON-LD",
}
"""The W3C's name (``http://www.w3.org/ns/formats/``) of each format answers come in,
by the name :data:`RESULT_TYPES` and :data:`GRAPH_TYPES` give it."""


def service_description(base: str) -> list[ox.Triple]:
    """The endpoint's SPARQL 1.1 Service Description: an ``sd:Service`` with its
    endpoint, its language (queries only), the formats of its answers and its default
    dataset (the one :func:`kg.rdf.dataset_triples` describes)."""
    t, ns = ox.Triple, Namespaces(base)
    service, dataset = ox.NamedNode(ns.sparql_service), ox.NamedNode(ns.dataset)
    graph = ox.NamedNode(f"{ns.dataset}#graph")
    out = [
        t(service, RDF.type, SD.Service),
        t(service, SD.endpoint, ox.NamedNode(ns.service(SPARQL_PATH))),
        t(service, SD.supportedLanguage, SD.SPARQL11Query),
        t(service, SD.defaultDataset, dataset),
        t(dataset, RDF.type, SD.Dataset),
        t(dataset, SD.defaultGraph, graph),
        t(graph, RDF.type, SD.Graph),
    ]
    names = dict.fromkeys([*RESULT_TYPES.values(), *GRAPH_TYPES.values()])
    out += (t(service, SD.resultFormat, ox.NamedNode(_W3C_FORMATS + FORMAT_IRIS[n])) for n in names)
    return out


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


def check_length(text: str) -> None:
    """Refuse a query over :data:`MAX_QUERY_CHARS` (:class:`QueryRejected`)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRejected(
            f"The query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}."
        )


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and refuse what a public read-only endpoint must not run.

    Raises :class:`QueryRejected` for updates, SERVICE, FROM / FROM NAMED and over-long
    queries, and :class:`InvalidQuery` for syntax errors.
    """
    check_length(text)
    if not text.strip():
        raise InvalidQuery("The query is empty.")
    try:
        return _check(text)
    except RecursionError:
        raise InvalidQuery("The query is nested too deeply to be read.") from None


def _check(text: str) -> CheckedQuery:
    # rdflib's SPARQL parser is imported by the query engine's process (_worker), not
    # by a server's start, which it would keep waiting for a seventh of a second
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

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
    except RecursionError:
        raise
    except Exception as e:  # rdflib raises plain Exceptions, e.g. for unknown prefixes
        raise InvalidQuery(f"SPARQL error: {e}") from None
    for node in _walk(algebra):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise QueryRejected(
                "SERVICE is not allowed: this endpoint never makes outbound requests."
            )
        # dict.get: CompValue.get answers a missing key with the key's own name
        if isinstance(node, dict) and dict.get(node, "datasetClause"):
            raise QueryRejected(
                "FROM and FROM NAMED are not allowed: queries run over this graph only."
            )
    forms: dict[str, Form] = {
        "SelectQuery": "SELECT",
        "AskQuery": "ASK",
        "ConstructQuery": "CONSTRUCT",
        "DescribeQuery": "DESCRIBE",
    }
    form = forms.get(str(algebra.name))
    if form is None:
        raise QueryRejected(f"Query form {algebra.name} is not supported.")
    return CheckedQuery(text, form)


# -- results, written here so that the row and byte caps apply while they are read
def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype != XSD.string:
        out["datatype"] = term.datatype.value
    return out


def _text_xml(value: str) -> str:
    # a raw CR would be read back as a line feed: XML parsers normalise line ends
    return escape(value, {"\r": "&#13;"})


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_text_xml(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_text_xml(term.value)}</bnode>"
    value = _text_xml(term.value)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{value}</literal>"
    if term.datatype != XSD.string:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _term_tsv(term: Any) -> str:
    if term is None:
        return ""
    text = str(term)  # pyoxigraph prints terms in N-Triples syntax, as TSV results want
    return text.replace("\t", "\\t").replace("\n", "\\n")


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def solution_chunks(variables: list[str], rows: Iterable[list[Any]], fmt: str) -> Iterator[str]:
    """SELECT results in SPARQL JSON, XML, CSV or TSV, a piece at a time (the head, each
    row, the end), so that a size limit can stop the writing early."""
    if fmt == "json":
        yield '{"head": {"vars": ' + json.dumps(variables) + '}, "results": {"bindings": ['
        for i, row in enumerate(rows):
            binding = {
                v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None
            }
            yield (", " if i else "") + json.dumps(binding)
        yield "]}}"
    elif fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        yield (
            f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>"
        )
        for row in rows:
            yield (
                "<result>"
                + "".join(
                    f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, row, strict=True)
                    if t is not None
                )
                + "</result>"
            )
        yield "</results></sparql>"
    elif fmt == "csv":
        yield _csv_line(variables)
        for row in rows:
            yield _csv_line(["" if t is None else t.value for t in row])
    else:
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for row in rows:
            yield "\t".join(_term_tsv(t) for t in row) + "\n"


def write_solutions(
    variables: list[str], rows: Iterable[list[Any]], fmt: str, max_bytes: int | None = None
) -> bytes:
    """SELECT results in SPARQL JSON, XML, CSV or TSV; raises :class:`ResultTooLarge` as
    soon as they pass ``max_bytes``."""
    out = bytearray()
    for chunk in solution_chunks(variables, rows, fmt):
        out += chunk.encode()
        if max_bytes is not None and len(out) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(out)


def write_boolean(value: bool, fmt: str) -> bytes:
    """ASK results in SPARQL JSON, XML, CSV or TSV."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{str(value).lower()}</boolean></sparql>"
        ).encode()
    return f"{str(value).lower()}\n".encode()


def _too_large(max_bytes: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"The result is larger than {max_bytes:,} bytes; select fewer or "
        "shorter values, or add a LIMIT."
    )


def _capped(items: Iterable[Any], max_rows: int) -> Iterator[Any]:
    for count, item in enumerate(items):
        if count == max_rows:
            raise QueryRejected(f"The result has more than {max_rows:,} rows; add a LIMIT.")
        yield item


def run_query(
    store: ox.Store,
    query: CheckedQuery,
    fmt: str,
    max_rows: int,
    base: str,
    max_bytes: int | None = None,
) -> bytes:
    """Run a checked query on ``store`` and serialise the result in ``fmt``, within
    ``max_rows`` rows (or triples) and ``max_bytes`` bytes."""
    result = store.query(query.text)
    if query.form == "ASK":
        return write_boolean(bool(result), fmt)
    if query.form == "SELECT":
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        rows = ([solution[v] for v in variables] for solution in _capped(result, max_rows))
        return write_solutions(variables, rows, fmt, max_bytes)
    assert isinstance(result, ox.QueryTriples)
    triples: list[Any] = []
    size = 0
    for triple in _capped(result, max_rows):
        size += len(str(triple))  # its N-Triples form: about what any format writes
        if max_bytes is not None and size > max_bytes:
            raise _too_large(max_bytes)
        triples.append(triple)
    body = serialize(triples, fmt, base)
    if max_bytes is not None and len(body) > max_bytes:
        raise _too_large(max_bytes)
    return body


# -- the worker process
@dataclass(frozen=True)
class Job:
    """A query for the worker: its text, the format to write a SELECT or ASK answer in
    and the format for a CONSTRUCT or DESCRIBE graph (None: the client accepts none),
    and the caps."""

    text: str
    results: str | None
    graph: str | None
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Answer:
    """What a query gave: its form, and the serialised answer, or None when the client
    accepts no format for that form."""

    form: Form
    body: bytes | None


_FAILURES: dict[str, type[KGError]] = {
    "invalid": InvalidQuery,
    "rejected": QueryRejected,
    "too_large": ResultTooLarge,
    "memory": QueryTooExpensive,
}


def _handle(store: ox.Store, job: Job, base: str) -> tuple[str, Any]:
    """One job, as the worker answers it: ("ok", Answer) or (failure, detail)."""
    try:
        query = check_query(job.text)
        fmt = job.results if query.form in ("SELECT", "ASK") else job.graph
        if fmt is None:
            return "ok", Answer(query.form, None)
        return "ok", Answer(
            query.form, run_query(store, query, fmt, job.max_rows, base, job.max_bytes)
        )
    except InvalidQuery as e:
        return "invalid", e.detail
    except QueryRejected as e:
        return "rejected", e.detail
    except ResultTooLarge as e:
        return "too_large", e.detail
    except (OSError, SyntaxError, ValueError, TypeError) as e:
        return "invalid", f"SPARQL error: {e}"


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_memory(allowance: int) -> None:
    """Let this process grow by at most ``allowance`` bytes of address space from now on,
    so that a query that would take all the machine's memory fails here instead (an
    allocation fails; the worker ends and is replaced)."""
    now = _address_space()
    if allowance > 0 and now is not None:
        cap = now + allowance
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _worker(conn: Connection, base: str, max_memory: int) -> None:
    # below the server in the scheduler's eyes: when cores are scarce, the requests the
    # server answers itself (health above all) go first, and a query waits
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    store = ox.Store()
    data = conn.recv_bytes()  # through the pipe, not as an argument: it can be freed
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    del data
    _limit_memory(max_memory)
    sys.setrecursionlimit(RECURSION_LIMIT)
    # the parser that checks each query (imported here, not by the server's start)
    # before the first query, whose time limit its import would count against
    import rdflib.plugins.sparql.algebra  # noqa: F401
    import rdflib.plugins.sparql.parser  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(_handle(store, job, base))
        except MemoryError:
            conn.send(("memory", None))
            return  # what is left of this process is not to be trusted: a new one starts


RECURSION_LIMIT = 3000
"""Python's recursion limit in the worker: rdflib's parser and algebra recurse once per
nesting level and per triple pattern; deeper queries are refused as too deeply nested."""

MAX_MEMORY = 1024 * 1024 * 1024
WORKER_NICENESS = 10
QUEUE = 4


class SparqlEngine:
    """Checks and runs queries in a killable worker process, one query at a time.

    Everything a query costs happens in the worker: parsing and checking (rdflib), the
    query itself (Oxigraph) and writing the answer; the caller only waits on a pipe. The
    worker is replaced when a query runs past ``timeout`` (it is killed: a running query
    cannot be stopped otherwise) or needs more than ``max_memory`` bytes of address
    space. At most ``queue`` queries are held at once, running or waiting their turn;
    more are refused at once with :class:`Busy`.

    Parameters
    ----------
    ntriples
        The graph to query, as N-Triples.
    base
        Base IRI of the graph, for prefixes in RDF results.
    timeout
        Seconds a query may take, parsing included, before its worker is killed.
    max_rows
        Most result rows (or triples) a query may return.
    max_bytes
        Largest serialised answer.
    max_memory
        Address space the worker may add, once it holds the graph, for running queries
        (0: no cap).
    queue
        Queries held at once, running or waiting.
    """

    def __init__(
        self,
        ntriples: bytes,
        base: str,
        timeout: float = TIMEOUT_SECONDS,
        max_rows: int = MAX_ROWS,
        max_bytes: int = MAX_BYTES,
        max_memory: int = MAX_MEMORY,
        queue: int = QUEUE,
    ) -> None:
        self.ntriples = ntriples
        self.base = base
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_memory = max_memory
        self.queue = queue
        self._lock = threading.Lock()
        self._held = 0
        self._held_lock = threading.Lock()
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        ctx = mp.get_context("spawn")  # no fork: the server process has threads
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_worker, args=(child, self.base, self.max_memory), daemon=True, name="kg-sparql"
        )
        proc.start()
        child.close()
        parent.send_bytes(self.ntriples)
        if not parent.poll(60):
            proc.kill()
            raise QueryRejected("The query engine did not start.")
        try:
            parent.recv()
        except EOFError:
            proc.join(5)
            raise QueryTooExpensive("The query engine did not start.") from None
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

    def _busy(self) -> Busy:
        return Busy(
            f"{self.queue} SPARQL queries are already running or waiting; try again shortly.",
            retry_after=max(1, math.ceil(self.timeout)),
        )

    def query(
        self, text: str, results: str | None = "json", graph: str | None = "turtle"
    ) -> Answer:
        """Check and run the query ``text``: a SELECT or ASK answer is written in format
        ``results``, a CONSTRUCT or DESCRIBE graph in ``graph`` (None: not acceptable,
        and the answer's body is None).

        Raises :class:`InvalidQuery` or :class:`QueryRejected` for a query that cannot
        or may not run, :class:`QueryTimeout`, :class:`QueryTooExpensive` and
        :class:`ResultTooLarge` past a bound, and :class:`Busy` when the queue is full.
        """
        check_length(text)  # refused without a trip to the worker
        with self._held_lock:
            if self._held >= self.queue:
                raise self._busy()
            self._held += 1
        try:
            # each query ahead may take the full time limit
            if not self._lock.acquire(timeout=self.timeout * self.queue):
                raise self._busy()
            try:
                return self._run(Job(text, results, graph, self.max_rows, self.max_bytes))
            finally:
                self._lock.release()
        finally:
            with self._held_lock:
                self._held -= 1

    def _run(self, job: Job) -> Answer:
        conn = self._conn
        if conn is None or self._proc is None or not self._proc.is_alive():
            self._stop()
            conn = self._start()
        try:
            conn.send(job)
            if not conn.poll(self.timeout):
                self._stop()  # the only way to stop a running query is to end its process
                raise QueryTimeout(
                    f"The query ran longer than {self.timeout:g} seconds and was stopped."
                )
            status, payload = conn.recv()
        except (EOFError, OSError):
            self._proc.join(5)
            code = self._proc.exitcode
            self._stop()
            if code == -signal.SIGABRT:  # how an allocation that fails ends Oxigraph
                raise QueryTooExpensive(self._memory_detail()) from None
            raise QueryTooExpensive(
                f"The query stopped the query engine (exit status {code}); it was replaced."
            ) from None
        if status == "ok":
            assert isinstance(payload, Answer)
            return payload
        if status == "memory":
            self._stop()
            payload = self._memory_detail()
        raise _FAILURES[status](str(payload))

    def _memory_detail(self) -> str:
        return (
            f"The query needed more memory than a query may use ({self.max_memory:,} "
            "bytes, KG_SPARQL_MAX_MEMORY) and was stopped."
        )
