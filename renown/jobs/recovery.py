"""Ending what a crash left behind: jobs left ``running``, and queued jobs without a message.

A worker that dies mid-job (killed, out of memory, machine restarted) cannot record the
outcome, so the job would show "running" for ever and nobody would start it again. Running
jobs stamp a heartbeat (:mod:`renown.jobs.runner`); every job still ``running`` whose
heartbeat is older than :func:`stale_after` is marked failed with a message saying so, in
the audit log like every other outcome. The job is not re-run automatically: its work may
have half happened (a lake partly written), and a person should decide.

A job can also be left ``queued`` with nothing on the queue to run it: huey deletes a
message when a worker takes it, before the job is claimed, and a web process hands a job
to huey only after committing it; a kill in either gap loses the message. Such a job has
not started, so it is handed to huey again (a job that is no longer queued when a message
arrives is not run twice: see :mod:`renown.jobs.runner`).

Workers look for both when they start and then all the time (:class:`JobWatch`): a
supervisor restarts a killed worker within moments, when its jobs do not look stale yet.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.jobs.queue import JobQueue
from renown.jobs.runner import FAILED, QUEUED, RUNNING
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
    silent = sa.and_(
        Job.status == RUNNING, sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)
    )
    with sessions() as session:  # a reader first: workers look often, and seldom find any
        if session.scalar(sa.select(Job.id).where(silent).limit(1)) is None:
            return []
    with transaction(sessions) as session:
        stalled = session.scalars(
            sa.select(Job).where(silent).order_by(Job.id).with_for_update()
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


def resubmit_stranded_jobs(
    queue: JobQueue, *, older_than: timedelta, now: datetime | None = None
) -> list[int]:
    """Hand huey again every job queued for longer than ``older_than`` whose message it
    no longer holds; their ids.

    A job taken off the queue a moment ago and not yet claimed looks stranded too; its
    second message finds it claimed and does nothing, which is why this is safe.
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    with queue.sessions() as session:
        waiting = session.scalars(
            sa.select(Job.id).where(Job.status == QUEUED, Job.created_at < cutoff).order_by(Job.id)
        ).all()
    if not waiting:
        return []
    on_the_queue = {task.args[0] for task in queue.huey.pending() if task.args}
    stranded = [job_id for job_id in waiting if job_id not in on_the_queue]
    for job_id in stranded:
        queue.submit(job_id)
    if stranded:
        logger.warning("queued again %d job(s) whose message was lost: %s", len(stranded), stranded)
    return stranded


class JobWatch:
    """A worker's watch for jobs left behind: once when started, then four times per
    :func:`stale_after` until stopped, in a thread of its own."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue
        self.stale_after = stale_after(queue.settings)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="renown-job-watch", daemon=True)

    def check(self) -> None:
        """Fail the stalled jobs and queue the stranded ones again, now."""
        recover_stalled_jobs(self.queue.sessions, stale_after=self.stale_after)
        resubmit_stranded_jobs(self.queue, older_than=self.stale_after)

    def start(self) -> JobWatch:
        """Check now (a failure here stops the worker from starting), then keep watching."""
        self.check()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (waits for a check under way)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        interval = self.stale_after.total_seconds() / 4
        while not self._stop.wait(interval):
            try:
                self.check()
            except Exception:  # a busy or unreachable database: the next round tries again
                logger.exception("could not look for jobs left behind by stopped workers")
