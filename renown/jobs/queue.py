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

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
import sqlalchemy as sa
from huey import Huey, crontab
from huey.contrib.sql_huey import SqlStorage
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import Invalid
from renown.jobs.runner import execute_job
from renown.jobs.sweep import SWEEP_EVERY_MINUTES, sweep
from renown.settings import Settings
from renown.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    make_engine,
    normalise_url,
    prepare_sqlite_file,
    session_factory,
)

QUEUE_NAME = "renown"
RUN_JOB_TASK = "renown.run_job"
SWEEP_TASK = "renown.sweep"
TABLE_PREFIX = "huey_"
_PENDING = "renown.jobs.pending"
_HOOKED = "renown.jobs.hooked"

logger = logging.getLogger(__name__)


def peewee_database(url: str) -> peewee.Database:
    """The peewee database (what huey's SQL storage speaks) for renown's store URL.

    renown's URL may name a SQLAlchemy driver (``postgresql+psycopg2://``) and carry
    connection options in its query (``?options=-csearch_path=...``); both are mapped to
    peewee's arguments so the queue lives exactly where the store does.
    """
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ":memory:"
        if database != ":memory:":
            prepare_sqlite_file(Path(database))  # huey may be the first to open it
        return peewee.SqliteDatabase(
            database,
            pragmas={
                "journal_mode": "wal",
                "synchronous": "full",
                "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
            },
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
    if backend == "postgresql":
        options: dict[str, Any] = {k: v for k, v in parsed.query.items() if isinstance(v, str)}
        return peewee.PostgresqlDatabase(
            parsed.database,
            user=parsed.username,
            password=parsed.password,
            host=parsed.host,
            port=parsed.port,
            **options,
        )
    raise Invalid(f"background jobs need SQLite or PostgreSQL, not {backend}")


def _prefixed_storage(name: str, **kwargs: Any) -> Any:
    """Huey's SQL storage with its tables renamed ``huey_*`` and created if missing."""
    storage = SqlStorage(name, create_tables=False, **kwargs)
    for model in (storage.KV, storage.Schedule, storage.Task, storage.Counter):
        meta = model._meta
        meta.set_table_name(TABLE_PREFIX + meta.table_name)
        # Indexes added after the model was defined still name the old table: rebuild them.
        meta.indexes = [_renamed_index(model, index) for index in meta.indexes]
    storage.create_tables()
    return storage


def _renamed_index(model: Any, index: Any) -> Any:
    """``index`` again, on the model's current table (peewee binds it at creation)."""
    if not isinstance(index, peewee.ModelIndex):
        return index
    spec: Any = index
    return peewee.ModelIndex(model, spec._expressions, unique=spec._unique, safe=True)


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


def make_queue(settings: Settings, *, sessions: sessionmaker[Session] | None = None) -> JobQueue:
    """Huey on ``settings.database`` with renown's job runner registered.

    In immediate mode (``settings.jobs_immediate``) huey keeps its queue in memory and runs
    each job when it is submitted; otherwise jobs wait in the ``huey_*`` tables for a worker.
    ``sessions`` lets the web app share its connection pool with the jobs it starts.
    """
    factory = sessions if sessions is not None else session_factory(make_engine(settings.database))
    huey = Huey(
        QUEUE_NAME,
        results=False,
        immediate=settings.jobs_immediate,
        storage_class=_prefixed_storage,
        database=peewee_database(settings.database),
    )

    def run_job(job_id: int) -> None:
        execute_job(settings, factory, job_id)

    def sweep_now() -> None:
        sweep(settings, factory)

    task = huey.task(name=RUN_JOB_TASK)(run_job)
    # Run by every worker's scheduler (consumers started with ``periodic=True``); sweeping
    # twice at once is harmless, as both only fail or delete what is already abandoned.
    huey.periodic_task(crontab(minute=f"*/{SWEEP_EVERY_MINUTES}"), name=SWEEP_TASK)(sweep_now)
    return JobQueue(settings=settings, huey=huey, sessions=factory, run_task=task)


def make_huey(settings: Settings) -> Any:
    """The :class:`huey.Huey` of this installation, tasks registered (what a worker runs)."""
    return make_queue(settings).huey
