"""Promotion boards: evidence inputs, rounds, candidates, calibration, decisions, appeals,
succession plans.

A round's ranking is always recomputed from the evidence and the round's configuration,
never stored as the truth, except at sign-off: a :class:`RoundDecision` freezes the inputs
and the ranking as they were when a named person decided, so the decision can be read
back exactly later whatever changed since. Every change here is also in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class PerformanceRating(Base):
    """A manager's performance rating of a person for one review period (1-5)."""

    __tablename__ = "performance_ratings"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "period"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.Index("ix_performance_ratings_org", "org_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(32))
    """Review period as the organisation names it (``2026``, ``2026-H1``); sorts by time."""
    rating: Mapped[int]
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TalentProfile(Base):
    """Career facts the org chart does not hold: level and since when in the current role."""

    __tablename__ = "talent_profiles"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    level: Mapped[str | None] = mapped_column(sa.String(64))
    in_role_since: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExternalProminence(Base):
    """A prominence score (1-100) observed on a public social network."""

    __tablename__ = "external_prominence"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "network", "observed_on"),
        sa.CheckConstraint("score BETWEEN 1 AND 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    network: Mapped[str] = mapped_column(sa.String(64))
    score: Mapped[int]
    observed_on: Mapped[date]


class Demographics(Base):
    """Self-reported protected attributes, every one optional; read only for fairness audits.

    Kept apart from :class:`~renown.store.tables.org.Person` so that no query of people can
    reach them by accident: only the audit functions of :mod:`renown.talent` read this
    table, and they return aggregates.
    """

    __tablename__ = "demographics"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    sex: Mapped[str | None] = mapped_column(sa.String(64))
    race_ethnicity: Mapped[str | None] = mapped_column(sa.String(64))
    age_band: Mapped[str | None] = mapped_column(sa.String(16))
    disability: Mapped[str | None] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16))
    """``self`` (the person answered) or ``import`` (HR's file of self-reported answers)."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromotionRound(Base):
    """A promotion round: a target, a candidate pool and how candidates are weighed."""

    __tablename__ = "promotion_rounds"
    __table_args__ = (sa.Index("ix_promotion_rounds_org", "org_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    target: Mapped[str] = mapped_column(sa.String(200))
    """The role or level people are considered for."""
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    """``open`` (recommendation only) or ``decided`` (signed off; frozen)."""
    eligibility: Mapped[dict[str, Any]] = mapped_column(default=dict)
    criteria: Mapped[list[Any]] = mapped_column(default=list)
    """``[{"key": ..., "weight": ...}, ...]``: the composite's criteria and their weights."""
    performance_criteria: Mapped[list[Any]] = mapped_column(default=list)
    """Criterion keys averaged into the 9-box performance axis."""
    potential_criteria: Mapped[list[Any]] = mapped_column(default=list)
    """Criterion keys averaged into the 9-box potential axis."""
    top_n: Mapped[int]
    missing_policy: Mapped[str] = mapped_column(sa.String(16), default="reweigh")
    """``reweigh`` (rank on the criteria a candidate has, flagged) or ``exclude``."""
    transparency: Mapped[str] = mapped_column(sa.String(16), default="no_one")
    """Who sees the ranking besides HR: ``everyone``, ``candidates`` or ``no_one``."""
    external_weighted: Mapped[bool] = mapped_column(default=False)
    """External prominence carries weight (acknowledged legal risk; flagged in audits)."""
    as_of: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class RoundCandidate(Base):
    """A person in a round's pool, with why they are in (or were taken out)."""

    __tablename__ = "round_candidates"
    __table_args__ = (sa.UniqueConstraint("round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("promotion_rounds.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    included: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    """The eligibility rule that admitted them, or HR's reason for adding or removing."""
    changed_by: Mapped[str | None] = mapped_column(sa.String(320))
    evidence: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    """Criterion key -> ``[points, shown, source]``, measured once as of the round's date
    (:mod:`renown.talent.frozen`); null for rounds opened before evidence was frozen."""
    evidence_measured_at: Mapped[datetime | None]
    """When the evidence was first measured (later scoring runs and awards do not change it)."""


class CalibrationSession(Base):
    """A calibration meeting on a round's 9-box: moves are made inside one."""

    __tablename__ = "calibration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("promotion_rounds.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    opened_by: Mapped[str] = mapped_column(sa.String(320))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class CalibrationMove(Base):
    """One person moved between 9-box cells in a session, with the required reason."""

    __tablename__ = "calibration_moves"
    __table_args__ = (
        sa.Index("ix_calibration_moves_round", "round_id", "person_id"),
        sa.CheckConstraint(
            "to_performance BETWEEN 1 AND 3 AND to_potential BETWEEN 1 AND 3",
            name="box_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("calibration_sessions.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("promotion_rounds.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    from_performance: Mapped[int]
    from_potential: Mapped[int]
    to_performance: Mapped[int]
    to_potential: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    moved_by: Mapped[str] = mapped_column(sa.String(320))
    moved_at: Mapped[datetime]


class RoundDecision(Base):
    """The signed-off decision of a round: who, when, why, and the inputs and ranking then."""

    __tablename__ = "round_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("promotion_rounds.id", ondelete="CASCADE"), unique=True
    )
    signed_by: Mapped[str] = mapped_column(sa.String(320))
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text)
    promoted: Mapped[list[Any]] = mapped_column(default=list)
    """Person ids promoted."""
    overrides: Mapped[list[Any]] = mapped_column(default=list)
    """Departures from the recommended top N: ``{"person_id", "change", "reason"}``."""
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ranking: Mapped[list[Any]] = mapped_column(default=list)
    audit_hash: Mapped[str] = mapped_column(sa.String(64))
    """Hash of the audit entry that records the decision."""


class Appeal(Base):
    """A candidate's appeal against a round's outcome, and HR's answer."""

    __tablename__ = "promotion_appeals"
    __table_args__ = (sa.Index("ix_promotion_appeals_round", "round_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("promotion_rounds.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    """``open`` until HR answers, then ``upheld`` or ``rejected``."""
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by: Mapped[str | None] = mapped_column(sa.String(320))
    answered_at: Mapped[datetime | None]


class SuccessionPlan(Base):
    """A key role and who could take it over."""

    __tablename__ = "succession_plans"
    __table_args__ = (sa.UniqueConstraint("org_id", "role_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    role_name: Mapped[str] = mapped_column(sa.String(200))
    incumbent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL")
    )
    criteria: Mapped[list[Any]] = mapped_column(default=list)
    """Weighted criteria successors are ranked on (same shape as a round's)."""
    created_by: Mapped[str] = mapped_column(sa.String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Successor(Base):
    """A named successor for a key role, with readiness and who judged it."""

    __tablename__ = "successors"
    __table_args__ = (sa.UniqueConstraint("plan_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("succession_plans.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    readiness: Mapped[str] = mapped_column(sa.String(16))
    """``now``, ``1-2y`` or ``3y+``."""
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    set_by: Mapped[str] = mapped_column(sa.String(320))
    set_at: Mapped[datetime]
