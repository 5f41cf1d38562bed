"""The signed-in account's own pages: signing in and out, API tokens, public visibility,
the data export, the password and the web sessions.

A successful sign-in starts a new server-side session (:mod:`renown.accounts.sessions`)
and replaces the whole cookie (new CSRF token, no leftovers), so a session fixed before
sign-in is worthless afterwards. Failures say only that the email or password was wrong,
never which; repeated failures are throttled (:mod:`renown.accounts.throttle`) and the
page says how long to wait. Signing out ends the session on the server, so a copied
cookie is worthless afterwards too.

Any signed-in account manages its own tokens; the visibility switch and the export act
only on the account's own person, never on anyone else's. Changing the password ends
every other session of the account; each session can be ended on its own, or all but this
one at once ("sign out everywhere else").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from renown.accounts import actions
from renown.accounts.principal import Principal
from renown.accounts.sessions import (
    ENDED_ELSEWHERE,
    SIGNED_OUT,
    check_end_my_session,
    do_end_session,
    do_end_sessions,
    my_sessions,
)
from renown.accounts.signin import Throttled
from renown.core.errors import Invalid
from renown.org import actions as org_actions
from renown.privacy.export import export_my_data as export_everything
from renown.store.tables.accounts import ApiToken
from renown.web import password_steps
from renown.web.account.present import browser_of
from renown.web.deps import SessionDep, SettingsDep, checks_before_writing
from renown.web.devices import attempt_of, issue_device_cookie
from renown.web.form_errors import FormError, form_error
from renown.web.forms import form_action, see_other
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import SESSION_TOKEN, SignedIn, csrf_token, public, session_limits
from renown.web.render import render

router = APIRouter()
PasswordField = Annotated[str, Form(max_length=200)]


def _error_page(request: Request) -> Callable[[str], HTMLResponse]:
    """A refusal with no form of its own to show again: the error page, as for any 422."""
    return lambda reason: render(
        request, "error.html", {"status": 422, "detail": reason}, status_code=422
    )


def _current(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else None


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
    try:
        signed = await password_steps.sign_in(
            request,
            session,
            attempt,
            password,
            now=datetime.now(UTC),
            limits=session_limits(request),
            previous_session=_current(request),
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
    response = see_other(_safe_next(next))
    if attempt.device is None:
        issue_device_cookie(request, response, email)
    return response


@router.post("/signout")
def signout(request: Request, session: SessionDep, principal: SignedIn) -> Response:
    """End the session, on the server and in the browser."""
    token = _current(request)

    def end() -> None:
        if token is not None:
            do_end_session(session, token, now=datetime.now(UTC), reason=SIGNED_OUT)

    def signed_out() -> Response:
        request.session.clear()
        return see_other("/signin")

    return form_action(session, end, done=signed_out, refused=_error_page(request))


def _tokens_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    *,
    new_token: str | None = None,
    new_name: str | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "tokens.html",
        {
            "tokens": actions.list_tokens(session, principal),
            "new_token": new_token,
            "new_name": new_name,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """The caller's API tokens (prefixes only) and a form to issue one."""
    return _tokens_page(request, principal, session)


@router.post("/tokens", response_class=HTMLResponse)
def issue_token(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100), SINGLE_LINE],
) -> Response:
    """Issue a token and show it this once (it is stored only as a digest)."""
    issued: list[tuple[ApiToken, str]] = []
    return form_action(
        session,
        lambda: issued.append(actions.check_issue_token(session, principal, name)),
        done=lambda: _tokens_page(
            request, principal, session, new_token=issued[0][1], new_name=issued[0][0].name
        ),
        refused=lambda reason: _tokens_page(
            request, principal, session, error=reason, status_code=422
        ),
    )


@router.post("/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: RowId, principal: SignedIn, session: SessionDep
) -> Response:
    """Revoke one of the caller's tokens."""
    return form_action(
        session,
        lambda: actions.check_revoke_token(session, principal, token_id),
        done="/tokens",
        refused=lambda reason: _tokens_page(
            request, principal, session, error=reason, status_code=422
        ),
    )


@router.post("/me/visibility")
def set_visibility(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    public: Annotated[bool, Form()],
) -> Response:
    """The person opts in to (or out of) appearing to colleagues and on the leaderboard."""
    person_id = principal.person_id
    if person_id is None:
        raise Invalid("this account is not linked to a person")
    return form_action(
        session,
        lambda: org_actions.check_set_public_profile(session, principal, person_id, public),
        done=f"/people/{person_id}",
        refused=_error_page(request),
    )


@router.get("/me/export")
def export_my_data(principal: SignedIn, session: SessionDep, settings: SettingsDep) -> Response:
    """Everything renown holds about the signed-in person, as a JSON download."""
    data = export_everything(session, principal, settings)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="renown-my-data.json"'},
    )


def _page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    *,
    error: str = "",
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    views = my_sessions(session, principal, current_token=_current(request), now=datetime.now(UTC))
    context = {"sessions": views, "browser_of": browser_of, "error": error, "done": done}
    return render(request, "security.html", context, status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def security(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """My password and my web sessions."""
    done = {"ended": "Those sessions are signed out."}.get(request.query_params.get("done", ""))
    return _page(request, principal, session, done=done or "")


@router.post("/account/password", response_class=HTMLResponse)
@checks_before_writing
async def change_password(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    current_password: PasswordField,
    new_password: PasswordField,
    repeat_password: PasswordField,
) -> HTMLResponse:
    """Change my password; my other sessions end."""

    async def page(**outcome: Any) -> HTMLResponse:
        def render_page() -> HTMLResponse:
            session.rollback()  # a fresh snapshot: the sessions as the change left them
            return _page(request, principal, session, **outcome)

        return await run_in_threadpool(render_page)

    if new_password != repeat_password:
        return await page(
            error=FormError("The two new passwords differ.", "repeat_password"), status_code=422
        )
    try:
        ended = await password_steps.change_password(
            request,
            session,
            principal,
            attempt_of(request, principal.email),
            current=current_password,
            new=new_password,
            now=datetime.now(UTC),
            keep_session=_current(request),
        )
    except Throttled as throttled:
        answer = await page(error=str(throttled), status_code=429)
        answer.headers["Retry-After"] = str(throttled.retry_after)
        return answer
    except Invalid as refused:  # a wrong current password too
        return await page(error=form_error(refused), status_code=422)
    others = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
    answer = await page(done="Your password is changed." + others)
    issue_device_cookie(request, answer, principal.email)  # older ones are trusted no more
    return answer


@router.post("/account/sessions/{session_id}/end")
def end_session(
    request: Request, session_id: RowId, principal: SignedIn, session: SessionDep
) -> Response:
    """Sign one of my sessions out (another browser, a lost phone)."""
    return form_action(
        session,
        lambda: check_end_my_session(session, principal, session_id, now=datetime.now(UTC)),
        done="/account?done=ended",
        refused=lambda reason: _page(request, principal, session, error=reason, status_code=422),
    )


@router.post("/account/sessions/end-others")
def end_other_sessions(request: Request, principal: SignedIn, session: SessionDep) -> Response:
    """Sign out everywhere else."""
    return form_action(
        session,
        lambda: do_end_sessions(
            session,
            principal.account_id,
            now=datetime.now(UTC),
            reason=ENDED_ELSEWHERE,
            keep_token=_current(request),
        ),
        done="/account?done=ended",
        refused=lambda reason: _page(request, principal, session, error=reason, status_code=422),
    )
