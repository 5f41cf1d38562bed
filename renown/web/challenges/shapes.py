"""Request bodies of the challenges API, and the few answers that differ from the domain's
values (:mod:`renown.challenges.results` and the domain's receipts are answered as they are).

Bodies are strict (:mod:`renown.web.params`): an id, an amount or a flag of the wrong JSON
type is a 422, never silently read as something else. Amounts are whole cents, as the
ledger keeps them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from renown.challenges.judging import MAX_QUESTIONS
from renown.challenges.ledger import MAX_REFERENCE
from renown.challenges.participation import MAX_URL_CHARS
from renown.challenges.phases import Schedule
from renown.challenges.posting import (
    MAX_PRIZE_CENTS,
    MAX_PRIZES,
    MAX_SKILLS,
    MAX_SPEC_CHARS,
    MAX_SUBMISSION_BYTES,
    ChallengeDraft,
)
from renown.challenges.reviews import MAX_APPEAL, MAX_COMMENT
from renown.web.params import MULTI_LINE, SINGLE_LINE, Flag, Moment, Number, Whole

Kind = Literal["design", "development", "data_science", "first_to_finish"]
MetricName = Literal["accuracy", "rmse", "mae"]
Line = Annotated[str, Field(max_length=200), SINGLE_LINE]
Skill = Annotated[str, Field(max_length=50), SINGLE_LINE]
FileType = Annotated[str, Field(max_length=16), SINGLE_LINE]
Cents = Annotated[Whole, Field(ge=1, le=MAX_PRIZE_CENTS)]
Answer = Annotated[Number, Field(ge=-1_000_000, le=1_000_000)]
"""A scorecard value: any question's range lies within these bounds."""


class QuestionIn(BaseModel):
    """One scorecard question, answered with a number between ``min`` and ``max``."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(max_length=64), SINGLE_LINE]
    text: Annotated[str, Field(max_length=300), SINGLE_LINE]
    weight: Annotated[Number, Field(gt=0, le=1000)] = 1.0
    min: Answer = 1.0
    max: Answer = 4.0


class ChallengeIn(BaseModel):
    """A challenge as a sponsor posts it (a new draft, or a draft's new content)."""

    model_config = ConfigDict(extra="forbid")

    title: Line
    specification: Annotated[str, Field(max_length=MAX_SPEC_CHARS), MULTI_LINE] = Field(
        description="Markdown (CommonMark with tables); raw HTML is shown as text"
    )
    kind: Kind
    sponsor_name: Line = Field(description="The organisation or team the challenge is for")
    registration_starts_at: Moment
    registration_ends_at: Moment
    submission_ends_at: Moment
    review_ends_at: Moment | None = Field(
        default=None, description="Reviewed kinds; data science: omit (submissions decide)"
    )
    appeals_ends_at: Moment | None = Field(
        default=None, description="Reviewed kinds; data science: omit"
    )
    checkpoint_at: Moment | None = None
    prizes: list[Cents] = Field(
        max_length=MAX_PRIZES, description="Placement prizes in cents, first place first"
    )
    checkpoint_prizes: list[Cents] = Field(default_factory=list, max_length=MAX_PRIZES)
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)
    scorecard: list[QuestionIn] = Field(
        default_factory=list,
        max_length=MAX_QUESTIONS,
        description="Reviewed kinds; empty: the default scorecard",
    )
    metric: MetricName | None = Field(default=None, description="Data science only")
    public_fraction: Number = Field(
        default=0.3, ge=0.05, le=0.95, description="Data science: the public board"
    )
    daily_scored_limit: Whole = Field(
        default=5, ge=1, le=100, description="Data science: per member per day"
    )
    passing_score: Number = Field(default=75.0, ge=0, le=100)
    currency: Annotated[str, Field(max_length=3), SINGLE_LINE] = "USD"
    max_submission_bytes: Whole = Field(default=10 * 1024 * 1024, ge=1024, le=MAX_SUBMISSION_BYTES)
    file_types: list[FileType] = Field(default_factory=lambda: [".zip", ".pdf"], max_length=20)
    accepts_urls: Flag = True

    def draft(self) -> ChallengeDraft:
        """The domain's draft (review and appeals dates default to the close of submissions,
        which only automatically scored challenges accept)."""
        review = self.review_ends_at or self.submission_ends_at
        return ChallengeDraft(
            title=self.title,
            specification=self.specification,
            kind=self.kind,
            schedule=Schedule(
                registration_starts_at=self.registration_starts_at,
                registration_ends_at=self.registration_ends_at,
                submission_ends_at=self.submission_ends_at,
                review_ends_at=review,
                appeals_ends_at=self.appeals_ends_at or review,
                checkpoint_at=self.checkpoint_at,
            ),
            sponsor_name=self.sponsor_name,
            prizes=tuple(self.prizes),
            checkpoint_prizes=tuple(self.checkpoint_prizes),
            skills=tuple(self.skills),
            scorecard=tuple(q.model_dump() for q in self.scorecard),
            metric=self.metric,
            public_fraction=self.public_fraction,
            daily_scored_limit=self.daily_scored_limit,
            passing_score=self.passing_score,
            currency=self.currency,
            max_submission_bytes=self.max_submission_bytes,
            file_types=tuple(self.file_types),
            accepts_urls=self.accepts_urls,
        )


class ReviewerIn(BaseModel):
    """An account of the organisation to name reviewer, by its sign-in e-mail."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=320), SINGLE_LINE]


class ReasonIn(BaseModel):
    """Why a challenge is cancelled (its members read it)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=500), MULTI_LINE]


class UrlIn(BaseModel):
    """A repository URL submitted as the member's next version."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(max_length=MAX_URL_CHARS), SINGLE_LINE] = Field(
        description="https only, no user name or password in it"
    )


class ScorecardIn(BaseModel):
    """A reviewer's scorecard: every question's answer, and a comment."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[Annotated[str, Field(max_length=64)], Answer] = Field(max_length=MAX_QUESTIONS)
    comment: Annotated[str, Field(max_length=MAX_COMMENT), MULTI_LINE] = ""


class AppealIn(BaseModel):
    """A member's appeal against one answer of a review of their submission."""

    model_config = ConfigDict(extra="forbid")

    question: Annotated[str, Field(max_length=64), SINGLE_LINE]
    text: Annotated[str, Field(max_length=MAX_APPEAL), MULTI_LINE]


class AppealAnswerIn(BaseModel):
    """The reviewer's answer: upheld with the answer's new value, or denied; with a reason."""

    model_config = ConfigDict(extra="forbid")

    upheld: Flag
    new_value: Answer | None = None
    response: Annotated[str, Field(max_length=MAX_APPEAL), MULTI_LINE]


class PaymentIn(BaseModel):
    """The reference of a payment made in the sponsor's own system."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, Field(max_length=MAX_REFERENCE), SINGLE_LINE] = ""


class Created(BaseModel):
    """The id of what was created."""

    id: int


class Registered(BaseModel):
    """Whether this request registered the caller (false: they already were)."""

    registered: bool


class ReviewerAdded(BaseModel):
    """The account now reviewing the challenge."""

    account_id: int


class AnswerKeyRows(BaseModel):
    """Rows read from the answer key just stored."""

    rows: int


class ReviewScore(BaseModel):
    """A review's score on 0-100 after the change."""

    score: float
