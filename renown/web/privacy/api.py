"""Erasing a person (HR and administrators): the API beside "export my data".

The body's fields are optional in the schema and required by the erasure itself, so a
person of another organisation is "not found" (404) before the body is judged (422).
"""

from __future__ import annotations

from fastapi import APIRouter

from renown.privacy.erase import check_erase_person
from renown.web.deps import SessionDep, SettingsDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin
from renown.web.privacy.shapes import ErasureIn, ErasureOut

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
