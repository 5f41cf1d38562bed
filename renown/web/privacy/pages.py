"""Erasing a person from the web (HR and administrators): a confirmation form that names
the person and asks for a reason and their name typed again, then what was done. An
account without a person (a community member, a sponsor) the same way, its e-mail typed
again (``/accounts/{account_id}/erase``, offered on the member's marketplace profile).

Form fields are optional in the signature and checked in the handler, so a person or
account of another organisation is "not found" (404) before the form is judged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from renown.org.access import person_in_org
from renown.privacy.erase import MAX_REASON, Erasure, check_erase_account, check_erase_person
from renown.privacy.traces import traces_of_account
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import MemberProfile
from renown.store.tables.org import Person
from renown.web.deps import SessionDep, SettingsDep
from renown.web.forms import form_action
from renown.web.params import NO_NUL, RowId
from renown.web.policy import PeopleAdmin
from renown.web.render import render

router = APIRouter()
FormText = Annotated[str, Form(max_length=MAX_REASON, pattern=NO_NUL)]


def _form(
    request: Request, person: Person, *, reason: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    return render(
        request,
        "person_erase.html",
        {"person": person, "reason": reason, "error": error},
        status_code=status,
    )


@router.get("/people/{person_id}/erase", response_class=HTMLResponse)
def erase_form(
    request: Request, person_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """The confirmation form: who will be erased, what that does, and why (required)."""
    return _form(request, person_in_org(session, principal.org_id, person_id))


@router.post("/people/{person_id}/erase", response_class=HTMLResponse)
def erase(
    request: Request,
    person_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    settings: SettingsDep,
    reason: FormText = "",
    confirm_name: FormText = "",
) -> Response:
    """Erase the person once their name is typed again and a reason is given."""
    person = person_in_org(session, principal.org_id, person_id)
    if confirm_name.strip().casefold() != person.name.strip().casefold():
        error = f"Type {person.name}'s name exactly as shown to confirm."
        return _form(request, person, reason=reason, error=error, status=422)
    erased: list[Erasure] = []
    return form_action(
        session,
        lambda: erased.append(
            check_erase_person(
                session, settings, principal, person_id, reason, confirm_name=confirm_name
            )
        ),
        done=lambda: render(request, "person_erased.html", {"erasure": erased[0]}),
        refused=lambda problem: _form(
            request,
            person_in_org(session, principal.org_id, person_id),
            reason=reason,
            error=problem,
            status=422,
        ),
    )


def _account(session: Session, org_id: int, account_id: int) -> Account:
    """The account to erase: of the organisation (else 404), without a person (else 422)."""
    traces_of_account(session, org_id, account_id)
    account = session.get(Account, account_id)
    assert account is not None
    return account


def _account_form(
    request: Request,
    session: Session,
    account: Account,
    *,
    reason: str = "",
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    profile = session.get(MemberProfile, account.id)
    context = {
        "account": account,
        "display_name": profile.display_name if profile else None,
        "reason": reason,
        "error": error,
    }
    return render(request, "account_erase.html", context, status_code=status)


@router.get("/accounts/{account_id}/erase", response_class=HTMLResponse)
def erase_account_form(
    request: Request, account_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """The confirmation form: which account will be erased, what that does, and why."""
    return _account_form(request, session, _account(session, principal.org_id, account_id))


@router.post("/accounts/{account_id}/erase", response_class=HTMLResponse)
def erase_account(
    request: Request,
    account_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    settings: SettingsDep,
    reason: FormText = "",
    confirm_email: FormText = "",
) -> Response:
    """Erase the account once its e-mail is typed again and a reason is given."""
    account = _account(session, principal.org_id, account_id)
    if confirm_email.strip().casefold() != account.email.strip().casefold():
        error = "Type the account's e-mail address exactly as shown to confirm."
        return _account_form(request, session, account, reason=reason, error=error, status=422)
    erased: list[Erasure] = []
    return form_action(
        session,
        lambda: erased.append(
            check_erase_account(
                session, settings, principal, account_id, reason, confirm_email=confirm_email
            )
        ),
        done=lambda: render(request, "account_erased.html", {"erasure": erased[0]}),
        refused=lambda problem: _account_form(
            request,
            session,
            _account(session, principal.org_id, account_id),
            reason=reason,
            error=problem,
            status=422,
        ),
    )
