"""In-app notifications: created by the domains' actions, read and marked read by their owner.

Feedback (requests, releases), promotion rounds (decisions, appeals) and badges notify people
here. Texts never name the giver of anonymous feedback, and anonymous answers notify nobody
when they arrive: only a release does, so a notification's timing reveals no single answer.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import NotFound
from renown.store.tables.feedback import Notification


def do_notify(
    session: Session,
    *,
    org_id: int,
    kind: str,
    text: str,
    now: datetime,
    person_id: int | None = None,
    account_id: int | None = None,
    link: str = "",
) -> Notification:
    """Create one notification for a person or an account (audited like every write)."""
    note = _note(org_id, person_id, account_id, kind, text, link, now)
    session.add(note)
    session.flush()
    audit.append(
        session,
        actor="system",
        action="notification.create",
        subject=f"notification:{note.id}",
        payload={"kind": kind},
        org_id=org_id,
        at=now,
    )
    return note


def add_badge_notification(
    session: Session, *, org_id: int, person_id: int, text: str, link: str = ""
) -> None:
    """Add a person's notification of a badge award, without an audit entry of its own.

    A badge evaluation awards many badges at once and its single audit entry names them
    (:mod:`renown.recognition.badges`); an entry per notification would only repeat it.
    """
    session.add(_note(org_id, person_id, None, "badge", text, link, None))


def _note(
    org_id: int,
    person_id: int | None,
    account_id: int | None,
    kind: str,
    text: str,
    link: str,
    now: datetime | None,
) -> Notification:
    note = Notification(
        org_id=org_id,
        person_id=person_id,
        account_id=account_id,
        kind=kind,
        text=text[:500],
        link=link[:500],
    )
    if now is not None:
        note.created_at = now
    return note


def in_app_notifications(session: Session, person_id: int, kind: str) -> list[str]:
    """Texts of a person's in-app notifications of one kind, oldest first (for tests)."""
    return list(
        session.scalars(
            sa.select(Notification.text)
            .where(Notification.person_id == person_id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def _mine(principal: Principal) -> sa.ColumnElement[bool]:
    owners = [Notification.account_id == principal.account_id]
    if principal.person_id is not None:
        owners.append(Notification.person_id == principal.person_id)
    return sa.and_(Notification.org_id == principal.org_id, sa.or_(*owners))


def list_notifications(
    session: Session, principal: Principal, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    """The principal's notifications, newest first."""
    query = sa.select(Notification).where(_mine(principal))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(
        session.scalars(
            query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(
                max(1, min(limit, 200))
            )
        )
    )


def check_mark_read(
    session: Session, principal: Principal, notification_id: int, *, clock: Clock = SYSTEM_CLOCK
) -> Notification:
    """Mark one of the principal's notifications read (someone else's is not found)."""
    note = session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, _mine(principal))
    )
    if note is None:
        raise NotFound(f"no notification {notification_id}")
    if note.read_at is None:
        note.read_at = clock.now()
        audit.append_by(
            session,
            principal,
            "notification.read",
            subject=f"notification:{note.id}",
            at=note.read_at,
        )
    return note
