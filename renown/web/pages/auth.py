"""Sign-in and sign-out pages.

A successful sign-in starts a new server-side session (:mod:`renown.accounts.sessions`)
and replaces the whole cookie (new CSRF token, no leftovers), so a session fixed before
sign-in is worthless afterwards. Failures say only that the email or password was wrong,
never which; repeated failures are throttled (:mod:`renown.accounts.throttle`) and the
page says how long to wait. Signing out ends the session on the server, so a copied
cookie is worthless afterwards too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renown.accounts.principal import Principal
from renown.accounts.sessions import SIGNED_OUT, do_end_session
from renown.accounts.signin import Throttled
from renown.web import password_steps
from renown.web.deps import SessionDep, checks_before_writing
from renown.web.devices import attempt_of, issue_device_cookie
from renown.web.policy import SESSION_TOKEN, csrf_token, public, session_limits, signed_in
from renown.web.render import render

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


def _signin_form(
    request: Request, next_page: str, error: str | None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "signin.html",
        {"next": _safe_next(next_page), "error": error},
        status_code=status_code,
    )


@router.get("/signin", response_class=HTMLResponse, dependencies=[public()])
def signin_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return _signin_form(request, next or "/", None)


@router.post("/signin", dependencies=[public()])
@checks_before_writing
async def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the credentials (throttled) and start a fresh session."""
    attempt = attempt_of(request, email)
    previous = request.session.get(SESSION_TOKEN)
    try:
        signed = await password_steps.sign_in(
            request,
            session,
            attempt,
            password,
            now=datetime.now(UTC),
            limits=session_limits(request),
            previous_session=previous if isinstance(previous, str) else None,
        )
    except Throttled as throttled:
        answer = _signin_form(request, next, str(throttled).capitalize() + ".", 429)
        answer.headers["Retry-After"] = str(throttled.retry_after)
        return answer
    if signed is None:
        return _signin_form(request, next, "Wrong email or password.", 400)
    request.session.clear()
    request.session[SESSION_TOKEN] = signed.session_token
    csrf_token(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    if attempt.device is None:
        issue_device_cookie(request, response, email)
    return response


@router.post("/signout")
def signout(
    request: Request, session: SessionDep, principal: Annotated[Principal, signed_in()]
) -> Response:
    """End the session, on the server and in the browser."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str):
        do_end_session(session, token, now=datetime.now(UTC), reason=SIGNED_OUT)
        session.commit()
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
