"""The caller's own account over the API: who am I, my data export, my visibility, my API
tokens, my password and web sessions; and (administrators) deactivating or reactivating an
account.

Changing a password or deactivating an account ends web sessions at once
(:mod:`renown.accounts.sessions`); the password change is throttled like a sign-in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, status

from renown._version import __version__
from renown.accounts import actions
from renown.accounts.principal import Principal
from renown.accounts.sessions import ENDED_ELSEWHERE, SessionView, do_end_sessions, my_sessions
from renown.core.errors import Invalid
from renown.org import actions as org_actions
from renown.privacy.export import export_my_data as export_everything
from renown.web import password_steps
from renown.web.account.shapes import (
    AccountOut,
    Health,
    Me,
    NewToken,
    PasswordChangedOut,
    PasswordChangeIn,
    TokenIn,
    TokenOut,
    Visibility,
)
from renown.web.api_errors import error_response
from renown.web.deps import SessionDep, SettingsDep, checks_before_writing
from renown.web.devices import attempt_of
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import SESSION_TOKEN, Admin, SignedIn, public

router = APIRouter(tags=["account"], route_class=StrictJsonRoute)
THROTTLED: dict[int | str, dict[str, Any]] = {
    429: error_response("Too many failed attempts: wait the Retry-After seconds")
}


@router.get("/health", dependencies=[public()])
def health() -> Health:
    """Liveness probe (no data, no authentication)."""
    return Health(status="ok", version=__version__)


@router.get("/me")
def me(principal: SignedIn) -> Me:
    """The signed-in account."""
    return Me.model_validate(principal)


@router.get("/me/export")
def export_my_data(
    principal: SignedIn, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Everything renown holds about the signed-in person, as JSON."""
    return export_everything(session, principal, settings)


@router.put("/me/visibility")
def set_visibility(body: Visibility, principal: SignedIn, session: SessionDep) -> Visibility:
    """Opt in to (or out of) appearing on the public leaderboard."""
    if principal.person_id is None:
        raise Invalid("this account is not linked to a person")
    org_actions.check_set_public_profile(session, principal, principal.person_id, body.public)
    session.commit()
    return body


@router.get("/tokens")
def list_tokens(principal: SignedIn, session: SessionDep) -> list[TokenOut]:
    """The caller's API tokens (never the tokens themselves)."""
    return [TokenOut.model_validate(row) for row in actions.list_tokens(session, principal)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def issue_token(body: TokenIn, principal: SignedIn, session: SessionDep) -> NewToken:
    """Issue a token for scripts; copy it now, it is not shown again."""
    row, token = actions.check_issue_token(session, principal, body.name)
    session.commit()
    return NewToken(**TokenOut.model_validate(row).model_dump(), token=token)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: RowId, principal: SignedIn, session: SessionDep) -> None:
    """Revoke one of the caller's tokens."""
    actions.check_revoke_token(session, principal, token_id)
    session.commit()


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
def sessions(request: Request, principal: SignedIn, session: SessionDep) -> list[SessionView]:
    """My live web sessions (the one making this request is marked current)."""
    return my_sessions(
        session, principal, current_token=_current_token(request), now=datetime.now(UTC)
    )


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


def _set_active(
    account_id: int, principal: Principal, session: SessionDep, *, active: bool
) -> AccountOut:
    account = actions.check_set_account_active(
        session, principal, account_id, active=active, now=datetime.now(UTC)
    )
    answer = AccountOut.model_validate(account)
    session.commit()
    return answer


@router.post("/accounts/{account_id}/deactivate")
def deactivate(account_id: RowId, principal: Admin, session: SessionDep) -> AccountOut:
    """Deactivate an account: its web sessions end and its API tokens are revoked at once."""
    return _set_active(account_id, principal, session, active=False)


@router.post("/accounts/{account_id}/reactivate")
def reactivate(account_id: RowId, principal: Admin, session: SessionDep) -> AccountOut:
    """Let a deactivated account sign in again (its old sessions and tokens stay ended)."""
    return _set_active(account_id, principal, session, active=True)
