"""Sign-in and sign-out pages.

A successful sign-in replaces the whole session (new CSRF token, no leftovers), so a
session fixed before sign-in is worthless afterwards. Failures say only that the email or
password was wrong, never which.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renown.accounts.actions import authenticate
from renown.accounts.principal import Principal
from renown.web.deps import SessionDep
from renown.web.pages.render import render
from renown.web.policy import SESSION_ACCOUNT, csrf_token, public, signed_in

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would make sign-in a phishing tool."""
    # Browsers read "/\\host" like "//host" (another site), and drop tabs and newlines.
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
    ):
        return target
    return "/"


@router.get("/signin", response_class=HTMLResponse, dependencies=[public()])
def signin_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return render(request, "signin.html", {"next": _safe_next(next), "error": None})


@router.post("/signin", dependencies=[public()])
def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the credentials and start a fresh session."""
    principal = authenticate(session, email, password)
    session.commit()
    if principal is None:
        return render(
            request,
            "signin.html",
            {"next": _safe_next(next), "error": "Wrong email or password."},
            status_code=400,
        )
    request.session.clear()
    request.session[SESSION_ACCOUNT] = principal.account_id
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(request: Request, principal: Annotated[Principal, signed_in()]) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
