"""The ingest job: add an uploaded file or a source on the server to the event lake.

:func:`enqueue_ingest` queues it (after the upload or the source was read in full by
:mod:`renown.scoring.actions`); :func:`run_ingest` is its work, run by the worker.

The lake drops events it already holds (by key), so uploading the same file (or ingesting
the same source) twice adds nothing, and it commits an append atomically, so a source that
fails to read leaves the lake exactly as it was.

An uploaded file is deleted as soon as the job has read it, whether the read succeeded or
not: its events are then in memory (and soon in the lake), and a failed job is never run
again, so the copy on disk would only be personal data lying around. Sources on the server
belong to the operator and are never deleted.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import InputError
from renown.core.private import private_dir, restrict_file
from renown.ingest.events import read_events
from renown.ingest.lake import LAKE_LOCK_TIMEOUT_SECONDS, EventLake
from renown.jobs.enqueue import enqueue_job
from renown.jobs.queue import JobQueue
from renown.jobs.runner import JobContext
from renown.scoring.queries import org_slug_of
from renown.store.engine import transaction
from renown.store.tables.jobs import Job

INGEST: Final = "ingest"


def enqueue_ingest(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    path: Path,
    *,
    name: str | None = None,
    keep_as_upload: bool = False,
    listed: Mapping[str, Any] | None = None,
) -> Job:
    """An ingest job for the events file at ``path`` (runs after the caller commits).

    With ``keep_as_upload`` the file is moved to ``uploads_dir/<org>/<job id>-<name>``
    (private: 0600 in 0700 folders), where the worker finds it (and people can tell uploads
    apart) and deletes it once read; otherwise the job reads ``path`` where it is (a source
    on the server, named by an administrator, never deleted). ``listed`` adds what the
    check found to the job's params (the unmatched identifiers HR is shown).
    """
    shown = name or path.name
    described = {"file": shown, **(listed or {})}
    job = enqueue_job(session, principal, queue, INGEST, described, submit=False)
    if keep_as_upload:
        relative = Path(org_slug_of(session, principal)) / f"{job.id}-{shown}"
        target = queue.settings.uploads_dir / relative
        private_dir(target.parent)
        shutil.move(path, target)
        restrict_file(target)
        job.params = {**described, "upload": relative.as_posix()}
    else:
        job.params = {**described, "path": str(path.resolve())}
    session.flush()
    queue.submit_after_commit(session, job.id)
    return job


def stored_upload(context: JobContext) -> Path:
    """Where the job's input is: an upload under ``uploads_dir``, or a path on the server
    (a listed source, or a file the command line or the demo named)."""
    if "upload" in context.params:
        return context.settings.uploads_dir / str(context.params["upload"])
    return Path(str(context.params["path"]))


def run_ingest(context: JobContext) -> dict[str, Any]:
    """Read the job's file and append its events to the organisation's lake."""
    name = str(context.params["file"])
    path = stored_upload(context)
    uploaded = "upload" in context.params
    if not path.exists():
        if uploaded:
            raise InputError(name, "the uploaded file is no longer on the server; upload it again")
        raise InputError(name, "the source is no longer on the server")
    context.report(f"reading {name}", 0.1)
    # An upload is a single file; a server path may be a whole folder (a Slack export, a
    # Maildir, a Stack Exchange dump): either way its format is detected.
    try:
        frame = read_events(path, name)
    finally:
        if uploaded:
            path.unlink(missing_ok=True)
    context.report(f"adding {frame.height:,} events from {name} to the lake", 0.6)
    lake = EventLake(
        context.settings.org_lake_dir(context.org_slug), lock_timeout=LAKE_LOCK_TIMEOUT_SECONDS
    )
    appended = lake.append(frame)
    result: dict[str, Any] = {
        "file": name,
        "events": frame.height,
        "added": appended.added,
        "duplicates": appended.duplicates,
        "months": appended.months,
    }
    with transaction(context.sessions) as session:
        audit.append_by(
            session, context, "events.ingest", subject=f"org:{context.org_id}", payload=result
        )
    return result
