"""External prominence: linked public accounts, what was pulled from them, scores, cards.

A linked account belongs to one person (``ON DELETE CASCADE``): erasing the person erases
their accounts, and deleting an account (unlinking) deletes everything pulled from it, its
items and events, by cascade. Scores are kept per person, network and day so that a
promotion round frozen at an earlier date reads the score of that date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class ExternalAccount(Base):
    """A public account a person linked (pending until they prove it is theirs)."""

    __tablename__ = "external_accounts"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "network", "handle"),
        # several people may claim a handle; only one may prove it (the first proof wins)
        sa.Index(
            "uq_external_accounts_proven_handle",
            "org_id",
            "network",
            "handle",
            unique=True,
            sqlite_where=sa.text("status = 'verified'"),
            postgresql_where=sa.text("status = 'verified'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    network: Mapped[str] = mapped_column(sa.String(32))
    handle: Mapped[str] = mapped_column(sa.String(512))
    external_id: Mapped[str | None] = mapped_column(sa.String(200))
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    url: Mapped[str] = mapped_column(sa.String(1000), default="")
    audience: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """``pending`` (waiting for proof) or ``verified``."""
    verification_code: Mapped[str] = mapped_column(sa.String(64))
    verified_by: Mapped[str | None] = mapped_column(sa.String(16))
    """``oauth``, ``bio``, ``post`` or ``import`` (HR's file, for a person who consented)."""
    verified_at: Mapped[datetime | None]
    linked_by_account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    token_ciphertext: Mapped[str | None] = mapped_column(sa.Text)
    """An OAuth token, encrypted (:mod:`renown.external.tokens`); never shown or logged."""
    pull_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_pulled_at: Mapped[datetime | None]
    resume_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExternalItem(Base):
    """Something a linked account published, with the engagement it drew at the last pull."""

    __tablename__ = "external_items"
    __table_args__ = (sa.UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("external_accounts.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(400))
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(500))
    url: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime]
    engagement: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ExternalEvent(Base):
    """One interaction pulled from a linked account's network (actor empty: anonymous)."""

    __tablename__ = "external_events"
    __table_args__ = (sa.UniqueConstraint("account_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("external_accounts.id", ondelete="CASCADE"), index=True
    )
    event_key: Mapped[str] = mapped_column(sa.String(32))
    """The canonical event key (network, target and the connector's key, hashed)."""
    actor: Mapped[str | None] = mapped_column(sa.String(600))
    target: Mapped[str] = mapped_column(sa.String(600))
    happened_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(sa.String(32))
    weight: Mapped[float]
    item_key: Mapped[str | None] = mapped_column(sa.String(400))


class ExternalScore(Base):
    """A person's external prominence on one network, or ``combined``, as of one day."""

    __tablename__ = "external_scores"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "network", "observed_on"),
        sa.CheckConstraint("score BETWEEN 1 AND 100", name="external_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    network: Mapped[str] = mapped_column(sa.String(32))
    observed_on: Mapped[date]
    score: Mapped[int]
    explanation: Mapped[dict[str, Any]] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExternalConsent(Base):
    """A person's own choice: whether HR may link their public accounts from a file."""

    __tablename__ = "external_consents"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    bulk_linking: Mapped[bool] = mapped_column(default=False)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicCard(Base):
    """A person's opt-in public profile card and what it shows (they decide, nobody else)."""

    __tablename__ = "public_cards"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    show_internal: Mapped[bool] = mapped_column(default=True)
    show_external: Mapped[bool] = mapped_column(default=True)
    show_networks: Mapped[bool] = mapped_column(default=True)
    """Whether each network's score and the account links are listed."""
    show_badges: Mapped[bool] = mapped_column(default=True)
    show_challenges: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
