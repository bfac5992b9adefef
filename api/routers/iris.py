"""The graph's IRIs dereference here: each redirects (303) to the resource describing it.

Routes sit under the path of KG_BASE_IRI, so with KG_BASE_IRI pointing at this service
(or at a redirector such as w3id.org that forwards to it), every IRI in the export
resolves. The client's Accept header travels with the redirect, so a Linked Data client
asking for Turtle gets Turtle.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api import urls
from api.headers import choose
from api.negotiation import DATA_TYPES
from api.routers import problems
from kg import dataset
from kg.dataset import VOID_PATH
from kg.errors import NotFound

_SEE_OTHER: dict[int | str, dict[str, Any]] = {
    303: {
        "description": "the resource that describes this IRI",
        "headers": {
            "Location": {"description": "where it is described", "schema": {"type": "string"}}
        },
    }
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Vary": "Accept"})


def _wants_html(request: Request) -> bool:
    """A browser: its Accept header prefers HTML to JSON and every RDF format."""
    return choose(request.headers.get("accept"), [*DATA_TYPES, "text/html"]) == "text/html"


def make_router(base_iri: str) -> APIRouter:
    """Routes for ``{base}concept/{id}``, ``{base}source/{id}``, statements and the scheme."""
    prefix = urlparse(base_iri).path.rstrip("/")
    router = APIRouter(prefix=prefix, tags=["linked data"])

    @router.get(
        "/concept/{id}",
        status_code=303,
        response_class=RedirectResponse,
        responses={**_SEE_OTHER, **problems(404, 422)},
    )
    def concept_iri(id: str, request: Request) -> RedirectResponse:
        """A concept's IRI: see /v1/concepts/{id} (JSON, or RDF by Accept), or its web page
        for a browser."""
        return _see_other(urls.concept_page(id) if _wants_html(request) else urls.concept(id))

    @router.get(
        "/source/{id}",
        status_code=303,
        response_class=RedirectResponse,
        responses={**_SEE_OTHER, **problems(404, 422)},
    )
    def source_iri(id: str, request: Request) -> RedirectResponse:
        """A source's IRI: see /v1/sources/{id}, or its web page for a browser."""
        return _see_other(urls.source_page(id) if _wants_html(request) else urls.source(id))

    @router.get(
        "/statement/{subject}/{rest:path}",
        status_code=303,
        response_class=RedirectResponse,
        responses={**_SEE_OTHER, **problems(404, 422)},
    )
    def statement_iri(subject: str, rest: str) -> RedirectResponse:
        """A cited statement's IRI: it is described with its subject concept."""
        return _see_other(urls.concept(subject))

    @router.get("/dataset", status_code=303, response_class=RedirectResponse, responses=_SEE_OTHER)
    def dataset_iri() -> RedirectResponse:
        """The dataset the scheme is part of: its VoID and DCAT description."""
        return _see_other(VOID_PATH)

    @router.get(
        "/dataset/{version}",
        status_code=303,
        response_class=RedirectResponse,
        responses={**_SEE_OTHER, **problems(404, 422)},
    )
    def version_iri(version: str) -> RedirectResponse:
        """A version of the dataset (its ``owl:versionIRI``): the description, for the
        version served; the dumps of another are a release's files (``kg release``)."""
        if version != dataset.version():
            raise NotFound(
                f"This service serves version {dataset.version()}, not {version}; "
                "other versions are published as release dumps."
            )
        return _see_other(VOID_PATH)

    @router.get("/scheme", status_code=303, response_class=RedirectResponse, responses=_SEE_OTHER)
    def scheme_iri() -> RedirectResponse:
        """The concept scheme: the whole export."""
        return _see_other(urls.export())

    @router.get("/ontology", status_code=303, response_class=RedirectResponse, responses=_SEE_OTHER)
    def ontology_iri() -> RedirectResponse:
        """The vocabulary: described in /v1/ontology and in the export."""
        return _see_other(urls.ontology())

    return router
