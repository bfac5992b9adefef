"""The front page and the listings of a large glossary: letters and kinds with their
counts on the front page, each listed on pages of their own, every concept reachable by
links; the shipped glossary's front page lists everything as before."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ServerSettings
from bench.generate import generate
from kg import browse
from kg.browse import FULL_INDEX_MAX, MAX_PAGE, PAGE_SIZE, SAMPLE, kinds, letters, page_of
from kg.errors import PageNotFound
from kg.graph import KnowledgeGraph
from kg.load import load_graph

CONCEPTS = 3_000
FRONT_PAGE_BYTES = 64_000
"""The most a large glossary's front page may weigh: it names each letter and kind and a
few concepts of each, whatever the number of concepts (the shipped 70 concepts' full
page is 36 KB)."""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return load_graph(generate(tmp_path_factory.mktemp("large") / "data", CONCEPTS, 9_000, seed=5))


@pytest.fixture(scope="module")
def web(large: KnowledgeGraph) -> TestClient:
    return TestClient(create_app(ServerSettings(), graph=large))


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"#]+)"', page)]


def _concepts(page: str) -> set[str]:
    return {
        unquote(urlsplit(h).path.removeprefix("/concepts/"))
        for h in _links(page)
        if h.startswith("/concepts/")
    }


def _crawl(client: TestClient, start: str, follow: str) -> tuple[set[str], list[str]]:
    """The concepts linked from ``start`` and every page reached from it by links whose
    path starts with ``follow``, and the pages visited."""
    seen, todo, found = {start}, [start], set()
    while todo:
        r = client.get(todo.pop())
        assert r.status_code == 200, r.url
        assert len(_concepts(r.text)) <= PAGE_SIZE, r.url
        found |= _concepts(r.text)
        for h in _links(r.text):
            if h.startswith(follow) and h not in seen:
                seen.add(h)
                todo.append(h)
    return found, sorted(seen)


def test_a_large_front_page_is_small_and_names_each_letter_and_kind(
    large: KnowledgeGraph, web: TestClient
) -> None:
    assert len(large.concepts) > FULL_INDEX_MAX
    r = web.get("/")
    assert r.status_code == 200
    assert len(r.content) < FRONT_PAGE_BYTES
    shown = _concepts(r.text)
    assert len(shown) <= SAMPLE * len(kinds(large))
    for k in kinds(large):
        assert set(k.concepts[:SAMPLE]) <= shown
        assert f'href="/browse/kinds/{k.kind}"' in r.text
        assert f"({len(k.concepts):,})" in r.text
    for g in letters(large):
        assert f'href="/browse/letters/{g.slug}"' in r.text


@pytest.mark.parametrize("listing", ["/browse/letters/", "/browse/kinds/"])
def test_every_concept_is_reachable_from_the_front_page(
    large: KnowledgeGraph, web: TestClient, listing: str
) -> None:
    found, pages = _crawl(web, "/", listing)
    assert found == set(large.concepts)
    assert len(pages) > CONCEPTS // PAGE_SIZE  # they came a page at a time


def test_pages_link_the_next_and_previous_and_name_the_first_canonical(
    large: KnowledgeGraph, web: TestClient
) -> None:
    biggest = max(kinds(large), key=lambda k: len(k.concepts))
    last = -(-len(biggest.concepts) // PAGE_SIZE)
    assert last >= 3
    first = web.get(f"/browse/kinds/{biggest.kind}").text
    assert f'<link rel="next" href="/browse/kinds/{biggest.kind}?page=2">' in first
    assert 'rel="prev"' not in first
    assert f'<link rel="canonical" href="http://testserver/browse/kinds/{biggest.kind}">' in first
    middle = web.get(f"/browse/kinds/{biggest.kind}?page=2").text
    assert f'<a rel="prev" href="/browse/kinds/{biggest.kind}">' in middle
    assert f'<a rel="next" href="/browse/kinds/{biggest.kind}?page=3">' in middle
    end = web.get(f"/browse/kinds/{biggest.kind}?page={last}").text
    assert 'rel="next"' not in end and 'rel="prev"' in end
    assert _concepts(end) >= set(biggest.concepts[(last - 1) * PAGE_SIZE :])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/browse/kinds/example?page=0", 422),
        ("/browse/kinds/example?page=-1", 422),
        ("/browse/kinds/example?page=two", 422),
        (f"/browse/kinds/example?page={MAX_PAGE + 1}", 422),
        (f"/browse/kinds/example?page={MAX_PAGE}", 404),
        ("/browse/letters/a?page=999", 404),
        ("/browse/letters/ab", 404),
        ("/browse/letters/%C3%A9", 404),
        ("/browse/kinds/examples", 404),
        ("/hierarchy?page=999", 404),
        ("/hierarchy?page=0", 422),
    ],
)
def test_bad_pages_are_error_pages_not_server_errors(
    web: TestClient, path: str, status: int
) -> None:
    r = web.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1" in r.text


def test_a_large_hierarchy_page_lists_the_top_concepts_a_page_at_a_time(
    large: KnowledgeGraph, web: TestClient
) -> None:
    tops = browse.tops(large)
    found, pages = _crawl(web, "/hierarchy", "/hierarchy?page=")
    assert set(tops.roots) <= found
    assert len(pages) == -(-len(tops.roots) // PAGE_SIZE)
    r = web.get("/hierarchy")
    assert len(r.content) < FRONT_PAGE_BYTES
    assert f"{len(tops.outside):,} concepts have nothing broader" in r.text
    first = tops.roots[0]
    below = len({rel.source for rel in browse.narrower(large, first)})
    assert f"{below:,} narrower</span>" in r.text.split(f">{large.concepts[first].label}</a>")[1]


@pytest.fixture
def shipped_web(shipped: KnowledgeGraph) -> Iterator[TestClient]:
    yield TestClient(create_app(ServerSettings(), graph=shipped))


def test_the_shipped_front_page_lists_every_concept_twice_with_no_listing_pages(
    shipped: KnowledgeGraph, shipped_web: TestClient
) -> None:
    """Up to FULL_INDEX_MAX concepts the front page is the whole glossary, as it always
    was: each concept under its letter and under its kind, with its summary."""
    text = shipped_web.get("/").text
    assert "/browse/" not in text
    hrefs = [h for h in _links(text) if h.startswith("/concepts/")]
    assert sorted(hrefs) == sorted(f"/concepts/{c}" for c in shipped.concepts for _ in "ab")
    for g in letters(shipped):
        assert f'id="letter-{g.slug.upper() if g.letter != "#" else "other"}"' in text
    assert "<dd>" in text and text.count("<dd>") == len(shipped.concepts)


def test_the_shipped_glossary_has_the_large_front_page_below_the_threshold(
    shipped: KnowledgeGraph, shipped_web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = shipped_web.get("/").text
    monkeypatch.setattr(browse, "FULL_INDEX_MAX", len(shipped.concepts) - 1)
    short = shipped_web.get("/").text
    assert len(short) < len(full) and "/browse/kinds/" in short
    found, _ = _crawl(shipped_web, "/", "/browse/")
    assert found == set(shipped.concepts)


def test_a_listing_has_one_page_when_empty_and_refuses_pages_past_its_last() -> None:
    assert page_of((), 1, "x").pages == 1
    items = [str(i) for i in range(PAGE_SIZE * 2 + 1)]
    p = page_of(items, 3, "x")
    assert (p.items, p.pages, p.previous, p.next, p.first) == (
        (items[-1],),
        3,
        2,
        None,
        2 * PAGE_SIZE + 1,
    )
    assert page_of(items, 1, "x").items == tuple(items[:PAGE_SIZE])
    for bad in (0, 4):
        with pytest.raises(PageNotFound, match="has 3 pages"):
            page_of(items, bad, "x")


def test_letters_are_named_in_either_case_or_other(large: KnowledgeGraph) -> None:
    by = {g.letter: g for g in letters(large)}
    assert browse.letter(large, "m") == browse.letter(large, "M") == by["M"]
    assert browse.letter(large, "other") == by.get("#", browse.Letter("#", ()))
    for bad in ("", "mm", "1", "é", "-"):
        assert browse.letter(large, bad) is None


def test_the_first_page_of_the_shipped_letters_and_kinds_exists(
    shipped: KnowledgeGraph, shipped_web: TestClient
) -> None:
    for g in letters(shipped):
        assert _concepts(shipped_web.get(f"/browse/letters/{g.slug}").text) == set(g.concepts)
    assert shipped_web.get("/browse/letters/q").status_code == 200  # a letter with none
    assert _concepts(shipped_web.get("/browse/kinds/person").text) == {
        c.id for c in shipped.concepts.values() if c.kind == "person"
    }
