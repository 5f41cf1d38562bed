"""Scoring runs for HR: history, "score now", event uploads, sources on the server, and
live job progress.

Starting work redirects to the job's page, whose progress fragment htmx polls every
second; the finished fragment has no polling trigger, so polling stops by itself and the
page offers the run and the leaderboard. A refused upload or source re-renders the page
with the problem (file, line, field) instead of an error page, so the person can fix and
retry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import PurePosixPath
from typing import Annotated, Any, Final

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid, NotFound, RenownError
from renown.ingest import sources
from renown.ingest.uploads import EVENT_SUFFIXES
from renown.org import queries as org_queries
from renown.org.aliases import check_choose_identifier
from renown.scoring import actions, changes, queries
from renown.store.tables.jobs import Job
from renown.web.deps import JobQueueDep, SessionDep
from renown.web.errors import STATUS_OF
from renown.web.forms import form_action, see_other
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import PeopleAdmin
from renown.web.render import is_htmx, render
from renown.web.uploads import read_upload

router = APIRouter()
RECENT = 20
TOP_OF_RUN = 10
JOB_KINDS: Final = {
    "recognition": "Badges and kudos rings",
    "validation": "Score validation",
    "tuning": "Weight tuning",
    "radar": "Recruiter radar model",
    "external_refresh": "External networks refresh",
}
"""What the recent jobs list calls a kind of job it does not describe itself (uploads and
scoring runs are worded in the template): a reader sees words, never the queue's key."""


def _runs_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    settings = request.app.state.settings
    folder = sources.sources_hint(settings, queries.org_slug_of(session, principal))
    context: dict[str, Any] = {
        "runs": queries.list_runs(session, principal, limit=RECENT),
        "jobs": queries.list_jobs(session, principal, limit=RECENT),
        "accept": ",".join(sorted(EVENT_SUFFIXES)),
        "sources": queries.sources_of(session, principal, settings),
        "sources_folder": folder,
        "sources_under_home": not PurePosixPath(folder).is_absolute(),
        "error": error,
        "job_kinds": JOB_KINDS,
    }
    return render(request, "runs.html", context, status_code=status_code)


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """Scoring-run history, recent jobs, "score now" and the events upload form."""
    return _runs_page(request, principal, session)


def _follow_job(
    request: Request,
    principal: Principal,
    session: Session,
    start: Callable[[], Job],
    *,
    refusals: tuple[type[RenownError], ...] = (Invalid,),
    status_of: Callable[[RenownError], int] = lambda _problem: 400,
) -> Response:
    """Start a job and follow it on its page, or show the runs page with the refusal."""
    started: list[Job] = []
    problems: list[RenownError] = []

    def act() -> None:
        try:
            started.append(start())
        except refusals as problem:
            problems.append(problem)
            raise

    return form_action(
        session,
        act,
        done=lambda: see_other(f"/jobs/{started[0].id}"),
        refused=lambda reason: _runs_page(
            request, principal, session, error=reason, status_code=status_of(problems[0])
        ),
        refusals=refusals,
    )


@router.post("/runs")
def score_now(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    as_of: Annotated[str, Form(max_length=40)] = "",
    half_life_days: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Start a scoring run and follow it on its job page."""
    return _follow_job(
        request,
        principal,
        session,
        lambda: actions.check_start_scoring(
            session,
            principal,
            queue,
            half_life_days=_days(half_life_days),
            as_of=_end_of_day(as_of),
        ),
    )


@router.post("/runs/upload")
async def upload_events(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Check and queue an events file; a refused file shows the problem on the form."""
    try:
        data, name = await read_upload(file, allowed_suffixes=set(EVENT_SUFFIXES))
    except InputError as problem:
        return await run_in_threadpool(
            _runs_page, request, principal, session, error=str(problem), status_code=400
        )
    return await run_in_threadpool(
        _follow_job,
        request,
        principal,
        session,
        lambda: actions.check_upload_events(session, principal, queue, data, name),
        refusals=(InputError,),
    )


@router.post("/runs/source")
def ingest_source(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    name: Annotated[str, Form(min_length=1, max_length=255), SINGLE_LINE],
) -> Response:
    """Check and queue a listed source; a refused one shows the problem on the page."""
    return _follow_job(
        request,
        principal,
        session,
        lambda: actions.check_ingest_source(session, principal, queue, name),
        refusals=(InputError, Invalid, NotFound),
        status_of=lambda problem: next(c for k, c in STATUS_OF.items() if isinstance(problem, k)),
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request, run_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """One run: its parameters, counts, what changed since the previous run and why, and
    the top of its leaderboard with each person's change since that run."""
    run = queries.get_run(session, principal, run_id)
    top = org_queries.leaderboard(session, principal, run_id=run.id, limit=TOP_OF_RUN)
    change = changes.run_change(session, run)
    moved = changes.person_changes(session, change, {r.person_id: r.score for r in top.items})
    context = {
        "run": run,
        "top": top.items,
        "change": change,
        "moved": {c.person_id: c for c in moved},
    }
    return render(request, "run.html", context)


def _job_page(
    request: Request,
    principal: Principal,
    session: Session,
    job_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    job = queries.get_job(session, principal, job_id)
    context: dict[str, Any] = {"job": job, "error": error}
    if job.kind == "ingest":
        context["unmatched"] = queries.unmatched_of_upload(session, principal, job_id)
    return render(request, "job.html", context, status_code=status_code)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """A job and its progress (the fragment below polls itself until the job ends); an
    upload's page also lists its identifiers that name nobody known, to decide about."""
    return _job_page(request, principal, session, job_id)


@router.post("/jobs/{upload_id}/identities")
def choose_identifier(
    request: Request,
    upload_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    identifier: Annotated[str, Form(max_length=320), SINGLE_LINE] = "",
    choice: Annotated[str, Form(max_length=16)] = "",
    person: Annotated[str, Form(max_length=320), SINGLE_LINE] = "",
    name: Annotated[str, Form(max_length=200), SINGLE_LINE] = "",
) -> Response:
    """Map, ignore or add one of the upload's unmatched identifiers, back on its page.

    Every field may be empty as far as the form goes: the upload is looked up first (404
    for another organisation's), and the domain then says what is missing, on the page.
    """
    queries.unmatched_of_upload(session, principal, upload_id)  # the upload must be visible
    return form_action(
        session,
        lambda: check_choose_identifier(
            session, principal, identifier, choice, person=person, name=name
        ),
        done=f"/jobs/{upload_id}#unmatched",
        refused=lambda reason: _job_page(
            request, principal, session, upload_id, error=reason, status_code=422
        ),
    )


@router.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
def job_progress(
    request: Request, job_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """The progress fragment htmx swaps in every second while the job runs."""
    job = queries.get_job(session, principal, job_id)
    template = "job_progress.html" if is_htmx(request) else "job.html"
    return render(request, template, {"job": job})


def _days(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Invalid(f"half-life {text!r} is not a number of days") from None


def _end_of_day(text: str) -> datetime | None:
    """``2026-05-31`` -> the end of that day in UTC; an ISO date-time is taken as given."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"as of {text!r} is not a date (YYYY-MM-DD)") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.combine(day, time.max, tzinfo=UTC)
