"""Every URL of this service that the app writes down, built in one place: the links
and forms of the pages, the links in the pictures, ``Location`` headers, and the URLs
named in problem details.

A path segment is percent-encoded whole (a ``/`` in it too); a query value as the
pages always encoded it (a ``/`` kept). Templates call these as ``url.<name>(...)``
(see :mod:`api.pages`). tests/api/test_urls.py holds each to the route it names, so a
route that moves and a builder that does not fail there.
"""

from __future__ import annotations

from urllib.parse import quote

from kg.dataset import VOID_PATH
from kg.model import Citation


def _segment(value: str) -> str:
    return quote(value, safe="")


def _with_query(path: str, **params: str | int | None) -> str:
    query = "&".join(
        f"{name}={quote(str(value), safe='/')}"
        for name, value in params.items()
        if value is not None
    )
    return f"{path}?{query}" if query else path


# -- the pages


def home(anchor: str | None = None) -> str:
    """The glossary's front page (``anchor``: a place in it, such as ``index``)."""
    return f"/#{anchor}" if anchor else "/"


def search_page() -> str:
    """The search page (a form's action: the query is the form's field)."""
    return "/search"


def concept_page(cid: str) -> str:
    """The page of a concept."""
    return f"/concepts/{_segment(cid)}"


def relate_page(x: str | None = None, y: str | None = None) -> str:
    """The relate page, with the concepts to relate filled in if given."""
    return _with_query("/relate", x=x, y=y)


def ask_page(q: str | None = None) -> str:
    """The ask page, with a question asked if given."""
    return _with_query("/ask", q=q)


def sources_page() -> str:
    """The list of sources."""
    return "/sources"


def source_page(sid: str) -> str:
    """The page of a source: its text with the quoted passages marked."""
    return f"/sources/{_segment(sid)}"


def quoted_passage(citation: Citation) -> str:
    """The place of a passage the graph cites in its source's page, which anchors it."""
    return f"{source_page(citation.source)}#q-{citation.start}-{citation.end}"


def source_passage(sid: str, start: int, end: int) -> str:
    """The place in a source's page of its text from ``start`` to ``end``, whether the
    graph cites it or not: the page marks the passage its query names and anchors it
    (as it anchors every passage the graph cites)."""
    return f"{_with_query(source_page(sid), start=start, end=end)}#q-{start}-{end}"


def problem_page(kind: str) -> str:
    """What a kind of problem means: the page a problem's ``type`` names."""
    return f"/problems/{_segment(kind)}"


def hierarchy_page(page: int = 1) -> str:
    """The tree of broader and narrower concepts (``page``: of a large glossary's top
    concepts)."""
    return _with_query("/hierarchy", page=_page(page))


def letter_page(slug: str, page: int = 1) -> str:
    """A page of the concepts whose labels start with a letter (``slug``: ``a`` to ``z``,
    or ``other``)."""
    return _with_query(f"/browse/letters/{_segment(slug)}", page=_page(page))


def kind_page(kind: str, page: int = 1) -> str:
    """A page of the concepts of a kind."""
    return _with_query(f"/browse/kinds/{_segment(kind)}", page=_page(page))


def _page(number: int) -> int | None:
    return number if number != 1 else None  # the first page's address is the listing's


def signin_page(next: str | None = None) -> str:
    """The sign-in page (also the sign-in form's action); ``next``: where to go after."""
    return _with_query("/signin", next=next)


def sign_out() -> str:
    """The sign-out form's action."""
    return "/signout"


def edit_page(cid: str) -> str:
    """The workbench's form that edits a concept."""
    return f"/concepts/{_segment(cid)}/edit"


def new_concept_page() -> str:
    """The workbench's form that creates a concept."""
    return "/new-concept"


def history_page(cid: str) -> str:
    """A concept's history as a page: revisions, field diffs, revert."""
    return f"/concepts/{_segment(cid)}/history"


def changes_page() -> str:
    """The recent changes of the store as a page."""
    return "/changes"


def api_docs() -> str:
    """The API's documentation (Swagger UI)."""
    return "/docs"


def static(name: str) -> str:
    """A file the pages use (``site.css``, ``docs/swagger-ui.css``)."""
    return f"/static/{name}"


# -- the API


def concept(cid: str, format: str | None = None) -> str:
    """A concept as JSON (or RDF, by Accept), or in ``format`` (``turtle`` ...)."""
    return _with_query(f"/v1/concepts/{_segment(cid)}", format=format)


def concepts() -> str:
    """Where a new concept is created (``POST``)."""
    return "/v1/concepts"


def concept_record(cid: str) -> str:
    """A concept's editable record (with its ETag)."""
    return f"{concept(cid)}/record"


def concept_revert(cid: str) -> str:
    """Where a concept is reverted to one of its revisions (``POST``)."""
    return f"{concept(cid)}/revert"


def verify() -> str:
    """Where quotations are checked against the sources (``POST``)."""
    return "/v1/verify"


def changes() -> str:
    """The change feed (JSON)."""
    return "/v1/changes"


def concept_history(cid: str) -> str:
    """The revisions of a concept's file."""
    return f"{concept(cid)}/history"


def concept_picture(cid: str, depth: int | None = None) -> str:
    """A concept's neighbourhood drawn as SVG."""
    return _with_query(f"{concept(cid)}/graph.svg", depth=depth)


def relate_picture(x: str, y: str) -> str:
    """How two concepts relate, drawn as SVG."""
    return _with_query("/v1/relate.svg", x=x, y=y)


def source(sid: str) -> str:
    """A source's metadata."""
    return f"/v1/sources/{_segment(sid)}"


def relation(source: str, rtype: str, target: str) -> str:
    """Where a relation stated on ``source`` is read and written."""
    return f"/v1/relations/{_segment(source)}/{_segment(rtype)}/{_segment(target)}"


def export(format: str | None = None) -> str:
    """The whole graph as RDF, in ``format`` (else by Accept)."""
    return _with_query("/v1/export", format=format)


def void() -> str:
    """The dataset's description (VoID and DCAT): its version, licence and dumps."""
    return VOID_PATH


def ontology() -> str:
    """The kinds and relation types."""
    return "/v1/ontology"
