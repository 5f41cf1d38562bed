"""Typed tables: a CSV of mixed numeric and categorical columns, and the encoding learned on
the training rows that every radar model shares.

An analyst's table arrives as text. A column is numeric when every non-empty value parses as
a number, otherwise categorical (the caller may force a column to be categorical: codes such
as job levels that are numbers but not quantities). An empty cell is missing. The
:class:`Encoding` is learned once, on training rows only, and stored as plain JSON with the
model, so prediction sees exactly the bins and levels the model was fitted on:

* numeric columns: up to :data:`MAX_BINS` quantile bins (their edges are stored) plus a
  missing bin, and the median, mean, standard deviation and range the linear part needs;
* categorical columns: the levels seen on at least :data:`MIN_LEVEL_ROWS` training rows;
  rarer levels, and levels never seen at fit, become ``other``.

Constant columns carry no information and are dropped, with a note saying so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.core.delimited import read_records
from renown.core.errors import InputError

MAX_BINS: Final = 64
"""Most quantile bins of a numeric column: fine enough for a smooth shape, coarse enough that
each bin holds dozens of rows on a table of a few thousand."""

MIN_LEVEL_ROWS: Final = 10
"""A categorical level seen on fewer training rows is merged into ``other``: its own effect
could not be estimated, only memorised."""

MAX_LEVELS: Final = 250
"""Most distinct levels kept per categorical column (the booster's category limit is 255)."""

_TRUE: Final = frozenset({"1", "true", "yes", "y"})
_FALSE: Final = frozenset({"0", "false", "no", "n"})

OTHER: Final = "other"
MISSING_TEXT: Final = "missing"

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Table:
    """A CSV read as text: one string column per header (``None`` = empty cell) and the line
    each row starts on, so that later checks (labels, durations) can name file and line."""

    frame: pl.DataFrame
    lines: npt.NDArray[np.int64]
    source: str

    def line_of(self, row: int) -> int:
        """The 1-based file line of row ``row`` (the header is line 1)."""
        return int(self.lines[row])


def read_table(path: Path, *, source: str | None = None) -> Table:
    """Read ``path`` strictly (RFC 4180, UTF-8; see :mod:`renown.core.delimited`).

    Raises
    ------
    InputError
        Naming file, line and field: malformed CSV, a duplicate or empty header, no rows.
    """
    name = source if source is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror}") from None
    return parse_table(data, source=name)


def parse_table(data: bytes | str, *, source: str) -> Table:
    """The :class:`Table` of CSV text ``data`` (see :func:`read_table`)."""
    records = read_records(data, source=source)
    header_record = next(records)
    header = [cell.strip() for cell in header_record.cells]
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            raise InputError(source, "a column has no name", line=1, field=f"column {index + 1}")
        if name in seen:
            raise InputError(source, "the column name appears twice", line=1, field=name)
        seen.add(name)
    columns: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    for record in records:
        lines.append(record.line)
        for column, cell in zip(columns, record.cells, strict=True):
            text = cell.strip()
            column.append(text or None)
    if not lines:
        raise InputError(source, "the table has a header but no rows", line=2)
    frame = pl.DataFrame(
        {
            name: pl.Series(name, values, dtype=pl.String)
            for name, values in zip(header, columns, strict=True)
        }
    )
    return Table(frame, np.asarray(lines, dtype=np.int64), source)


@dataclass(frozen=True)
class NumericColumn:
    """A numeric column: bin edges (a value ``x`` falls in bin ``searchsorted(edges, x,
    'right')``), and the statistics the linear part standardises and imputes with."""

    name: str
    edges: tuple[float, ...]
    median: float
    low: float
    high: float
    kind: Literal["numeric"] = "numeric"

    @property
    def n_codes(self) -> int:
        """Bins plus the missing bin (the last code)."""
        return len(self.edges) + 2

    def label(self, code: int) -> str:
        """A bin in words, for charts."""
        if code == len(self.edges) + 1:
            return MISSING_TEXT
        low = "" if code == 0 else f"{self.edges[code - 1]:g}"
        high = "" if code == len(self.edges) else f"{self.edges[code]:g}"
        return f"[{low}, {high})"


@dataclass(frozen=True)
class CategoricalColumn:
    """A categorical column: its known levels (code = position), then ``other``, then
    missing."""

    name: str
    levels: tuple[str, ...]
    kind: Literal["categorical"] = "categorical"

    @property
    def n_codes(self) -> int:
        """Levels, ``other`` and missing."""
        return len(self.levels) + 2

    def label(self, code: int) -> str:
        """A level in words."""
        if code < len(self.levels):
            return self.levels[code]
        return OTHER if code == len(self.levels) else MISSING_TEXT


Column = NumericColumn | CategoricalColumn


@dataclass(frozen=True)
class Encoding:
    """Columns as learned on the training rows; everything downstream reads codes from it."""

    columns: tuple[Column, ...]
    dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        """The features, in model order."""
        return tuple(column.name for column in self.columns)

    def codes(self, frame: pl.DataFrame) -> FloatArray:
        """One row per row of ``frame``, one column per feature: the bin or level code, NaN
        for missing (the booster's convention)."""
        check_columns(frame, self.names)
        out = np.empty((frame.height, len(self.columns)), dtype=np.float64)
        for j, column in enumerate(self.columns):
            out[:, j] = column_codes(column, frame.get_column(column.name))
        return out

    def numeric_values(self, frame: pl.DataFrame, name: str) -> FloatArray:
        """The raw values of numeric column ``name`` (NaN = missing)."""
        return as_float(frame.get_column(name))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "columns": [_column_dict(column) for column in self.columns],
            "dropped": list(self.dropped),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Encoding:
        """Rebuild from :meth:`to_dict`; ``KeyError``/``TypeError``/``ValueError`` on a bad
        shape (the model's loader turns them into one clear error)."""
        columns: list[Column] = []
        for item in data["columns"]:
            if item["kind"] == "numeric":
                edges = tuple(float(edge) for edge in item["edges"])
                if list(edges) != sorted(set(edges)):
                    raise ValueError(f"bin edges of {item['name']!r} are not increasing")
                columns.append(
                    NumericColumn(
                        str(item["name"]),
                        edges,
                        float(item["median"]),
                        float(item["low"]),
                        float(item["high"]),
                    )
                )
            elif item["kind"] == "categorical":
                levels = tuple(str(level) for level in item["levels"])
                columns.append(CategoricalColumn(str(item["name"]), levels))
            else:
                raise ValueError(f"unknown column kind {item['kind']!r}")
        return cls(
            tuple(columns),
            tuple(str(name) for name in data["dropped"]),
            tuple(str(note) for note in data["notes"]),
        )


def _column_dict(column: Column) -> dict[str, Any]:
    if isinstance(column, NumericColumn):
        return {
            "name": column.name,
            "kind": "numeric",
            "edges": list(column.edges),
            "median": column.median,
            "low": column.low,
            "high": column.high,
        }
    return {"name": column.name, "kind": "categorical", "levels": list(column.levels)}


def check_columns(frame: pl.DataFrame, names: Iterable[str]) -> None:
    """Refuse a table that lacks a column the model needs (extra columns are ignored)."""
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ValueError(f"the table lacks the column(s) the model was fitted on: {missing}")


def is_numeric(series: pl.Series) -> bool:
    """True when every non-empty value of ``series`` is a finite number."""
    if series.dtype.is_numeric():
        return True
    if series.dtype == pl.Boolean:
        return False
    text = series.cast(pl.String).drop_nulls()
    if text.is_empty():
        return False
    parsed = text.str.strip_chars().cast(pl.Float64, strict=False)
    return parsed.null_count() == 0 and bool(parsed.is_finite().all())


def as_float(series: pl.Series) -> FloatArray:
    """A numeric column as floats, missing as NaN; a value that is not a number is refused
    with the column's name (the model learned this column as numeric)."""
    if series.dtype.is_numeric():
        return series.cast(pl.Float64).fill_nan(None).to_numpy().astype(np.float64)
    text = series.cast(pl.String).str.strip_chars()
    text = text.set(text == "", None) if text.len() else text
    parsed = text.cast(pl.Float64, strict=False)
    bad = parsed.is_null() & text.is_not_null()
    if bool(bad.any()):
        example = text.filter(bad)[0]
        raise ValueError(f"column {series.name!r} is numeric but holds {example!r}")
    return parsed.to_numpy().astype(np.float64)


def as_text(series: pl.Series) -> pl.Series:
    """A categorical column as trimmed strings, empty as missing."""
    if series.dtype == pl.String:
        text = series.str.strip_chars()
    elif series.dtype.is_float():
        # 1.0 and 1 are one level: floats holding whole numbers print as integers.
        values = series.to_numpy()
        text = pl.Series(
            series.name,
            [None if v is None or math.isnan(v) else f"{v:g}" for v in values.tolist()],
            dtype=pl.String,
        )
    else:
        text = series.cast(pl.String)
    return text.set(text == "", None) if text.len() else text


def column_codes(column: Column, series: pl.Series) -> FloatArray:
    """The codes of one column (NaN = missing)."""
    if isinstance(column, NumericColumn):
        values = as_float(series)
        codes = np.searchsorted(np.asarray(column.edges), values, side="right").astype(np.float64)
        codes[np.isnan(values)] = np.nan
        return codes
    lookup = {level: code for code, level in enumerate(column.levels)}
    other = float(len(column.levels))
    return np.array(
        [np.nan if v is None else lookup.get(v, other) for v in as_text(series).to_list()],
        dtype=np.float64,
    )


def learn_encoding(frame: pl.DataFrame, *, categorical: Sequence[str] = ()) -> Encoding:
    """Learn the :class:`Encoding` of the training rows ``frame``.

    Raises
    ------
    ValueError
        When a forced categorical column is not in the table, or no column is informative.
    """
    unknown = [name for name in categorical if name not in frame.columns]
    if unknown:
        raise ValueError(f"categorical column(s) not in the table: {unknown}")
    columns: list[Column] = []
    dropped: list[str] = []
    notes: list[str] = []
    for name in frame.columns:
        series = frame.get_column(name)
        if name not in categorical and is_numeric(series):
            column: Column | None = _numeric(name, as_float(series))
        else:
            column = _categorical(name, as_text(series))
        if column is None:
            dropped.append(name)
            notes.append(f"{name}: constant or empty on the training rows, not used")
        else:
            columns.append(column)
    if not columns:
        raise ValueError("no column varies on the training rows; nothing to learn from")
    return Encoding(tuple(columns), tuple(dropped), tuple(notes))


def _numeric(name: str, values: FloatArray) -> NumericColumn | None:
    present = values[~np.isnan(values)]
    distinct = np.unique(present)
    if distinct.size < 2 and present.size == values.size:
        return None
    if distinct.size == 0:
        return None
    if distinct.size <= MAX_BINS:
        # Few values: each gets its own bin (edges halfway between neighbours).
        edges = (distinct[:-1] + distinct[1:]) / 2.0
    else:
        quantiles = np.quantile(present, np.arange(1, MAX_BINS) / MAX_BINS, method="linear")
        edges = np.unique(quantiles)
        edges = edges[(edges > distinct[0]) & (edges <= distinct[-1])]
    return NumericColumn(
        name,
        tuple(float(edge) for edge in edges),
        float(np.median(present)),
        float(distinct[0]),
        float(distinct[-1]),
    )


def _categorical(name: str, text: pl.Series) -> CategoricalColumn | None:
    counts = text.drop_nulls().value_counts(sort=True)
    if counts.height == 0 or (counts.height == 1 and text.null_count() == 0):
        return None
    levels = [
        str(level)
        for level, count in zip(counts[counts.columns[0]], counts["count"], strict=True)
        if count >= MIN_LEVEL_ROWS
    ][:MAX_LEVELS]
    kept = sorted(levels)
    if not kept and text.null_count() == 0:
        return None  # every value is rare: all would be "other", a constant
    return CategoricalColumn(name, tuple(kept))


def parse_labels(table: Table, label: str, positive: str | None) -> npt.NDArray[np.int64]:
    """The label column as 0/1: ``0/1``, ``true/false``, ``yes/no`` (any case), or
    ``positive`` against every other value.

    Raises
    ------
    InputError
        Naming file, line and field, for a missing column, an empty or unknown label.
    """
    if label not in table.frame.columns:
        raise InputError(table.source, "no such column (the label)", line=1, field=label)
    values = table.frame.get_column(label).to_list()
    out = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        if value is None:
            raise InputError(
                table.source, "the label is empty", line=table.line_of(row), field=label
            )
        if positive is not None:
            out[row] = int(value == positive)
            continue
        folded = value.strip().lower()
        if folded in _TRUE:
            out[row] = 1
        elif folded in _FALSE:
            out[row] = 0
        else:
            raise InputError(
                table.source,
                f"label {value!r} is not 0/1, true/false or yes/no; name the value that means "
                "a move with --positive",
                line=table.line_of(row),
                field=label,
            )
    return out


def parse_durations(table: Table, column: str) -> npt.NDArray[np.float64]:
    """A column of times (any unit) as floats; empty, negative or non-numbers are refused
    naming file, line and field."""
    if column not in table.frame.columns:
        raise InputError(table.source, "no such column (the duration)", line=1, field=column)
    out = np.empty(table.frame.height)
    for row, value in enumerate(table.frame.get_column(column).to_list()):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or number < 0:
            raise InputError(
                table.source,
                f"duration {value!r} is not a number of zero or more",
                line=table.line_of(row),
                field=column,
            )
        out[row] = number
    return out
