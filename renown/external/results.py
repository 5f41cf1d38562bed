"""What the external prominence queries and actions return (frozen, for pages and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class LinkedAccount:
    """A public account a person linked, as its owner (or HR) sees it."""

    id: int
    network: str
    """``github``, ``mastodon``, ``bluesky``, ``stackexchange`` or ``rss``."""
    network_label: str
    handle: str
    url: str
    display_name: str
    status: str
    """``pending`` until proven, then ``verified``."""
    verified_by: str | None
    """``oauth``, ``bio``, ``post`` or ``import``."""
    verification_code: str | None
    """The code to place in the bio or a post (shown to the owner while pending only)."""
    proofs: tuple[str, ...]
    """How this network's accounts can be proven."""
    last_pulled_at: datetime | None
    resume_at: datetime | None
    """When a rate-limited pull continues."""
    last_error: str | None
    items: int
    """Items pulled (repositories, posts, answers, entries)."""
    events: int
    """Interactions pulled."""


@dataclass(frozen=True)
class ExternalScoreView:
    """One stored external score (a network's or the combined one) and its explanation."""

    network: str
    network_label: str
    score: int
    observed_on: date
    explanation: dict[str, Any]
    """Network scores: ``engine_score``, ``rank``, ``population``, ``components``,
    ``audiences`` (accounts driving it), ``anonymous_share``, ``top_items``, ``sentence``.
    Combined: ``shares`` (network, percentile, points, largest first) and ``sentence``."""


@dataclass(frozen=True)
class MyNetworks:
    """A person's page of linked accounts and external scores."""

    person_id: int
    accounts: tuple[LinkedAccount, ...]
    scores: tuple[ExternalScoreView, ...]
    """Combined first, then each network (the latest day's)."""
    bulk_consent: bool
    """Whether HR may link this person's accounts from a file."""
    networks: tuple[tuple[str, str, tuple[str, ...]], ...]
    """Every network renown connects to: (name, label, proofs)."""
    oauth_networks: tuple[str, ...]
    """Networks whose OAuth sign-in this installation has set up."""


@dataclass(frozen=True)
class ImportedLinks:
    """What HR's file of links did."""

    added: int
    unchanged: int


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh pulled and scored."""

    accounts: int
    pulled_events: int
    pulled_items: int
    failed: tuple[str, ...]
    """``network:handle: reason`` for each account whose pull failed (nothing kept of it)."""
    paused: tuple[str, ...]
    """``network:handle until <time>`` for each account a rate limit paused."""
    scored_people: int
    networks: tuple[str, ...]
