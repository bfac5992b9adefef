"""The glossary feed as AISafety.info's own site uses it, run in JavaScript with Node.

tests/js/glossary_site.mjs rebuilds, from its description, how the site's client injects
the feed into a page: each alias into a regular expression as it is, longest first, the
first match of each term marked, the matched text looked up as a key, and the pop-up's
``term`` and ``contents`` written into the page as HTML. Here it runs on a page made of
the three source texts, fetched with the feed from a live server, and what it marks is
compared with what ``/v1/annotate`` marks on the same text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).parent / "js" / "glossary_site.mjs"


def _node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        if os.environ.get("KG_REQUIRE_NODE") == "1":
            pytest.fail("Node.js is required (.ci/run installs Debian's nodejs)")
        pytest.skip("Node.js is not installed (apt-get install nodejs)")
    return node


def _get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=30) as r:
        body = r.read()
        return (
            json.loads(body)
            if "json" in r.headers.get("Content-Type", "")
            else body.decode("utf-8")
        )


def _post(base: str, path: str, body: dict[str, Any]) -> Any:
    req = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _paragraphs(text: str) -> list[str]:
    """A source text as a page shows it: paragraphs, their lines joined by spaces."""
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    return [b for b in blocks if b]


@pytest.fixture(scope="module")
def site(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = _node()
    feed = _get(live_server, "/questions/glossary")
    sources = [s["id"] for s in _get(live_server, "/v1/sources")["items"] if s["has_text"]]
    page = [
        p
        for sid in sources
        for p in _paragraphs(_get(live_server, f"/v1/sources/{urllib.parse.quote(sid)}/text"))
    ]
    folder = tmp_path_factory.mktemp("glossary-site")
    (folder / "feed.json").write_text(json.dumps(feed), "utf-8")
    (folder / "page.json").write_text(json.dumps(page), "utf-8")
    done = subprocess.run(
        [node, str(SCRIPT), str(folder / "feed.json"), str(folder / "page.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    annotated = _post(live_server, "/v1/annotate", {"text": "\n\n".join(page), "first_only": True})
    labels = {c["label"]: c["id"] for c in _get(live_server, "/v1/concepts?limit=500")["items"]}
    return {
        "feed": feed,
        "page": page,
        "result": result,
        "labels": labels,
        "annotations": annotated["annotations"],
    }


def test_no_alias_matches_more_than_itself_and_nothing_unescaped_reaches_the_page(
    site: dict[str, Any],
) -> None:
    # no alias matches the empty string or another word, every mark is found again as a
    # key, and the pop-ups hold nothing but plain escaped markup
    assert site["result"]["problems"] == []
    assert len(site["feed"]["data"]) > 500  # every surface form is a key of its own


def test_every_concept_named_in_the_page_is_marked_once(site: dict[str, Any]) -> None:
    marked = site["result"]["marked"]
    terms = [m["term"] for m in marked]
    assert len(terms) == len(set(terms))
    for m in marked:  # the mark is exactly the matched text, in its span
        assert (
            f'<span class="glossary-entry">{m["text"]}</span>'
            in site["result"]["html"][m["paragraph"]]
        )


def test_the_site_and_annotate_mark_the_same_concepts(site: dict[str, Any]) -> None:
    by_site = {site["labels"][m["term"]] for m in site["result"]["marked"]}
    by_annotate = {a["id"] for a in site["annotations"]}
    assert by_site == by_annotate, {
        "only the site": sorted(by_site - by_annotate),
        "only annotate": sorted(by_annotate - by_site),
    }


def test_every_difference_in_where_a_concept_is_marked_is_explained(site: dict[str, Any]) -> None:
    """Both mark each concept once. Annotate marks its first occurrence in the text; the
    site goes through the aliases longest first and marks the first match it meets, so
    where a concept is named by phrases of different lengths, the site may mark a later
    occurrence by a longer phrase. No other difference is allowed."""
    text = "\n\n".join(site["page"])
    first = {a["id"]: a for a in site["annotations"]}
    for m in site["result"]["marked"]:
        cid = site["labels"][m["term"]]
        a = first[cid]
        if a["text"].lower() == m["text"].lower():
            continue  # the same phrase: the same place, as both take its first occurrence
        # a different phrase: the site's is longer, and annotate's occurs earlier
        assert len(m["text"]) > len(a["text"]), (m, a)
        assert text.lower().find(m["text"].lower()) > a["start"], (m, a)
