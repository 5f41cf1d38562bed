"""360° feedback: competency frameworks, feedback items, requests, anonymous releases.

Anonymous items keep their giver in ``giver_person_id`` (or ``external_rater_id``) because
distinct givers must be counted, an answer accepted only once and abuse investigated; no
query ever returns those columns for an anonymous item. Anonymous items become visible only
through an :class:`AnonymousRelease`: a batch of at least ``threshold`` distinct givers cut
at once, so two views of the same person can only ever differ by whole releases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class FeedbackSettings(Base):
    """An organisation's feedback settings (absent: the installation's defaults)."""

    __tablename__ = "feedback_settings"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    anonymity_threshold: Mapped[int]
    """Distinct givers an anonymous release needs (never below the floor of 3)."""


class CompetencyFramework(Base):
    """A named set of competencies an organisation rates people on."""

    __tablename__ = "competency_frameworks"
    __table_args__ = (sa.UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Competency(Base):
    """One competency of a framework, addressed by its key."""

    __tablename__ = "competencies"
    __table_args__ = (sa.UniqueConstraint("framework_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competency_frameworks.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")


class FeedbackRequest(Base):
    """Someone asks chosen people (and outside raters) for feedback about a subject."""

    __tablename__ = "feedback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    competencies: Mapped[list[Any]] = mapped_column(default=list)
    """Competency keys the answers are asked to rate."""
    visibility: Mapped[str] = mapped_column(sa.String(16))
    anonymity: Mapped[str] = mapped_column(sa.String(16))
    """``none``, ``allowed`` or ``required``."""
    anonymity_threshold: Mapped[int]
    locked: Mapped[bool] = mapped_column(default=False)
    """Set by the first answer: the anonymity settings can no longer change."""
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedbackRecipient(Base):
    """One person or outside rater asked by a request, with their answer status."""

    __tablename__ = "feedback_recipients"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "person_id"),
        sa.UniqueConstraint("request_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_requests.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str | None] = mapped_column(sa.String(320))
    """Outside raters only (they have no person row)."""
    name: Mapped[str | None] = mapped_column(sa.String(200))
    token_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    """SHA-256 of the outside rater's single-use link token (the token is never stored)."""
    delivery: Mapped[str | None] = mapped_column(sa.String(16))
    """Outside raters: ``mail`` (renown e-mailed the link to the rater only) or ``requester``
    (the requester was shown it to pass on, so answers through it are named)."""
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """``pending``, ``answered`` or ``declined``."""
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class AnonymousRelease(Base):
    """A published batch of anonymous answers about one receiver, for one audience and group."""

    __tablename__ = "feedback_releases"
    __table_args__ = (sa.Index("ix_feedback_releases_receiver", "receiver_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(sa.String(16))
    """``private`` (receiver only) or ``manager`` (receiver and their manager chain)."""
    group: Mapped[str] = mapped_column(sa.String(16))
    """``peer``, ``report``, ``client``, ``other`` or ``others`` (merged small groups)."""
    givers: Mapped[int]
    """Distinct givers in the release (at least the threshold when it was cut)."""
    salt: Mapped[str] = mapped_column(sa.String(32))
    """Key of the comment order: stable for the release, unrelated to time or giver."""
    cut_at: Mapped[datetime]


class FeedbackItem(Base):
    """One piece of feedback from a giver (person or outside rater) to a person."""

    __tablename__ = "feedback_items"
    __table_args__ = (sa.Index("ix_feedback_items_receiver", "receiver_id", "anonymous"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    giver_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    external_rater_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feedback_recipients.id", ondelete="SET NULL")
    )
    giver_pseudonym: Mapped[str | None] = mapped_column(sa.String(340))
    """Set when the giver's person (or the request an outside rater answered) was erased:
    the key that still counts this giver once in anonymous releases (``erased:<n>`` for an
    erased person, the outside rater's own key otherwise); named items say "a former
    colleague"."""
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    relationship: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    visibility: Mapped[str] = mapped_column(sa.String(16))
    anonymous: Mapped[bool] = mapped_column(default=False)
    anonymity_threshold: Mapped[int | None]
    """Threshold the giver was promised (anonymous items only)."""
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feedback_requests.id", ondelete="SET NULL")
    )
    release_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feedback_releases.id", ondelete="SET NULL"), index=True
    )
    """The release that published this anonymous item (none yet: not visible to anyone)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedbackRating(Base):
    """A 1-5 rating of one competency in a feedback item."""

    __tablename__ = "feedback_ratings"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "competency_key"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_items.id", ondelete="CASCADE"))
    competency_key: Mapped[str] = mapped_column(sa.String(64))
    rating: Mapped[int]


class Notification(Base):
    """An in-app notification for a person or an account."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
