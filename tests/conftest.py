"""Shared fixtures: small generated event frames, never the shared real data."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from renown.core.events import event_key
from renown.ingest.schema import EVENT_SCHEMA

AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def make_events(rows: list[tuple[str | None, str, str]], *, when: datetime = AS_OF) -> pl.DataFrame:
    """Events ``(actor, target, channel)`` all at ``when``, with distinct keys."""
    return pl.DataFrame(
        {
            "event_key": [event_key("t", i) for i in range(len(rows))],
            "actor": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "timestamp": [when] * len(rows),
            "channel": [r[2] for r in rows],
            "kind": ["to"] * len(rows),
            "weight": [1.0] * len(rows),
            "source": ["test"] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


@pytest.fixture
def as_of() -> datetime:
    return AS_OF
