"""Failing the jobs a crashed worker left ``running``.

A worker that dies mid-job (killed, out of memory, machine restarted) cannot record the
outcome, so the job would show "running" for ever and nobody would start it again. Running
jobs stamp a heartbeat (:mod:`renown.jobs.runner`); when a worker starts, every job still
``running`` whose heartbeat is older than :func:`stale_after` is marked failed with a
message saying so, in the audit log like every other outcome. The job is not re-run
automatically: its work may have half happened (a lake partly written), and a person
should decide.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.jobs.runner import FAILED, RUNNING
from renown.settings import JOB_HEARTBEAT_SECONDS, Settings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job

logger = logging.getLogger(__name__)

MISSED_BEATS = 12
"""Heartbeats a job may miss before it counts as stopped: long enough that a busy database
(which makes a beat skip) never fails a live job."""
STALE_AFTER = timedelta(seconds=MISSED_BEATS * JOB_HEARTBEAT_SECONDS)
"""How long a job's heartbeat may be silent with the default heartbeat (two minutes)."""


def stale_after(settings: Settings) -> timedelta:
    """How long a running job of this installation may be silent before it is failed."""
    return timedelta(seconds=MISSED_BEATS * settings.job_heartbeat_seconds)


def recover_stalled_jobs(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> list[int]:
    """Mark failed every running job without a heartbeat since ``stale_after``; their ids."""
    instant = now or datetime.now(UTC)
    cutoff = instant - stale_after
    with transaction(sessions) as session:
        stalled = session.scalars(
            sa.select(Job)
            .where(
                Job.status == RUNNING,
                sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
            )
            .order_by(Job.id)
            .with_for_update()
        ).all()
        for job in stalled:
            seen = job.heartbeat_at or job.started_at
            error = (
                "the worker running this job stopped (last sign of life "
                f"{seen.isoformat(timespec='seconds') if seen else 'never'}); "
                "nothing more will happen to it: start it again"
            )
            job.status = FAILED
            job.stage = "failed"
            job.error = error
            job.finished_at = instant
            audit.append(
                session,
                actor="system",
                action=f"job.{FAILED}",
                subject=f"job:{job.id}",
                payload={"kind": job.kind, "result": {}, "error": error},
                org_id=job.org_id,
                at=instant,
            )
        ids = [job.id for job in stalled]
    if ids:
        logger.warning("failed %d job(s) left running by a stopped worker: %s", len(ids), ids)
    return ids
