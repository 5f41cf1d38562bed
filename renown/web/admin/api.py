"""Administration: accounts, org chart import, audit verification (of one organisation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from renown import audit
from renown.accounts import actions
from renown.org import actions as org_actions
from renown.org.results import ImportReport
from renown.web.account.shapes import AccountIn, AccountOut
from renown.web.admin.shapes import AuditVerifyOut
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.policy import Admin, PeopleAdmin
from renown.web.uploads import read_upload

router = APIRouter(tags=["administration"], route_class=StrictJsonRoute)


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
def create_account(body: AccountIn, principal: Admin, session: SessionDep) -> AccountOut:
    """Create an account in the administrator's organisation."""
    account = actions.check_create_account(
        session,
        principal,
        email=body.email,
        password=body.password,
        role=body.role,
        person_id=body.person_id,
    )
    session.commit()
    return AccountOut.model_validate(account)


@router.post("/org/import")
async def import_org_chart(
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="Org chart / HRIS export (CSV)")],
) -> ImportReport:
    """Import people, teams, departments and reporting lines; re-importing changes nothing."""
    data, name = await read_upload(file, allowed_suffixes={".csv"})
    report = org_actions.check_import_org(session, principal, data, name)
    session.commit()
    return report


@router.get("/audit/verify")
def verify_audit_log(principal: Admin, session: SessionDep) -> AuditVerifyOut:
    """Check the audit log's hash chain: whether it is intact, how many entries are this
    organisation's, and the breaks at them. Other organisations' entries (how many, where
    they break) are the installation operator's: ``renown audit verify``."""
    return AuditVerifyOut.model_validate(audit.verify_for_org(session, principal.org_id))
