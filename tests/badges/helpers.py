"""Tiny fact frames for the badge tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from renown.badges import conform_facts

DAY0 = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def at(day: float) -> datetime:
    """``day`` days after DAY0 (fractions are hours)."""
    return DAY0 + timedelta(days=day)


def fact(
    user: str,
    name: str,
    day: float,
    *,
    actor: str | None = None,
    item: str | None = None,
    value: float | None = 1.0,
    channel: str | None = None,
    **extra: float | None,
) -> dict[str, Any]:
    return {
        "subject_user": user,
        "fact": name,
        "at": at(day),
        "actor": actor,
        "item": item,
        "channel": channel,
        "value": value,
        **extra,
    }


def facts(*rows: dict[str, Any]) -> pl.DataFrame:
    """A conformed fact frame; extra keys become Float64 columns (missing = null)."""
    extra = sorted(
        {k for row in rows for k in row}
        - {"subject_user", "fact", "at", "actor", "item", "channel", "value"}
    )
    full = [{**{k: None for k in extra}, **row} for row in rows]
    schema: dict[str, Any] = {
        "subject_user": pl.String,
        "fact": pl.String,
        "at": pl.Datetime("us", "UTC"),
        "actor": pl.String,
        "item": pl.String,
        "channel": pl.String,
        "value": pl.Float64,
        **{k: pl.Float64 for k in extra},
    }
    return conform_facts(pl.DataFrame(full, schema=schema))
