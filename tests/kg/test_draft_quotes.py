"""Quotes from draft material kept with a source (the FAQ page's scratchpad, the text it
removed from its answer) are cited as such, in answers, in the JSON of /v1/ask and in
the context a model is given: a reader must not take them for what the page publishes."""

from __future__ import annotations

from kg.ask import ask
from kg.citations import draft_spans, in_draft
from kg.context import build_context
from kg.explain import DRAFT_NOTE
from kg.graph import KnowledgeGraph

QUESTION = "can inner and outer misalignment happen simultaneously?"


def test_the_faq_scratchpad_is_the_only_draft_section(shipped: KnowledgeGraph) -> None:
    faq = shipped.source_text("what-is-inner-alignment")
    spans = draft_spans(faq)
    assert len(spans) == 1
    start, end = spans[0]
    assert faq[start:].startswith("## Scratchpad")
    assert faq[end:].startswith("## Sources")  # the list of sources is not draft
    for sid in ("mesa-optimizers-video-transcript", "inner-and-outer-misalignment-notes"):
        assert draft_spans(shipped.source_text(sid)) == ()


def test_a_draft_quote_is_footnoted_as_draft_and_others_are_not(shipped: KnowledgeGraph) -> None:
    a = ask(shipped, QUESTION)
    items = a.notes.items
    drafts = [i for i in items if i.draft]
    assert drafts and len(drafts) < len(items)
    for i in items:
        text = shipped.source_text(i.citation.source)
        assert i.draft == in_draft(text, i.citation.start)
        line = next(x for x in a.answer.splitlines() if x.startswith(f"[^{i.n}]:"))
        assert (DRAFT_NOTE in line) == i.draft
    record = a.record()
    assert [c["draft"] for c in record["citations"]] == [i.draft for i in items]
    # the title stays the source's own
    assert {c["title"] for c in record["citations"]} <= {s.title for s in shipped.sources.values()}


def test_the_context_marks_draft_quotes(shipped: KnowledgeGraph) -> None:
    ctx = build_context(shipped, QUESTION)
    drafts = [q for q in ctx.quotes if q.draft]
    assert drafts and len(drafts) < len(ctx.quotes)
    for q in ctx.quotes:
        line = next(x for x in ctx.text.splitlines() if x.startswith(f"[{q.n}] "))
        assert (DRAFT_NOTE in line) == q.draft
