"""Turn the library's markdown answers and sentences into safe HTML for the web pages."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from api.urls import concept_page, quoted_passage
from kg.explain import Footnotes, noun
from kg.graph import KnowledgeGraph
from kg.model import Concept

_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\](?!:)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ORDERED = re.compile(r"^\d+\. ")


def _inline(text: str) -> str:
    html = escape(text, quote=False)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _FOOTNOTE_REF.sub(
        r'<sup class="fn"><a href="#fn-\1" aria-label="source \1">'
        r"[\1]</a></sup>",
        html,
    )


def inline(text: str) -> Markup:
    """One line of the markdown subset (bold, footnote references) as HTML."""
    return Markup(_inline(text))


def markdown(text: str) -> Markup:
    """The markdown subset the answers use: paragraphs, ``-``/``1.`` lists, bold and
    ``[^n]`` footnote references. Footnote definitions are left out (see :func:`footnotes`).

    >>> str(markdown("**A** & b[^1].\\n\\n- one\\n- two\\n\\n[^1]: x"))
    '<p><strong>A</strong> &amp; b<sup class="fn"><a href="#fn-1" aria-label="source 1">\
[1]</a></sup>.</p>\\n<ul><li>one</li><li>two</li></ul>'
    """
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.splitlines() if not re.match(r"^\[\^\d+\]:", ln)]
        if not lines:
            continue
        if all(ln.startswith("- ") for ln in lines):
            items = "".join(f"<li>{_inline(ln[2:])}</li>" for ln in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif all(_ORDERED.match(ln) for ln in lines):
            items = "".join(f"<li>{_inline(_ORDERED.sub('', ln))}</li>" for ln in lines)
            blocks.append(f"<ol>{items}</ol>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return Markup("\n".join(blocks))


def footnotes(notes: Footnotes) -> list[dict[str, object]]:
    """The numbered citations of an answer, ready for the footnote list of a page."""
    return [
        {
            "n": i.n,
            "quote": " ".join(i.citation.quote.split()),
            "title": i.title,
            "url": quoted_passage(i.citation),
        }
        for i in notes.items
    ]


def linked_sentence(sentence: str, other: Concept) -> Markup:
    """``sentence`` with the first mention of ``other`` made a link to its page."""
    forms = {noun(other, f) for f in ("definite", "indefinite", "bare", "example")}
    forms |= {f[:1].upper() + f[1:] for f in forms}
    for form in sorted(forms, key=len, reverse=True):
        # a whole mention: "optimizer" inside "mesa-optimizer" is not one
        found = re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", sentence)
        if found:
            at = found.start()
            return Markup(
                f'{escape(sentence[:at])}<a href="{concept_page(other.id)}">'
                f"{escape(form)}</a>{escape(sentence[at + len(form) :])}"
            )
    return Markup(
        f'{escape(sentence)} (<a href="{concept_page(other.id)}">{escape(other.label)}</a>)'
    )


def highlighted_source(
    graph: KnowledgeGraph, sid: str, passage: tuple[int, int] | None = None
) -> Markup:
    """A source text with every quoted passage marked, each followed by links to the
    concepts that cite it. Overlapping quotes are marked where they overlap.
    ``passage`` (start and end offsets), if given, is marked too, as the one asked
    for, and anchored like a cited one (``q-START-END``) if the graph does not cite it."""
    text = graph.source_text(sid)
    cited: dict[tuple[int, int], list[str]] = {}
    for concept in graph.concepts.values():
        for c in concept.citations:
            if c.source == sid:
                cited.setdefault((c.start, c.end), []).append(concept.id)
    for rel in graph.relations:
        for c in rel.citations:
            if c.source == sid:
                cited.setdefault((c.start, c.end), []).extend([rel.source, rel.target])
    extra = [passage] if passage is not None and passage not in cited else []
    bounds = sorted({0, len(text), *(p for span in [*cited, *extra] for p in span)})
    ends: dict[int, list[tuple[int, int]]] = {}
    starts: dict[int, list[tuple[int, int]]] = {}
    for span in cited:
        starts.setdefault(span[0], []).append(span)
        ends.setdefault(span[1], []).append(span)
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        for span in sorted(starts.get(a, [])):
            out.append(f'<span class="anchor" id="q-{span[0]}-{span[1]}"></span>')
        for span in extra:
            if span[0] == a:
                out.append(f'<span class="anchor" id="q-{span[0]}-{span[1]}"></span>')
        piece = escape(text[a:b])
        asked = passage is not None and passage[0] <= a and b <= passage[1]
        covered = any(s <= a and b <= e for s, e in cited)
        if asked:
            out.append(f'<mark class="asked">{piece}</mark>')
        else:
            out.append(f"<mark>{piece}</mark>" if covered else piece)
        for span in sorted(ends.get(b, [])):
            ids = list(dict.fromkeys(cited[span]))
            links = ", ".join(
                f'<a href="{concept_page(i)}">{escape(graph.concepts[i].label)}</a>' for i in ids
            )
            out.append(f'<sup class="cited-by">[{links}]</sup>')
    return Markup("".join(out))
