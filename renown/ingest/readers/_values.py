"""Vectorised parsing of timestamps and weights shared by the readers.

Every reader accepts the same timestamp spellings so that a user never has to learn a
new rule per format: ISO 8601 with or without a zone (naive means UTC; a space instead
of ``T`` is accepted, as written by many databases), a bare date, or epoch seconds
(integer or decimal). Parsing is done column-wise by polars; rows that fail come back
as nulls so the caller can locate the first bad line and report it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import polars as pl

UTC_US: Final = pl.Datetime("us", "UTC")

_ZONED_FORMATS: Final = (
    "%Y-%m-%d{sep}%H:%M:%S%.f%:z",
    "%Y-%m-%d{sep}%H:%M:%S%.f%z",
    "%Y-%m-%d{sep}%H:%M%:z",
)
_NAIVE_FORMATS: Final = (
    "%Y-%m-%d{sep}%H:%M:%S%.fZ",
    "%Y-%m-%d{sep}%H:%M:%S%.f",
    "%Y-%m-%d{sep}%H:%MZ",
    "%Y-%m-%d{sep}%H:%M",
)
_EPOCH: Final = r"^([+-]?)(\d{1,12})(?:\.(\d{1,6})\d*)?$"
_MICROS: Final = 1_000_000


def blank_to_null(column: pl.Expr) -> pl.Expr:
    """Strip surrounding whitespace and turn empty text into null."""
    stripped = column.cast(pl.String).str.strip_chars()
    return pl.when(stripped.str.len_bytes() == 0).then(None).otherwise(stripped)


def trimmed_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`blank_to_null` of every column of ``frame``, the columns side by side.

    Why not the expression alone: its ``when``/``then`` costs twice the strip itself and
    almost no column has a blank, so it runs only on the columns that do; and one
    ``select`` over all columns lets polars strip them on every core at once (a third of
    the time of checking a 10M-row file went here).
    """
    stripped = frame.select(pl.all().cast(pl.String).str.strip_chars())
    blanks = stripped.select((pl.all().str.len_bytes() == 0).any()).row(0)
    with_blanks = [name for name, blank in zip(stripped.columns, blanks, strict=True) if blank]
    if not with_blanks:
        return stripped
    return stripped.with_columns(
        pl.when(pl.col(name).str.len_bytes() == 0).then(None).otherwise(pl.col(name)).alias(name)
        for name in with_blanks
    )


def _text_attempts() -> list[Callable[[pl.Expr], pl.Expr]]:
    """Parsers tried in turn on text timestamps; each returns null where it fails.

    Naive values are UTC; ``Z`` means UTC; explicit offsets are converted to UTC.
    """

    def zoned(fmt: str) -> Callable[[pl.Expr], pl.Expr]:
        return lambda text: text.str.to_datetime(
            fmt, time_unit="us", strict=False
        ).dt.convert_time_zone("UTC")

    def naive(fmt: str) -> Callable[[pl.Expr], pl.Expr]:
        return lambda text: text.str.to_datetime(
            fmt, time_unit="us", strict=False
        ).dt.replace_time_zone("UTC")

    def day(text: pl.Expr) -> pl.Expr:
        date = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
        return date.dt.replace_time_zone("UTC")

    def epoch(text: pl.Expr) -> pl.Expr:
        sign = text.str.extract(_EPOCH, 1)
        seconds = text.str.extract(_EPOCH, 2).cast(pl.Int64)
        fraction = text.str.extract(_EPOCH, 3).str.pad_end(6, "0").cast(pl.Int64).fill_null(0)
        magnitude = seconds * _MICROS + fraction
        micros = pl.when(sign == "-").then(-magnitude).otherwise(magnitude)
        return micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")

    attempts: list[Callable[[pl.Expr], pl.Expr]] = [epoch]
    for separator in ("T", " "):
        attempts += [zoned(fmt.format(sep=separator)) for fmt in _ZONED_FORMATS]
        attempts += [naive(fmt.format(sep=separator)) for fmt in _NAIVE_FORMATS]
    attempts.append(day)
    return attempts


def _parse_text_timestamps(text: pl.Series) -> pl.Series:
    """Parse trimmed, non-blank text; unparseable values become null.

    Trying every spelling on every row would cost one full parse per spelling, so the
    spelling of the first value is tried first on the whole column and the others only
    on the rows still unparsed: a homogeneous file is parsed exactly once.
    """
    attempts = _text_attempts()
    given = text.drop_nulls()
    if given.len():
        probe = given.head(1).to_frame("t")
        for index, attempt in enumerate(attempts):
            if probe.select(attempt(pl.col("t"))).to_series().null_count() == 0:
                attempts.insert(0, attempts.pop(index))
                break
    result = pl.Series(text.name, [None] * text.len(), dtype=UTC_US)
    pending = text.is_not_null()
    for attempt in attempts:
        rows = pending.arg_true()
        if rows.len() == 0:
            break
        subset = text if rows.len() == text.len() else text.gather(rows)
        parsed = subset.to_frame("t").select(attempt(pl.col("t")).cast(UTC_US)).to_series()
        done = parsed.is_not_null()
        result = result.scatter(rows.filter(done), parsed.filter(done))
        pending = pending.scatter(rows.filter(done), False)
    return result


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
        text = frame.select(blank_to_null(pl.col("v"))).to_series()
        return _parse_text_timestamps(text).alias(values.name)
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
    if values.dtype == pl.String or values.dtype.is_numeric():
        number = raw.cast(pl.Float64, strict=False)
    else:  # bytes, booleans, dates, lists...: no weight, whatever a cast would make of them
        number = pl.lit(None, dtype=pl.Float64)
    valid = number.is_finite() & (number >= 0)
    expr = pl.when(raw.is_null()).then(pl.lit(default)).when(valid).then(number)
    return frame.select(expr.cast(pl.Float64).alias(values.name)).to_series()
