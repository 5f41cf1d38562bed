"""The validity pages for HR: upload labels and validate the latest run, read the report
(warning first), fit weights, and choose the weights scoring runs use.

Validating and fitting start jobs and redirect to the job's page (as scoring runs do),
whose finished fragment links back to the report. A refused file re-renders the page with
the problem (file, line, field) so the person can fix it and try again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid
from renown.validation import actions, queries
from renown.validation.labels import DEFAULT_ID, DEFAULT_LABEL
from renown.web.deps import JobQueueDep, SessionDep
from renown.web.forms import form_action, see_other
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import PeopleAdmin
from renown.web.render import render
from renown.web.uploads import read_upload
from renown.web.validity import present
from renown.web.validity.api import LABEL_SUFFIXES, WEIGHTS_SUFFIXES

router = APIRouter()
Column = Annotated[str, Form(min_length=1, max_length=100), SINGLE_LINE]
REFUSALS = (InputError, Invalid)


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "reports": queries.list_reports(session, principal),
        "weights": queries.weights_in_use(session, principal),
        "defaults": queries.default_weights(),
        "error": error,
        "label_accept": ",".join(sorted(LABEL_SUFFIXES)),
        "id_column": DEFAULT_ID,
        "label_column": DEFAULT_LABEL,
    }
    return render(request, "validity.html", context, status_code=status_code)


def _refused(request: Request, principal: Principal, session: Session) -> Any:
    return lambda reason: _page(request, principal, session, error=reason, status_code=400)


@router.get("/validity", response_class=HTMLResponse)
def validity(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """Upload labels to validate the latest run; the weights in use; past validations."""
    return _page(request, principal, session)


@router.post("/validity")
async def start_validation(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    file: Annotated[UploadFile, File()],
    id_column: Column = DEFAULT_ID,
    label_column: Column = DEFAULT_LABEL,
) -> Response:
    """Check the labels and queue the validation; follow it on its job page."""
    try:
        data, name = await read_upload(file, allowed_suffixes=LABEL_SUFFIXES)
    except InputError as problem:
        return await run_in_threadpool(
            _page, request, principal, session, error=str(problem), status_code=400
        )
    started: list[int] = []

    def act() -> None:
        job = actions.check_start_validation(
            session, principal, queue, data, name, id_column=id_column, label_column=label_column
        )
        started.append(job.id)

    return await run_in_threadpool(
        form_action,
        session,
        act,
        done=lambda: see_other(f"/jobs/{started[0]}"),
        refused=_refused(request, principal, session),
        refusals=REFUSALS,
    )


@router.get("/validity/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, report_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> HTMLResponse:
    """A validation report: the warning, the tables, the chart, and fitting weights."""
    job = queries.get_report(session, principal, report_id)
    report = job.result.get("report")
    tuning = queries.latest_tuning(session, principal, report_id)
    context: dict[str, Any] = {
        "job": job,
        "report": report,
        "warning": present.warning(report) if report else None,
        "chart_spec": present.report_chart(report) if report else None,
        "metrics": present.metric_labels(),
        "cell": present.cell,
        "tuning": tuning,
        "tune": tuning.result.get("tune") if tuning is not None else None,
        "weights": queries.weights_in_use(session, principal),
    }
    return render(request, "validity_report.html", context)


@router.post("/validity/reports/{report_id}/tune")
def start_tuning(
    request: Request,
    report_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
) -> Response:
    """Fit weights to the report's labels; follow it on its job page."""
    started: list[int] = []

    def act() -> None:
        started.append(actions.check_start_tuning(session, principal, queue, report_id).id)

    return form_action(
        session,
        act,
        done=lambda: see_other(f"/jobs/{started[0]}"),
        refused=_refused(request, principal, session),
    )


@router.post("/validity/tunings/{tuning_id}/use")
def use_tuned(
    request: Request, tuning_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """Use the fitted weights for the organisation's scoring runs."""
    return form_action(
        session,
        lambda: actions.check_use_tuned(session, principal, tuning_id),
        done="/validity?weights=tuned",
        refused=_refused(request, principal, session),
    )


@router.post("/validity/weights")
async def upload_weights(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Use the weights of an uploaded WEIGHTS.toml; a refused file shows why."""
    try:
        data, name = await read_upload(file, allowed_suffixes=WEIGHTS_SUFFIXES)
    except InputError as problem:
        return await run_in_threadpool(
            _page, request, principal, session, error=str(problem), status_code=400
        )
    return await run_in_threadpool(
        form_action,
        session,
        lambda: actions.check_upload_weights(session, principal, data, name),
        done="/validity?weights=file",
        refused=_refused(request, principal, session),
        refusals=REFUSALS,
    )


@router.post("/validity/weights/revert")
def revert_weights(request: Request, principal: PeopleAdmin, session: SessionDep) -> Response:
    """Go back to the default weights for scoring runs."""
    return form_action(
        session,
        lambda: actions.check_revert_weights(session, principal),
        done="/validity?weights=default",
        refused=_refused(request, principal, session),
    )
