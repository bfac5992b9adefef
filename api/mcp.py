"""The glossary as a Model Context Protocol server, for FAQ bots built on language models.

:func:`build_server` makes a server of the official SDK (``mcp``, its ``MCPServer``) over
a graph: a graph given once (``kg mcp``), or a function that returns the graph to use,
read afresh by every call (the app's, which a reload replaces: :func:`app_server`). It is
read-only, and its tools call the library directly, as the HTTP routes do, answering in
the routes' own models (:mod:`api.schemas`, the context's and the verify route's) where
a route gives the same answer:

- ``search_concepts``: ``/v1/search`` (by name or by description; ``auto`` by default,
  where the route's default is ``name``); ``define_concept``: ``/v1/concepts/{id}`` (a
  term is resolved as ``kg show`` resolves it); ``relate_concepts``: ``/v1/relate``;
  ``ask_question``: ``/v1/ask``; ``get_context``: ``/v1/context``; ``annotate_text``:
  ``/v1/annotate``; ``verify_quotes``: ``/v1/verify``;
- ``get_passage``: a stretch of a source text by offsets (:class:`Passage`), at most
  :data:`MAX_PASSAGE` characters.

They take the bounds the HTTP API takes, from where they are stated (``kg.schema``,
``kg.search``, ``kg.paths``, ``kg.ask``, ``kg.context``, ``kg.verify``, the settings'
``annotate_max_chars``). What a tool cannot answer (an unknown concept, offsets outside
the text, a text too long) is a tool error that says why, with the nearest names where
a term did not resolve.

Resources: ``concept://{id}``, the concept as ``/v1/concepts/{id}`` answers it, and
``source://{id}``, a source's metadata and text (:class:`SourceText`); every concept and
source of the graph is listed. Prompt: ``explain_concept``, which asks the model to
explain a concept to a newcomer from its definition, relations and quotes, citing them.

Two ways to reach it: ``kg mcp`` over standard input and output (:func:`serve`, which
``kg.cli`` finds by name, as it finds ``kg serve``: :class:`kg.cli.ServeCommand`), and
``/mcp`` on the app over streamable HTTP (:class:`HttpEndpoint`, mounted by
:func:`api.app.create_app`).

The SDK, and the verify router with FastAPI, are imported only when a server is built:
every ``kg`` command imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import inspect
import logging
import typing
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

from pydantic import Field

from api.schemas import (
    KIND_NAMES,
    AnnotateOut,
    Annotation,
    AskOut,
    Citation,
    ConceptDetail,
    RelateOut,
    SearchResults,
    SourceOut,
    concept_detail,
    relate_out,
    source_out,
)
from api.settings import ServerSettings
from kg.annotate import FIRST_ONLY, annotate
from kg.ask import MAX_QUESTION, ask
from kg.context import DEFAULT_BUDGET, MAX_BUDGET, MIN_BUDGET, GroundedContext, build_context
from kg.describe import Mode
from kg.errors import AmbiguousTerm, ConceptNotFound, KGError, SourceNotFound
from kg.explain import Footnotes, defined, explained, relate_answer
from kg.graph import KnowledgeGraph
from kg.load import load_graph
from kg.model import Concept
from kg.paths import MAX_HOPS, MAX_LIMIT, relate
from kg.schema import NAME_MAX
from kg.search import MAX_HITS, resolve
from kg.verify import verify

LOG = logging.getLogger("api.mcp")

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from mcp.server.transport_security import TransportSecuritySettings
    from starlette.applications import Starlette
    from starlette.types import Receive, Scope, Send

    from api.routers.verify import VerifyOut

NAME = "alignment-kg"
"""The server's name, as clients list it."""
PATH = "/mcp"
"""Where the app serves it over streamable HTTP."""
MAX_PASSAGE = 10_000
"""Most characters ``get_passage`` returns at once: several paragraphs around a quote."""
CONCEPT_URI = "concept://{id}"
SOURCE_URI = "source://{id}"

INSTRUCTIONS = """\
A glossary and knowledge graph of AI-alignment concepts (mesa-optimizers, inner and \
outer alignment, deceptive alignment, ...) built from three source texts. Every \
definition and relation is backed by verbatim quotes located by character offsets in \
the source texts, and the answers are made from the graph alone, with no language \
model. Use define_concept for what a term means, relate_concepts for how two concepts \
connect, ask_question for a question in plain English (answered by the graph), \
get_context for the material to write an answer yourself, search_concepts to find the \
name the graph uses (or the concept a description fits), and get_passage to read a \
quote in its context. When you use an answer, keep its citations: each gives the \
source, the offsets and the exact quote."""

HELP = "Serve the glossary over MCP (Model Context Protocol) on standard input and output."

# -- the tools' parameters, described for the model that calls them
Query = Annotated[
    str,
    Field(
        min_length=1,
        max_length=NAME_MAX,
        description="what to look for: a name, part of one or a misspelling of one, or a "
        "description of the concept",
    ),
]
Limit = Annotated[int, Field(ge=1, le=MAX_HITS, description="most concepts to return")]
Kind = Annotated[
    str | None,
    Field(
        max_length=NAME_MAX,
        description="only concepts of this kind",
        json_schema_extra={"enum": [*KIND_NAMES, None]},
    ),
]
SearchMode = Annotated[
    Mode,
    Field(
        description="name: by id, label or alias; describe: by what the query says the "
        "concept is; auto: by name, and by description when no name matches exactly or "
        "as the start of a name"
    ),
]
Term = Annotated[
    str,
    Field(
        min_length=1,
        max_length=NAME_MAX,
        description="the concept's id, label or one of its aliases (e.g. 'mesa-optimizer', "
        "'inner alignment'); a near misspelling is taken when only one concept fits",
    ),
]
Hops = Annotated[int, Field(ge=1, le=MAX_HOPS, description="most steps in an indirect path")]
Paths = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="most indirect paths to return")]
Question = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_QUESTION,
        description="a question in plain English, e.g. 'Why would a mesa-optimizer be deceptive?'",
    ),
]
Budget = Annotated[
    int,
    Field(
        ge=MIN_BUDGET,
        le=MAX_BUDGET,
        description="most tokens the context may take, as estimated (the estimate errs high "
        "for English prose)",
    ),
]
Text = Annotated[str, Field(description="the text to find glossary terms in")]
Quoting = Annotated[
    str,
    Field(
        description="the text whose quotations to check, such as an answer you wrote "
        "(markdown or plain)"
    ),
]
FirstOnly = Annotated[
    bool, Field(description="mark each concept once, where it first occurs (else every time)")
]
SourceId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=NAME_MAX,
        description="the source's id, as citations name it (e.g. "
        "'mesa-optimizers-video-transcript')",
    ),
]
Start = Annotated[int, Field(ge=0, description="offset of the passage's first character")]
End = Annotated[int, Field(ge=1, description="offset just after the passage's last character")]


class Passage(Citation):
    """A stretch of a source text, by offsets: ``quote`` is the text from ``start`` to
    ``end``, as a citation with these offsets would quote it."""

    title: str = Field(description="title of the source")
    length: int = Field(ge=0, description="characters in the whole source text")


class SourceText(SourceOut):
    """A source's metadata and its text."""

    text: str | None = Field(
        description="the full text, exactly as citation offsets count it; null when the "
        "text is not held (has_text false)"
    )


class Refused(Exception):
    """What a tool, resource or prompt cannot answer, and why (the SDK's error for it is
    made by :func:`build_server`)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_found = not_found


def _refusal(e: KGError) -> Refused:
    """The library's error as a refusal, naming the nearest names where it has them."""
    message = e.detail
    suggestions: Sequence[str] = getattr(e, "suggestions", ())
    if isinstance(e, AmbiguousTerm):
        message += " Name one of them by its id."
    elif suggestions:
        message += f" Did you mean: {', '.join(suggestions)}?"
    elif isinstance(e, ConceptNotFound):
        message += " No name is near it; search_concepts can look for a concept by description."
    return Refused(message, not_found=isinstance(e, ConceptNotFound | SourceNotFound))


P = ParamSpec("P")
R = TypeVar("R")


def _answers(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` with the library's errors turned into :class:`Refused`."""

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except KGError as e:
            raise _refusal(e) from None

    return call


class Glossary:
    """The tools, resources and prompt, over the graph that ``graph()`` returns when
    called (once per call of a tool, which keeps that snapshot throughout).

    The methods are plain functions of the library's objects, so they can be called and
    tested without the SDK; each tool's docstring is the description the model reads.
    """

    def __init__(self, graph: Callable[[], KnowledgeGraph], settings: ServerSettings) -> None:
        self.graph = graph
        self.settings = settings

    # -- tools
    @_answers
    def search_concepts(
        self, query: Query, limit: Limit = 10, kind: Kind = None, mode: SearchMode = "auto"
    ) -> SearchResults:
        """Find concepts by name or by a description of them. By name: exact matches of an
        id, label or alias first, then names that start with the query, then near
        spellings. By description ("a model that behaves well in training and defects
        later"): the concepts whose definitions, notes and quotes fit it, with the passage
        that fit best as evidence, and nothing when none fits well enough. Each hit has a
        score (1 for an exact label). Use it to find the name the graph uses before
        defining or relating a concept."""
        from api.routers.search import search_results

        return search_results(self.graph(), query, mode, limit=limit, kind=kind)

    @_answers
    def define_concept(self, term: Term) -> ConceptDetail:
        """What a concept is: its label, kind and aliases, a definition in the graph's
        own words, how people describe it without the term (described_as, everyday
        words), the verbatim quotes that back the definition (each with its source and
        character offsets), and every relation to other concepts as a sentence, with its
        quotes and a note on why it holds. An unknown term is an error naming the nearest
        concepts."""
        graph = self.graph()
        concept = resolve(graph, term, "term")
        return concept_detail(graph, concept, self.settings.concept_iri(concept.id))

    @_answers
    def relate_concepts(self, x: Term, y: Term, max_hops: Hops = 4, limit: Paths = 5) -> RelateOut:
        """How concept x relates to concept y: an answer in markdown that leads with the
        direct relations (or the best chain of relations), what sets the two apart and
        what they share, every sentence with numbered footnotes [^n]; with the same
        relations and paths as data, and the numbered citations (source, offsets, exact
        quote)."""
        graph = self.graph()
        result = relate(graph, x, y, max_hops=max_hops, limit=limit)
        answer, notes = relate_answer(graph, result)
        return relate_out(graph, result, answer, notes)

    @_answers
    def ask_question(self, question: Question) -> AskOut:
        """Answer a question about AI alignment from the graph alone: what something is,
        how two things relate or differ, examples, yes/no (the verdict comes first), why,
        how, which, and what happens. The answer is markdown whose claims carry numbered
        footnotes [^n], with the citations. A question that names something the graph
        does not hold gets intent 'unknown', the phrases it could not place (missing)
        and questions it can answer instead."""
        return AskOut.model_validate(ask(self.graph(), question).record())

    @_answers
    def get_context(self, question: Question, budget: Budget = DEFAULT_BUDGET) -> GroundedContext:
        """The graph's material for answering a question yourself, within a budget of
        tokens: the definitions of the concepts the question names or describes, the
        relations that join them (each with a note on why it holds), and numbered
        verbatim quotes with their sources and offsets, most useful first. `text` is the
        same as one plain-text block to put in a prompt; cite the quotes by their
        numbers. Use it when you write the answer; ask_question answers by itself."""
        return build_context(self.graph(), question, budget=budget)

    @_answers
    def annotate_text(self, text: Text, first_only: FirstOnly = FIRST_ONLY) -> AnnotateOut:
        """Find the glossary's terms in a text (whole words, any case, plurals and British
        spellings too, the longest match where names overlap): each with its character
        offsets in the text as given, the words matched, and the concept they name."""
        most = self.settings.annotate_max_chars
        if len(text) > most:
            raise Refused(
                f"The text is {len(text):,} characters long; annotate_text reads at most "
                f"{most:,}. Send it in parts."
            )
        found = annotate(self.graph(), text, first_only=first_only)
        return AnnotateOut(
            annotations=[
                Annotation(start=a.start, end=a.end, text=a.text, id=a.id, label=a.label)
                for a in found
            ]
        )

    @_answers
    def get_passage(self, source_id: SourceId, start: Start, end: End) -> Passage:
        """Read a source text from offset start to offset end, e.g. to see a quote in its
        context: widen a citation's offsets by a few hundred characters either way. At
        most {max_passage} characters at once; the answer gives the text's full length."""
        graph = self.graph()
        source = graph.source(source_id)
        text = graph.source_text(source.id)
        if end <= start:
            raise Refused(f"end ({end}) must be greater than start ({start}).")
        if end > len(text):
            raise Refused(
                f"The text of {source.id!r} has {len(text):,} characters; offsets go up to "
                f"{len(text):,}, not {end:,}."
            )
        if end - start > MAX_PASSAGE:
            raise Refused(
                f"That is {end - start:,} characters; get_passage returns at most "
                f"{MAX_PASSAGE:,} at once."
            )
        return Passage(
            source=source.id,
            quote=text[start:end],
            start=start,
            end=end,
            title=source.title,
            length=len(text),
        )

    @_answers
    def verify_quotes(self, text: Quoting) -> VerifyOut:
        """Check the quotations of a text, such as an answer you wrote, against the
        source texts: every passage in quote marks or in a markdown block quote is exact
        (a source has these words), near (the closest passage, its score and the words
        that differ) or not_found, with the source passage, its offsets and a link to it;
        short quoted terms and the glossary terms the text uses are listed with their
        concepts. Fix or drop a quotation that is not exact before you show it."""
        from api.routers.verify import verification_out

        most = self.settings.annotate_max_chars
        if len(text) > most:
            raise Refused(
                f"The text is {len(text):,} characters long; verify_quotes reads at most "
                f"{most:,}. Send it in parts."
            )
        return verification_out(verify(self.graph(), text))

    # -- resources
    def concept(self, id: str) -> ConceptDetail:
        """A concept by its id, as ``/v1/concepts/{id}`` answers it."""
        graph = self.graph()
        try:
            concept = graph.concept(id)
        except KGError as e:
            raise _refusal(e) from None
        return concept_detail(graph, concept, self.settings.concept_iri(concept.id))

    def source(self, id: str) -> SourceText:
        """A source's metadata and text."""
        graph = self.graph()
        try:
            source = graph.source(id)
        except KGError as e:
            raise _refusal(e) from None
        text = graph.source_text(source.id) if source.has_text else None
        return SourceText(**source_out(source).model_dump(), text=text)

    # -- prompts
    def explain_concept(self, term: Term) -> str:
        """Explain a concept to a newcomer to AI alignment, from the graph's definition,
        relations and verbatim quotes, citing them."""
        graph = self.graph()
        try:
            concept = resolve(graph, term, "term")
        except KGError as e:
            raise _refusal(e) from None
        return explain_prompt(graph, concept)


def explain_prompt(graph: KnowledgeGraph, concept: Concept) -> str:
    """The text of the ``explain_concept`` prompt: what to do, then the material (the
    definition and the relations, cited sentence by sentence) and the footnotes, each a
    verbatim quote with its source and offsets."""
    notes = Footnotes(graph)
    definition = defined(concept, notes)
    relations = [
        f"- {explained(graph, notes, rel, forward=rel.source == concept.id)}"
        for rel in graph.relations_of(concept.id)
    ]
    # other names, not other spellings of a name (British, plural, hyphen or space)
    label, *forms, _id = graph.forms(concept.id)
    seen = {label}
    others = []
    for alias, form in zip(concept.aliases, forms, strict=True):
        if form not in seen:
            seen.add(form)
            others.append(alias)
    names = f" (also called {', '.join(others)})" if others else ""
    lines = [
        f"Explain the concept \u201c{concept.label}\u201d{names} to someone new to AI "
        "alignment, in a few short "
        "paragraphs: what it is, why it matters, and how it connects to the nearest "
        "ideas. An example helps.",
        "",
        "Work only from the material below, which comes from a knowledge graph built "
        "from three source texts. The definition and relations are the graph's own "
        "words; each footnote is a verbatim quote from a source. Cite every claim with "
        "the footnote numbers it rests on, as [^n], and end with the footnotes you used. "
        "When you quote, copy the words exactly as the footnote gives them. If the "
        "material does not cover something, say so rather than filling the gap.",
        "",
        f"Definition: {definition}",
    ]
    if relations:
        lines += ["", "Relations:", *relations]
    lines += ["", "Footnotes (quote, source, character offsets in the source text):"]
    lines += [
        f"[^{i.n}]: \u201c{' '.join(i.citation.quote.split())}\u201d ({i.where}, source "
        f"{i.citation.source}, characters {i.citation.start}-{i.citation.end})"
        for i in notes.items
    ]
    return "\n".join(lines)


TOOLS = (
    ("search_concepts", "Search concepts"),
    ("define_concept", "Define a concept"),
    ("relate_concepts", "Relate two concepts"),
    ("ask_question", "Ask a question"),
    ("get_context", "Get the material to answer a question"),
    ("annotate_text", "Find glossary terms in a text"),
    ("verify_quotes", "Check quotations against the sources"),
    ("get_passage", "Read a source passage"),
)
"""The tools, by the name of their :class:`Glossary` method, with their titles."""


def described(fn: Callable[..., object]) -> str:
    """A function's docstring as one paragraph, bounds filled in: what a tool or prompt
    says of itself."""
    return " ".join((fn.__doc__ or "").split()).format(max_passage=f"{MAX_PASSAGE:,}")


def build_server(
    graph: KnowledgeGraph | Callable[[], KnowledgeGraph], settings: ServerSettings | None = None
) -> MCPServer:
    """The MCP server over ``graph``: a graph, or a function that returns the graph to
    answer from (called once by each tool call, resource read and prompt)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
    from mcp.shared.exceptions import MCPError
    from mcp_types import INVALID_PARAMS, Resource, ToolAnnotations

    from api.routers.health import _version

    current = graph if callable(graph) else (lambda: graph)
    glossary = Glossary(current, settings or ServerSettings())

    class Server(MCPServer):
        async def list_resources(self) -> list[Resource]:
            """Every concept and every source of the graph being served."""
            g = current()
            return [
                *(
                    Resource(
                        uri=CONCEPT_URI.format(id=c.id),
                        name=c.id,
                        title=c.label,
                        description=f"{c.label} ({c.kind}): definition, quotes and relations",
                        mime_type="application/json",
                    )
                    for c in g.concepts.values()
                ),
                *(
                    Resource(
                        uri=SOURCE_URI.format(id=s.id),
                        name=s.id,
                        title=s.title,
                        description=f"{s.title}: metadata"
                        + (" and the text citation offsets count in" if s.has_text else ""),
                        mime_type="application/json",
                    )
                    for s in g.sources.values()
                ),
            ]

    server = Server(
        NAME,
        title="Alignment knowledge graph",
        instructions=INSTRUCTIONS,
        version=_version(),
        # the SDK sets up the root logger unless something has: warnings only, so that
        # a server process does not log every request and every refused call
        log_level="WARNING",
    )
    read_only = ToolAnnotations(
        read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )

    from api.routers.verify import VerifyOut

    def tool(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except Refused as e:
                raise ToolError(e.message) from None

        # the SDK reads the types of the parameters and the answer off the signature; a
        # type named only for type checkers here (the router's, which would bring FastAPI
        # into every kg command) is resolved now
        hints = typing.get_type_hints(fn, localns={"VerifyOut": VerifyOut}, include_extras=True)
        signature = inspect.signature(fn)
        call.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p.replace(annotation=hints[p.name]) for p in signature.parameters.values()],
            return_annotation=hints["return"],
        )
        call.__annotations__ = hints
        return call

    def resource(fn: Callable[[str], Any]) -> Callable[[str], str]:
        @functools.wraps(fn)
        def read(id: str) -> str:
            try:
                answer = fn(id)
            except Refused as e:
                raise (ResourceNotFoundError if e.not_found else ResourceError)(e.message) from None
            return str(answer.model_dump_json(indent=2))

        return read

    def prompt(fn: Callable[P, str]) -> Callable[P, str]:
        @functools.wraps(fn)
        def render(*args: P.args, **kwargs: P.kwargs) -> str:
            try:
                return fn(*args, **kwargs)
            except Refused as e:
                raise MCPError(INVALID_PARAMS, e.message) from None

        return render

    for name, title in TOOLS:
        method = getattr(glossary, name)
        server.add_tool(
            tool(method), title=title, description=described(method), annotations=read_only
        )
    server.resource(
        CONCEPT_URI,
        name="concept",
        title="A concept",
        description="A concept by id: label, kind, aliases, definition, its quotes (source, "
        "offsets, exact words) and its relations as sentences with their quotes",
        mime_type="application/json",
    )(resource(glossary.concept))
    server.resource(
        SOURCE_URI,
        name="source",
        title="A source text",
        description="A source by id: title, authors, date, URL and the full text that "
        "citation offsets count in",
        mime_type="application/json",
    )(resource(glossary.source))
    server.prompt(
        name="explain_concept",
        title="Explain a concept",
        description=described(glossary.explain_concept),
    )(prompt(glossary.explain_concept))
    return server


def app_server(app: Starlette) -> MCPServer:
    """The server over what ``app`` (made by :func:`api.app.create_app`) serves: the
    graph it holds when a call comes, and its settings."""
    from api.context import context_of

    context = context_of(app)
    return build_server(lambda: context.graph, context.settings)


class HttpEndpoint:
    """``/mcp``: the server over streamable HTTP, as an ASGI app.

    Stateless, with JSON answers: every request carries all a call needs, so any worker
    of ``kg serve --workers N`` can answer it, and no stream is held open. So only POST
    is served: a GET would open a stream of server messages, which a stateless server
    never sends (the protocol lets it answer 405), and there is no session to DELETE. The
    SDK's session manager runs while :meth:`running` is entered, in the app's lifespan; a
    new one each time (a manager runs once), the server itself made on the first.

    A body that is not JSON is a 415 problem, like the API's; what the SDK refuses past
    that (a message that is not JSON-RPC, an Accept without application/json) it
    answers as a JSON-RPC error.

    Host names: the app answers under any host name (a proxy in front decides which), and
    so does ``/mcp``: the SDK's DNS-rebinding protection (a Host and Origin allow-list)
    is off. It guards local servers whose tools act or read private data; these tools
    only read what the public API serves.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.server: MCPServer | None = None
        self.manager: StreamableHTTPSessionManager | None = None
        self._started: asyncio.Event | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the session manager while entered. It is started in a task of its own,
        the SDK imported in a thread first: the app's start (and ``/v1/ready``) does not
        wait for the import, a few tenths of a second; a call that comes before the
        manager runs waits for it (:data:`START_WAIT` seconds at most)."""
        started, stop = asyncio.Event(), asyncio.Event()
        self._started = started
        task = asyncio.create_task(self._run(started, stop))
        try:
            yield
        finally:
            stop.set()
            self._started = None
            await task

    async def _run(self, started: asyncio.Event, stop: asyncio.Event) -> None:
        from api.context import context_of

        try:
            security = await asyncio.to_thread(_security_settings)
            if self.server is None:
                self.server = app_server(self.app)
            self.server.streamable_http_app(
                streamable_http_path=PATH,
                stateless_http=True,
                json_response=True,
                transport_security=security,
                # the app's own bound (api.limits.BodyLimit) holds first; the same number
                max_request_body_size=context_of(self.app).settings.max_body_bytes,
            )
            manager = self.server.session_manager
            async with manager.run():
                self.manager = manager
                started.set()
                try:
                    await stop.wait()
                finally:
                    self.manager = None
        except Exception:  # /mcp answers 503; the rest of the app serves on
            LOG.exception("the MCP endpoint could not start")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.datastructures import Headers
        from starlette.exceptions import HTTPException

        from api.errors import UnsupportedMediaType
        from api.headers import content_type, is_json

        scope["kg.route"] = PATH  # the route's name in metrics and the access log
        # what these raise is answered as a problem by api.errors
        if not is_json(content_type(Headers(scope=scope))):
            raise UnsupportedMediaType(["application/json"])
        started = self._started
        if self.manager is None and started is not None:  # the app is starting it
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(started.wait(), START_WAIT)
        manager = self.manager
        if manager is None:
            raise HTTPException(503, "The MCP endpoint runs only while the app is started.")
        await manager.handle_request(scope, receive, send)


START_WAIT = 30.0
"""Seconds a call that comes while the endpoint starts waits for it."""


def _security_settings() -> TransportSecuritySettings:
    """The endpoint's transport security (see :class:`HttpEndpoint`), after importing the
    parts of the SDK the endpoint uses (in a thread: see :meth:`HttpEndpoint.running`)."""
    import mcp.server.mcpserver  # noqa: F401
    import mcp.server.streamable_http_manager  # noqa: F401
    from mcp.server.transport_security import TransportSecuritySettings

    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


def mount(app: Starlette) -> HttpEndpoint:
    """Serve the server at :data:`PATH` on ``app``; the caller enters the endpoint's
    :meth:`HttpEndpoint.running` in the app's lifespan."""
    from starlette.routing import Route

    endpoint = HttpEndpoint(app)
    # an ASGI app as a route of its own, not a mount: a mount would answer /mcp with a
    # redirect to /mcp/; outside the OpenAPI document (the JSON-RPC inside is MCP's)
    route = Route(PATH, endpoint, methods=["POST"], include_in_schema=False)
    app.router.routes.append(route)
    return endpoint


# -- kg mcp ----------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``kg mcp`` takes no options of its own (``--data`` is every command's)."""


def serve(args: argparse.Namespace) -> int:
    """Load the data, then answer MCP messages on standard input and output until the
    client closes them. Raises :class:`kg.errors.DataError` on invalid data."""
    import anyio

    settings = ServerSettings()
    graph = load_graph(args.data or settings.data_dir)  # refuse bad data, with the report
    anyio.run(build_server(graph, settings).run_stdio_async)
    return 0


if TYPE_CHECKING:  # mypy holds this module to the interface kg.cli expects of it
    import api.mcp
    from kg.cli import ServeCommand

    _command: ServeCommand = api.mcp
