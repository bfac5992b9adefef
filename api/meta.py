"""What a page says about itself to search engines, link previews and Linked Data
readers: a plain description, its canonical URL, and the JSON-LD (schema.org) of a
concept, embedded in the page's head (see ``base.html``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from markupsafe import Markup

from kg import dataset
from kg.model import Concept

SITE_NAME = dataset.TITLE
"""The site's name is the data set's title (``kg.dataset``): one name, in the pages
and in the RDF description alike."""
SITE_DESCRIPTION = (
    "A glossary of AI alignment: every definition and relation is backed by a verbatim "
    "quote from its source."
)
DESCRIPTION_CHARS = 200


def description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` as one line of at most ``limit`` characters, cut after a whole word
    with an ellipsis when it is longer.

    >>> description("A  b\\n c.")
    'A b c.'
    >>> description("one two three", 10)
    'one two…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def citation(label: str, url: str, retrieved: dt.date) -> str:
    """How to cite a concept's page: its label, the glossary with its version, the page's
    URL and the day it was read (pages change as the glossary is curated).

    >>> print(citation("mesa-optimizer", "https://x.org/m", dt.date(2026, 11, 30)))
    ... # doctest: +ELLIPSIS
    “mesa-optimizer.” AI-alignment glossary, version .... https://x.org/m (retrieved 2026-11-30).
    """
    return (
        f"\u201c{label}.\u201d {dataset.TITLE}, version {dataset.version()}. {url} "
        f"(retrieved {retrieved.isoformat()})."
    )


def defined_term(concept: Concept, iri: str, page_url: str, home_url: str) -> dict[str, Any]:
    """The schema.org ``DefinedTerm`` of ``concept``, identified by its IRI, in the
    glossary's ``DefinedTermSet`` (whose URL is the home page's)."""
    term: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "@id": iri,
        "name": concept.label,
        "description": description(concept.definition, limit=len(concept.definition)),
        "url": page_url,
        "termCode": concept.id,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "name": SITE_NAME,
            "description": SITE_DESCRIPTION,
            "url": home_url,
        },
    }
    if concept.aliases:
        term["alternateName"] = list(concept.aliases)
    return term


def json_ld(data: dict[str, Any]) -> Markup:
    """``data`` as JSON that is safe inside a ``<script type="application/ld+json">``
    element: ``<``, ``>`` and ``&`` are escaped, so no text in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)
