"""SNAP-style edge lists -> canonical events.

Public network data (Stanford SNAP, KONECT-like dumps) comes as whitespace-separated
``src dst [timestamp]`` lines with ``#`` comments, often gzipped. Timestamps are epoch
seconds, or seconds from an anonymised start: ``epoch_offset`` shifts them onto the
calendar (a datetime, or seconds to add). A static list without a time column gets
``epoch_offset`` itself, i.e. every edge happens at the snapshot's date.

Lines are parsed column-wise by polars; a slower pass runs only to report the physical
line of the first bad row. Keys follow the tabular reader:
``event_key(source_label, src, dst, timestamp, channel, kind, ordinal)``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.delimited import decode_text
from renown.core.errors import InputError
from renown.core.events import Channel, EventColumn, Kind
from renown.ingest.readers import _lines
from renown.ingest.readers._delimited import POLARS_FAILURES, unsniffable, with_lf_line_ends
from renown.ingest.readers._keys import content_keys
from renown.ingest.schema import conform

_SPACE: Final = r"[ \t\r\x0b\x0c]"
_WORD: Final = r"[^ \t\r\x0b\x0c]+"
_EDGE: Final = rf"^{_SPACE}*({_WORD}){_SPACE}+({_WORD})(?:{_SPACE}+({_WORD}))?{_SPACE}*$"
"""Fields are separated by ASCII whitespace only, as the line locator counts it: a
non-breaking space or an ideographic space is part of a node id, not a separator."""
_BLANK: Final = " \t\r\x0b\x0c"
_NUMBER: Final = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_MICROS: Final = 1_000_000
_MAX_SECONDS: Final = 1e11
"""About 3,000 years: anything larger is not a time in seconds and would overflow."""
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NUL: Final = "\x00"
"""Column separator for polars: refused in the text beforehand, so every line is one cell."""


def read_snap(
    path: str | Path,
    *,
    source: str | None = None,
    channel: str = Channel.OTHER,
    kind: str = Kind.INTERACTION,
    epoch_offset: datetime | float = 0.0,
    prefix: str = "",
) -> pl.DataFrame:
    """Read a ``src dst [seconds]`` edge list (plain or ``.gz``) into canonical events.

    Parameters
    ----------
    path:
        The edge-list file.
    source:
        Source label stored with each event and hashed into its key; defaults to the file
        name.
    channel, kind:
        Channel and kind of every edge (e.g. ``"email"``, ``"to"`` for an e-mail network).
    epoch_offset:
        Instant that time 0 of the file stands for: a datetime (naive = UTC) or epoch
        seconds. Default 0, for files that already hold epoch seconds.
    prefix:
        Text put before every node id, so that numeric ids of different networks do not
        name the same person (e.g. ``"eu:"``).

    Returns
    -------
    polars.DataFrame
        Canonical events with weight 1.

    Raises
    ------
    InputError
        A line that does not have two or three fields or whose time is not a number;
        the message names the file, the line and the field (``src``, ``dst``, ``time``).
    """
    file = Path(path)
    where = str(file)
    if not file.is_file():
        raise InputError(where, "file not found")
    offset_micros = _offset_micros(epoch_offset)
    data = _text_bytes(file)
    try:
        lines = pl.read_csv(
            unsniffable(data),
            has_header=False,
            separator=_NUL,
            quote_char=None,
            comment_prefix="#",
            new_columns=["line"],
            infer_schema=False,
            encoding="utf8",
            raise_if_empty=False,
        )
    except POLARS_FAILURES as error:
        raise InputError(where, f"cannot be read as an edge list: {error}") from None
    if lines.width == 0:
        lines = pl.DataFrame({"line": []}, schema={"line": pl.String})
    lines = lines.filter(pl.col("line").str.strip_chars(_BLANK).str.len_bytes() > 0)
    fields = lines.select(
        pl.col("line").str.extract(_EDGE, 1).alias("src"),
        pl.col("line").str.extract(_EDGE, 2).alias("dst"),
        pl.col("line").str.extract(_EDGE, 3).alias("time"),
    )
    malformed = fields["src"].is_null()
    numeric = fields["time"].str.contains(_NUMBER)
    in_range = fields["time"].cast(pl.Float64, strict=False).abs() < _MAX_SECONDS
    bad_time = fields["time"].is_not_null() & ~(numeric & in_range).fill_null(value=False)
    _raise_first(file, data, malformed, bad_time, fields)
    seconds = fields["time"].cast(pl.Float64).fill_null(0.0)
    micros = (seconds * _MICROS).round(0).cast(pl.Int64) + offset_micros
    label = source if source is not None else file.name
    events = pl.DataFrame(
        {
            EventColumn.ACTOR: prefix + fields["src"],
            EventColumn.TARGET: prefix + fields["dst"],
            EventColumn.TIMESTAMP: micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
            EventColumn.CHANNEL: pl.Series([channel] * fields.height, dtype=pl.String),
            EventColumn.KIND: pl.Series([kind] * fields.height, dtype=pl.String),
        }
    )
    keys = content_keys(events, label)
    return conform(
        events.with_columns(
            keys.alias(EventColumn.EVENT_KEY),
            pl.lit(1.0).alias(EventColumn.WEIGHT),
            pl.lit(label).alias(EventColumn.SOURCE),
        )
    )


def _offset_micros(epoch_offset: datetime | float) -> int:
    if isinstance(epoch_offset, datetime):
        aware = epoch_offset if epoch_offset.tzinfo else epoch_offset.replace(tzinfo=UTC)
        delta = aware - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * _MICROS + delta.microseconds
    return round(float(epoch_offset) * _MICROS)


def _text_bytes(file: Path) -> bytes:
    """The file's bytes once checked to be UTF-8 text, spelled so that polars and the line
    locator split the same lines (lone CRs become LFs, a byte order mark is dropped)."""
    data = _lines.read_bytes(file)
    decode_text(data, str(file))
    return with_lf_line_ends(data.removeprefix(b"\xef\xbb\xbf"))


def _raise_first(
    file: Path, data: bytes, malformed: pl.Series, bad_time: pl.Series, fields: pl.DataFrame
) -> None:
    """Raise for the earliest bad edge line, located by a slow pass over the file."""
    firsts = [
        (int(mask.arg_true()[0]), name)
        for mask, name in ((malformed, "src"), (bad_time, "time"))
        if mask.any()
    ]
    if not firsts:
        return
    record, field = min(firsts)
    line = _edge_record_line(data, record)
    if field == "src":
        message = "expected 'src dst [time]' separated by whitespace"
    else:
        message = f"time {fields['time'][record]!r} is not a number of seconds"
    raise InputError(str(file), message, line=line, field=field)


def _edge_record_line(data: bytes, record: int) -> int:
    """Physical line of edge record ``record`` (0-based; comments and blanks skipped)."""
    index = -1
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.startswith(b"#") or not raw.strip():
            continue
        index += 1
        if index == record:
            return number
    return record + 1
