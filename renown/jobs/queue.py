"""The job queue: huey on renown's own database, and how work gets onto it.

Why huey on the same database: an HR team running renown should not have to operate a
message broker. Huey's SQL storage keeps the queue in four small tables (prefixed
``huey_`` so they are not mistaken for renown's own) next to renown's tables, in the same
SQLite file or PostgreSQL database; ``renown worker`` (or the thread ``renown serve``
starts) takes work from there.

The queue carries only a job id. Everything a person sees about a job (who started it,
its parameters, progress, result or error) lives in the ``jobs`` table, which the web app
reads; huey's own tables are an implementation detail.

A job is handed to huey only after the transaction that created its row commits: a worker
must be able to read the row, and in immediate mode (tests, demo seeding) the job runs
inside that hand-over and needs the row - and SQLite's write lock - to be free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.settings import Settings

_PENDING = "renown.jobs.pending"
_HOOKED = "renown.jobs.hooked"


@dataclass(frozen=True)
class JobQueue:
    """Huey bound to one renown installation, with the job runner registered on it."""

    settings: Settings
    huey: Any
    """The :class:`huey.Huey` instance (what a consumer runs)."""
    sessions: sessionmaker[Session]
    """Where running jobs open their own sessions."""
    run_task: Callable[[int], object]

    @property
    def immediate(self) -> bool:
        """Jobs run inside :meth:`submit` instead of in a worker."""
        return bool(self.huey.immediate)

    def submit(self, job_id: int) -> None:
        """Hand a committed job to huey (runs it now in immediate mode)."""
        self.run_task(job_id)

    def submit_after_commit(self, session: Session, job_id: int) -> None:
        """Hand the job over once ``session`` commits; forget it if it rolls back."""
        pending: list[tuple[JobQueue, int]] = session.info.setdefault(_PENDING, [])
        pending.append((self, job_id))
        if not session.info.get(_HOOKED):
            sa.event.listen(session, "after_commit", _submit_pending)
            sa.event.listen(session, "after_rollback", _drop_pending)
            session.info[_HOOKED] = True


def _submit_pending(session: Session) -> None:
    pending: list[tuple[JobQueue, int]] = session.info.pop(_PENDING, [])
    for queue, job_id in pending:
        queue.submit(job_id)


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
