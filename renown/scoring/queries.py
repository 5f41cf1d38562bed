"""Reading scoring runs, background jobs and the sources on the server, for HR and
administrators, scoped to the principal's organisation.

Another organisation's job or run is "not found", never "forbidden": whether it exists is none of
the caller's business.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.ingest.sources import SourceEntry, list_sources
from renown.jobs.access import PEOPLE_ADMINS_ONLY
from renown.scoring.matching import UnmatchedIdentifier, status_of
from renown.settings import Settings
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation
from renown.store.tables.scores import ScoringRun

MAX_LIST = 200


def list_jobs(
    session: Session, principal: Principal, *, kind: str | None = None, limit: int = 50
) -> list[Job]:
    """The organisation's jobs, newest first."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    query = sa.select(Job).where(Job.org_id == principal.org_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    order = query.order_by(Job.created_at.desc(), Job.id.desc()).limit(_bounded(limit))
    return list(session.scalars(order))


def get_job(session: Session, principal: Principal, job_id: int) -> Job:
    """One of the organisation's jobs."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.org_id != principal.org_id:
        raise NotFound(f"no job {job_id}")
    return job


def unmatched_of_upload(
    session: Session, principal: Principal, job_id: int
) -> list[UnmatchedIdentifier]:
    """The identifiers an upload (or ingested source) held that named nobody when it was
    checked, each as it stands now (still unmatched, mapped, ignored or since matched)."""
    job = get_job(session, principal, job_id)
    if job.kind != "ingest":
        raise NotFound(f"job {job_id} is not an upload")
    return status_of(session, principal.org_id, job.params.get("unmatched", []))


def list_runs(session: Session, principal: Principal, *, limit: int = 50) -> list[ScoringRun]:
    """The organisation's scoring runs, newest scoring date first."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    return list(
        session.scalars(
            sa.select(ScoringRun)
            .where(ScoringRun.org_id == principal.org_id)
            .order_by(ScoringRun.as_of.desc(), ScoringRun.id.desc())
            .limit(_bounded(limit))
        )
    )


def get_run(session: Session, principal: Principal, run_id: int) -> ScoringRun:
    """One of the organisation's scoring runs."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    run = session.get(ScoringRun, run_id)
    if run is None or run.org_id != principal.org_id:
        raise NotFound(f"no scoring run {run_id}")
    return run


def sources_of(session: Session, principal: Principal, settings: Settings) -> list[SourceEntry]:
    """The sources of the principal's organisation (HR and administrators only)."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    return list_sources(settings, org_slug_of(session, principal))


def org_slug_of(session: Session, principal: Principal) -> str:
    """The slug of the principal's organisation, which names its sources and uploads folders."""
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == principal.org_id))
    if slug is None:
        raise NotFound("your organisation no longer exists")
    return str(slug)


def _bounded(limit: int) -> int:
    return max(1, min(limit, MAX_LIST))
