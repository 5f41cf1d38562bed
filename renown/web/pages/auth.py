"""Sign-in and sign-out pages.

A successful sign-in starts a new server-side session (:mod:`renown.accounts.sessions`)
and replaces the whole cookie (new CSRF token, no leftovers), so a session fixed before
sign-in is worthless afterwards. Failures say only that the email or password was wrong,
never which; repeated failures are throttled (:mod:`renown.accounts.throttle`) and the
page says how long to wait. Signing out ends the session on the server, so a copied
cookie is worthless afterwards too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from renown.accounts.principal import Principal
from renown.accounts.sessions import SIGNED_OUT, do_end_session
from renown.accounts.signin import Throttled, check_sign_in
from renown.accounts.throttle import Attempt
from renown.web.deps import SessionDep, client_address
from renown.web.pages.render import render
from renown.web.policy import SESSION_TOKEN, csrf_token, public, session_limits, signed_in

router = APIRouter()
DEVICE_COOKIE = "renown_device"
DEVICE_MAX_AGE_SECONDS = 90 * 24 * 3600


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


def _devices(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.session_secret(), "renown-device")


def _email_tag(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def trusted_device(request: Request, email: str) -> str | None:
    """The id of this browser's device cookie, if it was issued at a sign-in to ``email``."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        value = _devices(request).loads(cookie, max_age=DEVICE_MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("e") != _email_tag(email):
        return None
    device = value.get("d")
    return device if isinstance(device, str) else None


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
def signin(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the credentials (throttled) and start a fresh session."""
    now = datetime.now(UTC)
    device = trusted_device(request, email)
    attempt = Attempt(email, client_address(request), device)
    with request.app.state.sessions() as read:
        try:
            signed = check_sign_in(
                read,
                session,
                attempt,
                password,
                now=now,
                limits=session_limits(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except Throttled as throttled:
            answer = _signin_form(request, next, str(throttled).capitalize() + ".", 429)
            answer.headers["Retry-After"] = str(throttled.retry_after)
            return answer
    if signed is None:
        session.commit()  # the failure counts toward the backoff
        return _signin_form(request, next, "Wrong email or password.", 400)
    previous = request.session.get(SESSION_TOKEN)
    if isinstance(previous, str):
        do_end_session(session, previous, now=now, reason=SIGNED_OUT)
    session.commit()
    request.session.clear()
    request.session[SESSION_TOKEN] = signed.session_token
    csrf_token(request)
    response = RedirectResponse(_safe_next(next), status_code=303)
    if device is None:
        value = {"e": _email_tag(email), "d": secrets.token_urlsafe(16)}
        response.set_cookie(
            DEVICE_COOKIE,
            _devices(request).dumps(value),
            max_age=DEVICE_MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.secure_cookies,
        )
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
