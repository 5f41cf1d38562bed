"""Putting work on the queue: a ``jobs`` row now, the huey task when the caller commits.

These functions do not authorise (see :mod:`renown.jobs.actions`); they are what the
actions, the demo seeding and the command line share. Like every ``do_*`` they write in
the caller's transaction, so a job whose creation is rolled back is never run.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.private import private_dir, restrict_file
from renown.jobs.queue import JobQueue
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation

SCORING, INGEST, RECOGNITION = "scoring", "ingest", "recognition"


def enqueue_scoring(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    *,
    half_life_days: float | None = None,
    as_of: datetime | None = None,
) -> Job:
    """A scoring job for the principal's organisation (runs after the caller commits)."""
    params: dict[str, Any] = {
        "half_life_days": half_life_days,
        "as_of": as_of.astimezone(UTC).isoformat() if as_of else None,
    }
    return _new_job(session, principal, queue, SCORING, params)


def enqueue_recognition(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    *,
    as_of: datetime | None = None,
) -> Job:
    """A recognition pass (rings, export, badges, notifications) for the principal's
    organisation, acting at ``as_of`` (default: when it runs)."""
    params: dict[str, Any] = {"as_of": as_of.astimezone(UTC).isoformat() if as_of else None}
    return _new_job(session, principal, queue, RECOGNITION, params)


def enqueue_ingest(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    path: Path,
    *,
    name: str | None = None,
    keep_as_upload: bool = False,
) -> Job:
    """An ingest job for the events file at ``path`` (runs after the caller commits).

    With ``keep_as_upload`` the file is moved to ``uploads_dir/<org>/<job id>-<name>``
    (private: 0600 in 0700 folders), where the worker finds it (and people can tell uploads
    apart) and deletes it once read; otherwise the job reads ``path`` where it is (a source
    on the server, named by an administrator, never deleted).
    """
    shown = name or path.name
    job = _new_job(session, principal, queue, INGEST, {"file": shown}, submit=False)
    if keep_as_upload:
        slug = session.scalar(
            sa.select(Organisation.slug).where(Organisation.id == principal.org_id)
        )
        relative = Path(str(slug)) / f"{job.id}-{shown}"
        target = queue.settings.uploads_dir / relative
        private_dir(target.parent)
        shutil.move(path, target)
        restrict_file(target)
        job.params = {"file": shown, "upload": relative.as_posix()}
    else:
        job.params = {"file": shown, "path": str(path.resolve())}
    session.flush()
    queue.submit_after_commit(session, job.id)
    return job


def _new_job(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    kind: str,
    params: dict[str, Any],
    *,
    submit: bool = True,
) -> Job:
    job = Job(
        org_id=principal.org_id,
        kind=kind,
        status="queued",
        progress=0.0,
        stage="waiting for a worker",
        params=params,
        result={},
        created_by=principal.account_id,
    )
    session.add(job)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="job.enqueue",
        subject=f"job:{job.id}",
        payload={"kind": kind, "params": params},
        org_id=principal.org_id,
    )
    if submit:
        queue.submit_after_commit(session, job.id)
    return job
