"""Account security over the API: change one's password, see and end one's web sessions,
and (administrators) deactivate or reactivate an account.

Changing a password or deactivating an account ends web sessions at once
(:mod:`renown.accounts.sessions`); the password change is throttled like a sign-in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, status

from renown.accounts import actions
from renown.accounts.principal import Principal
from renown.accounts.sessions import ENDED_ELSEWHERE, do_end_sessions, my_sessions
from renown.core.roles import Role
from renown.store.tables.accounts import Account
from renown.web import password_steps
from renown.web.api.responses import error_response
from renown.web.api.schemas import AccountOut, PasswordChangedOut, PasswordChangeIn, SessionOut
from renown.web.deps import SessionDep, checks_before_writing
from renown.web.devices import attempt_of
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import SESSION_TOKEN, allow, signed_in

router = APIRouter(tags=["account"], route_class=StrictJsonRoute)
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: error_response("Too many failed attempts: wait the Retry-After seconds")
}
SignedIn = Annotated[Principal, signed_in()]
Admin = Annotated[Principal, allow(Role.ADMIN)]


def _current_token(request: Request) -> str | None:
    token = request.session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else None


@router.put("/me/password", responses=THROTTLED)
@checks_before_writing
async def change_password(
    body: PasswordChangeIn, request: Request, principal: SignedIn, session: SessionDep
) -> PasswordChangedOut:
    """Change my password (the current one is needed); my other web sessions end."""
    ended = await password_steps.change_password(
        request,
        session,
        principal,
        attempt_of(request, principal.email),
        current=body.current_password,
        new=body.new_password,
        now=datetime.now(UTC),
        keep_session=_current_token(request),
    )
    return PasswordChangedOut(sessions_ended=ended)


@router.get("/me/sessions")
def sessions(request: Request, principal: SignedIn, session: SessionDep) -> list[SessionOut]:
    """My live web sessions (the one making this request is marked current)."""
    views = my_sessions(
        session, principal, current_token=_current_token(request), now=datetime.now(UTC)
    )
    return [
        SessionOut(
            id=v.id,
            created_at=v.created_at,
            last_seen_at=v.last_seen_at,
            expires_at=v.expires_at,
            user_agent=v.user_agent,
            current=v.current,
        )
        for v in views
    ]


@router.delete("/me/sessions", status_code=status.HTTP_204_NO_CONTENT)
def end_other_sessions(request: Request, principal: SignedIn, session: SessionDep) -> None:
    """Sign out everywhere else (every web session but this one)."""
    do_end_sessions(
        session,
        principal.account_id,
        now=datetime.now(UTC),
        reason=ENDED_ELSEWHERE,
        keep_token=_current_token(request),
    )
    session.commit()


def _account_out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.id,
        email=account.email,
        role=account.role,
        person_id=account.person_id,
        active=account.active,
    )


@router.post("/accounts/{account_id}/deactivate")
def deactivate(account_id: RowId, principal: Admin, session: SessionDep) -> AccountOut:
    """Deactivate an account: its web sessions end and its API tokens are revoked at once."""
    account = actions.check_set_account_active(
        session, principal, account_id, active=False, now=datetime.now(UTC)
    )
    answer = _account_out(account)
    session.commit()
    return answer


@router.post("/accounts/{account_id}/reactivate")
def reactivate(account_id: RowId, principal: Admin, session: SessionDep) -> AccountOut:
    """Let a deactivated account sign in again (its old sessions and tokens stay ended)."""
    account = actions.check_set_account_active(
        session, principal, account_id, active=True, now=datetime.now(UTC)
    )
    answer = _account_out(account)
    session.commit()
    return answer
