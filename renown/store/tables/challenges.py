"""Crowdsourced challenges: postings, registrations, submissions, reviews, appeals, results,
the prize ledger, skill ratings and the talent marketplace.

A challenge belongs to the organisation that runs the community; its sponsor is the account
that posted it (``sponsor_name`` says which organisation or team it is for). Everything a
challenge holds goes with it (``ON DELETE CASCADE``). Participants are accounts, not people:
community members have no place in the org chart, while staff who take part are found
through their account's person (how ratings reach the promotion boards).

Submission files and answer keys are kept in the database, not on a disk beside it, so a
submission and the row that names it are written in one transaction, and backups hold both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from renown.store.base import Base, utcnow


def _account(ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey("accounts.id", ondelete=ondelete)


class Challenge(Base):
    """A posted challenge: what is asked, how it is judged, its prizes' currency and phases."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    sponsor_account_id: Mapped[int | None] = mapped_column(_account("SET NULL"), index=True)
    sponsor_name: Mapped[str] = mapped_column(sa.String(200))
    """The organisation, or the team inside one, that the challenge is for."""
    title: Mapped[str] = mapped_column(sa.String(200))
    specification: Mapped[str] = mapped_column(sa.Text)
    """Markdown, rendered without raw HTML."""
    kind: Mapped[str] = mapped_column(sa.String(32))
    """``design``, ``development``, ``data_science`` (scored automatically) or
    ``first_to_finish``."""
    skills: Mapped[list[Any]] = mapped_column(default=list)
    scorecard: Mapped[list[Any]] = mapped_column(default=list)
    """Questions: ``{"key", "text", "weight", "min", "max"}``; empty for automatic scoring."""
    metric: Mapped[str | None] = mapped_column(sa.String(32))
    """Automatic scoring only: ``accuracy``, ``rmse`` or ``mae``."""
    public_fraction: Mapped[float] = mapped_column(default=0.3)
    """Share of the answer key's rows behind the public leaderboard (the rest decide)."""
    daily_scored_limit: Mapped[int] = mapped_column(default=5)
    """Automatic scoring: submissions scored per member per UTC day."""
    passing_score: Mapped[float] = mapped_column(default=75.0)
    """Reviewed challenges: the final score (0-100) a submission needs to place."""
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    max_submission_bytes: Mapped[int] = mapped_column(default=10 * 1024 * 1024)
    file_types: Mapped[list[Any]] = mapped_column(default=list)
    """Accepted file extensions (``.zip``, ``.pdf``...); empty: repository URLs only."""
    accepts_urls: Mapped[bool] = mapped_column(default=True)
    registration_starts_at: Mapped[datetime]
    registration_ends_at: Mapped[datetime]
    checkpoint_at: Mapped[datetime | None]
    """Submissions before this instant compete for the checkpoint prizes."""
    submission_ends_at: Mapped[datetime]
    review_ends_at: Mapped[datetime]
    appeals_ends_at: Mapped[datetime]
    reviewers_changed_at: Mapped[datetime | None]
    """When a reviewer was last named or removed during the review: the review cannot have
    been complete before it (the appeals window never starts in the past)."""
    phase: Mapped[str] = mapped_column(sa.String(32), default="draft", index=True)
    """The last phase the worker recorded (what is allowed is decided from the dates)."""
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengePrize(Base):
    """One prize: a placement (1st, 2nd...) or a checkpoint prize, in the challenge's currency."""

    __tablename__ = "challenge_prizes"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "kind", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    """``placement`` or ``checkpoint``."""
    place: Mapped[int]
    amount_cents: Mapped[int]


class ChallengeReviewer(Base):
    """An account the sponsor asked to review the challenge's submissions."""

    __tablename__ = "challenge_reviewers"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(_account(), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengeRegistration(Base):
    """A member registered for a challenge (only registrants may submit)."""

    __tablename__ = "challenge_registrations"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(_account(), primary_key=True, index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengeSubmission(Base):
    """One version of a member's submission: a file (kept here) or a repository URL."""

    __tablename__ = "challenge_submissions"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "account_id", "version"),
        sa.Index("ix_challenge_submissions_member", "challenge_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(_account())
    version: Mapped[int]
    submitted_at: Mapped[datetime]
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    url: Mapped[str | None] = mapped_column(sa.String(500))
    public_score: Mapped[float | None]
    """Automatic scoring: the metric on the public rows (shown on the public board)."""
    private_score: Mapped[float | None]
    """Automatic scoring: the metric on the private rows (hidden until winners are out)."""
    scored: Mapped[bool] = mapped_column(default=False)
    """Whether this version counted against the member's daily scoring limit."""


class ChallengeAnswerKey(Base):
    """The hidden answer key of an automatically scored challenge (never shown to members)."""

    __tablename__ = "challenge_answer_keys"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    rows: Mapped[int]
    split_salt: Mapped[str] = mapped_column(sa.String(64))
    """Secret seed of the public/private split of the rows."""
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengeReview(Base):
    """One reviewer's scorecard for one submission."""

    __tablename__ = "challenge_reviews"
    __table_args__ = (sa.UniqueConstraint("submission_id", "reviewer_account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge_submissions.id", ondelete="CASCADE")
    )
    reviewer_account_id: Mapped[int] = mapped_column(_account())
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Question key to the value given (within that question's range)."""
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    score: Mapped[float]
    """The weighted scorecard on 0-100, after answered appeals."""
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChallengeAppeal(Base):
    """A member's appeal against one answer of a review, and the reviewer's response."""

    __tablename__ = "challenge_appeals"
    __table_args__ = (sa.UniqueConstraint("review_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge_reviews.id", ondelete="CASCADE")
    )
    question: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    raised_at: Mapped[datetime]
    response: Mapped[str | None] = mapped_column(sa.Text)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    """``upheld`` (the answer changed) or ``denied``; empty while unanswered."""
    previous_value: Mapped[float | None]
    new_value: Mapped[float | None]
    answered_at: Mapped[datetime | None]


class ChallengeResult(Base):
    """A member's final standing in a completed challenge."""

    __tablename__ = "challenge_results"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(_account(), primary_key=True, index=True)
    submission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenge_submissions.id", ondelete="SET NULL")
    )
    score: Mapped[float | None]
    rank: Mapped[int]
    """1 for the best; everyone who submitted is ranked, placed or not."""
    place: Mapped[int | None]
    """The prize placement won (None: no placement)."""
    passed: Mapped[bool]
    decided_at: Mapped[datetime]


class PrizeLedgerEntry(Base):
    """A prize owed to a member, and when (and by whom) its payment was recorded."""

    __tablename__ = "prize_ledger"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "kind", "place", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(_account(), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    place: Mapped[int]
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    owed_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    paid_by_account_id: Mapped[int | None] = mapped_column(_account("SET NULL"))
    reference: Mapped[str | None] = mapped_column(sa.String(200))
    """The payment's reference in the sponsor's own system (renown moves no money)."""


class SkillRating(Base):
    """A member's current Weng-Lin rating (mean and uncertainty)."""

    __tablename__ = "skill_ratings"

    account_id: Mapped[int] = mapped_column(_account(), primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    mu: Mapped[float]
    sigma: Mapped[float]
    contests: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]


class RatingHistory(Base):
    """A member's rating after one rated challenge (the rating chart's points)."""

    __tablename__ = "rating_history"
    __table_args__ = (sa.UniqueConstraint("account_id", "challenge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account(), index=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    mu: Mapped[float]
    sigma: Mapped[float]
    rank: Mapped[int]
    at: Mapped[datetime]


class MemberProfile(Base):
    """What a member shows the marketplace: headline, skills, availability."""

    __tablename__ = "member_profiles"
    __table_args__ = (sa.UniqueConstraint("org_id", "name_key"),)

    account_id: Mapped[int] = mapped_column(_account(), primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(sa.String(100))
    name_key: Mapped[str] = mapped_column(sa.String(100))
    """The display name case-folded: unique in the organisation, so two members racing for
    one name cannot both have it (set from ``display_name``, never by hand)."""
    headline: Mapped[str] = mapped_column(sa.String(200), default="")
    skills: Mapped[list[Any]] = mapped_column(default=list)
    availability: Mapped[str] = mapped_column(sa.String(16), default="available")
    """``available``, ``limited`` or ``unavailable``."""
    listed: Mapped[bool] = mapped_column(default=True)
    """Whether sponsors find the member in the marketplace."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @validates("display_name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = value.casefold()
        return value


class MarketplaceInvitation(Base):
    """A sponsor's invitation to a member to do private work, and the member's answer."""

    __tablename__ = "marketplace_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    sponsor_account_id: Mapped[int] = mapped_column(_account(), index=True)
    member_account_id: Mapped[int] = mapped_column(_account(), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="sent")
    """``sent``, ``accepted``, ``declined`` or ``withdrawn``."""
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class SponsorFeedback(Base):
    """A sponsor's word on a member's work in one of its challenges (shown on the profile)."""

    __tablename__ = "sponsor_feedback"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "member_account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    sponsor_account_id: Mapped[int | None] = mapped_column(_account("SET NULL"))
    member_account_id: Mapped[int] = mapped_column(_account(), index=True)
    stars: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime]
