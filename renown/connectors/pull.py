"""Running a connector's pull: whole pages or nothing, resumable after a rate limit.

The rules a person can rely on:

* A page is kept only once the connector has read all of it (a :class:`Checkpoint`).
* A malformed response anywhere aborts the pull and **nothing** of it is kept: the error
  (:class:`~renown.connectors.errors.MalformedResponse`) names network, address, record
  and field; the stored state is not moved, so the next pull starts where the last good
  one ended.
* A rate limit longer than the client may wait keeps every complete page, stores the last
  page's state and says when to resume (:attr:`PullOutcome.resume_at`).
* Items and events are deduplicated by key, so resuming and re-pulling add nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from renown.connectors.base import Connector, PublicProfile, PulledItem, SocialEvent
from renown.connectors.errors import RateLimited
from renown.connectors.http import ApiClient


@dataclass(frozen=True)
class PullOutcome:
    """What a pull brought back, and where the next one resumes."""

    events: tuple[SocialEvent, ...]
    items: tuple[PulledItem, ...]
    state: Mapping[str, Any]
    resume_at: datetime | None
    """Set when a rate limit stopped the pull early (the pages before it are kept)."""
    requests: int

    @property
    def complete(self) -> bool:
        """Whether the pull reached the end of everything it was asked for."""
        return self.resume_at is None


def run_pull(
    connector: Connector,
    client: ApiClient,
    profile: PublicProfile,
    state: Mapping[str, Any],
    *,
    since: datetime,
) -> PullOutcome:
    """Pull ``profile``'s activity from ``since`` on, starting from ``state``."""
    events: dict[str, SocialEvent] = {}
    items: dict[str, PulledItem] = {}
    current: Mapping[str, Any] = dict(state)
    resume_at = None
    try:
        for checkpoint in connector.pull(client, profile, current, since=since):
            for event in checkpoint.events:
                events.setdefault(event.key, event)
            for item in checkpoint.items:
                items[item.key] = item
            current = dict(checkpoint.state)
    except RateLimited as limit:
        resume_at = limit.resume_at
    return PullOutcome(
        tuple(events.values()), tuple(items.values()), current, resume_at, client.requests
    )
