"""Every connector renown has, by network name (one line per plugin)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from renown.connectors.base import Connector
from renown.connectors.bluesky import Bluesky
from renown.connectors.github import GitHub
from renown.connectors.mastodon import Mastodon
from renown.connectors.rss import Feeds
from renown.connectors.stackexchange import StackExchange

CONNECTORS: Final[Mapping[str, Connector]] = {
    c.network: c for c in (GitHub(), Mastodon(), Bluesky(), StackExchange(), Feeds())
}
"""The connectors, by :attr:`Connector.network`."""


def connector(network: str) -> Connector:
    """The connector of ``network`` (:class:`KeyError` naming the known ones)."""
    try:
        return CONNECTORS[network]
    except KeyError:
        raise KeyError(f"unknown network {network!r}; known: {', '.join(CONNECTORS)}") from None
