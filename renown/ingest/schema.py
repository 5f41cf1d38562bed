"""Columnar form of the canonical event schema (see :mod:`renown.core.events`)."""

from __future__ import annotations

from typing import Final

import polars as pl

from renown.core.events import EventColumn

EVENT_SCHEMA: Final[dict[str, pl.DataType]] = {
    EventColumn.EVENT_KEY: pl.String(),
    EventColumn.ACTOR: pl.String(),
    EventColumn.TARGET: pl.String(),
    EventColumn.TIMESTAMP: pl.Datetime("us", "UTC"),
    EventColumn.CHANNEL: pl.String(),
    EventColumn.KIND: pl.String(),
    EventColumn.WEIGHT: pl.Float64(),
    EventColumn.SOURCE: pl.String(),
}
"""Polars dtypes of the canonical event frame, in column order."""


def empty_events() -> pl.DataFrame:
    """Return an empty frame with the canonical schema."""
    return pl.DataFrame(schema=EVENT_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast the canonical columns, in order.

    Readers build frames with the right names; this guarantees the exact dtypes so that
    frames from different readers concatenate and Parquet files share one schema.
    """
    return frame.select(
        [pl.col(name).cast(dtype, strict=True) for name, dtype in EVENT_SCHEMA.items()]
    )
