"""The glossary in the shape AISafety.info's site loads for its pop-ups.

The site reads ``{"data": {alias: entry}, "timestamp"}`` with one key per lower-cased
phrase (the term and each alias), each entry holding the phrase as written (``alias``),
the term, ``pageid`` (the site's own answer id; empty here), ``contents`` as HTML and an
``image`` URL (empty here).

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> entries = glossary(g)
>>> entries["learned optimizer"]["term"], entries["learned optimizer"]["alias"]
('mesa-optimizer', 'learned optimizer')
>>> entries["learned optimizer"]["contents"].startswith("<p>")
True
"""

from __future__ import annotations

from html import escape

from kg.graph import KnowledgeGraph
from kg.model import Concept


def contents_html(graph: KnowledgeGraph, concept: Concept) -> str:
    """The definition as HTML, everything escaped, with a link to the source it rests on."""
    html = f"<p>{escape(' '.join(concept.definition.split()))}</p>"
    titles: list[str] = []
    links: list[str] = []
    for citation in concept.citations:
        source = graph.sources[citation.source]
        if source.title in titles:
            continue
        titles.append(source.title)
        title = escape(source.title)
        links.append(f'<a href="{escape(source.url, quote=True)}">{title}</a>' if source.url
                     else title)
    if links:
        html += f"<p>Source: {'; '.join(links)}</p>"
    return html


def glossary(graph: KnowledgeGraph) -> dict[str, dict[str, str]]:
    """One entry per lower-cased label or alias, sorted by key."""
    out: dict[str, dict[str, str]] = {}
    for concept in graph.concepts.values():
        html = contents_html(graph, concept)
        for phrase in (concept.label, *concept.aliases):
            key = " ".join(phrase.split()).lower()
            if key and key not in out:
                out[key] = {"alias": phrase, "term": concept.label, "pageid": "",
                            "contents": html, "image": ""}
    return dict(sorted(out.items()))
