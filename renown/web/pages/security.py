"""The signed-in account's security page: change the password, see and end web sessions.

Changing the password ends every other session of the account; each session can be ended
on its own, or all but this one at once ("sign out everywhere else").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from ua_parser import parse as parse_user_agent

from renown.accounts.principal import Principal
from renown.accounts.sessions import (
    ENDED_ELSEWHERE,
    check_end_my_session,
    do_end_sessions,
    my_sessions,
)
from renown.accounts.signin import Throttled
from renown.core.errors import Invalid
from renown.web import password_steps
from renown.web.deps import SessionDep, checks_before_writing
from renown.web.devices import attempt_of, issue_device_cookie
from renown.web.params import RowId
from renown.web.policy import SESSION_TOKEN, signed_in
from renown.web.render import render

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
        return await page(error="The two new passwords differ.", status_code=422)
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
        return await page(error=str(refused), status_code=422)
    others = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
    answer = await page(done="Your password is changed." + others)
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
