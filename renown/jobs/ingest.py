"""The ingest job: add an uploaded file or a source on the server to the event lake.

The lake drops events it already holds (by key), so uploading the same file (or ingesting
the same source) twice adds nothing, and it commits an append atomically, so a source that
fails to read leaves the lake exactly as it was.

An uploaded file is deleted as soon as the job has read it, whether the read succeeded or
not: its events are then in memory (and soon in the lake), and a failed job is never run
again, so the copy on disk would only be personal data lying around. Sources on the server
belong to the operator and are never deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renown import audit
from renown.core.errors import InputError
from renown.ingest.lake import EventLake
from renown.jobs.files import read_event_file
from renown.jobs.runner import JobContext
from renown.jobs.sources import read_server_source
from renown.store.engine import transaction

LAKE_LOCK_TIMEOUT_SECONDS = 120.0
"""How long an ingest waits for another append to the same lake to finish."""


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
    # Uploads are single files named by their suffix; a server path may be a whole folder
    # (a Slack export, a Maildir, a Stack Exchange dump), so its format is detected.
    try:
        frame = read_event_file(path, name) if uploaded else read_server_source(path, name)
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
        audit.append(
            session,
            actor=context.actor,
            action="events.ingest",
            subject=f"org:{context.org_id}",
            payload=result,
            org_id=context.org_id,
        )
    return result
