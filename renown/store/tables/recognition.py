"""Recognition: kudos with reactions and comments, budgets, badge awards, ring reviews,
and the delivery log of outgoing notifications.

Kudos are deleted outright when their giver withdraws them (reactions and comments go
with them), so a withdrawn kudos also gives its budget back. Badge awards are unique per
``(organisation, person, badge, item)``; ``item`` is ``""`` for badges earned once, because
SQL treats NULLs as distinct and a nullable item would let the same award be stored twice.
The delivery log is an outbox: a notification is recorded as ``pending`` in the same
transaction as what caused it and sent afterwards, so a slow mail server never holds a
database transaction open and a retried sender never sends the same message twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class Kudos(Base):
    """Public thanks from one person to another."""

    __tablename__ = "kudos"
    __table_args__ = (
        sa.Index("ix_kudos_org_created", "org_id", "created_at"),
        sa.Index("ix_kudos_giver_created", "giver_id", "created_at"),
        sa.Index("ix_kudos_receiver_created", "receiver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.Text)
    competency: Mapped[str | None] = mapped_column(sa.String(64))
    """Key of the competency the kudos recognises (optional)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    discounted: Mapped[bool] = mapped_column(default=False)
    """Inside a confirmed kudos ring: kept on the wall, not counted for badges or prominence."""
    discount_reason: Mapped[str | None] = mapped_column(sa.String(200))


class KudosReaction(Base):
    """One person's reaction of one kind to a kudos (an emoji name from a fixed set)."""

    __tablename__ = "kudos_reactions"
    __table_args__ = (sa.UniqueConstraint("kudos_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(sa.ForeignKey("kudos.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KudosComment(Base):
    """A comment under a kudos."""

    __tablename__ = "kudos_comments"
    __table_args__ = (sa.Index("ix_kudos_comments_kudos_created", "kudos_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kudos_id: Mapped[int] = mapped_column(sa.ForeignKey("kudos.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KudosBudget(Base):
    """An organisation's kudos limits (an organisation without a row uses the defaults)."""

    __tablename__ = "kudos_budgets"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    monthly_allowance: Mapped[int] = mapped_column(default=10)
    """Kudos a person may give per calendar month (UTC); unused kudos do not roll over."""
    pair_cap: Mapped[int] = mapped_column(default=3)
    """Kudos one giver may give one receiver per calendar month."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BadgeAward(Base):
    """A badge a person earned, when, and why."""

    __tablename__ = "badge_awards"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "person_id", "badge", "item"),
        sa.Index("ix_badge_awards_person_awarded", "person_id", "awarded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    badge: Mapped[str] = mapped_column(sa.String(64))
    item: Mapped[str] = mapped_column(sa.String(200), default="")
    """What a per-item badge was earned for; ``""`` for badges earned once."""
    awarded_at: Mapped[datetime]
    """When the rule first held (from the facts), not when the evaluation ran."""
    reason: Mapped[str] = mapped_column(sa.Text)
    rule_hash: Mapped[str] = mapped_column(sa.String(64))
    """Hash of the badge definition that awarded it, so a changed rule is visible in history."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KudosRingReview(Base):
    """A suspected kudos ring shown to HR, and HR's decision about it."""

    __tablename__ = "kudos_ring_reviews"
    __table_args__ = (sa.UniqueConstraint("org_id", "ring_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    ring_key: Mapped[str] = mapped_column(sa.String(64))
    """Hash of the sorted member ids: the same group found again is the same review."""
    members: Mapped[list[Any]] = mapped_column(default=list)
    """Person ids of the members, sorted."""
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default="suspected")
    """``suspected``, ``confirmed`` (its kudos are discounted) or ``dismissed``."""
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(320))
    decided_at: Mapped[datetime | None]


class NotificationDelivery(Base):
    """One message to send (or sent) by e-mail or Slack: the outbox and its log."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("channel", "dedupe_key"),
        sa.Index("ix_notification_deliveries_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(sa.String(16))
    """``email`` or ``slack``."""
    dedupe_key: Mapped[str] = mapped_column(sa.String(200))
    """What the message is about (e.g. ``badge:12``): one delivery per channel and key."""
    recipient: Mapped[str] = mapped_column(sa.String(320))
    """E-mail address, or ``webhook`` for the organisation's Slack channel."""
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """``pending``, ``sent``, ``skipped`` (channel not configured) or ``failed``."""
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
