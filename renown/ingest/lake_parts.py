"""The files of an event lake: parts as the manifest lists them, and how an append writes
them (see :mod:`renown.ingest.lake` for the layout and why it is safe).

An append stages its parts under temporary names (:class:`Staging`), gives them their
final names once all are written, and only then does the lake replace its manifest; a
failure before that removes every file the append created. Both kinds of append, one
frame or a stream of batches, go through the same staging.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from renown.core.events import EventColumn
from renown.core.private import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

COMPRESSION: Final = "zstd"
PART_ROWS: Final = 500_000
"""Rows an append by batches holds per month before writing them as one part."""
_KEY_PREFIX_DIGITS: Final = 16


def event_key_sum(keys: pl.Series) -> int:
    """Sum of the first 64 bits (16 hex digits) of every event key, modulo 2**64.

    Keys are hex digests, so their prefixes are evenly spread: adding, removing or
    replacing an event changes the sum (unless its prefix is equal to the one it replaces,
    which for random 64-bit values is negligible), whatever the row order and without
    depending on any library's hash function.
    """
    if keys.len() == 0:
        return 0
    prefix = keys.str.slice(0, _KEY_PREFIX_DIGITS).str.to_integer(base=16, dtype=pl.UInt64)
    return int(prefix.to_numpy().sum(dtype=np.uint64))


def recorded_key_sum(keys: pl.Series) -> int | None:
    """:func:`event_key_sum`, or ``None`` (recorded as unknown) for keys that are not hex."""
    try:
        return event_key_sum(keys)
    except pl.exceptions.PolarsError:
        return None


@dataclass(frozen=True)
class Part:
    """One committed Parquet file as listed in the manifest."""

    month: str
    file: str
    rows: int
    first: datetime
    last: datetime
    key_sum: int | None = None
    """:func:`event_key_sum` of the part's keys (``None`` in version 1 manifests)."""

    def to_json(self) -> dict[str, object]:
        """Manifest entry of this part."""
        entry: dict[str, object] = {
            "month": self.month,
            "file": self.file,
            "rows": self.rows,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }
        if self.key_sum is not None:
            # hex text: JSON readers may hold numbers as doubles, which lose low bits
            entry["key_sum"] = f"{self.key_sum:016x}"
        return entry

    @staticmethod
    def from_json(entry: dict[str, object]) -> Part:
        """Part described by a manifest entry."""
        key_sum = entry.get("key_sum")
        return Part(
            month=str(entry["month"]),
            file=str(entry["file"]),
            rows=int(str(entry["rows"])),
            first=datetime.fromisoformat(str(entry["first"])),
            last=datetime.fromisoformat(str(entry["last"])),
            key_sum=None if key_sum is None else int(str(key_sum), 16),
        )


def write_part(frame: pl.DataFrame, path: Path) -> None:
    """Write one part file and flush it to disk (the seam tests use to inject failures)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    frame.write_parquet(path, compression=COMPRESSION, statistics=True)
    os.chmod(path, PRIVATE_FILE_MODE)
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


class Staging:
    """Parts of one append by batches, written under temporary names until published.

    Rows wait per month until ``part_rows`` of them (of all months together) are held,
    then the largest month is written; memory stays bounded whatever the input's size.
    With ``part_rows=None`` every month is written once, when the append finishes (one
    part per month: :meth:`EventLake.append` of one frame).
    """

    def __init__(self, lake: Path, part_rows: int | None) -> None:
        self.lake = lake
        self.part_rows = part_rows
        self.waiting: dict[str, list[pl.DataFrame]] = {}
        self.held = 0
        self.parts: list[Part] = []
        self.staged: list[tuple[Path, Path]] = []
        self.created: list[Path] = []
        self.new_dirs: list[Path] = []

    def add(self, events: pl.DataFrame) -> None:
        if events.height == 0:
            return
        months = events.with_columns(
            pl.col(EventColumn.TIMESTAMP).dt.strftime("%Y-%m").alias("_month")
        ).partition_by("_month", as_dict=True, include_key=False, maintain_order=True)
        for (month,), rows in months.items():
            self.waiting.setdefault(str(month), []).append(rows)
            self.held += rows.height
        while self.part_rows is not None and self.held >= self.part_rows:
            largest = max(self.waiting, key=lambda m: sum(f.height for f in self.waiting[m]))
            self._write(largest)

    def finish(self) -> list[Part]:
        """Write what still waits; the parts staged, in month order."""
        for month in sorted(self.waiting):
            self._write(month)
        return sorted(self.parts, key=lambda part: part.month)

    def _write(self, month: str) -> None:
        rows = pl.concat(self.waiting.pop(month))
        self.held -= rows.height
        directory = self.lake / f"month={month}"
        if not directory.exists():
            directory.mkdir(mode=PRIVATE_DIR_MODE)
            os.chmod(directory, PRIVATE_DIR_MODE)
            self.new_dirs.append(directory)
        name = f"part-{uuid.uuid4().hex}.parquet"
        temporary = directory / f".{name}.tmp"
        ordered = rows.sort([EventColumn.TIMESTAMP, EventColumn.EVENT_KEY])
        self.created.append(temporary)
        write_part(ordered, temporary)
        self.staged.append((temporary, directory / name))
        stamps = ordered[EventColumn.TIMESTAMP]
        self.parts.append(
            Part(
                month=month,
                file=f"month={month}/{name}",
                rows=ordered.height,
                first=as_datetime(stamps.min()),
                last=as_datetime(stamps.max()),
                key_sum=recorded_key_sum(ordered.get_column(EventColumn.EVENT_KEY)),
            )
        )

    def publish(self) -> None:
        """Give the parts their final names (the manifest, written next, lists them)."""
        for temporary, final in self.staged:
            os.replace(temporary, final)
            self.created.append(final)
        fsync_dirs([self.lake, *{final.parent for _t, final in self.staged}])

    def discard(self) -> None:
        """Remove every file and folder this append created."""
        for file in self.created:
            file.unlink(missing_ok=True)
        for directory in self.new_dirs:
            with suppress(OSError):
                directory.rmdir()


def month_of(instant: datetime) -> str:
    return f"{instant.year:04d}-{instant.month:02d}"


def as_datetime(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    return value


def fsync_dirs(directories: Sequence[Path]) -> None:
    """Persist renames: a rename is durable only once its folder is flushed."""
    for directory in directories:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
