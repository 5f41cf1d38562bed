"""The queue: huey's SQL storage on renown's own database, and hand-over on commit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import peewee
import pytest

from renown.core.errors import Invalid
from renown.demo.org import SyntheticOrg
from renown.jobs import JobQueue
from renown.jobs.storage import TABLE_PREFIX, peewee_database
from renown.scoring.actions import enqueue_scoring
from renown.scoring.imports import enqueue_ingest
from renown.store.engine import transaction
from renown.worker import make_queue
from tests.jobs.conftest import Installation
from tests.jobs.helpers import job


def test_store_urls_map_to_peewee_databases(tmp_path: Path) -> None:
    sqlite = peewee_database(f"sqlite:///{tmp_path / 'renown.db'}")
    assert isinstance(sqlite, peewee.SqliteDatabase)
    assert sqlite.database == str(tmp_path / "renown.db")

    postgres = peewee_database(
        "postgresql+psycopg2://ann:secret@db.internal:5433/renown?options=-csearch_path%3Dtenant"
    )
    assert isinstance(postgres, peewee.PostgresqlDatabase)
    assert postgres.database == "renown"
    assert postgres.connect_params == {
        "user": "ann",
        "password": "secret",
        "host": "db.internal",
        "port": 5433,
        "options": "-csearch_path=tenant",
    }
    with pytest.raises(Invalid, match="SQLite or PostgreSQL"):
        peewee_database("mysql://db.internal/renown")


def _recording(installation: Installation) -> tuple[JobQueue, list[int]]:
    submitted: list[int] = []
    return replace(installation.queue, run_task=submitted.append), submitted


def test_a_job_is_handed_over_only_when_its_transaction_commits(
    installation: Installation,
) -> None:
    queue, submitted = _recording(installation)
    with installation.sessions() as session:
        created = enqueue_scoring(session, installation.hr, queue)
        assert submitted == []
        session.commit()
        assert submitted == [created.id]
        session.commit()
        assert submitted == [created.id], "handed over once"


def test_a_rolled_back_job_is_never_handed_over(installation: Installation) -> None:
    queue, submitted = _recording(installation)
    with installation.sessions() as session:
        enqueue_scoring(session, installation.hr, queue)
        session.rollback()
        kept = enqueue_scoring(session, installation.hr, queue)
        session.commit()
    assert submitted == [kept.id]


def test_jobs_wait_in_the_database_until_a_worker_takes_them(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    settings = installation.settings.model_copy(update={"jobs_immediate": False})
    queue = make_queue(settings, sessions=installation.sessions)
    storage = queue.huey.storage
    try:
        storage.flush_queue()
        assert storage.Task._meta.table_name == f"{TABLE_PREFIX}task"
        source = tmp_path / "events.parquet"
        synthetic.events.write_parquet(source)
        with transaction(installation.sessions) as session:
            job_id = enqueue_ingest(session, installation.hr, queue, source).id
        assert job(installation.sessions, job_id).status == "queued"
        assert storage.queue_size() == 1

        task = queue.huey.dequeue()  # what a worker does, minus the threads
        queue.huey.execute(task)
        done = job(installation.sessions, job_id)
        assert done.status == "done", done.error
        assert done.result["added"] == synthetic.events.height
        assert storage.queue_size() == 0
    finally:
        storage.drop_tables()  # the store's migration checks expect only renown's own tables
        storage.close()
