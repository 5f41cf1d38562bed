"""Scoring runs and the per-person score snapshots they produced.

A run row records what is needed to reproduce it (parameters, input fingerprint, code
version) and a snapshot row keeps each person's score with its full explanation, so that
a profile page shows exactly what the run computed, and history over runs gives trends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class ScoringRun(Base):
    """One prominence scoring run for an organisation."""

    __tablename__ = "scoring_runs"
    __table_args__ = (sa.Index("ix_scoring_runs_org_finished", "org_id", "finished_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    run_key: Mapped[str] = mapped_column(sa.String(64))
    """Deterministic id of the run from its inputs and parameters."""
    status: Mapped[str] = mapped_column(sa.String(16), default="done")
    as_of: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    input_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    code_version: Mapped[str] = mapped_column(sa.String(32))
    input_events: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    people_scored: Mapped[int] = mapped_column(default=0)
    people_matched: Mapped[int] = mapped_column(default=0)
    """How many scored identities belong to a known person of the organisation."""
    events_matched: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    """Events scored whose people the org chart knows under the names the events use."""
    events_mapped: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    """Events scored after an uploader mapped one of their identifiers to a person."""
    events_ignored: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    """Events left out because an uploader chose to ignore one of their identifiers."""
    events_unmatched: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    """Events left out because one of their identifiers matches nobody yet."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ScoreSnapshot(Base):
    """A person's score in one run, with the explanation shown on their profile."""

    __tablename__ = "score_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "person_id"),
        sa.Index("ix_score_snapshots_run_score", "run_id", "score"),
        sa.Index("ix_score_snapshots_run_rank", "run_id", "rank"),
        sa.Index("ix_score_snapshots_person_run", "person_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    score: Mapped[int]
    score_exact: Mapped[float]
    rank: Mapped[int]
    trend: Mapped[float | None]
    components: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Component name -> points, for bars and leaderboards without parsing explanations."""
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ScoringWeights(Base):
    """Component weights an organisation chose for its scoring runs, instead of the defaults.

    One row per organisation at most; no row means the default weights. The provenance (the
    labels, the held-out gain) is kept beside the weights so that every run scored with them
    can record why its weights are what they are; who chose them is in the audit log, which
    erasure knows how to redact, so this row names nobody.
    """

    __tablename__ = "scoring_weights"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Component name -> weight (non-negative, summing to 1)."""
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Where the weights came from: ``source`` (``tuned`` or ``file``) and what justified them."""
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
