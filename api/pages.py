"""Rendering the web pages: the templates (``api/templates/``), with the URL builder
(:mod:`api.urls`) at hand in each as ``url``; which routes are pages, and their error
page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from api import urls

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals["url"] = urls


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page of template ``name``, rendered with ``context``."""
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


class PageRoute(APIRoute):
    """A route that answers a web page (the routes of :mod:`api.routers.web`). Its
    errors are answered as error pages too, not as problem+json: see :func:`is_page`."""


def is_page(request: Request) -> bool:
    """Whether ``request`` was routed to a web page: what decides, for
    :mod:`api.errors`, between an HTML error page and problem+json. A path that no route
    matches is not a page."""
    return isinstance(request.scope.get("route"), PageRoute)


def error_page(
    request: Request, status: int, title: str, detail: str, suggestions: list[dict[str, str]]
) -> HTMLResponse:
    """The HTML page of an error: its title and detail, and the concepts suggested
    (``{id, label}`` each) as links."""
    links = [{"url": urls.concept_page(s["id"]), "label": s["label"]} for s in suggestions]
    return page(request, "error.html", status, title=title, detail=detail, suggestions=links)
