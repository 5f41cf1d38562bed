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


CHANGED = "content was changed after it was written"
UNLINKED = "does not follow the previous entry's hash"


def _breaks_of(entry: AuditEntry, expected_seq: int, expected_prev: str) -> list[str]:
    """What is wrong with ``entry`` where the chain expected ``expected_seq`` after a hash."""
    found = []
    if entry.seq != expected_seq:
        found.append(f"expected entry {expected_seq}: entries missing")
    if entry.prev_hash != expected_prev:
        found.append(UNLINKED)
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
        found.append(CHANGED)
    return found


def _walk(session: Session) -> Iterator[tuple[AuditEntry, list[str]]]:
    """Every entry in chain order with what is wrong with it (empty: nothing)."""
    expected_prev = GENESIS
    expected_seq = 1
    for entry in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)):
        yield entry, _breaks_of(entry, expected_seq, expected_prev)
        expected_prev = entry.hash
        expected_seq = entry.seq + 1


def verify(session: Session) -> list[AuditBreak]:
    """Check the whole chain; return every break found (empty: intact).

    This is the operator's question (``renown audit verify``): the breaks carry the
    installation-wide sequence numbers, so they are never shown to one organisation's
    administrators (see :func:`verify_for_org`).
    """
    return [AuditBreak(entry.seq, reason) for entry, found in _walk(session) for reason in found]


@dataclass(frozen=True)
class OrgBreak:
    """A break at one of an organisation's own entries, told without installation facts.

    ``position`` counts the organisation's own entries (1 = its first), so it says nothing
    of how many entries other organisations wrote in between.
    """

    position: int
    at: datetime
    action: str
    reason: str


@dataclass(frozen=True)
class OrgChainCheck:
    """What an organisation's administrator learns from verifying the audit log."""

    intact: bool
    """The whole chain verifies: the organisation's entries are only proven by all of it."""
    entries: int
    """How many entries are the organisation's own."""
    breaks: tuple[OrgBreak, ...]
    """Breaks at the organisation's own entries (others' are never described)."""


ORG_REASONS = {CHANGED: CHANGED, UNLINKED: "does not follow the entry before it"}
"""Reasons of :func:`verify` as an organisation reads them."""
MISSING_FOR_ORG = "entries before it are missing"
"""A gap, told without the installation-wide sequence numbers :func:`verify` names."""


def verify_for_org(session: Session, org_id: int) -> OrgChainCheck:
    """Verify the whole chain, and tell one organisation about its own entries only.

    An installation may host several organisations: an organisation's administrator must
    not learn how many entries the others wrote, nor where their breaks are. The chain is
    still checked whole, because an organisation's entries are linked through the others'.
    """
    intact = True
    own = 0
    breaks: list[OrgBreak] = []
    for entry, found in _walk(session):
        intact = intact and not found
        if entry.org_id != org_id:
            continue
        own += 1
        breaks.extend(
            OrgBreak(own, entry.at, entry.action, ORG_REASONS.get(reason, MISSING_FOR_ORG))
            for reason in found
        )
    return OrgChainCheck(intact=intact, entries=own, breaks=tuple(breaks))
