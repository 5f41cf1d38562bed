"""The signed-in account's own things: API tokens, public visibility, data export.

Any signed-in account manages its own tokens; the visibility switch and the export act
only on the account's own person, never on anyone else's.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renown.accounts import actions
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.org import actions as org_actions
from renown.privacy.export import export_my_data as export_everything
from renown.web.deps import SessionDep, SettingsDep
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import signed_in
from renown.web.render import render

router = APIRouter()
SignedIn = Annotated[Principal, signed_in()]


def _tokens_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    *,
    new_token: str | None = None,
    new_name: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "tokens.html",
        {
            "tokens": actions.list_tokens(session, principal),
            "new_token": new_token,
            "new_name": new_name,
        },
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
) -> HTMLResponse:
    """Issue a token and show it this once (it is stored only as a digest)."""
    row, token = actions.check_issue_token(session, principal, name)
    session.commit()
    return _tokens_page(request, principal, session, new_token=token, new_name=row.name)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: RowId, principal: SignedIn, session: SessionDep) -> Response:
    """Revoke one of the caller's tokens."""
    actions.check_revoke_token(session, principal, token_id)
    session.commit()
    return RedirectResponse("/tokens", status_code=303)


@router.post("/me/visibility")
def set_visibility(
    principal: SignedIn,
    session: SessionDep,
    public: Annotated[bool, Form()],
) -> Response:
    """The person opts in to (or out of) appearing to colleagues and on the leaderboard."""
    if principal.person_id is None:
        raise Invalid("this account is not linked to a person")
    org_actions.check_set_public_profile(session, principal, principal.person_id, public)
    session.commit()
    return RedirectResponse(f"/people/{principal.person_id}", status_code=303)


@router.get("/me/export")
def export_my_data(principal: SignedIn, session: SessionDep, settings: SettingsDep) -> Response:
    """Everything renown holds about the signed-in person, as a JSON download."""
    data = export_everything(session, principal, settings)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="renown-my-data.json"'},
    )
