"""Citation checks for FAQ bots: are the quotations of a model's answer in the sources?

The work is :func:`kg.verify.verify`; this module reads the request, bounds it, and adds
to its result the links a client shows: each passage on its source's page, each concept
on its own. The answer's models extend those of :mod:`kg.verify` with these links only,
so the two keep one shape (:func:`verification_out` converts, for any caller).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from api import urls
from api.deps import get_graph, get_settings
from api.errors import ApiProblem, PayloadTooLarge
from api.routers import problems
from api.settings import ServerSettings
from kg.graph import KnowledgeGraph
from kg.verify import (
    MAX_QUOTES,
    MIN_QUOTE_WORDS,
    NEAR_THRESHOLD,
    GlossaryTerm,
    Quote,
    QuotedTerm,
    QuotePart,
    SourcePassage,
    TooManyQuotations,
    Verification,
)
from kg.verify import verify as run_verify

router = APIRouter(tags=["faq bots"])


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        description="the text whose quotations to check, such as a model's answer "
        "(markdown or plain); offsets are into it as sent. Longer than "
        "KG_ANNOTATE_MAX_CHARS (2,000,000 by default) is a 413, and so is a text of more "
        f"than {MAX_QUOTES:,} quoted passages (each part an ellipsis separates and each "
        "term counts).",
        strict=True,
    )
    min_words: int = Field(
        default=MIN_QUOTE_WORDS,
        ge=1,
        le=100,
        strict=True,
        description="an inline quotation of fewer words is a term, listed but not checked",
    )
    threshold: float = Field(
        default=NEAR_THRESHOLD,
        ge=0,
        le=1,
        strict=True,
        description="the least score of a near passage; below it a quotation is not_found",
    )


class PassageOut(SourcePassage):
    url: str = Field(
        description="the passage on its source's page: at the passage the graph cites "
        "that overlaps it most (the page marks those), else at the passage itself"
    )


class PartOut(QuotePart):
    match: PassageOut | None = Field(
        description="where the source has the part (exact) or its closest passage (near)"
    )


class QuoteOut(Quote):
    match: PassageOut | None = Field(
        description="the source passage from the first part's start to the last part's end; "
        "null when not_found"
    )
    parts: tuple[PartOut, ...] = Field(
        description="the parts an ellipsis separates, in order; one part when there is none"
    )


class QuotedTermOut(QuotedTerm):
    url: str | None = Field(description="the page of the concept the term names, if any")


class GlossaryTermOut(GlossaryTerm):
    url: str = Field(description="the concept's page")


class VerifyOut(Verification):
    quotes: tuple[QuoteOut, ...]
    terms: tuple[QuotedTermOut, ...]
    glossary: tuple[GlossaryTermOut, ...]


class TooManyQuotationsProblem(ApiProblem):
    """A text with more quoted passages than one request checks."""

    status, title, kind = 413, "Payload too large", "payload-too-large"


def _passage(p: SourcePassage | None) -> PassageOut | None:
    if p is None:
        return None
    at = p.cited or p
    return PassageOut(**p.model_dump(), url=urls.source_passage(p.source, at.start, at.end))


def _quote(q: Quote) -> QuoteOut:
    parts = tuple(PartOut(**{**p.model_dump(), "match": _passage(p.match)}) for p in q.parts)
    return QuoteOut(**{**q.model_dump(), "match": _passage(q.match), "parts": parts})


def verification_out(result: Verification) -> VerifyOut:
    """``result`` with the links of the HTTP answer."""
    return VerifyOut(
        quotes=tuple(_quote(q) for q in result.quotes),
        terms=tuple(
            QuotedTermOut(**t.model_dump(), url=urls.concept_page(t.concept) if t.concept else None)
            for t in result.terms
        ),
        glossary=tuple(
            GlossaryTermOut(**g.model_dump(), url=urls.concept_page(g.id)) for g in result.glossary
        ),
        summary=result.summary,
    )


@router.post("/v1/verify", response_model=VerifyOut, responses=problems(400, 413, 422))
def verify(
    body: VerifyIn,
    graph: KnowledgeGraph = Depends(get_graph),
    settings: ServerSettings = Depends(get_settings),
) -> Response:
    """Every quotation in a text (quote marks or markdown block quotes), each exact,
    near (with the closest source passage and the words that differ) or not_found; short
    quoted terms; the glossary terms the text uses; and counts."""
    if len(body.text) > settings.annotate_max_chars:
        raise PayloadTooLarge(settings.annotate_max_chars, "characters")
    try:
        result = run_verify(graph, body.text, min_words=body.min_words, threshold=body.threshold)
    except TooManyQuotations as e:
        raise TooManyQuotationsProblem(e.detail) from None
    # a plain def: FastAPI runs it in its thread pool, so the event loop serves other
    # requests meanwhile; the answer is written here too, for the same reason
    return Response(verification_out(result).model_dump_json(), media_type="application/json")
