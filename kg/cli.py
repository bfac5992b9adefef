"""The ``kg`` command: validate, stats, coverage, show, search, relate, ask, annotate,
export, release, retire, import, serve, mcp, token (create, list, revoke), dump, store-import and
store-migrate. ``serve``
and ``mcp`` are the service's (:data:`SERVER`, :data:`MCP`); the others are the
library's."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sqlite3
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, cast

from kg.annotate import FIRST_ONLY, annotate
from kg.ask import ask
from kg.coverage import EXEMPT_FILE, coverage, load_exemptions, report_lines
from kg.curate import SCOPES, Curator, bury, open_store
from kg.dataset import dates_from_git, modified_from_files
from kg.describe import describe
from kg.edit import concept_path, record_of
from kg.errors import DataError, KGError
from kg.explain import relate_answer, sentence
from kg.graph import KnowledgeGraph
from kg.load import load_files, load_graph
from kg.paths import MAX_HOPS, MAX_LIMIT, relate
from kg.rdf import FORMATS, export_to, graph_from_rdf, rdf_format
from kg.release import SUMS, release
from kg.schema import TOMBSTONES_FILE
from kg.search import MAX_HITS, resolve, search
from kg.session import expiry
from kg.settings import Settings
from kg.store import (
    Moved,
    SqlStore,
    Token,
    copy_store,
    data_files,
    differences,
    is_url,
    redact,
)


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=88, initial_indent=indent, subsequent_indent=indent)


def _graph(args: argparse.Namespace) -> KnowledgeGraph:
    return load_graph(args.data or Settings().data_dir)


def cmd_validate(args: argparse.Namespace) -> int:
    graph = load_graph(args.dir or Settings().data_dir)
    s = graph.stats()
    print(
        f"ok: {s['concepts']} concepts, {s['relations']} relations, "
        f"{s['citations']} citations, {s['sources']} sources"
    )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    graph = _graph(args)
    for key, value in graph.stats().items():
        print(f"{key:10} {value}")
    kinds: dict[str, int] = {}
    for c in graph.concepts.values():
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print("by kind:   " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    root = Path(args.data or Settings().data_dir)
    graph = load_graph(root)
    exemptions = load_exemptions(root / EXEMPT_FILE, graph)
    reports = coverage(graph, exemptions)
    if args.source:
        reports = [r for r in reports if r.source == args.source]
        if not reports:
            print(f"error: no source with a text called {args.source!r}", file=sys.stderr)
            return 2
    titles = {sid: s.title for sid, s in graph.sources.items()}
    for line in report_lines(reports, titles, show=not args.quiet):
        print(line)
    if args.strict and any(r.uncovered for r in reports):
        return 1
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    graph = _graph(args)
    c = resolve(graph, args.id)
    print(f"{c.label}  ({c.kind}, id {c.id})")
    if c.aliases:
        print(_wrap("also: " + ", ".join(c.aliases)))
    print()
    print(_wrap(c.definition))
    print()
    print("Sources:")
    for cit in c.citations:
        print(_wrap(f'"{" ".join(cit.quote.split())}"', "  "))
        print(f"    -- {graph.sources[cit.source].title} [{cit.start}:{cit.end}]")
    rels = graph.relations_of(c.id)
    if rels:
        print()
        print("Relations:")
        for rel in rels:
            print(_wrap("- " + sentence(graph, rel, forward=rel.source == c.id), "  "))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    graph = _graph(args)
    if args.describe:
        found = describe(graph, args.term, limit=args.limit, kind=args.kind)
        if not found:
            print(f"nothing in the graph fits the description {args.term!r}")
            return 1
        for d in found:
            print(f"{d.score:5.2f}  {d.id:32}  {d.label}")
            print(_wrap(f"{d.field}: {d.evidence}", "       "))
        return 0
    hits = search(graph, args.term, limit=args.limit, kind=args.kind)
    if not hits:
        print(f"nothing found for {args.term!r}")
        return 1
    for h in hits:
        print(f"{h.score:5.2f}  {h.match:6}  {h.id:32}  {h.label}  (matched {h.matched!r})")
    return 0


def cmd_relate(args: argparse.Namespace) -> int:
    graph = _graph(args)
    result = relate(graph, args.x, args.y, max_hops=args.max_hops, limit=args.limit)
    answer, _notes = relate_answer(graph, result)
    print(answer)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    graph = _graph(args)
    answer = ask(graph, " ".join(args.question))
    if args.json:
        print(json.dumps(answer.record(), indent=2, ensure_ascii=False))
    else:
        print(f"[{answer.intent}: {', '.join(answer.concepts) or 'no concept'}]")
        print()
        print(answer.answer)
    return 0 if answer.intent != "unknown" else 1


def cmd_annotate(args: argparse.Namespace) -> int:
    graph = _graph(args)
    text = Path(args.file).read_text(encoding="utf-8") if args.file else sys.stdin.read()
    for a in annotate(graph, text, first_only=args.first_only):
        print(f"{a.start}\t{a.end}\t{a.id}\t{a.text}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    fmt = rdf_format(args.format)
    if fmt is None:
        print(
            f"error: unknown format {args.format!r}; formats: {', '.join(FORMATS)}", file=sys.stderr
        )
        return 2
    graph = _graph(args)
    base = args.base or Settings().base_iri
    # streamed: a large graph's export (a GB at 50,000 concepts) is never held in memory
    if args.output in (None, "-"):
        export_to(graph, fmt.name, base, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return 0
    path = Path(args.output)
    # into a side file, then renamed, so that a failure leaves no half-written export;
    # straight into what is not a regular file (/dev/stdout, a pipe)
    direct = path.exists() and not path.is_file()
    partial = path if direct else path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(partial, "wb") as out:
            export_to(graph, fmt.name, base, out)
        size = None if direct else partial.stat().st_size
        if not direct:
            os.replace(partial, path)
    except OSError as e:
        print(f"error: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return 1
    finally:
        if not direct:
            partial.unlink(missing_ok=True)
    written = "" if size is None else f"{size:,} bytes of "
    print(f"wrote {written}{fmt.name} to {args.output}", file=sys.stderr)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    data = Path(args.data or Settings().data_dir)
    graph = load_graph(data)
    base = args.base or Settings().base_iri
    written = release(
        graph,
        args.version,
        base,
        Path(args.out),
        modified_from_files(data),
        dates_from_git(data),
    )
    for path in written:
        print(path)
    print(f"released {args.version}: {len(written) - 1} dumps and {SUMS}", file=sys.stderr)
    return 0


def cmd_retire(args: argparse.Namespace) -> int:
    data = Path(args.data or Settings().data_dir)
    path = concept_path(args.id)
    current = data / path
    if not current.is_file():
        raise KGError(f"there is no concept {args.id!r} in {data}")
    files = dict(data_files(data))
    label = str(record_of(files[path]).get("label") or args.id)
    tombs = files.get(TOMBSTONES_FILE)
    after = bury(args.id, label, args.replaced_by)(tombs)
    assert after is not None
    del files[path]
    load_files({**files, TOMBSTONES_FILE: after}, name=str(data))  # refused: nothing written
    (data / TOMBSTONES_FILE).write_bytes(after)
    current.unlink()
    merged = f", merged into {args.replaced_by}" if args.replaced_by else ""
    print(f"retired {args.id}{merged}: its IRI answers 410 Gone", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = rdf_format(args.format or path.suffix.lstrip(".") or "turtle")
    if fmt is None:
        print(f"error: cannot tell the format of {path.name}; use --format", file=sys.stderr)
        return 2
    graph = graph_from_rdf(path.read_bytes(), fmt.name, args.base or Settings().base_iri)
    s = graph.stats()
    print(
        f"ok: {s['concepts']} concepts, {s['relations']} relations, "
        f"{s['citations']} citations, {s['sources']} sources read from {path}"
    )
    if args.compare:
        same = graph.content() == load_graph(args.compare).content()
        print(f"{'same as' if same else 'DIFFERS from'} {args.compare}")
        return 0 if same else 1
    return 0


def _store(args: argparse.Namespace, create: bool = False) -> SqlStore:
    """The store named by --store (else KG_STORE_URL or KG_STORE_PATH); with ``create``,
    made from the data directory if it is new (which must then load)."""
    settings = Settings()
    location = args.store or settings.store
    if location is None:
        raise KGError("name the store: --store PATH|URL, KG_STORE_URL or KG_STORE_PATH")
    if create:
        return open_store(location, Path(args.data) if args.data else settings.data_dir)
    return _existing(location)


def _existing(location: str | Path) -> SqlStore:
    """The store at ``location``, which must hold a store already."""
    missing = KGError(
        f"there is no store at {redact(str(location))} "
        "(kg serve --store or kg token create makes one)"
    )
    if not is_url(location) and not Path(location).is_file():
        raise missing
    store = open_store(location, None)
    if not store.head():
        store.close()
        raise missing
    return store


TOKEN_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
"""A token's name: one line of up to 100 characters (it is the author in the history)."""


def cmd_token(args: argparse.Namespace) -> int:
    if args.action == "create" and not TOKEN_NAME.fullmatch(args.name or ""):
        raise KGError("give the token a name: one line of up to 100 characters")
    try:
        expires = expiry(args.expires) if args.expires and args.action == "create" else None
    except ValueError as e:
        raise KGError(str(e)) from e
    store = _store(args, create=args.action == "create")
    try:
        if args.action == "create":
            token, secret = store.create_token(args.name, tuple(args.scope or SCOPES), expires)
            until = f", until {token.expires}" if token.expires else ""
            print(
                f"created token {token.id} for {token.name} with scopes "
                f"{', '.join(token.scopes)}{until}; it is shown only now:",
                file=sys.stderr,
            )
            print(secret)
        elif args.action == "list":
            for token in store.tokens():
                state = _token_state(token)
                print(
                    f"{token.id}  {token.name:20} {' '.join(token.scopes):32} "
                    f"created {token.created}  {state}"
                )
        else:
            if not args.name or not store.revoke_token(args.name):
                print(f"error: no live token with id {args.name!r}", file=sys.stderr)
                return 1
            print(f"revoked {args.name}", file=sys.stderr)
        return 0
    finally:
        store.close()


def _token_state(token: Token) -> str:
    """What ``kg token list`` says of a token's state: revoked, expired or live (and
    until when)."""
    if token.revoked:
        return f"revoked {token.revoked}"
    if token.expires is None:
        return "live"
    return f"expired {token.expires}" if token.expired() else f"live until {token.expires}"


def cmd_dump(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        out = Path(args.dir)
        head = store.head()
        changed = store.dump(out)
        load_graph(out)  # what was written loads, or the problems are listed
        print(
            f"wrote {changed} changed file(s) to {out} (revision {head} or later)", file=sys.stderr
        )
        return 0
    finally:
        store.close()


def cmd_store_migrate(args: argparse.Namespace) -> int:
    source = _existing(args.source)
    try:
        target = open_store(args.target, None)
        try:
            try:
                head = copy_store(source, target)
            except Moved:
                raise KGError(
                    f"{target.location} holds a store already; migrate into a new one"
                ) from None
            found = differences(source, target)
            if found:
                print(f"error: the copy differs: {'; '.join(found)}", file=sys.stderr)
                return 1
            print(
                f"copied {source.location} to {target.location}: {len(target.changes(0, head))} "
                f"revisions (head {head}), {len(dict(target.files()))} files, "
                f"{len(target.tokens())} tokens, the days of {len(target.imported_days())} "
                "imported files' history; the two dumps and revision logs are the same",
                file=sys.stderr,
            )
            return 0
        finally:
            target.close()
    finally:
        source.close()


def cmd_store_import(args: argparse.Namespace) -> int:
    store = _store(args, create=True)
    try:
        source = Path(args.dir)
        if not source.is_dir():
            raise KGError(f"{source} is not a directory")
        before = store.head()
        done = Curator(store).replace_all(dict(data_files(source)), args.author)
        if done is None:
            print(f"the store holds {source} already (revision {before})", file=sys.stderr)
        else:
            count = len(store.changes(before, 1_000_000))
            print(
                f"committed {count} changed file(s) of {source} as revisions "
                f"{before + 1}-{done.revision}; running servers take them up (at once from "
                f"PostgreSQL, within KG_STORE_POLL_INTERVAL from SQLite)",
                file=sys.stderr,
            )
        return 0
    finally:
        store.close()


STORE_HELP = (
    "the store: an SQLite file, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB "
    "(default: KG_STORE_URL, else KG_STORE_PATH)"
)

SERVER = "api.serve"
"""The module that implements ``kg serve``. The HTTP service is a layer built on this
library, and the library never imports it (tests/test_layering.py holds kg/ to that): the
command names it here, in this one place, and imports it by name when the parser is
built. What it must provide is :class:`ServeCommand`, which ``api/serve.py`` is checked
against by mypy."""


MCP = "api.mcp"
"""The module that implements ``kg mcp`` (the glossary as an MCP server on standard input
and output), named and imported like :data:`SERVER` and held to the same protocol."""


class ServeCommand(Protocol):
    """What ``kg serve`` takes from :data:`SERVER`, and ``kg mcp`` from :data:`MCP`."""

    HELP: str
    """The command's one-line description."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the command's options (``--data`` is added already)."""

    def serve(self, args: argparse.Namespace) -> int:
        """Serve until stopped; the exit status."""


def serve_command(name: str = SERVER) -> ServeCommand | None:
    """The ``kg serve`` implementation (or, with ``name``, :data:`MCP`'s), or None where
    the library is installed without the HTTP service (the other commands work all the
    same)."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name not in ("api", name):
            raise  # the service is there but lacks something it needs: say so
        return None
    return cast(ServeCommand, module)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="AI-alignment knowledge graph.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, data: bool = True) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        if data:
            sp.add_argument("--data", help="data directory (default: KG_DATA_DIR or bundled)")
        return sp

    sp = add("validate", "Check a data directory and list every problem.", data=False)
    sp.add_argument("dir", nargs="?", help="data directory (default: the bundled data/)")
    sp.set_defaults(func=cmd_validate)

    add("stats", "Print counts of concepts, relations and citations.").set_defaults(func=cmd_stats)

    sp = add("coverage", "For each source, which sentences back a definition or relation.")
    sp.add_argument("--source", help="report on this source only")
    sp.add_argument("--quiet", action="store_true", help="figures only, no sentences")
    sp.add_argument(
        "--strict", action="store_true", help="exit 1 when a sentence with a claim is not covered"
    )
    sp.set_defaults(func=cmd_coverage)

    sp = add("show", "Show one concept: definition, quotes, relations.")
    sp.add_argument("id", help="id, label or alias")
    sp.set_defaults(func=cmd_show)

    sp = add("search", "Search concepts by id, label or alias (prefix and fuzzy too).")
    sp.add_argument("term")
    sp.add_argument(
        "--describe",
        action="store_true",
        help="find concepts by a description of them, with the text that matched",
    )
    sp.add_argument(
        "--limit", type=int, default=10, choices=range(1, MAX_HITS + 1), metavar=f"1..{MAX_HITS}"
    )
    sp.add_argument("--kind")
    sp.set_defaults(func=cmd_search)

    sp = add("relate", "Explain how two concepts relate, with citations.")
    sp.add_argument("x")
    sp.add_argument("y")
    sp.add_argument(
        "--max-hops", type=int, default=4, choices=range(1, MAX_HOPS + 1), metavar=f"1..{MAX_HOPS}"
    )
    sp.add_argument(
        "--limit", type=int, default=5, choices=range(1, MAX_LIMIT + 1), metavar=f"1..{MAX_LIMIT}"
    )
    sp.set_defaults(func=cmd_relate)

    sp = add("ask", "Answer a question from the graph, with cited quotes (exit 1 if it cannot).")
    sp.add_argument("question", nargs="+", help="the question, quoted or as plain words")
    sp.add_argument("--json", action="store_true", help="print the answer as JSON")
    sp.set_defaults(func=cmd_ask)

    sp = add("annotate", "List the glossary terms in a text (start, end, id, words).")
    sp.add_argument("file", nargs="?", help="text file (default: standard input)")
    sp.add_argument(
        "--first-only",
        action=argparse.BooleanOptionalAction,
        default=FIRST_ONLY,
        help="each concept once, where it first occurs (the default, as over HTTP); "
        "--no-first-only marks every occurrence",
    )
    sp.set_defaults(func=cmd_annotate)

    sp = add("export", "Write the graph as RDF (Turtle, JSON-LD, N-Triples, RDF/XML).")
    sp.add_argument(
        "--format", default="turtle", help="turtle (ttl), jsonld, ntriples (nt), rdfxml (xml)"
    )
    sp.add_argument("-o", "--output", help="file to write (default: standard output)")
    sp.add_argument("--base", help="base IRI (default: KG_BASE_IRI)")
    sp.set_defaults(func=cmd_export)

    sp = add("release", "Write a version's dumps in every RDF format, with checksums.")
    sp.add_argument("version", help="the version, as pyproject.toml names it (1.2.3)")
    sp.add_argument("--out", default="releases", help="folder to write it under (releases)")
    sp.add_argument("--base", help="base IRI (default: KG_BASE_IRI)")
    sp.set_defaults(func=cmd_release)

    sp = add("retire", "Delete a concept from a data directory, leaving its tombstone.")
    sp.add_argument("id", help="the concept's id")
    sp.add_argument("--replaced-by", help="the concept it was merged into")
    sp.set_defaults(func=cmd_retire)

    sp = add("import", "Read an RDF export back, checking every quote.", data=False)
    sp.add_argument("file")
    sp.add_argument("--format", help="default: from the file extension")
    sp.add_argument("--base", help="base IRI the export was written with (default: KG_BASE_IRI)")
    sp.add_argument("--compare", metavar="DIR", help="exit 1 unless equal to this data directory")
    sp.set_defaults(func=cmd_import)

    server = serve_command()
    if server is not None:
        sp = add("serve", server.HELP)
        server.add_arguments(sp)
        sp.set_defaults(func=server.serve)
    mcp = serve_command(MCP)
    if mcp is not None:
        sp = add("mcp", mcp.HELP)
        mcp.add_arguments(sp)
        sp.set_defaults(func=mcp.serve)

    sp = add("token", "Create, list or revoke the bearer tokens that may write.")
    sp.add_argument("action", choices=["create", "list", "revoke"])
    sp.add_argument(
        "name",
        nargs="?",
        help="create: who the token is for (recorded as the "
        "author of its edits); revoke: the token's id",
    )
    sp.add_argument(
        "--scope",
        action="append",
        choices=sorted(SCOPES),
        help="what it may do (repeat; default: every scope)",
    )
    sp.add_argument(
        "--expires",
        metavar="DURATION",
        help="create: how long the token may write, such as 90d, 12h or 2w (default: "
        "until revoked)",
    )
    sp.add_argument("--store", help=STORE_HELP)
    sp.set_defaults(func=cmd_token)

    sp = add(
        "dump",
        "Write the store back as a data directory (unchanged files stay "
        "byte-identical), for review and commit.",
    )
    sp.add_argument("dir", help="directory to write (e.g. data)")
    sp.add_argument("--store", help=STORE_HELP)
    sp.set_defaults(func=cmd_dump)

    sp = add(
        "store-import",
        "Commit a data directory's changes (say, after a git pull) "
        "into the store, validated, as revisions; every file that "
        "differs, in one step.",
    )
    sp.add_argument("dir", help="the data directory to take in")
    sp.add_argument("--store", help=STORE_HELP)
    sp.add_argument(
        "--author",
        default="store-import",
        help="recorded as the author of the revisions (default store-import)",
    )
    sp.set_defaults(func=cmd_store_import)

    sp = add(
        "store-migrate",
        "Copy a store into a new one (SQLite to PostgreSQL or back) with its whole "
        "history, its tokens and the dates of its imported concepts (their dct:created "
        "and dct:modified), then check that the two are the same.",
        data=False,
    )
    sp.add_argument("source", metavar="FROM", help="the store to copy (a path or URL)")
    sp.add_argument("target", metavar="TO", help="the new, empty store (a path or URL)")
    sp.set_defaults(func=cmd_store_migrate)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kg`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DataError as e:
        print(f"error: {len(e.problems)} problem(s) in the data", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away; that is not an error of ours
        sys.stdout = open(os.devnull, "w")  # so the flush at exit does not fail again
        return 0
    except (sqlite3.Error, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KGError as e:
        print(f"error: {e.detail}", file=sys.stderr)
        suggestions = getattr(e, "suggestions", None)
        if suggestions:
            print(f"  did you mean: {', '.join(suggestions)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
