"""Scoring runs, event uploads, sources on the server, and the jobs that do the work.

Starting work answers ``202 Accepted`` with the job: the work itself happens in the
worker, and the job's progress is polled at ``/jobs/{id}``. Uploads and sources are read
in full before they are accepted, so a broken file is a 400 naming line and field, and
nothing is stored or queued. Sources are named by one of the entries ``/sources`` lists,
never by a path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from starlette.concurrency import run_in_threadpool

from renown.ingest.sources import SourceEntry
from renown.ingest.uploads import EVENT_SUFFIXES
from renown.org.aliases import IdentifierChoice, check_choose_identifier
from renown.scoring import actions, changes, queries
from renown.scoring.changes import RunChanges
from renown.scoring.matching import UnmatchedIdentifier
from renown.store.tables.jobs import Job
from renown.web.deps import JobQueueDep, SessionDep, SettingsDep, committed
from renown.web.json_body import StrictJsonRoute
from renown.web.params import NO_NUL, Offset, RowId
from renown.web.policy import PeopleAdmin
from renown.web.runs.shapes import ChooseIdentifierIn, IngestSourceIn, RunOut, StartScoringIn
from renown.web.shapes import JobOut
from renown.web.uploads import read_upload

router = APIRouter(tags=["scoring runs"], route_class=StrictJsonRoute)
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/runs")
def list_runs(principal: PeopleAdmin, session: SessionDep, limit: Limit = 50) -> list[RunOut]:
    """The organisation's scoring runs, newest first."""
    return [RunOut.model_validate(r) for r in queries.list_runs(session, principal, limit=limit)]


@router.get("/runs/{run_id}")
def get_run(run_id: RowId, principal: PeopleAdmin, session: SessionDep) -> RunOut:
    """One scoring run with its parameters and counts."""
    return RunOut.model_validate(queries.get_run(session, principal, run_id))


@router.get("/runs/{run_id}/changes")
def run_changes(
    run_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RunChanges:
    """What changed since the previous run and why, and each person's change (by rank)."""
    return changes.run_changes(session, principal, run_id, limit=limit, offset=offset)


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED)
def start_run(
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    body: StartScoringIn | None = None,
) -> JobOut:
    """Start scoring the organisation's event lake; poll the returned job for progress."""
    params = body or StartScoringIn()
    job = actions.check_start_scoring(
        session, principal, queue, half_life_days=params.half_life_days, as_of=params.as_of
    )
    return JobOut.model_validate(committed(session, principal, job))


@router.post("/uploads/events", status_code=status.HTTP_202_ACCEPTED)
async def upload_events(
    principal: PeopleAdmin,
    session: SessionDep,
    queue: JobQueueDep,
    file: Annotated[
        UploadFile,
        File(
            description="Events: CSV, TSV, JSON Lines, Parquet, an mbox, or a zipped Slack export"
        ),
    ],
) -> JobOut:
    """Check an events file and queue adding it to the lake (re-uploads add nothing)."""
    data, name = await read_upload(file, allowed_suffixes=set(EVENT_SUFFIXES))

    def accept() -> Job:
        job = actions.check_upload_events(session, principal, queue, data, name)
        return committed(session, principal, job)

    return JobOut.model_validate(await run_in_threadpool(accept))


@router.get("/uploads/{upload_id}/unmatched")
def upload_unmatched(
    upload_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> list[UnmatchedIdentifier]:
    """The upload's identifiers that named nobody known, with their events, as they stand.

    Scoring leaves out the events of identifiers still ``unmatched``: map, ignore or add
    each through ``POST /identities/choices`` first.
    """
    return queries.unmatched_of_upload(session, principal, upload_id)


@router.post("/identities/choices")
def choose_identifier(
    principal: PeopleAdmin, session: SessionDep, body: ChooseIdentifierIn
) -> IdentifierChoice:
    """Map an unknown identifier to a person, ignore it, or add it as a new person.

    The choice is kept for the organisation, so later uploads and runs match alike; an
    identifier the org chart already knows, or a person nobody is known as, is a 422.
    """
    choice = check_choose_identifier(
        session, principal, body.identifier, body.choice, person=body.person, name=body.name
    )
    session.commit()
    return choice


@router.get("/sources")
def list_sources(
    principal: PeopleAdmin, session: SessionDep, settings: SettingsDep
) -> list[SourceEntry]:
    """Sources an operator placed in the organisation's folder on the server, by name."""
    return queries.sources_of(session, principal, settings)


@router.post("/sources/ingest", status_code=status.HTTP_202_ACCEPTED)
def ingest_source(
    principal: PeopleAdmin, session: SessionDep, queue: JobQueueDep, body: IngestSourceIn
) -> JobOut:
    """Check a listed source in full and queue adding it to the lake (again: adds nothing).

    A name that is not a plain entry name is a 422, one that is not listed a 404, and a
    source that cannot be read a 400 naming file, line and field; none queues anything.
    """
    job = actions.check_ingest_source(session, principal, queue, body.name)
    return JobOut.model_validate(committed(session, principal, job))


@router.get("/jobs")
def list_jobs(
    principal: PeopleAdmin,
    session: SessionDep,
    kind: Annotated[str | None, Query(max_length=32, pattern=NO_NUL)] = None,
    limit: Limit = 50,
) -> list[JobOut]:
    """The organisation's background jobs, newest first."""
    return [
        JobOut.model_validate(j)
        for j in queries.list_jobs(session, principal, kind=kind, limit=limit)
    ]


@router.get("/jobs/{job_id}")
def get_job(job_id: RowId, principal: PeopleAdmin, session: SessionDep) -> JobOut:
    """A job's status, progress and result (or error)."""
    return JobOut.model_validate(queries.get_job(session, principal, job_id))
