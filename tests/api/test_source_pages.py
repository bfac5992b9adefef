"""Source pages render the source's markdown, sanitised, with its quoted passages still
marked and anchored at their offsets."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.render import front_matter, source_markdown
from kg.graph import KnowledgeGraph

SOURCES = ["what-is-inner-alignment", "mesa-optimizers-video-transcript"]


def _words(html: str) -> str:
    """The text a reader sees, without the links after each quoted passage."""
    html = re.sub(r'<sup class="cited-by">.*?</sup>', "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def _plain(quote: str) -> str:
    quote = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", quote)
    return " ".join(quote.replace("*", "").split())


@pytest.mark.parametrize("sid", SOURCES)
def test_a_source_page_shows_its_markdown_rendered(
    live: TestClient, shipped: KnowledgeGraph, sid: str
) -> None:
    html = live.get(f"/sources/{sid}").text
    body = html.split('<div class="source-text">', 1)[1].split("</article>", 1)[0]
    # no markdown residue: headings, links to nowhere, emphasis stars, front matter
    assert "## " not in body and "(#)" not in body and "---" not in body
    assert not re.search(r"\*\w", _words(body))
    text = _words(body)
    citations = [
        c
        for concept in shipped.concepts.values()
        for c in [
            *concept.citations,
            *(c for r in shipped.relations_of(concept.id) for c in r.citations),
        ]
        if c.source == sid
    ]
    assert citations
    for c in citations:
        assert body.count(f'id="q-{c.start}-{c.end}"') == 1
        assert _plain(shipped.source_text(sid)[c.start : c.end]) in text, c


def test_front_matter_is_shown_as_the_sources_metadata(live: TestClient) -> None:
    html = live.get("/sources/mesa-optimizers-video-transcript").text
    fields, _ = front_matter(live.get("/v1/sources/mesa-optimizers-video-transcript/text").text)
    assert fields["channel"] == "Robert Miles AI Safety"
    assert "<dt>Channel</dt><dd>Robert Miles AI Safety</dd>" in html
    assert f'<a href="{fields["url"]}">' in html
    assert front_matter("no front matter\n---\n") == ({}, 0)


def test_a_passage_asked_for_is_marked_across_a_heading(live: TestClient) -> None:
    html = live.get("/sources/what-is-inner-alignment?start=0&end=120").text
    assert 'id="q-0-120"' in html
    asked = re.findall(r'<mark class="asked">(.*?)</mark>', html, re.S)
    assert "Mesa-Optimizers" in "".join(asked)
    assert re.search(r"<h2>(<span[^>]*></span>)*<mark", html), "the heading stays a heading"


def test_source_markdown_is_sanitised_and_links_to_nowhere_are_text() -> None:
    html = source_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) [y](#) [z](https://e.org/)"
    )
    assert "<script" not in html and 'href="javascript' not in html
    assert "y" in html and 'href="#"' not in html
    assert '<a href="https://e.org/"' in html
