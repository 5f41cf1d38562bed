"""Running one job: claim it, report progress, record the outcome.

The runner owns the job's life cycle so that the kinds of work only do their work; it
knows no kind itself: the caller hands it the kinds, by name (see :mod:`renown.jobs`).
Every state change is its own short transaction: progress written while a scoring run
computes must be visible to the page polling it, and a failure must be recorded even
though the work's own transaction was rolled back.

A job that is not ``queued`` is left alone: huey delivers at least once, and a job that a
crashed worker left ``running`` must not be silently run twice. While a job runs in a
worker, a heartbeat thread stamps ``heartbeat_at`` every ``settings.job_heartbeat_seconds``;
workers fail the jobs whose heartbeat went stale (:mod:`renown.jobs.recovery`), so a crash
ends in a visible "start it again".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.core.errors import InputError, RenownError
from renown.settings import Settings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = frozenset({DONE, FAILED})


@dataclass(frozen=True)
class JobContext:
    """What a kind of work gets: its job, organisation, parameters and a progress reporter."""

    settings: Settings
    sessions: sessionmaker[Session]
    job_id: int
    kind: str
    org_id: int
    org_slug: str
    params: dict[str, Any]

    @property
    def actor(self) -> str:
        """How the audit log names work done by this job."""
        return f"job:{self.job_id}"

    def report(self, stage: str, progress: float) -> None:
        """Record the stage the job is in and how far it got (0..1)."""
        with transaction(self.sessions) as session:
            job = session.get(Job, self.job_id)
            if job is not None:
                job.stage = stage[:200]
                job.progress = min(max(progress, 0.0), 1.0)
                job.heartbeat_at = datetime.now(UTC)


Work = Callable[[JobContext], dict[str, Any]]
"""What a kind of job does, given its context; its result is the job's result."""
JobKinds = Mapping[str, Work]
"""The work of each kind of job, by the kind's name (``jobs.kind``)."""


def run_job(
    settings: Settings, sessions: sessionmaker[Session], job_id: int, kinds: JobKinds
) -> None:
    """Run job ``job_id`` to ``done`` or ``failed`` (never raises for the job's own errors)."""
    context = _claim(settings, sessions, job_id)
    if context is None:
        return
    try:
        work = kinds.get(context.kind)
        if work is None:
            raise RenownError(f"unknown kind of job {context.kind!r}")
        with _heartbeat(context, enabled=not settings.jobs_immediate):
            result = work(context)
    except InputError as error:
        _finish(context, FAILED, {"error": _located(error)}, str(error))
    except (RenownError, ValueError) as error:
        _finish(context, FAILED, {}, str(error))
    except Exception as error:  # the job must end failed whatever broke
        logger.exception("job %s failed unexpectedly", job_id)
        _finish(context, FAILED, {}, f"unexpected error ({type(error).__name__}): {error}")
    else:
        _finish(context, DONE, result, None)


def _claim(settings: Settings, sessions: sessionmaker[Session], job_id: int) -> JobContext | None:
    with transaction(sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != QUEUED:
            logger.warning("job %s is %s; not running it", job_id, job.status if job else "gone")
            return None
        org = session.get(Organisation, job.org_id)
        assert org is not None, "jobs are deleted with their organisation"
        job.status = RUNNING
        job.started_at = job.heartbeat_at = datetime.now(UTC)
        job.stage = "starting"
        return JobContext(
            settings=settings,
            sessions=sessions,
            job_id=job.id,
            kind=job.kind,
            org_id=org.id,
            org_slug=org.slug,
            params=dict(job.params),
        )


@contextmanager
def _heartbeat(context: JobContext, *, enabled: bool) -> Iterator[None]:
    """Stamp the job's heartbeat every ``job_heartbeat_seconds`` while the work runs.

    Not in immediate mode: there the job runs inside the request that started it, in the
    same process, and a second writer thread would only compete with it for the database.
    """
    if not enabled:
        yield
        return
    stop = threading.Event()
    interval = context.settings.job_heartbeat_seconds

    def beat() -> None:
        while not stop.wait(interval):
            try:
                with transaction(context.sessions) as session:
                    job = session.get(Job, context.job_id)
                    if job is not None:
                        job.heartbeat_at = datetime.now(UTC)
            except OperationalError:
                # A busy database skips one beat; recovery waits for many missed ones.
                logger.warning("job %s: heartbeat skipped", context.job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"job-{context.job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _finish(context: JobContext, status: str, result: dict[str, Any], error: str | None) -> None:
    with transaction(context.sessions) as session:
        job = session.get(Job, context.job_id)
        if job is None:
            return
        job.status = status
        job.result = result
        job.error = error
        job.finished_at = datetime.now(UTC)
        job.stage = "finished" if status == DONE else "failed"
        if status == DONE:
            job.progress = 1.0
        audit.append(
            session,
            actor=context.actor,
            action=f"job.{status}",
            subject=f"job:{job.id}",
            payload={"kind": job.kind, "result": result, "error": error},
            org_id=job.org_id,
        )


def _located(error: InputError) -> dict[str, Any]:
    return {
        "message": error.message,
        "source": error.source,
        "line": error.line,
        "field": error.field,
    }
