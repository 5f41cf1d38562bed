"""The loaded form of a public data set, and helpers shared by its parsers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from renown.core.errors import InputError
from renown.core.events import event_key


@dataclass(frozen=True)
class Dataset:
    """A public data set as canonical events plus what is known about its people.

    Attributes
    ----------
    name:
        Short label of the data set (also the ``source`` column of its events).
    events:
        Canonical event frame (schema :data:`renown.ingest.EVENT_SCHEMA`).
    people:
        One row per person, ``id`` first (the ids used as actor and target); further
        columns depend on the data set.
    groups:
        Person id -> group label (for ``build_graph(groups=...)``), or ``None`` when
        the data set has no trustworthy grouping.
    dropped:
        Source rows left out of ``events``; ``notes`` says which and why.
    notes:
        Provenance and caveats a reader of any result computed on the data should know.
    files:
        The verified files the data set was read from.
    aliases:
        Extra id -> the person's canonical id, for ids the source itself says belong to one
        person (pass to ``score_events(aliases=...)``; empty when the source says nothing).
    """

    name: str
    events: pl.DataFrame
    people: pl.DataFrame
    groups: Mapping[str, str] | None
    dropped: int = 0
    notes: tuple[str, ...] = ()
    files: tuple[Path, ...] = field(default_factory=tuple)
    aliases: Mapping[str, str] = field(default_factory=dict)


def row_keys(prefix: str, frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    """Return one stable event key per row: ``event_key(prefix, *fields, ordinal)``.

    Public data sets have no message ids and contain rows that are identical in every
    field (the same mail logged twice, or one mail to the same person as to and cc).
    The ordinal counts earlier identical rows in file order, so every row gets a distinct
    key that re-reading the same file reproduces.
    """
    names = list(columns)
    ordinal = frame.select(pl.int_range(pl.len(), dtype=pl.Int64).over(names).alias("n"))["n"]
    values = [frame[name].to_list() for name in names]
    return [event_key(prefix, *parts) for parts in zip(*values, ordinal.to_list(), strict=True)]


def parse_int_column(
    frame: pl.DataFrame, column: str, source: str, *, first_line: int
) -> pl.Series:
    """Cast a text column to Int64, reporting the first bad value with its line.

    Parameters
    ----------
    frame:
        Rows in file order, all columns as text.
    column:
        Column to cast.
    source:
        File name for the error message.
    first_line:
        1-based line (or record) number of the frame's first row.

    Returns
    -------
    polars.Series
        The integers.

    Raises
    ------
    InputError
        On an empty or non-integer value.
    """
    text = frame[column]
    numbers = text.str.strip_chars().cast(pl.Int64, strict=False)
    bad = numbers.is_null()
    if bad.any():
        index = int(bad.arg_true()[0])
        value = text[index]
        message = "empty value" if value is None else f"not an integer: {value!r}"
        raise InputError(source, message, line=first_line + index, field=column)
    return numbers


def require_columns(header: Sequence[str], required: Sequence[str], source: str) -> None:
    """Raise :class:`InputError` on line 1 naming the first required column not in ``header``."""
    for name in required:
        if name not in header:
            raise InputError(source, f"missing column (found {list(header)})", line=1, field=name)


def first_offender(mask: pl.Series) -> int | None:
    """Return the index of the first ``True`` in ``mask``, or ``None``."""
    if not mask.any():
        return None
    return int(mask.arg_true()[0])
