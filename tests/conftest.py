"""Shared fixtures: small generated event frames, never the shared real data."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests in ``tests/realdata`` or in ``test_realdata*.py`` files carry the realdata mark."""
    for item in items:
        path = str(item.path)
        if "/realdata/" in path or item.path.name.startswith("test_realdata"):
            item.add_marker(pytest.mark.realdata)


@pytest.fixture
def data_home() -> Path:
    """The folder of public data sets named by RENOWN_DATA_HOME.

    Skips when the variable is unset (a developer machine without the data); when it is set,
    a missing folder fails loudly instead of skipping, so CI can never pass vacuously.
    """
    value = os.environ.get("RENOWN_DATA_HOME")
    if not value:
        pytest.skip("RENOWN_DATA_HOME is not set")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"RENOWN_DATA_HOME={value} is not a folder")
    return path
