"""A challenge's phases, decided from its dates and its progress (pure: no database).

What a person may do is decided here from the clock at the moment they act, never from the
phase the worker last wrote down: a submission one second after the deadline is refused
even if the worker has not run since. The worker records phase changes (for lists,
notifications and settling the winners), it does not decide them.

Reviewed challenges wait for their reviewers: if the review deadline passes with reviews
missing, the challenge stays in review ("overdue"), and the appeals window, as long as it
was planned, starts when the last review is in. Appeals must all be answered before
winners follow. Automatically scored challenges have no review or appeals: the private
leaderboard decides as soon as submissions close.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from renown.core.errors import Invalid


class Phase(StrEnum):
    """Where a challenge is in its life."""

    DRAFT = "draft"
    """Posted but not published: only its sponsor sees it."""
    SCHEDULED = "scheduled"
    """Published; registration has not opened yet."""
    REGISTRATION = "registration"
    """Members register and submit."""
    SUBMISSION = "submission"
    """Registration closed; registered members still submit."""
    REVIEW = "review"
    """Reviewers fill the scorecard of every member's last submission."""
    APPEALS = "appeals"
    """Members appeal individual answers of their reviews."""
    APPEALS_RESPONSE = "appeals_response"
    """The window closed; reviewers answer the remaining appeals."""
    WINNERS = "winners"
    """Everything is in; the worker is about to record winners and prizes."""
    COMPLETED = "completed"
    """Winners and prizes are recorded."""
    CANCELLED = "cancelled"


PHASE_LABELS = {
    Phase.DRAFT: "Draft",
    Phase.SCHEDULED: "Opens soon",
    Phase.REGISTRATION: "Registration open",
    Phase.SUBMISSION: "Submissions open",
    Phase.REVIEW: "In review",
    Phase.APPEALS: "Appeals",
    Phase.APPEALS_RESPONSE: "Answering appeals",
    Phase.WINNERS: "Deciding winners",
    Phase.COMPLETED: "Completed",
    Phase.CANCELLED: "Cancelled",
}
"""How pages name each phase."""

OPEN_PHASES = frozenset(
    {
        Phase.SCHEDULED,
        Phase.REGISTRATION,
        Phase.SUBMISSION,
        Phase.REVIEW,
        Phase.APPEALS,
        Phase.APPEALS_RESPONSE,
        Phase.WINNERS,
    }
)
"""Published phases before the end (what the worker looks at)."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """The planned dates of a challenge, all timezone-aware."""

    registration_starts_at: datetime
    registration_ends_at: datetime
    submission_ends_at: datetime
    review_ends_at: datetime
    appeals_ends_at: datetime
    checkpoint_at: datetime | None = None

    def problems(self, *, automatic: bool) -> list[tuple[str, str]]:
        """``(field, reason)`` for every date out of order (empty when the plan holds)."""
        found: list[tuple[str, str]] = []
        if self.registration_ends_at <= self.registration_starts_at:
            found.append(("registration_ends_at", "must come after registration opens"))
        if self.submission_ends_at < self.registration_ends_at:
            found.append(("submission_ends_at", "must not come before registration closes"))
        if automatic:
            return found + self._checkpoint_problems()
        if self.review_ends_at <= self.submission_ends_at:
            found.append(("review_ends_at", "must come after submissions close"))
        if self.appeals_ends_at <= self.review_ends_at:
            found.append(("appeals_ends_at", "must come after the review closes"))
        return found + self._checkpoint_problems()

    def _checkpoint_problems(self) -> list[tuple[str, str]]:
        at = self.checkpoint_at
        if at is None:
            return []
        if not self.registration_starts_at < at < self.submission_ends_at:
            return [
                ("checkpoint_at", "must fall between registration opening and submissions closing")
            ]
        return []

    def check(self, *, automatic: bool) -> None:
        """Raise :class:`Invalid` naming the first date out of order."""
        for name, reason in self.problems(automatic=automatic):
            words = name.removesuffix("_at").replace("_", " ")  # "registration ends"
            raise Invalid(f"{words} {reason}", field=name)

    @property
    def appeals_length(self) -> timedelta:
        """How long the appeals window was planned to be."""
        return self.appeals_ends_at - self.review_ends_at


@dataclass(frozen=True, slots=True)
class Progress:
    """What has happened that the dates alone do not say."""

    published: bool
    cancelled: bool
    settled: bool
    automatic: bool
    reviews_done_at: datetime | None = None
    """When the last missing review came in (None: reviews are still missing)."""
    open_appeals: int = 0


def appeals_window(schedule: Schedule, reviews_done_at: datetime) -> tuple[datetime, datetime]:
    """The appeals window: as planned, or as long as planned from a late last review."""
    start = max(schedule.review_ends_at, reviews_done_at)
    return start, start + schedule.appeals_length


def phase_at(schedule: Schedule, progress: Progress, now: datetime) -> Phase:
    """The phase a challenge is in at ``now``."""
    if progress.cancelled:
        return Phase.CANCELLED
    if not progress.published:
        return Phase.DRAFT
    if progress.settled:
        return Phase.COMPLETED
    if now < schedule.registration_starts_at:
        return Phase.SCHEDULED
    if now < schedule.registration_ends_at:
        return Phase.REGISTRATION
    if now < schedule.submission_ends_at:
        return Phase.SUBMISSION
    if progress.automatic:
        return Phase.WINNERS
    if now < schedule.review_ends_at or progress.reviews_done_at is None:
        return Phase.REVIEW
    _, appeals_end = appeals_window(schedule, progress.reviews_done_at)
    if now < appeals_end:
        return Phase.APPEALS
    if progress.open_appeals:
        return Phase.APPEALS_RESPONSE
    return Phase.WINNERS


def require_phase(current: Phase, allowed: set[Phase] | frozenset[Phase], action: str) -> None:
    """Refuse ``action`` outside ``allowed``, saying which phase the challenge is in."""
    if current not in allowed:
        wanted = " or ".join(PHASE_LABELS[p].lower() for p in sorted(allowed))
        raise Invalid(
            f"{action} is not possible now: the challenge is {PHASE_LABELS[current].lower()}"
            f" (allowed while {wanted})"
        )
