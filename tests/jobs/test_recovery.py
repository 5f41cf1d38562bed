"""Jobs a stopped worker left ``running`` are failed with a message; live ones are not."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.jobs import runner
from renown.jobs.recovery import STALE_AFTER, recover_stalled_jobs
from renown.org.actions import do_create_org
from renown.settings import Settings
from renown.store.engine import transaction
from renown.store.tables.jobs import Job

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
