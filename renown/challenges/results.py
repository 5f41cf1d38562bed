"""What challenge queries return: frozen views, never live rows (the web serialises them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Prize:
    """One prize of a challenge."""

    kind: str
    """``placement`` or ``checkpoint``."""
    place: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class ScorecardQuestion:
    """One question of a challenge's scorecard."""

    key: str
    text: str
    weight: float
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class ChallengeSummary:
    """A challenge as lists show it."""

    id: int
    title: str
    sponsor_name: str
    kind: str
    skills: list[str]
    phase: str
    phase_label: str
    prize_total_cents: int
    currency: str
    registration_starts_at: datetime
    registration_ends_at: datetime
    submission_ends_at: datetime
    registrants: int
    registered: bool
    """Whether the caller is registered."""
    runs: bool
    """Whether the caller runs it (its sponsor, or an administrator)."""


@dataclass(frozen=True, slots=True)
class SubmissionVersion:
    """One version of a submission, as its author (or the sponsor) sees it."""

    id: int
    version: int
    submitted_at: datetime
    filename: str | None
    size: int
    url: str | None
    public_score: float | None
    counts: bool
    """Whether this is the version that is (or will be) judged."""


@dataclass(frozen=True, slots=True)
class ChallengeDetail:
    """Everything a challenge page shows the caller (what they may not see is empty)."""

    summary: ChallengeSummary
    specification: str
    """Markdown source (pages render it with :func:`renown.challenges.markdown.render`)."""
    prizes: list[Prize]
    scorecard: list[ScorecardQuestion]
    metric: str | None
    public_fraction: float | None
    daily_scored_limit: int | None
    passing_score: float
    file_types: list[str]
    accepts_urls: bool
    max_submission_bytes: int
    checkpoint_at: datetime | None
    review_ends_at: datetime
    appeals_ends_at: datetime
    appeals_window: tuple[datetime, datetime] | None
    """When appeals are (or were) open, once every review is in."""
    cancel_reason: str | None
    completed_at: datetime | None
    is_reviewer: bool
    can_register: bool
    can_submit: bool
    my_submissions: list[SubmissionVersion]
    reviewers: list[str]
    """E-mail addresses of the reviewers (only for whoever runs the challenge)."""
    answer_key_rows: int | None
    """Rows of the answer key (only for whoever runs an automatic challenge)."""


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """A counted submission a reviewer scores (blind: no member named)."""

    submission_id: int
    label: str
    submitted_at: datetime
    filename: str | None
    url: str | None
    size: int
    my_score: float | None
    my_answers: dict[str, float]
    my_comment: str


@dataclass(frozen=True, slots=True)
class AppealView:
    """An appeal and its answer."""

    id: int
    question: str
    text: str
    raised_at: datetime
    outcome: str | None
    response: str | None
    previous_value: float | None
    new_value: float | None


@dataclass(frozen=True, slots=True)
class ReviewView:
    """A review as the caller may read it (members see "Reviewer 1", never who)."""

    id: int
    submission_id: int
    reviewer: str
    member: str | None
    """Whose submission (only for the sponsor)."""
    answers: dict[str, float]
    comment: str
    score: float
    appeals: list[AppealView]


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of a leaderboard or of the final results."""

    rank: int
    member: str
    account_id: int
    score: float | None
    submitted_at: datetime
    place: int | None
    prize_cents: int | None
    passed: bool
