"""The web pages: glossary index, concept pages, relate, ask and sources.

Pages are rendered on the server and work without JavaScript; a small script adds
autocomplete to the search fields. The pictures in them are SVG drawn by :mod:`kg.svg`,
also served on their own (:mod:`api.routers.pictures`). Every route here is a
:class:`~api.pages.PageRoute`, so its errors are answered as HTML error pages (see
:func:`api.errors.respond`); the relate page alone shows its own, beside the form, so
the reader can correct the terms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from api import urls
from api.context import context_of
from api.deps import get_graph, get_settings
from api.errors import PROBLEM_TYPES
from api.meta import citation, defined_term, description, json_ld
from api.pages import PageRoute, absolute, page
from api.render import (
    footnotes,
    front_matter,
    highlighted_source,
    inline,
    linked_sentence,
    linked_spans,
    markdown,
    text_of,
)
from api.routers import html_errors, merged, problems
from api.settings import ServerSettings
from api.workbench import signed_in
from kg import browse
from kg.annotate import annotate
from kg.ask import MAX_QUESTION
from kg.ask import ask as run_ask
from kg.browse import (
    MAX_PAGE,
    SAMPLE,
    Branch,
    Page,
    broader,
    full_index,
    kinds,
    letters,
    narrower,
    page_of,
    tops,
    trail,
    tree,
)
from kg.errors import AmbiguousTerm, ConceptNotFound, InvalidQuery
from kg.explain import (
    Footnotes,
    capitalize,
    cited_note,
    defined,
    relate_answer,
    sentence,
    shown_paths,
)
from kg.graph import KnowledgeGraph
from kg.paths import Relatedness, relate
from kg.search import search, unresolved
from kg.svg import KIND_COLOURS, concept_svg, relate_svg


def _redirect(status: int, what: str) -> dict[int | str, dict[str, Any]]:
    return {
        status: {
            "description": what,
            "headers": {"Location": {"description": "where to go", "schema": {"type": "string"}}},
        }
    }


SEARCH_PAGE_HITS = 20
"""The most concepts the search page lists."""

router = APIRouter(include_in_schema=True, route_class=PageRoute)


def _kind_title(kind: str) -> str:
    return kind.replace("_", " ")


_SUGGESTIONS = re.compile(r"\n\nQuestions it can answer:\n\n(?:- [^\n]*(?:\n|$))+")
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z'\"(])")


def _summary(text: str) -> str:
    """The first sentence of a definition."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].rstrip(".")
    return first + "."


# -- pages


@router.get("/", response_class=HTMLResponse, tags=["web pages"])
def home(request: Request, graph: KnowledgeGraph = Depends(get_graph)) -> HTMLResponse:
    """The glossary's front page: search, and every concept A-Z grouped by kind; for a
    large glossary each letter and kind with its count, linking to its pages."""
    full = full_index(graph)
    groups = [
        {
            "kind": k.kind,
            "title": _kind_title(k.kind).capitalize(),
            "colour": KIND_COLOURS[k.kind],
            "count": len(k.concepts),
            "url": urls.kind_page(k.kind),
            "concepts": _entries(graph, k.concepts if full else k.concepts[:SAMPLE]),
        }
        for k in kinds(graph)
    ]
    index = [
        {
            "letter": group.letter,
            "count": len(group.concepts),
            "url": urls.letter_page(group.slug),
            "concepts": [_link(graph, cid) for cid in group.concepts] if full else [],
        }
        for group in letters(graph)
    ]
    return page(
        request,
        "home.html",
        title="Glossary",
        full=full,
        groups=groups,
        letters=index,
        stats=graph.stats(),
    )


def _entries(graph: KnowledgeGraph, ids: Sequence[str]) -> list[dict[str, str]]:
    """Concepts as a glossary lists them: link, label, kind and the first sentence of the
    definition."""
    return [
        {**_link(graph, cid), "summary": _summary(graph.concepts[cid].definition)} for cid in ids
    ]


def _paged(request: Request, p: Page, url: Callable[[int], str]) -> dict[str, Any]:
    """What a page of a listing needs to link the pages before and after it (also as
    ``rel=prev`` and ``rel=next``), and its canonical address."""
    return {
        "canonical": absolute(request, url(p.number)),
        "p": p,
        "previous": url(p.previous) if p.previous else None,
        "next": url(p.next) if p.next else None,
    }


def _listing(
    request: Request,
    graph: KnowledgeGraph,
    p: Page,
    url: Callable[[int], str],
    nav: list[tuple[str, str, bool]],
    **context: Any,
) -> HTMLResponse:
    """A page of a listing of concepts (``listing.html``), with links to the other
    listings of its sort (``nav``: label, address and whether it is this one each)."""
    return page(
        request,
        "listing.html",
        **_paged(request, p, url),
        entries=_entries(graph, p.items),
        nav=[{"label": label, "url": href, "current": current} for label, href, current in nav],
        **context,
    )


_PAGE = Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE, description="page, from 1")]
_LISTING: dict[str, Any] = {
    "response_class": HTMLResponse,
    "tags": ["web pages"],
    "responses": html_errors(404, 422),
}


@router.get("/browse/letters/{letter}", **_LISTING)
def letter_page(
    request: Request, letter: str, graph: KnowledgeGraph = Depends(get_graph), number: _PAGE = 1
) -> HTMLResponse:
    """A page of the concepts whose labels start with a letter (``other``: with anything
    but a letter), by label."""
    found = browse.letter(graph, letter)
    if found is None:
        raise HTTPException(404, f"There is no letter {letter!r}: a to z, or 'other'.")
    name = "other" if found.letter == "#" else found.letter
    return _listing(
        request,
        graph,
        page_of(found.concepts, number, f"the letter {name}"),
        lambda n: urls.letter_page(found.slug, n),
        [(g.letter, urls.letter_page(g.slug), g == found) for g in letters(graph)],
        nav_label="Letters",
        title=f"Concepts under {name}",
        heading=f"A–Z: {found.letter}",
        show_kind=True,
    )


@router.get("/browse/kinds/{kind}", **_LISTING)
def kind_page(
    request: Request, kind: str, graph: KnowledgeGraph = Depends(get_graph), number: _PAGE = 1
) -> HTMLResponse:
    """A page of the concepts of a kind, by label, each with the first sentence of its
    definition."""
    found = browse.kind(graph, kind)
    if found is None:
        raise HTTPException(404, f"There is no kind {kind!r}; /v1/ontology lists the kinds.")
    title = _kind_title(found.kind).capitalize()
    return _listing(
        request,
        graph,
        page_of(found.concepts, number, f"the kind {_kind_title(found.kind)}"),
        lambda n: urls.kind_page(found.kind, n),
        [
            (_kind_title(k.kind).capitalize(), urls.kind_page(k.kind), k.kind == found.kind)
            for k in kinds(graph)
        ],
        nav_label="Kinds",
        title=f"{title}: concepts",
        heading=title,
        colour=KIND_COLOURS[found.kind],
        show_kind=False,
    )


def _link(graph: KnowledgeGraph, cid: str) -> dict[str, str]:
    c = graph.concepts[cid]
    return {"url": urls.concept_page(cid), "label": c.label, "kind": _kind_title(c.kind)}


def _branch(graph: KnowledgeGraph, b: Branch) -> dict[str, Any]:
    return {
        **_link(graph, b.concept),
        "how": {"is_a": "kind of", "part_of": "part of", "example_of": "example of"}.get(
            b.type or "", b.type
        ),
        "children": [_branch(graph, child) for child in b.children],
    }


@router.get("/hierarchy", **_LISTING)
def hierarchy_page(
    request: Request, graph: KnowledgeGraph = Depends(get_graph), number: _PAGE = 1
) -> HTMLResponse:
    """Every concept in the tree of broader and narrower ones (is_a, part_of and
    example_of), each branch one that opens and closes without JavaScript; for a large
    glossary, a page of the top concepts, each with how many are under it."""
    if full_index(graph):
        page_of((), number, "the hierarchy")  # one page: any other is not found
        t = tree(graph)
        return page(
            request,
            "hierarchy.html",
            title="Hierarchy",
            roots=[_branch(graph, b) for b in t.roots],
            outside=[_link(graph, cid) for cid in t.outside],
        )
    found = tops(graph)
    p = page_of(found.roots, number, "the hierarchy")
    return page(
        request,
        "hierarchy.html",
        title="Hierarchy",
        **_paged(request, p, urls.hierarchy_page),
        tops=[{**_link(graph, c), "below": found.below[c]} for c in p.items],
        outside_count=len(found.outside),
    )


@router.get(
    "/search",
    response_class=HTMLResponse,
    tags=["web pages"],
    response_model=None,
    responses={**html_errors(422), **_redirect(303, "an exact match: its concept page")},
)
def search_page(
    request: Request,
    graph: KnowledgeGraph = Depends(get_graph),
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Search results; an exact match goes straight to its concept page."""
    q = q.strip()
    hits = search(graph, q, limit=SEARCH_PAGE_HITS + 1) if q else []  # one more: are there more?
    if hits and hits[0].match in ("id", "label", "alias"):
        return RedirectResponse(urls.concept_page(hits[0].id), status_code=303)
    return page(
        request,
        "search.html",
        title="Search",
        query=q,
        more=len(hits) > SEARCH_PAGE_HITS,
        hits=[
            {
                "url": urls.concept_page(h.id),
                "label": h.label,
                "kind": _kind_title(h.kind),
                "matched": h.matched if h.matched not in (h.label, h.id) else None,
                "summary": _summary(graph.concepts[h.id].definition),
            }
            for h in hits[:SEARCH_PAGE_HITS]
        ],
    )


@router.get(
    "/concepts/{id}",
    response_class=HTMLResponse,
    tags=["web pages"],
    response_model=None,
    responses=merged(
        html_errors(404, 422),
        problems(404),
        _redirect(307, "`id` is a label or alias: the concept's own page"),
    ),
)
def concept_page(
    request: Request,
    id: str,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
    depth: Annotated[int, Query(ge=1, le=2)] = 1,
) -> Response:
    """A concept: definition, aliases, relations as sentences, quotes, and a picture."""
    found = graph.lookup(id)  # a label or alias too, redirected as the API redirects it
    if found is not None and found.id != id:
        return RedirectResponse(urls.concept_page(found.id), status_code=307)
    if found is None:
        raise unresolved(graph, id)  # the error page, with the candidates `kg show` offers
    concept = found
    notes = Footnotes(graph)
    definition = inline(defined(concept, notes))
    relations = []
    for rel in graph.relations_of(concept.id):
        forward = rel.source == concept.id
        other = graph.concepts[rel.target if forward else rel.source]
        relations.append(
            {
                "html": linked_sentence(sentence(graph, rel, forward), other),
                "marks": inline(notes.mark(rel.citations)),
                "note": inline(cited_note(rel, notes)) if rel.note else None,
            }
        )
    svg = Markup(concept_svg(graph, concept.id, depth=depth, href=urls.concept_page))
    canonical = absolute(request, urls.concept_page(concept.id))
    iri = settings.concept_iri(concept.id)
    term = defined_term(concept, iri, canonical, absolute(request, urls.home()))
    return page(
        request,
        "concept.html",
        title=concept.label,
        description=description(concept.definition),
        canonical=canonical,
        og_type="article",
        json_ld=json_ld(term),
        cite=citation(concept.label, canonical, dt.datetime.now(dt.UTC).date()),
        concept=concept,
        work_title=graph.sources[concept.work].title if concept.work else None,
        kind=_kind_title(concept.kind),
        colour=KIND_COLOURS[concept.kind],
        definition=definition,
        relations=relations,
        svg=svg,
        depth=depth,
        iri=iri,
        has_store=context_of(request.app).curator is not None,
        curator=signed_in(request),
        notes=footnotes(notes),
        trail=[_link(graph, cid) for cid in trail(graph, concept.id)],
        broader=[_link(graph, r.target) for r in broader(graph, concept.id)],
        narrower=[
            _link(graph, cid)
            for cid in sorted(
                {r.source for r in narrower(graph, concept.id)},
                key=lambda cid: graph.concepts[cid].label.lower(),
            )
        ],
    )


@router.get(
    "/relate", response_class=HTMLResponse, tags=["web pages"], responses=html_errors(400, 404, 422)
)
def relate_page(
    request: Request,
    graph: KnowledgeGraph = Depends(get_graph),
    x: Annotated[str, Query(max_length=200)] = "",
    y: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """Pick two concepts and see how they relate, with the paths drawn."""
    context: dict[str, Any] = {"title": "Relate", "x": x, "y": y}
    if not (x.strip() and y.strip()):
        return page(request, "relate.html", **context)
    try:
        r = relate(graph, x, y)
    except (ConceptNotFound, AmbiguousTerm, InvalidQuery) as exc:
        ids = getattr(exc, "suggestions", []) or []
        context["error"] = exc.detail
        context["suggestions"] = [
            {"url": urls.concept_page(i), "label": graph.concepts[i].label}
            for i in ids
            if i in graph.concepts
        ]
        status = 400 if isinstance(exc, InvalidQuery) else 404
        return page(request, "relate.html", status, **context)
    answer, notes = relate_answer(graph, r)
    context.update(
        _diagram(graph, r),
        answer=markdown(answer),
        notes=footnotes(notes),
        heading=f"{capitalize(r.x.label)} and {r.y.label}",
    )
    context["title"] = f"{r.x.label} and {r.y.label}"
    return page(request, "relate.html", **context)


def _diagram(graph: KnowledgeGraph, r: Relatedness) -> dict[str, Any]:
    """What ``_diagram.html`` draws of how two concepts relate: the picture (the paths
    the relate answer tells), the two concepts and every concept drawn, as links."""
    drawn = replace(r, paths=tuple(shown_paths(r)))  # the picture shows what the text tells
    ids = [r.x.id, *(s.to_id for p in drawn.paths for s in p.steps), r.y.id]
    return {
        "x_concept": r.x,
        "y_concept": r.y,
        "drawn": [
            {"id": i, "url": urls.concept_page(i), "label": graph.concepts[i].label}
            for i in dict.fromkeys(ids)
        ],
        "svg": Markup(relate_svg(graph, drawn, href=urls.concept_page)),
    }


def _answer_diagram(graph: KnowledgeGraph, ids: list[str]) -> dict[str, Any]:
    """The relate diagram of an answer about two concepts that the graph connects, else
    nothing."""
    if len(ids) != 2:
        return {}
    r = relate(graph, ids[0], ids[1])  # two different concepts of the graph: relate raises nothing
    return _diagram(graph, r) if r.direct or r.paths else {}


@router.get("/ask", response_class=HTMLResponse, tags=["web pages"], responses=html_errors(422))
def ask_page(
    request: Request,
    graph: KnowledgeGraph = Depends(get_graph),
    q: Annotated[str, Query(max_length=MAX_QUESTION)] = "",
) -> HTMLResponse:
    """Ask a question; the answer comes from the graph, every claim with its source."""
    if not q.strip():
        return page(request, "ask.html", title="Ask", q=q)
    a = run_ask(graph, q)
    concepts = [{"url": urls.concept_page(i), "label": graph.concepts[i].label} for i in a.concepts]
    # the page lists the suggested questions as links below the answer
    text = _SUGGESTIONS.sub("", a.answer)
    shown = markdown(text)
    return page(
        request,
        "ask.html",
        **_answer_diagram(graph, a.concepts),
        title=a.question,
        q=a.question,
        a=a,
        answer=linked_spans(shown, _named(graph, text_of(shown), a.missing)),
        notes=footnotes(a.notes),
        concepts=concepts,
        suggestions=a.suggestions,
    )


def _named(graph: KnowledgeGraph, text: str, missing: list[str]) -> list[tuple[int, int, str]]:
    """Where an answer's ``text`` first names each concept, with the concept page's URL:
    the links of the ask page. A phrase of the question the graph has no entry for
    (``missing``) names nothing, though words in it may name concepts ("alignment" in
    "alignment tax")."""
    unnamed = [
        (found.start(), found.end())
        for phrase in missing
        for found in re.finditer(re.escape(phrase), text, re.I)
    ]
    first: dict[str, tuple[int, int, str]] = {}
    for m in annotate(graph, text):  # every mention: the first may be in a missing phrase
        if m.id not in first and not any(s < m.end and m.start < e for s, e in unnamed):
            first[m.id] = (m.start, m.end, urls.concept_page(m.id))
    return list(first.values())


@router.get("/sources", response_class=HTMLResponse, tags=["web pages"])
def sources_page(request: Request, graph: KnowledgeGraph = Depends(get_graph)) -> HTMLResponse:
    """The sources the glossary quotes."""
    return page(request, "sources.html", title="Sources", sources=list(graph.sources.values()))


@router.get(
    "/sources/{id}",
    response_class=HTMLResponse,
    tags=["web pages"],
    responses=merged(html_errors(400, 404, 422), problems(404)),
)
def source_page(
    request: Request,
    id: str,
    graph: KnowledgeGraph = Depends(get_graph),
    start: Annotated[int | None, Query(ge=0, description="start of a passage to mark")] = None,
    end: Annotated[int | None, Query(ge=0, description="end of a passage to mark")] = None,
) -> HTMLResponse:
    """A source text with every quoted passage highlighted and linked to its concepts;
    with ``start`` and ``end``, the passage between them marked too (a link from a
    citation check lands on it, cited by the graph or not)."""
    s = graph.source(id)  # else the error page
    passage = None
    if start is not None or end is not None:
        graph.passage(id, start if start is not None else 0, end if end is not None else 0)
        passage = (start or 0, end or 0)
    text = highlighted_source(graph, id, passage) if s.has_text else None
    fields = front_matter(graph.source_text(id))[0] if s.has_text else {}
    curator = signed_in(request) if s.has_text else None
    return page(
        request,
        "source.html",
        title=s.title,
        s=s,
        text=text,
        fields=fields,
        curator=curator,
    )


@router.get(
    "/problems/{kind}",
    response_class=HTMLResponse,
    tags=["web pages"],
    responses=html_errors(404, 422),
)
def problem_page(request: Request, kind: str) -> HTMLResponse:
    """What a kind of problem means: the page each problem+json ``type`` names."""
    if kind not in PROBLEM_TYPES:
        raise HTTPException(404, f"There is no problem type {kind!r}.")
    return page(
        request,
        "problem.html",
        title=kind.replace("-", " ").capitalize(),
        kind=kind,
        meaning=PROBLEM_TYPES[kind],
    )
