"""The recognition, messages and activity parts of "export my data".

Other people appear by id only. What the person did as HR or an administrator is listed by
kind and id (the record exists and they made it), not with its contents, which are about
other people. The audit log is exported as entries they acted in and entries about them
(time, action, subject), without the payloads, which record other people's data too.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.privacy.registry import PERSONAL_COLUMNS, Names
from renown.privacy.traces import LIKE_ESCAPE, like_patterns
from renown.store.base import Base
from renown.store.tables.audit import AuditEntry, AuditPersonalValue
from renown.store.tables.feedback import Notification
from renown.store.tables.jobs import Job
from renown.store.tables.recognition import (
    BadgeAward,
    Kudos,
    KudosComment,
    KudosReaction,
    KudosRingReview,
    NotificationDelivery,
)


def recognition(session: Session, org_id: int, person_id: int) -> dict[str, Any]:
    """Kudos given and received, reactions and comments they wrote, badges, ring reviews."""

    def kudos(column: Any, other: Any, other_key: str) -> list[dict[str, Any]]:
        rows = session.scalars(
            sa.select(Kudos)
            .where(Kudos.org_id == org_id, column == person_id)
            .order_by(Kudos.created_at, Kudos.id)
        )
        return [
            {
                "id": k.id,
                other_key: getattr(k, other.key),
                "message": k.message,
                "competency": k.competency,
                "created_at": k.created_at.isoformat(),
                "discounted": k.discounted,
            }
            for k in rows
        ]

    reactions = session.scalars(
        sa.select(KudosReaction)
        .join(Kudos, Kudos.id == KudosReaction.kudos_id)
        .where(Kudos.org_id == org_id, KudosReaction.person_id == person_id)
        .order_by(KudosReaction.id)
    )
    comments = session.scalars(
        sa.select(KudosComment)
        .join(Kudos, Kudos.id == KudosComment.kudos_id)
        .where(Kudos.org_id == org_id, KudosComment.author_id == person_id)
        .order_by(KudosComment.id)
    )
    badges = session.scalars(
        sa.select(BadgeAward)
        .where(BadgeAward.org_id == org_id, BadgeAward.person_id == person_id)
        .order_by(BadgeAward.awarded_at, BadgeAward.id)
    )
    rings = [
        review
        for review in session.scalars(
            sa.select(KudosRingReview)
            .where(KudosRingReview.org_id == org_id)
            .order_by(KudosRingReview.id)
        )
        if person_id in {int(m) for m in review.members}
    ]
    return {
        "kudos_given": kudos(Kudos.giver_id, Kudos.receiver_id, "receiver_id"),
        "kudos_received": kudos(Kudos.receiver_id, Kudos.giver_id, "giver_id"),
        "reactions": [
            {"id": r.id, "kudos_id": r.kudos_id, "kind": r.kind, "at": r.created_at.isoformat()}
            for r in reactions
        ],
        "comments": [
            {"id": c.id, "kudos_id": c.kudos_id, "text": c.text, "at": c.created_at.isoformat()}
            for c in comments
        ],
        "badges": [
            {
                "id": b.id,
                "badge": b.badge,
                "item": b.item,
                "awarded_at": b.awarded_at.isoformat(),
                "reason": b.reason,
            }
            for b in badges
        ],
        "rings": [
            {
                "id": r.id,
                "status": r.status,
                "detected_at": r.detected_at.isoformat(),
                "decided_at": _iso(r.decided_at),
            }
            for r in rings
        ],
    }


def messages(
    session: Session, org_id: int, person_id: int | None, account_ids: Collection[int],
    addresses: Collection[str],
) -> dict[str, Any]:  # fmt: skip
    """In-app notifications to them or their accounts, and mail sent to their addresses."""
    owners: list[sa.ColumnElement[bool]] = [Notification.account_id.in_(list(account_ids))]
    if person_id is not None:
        owners.append(Notification.person_id == person_id)
    notes = session.scalars(
        sa.select(Notification)
        .where(Notification.org_id == org_id, sa.or_(*owners))
        .order_by(Notification.created_at, Notification.id)
    )
    sent = session.scalars(
        sa.select(NotificationDelivery)
        .where(
            NotificationDelivery.org_id == org_id,
            sa.func.lower(NotificationDelivery.recipient).in_([a.lower() for a in addresses]),
        )
        .order_by(NotificationDelivery.created_at, NotificationDelivery.id)
    )
    return {
        "notifications": [
            {
                "id": n.id,
                "kind": n.kind,
                "text": n.text,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read_at": _iso(n.read_at),
            }
            for n in notes
        ],
        "deliveries": [
            {
                "id": d.id,
                "channel": d.channel,
                "subject": d.subject,
                "body": d.body,
                "status": d.status,
                "created_at": d.created_at.isoformat(),
                "sent_at": _iso(d.sent_at),
            }
            for d in sent
        ],
    }


def activity(
    session: Session, org_id: int, account_ids: Collection[int], tokens: Collection[str]
) -> dict[str, Any]:
    """Audit entries they acted in, jobs they started and records they authored."""
    actors = [f"account:{a}" for a in account_ids]
    acted = _audit(session, org_id, AuditEntry.actor, tokens)
    jobs = session.scalars(
        sa.select(Job)
        .where(Job.org_id == org_id, Job.created_by.in_(list(account_ids)))
        .order_by(Job.created_at, Job.id)
    )
    return {
        "audit": [
            {"seq": e.seq, "at": e.at.isoformat(), "action": e.action, "subject": e.subject}
            for e in acted
        ],
        "jobs": [
            {
                "id": j.id,
                "kind": j.kind,
                "status": j.status,
                "created_at": j.created_at.isoformat(),
                "finished_at": _iso(j.finished_at),
            }
            for j in jobs
        ],
        "authored": _authored(session, actors),
    }


def about_me(
    session: Session, org_id: int, person_id: int | None, account_ids: Collection[int],
    tokens: Collection[str],
) -> dict[str, Any]:  # fmt: skip
    """Audit entries about them, and the personal values entries recorded by digest."""
    entries = _audit(session, org_id, AuditEntry.subject, tokens)
    owners: list[sa.ColumnElement[bool]] = [AuditPersonalValue.account_id.in_(list(account_ids))]
    if person_id is not None:
        owners.append(AuditPersonalValue.person_id == person_id)
    values = session.scalars(
        sa.select(AuditPersonalValue)
        .where(AuditPersonalValue.org_id == org_id, sa.or_(*owners))
        .order_by(AuditPersonalValue.seq)
    )
    return {
        "audit": [{"seq": e.seq, "at": e.at.isoformat(), "action": e.action} for e in entries],
        "audit_values": [{"seq": v.seq, "value": v.value} for v in values],
    }


def _audit(session: Session, org_id: int, column: Any, tokens: Collection[str]) -> list[AuditEntry]:
    """Entries of the organisation whose ``column`` holds one of the id-derived keys."""
    if not tokens:
        return []
    wanted = set(tokens)
    likes = [column.like(p, escape=LIKE_ESCAPE) for p in like_patterns(tokens)]
    rows = session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.org_id == org_id, sa.or_(*likes))
        .order_by(AuditEntry.seq)
    )
    return [e for e in rows if _names(getattr(e, column.key), wanted)]


def _names(value: str, tokens: set[str]) -> bool:
    """Whether an actor or subject is one of ``tokens`` (or ends with one: a seeded actor)."""
    return any(value == t or value.endswith(":" + t) for t in tokens)


def _authored(session: Session, actors: Collection[str]) -> dict[str, list[dict[str, Any]]]:
    """Ids of the records each actor column says they made, by table."""
    found: dict[str, list[dict[str, Any]]] = {}
    for spec in PERSONAL_COLUMNS:
        if spec.names is not Names.ACTOR or spec.table == "audit_log":
            continue
        table = Base.metadata.tables[spec.table]
        ids = session.scalars(
            sa.select(table.c.id).where(table.c[spec.column].in_(list(actors))).order_by(table.c.id)
        )
        records = found.setdefault(spec.table, [])
        known = {r["id"] for r in records}
        records.extend({"id": i} for i in ids if i not in known)
    return found


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
