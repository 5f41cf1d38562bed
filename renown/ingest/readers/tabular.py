"""Generic tabular sources: CSV, TSV, JSON Lines and Parquet with a column mapping.

Most exports (HR systems, ticket trackers, chat archives converted by hand) can be
reduced to "who, whom, when" rows. This reader accepts them with a default header
``actor,target,timestamp,channel,kind,weight`` (the last three optional) or a mapping
from canonical field to the file's own column names, e.g.
``{"actor": "from", "target": "to", "timestamp": "sent_at"}``.

Values are validated by polars, whole columns at once. CSV and TSV are first checked
record by record by the standard library's strict reader (see :mod:`._delimited`), which
refuses malformed text and notes the physical line each record starts on, so that a bad
value is reported where a person would look; a lenient parse alone would turn an unclosed
quote or a short row into wrong events. JSON Lines are located by a slower pass only when
something is wrong.

Keys: when the mapping names an ``event_key`` column, its source-native id is hashed
with the source label, and a row repeating an earlier row's id is the same event listed
again, dropped as a lake would store it once (its first row). Otherwise the key is
``event_key(source_label, actor, target, timestamp, channel, kind, ordinal)`` where
``ordinal`` is the 1-based occurrence of that exact tuple in the file, so repeated
anonymous rows (two upvotes the same day) are both kept while re-reading the file
reproduces the same keys.

Copies: a row with a named actor that repeats an earlier row in every canonical field
(same actor, target, instant, channel and kind) is a copy of one message, not a second
interaction (mail exports list a message once per folder it sits in; about 63% of the
public Enron rows are such repeats), so it is dropped: one message counts once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal, NoReturn, get_args

import polars as pl
import pyarrow.parquet as pq

from renown.core.delimited import decode_text
from renown.core.errors import InputError
from renown.core.events import Channel, EventColumn, Kind
from renown.ingest.readers import _lines
from renown.ingest.readers._copies import copies
from renown.ingest.readers._delimited import POLARS_FAILURES, LineLocator, read_delimited
from renown.ingest.readers._keys import content_keys, hash_parts, without_copies
from renown.ingest.readers._values import (
    parse_timestamps,
    parse_weights,
    present,
    trimmed_texts,
)
from renown.ingest.schema import conform

TabularFormat = Literal["csv", "tsv", "jsonl", "parquet"]
TABULAR_FORMATS: Final[tuple[str, ...]] = get_args(TabularFormat)

MAPPABLE_FIELDS: Final[tuple[str, ...]] = tuple(
    column.value for column in EventColumn if column != EventColumn.SOURCE
)
"""Canonical fields a mapping may name (``source`` is the reader's own label)."""

REQUIRED_FIELDS: Final[tuple[str, ...]] = ("actor", "target", "timestamp")

_SUFFIXES: Final[Mapping[str, TabularFormat]] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_TEXT_FIELDS: Final = ("event_key", "actor", "target")


def tabular_format_of(path: Path) -> TabularFormat | None:
    """Format implied by the file name (``.gz`` allowed for text formats), or None."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[: -len(".gz")]
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return None


def read_tabular(
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    format: TabularFormat | None = None,
    source: str | None = None,
    channel: str = Channel.OTHER,
    kind: str = Kind.INTERACTION,
    weight: float = 1.0,
    keyed: bool = True,
) -> pl.DataFrame:
    """Read a CSV, TSV, JSON Lines or Parquet file of interactions into canonical events.

    Parameters
    ----------
    path:
        The file. ``.gz`` is accepted for CSV, TSV and JSON Lines.
    mapping:
        Canonical field -> column name in the file, for fields whose column is not named
        like the field. Fields: ``event_key`` (a source-native id), ``actor``,
        ``target``, ``timestamp``, ``channel``, ``kind``, ``weight``.
    format:
        ``"csv"``, ``"tsv"``, ``"jsonl"`` or ``"parquet"``; inferred from the suffix.
    source:
        Source label stored with each event and hashed into its key; defaults to the file
        name. Keep it stable across imports so that re-imports dedupe.
    channel, kind, weight:
        Values for rows (or whole files) without that column or with a blank cell.
    keyed:
        ``False`` leaves ``event_key`` empty: for scoring a file as it is, which needs no
        key and would spend most of its time hashing one per row. Copies are dropped all
        the same, so the events scored are the events an import would keep.

    Returns
    -------
    polars.DataFrame
        Canonical event frame (see :data:`renown.ingest.schema.EVENT_SCHEMA`).

    Raises
    ------
    InputError
        Unreadable file, undecodable text, missing required column, empty target, or an
        invalid timestamp or weight; the message names the file, line and column.
    """
    file = Path(path)
    where = str(file)
    fmt = format or tabular_format_of(file)
    if fmt not in TABULAR_FORMATS:
        raise InputError(
            where,
            f"cannot tell the tabular format; pass one of {', '.join(TABULAR_FORMATS)}",
            field="format",
        )
    columns = _resolve_mapping(where, mapping)
    raw, line_of = _read_raw(file, fmt, wanted=set(columns.values()))
    _check_columns(where, columns, mapping, raw.columns)
    label = source if source is not None else file.name
    events = _validated(raw, columns, line_of, where, channel=channel, kind=kind, weight=weight)
    native = columns[EventColumn.EVENT_KEY] in raw.columns
    del raw  # the file's own columns are not needed past validation
    if not keyed:
        return _without_keys(events, label, native=native)
    return _with_keys(events, label, native=native)


def _resolve_mapping(where: str, mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Column name in the file for every canonical field."""
    given = dict(mapping or {})
    unknown = sorted(set(given) - set(MAPPABLE_FIELDS))
    if unknown:
        raise InputError(
            where,
            f"mapping names unknown field {unknown[0]!r}; known: {', '.join(MAPPABLE_FIELDS)}",
            field=unknown[0],
        )
    return {field: str(given.get(field, field)) for field in MAPPABLE_FIELDS}


def _check_columns(
    where: str, columns: Mapping[str, str], mapping: Mapping[str, str] | None, found: list[str]
) -> None:
    """Refuse a file without a required field's column, or without a column the mapping
    names: a misspelt optional column would otherwise give every row the default weight,
    kind or channel (or content keys instead of the native ids), without a word."""
    for field in REQUIRED_FIELDS:
        if columns[field] not in found:
            raise InputError(
                where,
                f"missing required column {columns[field]!r}; found {found}",
                field=columns[field],
            )
    for field in mapping or {}:
        if columns[field] not in found:
            raise InputError(
                where,
                f"missing column {columns[field]!r}, which the mapping names for {field}; "
                f"found {found}",
                field=columns[field],
            )


def _read_raw(file: Path, fmt: TabularFormat, wanted: set[str]) -> tuple[pl.DataFrame, LineLocator]:
    """Whole file as a frame plus a function from record index to physical line.

    A Parquet file is read with the ``wanted`` columns alone (its other columns are never
    used, and a columnar file can skip them); text formats are read whole.
    """
    where = str(file)
    if not file.is_file():
        raise InputError(where, "file not found")
    if fmt == "parquet":
        return _read_parquet(file, wanted), lambda record: record + 1
    if fmt == "jsonl":
        return _read_jsonl(file)
    return read_delimited(file, "\t" if fmt == "tsv" else ",")


def _read_parquet(file: Path, wanted: set[str]) -> pl.DataFrame:
    """The file's columns, refused unreadable or when it would expand beyond reason.

    Parquet compresses repeated values to almost nothing (one dictionary entry, one run
    length), so a small file can declare billions of rows: its own metadata is checked
    against the same bound as a compressed text source before anything is decoded.
    """
    present = parquet_columns(file, wanted)
    try:
        return pl.read_parquet(file, columns=present)
    except POLARS_FAILURES as error:
        raise InputError(str(file), f"cannot be read as Parquet: {error}") from None


def parquet_columns(file: Path, wanted: set[str]) -> list[str]:
    """The ``wanted`` columns the Parquet file has, once its metadata passed the bomb check."""
    where = str(file)
    try:
        metadata = pq.read_metadata(file)
        groups = [metadata.row_group(i) for i in range(metadata.num_row_groups)]
        decoded = max(
            sum(group.total_byte_size for group in groups),
            metadata.num_rows * metadata.num_columns * 8,
        )
        names = metadata.schema.to_arrow_schema().names
    except POLARS_FAILURES as error:
        raise InputError(where, f"cannot be read as Parquet: {error}") from None
    held = sum(group.num_rows for group in groups)
    if held != metadata.num_rows:
        # readers disagree on such a file: one follows the footer (and reads part of the
        # file, or fails), another the row groups; neither can be trusted to be complete
        raise InputError(
            where,
            f"declares {metadata.num_rows:,} rows but its row groups hold {held:,}: "
            "the file is damaged; write it again",
        )
    limit = _lines.inflation_limit(file.stat().st_size)
    if decoded > limit:
        raise InputError(
            where,
            f"declares {metadata.num_rows:,} rows, more than {limit:,} bytes once decoded "
            f"({_lines.MAX_INFLATION} times its size): refused as a compression bomb",
        )
    return [name for name in names if name in wanted]


def _read_jsonl(file: Path) -> tuple[pl.DataFrame, LineLocator]:
    """JSON Lines after checking the text is UTF-8 (polars would inflate compressed bytes)."""
    where = str(file)
    data = _lines.read_bytes(file)
    decode_text(data, where)
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
    except POLARS_FAILURES as error:
        bad = _lines.first_bad_jsonl_line(data)
        if bad is not None:
            raise InputError(where, bad[1], line=bad[0]) from None
        raise InputError(where, f"cannot be read as JSON Lines: {error}") from None
    return frame, lambda record: _lines.jsonl_record_line(data, record)


def _texts(
    raw: pl.DataFrame, names: list[str], line_of: LineLocator, where: str
) -> dict[str, pl.Series]:
    """The ``names`` columns as trimmed text (blank -> null); ids stored as whole numbers are
    accepted.

    Other types (floats, booleans, dates, bytes, lists, structs, as a Parquet file may hold)
    are refused rather than turned into ids by whatever text their cast would give.
    """
    columns = {}
    for name in dict.fromkeys(names):
        values = raw[name]
        dtype = values.dtype
        if dtype == pl.Binary:
            try:
                values = values.cast(pl.String)
            except POLARS_FAILURES:
                _refuse_type(values, name, line_of, where, "is not UTF-8 text")
        elif not (dtype in (pl.String, pl.Categorical, pl.Null) or dtype.is_integer()) and not (
            isinstance(dtype, pl.Enum)
        ):
            _refuse_type(values, name, line_of, where, "must be text or a whole number")
        columns[name] = values
    trimmed = trimmed_texts(pl.DataFrame(columns))
    return {name: trimmed[name] for name in trimmed.columns}


def _refuse_type(
    values: pl.Series, column: str, line_of: LineLocator, where: str, message: str
) -> NoReturn:
    first = int(values.is_not_null().arg_true()[0]) if values.null_count() < len(values) else 0
    raise InputError(where, f"{message} ({values.dtype})", line=line_of(first), field=column)


def _validated(
    raw: pl.DataFrame,
    columns: Mapping[str, str],
    line_of: LineLocator,
    where: str,
    *,
    channel: str,
    kind: str,
    weight: float,
) -> pl.DataFrame:
    """Canonical columns (without keys) after checking every row; first problem raises."""
    height = raw.height
    out: dict[str, pl.Series] = {}
    problems: list[tuple[pl.Series, str, str]] = []
    text_fields = (*_TEXT_FIELDS, EventColumn.CHANNEL, EventColumn.KIND)
    texts = _texts(
        raw, [columns[f] for f in text_fields if columns[f] in raw.columns], line_of, where
    )
    for field in _TEXT_FIELDS:
        column = columns[field]
        if column not in raw.columns:
            continue
        values = texts[column]
        out[field] = values
        if field != EventColumn.ACTOR:
            problems.append((values.is_null(), column, f"{field} is empty"))
    stamp_column = columns[EventColumn.TIMESTAMP]
    stamps = parse_timestamps(raw[stamp_column])
    given = present(raw[stamp_column])
    problems.append((~given, stamp_column, "timestamp is empty"))
    unreadable = given & stamps.is_null()
    problems.append(
        (unreadable, stamp_column, "cannot read timestamp: expected ISO 8601 or epoch seconds")
    )
    out[EventColumn.TIMESTAMP] = stamps
    for field, default in ((EventColumn.CHANNEL, channel), (EventColumn.KIND, kind)):
        column = columns[field]
        if column in raw.columns:
            out[field] = texts[column].fill_null(default)
        else:
            out[field] = pl.Series(field, [default] * height, dtype=pl.String)
    weight_column = columns[EventColumn.WEIGHT]
    if weight_column in raw.columns:
        weights = parse_weights(raw[weight_column], weight)
        problems.append((weights.is_null(), weight_column, "weight must be a finite number >= 0"))
        out[EventColumn.WEIGHT] = weights
    else:
        out[EventColumn.WEIGHT] = pl.Series(EventColumn.WEIGHT, [weight] * height, pl.Float64)
    _raise_first_problem(raw, problems, line_of, where)
    return pl.DataFrame({name: series.alias(name) for name, series in out.items()})


def _raise_first_problem(
    raw: pl.DataFrame,
    problems: list[tuple[pl.Series, str, str]],
    line_of: LineLocator,
    where: str,
) -> None:
    """Raise an InputError for the earliest bad record, if any check failed."""
    first: tuple[int, str, str] | None = None
    for mask, column, message in problems:
        hits = mask.arg_true()
        if hits.len() and (first is None or int(hits[0]) < first[0]):
            first = (int(hits[0]), column, message)
    if first is None:
        return
    record, column, message = first
    value = raw[column][record]
    detail = f"{message} (value {value!r})" if value is not None and value != "" else message
    raise InputError(where, detail, line=line_of(record), field=column)


def _without_keys(events: pl.DataFrame, label: str, *, native: bool) -> pl.DataFrame:
    """Canonical events without keys (``event_key`` null), copies dropped as by a keyed read."""
    found = _repeated_ids(events) if native else copies(events)
    if found.any():
        events = events.filter(~found)
    return conform(
        events.with_columns(
            pl.lit(None, dtype=pl.String).alias(EventColumn.EVENT_KEY),
            pl.lit(label).alias("source"),
        )
    )


def _with_keys(events: pl.DataFrame, label: str, *, native: bool) -> pl.DataFrame:
    """Add ``event_key`` and ``source`` and put the columns in canonical order."""
    if native:
        events = events.filter(~_repeated_ids(events))
        keys = hash_parts(events, [pl.lit(label), pl.col(EventColumn.EVENT_KEY)])
    else:
        events = without_copies(events)
        keys = content_keys(events, label)
    return conform(
        events.with_columns(keys.alias(EventColumn.EVENT_KEY), pl.lit(label).alias("source"))
    )


def _repeated_ids(events: pl.DataFrame) -> pl.Series:
    """Rows whose native id an earlier row has: one event listed twice (a message in two
    folders), which a lake stores once (its first row), so a read keeps the first too."""
    return ~events.get_column(EventColumn.EVENT_KEY).is_first_distinct()
