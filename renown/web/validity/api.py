"""The validity API: validate the latest run against uploaded labels, fit weights to them,
and read or choose the weights the organisation's scoring runs use. HR and admins only.

Validating and fitting answer ``202 Accepted`` with the job (the work happens in the
worker); the validation or fitting is then read at its own address, with the report or the
outcome once done.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from starlette.concurrency import run_in_threadpool

from renown.store.tables.jobs import Job
from renown.validation import actions, queries
from renown.validation.labels import DEFAULT_ID, DEFAULT_LABEL
from renown.validation.queries import WeightsInUse
from renown.web.deps import JobQueueDep, SessionDep, committed
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE, RowId
from renown.web.policy import PeopleAdmin
from renown.web.shapes import JobOut
from renown.web.uploads import read_upload
from renown.web.validity.present import warning
from renown.web.validity.shapes import TuningOut, ValidationOut

router = APIRouter(prefix="/validity", tags=["validity"], route_class=StrictJsonRoute)
LABEL_SUFFIXES = {".csv", ".tsv", ".txt"}
WEIGHTS_SUFFIXES = {".toml"}
Column = Annotated[str, Form(min_length=1, max_length=100), SINGLE_LINE]


@router.post("/reports", status_code=status.HTTP_202_ACCEPTED)
async def start_validation(
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    file: Annotated[
        UploadFile, File(description="Labels: CSV or TSV with a header, one row per person")
    ],
    id_column: Column = DEFAULT_ID,
    label_column: Column = DEFAULT_LABEL,
) -> JobOut:
    """Validate the latest scoring run against uploaded labels (ids: employee ids or
    e-mail addresses); labels matching nobody are a 400 and nothing is queued."""
    data, name = await read_upload(file, allowed_suffixes=LABEL_SUFFIXES)

    def accept() -> Job:
        job = actions.check_start_validation(
            session, principal, queue, data, name, id_column=id_column, label_column=label_column
        )
        return committed(session, principal, job)

    return JobOut.model_validate(await run_in_threadpool(accept))


@router.get("/reports")
def list_validations(principal: PeopleAdmin, session: SessionDep) -> list[ValidationOut]:
    """The organisation's validations, newest first."""
    return [
        ValidationOut.of(j, warning(j.result["report"]) if j.result.get("report") else None)
        for j in queries.list_reports(session, principal)
    ]


@router.get("/reports/{report_id}")
def get_validation(report_id: RowId, principal: PeopleAdmin, session: SessionDep) -> ValidationOut:
    """One validation, with its report and the plain warning once it is done."""
    job = queries.get_report(session, principal, report_id)
    report = job.result.get("report")
    return ValidationOut.of(job, warning(report) if report else None)


@router.post("/reports/{report_id}/tune", status_code=status.HTTP_202_ACCEPTED)
def start_tuning(
    report_id: RowId, principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep
) -> JobOut:
    """Fit weights to the labels of a finished validation, with cross-validation."""
    job = actions.check_start_tuning(session, principal, queue, report_id)
    return JobOut.model_validate(committed(session, principal, job))


@router.get("/tunings/{tuning_id}")
def get_tuning(tuning_id: RowId, principal: PeopleAdmin, session: SessionDep) -> TuningOut:
    """A weight fitting, with its held-out gain and verdict once it is done."""
    return TuningOut.of(queries.get_tuning(session, principal, tuning_id))


@router.post("/tunings/{tuning_id}/use")
def use_tuned(tuning_id: RowId, principal: PeopleAdmin, session: SessionDep) -> WeightsInUse:
    """Use the fitted weights for the organisation's scoring runs (only if recommended)."""
    actions.check_use_tuned(session, principal, tuning_id)
    session.commit()
    return queries.weights_in_use(session, principal)


@router.get("/weights")
def get_weights(principal: PeopleAdmin, session: SessionDep) -> WeightsInUse:
    """The weights the organisation's next scoring run will use, and where they came from."""
    return queries.weights_in_use(session, principal)


@router.post("/weights")
async def upload_weights(
    principal: PeopleAdmin,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="A WEIGHTS.toml ([weights] and [provenance])")],
) -> WeightsInUse:
    """Use the weights of an uploaded WEIGHTS.toml for the organisation's scoring runs."""
    data, name = await read_upload(file, allowed_suffixes=WEIGHTS_SUFFIXES)

    def accept() -> WeightsInUse:
        actions.check_upload_weights(session, principal, data, name)
        session.commit()
        return queries.weights_in_use(session, principal)

    return await run_in_threadpool(accept)


@router.delete("/weights")
def revert_weights(principal: PeopleAdmin, session: SessionDep) -> WeightsInUse:
    """Go back to the default weights for the organisation's scoring runs."""
    actions.check_revert_weights(session, principal)
    session.commit()
    return queries.weights_in_use(session, principal)
