"""Replaying the Mastodon, Bluesky and feed recordings with a frozen clock and no waiting."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from renown.connectors.base import Connector, SocialEvent
from renown.connectors.http import ApiClient
from renown.connectors.pull import PullOutcome
from renown.connectors.replay import Replay
from renown.core.clock import FixedClock

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _same(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.netloc.lower(), pa.path, frozenset(parse_qsl(pa.query))) == (
        pb.netloc.lower(),
        pb.path,
        frozenset(parse_qsl(pb.query)),
    )


def recording(network: str, name: str) -> list[dict[str, Any]]:
    """The exchanges of ``fixtures/<network>/<name>.json``."""
    path = FIXTURES / network / f"{name}.json"
    exchanges: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["exchanges"]
    return exchanges


def answers(network: str, name: str, url: str) -> list[dict[str, Any]]:
    """The recorded answers for ``url``, in order."""
    return [e["response"] for e in recording(network, name) if _same(e["request"]["url"], url)]


def replay(
    network: str,
    name: str,
    overrides: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Replay:
    """The recording, with the answers for some addresses replaced (in order) by others."""
    overrides = overrides or {}
    kept = [
        e
        for e in recording(network, name)
        if not any(_same(e["request"]["url"], url) for url in overrides)
    ]
    for url, answers in overrides.items():
        kept.extend({"request": {"method": "GET", "url": url}, "response": a} for a in answers)
    return Replay(kept)


def client_for(
    connector: Connector, handle: str, recorded: Replay, *, max_wait: float = 60.0
) -> tuple[ApiClient, list[float]]:
    """The connector's client on ``recorded``, at :data:`NOW`, noting each sleep."""
    client = connector.client(handle, transport=recorded.transport())
    client.clock = FixedClock(NOW)
    sleeps: list[float] = []
    client.sleep = sleeps.append
    client.max_wait = max_wait
    return client, sleeps


def by_key(outcome: PullOutcome) -> dict[str, SocialEvent]:
    """The outcome's events by key."""
    return {e.key: e for e in outcome.events}
