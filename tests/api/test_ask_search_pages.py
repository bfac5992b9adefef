"""The ask page links what its answer names and draws it; search counts its results;
footnote markers stay with their word (issue 22, finding 8)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup

from api.render import WORD_JOINER, inline, linked_spans, text_of
from api.routers import web
from api.routers.web import SEARCH_PAGE_HITS
from kg.annotate import annotate
from kg.graph import KnowledgeGraph
from kg.search import search

QUESTION = "What is the difference between inner and outer alignment"
INNER_OUTER = "/ask?q=" + QUESTION.replace(" ", "+")


def _section(html: str, cls: str) -> str:
    return html.split(f'<section class="{cls}"', 1)[1].split("</section>", 1)[0]


def _linked(html: str) -> list[str]:
    return re.findall(r'<a href="/concepts/([^"#?]+)"', html)


def test_the_answer_links_every_concept_it_names_once_where_first_named(
    live: TestClient, shipped: KnowledgeGraph
) -> None:
    answer = _section(live.get(INNER_OUTER).text, "answer")
    body = answer.split("</h2>", 1)[1]  # past the heading, which links the asked concepts
    body = body.split("<h3>Other questions</h3>", 1)[0]
    found = annotate(shipped, text_of(Markup(body)), True)
    assert {"inner-alignment", "outer-alignment", "mesa-optimizer", "base-objective"} <= {
        m.id for m in found
    }
    links = re.findall(r'<a href="/concepts/([^"#?]+)">([^<]*)</a>', body)
    assert links == [(m.id, m.text) for m in found]
    # "alignment" alone is not linked inside "Inner alignment", which names another concept
    assert "<strong>Inner <a" not in body


def test_a_phrase_the_graph_has_no_entry_for_links_nothing(live: TestClient) -> None:
    html = _section(live.get("/ask?q=what+is+the+alignment+tax").text, "answer")
    assert "no entry for \u201calignment tax\u201d" in html
    assert "Closest to \u201calignment tax\u201d" in html
    assert 'href="/concepts/alignment-problem"' in html.split("</h2>", 1)[1]


def test_an_answer_about_two_related_concepts_draws_them(live: TestClient) -> None:
    html = live.get(INNER_OUTER).text
    picture = _section(html, "picture")
    assert "<svg" in picture and "<title" in picture
    assert 'href="/v1/relate.svg?x=inner-alignment&amp;y=outer-alignment"' in picture
    assert {"inner-alignment", "outer-alignment"} <= set(_linked(picture))
    one = live.get("/ask?q=what+is+the+alignment+tax").text
    assert 'class="picture"' not in one and "<svg" not in one.split("<main", 1)[1]


def test_linked_spans_link_text_at_its_offsets_outside_links() -> None:
    html = Markup('<p><a href="/x">mesa-optimizer</a> and an <b>optimizer &amp; co</b>.</p>')
    text = text_of(html)
    assert text == "mesa-optimizer and an optimizer & co."
    at = text.index("optimizer &")
    spans = [(at, at + 9, "/o"), (at + 10, at + 11, "/amp"), (5, 14, "/in-a-link")]
    assert str(linked_spans(html, spans)) == (
        '<p><a href="/x">mesa-optimizer</a> and an '
        '<b><a href="/o">optimizer</a> <a href="/amp">&amp;</a> co</b>.</p>'
    )
    # a span across elements is left alone
    assert linked_spans(html, [(text.index("an opt"), at + 3, "/x")]) == html


def test_search_says_how_many_concepts_match(
    live: TestClient, shipped: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = live.get("/search?q=mesa").text
    shown = len(re.findall(r"<li><a href=\"/concepts/", _results(html)))
    assert shown == len(search(shipped, "mesa", limit=SEARCH_PAGE_HITS)) > 1
    assert f"{shown} concepts match." in html
    assert "1 concept matches." in live.get("/search?q=hill+climb").text
    # more than the page lists: it says so, and lists its most
    monkeypatch.setattr(web, "SEARCH_PAGE_HITS", shown - 1)
    html = live.get("/search?q=mesa").text
    assert len(re.findall(r"<li><a href=\"/concepts/", _results(html))) == shown - 1
    assert f"More than {shown - 1} concepts match; the {shown - 1} best are shown." in html


def _results(html: str) -> str:
    return html.split('<ul class="results">', 1)[1].split("</ul>", 1)[0]


def test_no_line_breaks_before_a_footnote_marker() -> None:
    html = str(inline("selects for.[^1][^2] and more"))
    assert html.startswith(f"selects for.{WORD_JOINER}<sup")
    assert html.count(f"{WORD_JOINER}<sup") == html.count("<sup") == 2
    assert html.endswith("</sup> and more")
