"""Starting background work on behalf of a person: scoring runs, event uploads and the
recognition pass.

Only HR and administrators start work for their organisation. An upload is read in full
before anything is kept, so a broken or wrong file is refused at once, with its line and
field, and neither the lake nor the jobs table changes; the job then only has to append
what is already known to be readable.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid
from renown.core.private import private_dir, write_private
from renown.jobs.enqueue import enqueue_ingest, enqueue_recognition, enqueue_scoring
from renown.jobs.files import check_event_suffix, read_event_file, upload_name
from renown.jobs.queue import JobQueue
from renown.store.tables.jobs import Job
from renown.store.tables.org import Organisation

MAX_HALF_LIFE_DAYS = 3650.0


PEOPLE_ADMINS_ONLY = "only HR and administrators start background jobs"
"""HR and administrators only (background jobs act on the whole organisation)."""


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
        session, principal, queue, half_life_days=half_life_days, as_of=_utc(as_of)
    )


def check_start_recognition(
    session: Session, principal: Principal, queue: JobQueue, *, as_of: datetime | None = None
) -> Job:
    """Queue a recognition pass: kudos rings for HR review, the lake export, badges and
    pending notifications (``as_of``: the instant it acts at; default when it runs)."""
    principal.require_people_admin(PEOPLE_ADMINS_ONLY)
    return enqueue_recognition(session, principal, queue, as_of=_utc(as_of))


def _utc(as_of: datetime | None) -> datetime | None:
    """``as_of`` in UTC (naive means UTC); refused when it cannot be represented."""
    if as_of is None:
        return None
    try:
        return as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    except OverflowError:
        raise Invalid("as_of is outside the range of dates renown can work with") from None


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
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == principal.org_id))
    folder = private_dir(queue.settings.uploads_dir / str(slug))
    staged = write_private(folder / f".incoming-{uuid.uuid4().hex}-{name}", data)
    try:
        events = read_event_file(staged, name)
        if events.height == 0:
            raise InputError(name, "the file holds no events")
        return enqueue_ingest(session, principal, queue, staged, name=name, keep_as_upload=True)
    finally:
        staged.unlink(missing_ok=True)
