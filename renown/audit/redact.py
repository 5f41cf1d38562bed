"""Recorded redactions: rewriting entries that name an erased person, verifiably.

See :mod:`renown.audit.log` for why: the redacted entry keeps its original hash (the chain
still links through it), and one ``audit.redact`` entry appended now records the digest of
each entry's new content, which :func:`renown.audit.verify` then accepts and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from renown.audit.log import REDACT_ACTION, append, content_digest
from renown.store.tables.audit import AuditEntry


@dataclass(frozen=True)
class Rewrite:
    """An entry's content after redaction (its time, action and place never change)."""

    entry: AuditEntry
    actor: str
    subject: str
    payload: dict[str, Any]


def redact(
    session: Session,
    rewrites: Sequence[Rewrite],
    *,
    actor: str,
    subject: str,
    reason: str,
    org_id: int | None,
    at: datetime | None = None,
) -> AuditEntry | None:
    """Apply ``rewrites`` and record them in one ``audit.redact`` entry (in the caller's
    transaction); ``None`` when no entry actually changes."""
    recorded: list[dict[str, Any]] = []
    for rewrite in rewrites:
        entry = rewrite.entry
        payload = json.loads(json.dumps(rewrite.payload, sort_keys=True, default=str))
        if (rewrite.actor, rewrite.subject, payload) == (entry.actor, entry.subject, entry.payload):
            continue
        entry.actor, entry.subject, entry.payload = rewrite.actor, rewrite.subject, payload
        recorded.append({"seq": entry.seq, "hash": content_digest(entry)})
    if not recorded:
        return None
    session.flush()
    return append(
        session,
        actor=actor,
        action=REDACT_ACTION,
        subject=subject,
        payload={"reason": reason, "entries": recorded},
        org_id=org_id,
        at=at,
    )
