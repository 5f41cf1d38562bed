"""The one interface every network's connector implements, and what a pull returns.

A connector turns a network's public API into renown's vocabulary:

* :class:`PublicProfile`: who the account is (its stable id, bio text for the
  verification code, its audience size);
* :class:`PulledItem`: what the person published (repositories, statuses, posts, answers,
  blog entries) with the engagement each drew, so an explanation can say *which posts*;
* :class:`SocialEvent`: who interacted with whom and when, on the network's own accounts
  (``github:octocat``). Where an API hides who engaged (a star count, a Stack Exchange
  vote, a blog's comment count), the event has no actor: anonymous engagement counts
  toward reach but adds no edge, exactly like a public upvote inside the organisation.

:meth:`Connector.pull` yields :class:`Checkpoint`\\ s, one per complete page: the runner
(:mod:`renown.connectors.pull`) keeps a checkpoint only once it is whole, and stores the
``state`` of the last one so that the next pull resumes there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

import httpx

from renown.connectors.http import ApiClient


@dataclass(frozen=True)
class PublicProfile:
    """A public account as its network describes it."""

    network: str
    handle: str
    """The canonical handle (what the person typed, normalised): the account's node name."""
    external_id: str
    """The network's stable id (a rename keeps it)."""
    display_name: str
    bio: str
    """Plain text of the public bio (where a verification code may be placed)."""
    url: str
    audience: int | None = None
    """Followers (or the network's nearest equivalent), when the API says."""


@dataclass(frozen=True)
class PulledItem:
    """Something the person published, with the engagement it drew."""

    key: str
    """Stable within the network (``repo:1296269``, a status id, an at:// URI)."""
    kind: str
    title: str
    url: str
    created_at: datetime
    engagement: Mapping[str, int] = field(default_factory=dict)
    """Counts by kind (``stars``, ``forks``, ``replies``, ``boosts``, ``likes``, ``score``...)."""


@dataclass(frozen=True)
class SocialEvent:
    """One interaction on the network; ``actor`` is ``None`` for anonymous engagement."""

    key: str
    """Unique within the network, stable across pulls (re-pulling adds nothing)."""
    actor: str | None
    target: str
    timestamp: datetime
    kind: str
    weight: float = 1.0
    item: str | None = None
    """The :attr:`PulledItem.key` the interaction was about, if any."""


@dataclass(frozen=True)
class Checkpoint:
    """One complete page of a pull and the state to resume after it."""

    events: tuple[SocialEvent, ...] = ()
    items: tuple[PulledItem, ...] = ()
    state: Mapping[str, Any] = field(default_factory=dict)


class Connector(Protocol):
    """A network's connector: a plugin registered in :mod:`renown.connectors.registry`."""

    network: ClassVar[str]
    """Short lowercase name: the channel is ``social:<network>``."""
    label: ClassVar[str]
    verification: ClassVar[tuple[str, ...]]
    """How a person proves the account is theirs: ``oauth``, ``bio`` and/or ``post``."""

    def parse_handle(self, text: str) -> str:
        """The canonical handle for what a person typed, or :class:`ValueError` with why."""
        ...

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client of the API that serves ``handle`` (a Mastodon handle names its server)."""
        ...

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """The account's public profile (:class:`~renown.connectors.errors.AccountNotFound`)."""
        ...

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """The texts of the account's newest public posts (for verification by a post)."""
        ...

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """The account's public activity from ``since`` on, page by page, from ``state``."""
        ...


def node(network: str, handle: str) -> str:
    """The graph's name for an account: ``github:octocat``."""
    return f"{network}:{handle}"


def channel(network: str) -> str:
    """The canonical channel of a network's events: ``social:github``."""
    return f"social:{network}"
