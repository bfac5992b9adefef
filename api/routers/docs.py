"""The API documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc).

FastAPI's own pages load their viewers from a CDN and start Swagger UI with an inline
script. Here the viewers' files come from the ``fastapi-offline`` package and are served
by this app under ``/static/docs/``, and Swagger UI is started by ``/static/swagger-init.js``,
so the pages make no outside request and run under a Content-Security-Policy with no
inline script (see :mod:`api.security`).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.pages import TEMPLATES
from api.security import CSP, REDOC_POLICY

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
"""Swagger UI's and ReDoc's files (``swagger-ui-bundle.js``, ``swagger-ui.css``,
``redoc.standalone.js``), served at ``/static/docs/``."""

router = APIRouter(include_in_schema=False)


def _viewer(request: Request, template: str) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, template, {"title": request.app.title, "openapi_url": request.app.openapi_url}
    )


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """The OpenAPI description in Swagger UI, where each operation can be tried; under the
    pages' own policy."""
    return _viewer(request, "docs.html")


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """The OpenAPI description in ReDoc, as one long reference page."""
    response = _viewer(request, "redoc.html")
    response.headers[CSP.decode()] = REDOC_POLICY
    return response
