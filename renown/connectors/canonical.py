"""Pulled events as canonical events on the network's ``social:<network>`` channel."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from renown.connectors.base import SocialEvent, channel
from renown.core.events import EventColumn, event_key
from renown.ingest.schema import EVENT_SCHEMA, empty_events


def to_events(network: str, pulled: Iterable[SocialEvent]) -> pl.DataFrame:
    """The canonical frame of ``pulled``.

    Event keys hash the network, the target and the connector's key: a follower id is unique
    among one account's followers, not across the network, and two linked people's pulls
    meet in one graph.
    """
    rows = [
        {
            EventColumn.EVENT_KEY: event_key("social", network, e.target, e.key),
            EventColumn.ACTOR: e.actor,
            EventColumn.TARGET: e.target,
            EventColumn.TIMESTAMP: e.timestamp,
            EventColumn.CHANNEL: channel(network),
            EventColumn.KIND: e.kind,
            EventColumn.WEIGHT: e.weight,
            EventColumn.SOURCE: f"connector:{network}",
        }
        for e in pulled
    ]
    if not rows:
        return empty_events()
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)
