"""Every URL api.urls builds is the path of the route it names."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from api import urls
from kg.model import Citation

MESA = {"id": "mesa-optimizer"}
CASES = [
    (urls.home(), "home", {}),
    (urls.home("index"), "home", {}),
    (urls.search_page(), "search_page", {}),
    (urls.concept_page("mesa-optimizer"), "concept_page", MESA),
    (urls.relate_page(), "relate_page", {}),
    (urls.relate_page("a b/c"), "relate_page", {}),
    (urls.ask_page(), "ask_page", {}),
    (urls.ask_page("why? & how"), "ask_page", {}),
    (urls.sources_page(), "sources_page", {}),
    (urls.source_page("primer"), "source_page", {"id": "primer"}),
    (
        urls.quoted_passage(Citation(source="primer", quote="q", start=3, end=9)),
        "source_page",
        {"id": "primer"},
    ),
    (urls.hierarchy_page(), "hierarchy_page", {}),
    (urls.hierarchy_page(2), "hierarchy_page", {}),
    (urls.letter_page("other", 3), "letter_page", {"letter": "other"}),
    (urls.kind_page("failure_mode"), "kind_page", {"kind": "failure_mode"}),
    (urls.api_docs(), "swagger_ui", {}),
    (urls.signin_page("/concepts/x"), "signin_page", {}),
    (urls.sign_out(), "sign_out", {}),
    (urls.edit_page("mesa-optimizer"), "edit_page", MESA),
    (urls.new_concept_page(), "new_concept_page", {}),
    (urls.history_page("mesa-optimizer"), "history_page", MESA),
    (urls.changes_page(), "changes_page", {}),
    (urls.concepts(), "create_concept", {}),
    (urls.concept_record("mesa-optimizer"), "get_record", MESA),
    (urls.concept_revert("mesa-optimizer"), "revert", MESA),
    (urls.changes(), "changes", {}),
    (urls.verify(), "verify", {}),
    (urls.static("site.css"), "static", {"path": "site.css"}),
    (urls.static("docs/swagger-ui.css"), "docs-assets", {"path": "swagger-ui.css"}),
    (urls.concept("mesa-optimizer"), "get_concept", MESA),
    (urls.concept_history("mesa-optimizer"), "history", MESA),
    (urls.concept_picture("mesa-optimizer", 2), "concept_picture", MESA),
    (urls.relate_picture("evolution", "mesa-optimizer"), "relate_picture", {}),
    (urls.source("primer"), "get_source", {"id": "primer"}),
    (
        urls.relation("evolution", "produces", "mesa-optimizer"),
        "get_relation",
        {"source": "evolution", "type": "produces", "target": "mesa-optimizer"},
    ),
    (urls.export(), "export", {}),
    (urls.export("turtle"), "export", {}),
    (urls.ontology(), "ontology", {}),
]


@pytest.mark.parametrize(("url", "name", "params"), CASES)
def test_each_url_is_the_path_of_the_route_it_names(
    client: TestClient, url: str, name: str, params: dict[str, str]
) -> None:
    path = client.app.url_path_for(name, **params)  # type: ignore[attr-defined]
    assert unquote(urlsplit(url).path) == path


def test_segments_are_encoded_whole_and_query_values_as_the_pages_did() -> None:
    assert urls.concept_page("a b/c?") == "/concepts/a%20b%2Fc%3F"
    assert (
        urls.ask_page("What is the alignment problem?")
        == "/ask?q=What%20is%20the%20alignment%20problem%3F"
    )
    assert urls.relate_picture("a/b", "c&d") == "/v1/relate.svg?x=a/b&y=c%26d"
    assert urls.concept_picture("x", 2) == "/v1/concepts/x/graph.svg?depth=2"
    assert (
        urls.quoted_passage(Citation(source="a b", quote="q", start=3, end=9))
        == "/sources/a%20b#q-3-9"
    )
    assert urls.source_passage("a b", 3, 9) == "/sources/a%20b?start=3&end=9#q-3-9"
    assert urls.kind_page("example", 1) == "/browse/kinds/example"  # the first page's is bare
    assert urls.letter_page("m", 2) == "/browse/letters/m?page=2"
    assert (urls.relate_page(), urls.export(), urls.home("index")) == (
        "/relate",
        "/v1/export",
        "/#index",
    )
