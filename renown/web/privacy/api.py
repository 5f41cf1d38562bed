"""Erasing a person, or an account without a person (a community member, a sponsor), by
HR and administrators: the API beside "export my data".

The body's fields are optional in the schema and required by the erasure itself, so a
person or account of another organisation is "not found" (404) before the body is judged
(422).
"""

from __future__ import annotations

from fastapi import APIRouter

from renown.privacy.erase import check_erase_account, check_erase_person
from renown.web.deps import SessionDep, SettingsDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin
from renown.web.privacy.shapes import AccountErasureIn, ErasureIn, ErasureOut

router = APIRouter(tags=["privacy"], route_class=StrictJsonRoute)


@router.post("/people/{person_id}/erase")
def erase_person(
    person_id: RowId,
    body: ErasureIn,
    principal: PeopleAdmin,
    session: SessionDep,
    settings: SettingsDep,
) -> ErasureOut:
    """Erase a person of the caller's organisation from the store, the event lake and the
    run outputs (irreversible; a reason and the person's name are required). Erasing again
    answers 404."""
    erasure = check_erase_person(
        session,
        settings,
        principal,
        person_id,
        body.reason or "",
        confirm_name=body.confirm_name or "",
    )
    return ErasureOut(**erasure.summary())


@router.post("/accounts/{account_id}/erase")
def erase_account(
    account_id: RowId,
    body: AccountErasureIn,
    principal: PeopleAdmin,
    session: SessionDep,
    settings: SettingsDep,
) -> ErasureOut:
    """Erase an account without a person (a challenge community member or a sponsor) of the
    caller's organisation from the store and the files (irreversible; a reason and the
    account's e-mail are required). An account of a person is refused (erase the person);
    erasing again answers 404."""
    erasure = check_erase_account(
        session,
        settings,
        principal,
        account_id,
        body.reason or "",
        confirm_email=body.confirm_email or "",
    )
    return ErasureOut(**erasure.summary())
