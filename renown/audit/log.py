"""Writing and verifying the hash-chained audit log.

Each entry's hash is SHA-256 over a canonical JSON of its content plus the previous
entry's hash. Appends take the chain's tail inside the caller's transaction, and the
unique ``seq`` column turns two concurrent appends into one success and one retryable
error instead of a forked chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.audit import AuditEntry

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""


@dataclass(frozen=True)
class AuditBreak:
    """Where the chain stops being trustworthy, and why."""

    seq: int
    reason: str


def _digest(
    *,
    seq: int,
    at: datetime,
    org_id: int | None,
    actor: str,
    action: str,
    subject: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "org": org_id,
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    org_id: int | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry at the end of the chain (in the caller's transaction)."""
    tail = session.execute(
        sa.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    when = at or datetime.now(UTC)
    clean = json.loads(json.dumps(payload or {}, sort_keys=True, default=str))
    entry = AuditEntry(
        seq=seq,
        at=when,
        org_id=org_id,
        actor=actor,
        action=action,
        subject=subject,
        payload=clean,
        prev_hash=prev_hash,
        hash=_digest(
            seq=seq,
            at=when,
            org_id=org_id,
            actor=actor,
            action=action,
            subject=subject,
            payload=clean,
            prev_hash=prev_hash,
        ),
    )
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, *, org_id: int | None = None) -> Iterator[AuditEntry]:
    """All entries in chain order (optionally only one organisation's)."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq)
    if org_id is not None:
        query = query.where(AuditEntry.org_id == org_id)
    yield from session.scalars(query)


def verify(session: Session) -> list[AuditBreak]:
    """Check the whole chain; return every break found (empty: intact)."""
    breaks: list[AuditBreak] = []
    expected_prev = GENESIS
    expected_seq = 1
    for entry in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.seq != expected_seq:
            breaks.append(AuditBreak(entry.seq, f"expected entry {expected_seq}: entries missing"))
        if entry.prev_hash != expected_prev:
            breaks.append(AuditBreak(entry.seq, "does not follow the previous entry's hash"))
        recomputed = _digest(
            seq=entry.seq,
            at=entry.at,
            org_id=entry.org_id,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            payload=entry.payload,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            breaks.append(AuditBreak(entry.seq, "content was changed after it was written"))
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    return breaks
