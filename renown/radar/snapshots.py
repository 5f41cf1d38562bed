"""Profile snapshots: what a profile said at one instant, from the files members share.

A snapshot names its subject (an employee id of the organisation, or an external handle
such as ``linkedin:jane-doe``), when it was captured, and the fields recruiters read.
``None`` means *not in this snapshot* (unknown), never *empty*: a field that was not
captured is not a change. Readers (JSONL, CSV, a LinkedIn data-export folder or zip) name
file, line and field on bad input and return every snapshot or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ProfileSnapshot:
    """One profile as captured at ``captured_at`` (timezone-aware, UTC)."""

    subject: str
    """Employee id, e-mail or external handle (``network:handle``) the profile belongs to."""
    captured_at: datetime
    headline: str | None = None
    title: str | None = None
    company: str | None = None
    location: str | None = None
    skills: tuple[str, ...] | None = None
    """Skills as listed (order kept, duplicates removed); ``None`` when not captured."""
    summary: str | None = None
    photo: str | None = None
    """A fingerprint of the photo (URL or hash): only whether it changed matters."""
    connections: int | None = None
    """Connection or follower count."""
    open_to_work: bool | None = None
    title_since: datetime | None = None
    """When the current position started, when the source says (LinkedIn's Positions)."""
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Any other fields, as sorted (name, value) pairs."""
    source: str = ""
    """File (and line) the snapshot came from, for messages and provenance."""
