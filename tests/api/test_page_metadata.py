"""What pages say about themselves: description, Open Graph, canonical link, JSON-LD
and favicon (issue 22, finding 7)."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from api.meta import SITE_DESCRIPTION, SITE_NAME, description, json_ld
from kg import dataset
from kg.graph import KnowledgeGraph


class Head(HTMLParser):
    """The metadata of a page's head: its meta tags by name or property, its links by
    rel, and the text of its JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "link":
            self.links[a.get("rel", "")] = a.get("href", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def head(html: str) -> Head:
    h = Head()
    h.feed(html)
    return h


def test_a_concept_page_describes_itself_by_its_definition(
    live: TestClient, shipped: KnowledgeGraph
) -> None:
    h = head(live.get("/concepts/evolution?depth=2").text)
    definition = shipped.concepts["evolution"].definition
    assert h.meta["description"] == description(definition)
    assert h.meta["description"].startswith("Natural selection viewed as an optimizer")
    assert len(h.meta["description"]) <= 200 and h.meta["description"].endswith("…")
    assert "[" not in h.meta["description"]  # no footnote markers
    assert h.links["canonical"] == "http://testserver/concepts/evolution"  # no ?depth
    assert h.meta["og:url"] == h.links["canonical"]
    assert h.meta["og:title"] == "evolution"
    assert h.meta["og:description"] == h.meta["description"]
    assert h.meta["og:type"] == "article"


def test_a_concept_page_embeds_its_defined_term(live: TestClient, shipped: KnowledgeGraph) -> None:
    h = head(live.get("/concepts/evolution").text)
    [block] = h.json_ld
    term = json.loads(block)
    evolution = shipped.concepts["evolution"]
    assert term["@type"] == "DefinedTerm" and term["@context"] == "https://schema.org"
    assert term["name"] == "evolution"
    assert term["@id"] == "https://w3id.org/alignment-kg/concept/evolution"
    assert term["url"] == "http://testserver/concepts/evolution"
    assert term["description"] == evolution.definition  # whole, not trimmed
    assert term["alternateName"] == list(evolution.aliases) and evolution.aliases
    assert term["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert term["inDefinedTermSet"]["url"] == "http://testserver/"


def test_every_other_page_describes_the_site_and_names_its_own_url(live: TestClient) -> None:
    for url in ("/", "/hierarchy", "/relate?x=evolution&y=mesa-optimizer", "/sources"):
        h = head(live.get(url).text)
        assert h.meta["description"] == SITE_DESCRIPTION, url
        assert h.links["canonical"] == f"http://testserver{url}", url
        assert h.meta["og:url"] == h.links["canonical"] and h.meta["og:type"] == "website"
        assert h.meta["og:title"] and h.meta["og:site_name"] == SITE_NAME
        assert not h.json_ld, url


def test_the_favicon_is_a_small_svg_of_this_app(live: TestClient) -> None:
    icon = head(live.get("/").text).links["icon"]
    assert icon == "/static/favicon.svg"
    r = live.get(icon)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<svg") and "<title>" in r.text and len(r.content) < 2000


def test_json_ld_cannot_close_its_script_element() -> None:
    text = str(json_ld({"name": "</script><script>alert(1)</script> & co"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & co"


def test_description_cuts_after_a_whole_word() -> None:
    assert description("alpha beta gamma delta", 12) == "alpha beta…"
    assert description("short") == "short"
    assert description("x" * 300, 10) == "x" * 9 + "…"


def test_a_concept_page_says_how_to_cite_it(live: TestClient) -> None:
    """The label, the glossary and its version, the page's canonical URL and the day it
    was read; every page names the licence of the glossary's text."""
    before = dt.datetime.now(dt.UTC).date()
    page = live.get("/concepts/evolution?depth=2").text
    after = dt.datetime.now(dt.UTC).date()
    cite = re.search(r'id="cite-heading">Cite this</h2>\s*<p>(.*?)</p>', page, re.S)
    assert cite is not None
    canonical = head(page).links["canonical"]
    assert "?depth" not in canonical and dataset.version() != "unknown"
    assert cite.group(1) in {
        f"\u201cevolution.\u201d {dataset.TITLE}, version {dataset.version()}. {canonical} "
        f"(retrieved {day.isoformat()})."
        for day in (before, after)
    }
    for url in ("/", "/concepts/evolution", "/sources"):
        body = live.get(url).text
        assert f'<a href="{dataset.LICENSE}" rel="license">CC BY 4.0</a>' in body, url
