"""Turn the library's markdown answers and sentences into safe HTML for the web pages,
and the sources' markdown texts into pages with their quoted passages marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

import nh3
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from api.urls import concept_page, quoted_passage
from kg.citations import plain_quote
from kg.explain import Footnotes, noun
from kg.graph import KnowledgeGraph
from kg.model import Concept

_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\](?!:)")
WORD_JOINER = "\u2060"
"""Before each footnote marker: no line may break there, so that a marker never starts a
line of its own, away from the word it cites."""
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ORDERED = re.compile(r"^\d+\. ")


def _inline(text: str) -> str:
    html = escape(text, quote=False)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _FOOTNOTE_REF.sub(
        WORD_JOINER + r'<sup class="fn"><a href="#fn-\1" aria-label="source \1">'
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
    '<p><strong>A</strong> &amp; b\u2060<sup class="fn"><a href="#fn-1" \
aria-label="source 1">[1]</a></sup>.</p>\\n<ul><li>one</li><li>two</li></ul>'
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
            "quote": plain_quote(i.citation.quote),
            "title": i.where,
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


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_BLOCK_PREFIX = re.compile(r"[ \t]*(?:(?:#{1,6}|[-*+]|\d+[.)]|>)[ \t]+)*")
_MARK_BASE = 0xE000  # a private-use character per passage boundary, while rendering
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_TAG = re.compile(r"(<[^>]*>)")


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """A source text's YAML front matter (``---`` lines around it) as its fields, and the
    offset where the text after it starts (0 when it has none)."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, 0
    try:
        fields = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(fields, dict):
        return {}, 0
    return {str(k): str(v) for k, v in fields.items()}, found.end()


def _unlink_nowhere(tokens: list[Token]) -> None:
    """Drop the links that point nowhere (``[text](#)``), keeping their text."""
    for token in tokens:
        if token.children:
            kept: list[Token] = []
            dropped = 0
            for child in token.children:
                if child.type == "link_open" and child.attrGet("href") in ("#", "", None):
                    dropped += 1
                    child.meta["dropped"] = True
                    continue
                if child.type == "link_close" and dropped and _closes_dropped(kept):
                    dropped -= 1
                    continue
                kept.append(child)
            token.children = kept


def _closes_dropped(kept: list[Token]) -> bool:
    """Whether the next link_close closes a dropped link: no link opened since."""
    depth = 0
    for child in reversed(kept):
        if child.type == "link_close":
            depth += 1
        elif child.type == "link_open":
            if depth == 0:
                return False
            depth -= 1
    return True


def source_markdown(text: str) -> str:
    """A source's markdown as sanitised HTML: raw HTML in it escaped, links to nowhere
    as plain text, and nh3 (Ammonia) keeping only safe tags and attributes."""
    tokens = _MARKDOWN.parse(text)
    _unlink_nowhere(tokens)
    return nh3.clean(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))


@dataclass(frozen=True)
class _Cut:
    """What starts at one boundary between passages: the citations ending there (their
    concepts' links), the anchors of passages starting there, and how the text up to
    the next boundary is marked."""

    ending: str
    anchors: str
    mark: str | None


def _cuts(
    graph: KnowledgeGraph, sid: str, size: int, passage: tuple[int, int] | None
) -> tuple[list[int], list[_Cut]]:
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
    bounds = sorted({0, size, *(p for span in [*cited, *extra] for p in span)})
    cuts = []
    for a, b in zip(bounds, [*bounds[1:], size], strict=True):
        ending = "".join(
            '<sup class="cited-by">['
            + ", ".join(
                f'<a href="{concept_page(i)}">{escape(graph.concepts[i].label)}</a>'
                for i in dict.fromkeys(ids)
            )
            + "]</sup>"
            for span, ids in sorted(cited.items())
            if span[1] == a
        )
        anchors = "".join(
            f'<span class="anchor" id="q-{s}-{e}"></span>'
            for s, e in sorted({*cited, *extra})
            if s == a
        )
        asked = passage is not None and passage[0] <= a and b <= passage[1] and a < b
        covered = a < b and any(s <= a and b <= e for s, e in cited)
        cuts.append(_Cut(ending, anchors, "asked" if asked else "" if covered else None))
    return bounds, cuts


def highlighted_source(
    graph: KnowledgeGraph, sid: str, passage: tuple[int, int] | None = None
) -> Markup:
    """A source text rendered from its markdown (without its front matter, see
    :func:`front_matter`), with every quoted passage marked, each followed by links to
    the concepts that cite it. Overlapping quotes are marked where they overlap.
    ``passage`` (start and end offsets), if given, is marked too, as the one asked
    for, and anchored like a cited one (``q-START-END``) if the graph does not cite it.

    The offsets are the source's own: a private-use character stands at each boundary
    while the markdown is rendered, and becomes the marks, anchors and links after; a
    boundary at the start of a line moves past the line's block syntax (``## ``, ``- ``)
    so that the syntax still reads as such. Marks never cross an element's bounds."""
    text = graph.source_text(sid)
    _, body_start = front_matter(text)
    bounds, cuts = _cuts(graph, sid, len(text), passage)
    pieces: list[str] = []
    last = body_start
    for i, at in enumerate(bounds):
        at = max(at, body_start)
        while at < len(text) and text[at] == "\n" and (at == 0 or text[at - 1] == "\n"):
            at += 1  # past blank lines, so that the character opens no paragraph of its own
        if at == 0 or text[at - 1] == "\n":
            prefix = _BLOCK_PREFIX.match(text, at)
            at = prefix.end() if prefix else at
        at = max(at, last)
        pieces.append(text[last:at] + chr(_MARK_BASE + i))
        last = at
    pieces.append(text[last:])
    html = source_markdown("".join(pieces))
    return Markup(_place_cuts(html, cuts))


def _place_cuts(html: str, cuts: list[_Cut]) -> str:
    """Replace the boundary characters of :func:`highlighted_source` with what each
    boundary starts, marking text only within text nodes."""
    markers = re.compile(f"[{chr(_MARK_BASE)}-{chr(_MARK_BASE + max(len(cuts), 1) - 1)}]")
    out: list[str] = []
    mark: str | None = None

    def opening(kind: str | None) -> str:
        if kind is None:
            return ""
        return f'<mark class="{kind}">' if kind else "<mark>"

    for part in _TAG.split(html):
        if part.startswith("<"):
            out.append(markers.sub("", part))
            continue
        if not part.strip() and not markers.search(part):
            out.append(part)  # white space between elements: nothing to mark
            continue
        out.append(opening(mark))
        at = 0
        for found in markers.finditer(part):
            cut = cuts[ord(found.group()) - _MARK_BASE]
            out.append(part[at : found.start()])
            out.append("</mark>" if mark is not None else "")
            out.append(cut.ending + cut.anchors)
            mark = cut.mark
            out.append(opening(mark))
            at = found.end()
        out.append(part[at:])
        out.append("</mark>" if mark is not None else "")
    return "".join(out).replace("<mark></mark>", "").replace('<mark class="asked"></mark>', "")


_LINK_OPEN = re.compile(r"<a[\s>]")
_LINK_CLOSE = re.compile(r"</a\s*>")


def text_of(html: Markup) -> str:
    """The text ``html`` shows: its text nodes, unescaped, one after another (the text
    whose offsets :func:`linked_spans` takes)."""
    return "".join(unescape(part) for part in _TAG.split(str(html)) if not part.startswith("<"))


def linked_spans(html: Markup, links: list[tuple[int, int, str]]) -> Markup:
    """``html`` with each span of its text (``start``, ``end``, ``url``; offsets in
    :func:`text_of`) made a link to ``url``: a span within one text node outside any
    link; others are left as they are."""
    out: list[str] = []
    in_link = 0
    at = 0  # where the text node starts in text_of(html)
    for part in _TAG.split(str(html)):
        if part.startswith("<"):
            in_link += 1 if _LINK_OPEN.match(part) else -1 if _LINK_CLOSE.match(part) else 0
            out.append(part)
            continue
        text = unescape(part)
        inside = sorted(
            (s - at, e - at, url)
            for s, e, url in links
            if at <= s < e <= at + len(text) and not in_link
        )
        if not inside:
            out.append(part)
        else:
            done = 0
            for s, e, url in inside:
                if s < done:
                    continue  # overlaps the span linked before it
                out.append(escape(text[done:s], quote=False))
                out.append(f'<a href="{escape(url)}">{escape(text[s:e], quote=False)}</a>')
                done = e
            out.append(escape(text[done:], quote=False))
        at += len(text)
    return Markup("".join(out))
