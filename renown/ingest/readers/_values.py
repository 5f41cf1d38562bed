"""Vectorised parsing of timestamps and weights shared by the readers.

Every reader accepts the same timestamp spellings so that a user never has to learn a
new rule per format: ISO 8601 with or without a zone (naive means UTC; a space instead
of ``T`` is accepted, as written by many databases), a bare date, or epoch seconds
(integer or decimal). Parsing is done column-wise by polars; rows that fail come back
as nulls so the caller can locate the first bad line and report it.
"""

from __future__ import annotations

from typing import Final

import polars as pl

UTC_US: Final = pl.Datetime("us", "UTC")

_ISO_WITH_ZONE: Final = ("%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%:z")
_ISO_NAIVE: Final = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M")
_EPOCH: Final = r"^([+-]?)(\d{1,12})(?:\.(\d{1,6})\d*)?$"
_MICROS: Final = 1_000_000


def blank_to_null(column: pl.Expr) -> pl.Expr:
    """Strip surrounding whitespace and turn empty text into null."""
    stripped = column.cast(pl.String).str.strip_chars()
    return pl.when(stripped.str.len_bytes() == 0).then(None).otherwise(stripped)


def _parse_text_timestamps(text: pl.Expr) -> pl.Expr:
    """Parse trimmed text; unparseable values become null."""
    iso = text.str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T").str.replace(r"[zZ]$", "+00:00")
    attempts: list[pl.Expr] = [
        iso.str.to_datetime(fmt, time_unit="us", strict=False).dt.convert_time_zone("UTC")
        for fmt in _ISO_WITH_ZONE
    ]
    attempts += [
        iso.str.to_datetime(fmt, time_unit="us", strict=False).dt.replace_time_zone("UTC")
        for fmt in _ISO_NAIVE
    ]
    day = iso.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    attempts.append(day.dt.replace_time_zone("UTC"))
    sign = text.str.extract(_EPOCH, 1)
    seconds = text.str.extract(_EPOCH, 2).cast(pl.Int64)
    fraction = text.str.extract(_EPOCH, 3).str.pad_end(6, "0").cast(pl.Int64).fill_null(0)
    magnitude = seconds * _MICROS + fraction
    micros = pl.when(sign == "-").then(-magnitude).otherwise(magnitude)
    attempts.append(micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
    return pl.coalesce(attempts)


def parse_timestamps(values: pl.Series) -> pl.Series:
    """Return ``values`` as UTC microsecond datetimes; unreadable values become null.

    Parameters
    ----------
    values:
        Text (ISO 8601 or epoch seconds), integer or float epoch seconds, dates or
        datetimes (naive datetimes are taken as UTC).

    Returns
    -------
    polars.Series
        ``Datetime("us", "UTC")`` series of the same length. Compare its nulls with
        :func:`present` of the input to find values that were given but unreadable.
    """
    dtype = values.dtype
    frame = values.to_frame("v")
    if isinstance(dtype, pl.Datetime):
        zone = dtype.time_zone
        column = pl.col("v").dt.cast_time_unit("us")
        expr = (
            column.dt.replace_time_zone("UTC")
            if zone is None
            else column.dt.convert_time_zone("UTC")
        )
    elif dtype == pl.Date:
        expr = pl.col("v").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    elif dtype.is_integer():
        expr = (pl.col("v").cast(pl.Int64) * _MICROS).cast(pl.Datetime("us"))
        expr = expr.dt.replace_time_zone("UTC")
    elif dtype.is_float():
        finite = pl.when(pl.col("v").is_finite()).then(pl.col("v"))
        expr = (finite * _MICROS).round(0).cast(pl.Int64, strict=False).cast(pl.Datetime("us"))
        expr = expr.dt.replace_time_zone("UTC")
    elif dtype == pl.String:
        expr = _parse_text_timestamps(blank_to_null(pl.col("v")))
    else:
        expr = pl.lit(None, dtype=UTC_US)
    return frame.select(expr.cast(UTC_US).alias(values.name)).to_series()


def present(values: pl.Series) -> pl.Series:
    """True where a value was given (not null, and not blank text)."""
    if values.dtype == pl.String:
        return values.to_frame("v").select(blank_to_null(pl.col("v")).is_not_null()).to_series()
    return values.is_not_null()


def parse_weights(values: pl.Series, default: float) -> pl.Series:
    """Return weights as Float64; blanks take ``default``, invalid values become null.

    A weight must be a finite number >= 0: a negative or infinite weight would let one
    row outweigh or cancel everything else in the graph.
    """
    frame = values.to_frame("v")
    raw = blank_to_null(pl.col("v")) if values.dtype == pl.String else pl.col("v")
    number = raw.cast(pl.Float64, strict=False)
    valid = number.is_finite() & (number >= 0)
    expr = pl.when(raw.is_null()).then(pl.lit(default)).when(valid).then(number)
    return frame.select(expr.cast(pl.Float64).alias(values.name)).to_series()
