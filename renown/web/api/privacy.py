"""Erasing a person (HR and administrators): the API beside "export my data".

The body's fields are optional in the schema and required by the erasure itself, so a
person of another organisation is "not found" (404) before the body is judged (422).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints

from renown.accounts.principal import Principal
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.privacy.erase import MAX_REASON, check_erase_person
from renown.web.deps import SessionDep, SettingsDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MULTI_LINE, SINGLE_LINE, RowId
from renown.web.policy import allow

router = APIRouter(tags=["privacy"], route_class=StrictJsonRoute)
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]


class ErasureIn(BaseModel):
    """Why the person is erased (recorded in the audit log, with the person's name replaced
    by the pseudonym), and their name typed again: a mistyped id must not erase anyone."""

    reason: Annotated[str, StringConstraints(max_length=MAX_REASON), MULTI_LINE] | None = None
    confirm_name: Annotated[str, StringConstraints(max_length=200), SINGLE_LINE] | None = None


class ErasureOut(BaseModel):
    """What the erasure did; the person is named only by the pseudonym."""

    pseudonym: str
    rows: dict[str, int]
    scrubbed: dict[str, int]
    decisions: int
    rings: int
    audit_entries: int
    lake_events: int
    score_rows: int
    score_files: int
    uploads: int


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
