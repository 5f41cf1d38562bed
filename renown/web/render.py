"""Rendering helpers shared by every feature's pages: templates, htmx partials, page windows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

PAGE_SIZE = 25


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` with ``context`` (the principal and CSRF helpers come with it)."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context or {}, status_code=status_code
    )
    return response


def is_htmx(request: Request) -> bool:
    """True for requests htmx sends to swap part of a page (they get only that part)."""
    return request.headers.get("hx-request") == "true" and (
        request.headers.get("hx-history-restore-request") != "true"
    )


def query_string(**params: object) -> str:
    """``?a=1&b=2`` from the parameters that are set and not zero (links that keep filters)."""
    kept = {k: v for k, v in params.items() if v is not None and v not in {"", 0}}
    return "?" + urlencode(kept) if kept else ""
