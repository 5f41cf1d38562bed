"""Erasing a person from the web (HR and administrators): a confirmation form that names
the person and asks for a reason and their name typed again, then what was done.

Form fields are optional in the signature and checked in the handler, so a person of
another organisation is "not found" (404) before the form is judged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.privacy.erase import MAX_REASON, check_erase_person
from renown.privacy.traces import person_in_org
from renown.store.tables.org import Person
from renown.web.deps import SessionDep, SettingsDep
from renown.web.params import NO_NUL, RowId
from renown.web.policy import allow
from renown.web.render import render

router = APIRouter()
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
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
) -> HTMLResponse:
    """Erase the person once their name is typed again and a reason is given."""
    person = person_in_org(session, principal.org_id, person_id)
    if confirm_name.strip().casefold() != person.name.strip().casefold():
        error = f"Type {person.name}'s name exactly as shown to confirm."
        return _form(request, person, reason=reason, error=error, status=422)
    try:
        erasure = check_erase_person(
            session, settings, principal, person_id, reason, confirm_name=confirm_name
        )
    except Invalid as problem:
        session.rollback()
        person = person_in_org(session, principal.org_id, person_id)
        return _form(request, person, reason=reason, error=str(problem), status=422)
    return render(request, "person_erased.html", {"erasure": erasure})
