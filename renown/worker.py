"""What renown's background worker runs: every kind of job, and the queue bound to them.

:mod:`renown.jobs` knows no kind of job; the packages that own the work write it
(:mod:`renown.scoring.job`, :mod:`renown.scoring.imports`, :mod:`renown.recognition.job`,
:mod:`renown.validation.jobs`),
and this module, the one place that knows them all, hands them to the runner. The web app,
the command line (``renown worker``, ``renown serve``) and the demo take their queue here.

A new kind of job is one line in :func:`_kinds`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext, JobKinds, run_job
from renown.jobs.tasks import Periodic, build_queue
from renown.settings import Settings

__all__ = ["JobContext", "execute_job", "make_queue"]


def _kinds() -> JobKinds:
    # Imported when a job first runs: scoring pulls in the whole compute stack, which the
    # web app should not pay for until then.
    from renown.external.job import EXTERNAL_REFRESH, run_external_refresh
    from renown.radar.job import RADAR, run_radar
    from renown.recognition.job import RECOGNITION, run_recognition
    from renown.scoring.actions import SCORING
    from renown.scoring.imports import INGEST, run_ingest
    from renown.scoring.job import run_scoring
    from renown.validation.jobs import TUNING, VALIDATION, run_tuning, run_validation

    return {
        SCORING: run_scoring,
        INGEST: run_ingest,
        RECOGNITION: run_recognition,
        VALIDATION: run_validation,
        TUNING: run_tuning,
        RADAR: run_radar,
        EXTERNAL_REFRESH: run_external_refresh,
    }


def execute_job(settings: Settings, sessions: sessionmaker[Session], job_id: int) -> None:
    """Run job ``job_id`` to ``done`` or ``failed``, whatever its kind."""
    run_job(settings, sessions, job_id, _kinds())


def make_queue(settings: Settings, *, sessions: sessionmaker[Session] | None = None) -> JobQueue:
    """The job queue of this installation, running every kind of job (see
    :func:`renown.jobs.tasks.build_queue`)."""
    return build_queue(settings, _kinds, sessions=sessions, periodic=_periodic())


def _periodic() -> list[Periodic]:
    from renown.challenges.job import TICK_EVERY_MINUTES, tick_challenges

    return [Periodic("renown.challenges.tick", TICK_EVERY_MINUTES, tick_challenges)]
