"""The caller's own account: who am I, my data export, my visibility, my API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, status

from renown._version import __version__
from renown.accounts import actions
from renown.accounts.principal import Principal
from renown.org import actions as org_actions
from renown.privacy.export import export_my_data as export_everything
from renown.store.tables.accounts import ApiToken
from renown.web.api.schemas import Health, Me, NewToken, TokenIn, TokenOut, Visibility
from renown.web.deps import SessionDep, SettingsDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import public, signed_in

router = APIRouter(tags=["account"], route_class=StrictJsonRoute)
SignedIn = Annotated[Principal, signed_in()]


@router.get("/health", dependencies=[public()])
def health() -> Health:
    """Liveness probe (no data, no authentication)."""
    return Health(status="ok", version=__version__)


@router.get("/me")
def me(principal: SignedIn) -> Me:
    """The signed-in account."""
    return Me(
        account_id=principal.account_id,
        email=principal.email,
        role=principal.role.value,
        org_id=principal.org_id,
        person_id=principal.person_id,
    )


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
        from renown.core.errors import Invalid

        raise Invalid("this account is not linked to a person")
    org_actions.check_set_public_profile(session, principal, principal.person_id, body.public)
    session.commit()
    return body


def _token_out(row: ApiToken) -> TokenOut:
    return TokenOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used=row.last_used,
        revoked_at=row.revoked_at,
    )


@router.get("/tokens")
def list_tokens(principal: SignedIn, session: SessionDep) -> list[TokenOut]:
    """The caller's API tokens (never the tokens themselves)."""
    return [_token_out(row) for row in actions.list_tokens(session, principal)]


@router.post("/tokens", status_code=status.HTTP_201_CREATED)
def issue_token(body: TokenIn, principal: SignedIn, session: SessionDep) -> NewToken:
    """Issue a token for scripts; copy it now, it is not shown again."""
    row, token = actions.check_issue_token(session, principal, body.name)
    session.commit()
    return NewToken(**_token_out(row).model_dump(), token=token)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: RowId, principal: SignedIn, session: SessionDep) -> None:
    """Revoke one of the caller's tokens."""
    actions.check_revoke_token(session, principal, token_id)
    session.commit()
