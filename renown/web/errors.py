"""Domain errors -> HTTP answers, as JSON for the API and as pages for people.

Pages answer 401 with a redirect to the sign-in page; everything else keeps its status so
that the authorisation tests see the same codes on pages and API. Request validation
errors are answered here too, bounded and redacted (see ``renown.web.issues``), and so are
the sentences of domain errors: no error answer repeats a whole input. A page's form whose
route asks for it is drawn again with what was typed instead (``renown.web.form_refill``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from renown.accounts.signin import Throttled
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound, Stale
from renown.store.turns import TurnTimeoutError
from renown.web.form_errors import issue_sentence
from renown.web.form_refill import refill
from renown.web.issues import printable, public_issues

STATUS_OF: dict[type[Exception], int] = {
    Stale: 409,  # before Invalid, which it specialises: the first kind that matches wins
    NotAllowed: 403,
    NotFound: 404,
    Invalid: 422,
    InputError: 400,
}
MAX_DETAIL = 1000
"""Domain messages quote the values they refuse; quotes of large inputs are cut here."""


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _from_htmx(request: Request) -> bool:
    """A page's htmx request (it accepts anything, but swaps in only what a page shows)."""
    return not request.url.path.startswith("/api/") and request.headers.get("hx-request") == "true"


def _answer(
    request: Request, status: int, detail: object, headers: dict[str, str] | None = None
) -> Response:
    if _wants_page(request):
        if status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?{urlencode({'next': target})}", status_code=303)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "detail": detail},
            status_code=status,
        )
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the translations on ``app``."""

    async def domain_error(request: Request, exc: Exception) -> Response:
        status = next(code for kind, code in STATUS_OF.items() if isinstance(exc, kind))
        detail: object = printable(str(exc), MAX_DETAIL)
        if isinstance(exc, InputError):
            detail = {
                "message": printable(str(exc), MAX_DETAIL),
                "source": printable(exc.source, MAX_DETAIL),
                "line": exc.line,
                "field": None if exc.field is None else printable(exc.field, MAX_DETAIL),
            }
        return _answer(request, status, detail)

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        issues = public_issues(exc.errors())
        if _wants_page(request) or _from_htmx(request):
            refilled = await refill(request, exc.body, issues)
            if refilled is not None:  # a page's form: drawn again, the reason beside its field
                return refilled
        if _wants_page(request):  # people read sentences; clients read the located issues
            return _answer(request, 422, [issue_sentence(issue) for issue in issues])
        return _answer(request, 422, issues)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _answer(request, exc.status_code, exc.detail, dict(exc.headers or {}))

    async def conflict(request: Request, exc: Exception) -> Response:
        # Two writes raced: most often two audit-log appends taking the same place in the
        # chain (its unique sequence refuses the second), or a row another request just
        # created. Nothing was saved by this request; the caller may simply try again.
        return _answer(
            request, 409, "another change was saved at the same moment; reload and try again"
        )

    async def busy(request: Request, exc: Exception) -> Response:
        # The database's write lock stayed taken past the busy timeout, or the request
        # waited past its patience for its process's turn to write: nothing was saved.
        return _answer(
            request,
            503,
            "the database is busy; try again in a moment",
            {"Retry-After": "1"},
        )

    async def throttled(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Throttled)
        return _answer(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    app.add_exception_handler(Throttled, throttled)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(IntegrityError, conflict)
    # Busy too: the database's lock or connections, or this process's turn to write, did
    # not come in time (an unhandled timeout would be a 500, as if the request were wrong).
    app.add_exception_handler(OperationalError, busy)
    app.add_exception_handler(PoolTimeoutError, busy)
    app.add_exception_handler(TurnTimeoutError, busy)
    for kind in STATUS_OF:
        app.add_exception_handler(kind, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
