"""Rendering the web pages: the templates (``api/templates/``), with the URL builder
(:mod:`api.urls`) at hand in each as ``url``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api import urls

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals["url"] = urls


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page of template ``name``, rendered with ``context``."""
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)
