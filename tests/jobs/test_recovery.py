"""Jobs a stopped worker left ``running`` are failed with a message; live ones are not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown import worker as runner
from renown.cli.serve import _start_worker
from renown.demo.org import SyntheticOrg
from renown.jobs import JobQueue
from renown.jobs.recovery import STALE_AFTER, recover_stalled_jobs, stale_after
from renown.jobs.tasks import RUN_JOB_TASK
from renown.org.actions import do_create_org
from renown.scoring.imports import enqueue_ingest
from renown.settings import Settings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job
from renown.worker import make_queue
from tests.jobs.conftest import Installation

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _job(session: Session, org_id: int, status: str, heartbeat: datetime | None) -> int:
    job = Job(
        org_id=org_id,
        kind="scoring",
        status=status,
        started_at=NOW - timedelta(hours=1),
        heartbeat_at=heartbeat,
    )
    session.add(job)
    session.flush()
    return job.id


def test_only_running_jobs_with_a_stale_heartbeat_are_failed(db: sessionmaker[Session]) -> None:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme").id
        stale = _job(session, org, "running", NOW - STALE_AFTER - timedelta(seconds=1))
        never = _job(session, org, "running", None)
        alive = _job(session, org, "running", NOW - timedelta(seconds=30))
        queued = _job(session, org, "queued", None)
        done = _job(session, org, "done", NOW - timedelta(days=1))
    assert recover_stalled_jobs(db, now=NOW) == [stale, never]
    assert recover_stalled_jobs(db, now=NOW) == []  # nothing left to recover
    with db() as session:
        status = {int(i): str(s) for i, s in session.execute(sa.select(Job.id, Job.status))}
        assert status == {
            stale: "failed",
            never: "failed",
            alive: "running",
            queued: "queued",
            done: "done",
        }
        failed = session.get(Job, stale)
        assert failed is not None and "start it again" in (failed.error or "")
        assert failed.finished_at == NOW
        actions = [(e.action, e.subject) for e in audit.entries(session)]
        assert ("job.failed", f"job:{stale}") in actions
        assert audit.verify(session) == []


def test_a_running_job_in_a_worker_keeps_its_heartbeat_fresh(
    db: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work waits until the heartbeat thread has stamped the job twice."""
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme").id
        job = Job(org_id=org, kind="waiting", status="queued")
        session.add(job)
        session.flush()
        job_id = job.id
    beats: list[datetime] = []
    seen_twice = threading.Event()

    def waiting(context: runner.JobContext) -> dict[str, Any]:
        for _ in range(2000):
            with db() as session:
                found = session.get(Job, job_id)
                assert found is not None and found.heartbeat_at is not None
                if not beats or found.heartbeat_at != beats[-1]:
                    beats.append(found.heartbeat_at)
            if len(beats) >= 3:
                seen_twice.set()
                break
            threading.Event().wait(0.005)
        return {"beats": len(beats)}

    monkeypatch.setattr(runner, "_kinds", lambda: {"waiting": waiting})
    settings = Settings(
        home=tmp_path, database_url="sqlite://", jobs_immediate=False, job_heartbeat_seconds=0.01
    )
    runner.execute_job(settings, db, job_id)
    assert seen_twice.is_set()  # the claim's stamp, then two beats
    with db() as session:
        finished = session.get(Job, job_id)
        assert finished is not None and finished.status == "done"


# --- A worker that keeps running notices what a killed one left behind -----------------
# A supervisor restarts a killed worker at once, so the jobs it was running are still fresh
# when the new one starts; a worker killed between taking a job's message off the queue and
# claiming the job, or a web process killed between committing a job and handing it to
# huey, leaves the job queued with no message. Checking only when a worker starts left the
# first "running" and the others "queued" for ever.


@pytest.fixture
def worker_queue(installation: Installation) -> Iterator[JobQueue]:
    """A real (not immediate) queue on the test database with a 50 ms job heartbeat."""
    settings = installation.settings.model_copy(
        update={"jobs_immediate": False, "job_heartbeat_seconds": 0.05}
    )
    queue = make_queue(settings, sessions=installation.sessions)
    queue.huey.storage.flush_queue()
    try:
        yield queue
    finally:
        queue.huey.storage.drop_tables()  # migration checks expect only renown's tables
        queue.huey.storage.close()


def _status_until(
    sessions: sessionmaker[Session], job_id: int, wanted: set[str]
) -> tuple[str, str | None]:
    """The job's status and error once its status is one of ``wanted`` (fails after a
    minute: the worker never got to it)."""
    deadline = time.monotonic() + 60
    while True:
        with sessions() as session:
            found = session.get(Job, job_id)
            assert found is not None
            if found.status in wanted or time.monotonic() > deadline:
                return found.status, found.error
        time.sleep(0.02)


def test_a_running_worker_fails_a_job_whose_worker_died_after_it_started(
    installation: Installation, worker_queue: JobQueue
) -> None:
    with transaction(installation.sessions) as session:
        now = datetime.now(UTC)
        job = Job(
            org_id=installation.org_id,
            kind="scoring",
            status="running",
            started_at=now,
            heartbeat_at=now,  # a moment ago: its worker was killed and restarted at once
        )
        session.add(job)
        session.flush()
        job_id = job.id
    worker = _start_worker(worker_queue)
    try:
        status, error = _status_until(installation.sessions, job_id, {"failed"})
    finally:
        worker.stop(graceful=True)
    assert status == "failed"
    assert error is not None and "start it again" in error
    with installation.sessions() as session:
        actions = [(e.action, e.subject) for e in audit.entries(session)]
        assert ("job.failed", f"job:{job_id}") in actions
        assert audit.verify(session) == []


def test_a_running_worker_runs_a_queued_job_whose_message_was_lost(
    installation: Installation, worker_queue: JobQueue, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    source = tmp_path / "events.parquet"
    synthetic.events.write_parquet(source)
    never_handed_over = replace(worker_queue, run_task=lambda _job_id: None)
    with transaction(installation.sessions) as session:
        job = enqueue_ingest(session, installation.hr, never_handed_over, source)
        job.created_at = datetime.now(UTC) - timedelta(hours=1)
        job_id = job.id
    assert worker_queue.huey.storage.queue_size() == 0  # like a message lost in a crash
    worker = _start_worker(worker_queue)
    try:
        status, error = _status_until(installation.sessions, job_id, {"done", "failed"})
    finally:
        worker.stop(graceful=True)
    assert (status, error) == ("done", None)
    # Nothing runs the job again (the scheduler may have queued a periodic task meanwhile,
    # such as the challenges' tick at a minute's turn).
    assert [t.name for t in worker_queue.huey.pending() if t.name == RUN_JOB_TASK] == []


def test_the_heartbeat_setting_decides_when_a_job_is_stale(tmp_path: Path) -> None:
    assert stale_after(Settings(home=tmp_path)) == STALE_AFTER == timedelta(minutes=2)
    assert stale_after(Settings(home=tmp_path, job_heartbeat_seconds=0.5)) == timedelta(seconds=6)
    for wrong in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="positive number of seconds"):
            Settings(home=tmp_path, job_heartbeat_seconds=wrong)
