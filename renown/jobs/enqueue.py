"""Putting work on the queue: a ``jobs`` row now, the huey task when the caller commits.

This does not authorise; the packages owning a kind of job wrap it in their ``enqueue_*``
(shared by their actions, the demo seeding and the command line) and ``check_*`` actions.
Like every ``do_*`` it writes in the caller's transaction, so a job whose creation is rolled
back is never run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.jobs.queue import JobQueue
from renown.store.tables.jobs import Job


def enqueue_job(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    kind: str,
    params: dict[str, Any],
    *,
    submit: bool = True,
) -> Job:
    """A ``kind`` job for the principal's organisation, audited, handed to the queue when
    the caller commits (``submit=False``: the caller hands it over itself, once its
    parameters are complete)."""
    job = Job(
        org_id=principal.org_id,
        kind=kind,
        status="queued",
        progress=0.0,
        stage="waiting for a worker",
        params=params,
        result={},
        created_by=principal.account_id,
    )
    session.add(job)
    session.flush()
    audit.append_by(
        session,
        principal,
        "job.enqueue",
        subject=f"job:{job.id}",
        payload={"kind": kind, "params": params},
    )
    if submit:
        queue.submit_after_commit(session, job.id)
    return job


def utc_as_of(as_of: datetime | None) -> datetime | None:
    """A job's ``as_of`` in UTC (naive means UTC); refused when it cannot be represented."""
    if as_of is None:
        return None
    try:
        return as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    except OverflowError:
        raise Invalid("as_of is outside the range of dates renown can work with") from None
