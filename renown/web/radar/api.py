"""The radar API: prospects and one subject (recruiters, HR, admins), importing snapshots and
scoring, outreach, HR's flight-risk list and its bias audit, a member's own radar and
opt-out, and the admin's policy.

Every read of radar output writes an audit-log entry: a GET here reads, then writes that entry
in a short write transaction of its own (:func:`renown.web.deps.read_then_record`, as the
boards' audits do).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.radar import actions, queries
from renown.radar.imports import SUFFIXES, check_import_snapshots
from renown.radar.job import enqueue_radar
from renown.radar.results import (
    ActivityPoint,
    FlightRiskPage,
    ImportSummary,
    ModelStatus,
    MyRadar,
    OutreachFilter,
    OutreachStep,
    ProspectPage,
    RadarPolicy,
    SubjectDetail,
)
from renown.talent.report import BiasAuditReport
from renown.web.deps import JobQueueDep, SessionDep, committed, read_then_record
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import Admin, PeopleAdmin, SignedIn, allow
from renown.web.radar.audit import DEFAULT_TOP, flight_risk_audit
from renown.web.radar.shapes import OptOutIn, OutreachIn, PolicyIn
from renown.web.shapes import JobOut
from renown.web.uploads import read_upload

router = APIRouter(prefix="/radar", tags=["radar"], route_class=StrictJsonRoute)
CLOCK: Final = SystemClock()
Recruiting = Annotated[Principal, allow(Role.RECRUITER, Role.HR, Role.ADMIN)]
"""Recruiters, HR and admins: the radar's prospects."""
Filter = Annotated[str | None, Query(max_length=100), SINGLE_LINE]
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/prospects")
def prospects(
    request: Request,
    principal: Recruiting,
    session: SessionDep,
    skill: Filter = None,
    location: Filter = None,
    prominence: Annotated[int | None, Query(ge=1, le=100)] = None,
    outreach: OutreachFilter | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ProspectPage:
    """External prospects, most likely to change company first, with the model's state
    (no probability when the organisation's history is too thin)."""
    return read_then_record(
        request,
        session,
        lambda: queries.prospects(
            session,
            principal,
            skill=skill,
            location=location,
            prominence=prominence,
            outreach=outreach,
            limit=limit,
            offset=offset,
            now=CLOCK.now(),
        ),
    )


@router.get("/activity")
def activity(request: Request, principal: Recruiting, session: SessionDep) -> list[ActivityPoint]:
    """Profile changes of the radar's prospects per month and kind."""
    return read_then_record(
        request, session, lambda: queries.activity(session, principal, now=CLOCK.now())
    )


@router.get("/model")
def model(principal: Recruiting, session: SessionDep) -> ModelStatus:
    """The latest scoring job: enough history or not, and the backtest on the org's history."""
    return queries.model_status(session, principal.org_id)


@router.get("/subjects/{subject_id}")
def subject(
    request: Request, subject_id: RowId, principal: Recruiting, session: SessionDep
) -> SubjectDetail:
    """One subject: profile, recent changes, prediction with reasons, outreach (members are
    HR's and admins' only)."""
    return read_then_record(
        request,
        session,
        lambda: queries.subject_detail(session, principal, subject_id, now=CLOCK.now()),
    )


@router.post("/subjects/{subject_id}/outreach")
def record_outreach(
    subject_id: RowId, body: OutreachIn, principal: Recruiting, session: SessionDep
) -> OutreachStep:
    """Record an outreach step (watchlist, contacted, responded, hired) with a note."""
    step = actions.check_record_outreach(
        session, principal, subject_id, status=body.status, note=body.note, now=CLOCK.now()
    )
    session.commit()
    return step


@router.delete("/subjects/{subject_id}", status_code=status.HTTP_204_NO_CONTENT)
def erase_prospect(subject_id: RowId, principal: PeopleAdmin, session: SessionDep) -> None:
    """Erase an external prospect on their request: snapshots, predictions, outreach and the
    subject go; a digest of the handle stays so that later imports skip them (HR, admins)."""
    actions.check_erase_prospect(session, principal, subject_id, now=CLOCK.now())
    session.commit()


@router.post("/imports")
async def import_snapshots(
    principal: Recruiting,
    session: SessionDep,
    file: Annotated[
        UploadFile, File(description="Snapshots: JSONL, CSV or a LinkedIn data-export zip")
    ],
) -> ImportSummary:
    """Import profile snapshots; a bad row is a 400 naming file, line and field, and nothing
    is kept. The same file twice adds nothing."""
    data, name = await read_upload(file, allowed_suffixes=set(SUFFIXES))

    def accept() -> ImportSummary:
        summary = check_import_snapshots(session, principal, data, name, now=CLOCK.now())
        session.commit()
        return summary

    return await run_in_threadpool(accept)


@router.post("/score", status_code=status.HTTP_202_ACCEPTED)
def score(principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep) -> JobOut:
    """Fit the organisation's model on its snapshot history and predict every subject (HR
    and admins, who start the organisation's background jobs)."""
    job = enqueue_radar(session, principal, queue)
    return JobOut.model_validate(committed(session, principal, job))


@router.get("/flight-risk")
def flight_risk(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    department: Filter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FlightRiskPage:
    """Members most likely to leave, as recommendations with their interval (HR, admins)."""
    return read_then_record(
        request,
        session,
        lambda: queries.flight_risk(
            session, principal, department=department, limit=limit, offset=offset, now=CLOCK.now()
        ),
    )


@router.get("/flight-risk/audit")
def flight_risk_bias_audit(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    top: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = DEFAULT_TOP,
) -> BiasAuditReport:
    """The promotion boards' bias audit of the flight-risk shortlist (its top ``top``):
    selection and scoring rates by sex, race/ethnicity, age band and disability (422 when
    there is nothing or too little to audit)."""
    return read_then_record(
        request, session, lambda: flight_risk_audit(session, principal, top=top, now=CLOCK.now())
    )


@router.get("/me")
def my_radar(request: Request, principal: SignedIn, session: SessionDep) -> MyRadar:
    """What the radar tells you about yourself, and whether you opted out."""
    return read_then_record(
        request, session, lambda: queries.my_radar(session, principal, now=CLOCK.now())
    )


@router.put("/me/opt-out")
def set_opt_out(body: OptOutIn, principal: SignedIn, session: SessionDep) -> MyRadar:
    """Opt out of the radar (never scored or listed) or back in."""
    now = CLOCK.now()
    actions.check_set_opt_out(session, principal, opted_out=body.opted_out, now=now)
    mine = queries.my_radar(session, principal, now=now)
    session.commit()
    return mine


@router.get("/policy")
def policy(principal: Admin, session: SessionDep) -> RadarPolicy:
    """The organisation's radar policy."""
    return actions.radar_policy(session, principal.org_id)


@router.put("/policy")
def set_policy(body: PolicyIn, principal: Admin, session: SessionDep) -> RadarPolicy:
    """Set whether members are told that the radar follows their profile."""
    answer = actions.check_set_policy(
        session, principal, members_see_radar=body.members_see_radar, now=CLOCK.now()
    )
    session.commit()
    return answer
