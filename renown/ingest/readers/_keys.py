"""Vectorised event keys that equal :func:`renown.core.events.event_key` row by row.

Readers key millions of rows; calling ``event_key`` with Python objects per row would
spend most of the time building strings. Here polars builds the joined text exactly as
``event_key`` would (``None`` -> ``""``, datetimes as ``str(datetime)``, integers as
``str(int)``) and a compiled kernel hashes the whole column (see :mod:`._blake2b`), so keys
stay interchangeable with ones computed elsewhere by ``event_key``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.ingest.readers._blake2b import blake2b_hex, content_key_hex

_SEPARATOR = "\x1f"
_ROW_HASH_SEED = 0x5EED


def timestamp_text(column: str) -> pl.Expr:
    """Text of a UTC timestamp column exactly as ``str(datetime)`` renders it.

    ``str`` omits the fraction when the microseconds are zero, so two formats are needed.
    """
    naive = pl.col(column).dt.replace_time_zone(None)
    return (
        pl.when(naive.dt.microsecond() == 0)
        .then(naive.dt.strftime("%Y-%m-%d %H:%M:%S+00:00"))
        .otherwise(naive.dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00:00"))
    )


def occurrence(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """1-based occurrence number of each row's ``columns`` tuple, in file order.

    Genuine duplicate rows get ordinals 1, 2, ... so that both are kept, while re-reading
    the same file reproduces the same ordinals. Comparing whole tuples across ten million
    rows costs seconds, and nearly every tuple is unique: so polars first hashes each row
    to 64 bits (vectorised), one sort finds the hashes seen more than once, and only those
    candidate rows are compared and ranked exactly. A hash collision can only add a
    candidate, never change an ordinal.
    """
    height = frame.height
    ones = pl.Series("ordinal", np.ones(height, dtype=np.int64))
    if height == 0:
        return ones
    hashes = frame.select(list(columns)).hash_rows(seed=_ROW_HASH_SEED).to_numpy()
    candidates = np.flatnonzero(repeated(hashes))
    if candidates.size == 0:
        return ones
    subset = frame[candidates].select(list(columns))
    duplicated = subset.is_duplicated()
    if not duplicated.any():
        return ones
    ranked = (
        subset.with_columns(pl.Series("_row", candidates))
        .filter(duplicated)
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(list(columns)).alias("_n"))
    )
    return ones.scatter(ranked["_row"], ranked["_n"])


def repeated(hashes: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Mask of the entries of ``hashes`` whose value occurs more than once.

    One sort (numpy's, vectorised) finds the repeated values; they are few, so marking
    their rows is a cheap membership test.
    """
    ordered = np.sort(hashes)
    repeats = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeats.size == 0:
        return np.zeros(hashes.size, dtype=np.bool_)
    return np.isin(hashes, np.unique(repeats))


def hash_parts(frame: pl.DataFrame, parts: Sequence[pl.Expr]) -> pl.Series:
    """Return ``event_key(*parts)`` for every row of ``frame`` as a String series.

    Each expression in ``parts`` must already evaluate to the text ``event_key`` would
    use for that part (see :func:`timestamp_text`); nulls become empty text.
    """
    joined = frame.select(
        pl.concat_str([p.cast(pl.String).fill_null("") for p in parts], separator=_SEPARATOR)
    ).to_series()
    return blake2b_hex(joined, name="event_key")


CONTENT_COLUMNS = ("actor", "target", "timestamp", "channel", "kind")
"""The canonical fields that identify an event that has no native id."""


def without_copies(events: pl.DataFrame) -> pl.DataFrame:
    """Drop rows with a named actor that repeat an earlier row in every field, weight included.

    Such a row is a copy of one message (the same mail filed in two folders), not a second
    interaction. Anonymous rows are kept: two upvotes of the same post on the same day
    are two people's acts that the dump records with the same fields.
    """
    ordinal = occurrence(events, (*CONTENT_COLUMNS, "weight"))
    copies = (ordinal > 1) & events.get_column("actor").is_not_null()
    return events.filter(~copies) if copies.any() else events


def content_keys(events: pl.DataFrame, label: str) -> pl.Series:
    """Stable keys for events without a native id.

    The key hashes the source label, the canonical fields and the event's ordinal among
    identical tuples in the same file: genuine repeats inside one file are both kept, and
    reading the file again yields the same keys. The joined text is built and hashed in one
    compiled pass when it can be (see :func:`~._blake2b.content_key_hex`), else in polars.
    """
    ordinal = occurrence(events, CONTENT_COLUMNS)
    stamps = events.get_column("timestamp")
    if stamps.dtype == pl.Datetime("us", "UTC"):
        texts = (events["actor"], events["target"], events["channel"], events["kind"])
        keys = content_key_hex(label, texts, stamps.cast(pl.Int64), ordinal)
        if keys is not None:
            return keys
    return hash_parts(
        events.with_columns(ordinal.alias("_ordinal")),
        [
            pl.lit(label),
            pl.col("actor"),
            pl.col("target"),
            timestamp_text("timestamp"),
            pl.col("channel"),
            pl.col("kind"),
            pl.col("_ordinal"),
        ],
    )
