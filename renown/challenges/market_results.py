"""What the marketplace and member profiles return: frozen views, never live rows.

The web layer serialises these as they are (attribute docstrings become the API's
descriptions), so a field added here is a field every client sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from renown.challenges.ratings.classic import ClassicRating

Availability = Literal["available", "limited", "unavailable"]
AVAILABILITIES: Final[tuple[str, ...]] = ("available", "limited", "unavailable")
InvitationStatus = Literal["sent", "accepted", "declined", "withdrawn"]


@dataclass(frozen=True, slots=True)
class CurrentRating:
    """A member's rating now."""

    display: int
    """The conservative rating shown everywhere: ``1000 + 40 (mu - 3 sigma)`` (a newcomer
    shows 1000; see :func:`renown.challenges.rating_update.display_rating`)."""
    mu: float
    sigma: float
    contests: int
    """Rated challenges the rating has learnt from."""


@dataclass(frozen=True, slots=True)
class RatingPoint:
    """The member's rating right after one rated challenge (one point of the chart)."""

    at: datetime
    challenge_id: int
    challenge_title: str
    display: int
    mu: float
    sigma: float
    rank: int


@dataclass(frozen=True, slots=True)
class PrizeTotal:
    """Prizes won in one currency."""

    currency: str
    owed_cents: int
    """Every prize won, paid or not."""
    paid_cents: int


@dataclass(frozen=True, slots=True)
class ChallengeRecord:
    """A member's standing in one completed challenge."""

    challenge_id: int
    title: str
    rank: int
    place: int | None
    passed: bool
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ChallengeTally:
    """Counts of a member's completed challenges."""

    completed: int
    """Challenges they were ranked in (they submitted)."""
    wins: int
    """First places with a passing submission."""
    podiums: int
    """Top-three finishes with a passing submission."""
    placed: int
    """Prize placements (any place)."""


@dataclass(frozen=True, slots=True)
class EarnedBadge:
    """A challenge badge a member earned, from the organisation's badge rules."""

    id: str
    name: str
    tier: str
    description: str
    awarded_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """A sponsor's word on the member's work in one challenge."""

    id: int
    challenge_id: int
    challenge_title: str
    sponsor_name: str
    """The organisation or team the challenge was for (never the sponsor's account)."""
    stars: int
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MemberProfileView:
    """A member's profile as the caller may see it."""

    account_id: int
    display_name: str
    headline: str
    skills: list[str]
    availability: str
    listed: bool
    is_me: bool
    """Whether the caller is this member (and may edit the profile)."""
    rating: CurrentRating | None
    """None until a rated challenge."""
    history: list[RatingPoint]
    tally: ChallengeTally
    results: list[ChallengeRecord]
    """Newest first."""
    prizes: list[PrizeTotal]
    badges: list[EarnedBadge]
    feedback: list[FeedbackView]
    """Newest first."""
    mean_stars: float | None
    classic: ClassicRating | None
    """The classic (TopCoder-style) view of the same results: shown, never used to rank."""


@dataclass(frozen=True, slots=True)
class MarketRow:
    """One member in the marketplace's search results."""

    account_id: int
    display_name: str
    headline: str
    skills: list[str]
    availability: str
    rating: int | None
    """Display rating (None for members never rated; they come after every rated one)."""
    contests: int
    wins: int


@dataclass(frozen=True, slots=True)
class MarketPage:
    """One page of marketplace results, best rated first."""

    rows: list[MarketRow]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class InvitationView:
    """An invitation to private work, as either side sees it."""

    id: int
    sponsor_account_id: int
    sponsor: str
    """The inviting account's e-mail address (the member answers a real person)."""
    member_account_id: int
    member: str
    """The member's display name."""
    title: str
    message: str
    status: str
    created_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class InvitationLists:
    """The caller's invitations: those received (members) and those sent (sponsors)."""

    received: list[InvitationView]
    sent: list[InvitationView]
    sent_today: int
    """Invitations the caller sent in the last 24 hours (the daily cap counts these)."""
    daily_cap: int
