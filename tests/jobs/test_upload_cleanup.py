"""Uploads are private while they wait, deleted once their job has read them, and swept
when a crashed process left them behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from renown.demo.org import SyntheticOrg
from renown.jobs import JobQueue
from renown.jobs.sweep import sweep, sweep_stale_uploads
from renown.jobs.tasks import SWEEP_TASK
from renown.scoring import actions
from renown.scoring.imports import enqueue_ingest
from renown.settings import Settings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job
from renown.worker import execute_job, make_queue
from tests.helpers import modes_under
from tests.jobs.conftest import Installation
from tests.jobs.helpers import BROKEN_CSV, events_csv, files_under, job

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def waiting_queue(installation: Installation) -> Iterator[JobQueue]:
    """A queue whose jobs wait in the database for a worker (the production set-up)."""
    settings = installation.settings.model_copy(update={"jobs_immediate": False})
    queue = make_queue(settings, sessions=installation.sessions)
    try:
        yield queue
    finally:
        queue.huey.storage.drop_tables()  # the migration checks expect only renown's tables
        queue.huey.storage.close()


def _upload(installation: Installation, queue: JobQueue, data: bytes, name: str) -> int:
    with transaction(installation.sessions) as session:
        return actions.check_upload_events(session, installation.hr, queue, data, name).id


@pytest.mark.usefixtures("any_umask")
def test_a_waiting_upload_is_private_and_deleted_once_its_job_has_read_it(
    installation: Installation, waiting_queue: JobQueue, synthetic: SyntheticOrg
) -> None:
    job_id = _upload(installation, waiting_queue, events_csv(synthetic.events.head(50)), "w.csv")
    home = installation.settings.home
    assert modes_under(home / "uploads") == {
        ".": 0o700,
        "acme": 0o700,
        f"acme/{job_id}-w.csv": 0o600,
    }
    assert (home.stat().st_mode & 0o777) == 0o700

    execute_job(installation.settings, installation.sessions, job_id)
    assert job(installation.sessions, job_id).status == "done"
    assert files_under(home / "uploads") == []
    assert modes_under(installation.lake_dir)["."] == 0o700


def test_an_upload_whose_job_fails_to_read_it_is_deleted_too(
    installation: Installation, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(BROKEN_CSV)
    with transaction(installation.sessions) as session:
        job_id = enqueue_ingest(
            session, installation.hr, installation.queue, broken, keep_as_upload=True
        ).id
    failed = job(installation.sessions, job_id)
    assert failed.status == "failed"
    assert failed.result["error"]["line"] == 3
    assert files_under(installation.settings.uploads_dir) == []


def test_a_source_on_the_server_is_never_deleted(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    source = tmp_path / "events.csv"
    source.write_bytes(events_csv(synthetic.events.head(20)))
    with transaction(installation.sessions) as session:
        job_id = enqueue_ingest(session, installation.hr, installation.queue, source).id
    assert job(installation.sessions, job_id).status == "done"
    assert source.exists()


def _job(installation: Installation, status: str) -> int:
    with transaction(installation.sessions) as session:
        row = Job(
            org_id=installation.org_id,
            kind="ingest",
            status=status,
            heartbeat_at=NOW if status == "running" else None,
            params={},
            result={},
        )
        session.add(row)
        session.flush()
        return row.id


def _file(settings: Settings, relative: str, *, age: timedelta) -> Path:
    path = settings.uploads_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"actor,target,timestamp\n")
    stamp = (NOW - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_stale_uploads_of_finished_or_missing_jobs_are_swept(installation: Installation) -> None:
    settings = installation.settings
    day, hour = timedelta(days=1, minutes=1), timedelta(hours=1)
    done, failed = _job(installation, "done"), _job(installation, "failed")
    queued, running = _job(installation, "queued"), _job(installation, "running")
    stale = [
        _file(settings, f"acme/{done}-a.csv", age=day),
        _file(settings, f"acme/{failed}-b.csv", age=day),
        _file(settings, "acme/999999-gone.csv", age=day),  # its job no longer exists
        _file(settings, f"other/{queued}-c.csv", age=day),  # names a job of another org
        _file(settings, "acme/.incoming-0f0f-d.csv", age=day),  # a crashed check's copy
        _file(settings, "stray.csv", age=day),
    ]
    kept = [
        _file(settings, f"acme/{queued}-e.csv", age=day * 30),  # still waiting for a worker
        _file(settings, f"acme/{running}-f.csv", age=day),
        _file(settings, f"acme/{done}-g.csv", age=hour),  # young: its job may be committing
        _file(settings, "acme/.incoming-1e1e-h.csv", age=hour),
    ]
    removed = sweep_stale_uploads(settings, installation.sessions, now=NOW)
    assert sorted(removed) == sorted(stale)
    assert files_under(settings.uploads_dir) == sorted(kept)
    assert sweep_stale_uploads(settings, installation.sessions, now=NOW) == []

    shorter = settings.model_copy(update={"stale_upload_hours": 0.5})
    assert sorted(sweep_stale_uploads(shorter, installation.sessions, now=NOW)) == sorted(
        [kept[2], kept[3]]
    )


def test_the_sweep_fails_abandoned_jobs_before_removing_their_uploads(
    installation: Installation,
) -> None:
    abandoned = _job(installation, "running")
    upload = _file(installation.settings, f"acme/{abandoned}-a.csv", age=timedelta(days=2))
    result = sweep(installation.settings, installation.sessions, now=NOW + timedelta(hours=1))
    assert result.failed_jobs == [abandoned]
    assert result.removed_uploads == [upload]
    assert job(installation.sessions, abandoned).status == "failed"


def test_workers_sweep_every_quarter_of_an_hour(
    installation: Installation, waiting_queue: JobQueue
) -> None:
    upload = _file(installation.settings, "acme/.incoming-2d2d-a.csv", age=timedelta(days=2))
    due = waiting_queue.huey.read_periodic(datetime(2026, 11, 26, 12, 15))
    # The sweep every quarter of an hour, beside the challenges' tick every minute.
    assert sorted(task.name for task in due) == sorted([SWEEP_TASK, "renown.challenges.tick"])
    later = waiting_queue.huey.read_periodic(datetime(2026, 11, 26, 12, 16))
    assert [task.name for task in later] == ["renown.challenges.tick"]
    waiting_queue.huey.execute(next(task for task in due if task.name == SWEEP_TASK))
    assert not upload.exists()


def test_the_age_of_a_stale_upload_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0 hours"):
        Settings(stale_upload_hours=0)
