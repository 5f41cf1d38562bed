"""Huey bound to one installation: the task that runs a job, and the periodic sweep.

The kinds of job are handed in by whoever builds the queue (see :mod:`renown.jobs`), as a
function giving them when a job first runs: the work of a kind may pull in a whole stack
(scoring does) that a web process should not pay for until it runs a job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from huey import Huey, crontab
from sqlalchemy.orm import Session, sessionmaker

from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobKinds, run_job
from renown.jobs.storage import peewee_database, prefixed_storage
from renown.jobs.sweep import SWEEP_EVERY_MINUTES, sweep
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory

QUEUE_NAME = "renown"
RUN_JOB_TASK = "renown.run_job"
SWEEP_TASK = "renown.sweep"


@dataclass(frozen=True)
class Periodic:
    """Work a worker's scheduler runs every few minutes, beside the sweep.

    Packages above the queue write it (the challenges' phase tick); :mod:`renown.worker`
    hands it in, as it hands in the kinds of job, so the queue still knows no feature.
    """

    name: str
    every_minutes: int
    run: Callable[[sessionmaker[Session], datetime], object]


def build_queue(
    settings: Settings,
    kinds: Callable[[], JobKinds],
    *,
    sessions: sessionmaker[Session] | None = None,
    periodic: Sequence[Periodic] = (),
) -> JobQueue:
    """Huey on ``settings.database`` with the job runner registered for ``kinds``.

    In immediate mode (``settings.jobs_immediate``) huey keeps its queue in memory and runs
    each job when it is submitted; otherwise jobs wait in the ``huey_*`` tables for a worker.
    ``sessions`` lets the web app share its connection pool with the jobs it starts;
    ``periodic`` is scheduled like the sweep.
    """
    factory = sessions if sessions is not None else session_factory(make_engine(settings.database))
    huey = Huey(
        QUEUE_NAME,
        results=False,
        immediate=settings.jobs_immediate,
        storage_class=prefixed_storage,
        database=peewee_database(settings.database),
    )

    def run(job_id: int) -> None:
        run_job(settings, factory, job_id, kinds())

    def sweep_now() -> None:
        sweep(settings, factory)

    task = huey.task(name=RUN_JOB_TASK)(run)
    # Run by every worker's scheduler (consumers started with ``periodic=True``); sweeping
    # twice at once is harmless, as both only fail or delete what is already abandoned.
    huey.periodic_task(crontab(minute=f"*/{SWEEP_EVERY_MINUTES}"), name=SWEEP_TASK)(sweep_now)
    for work in periodic:
        _schedule(huey, factory, work)
    return JobQueue(settings=settings, huey=huey, sessions=factory, run_task=task)


def _schedule(huey: Huey, sessions: sessionmaker[Session], work: Periodic) -> None:
    def run_now() -> None:
        work.run(sessions, datetime.now(UTC))

    huey.periodic_task(crontab(minute=f"*/{work.every_minutes}"), name=work.name)(run_now)
