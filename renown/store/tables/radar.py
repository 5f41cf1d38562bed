"""The recruiter radar: profile snapshots over time, the model's predictions, outreach,
consent.

A *subject* is whoever a profile belongs to: one of the organisation's people (matched by
employee id or e-mail when the snapshots were imported, ``person_id`` set) or an external
prospect known only by a handle (``person_id`` empty). Snapshots, predictions and outreach
hang off the subject and go with it (``ON DELETE CASCADE``), so erasing a person deletes
everything the radar held on them by deleting their subject row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class RadarSettings(Base):
    """The organisation's radar policy (no row: the defaults)."""

    __tablename__ = "radar_settings"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    members_see_radar: Mapped[bool] = mapped_column(default=False)
    """Whether a member is told that the radar holds snapshots of them (an admin's choice)."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RadarSubject(Base):
    """Whose profile the radar follows: a person of the organisation or an external handle."""

    __tablename__ = "radar_subjects"
    __table_args__ = (sa.UniqueConstraint("org_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(320))
    """The subject as the files named it (employee id, e-mail or ``network:handle``)."""
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RadarSnapshot(Base):
    """One imported profile snapshot; ``snapshot_key`` makes a re-import add nothing."""

    __tablename__ = "radar_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "snapshot_key"),
        sa.Index("ix_radar_snapshots_subject", "subject_id", "captured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("radar_subjects.id", ondelete="CASCADE"))
    captured_at: Mapped[datetime]
    snapshot_key: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The snapshot as ``renown.radar.snapshots.snapshot_to_dict`` writes it."""
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class RadarPrediction(Base):
    """The latest scoring job's probability that the subject changes company, with reasons."""

    __tablename__ = "radar_predictions"
    __table_args__ = (
        sa.UniqueConstraint("subject_id", "job_id"),
        sa.Index("ix_radar_predictions_org", "org_id", "job_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("radar_subjects.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    as_of: Mapped[datetime]
    probability: Mapped[float]
    low: Mapped[float]
    high: Mapped[float]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    """``[{feature, value, contribution, text}]``, the strongest first."""


class RadarOutreach(Base):
    """One step of outreach to a prospect (the latest row is the current status)."""

    __tablename__ = "radar_outreach"
    __table_args__ = (sa.Index("ix_radar_outreach_subject", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("radar_subjects.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )


class RadarOptOut(Base):
    """A member who asked never to be scored or listed by the radar."""

    __tablename__ = "radar_opt_outs"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RadarErasure(Base):
    """An external prospect erased on request: the digest of their handle, so that a later
    import of the same handle is skipped instead of bringing them back."""

    __tablename__ = "radar_erasures"
    __table_args__ = (sa.UniqueConstraint("org_id", "key_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    key_digest: Mapped[str] = mapped_column(sa.String(64))
    """SHA-256 (hex) of the stored handle; the handle itself is not kept."""
    at: Mapped[datetime] = mapped_column(default=utcnow)
