"""Starting scoring runs and event imports on behalf of a person.

Only HR and administrators start work for their organisation. An upload (or a source on
the server) is read in full before anything is kept, so a broken or wrong file is refused
at once, with its line and field, and neither the lake nor the jobs table changes; the job
then only has to append what is already known to be readable. The check also lists the
identifiers that name nobody the organisation knows (:mod:`renown.scoring.matching`), so
HR can map, ignore or add them before scoring.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid
from renown.core.private import private_dir, write_private
from renown.ingest.events import read_events
from renown.ingest.sources import pick_source
from renown.ingest.uploads import check_event_suffix, upload_name
from renown.jobs.access import PEOPLE_ADMINS_ONLY
from renown.jobs.enqueue import enqueue_job, utc_as_of
from renown.jobs.queue import JobQueue
from renown.scoring.imports import enqueue_ingest
from renown.scoring.matching import unmatched_in
from renown.scoring.queries import org_slug_of
from renown.store.tables.jobs import Job

SCORING: Final = "scoring"
MAX_HALF_LIFE_DAYS = 3650.0


def check_start_scoring(
    session: Session,
    principal: Principal,
    queue: JobQueue,
    *,
    half_life_days: float | None = None,
    as_of: datetime | None = None,
) -> Job:
    """Queue a scoring run of the organisation's event lake."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    if half_life_days is not None and not (
        math.isfinite(half_life_days) and 0 < half_life_days <= MAX_HALF_LIFE_DAYS
    ):
        raise Invalid(f"half_life_days must be above 0 and at most {MAX_HALF_LIFE_DAYS:g}")
    return enqueue_scoring(
        session, principal, queue, half_life_days=half_life_days, as_of=utc_as_of(as_of)
    )


def check_upload_events(
    session: Session, principal: Principal, queue: JobQueue, data: bytes, filename: str
) -> Job:
    """Check an uploaded events file completely, keep it, and queue its ingest."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    name = upload_name(filename)
    check_event_suffix(name)
    if not data:
        raise InputError(name, "the file is empty")
    limit = queue.settings.max_upload_bytes
    if len(data) > limit:
        raise InputError(name, f"the file is larger than {limit:,} bytes")
    folder = private_dir(queue.settings.uploads_dir / org_slug_of(session, principal))
    staged = write_private(folder / f".incoming-{uuid.uuid4().hex}-{name}", data)
    try:
        events = read_events(staged, name)
        if events.height == 0:
            raise InputError(name, "the file holds no events")
        listed = unmatched_in(session, principal.org_id, events)
        return enqueue_ingest(
            session, principal, queue, staged, name=name, keep_as_upload=True, listed=listed
        )
    finally:
        staged.unlink(missing_ok=True)


def check_ingest_source(session: Session, principal: Principal, queue: JobQueue, name: str) -> Job:
    """Check the listed source ``name`` completely and queue adding it to the lake.

    Raises
    ------
    NotAllowed
        The principal is not HR or an administrator.
    Invalid
        ``name`` is not a plain entry name (a path, a parent reference, a hidden name).
    NotFound
        No such entry is listed for the principal's organisation.
    InputError
        The source cannot be read or holds no events (nothing is queued).
    """
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    target = pick_source(queue.settings, org_slug_of(session, principal), name)
    events = read_events(target, name)
    if events.height == 0:
        raise InputError(name, "the source holds no events")
    listed = unmatched_in(session, principal.org_id, events)
    return enqueue_ingest(session, principal, queue, target, name=name, listed=listed)


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
    return enqueue_job(session, principal, queue, SCORING, params)
