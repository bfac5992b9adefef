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
from api.meta import SITE_DESCRIPTION, SITE_NAME
from kg import dataset

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals["url"] = urls
TEMPLATES.env.globals["site_name"] = SITE_NAME
TEMPLATES.env.globals["license_url"] = dataset.LICENSE
TEMPLATES.env.globals["glossary_version"] = dataset.version()


def absolute(request: Request, path: str) -> str:
    """``path`` (one of :mod:`api.urls`) as an absolute URL of this server, as
    ``request`` reached it."""
    return str(request.base_url).rstrip("/") + path


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page of template ``name``, rendered with ``context``. Its head describes it
    (see ``base.html``): ``description`` (the site's, unless given), ``canonical`` (its
    absolute URL: the request's, unless given) and ``og_type`` (``website``, unless
    given)."""
    context.setdefault("description", SITE_DESCRIPTION)
    context.setdefault("canonical", str(request.url))
    context.setdefault("og_type", "website")
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


class PageRoute(APIRoute):
    """A route that answers a web page (the routes of :mod:`api.routers.web`). Its
    errors are answered as error pages too, not as problem+json: see :func:`is_page`."""


def is_page(request: Request) -> bool:
    """Whether an error of ``request`` is answered as a page: what decides, for
    :mod:`api.errors`, between an HTML error page and problem+json. A request routed to a
    web page is one; a path that no route matches is one when its Accept prefers HTML
    (a browser's), and problem+json otherwise."""
    from api.errors import PROBLEM_JSON  # api.errors imports this module
    from api.headers import choose

    route = request.scope.get("route")
    if route is None:
        offered = [PROBLEM_JSON, "application/json", "text/html"]
        return choose(request.headers.get("accept"), offered) == "text/html"
    return isinstance(route, PageRoute)


def error_page(
    request: Request,
    status: int,
    title: str,
    detail: str,
    suggestions: list[dict[str, str]],
    kind: str = "",
) -> HTMLResponse:
    """The HTML page of an error: its title and detail, the concepts suggested
    (``{id, label}`` each) as links, and a link to what its kind of problem means."""
    links = [{"url": urls.concept_page(s["id"]), "label": s["label"]} for s in suggestions]
    return page(
        request,
        "error.html",
        status,
        title=title,
        detail=detail,
        suggestions=links,
        merged=kind == "concept-gone",  # its one suggestion is what replaced it
        code=status,
        explained=urls.problem_page(kind) if kind else None,
    )
