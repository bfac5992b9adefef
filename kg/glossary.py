"""The glossary in the shape AISafety.info's site loads for its pop-ups.

The site reads ``{"data": {key: entry}, "timestamp"}``. Each entry holds ``alias`` (the
phrase the site looks for), ``term`` (the name its pop-up shows), ``pageid`` (the site's
own answer id; empty here), ``contents`` (the definition as HTML) and ``image`` (empty
here). How the site uses it decides what the feed must be:

- it puts each ``alias`` into a regular expression *as it is*, longest first, bounded by
  anything but a word character or a hyphen, ignoring case; so an alias may hold no
  RegExp metacharacter (``A*`` would match the empty string, a ``.`` any character), and a
  phrase with one is left out and listed in ``omitted`` (a field the site ignores);
- it knows nothing of plurals or British spellings, so every surface form that
  :mod:`kg.annotate` recognises (plural, British, hyphen or space) is an entry of its own,
  keyed by itself, the key being what the site looks up: the matched text, lower-cased;
- it writes ``term`` and ``contents`` into the page as HTML, so ``contents`` is escaped
  HTML and no label or alias may hold ``<``, ``>`` or ``&`` (:mod:`kg.load` refuses them,
  in files and in writes alike).

Examples
--------
>>> from kg.load import load_graph
>>> from pathlib import Path
>>> g = load_graph(Path(__file__).parent.parent / "tests" / "data" / "good")
>>> entries, omitted = glossary(g)
>>> entries["learned optimisers"]["term"], entries["learned optimisers"]["alias"]
('mesa-optimizer', 'learned optimisers')
>>> entries["learned optimizer"]["contents"].startswith("<p>")
True
"""

from __future__ import annotations

import re
from html import escape

from kg.annotate import annotator_for, fold
from kg.graph import KnowledgeGraph
from kg.model import Concept

REGEXP_META = re.compile(r"[\\^$.|?*+()\[\]{}]")
"""Characters with a meaning in a JavaScript regular expression outside a class."""

Entry = dict[str, str]


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
        links.append(
            f'<a href="{escape(source.url, quote=True)}">{title}</a>' if source.url else title
        )
    if links:
        html += f"<p>Source: {'; '.join(links)}</p>"
    return html


def glossary(graph: KnowledgeGraph) -> tuple[dict[str, Entry], list[Entry]]:
    """Every surface form a literal matcher can use, keyed by itself (sorted), and the
    phrases left out because a regular expression would read them as more than text.

    A label or alias keeps its capitals in ``alias``; a derived form (plural, British,
    hyphen or space) is given as folded. The site matches ignoring case either way.
    """
    owners = annotator_for(graph).owners
    written: dict[str, str] = {}
    for concept in graph.concepts.values():
        for phrase in (concept.label, *concept.aliases):
            written.setdefault(" ".join(fold(phrase).split()), " ".join(phrase.split()))
    html: dict[str, str] = {}
    out: dict[str, Entry] = {}
    omitted: list[Entry] = []
    for form, cid in owners.items():
        concept = graph.concepts[cid]
        alias = written.get(form, form)
        if REGEXP_META.search(form):
            chars = "".join(dict.fromkeys(REGEXP_META.findall(form)))
            omitted.append(
                {
                    "alias": alias,
                    "term": concept.label,
                    "why": f"holds {chars!r}, which a regular expression reads "
                    "as more than the character",
                }
            )
            continue
        if cid not in html:
            html[cid] = contents_html(graph, concept)
        out[form] = {
            "alias": alias,
            "term": concept.label,
            "pageid": "",
            "contents": html[cid],
            "image": "",
        }
    return out, omitted
