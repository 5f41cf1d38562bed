"""The radar pages: the prospect list with filters, charts, import and scoring (recruiters,
HR, admins); a subject's timeline, reasons and outreach; HR's flight-risk view with its
bias audit; a member's own radar and opt-out; the admin's policy.

Reads of radar output are audited (:func:`renown.web.deps.read_then_record`); every form
post goes through :func:`renown.web.forms.form_action`.
"""

from __future__ import annotations

from typing import Annotated, Any, cast, get_args

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES, Role
from renown.fairness.rates import DEFAULT_SMALL_GROUPS
from renown.radar import actions, queries
from renown.radar.imports import SUFFIXES, check_import_snapshots
from renown.radar.job import enqueue_radar
from renown.radar.results import OUTREACH_STATUSES, OutreachFilter
from renown.talent.report import UNKNOWN_CATEGORY, AuditSection
from renown.talent.report_csv import suppressed_names
from renown.talent.report_pdf import format_p, format_rate, format_ratio
from renown.web.deps import JobQueueDep, SessionDep, read_then_record
from renown.web.forms import form_action, see_other
from renown.web.params import MULTI_LINE, SINGLE_LINE, RowId
from renown.web.policy import Admin, PeopleAdmin, SignedIn
from renown.web.radar import present
from renown.web.radar.api import CLOCK, Filter, Limit, Offset, Recruiting
from renown.web.radar.audit import DEFAULT_TOP, PROSPECTS_NOT_AUDITED, flight_risk_audit
from renown.web.render import render
from renown.web.uploads import read_upload

router = APIRouter()
REFUSALS = (InputError, Invalid)
Note = Annotated[str, Form(max_length=2000), MULTI_LINE]


def _radar(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    skill: str | None = None,
    location: str | None = None,
    prominence: int | None = None,
    outreach: OutreachFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    page, points = read_then_record(
        request,
        session,
        lambda: (
            queries.prospects(
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
            queries.activity(session, principal, now=CLOCK.now()),
        ),
    )
    context: dict[str, Any] = {
        "page": page,
        "model": page.model,
        "filters": {
            "skill": skill or "",
            "location": location or "",
            "prominence": prominence,
            "outreach": outreach or "",
        },
        "activity_spec": present.activity_chart(points),
        "percent": present.percent,
        "accept": ",".join(sorted(SUFFIXES)),
        "error": error,
        "sees_members": principal.role in PEOPLE_ADMIN_ROLES,
        "is_admin": principal.role is Role.ADMIN,
        "policy": actions.radar_policy(session, principal.org_id),
    }
    return render(request, "radar_prospects.html", context, status_code=status_code)


def _outreach_filter(value: str | None) -> OutreachFilter | None:
    """The form's outreach choice: blank is "any" (the form's first option)."""
    if not value:
        return None
    if value not in get_args(OutreachFilter):
        raise HTTPException(status_code=422, detail=f"unknown outreach status {value!r}")
    return cast(OutreachFilter, value)


@router.get("/radar", response_class=HTMLResponse)
def radar(
    request: Request,
    principal: Recruiting,
    session: SessionDep,
    skill: Filter = None,
    location: Filter = None,
    prominence: Annotated[int | None, Query(ge=1, le=100)] = None,
    outreach: Annotated[str | None, Query(max_length=16)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> HTMLResponse:
    """Ranked prospects with their likelihood, filters, update activity, import and scoring."""
    return _radar(
        request,
        principal,
        session,
        skill=skill,
        location=location,
        prominence=prominence,
        outreach=_outreach_filter(outreach),
        limit=limit,
        offset=offset,
    )


@router.post("/radar/import")
async def import_snapshots(
    request: Request,
    principal: Recruiting,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a snapshot file; a refused file shows why (file, line, field)."""
    try:
        data, name = await read_upload(file, allowed_suffixes=set(SUFFIXES))
    except InputError as problem:
        return await run_in_threadpool(
            _radar, request, principal, session, error=str(problem), status_code=400
        )
    done: list[str] = []

    def act() -> None:
        summary = check_import_snapshots(session, principal, data, name, now=CLOCK.now())
        done.append(
            f"imported={summary.added}&duplicates={summary.duplicates}&erased={summary.erased}"
        )

    return await run_in_threadpool(
        form_action,
        session,
        act,
        done=lambda: see_other(f"/radar?{done[0]}"),
        refused=lambda reason: _radar(request, principal, session, error=reason, status_code=400),
        refusals=REFUSALS,
    )


@router.post("/radar/score")
def score(
    request: Request, principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep
) -> Response:
    """Score the radar in the background; the page shows the result once the job is done."""
    return form_action(
        session,
        lambda: enqueue_radar(session, principal, queue),
        done="/radar?scoring=1",
        refused=lambda reason: _radar(request, principal, session, error=reason, status_code=422),
    )


def _subject(
    request: Request,
    principal: Principal,
    session: Session,
    subject_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    detail = read_then_record(
        request,
        session,
        lambda: queries.subject_detail(session, principal, subject_id, now=CLOCK.now()),
    )
    context: dict[str, Any] = {
        "detail": detail,
        "row": detail.row,
        "prediction": detail.row.prediction,
        "model": detail.model,
        "reasons_spec": present.reasons_chart(detail.row.prediction),
        "statuses": OUTREACH_STATUSES,
        "percent": present.percent,
        "error": error,
        "may_erase": principal.role in PEOPLE_ADMIN_ROLES and detail.row.kind == "prospect",
    }
    return render(request, "radar_subject.html", context, status_code=status_code)


@router.get("/radar/subjects/{subject_id}", response_class=HTMLResponse)
def subject(
    request: Request, subject_id: RowId, principal: Recruiting, session: SessionDep
) -> HTMLResponse:
    """A subject's profile, timeline of recent changes, reasons and outreach."""
    return _subject(request, principal, session, subject_id)


@router.post("/radar/subjects/{subject_id}/outreach")
def record_outreach(
    request: Request,
    subject_id: RowId,
    principal: Recruiting,
    session: SessionDep,
    status: Annotated[str, Form(max_length=16), SINGLE_LINE] = "watchlist",
    note: Note = "",
) -> Response:
    """Move a prospect along the outreach steps, with a note."""
    return form_action(
        session,
        lambda: actions.check_record_outreach(
            session, principal, subject_id, status=status, note=note, now=CLOCK.now()
        ),
        done=f"/radar/subjects/{subject_id}?outreach={status}",
        refused=lambda reason: _subject(
            request, principal, session, subject_id, error=reason, status_code=422
        ),
    )


@router.post("/radar/subjects/{subject_id}/erase")
def erase_prospect(
    request: Request,
    subject_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    confirm_handle: Annotated[str, Form(max_length=300), SINGLE_LINE] = "",
) -> Response:
    """Erase an external prospect on their request (HR, admins), once their handle is typed
    to confirm; later imports skip them."""
    return form_action(
        session,
        lambda: actions.check_erase_prospect(
            session, principal, subject_id, now=CLOCK.now(), confirm=confirm_handle
        ),
        done="/radar?erased=1",
        refused=lambda reason: _subject(
            request, principal, session, subject_id, error=reason, status_code=422
        ),
    )


def _reference(section: AuditSection) -> tuple[str, int] | None:
    return next(((row.category, row.n) for row in section.rows if row.reference), None)


@router.get("/radar/flight-risk", response_class=HTMLResponse)
def flight_risk(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    department: Filter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> HTMLResponse:
    """HR's flight-risk view: recommendations with their interval, and the bias audit of
    the shortlist."""
    page = read_then_record(
        request,
        session,
        lambda: queries.flight_risk(
            session, principal, department=department, limit=limit, offset=offset, now=CLOCK.now()
        ),
    )
    context: dict[str, Any] = {
        "page": page,
        "model": page.model,
        "department": department or "",
        "percent": present.percent,
        "top": DEFAULT_TOP,
        "prospects_note": PROSPECTS_NOT_AUDITED,
        "unknown_label": UNKNOWN_CATEGORY,
        "format_rate": format_rate,
        "format_ratio": format_ratio,
        "format_p": format_p,
        "reference_of": _reference,
        "suppressed_names": suppressed_names,
        "min_cell": DEFAULT_SMALL_GROUPS.min_count,
    }
    try:
        context["report"] = read_then_record(
            request, session, lambda: flight_risk_audit(session, principal, now=CLOCK.now())
        )
    except Invalid as missing:
        session.rollback()
        context |= {"report": None, "unavailable": str(missing)}
    return render(request, "radar_flight_risk.html", context)


def _me(
    request: Request, principal: Principal, session: Session, *, error: str | None = None
) -> HTMLResponse:
    mine = read_then_record(
        request, session, lambda: queries.my_radar(session, principal, now=CLOCK.now())
    )
    context = {"mine": mine, "error": error}
    return render(request, "radar_me.html", context, status_code=422 if error else 200)


@router.get("/radar/me", response_class=HTMLResponse)
def my_radar(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """What the radar tells you about yourself; opt out or back in."""
    return _me(request, principal, session)


@router.post("/radar/me/opt-out")
def set_opt_out(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    opted_out: Annotated[bool, Form()],
) -> Response:
    """Opt out of the radar (never scored or listed) or back in."""
    return form_action(
        session,
        lambda: actions.check_set_opt_out(session, principal, opted_out=opted_out, now=CLOCK.now()),
        done="/radar/me?saved=1",
        refused=lambda reason: _me(request, principal, session, error=reason),
    )


@router.post("/radar/policy")
def set_policy(
    request: Request,
    principal: Admin,
    session: SessionDep,
    members_see_radar: Annotated[bool, Form()] = False,
) -> Response:
    """Set whether members are told that the radar follows their profile."""
    return form_action(
        session,
        lambda: actions.check_set_policy(
            session, principal, members_see_radar=members_see_radar, now=CLOCK.now()
        ),
        done="/radar?policy=1",
        refused=lambda reason: _radar(request, principal, session, error=reason, status_code=422),
    )
