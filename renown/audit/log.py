"""Writing and verifying the hash-chained audit log, and how it survives erasure.

Each entry's hash is SHA-256 over a canonical JSON of its content plus the previous
entry's hash. Appends take the chain's tail inside the caller's transaction, and the
unique ``seq`` column turns two concurrent appends into one success and one retryable
error instead of a forked chain.

Erasure (the right to be forgotten) meets an append-only chain in two ways:

* **Values written from now on** that name someone are passed wrapped in
  :func:`renown.audit.personal.personal`: the hashed payload keeps a keyed digest and the
  value lives beside the chain (:mod:`renown.audit.personal`). Erasing deletes the value;
  the hashed content never changes, so these entries verify exactly as before.
* **Everything else** that names an erased person (entries written before values were
  kept apart, actor strings such as ``account:12``, person ids in payloads) is rewritten
  to a pseudonym by a *recorded redaction* (:func:`renown.audit.redact.redact`): the
  entry keeps its original ``hash`` (so the next entry's ``prev_hash`` still links to it
  and a signed decision still finds its entry), and a later ``audit.redact`` entry, itself
  in the chain, records the digest of the entry's new content. :func:`verify` accepts a
  changed entry only when the latest redaction recorded after it vouches for exactly its
  present content, so an edit after the redaction is still caught, and the redaction
  itself (who, when, why, which entries) is as tamper-evident as any other entry. What a
  redaction gives up, by design, is proof of what the redacted values were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.audit.personal import Personal, altered_values, seal, store_values
from renown.store.tables.audit import AuditEntry

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""
REDACT_ACTION = "audit.redact"
"""Action of the entries that record redactions (payload ``entries``: ``[{seq, hash}]``)."""


@dataclass(frozen=True)
class AuditBreak:
    """Where the chain stops being trustworthy, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class HeldEntry:
    """An entry appended while its session was :func:`holding` entries: not written yet."""

    actor: str
    action: str
    subject: str
    payload: dict[str, Any] | None
    org_id: int | None
    at: datetime


_HELD = "renown_audit_held"
"""Key, in a session's ``info``, of the entries it holds instead of writing them."""


@contextmanager
def holding(session: Session) -> Iterator[list[HeldEntry]]:
    """Keep the entries appended on ``session`` meanwhile, in order, instead of writing them.

    For a read the domain logs (radar output, a bias audit): the read can then run in a
    reader's transaction, which never waits for the write lock, and its entries are written
    afterwards with :func:`append_held` in a short write transaction of their own. Appending
    inside the read turned a transaction that had read (for seconds, in an audit) into a
    writer's, which SQLite refuses at once when another writer committed meanwhile.
    """
    held: list[HeldEntry] = []
    session.info[_HELD] = held
    try:
        yield held
    finally:
        session.info.pop(_HELD, None)


def append_held(session: Session, held: list[HeldEntry]) -> None:
    """:func:`append` entries kept by :func:`holding`, as they were appended."""
    for entry in held:
        append(
            session,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            payload=entry.payload,
            org_id=entry.org_id,
            at=entry.at,
        )


class Acting(Protocol):
    """Whoever acts inside one organisation: a signed-in principal, in practice."""

    @property
    def actor(self) -> str: ...

    @property
    def org_id(self) -> int: ...


def append_by(
    session: Session,
    by: Acting,
    action: str,
    *,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """:func:`append` an entry for what ``by`` did, in ``by``'s organisation.

    Most audited actions are a signed-in person's, and their entry always names that
    person as actor and files it under their organisation; passing the principal once
    keeps every call from restating (and possibly mixing up) the two.
    """
    return append(
        session,
        actor=by.actor,
        action=action,
        subject=subject,
        payload=payload,
        org_id=by.org_id,
        at=at,
    )


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
    """Add one entry at the end of the chain (in the caller's transaction).

    Payload values wrapped in :func:`renown.audit.personal.personal` are recorded by
    keyed digest and kept beside the chain, erasable with the person they name. While the
    session is :func:`holding` entries, the entry is kept there instead, and what comes
    back has no place in the chain yet (no ``seq`` nor ``hash``).
    """
    when = at or datetime.now(UTC)
    held: list[HeldEntry] | None = session.info.get(_HELD)
    if held is not None:
        held.append(HeldEntry(actor, action, subject, payload, org_id, when))
        return AuditEntry(
            at=when, org_id=org_id, actor=actor, action=action, subject=subject, payload=payload
        )
    tail = session.execute(
        sa.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    sealed: list[tuple[str, str, Personal]] = []
    clean = json.loads(json.dumps(seal(payload or {}, sealed), sort_keys=True, default=str))
    entry = AuditEntry(
        seq=seq,
        at=when,
        org_id=org_id,
        actor=actor,
        action=action,
        subject=subject,
        payload=clean,
        prev_hash=prev_hash,
    )
    entry.hash = content_digest(entry)  # sealed by the same digest verify() recomputes
    session.add(entry)
    session.flush()
    if sealed:
        store_values(session, seq, org_id, sealed)
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
VALUE_CHANGED = "a personal value was changed after it was written"


def content_digest(entry: AuditEntry) -> str:
    """The digest of an entry's present content at its place in the chain.

    SHA-256 of a canonical JSON of the content and the previous hash: what :func:`append`
    seals an entry with and what :func:`verify` recomputes.
    """
    body = json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "org": entry.org_id,
            "actor": entry.actor,
            "action": entry.action,
            "subject": entry.subject,
            "payload": entry.payload,
            "prev": entry.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _redactions(session: Session) -> dict[int, str]:
    """seq -> the content digest the latest redaction recorded after it vouches for."""
    vouched: dict[int, str] = {}
    for seq, payload in session.execute(
        sa.select(AuditEntry.seq, AuditEntry.payload)
        .where(AuditEntry.action == REDACT_ACTION)
        .order_by(AuditEntry.seq)
    ):
        for item in payload.get("entries", []) if isinstance(payload, dict) else []:
            target = item.get("seq") if isinstance(item, dict) else None
            if isinstance(target, int) and target < seq and isinstance(item.get("hash"), str):
                vouched[target] = item["hash"]
    return vouched


def _breaks_of(
    entry: AuditEntry, expected_seq: int, expected_prev: str, redacted: dict[int, str]
) -> list[str]:
    """What is wrong with ``entry`` where the chain expected ``expected_seq`` after a hash.

    An entry changed by a recorded redaction is intact when its present content is what
    the latest redaction vouches for.
    """
    found = []
    if entry.seq != expected_seq:
        found.append(f"expected entry {expected_seq}: entries missing")
    if entry.prev_hash != expected_prev:
        found.append(UNLINKED)
    recomputed = content_digest(entry)
    if recomputed != entry.hash and redacted.get(entry.seq) != recomputed:
        found.append(CHANGED)
    return found


def _walk(session: Session) -> Iterator[tuple[AuditEntry, list[str]]]:
    """Every entry in chain order with what is wrong with it (empty: nothing).

    A personal value kept beside the chain must still match the digest its entry recorded.
    """
    redacted = _redactions(session)
    altered = set(altered_values(session))
    expected_prev = GENESIS
    expected_seq = 1
    for entry in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)):
        found = _breaks_of(entry, expected_seq, expected_prev, redacted)
        if entry.seq in altered:
            found.append(VALUE_CHANGED)
        yield entry, found
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


ORG_REASONS = {
    CHANGED: CHANGED,
    UNLINKED: "does not follow the entry before it",
    VALUE_CHANGED: VALUE_CHANGED,
}
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
