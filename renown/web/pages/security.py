"""The signed-in account's security page: change the password, see and end web sessions.

Changing the password ends every other session of the account; each session can be ended
on its own, or all but this one at once ("sign out everywhere else").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from ua_parser import parse as parse_user_agent

from renown.accounts.principal import Principal
from renown.accounts.sessions import (
    ENDED_ELSEWHERE,
    check_end_my_session,
    do_end_sessions,
    my_sessions,
)
from renown.accounts.signin import Throttled, WrongPassword, check_change_password
from renown.core.errors import Invalid
from renown.web.deps import SessionDep
from renown.web.devices import attempt_of, issue_device_cookie
from renown.web.pages.render import render
from renown.web.params import RowId
from renown.web.policy import SESSION_TOKEN, signed_in

router = APIRouter()
SignedIn = Annotated[Principal, signed_in()]
PasswordField = Annotated[str, Form(max_length=200)]


def browser_of(user_agent: str) -> str:
    """A user agent in words people recognise ("Firefox 128 on Windows"), via ua-parser
    (the maintained port of uap-core's browser and OS patterns)."""
    parsed = parse_user_agent(user_agent)
    browser = parsed.user_agent
    if browser is None:
        return "unknown browser"
    name = f"{browser.family} {browser.major}" if browser.major else browser.family
    if parsed.os is not None and parsed.os.family != "Other":
        name += f" on {parsed.os.family}"
    if parsed.device is not None and parsed.device.family not in {"Other", "Spider"}:
        name += f" ({parsed.device.family})"
    return name


def _current(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else None


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
def change_password(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    current_password: PasswordField,
    new_password: PasswordField,
    repeat_password: PasswordField,
) -> HTMLResponse:
    """Change my password; my other sessions end."""
    if new_password != repeat_password:
        return _page(
            request, principal, session, error="The two new passwords differ.", status_code=422
        )
    with request.app.state.sessions() as read:
        try:
            ended = check_change_password(
                read,
                session,
                principal,
                attempt_of(request, principal.email),
                current=current_password,
                new=new_password,
                now=datetime.now(UTC),
                keep_session=_current(request),
            )
        except Throttled as throttled:
            session.rollback()
            answer = _page(request, principal, session, error=str(throttled), status_code=429)
            answer.headers["Retry-After"] = str(throttled.retry_after)
            return answer
        except WrongPassword as wrong:
            session.commit()  # the failed attempt counts toward the backoff
            return _page(request, principal, session, error=str(wrong), status_code=422)
        except Invalid as refused:
            session.rollback()
            return _page(request, principal, session, error=str(refused), status_code=422)
    session.commit()
    others = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
    answer = _page(request, principal, session, done="Your password is changed." + others)
    issue_device_cookie(request, answer, principal.email)  # older ones are trusted no more
    return answer


@router.post("/account/sessions/{session_id}/end")
def end_session(
    request: Request, session_id: RowId, principal: SignedIn, session: SessionDep
) -> Response:
    """Sign one of my sessions out (another browser, a lost phone)."""
    check_end_my_session(session, principal, session_id, now=datetime.now(UTC))
    session.commit()
    return RedirectResponse("/account?done=ended", status_code=303)


@router.post("/account/sessions/end-others")
def end_other_sessions(request: Request, principal: SignedIn, session: SessionDep) -> Response:
    """Sign out everywhere else."""
    do_end_sessions(
        session,
        principal.account_id,
        now=datetime.now(UTC),
        reason=ENDED_ELSEWHERE,
        keep_token=_current(request),
    )
    session.commit()
    return RedirectResponse("/account?done=ended", status_code=303)
