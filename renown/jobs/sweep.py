"""The job sweeper: what a worker tidies when it starts, and then every few minutes.

Two things can be left behind by a process that stopped mid-way:

* a job still ``running`` with nobody running it (:mod:`renown.jobs.recovery` fails it);
* an uploaded file on disk. An ingest job deletes its upload as soon as it has read it, so
  an upload outlives its job only when a process died at the wrong moment: the web process
  between keeping the file and committing its job, or a worker between claiming the job and
  reading the file. Uploads hold personal data, so they must not stay for ever.

An upload is removed when it is older than ``settings.stale_upload_hours`` and its job is
finished or does not exist (files that name no job, such as the staging copies of an upload
being checked, count as having none). The age matters: an upload is written before the
transaction creating its job commits, so a young file without a job may be about to get one.
A job still queued or running keeps its file whatever its age.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.jobs.recovery import recover_stalled_jobs
from renown.jobs.runner import FINISHED
from renown.settings import Settings
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation

logger = logging.getLogger(__name__)

SWEEP_EVERY_MINUTES: Final = 15
"""How often a running worker sweeps (it also sweeps when it starts)."""
_UPLOAD_NAME: Final = re.compile(r"(?P<job>\d+)-.")
"""Uploads are kept as ``<org slug>/<job id>-<name>``
(see :func:`renown.scoring.imports.enqueue_ingest`)."""
_LOOKUP_BATCH: Final = 500
"""Job ids per query (well under SQLite's bound-parameter limit)."""


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: jobs failed as abandoned, upload files removed."""

    failed_jobs: list[int]
    removed_uploads: list[Path]


def sweep(
    settings: Settings, sessions: sessionmaker[Session], *, now: datetime | None = None
) -> SweepResult:
    """Fail abandoned jobs, then remove the stale uploads (a failed job's included)."""
    instant = now or datetime.now(UTC)
    failed = recover_stalled_jobs(sessions, now=instant)
    removed = sweep_stale_uploads(settings, sessions, now=instant)
    return SweepResult(failed_jobs=failed, removed_uploads=removed)


def sweep_stale_uploads(
    settings: Settings, sessions: sessionmaker[Session], *, now: datetime | None = None
) -> list[Path]:
    """Delete uploads older than ``settings.stale_upload_hours`` whose job is finished or
    missing; return the paths deleted."""
    folder = settings.uploads_dir
    if not folder.is_dir():
        return []
    instant = now or datetime.now(UTC)
    cutoff = (instant - timedelta(hours=settings.stale_upload_hours)).timestamp()
    old = [path for path in _files(folder) if _modified(path) < cutoff]
    if not old:
        return []
    live = _unfinished_uploads(sessions, [_job_of(folder, path) for path in old])
    removed: list[Path] = []
    for path in old:
        if _job_of(folder, path) in live:
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    if removed:
        logger.warning("removed %d stale upload(s) under %s", len(removed), folder)
    return removed


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile (its job read it): not stale
        return float("inf")


def _job_of(folder: Path, path: Path) -> tuple[str, int] | None:
    """``(org slug, job id)`` an upload belongs to, or ``None`` for a file naming no job."""
    parts = path.relative_to(folder).parts
    if len(parts) != 2:
        return None
    found = _UPLOAD_NAME.match(parts[1])
    return (parts[0], int(found["job"])) if found else None


def _unfinished_uploads(
    sessions: sessionmaker[Session], owners: list[tuple[str, int] | None]
) -> set[tuple[str, int]]:
    """The ``(org slug, job id)`` pairs among ``owners`` whose job is queued or running."""
    ids = sorted({owner[1] for owner in owners if owner is not None})
    found: set[tuple[str, int]] = set()
    with sessions() as session:
        for start in range(0, len(ids), _LOOKUP_BATCH):
            rows = session.execute(
                sa.select(Organisation.slug, Job.id)
                .join(Organisation, Organisation.id == Job.org_id)
                .where(
                    Job.id.in_(ids[start : start + _LOOKUP_BATCH]),
                    Job.status.not_in(sorted(FINISHED)),
                )
            ).all()
            found.update((str(slug), int(job_id)) for slug, job_id in rows)
    return found
