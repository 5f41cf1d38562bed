"""The event lake: canonical events as Parquet on local disk, partitioned by month.

Layout::

    <lake>/_manifest.json                   committed parts (the single source of truth)
    <lake>/month=YYYY-MM/part-<id>.parquet  events of that month, sorted by time
    <lake>/.lock                            writer lock (see renown.ingest.lock)

Why a manifest: an append may touch several months, i.e. write several files. Renaming
them into place one by one would let a reader (or a crash) see some months of an
import and not others. Here the files are first written under temporary names, then
renamed to their final names, and only then does one atomic ``os.replace`` of the
manifest make all of them visible at once. A failure before that point removes every
file the append created, so nothing partial is ever visible; files left behind by a
crash are unlisted, ignored by readers and swept by the next append. Parts are never
rewritten, so a reader holding an older manifest can always finish its scan.

Dedupe: ``event_key`` identifies an event. An append drops rows whose key is already
stored (in any month) or repeated earlier in the same frame, so importing a source
twice adds nothing and appending any split of the same events in any order yields the
same lake. Only the ``event_key`` column of stored parts is read for this: Parquet is
columnar, so that column *is* the per-partition key index and needs no second copy.

Privacy: events are personal data, so the lake's folders are 0700 and its files 0600
whatever the umask (see :mod:`renown.core.private`).

Reads stay fast because parts are zstd-compressed with statistics, sorted by time, and
listed with their month and time range in the manifest: ``scan(since, until)`` opens
only the parts that can hold rows in the window and lets polars push the rest of the
filter into the Parquet reader.

Fingerprint: a scoring run records a fingerprint of its input (the event count and the
sum of every event key's first 64 bits, modulo 2**64) so that a later explanation can
prove the input is unchanged. The sum is additive, so each part's key sum is computed
once, when the append writes it, and kept in the manifest; the lake's fingerprint is then
a sum over the manifest (:meth:`EventLake.fingerprint`) instead of a pass over millions of
key strings, and scoring need not even read the ``event_key`` column. Since parts are
never rewritten, the listed parts determine the lake's events, and any append, which is
the only way they change, changes the sum. Manifests written before key sums existed
(version 1) are read as they are: a part without one is summed from its file when needed,
and the next append records it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError, RenownError
from renown.core.events import EventColumn
from renown.core.private import PRIVATE_FILE_MODE, private_dir
from renown.ingest import lake_parts
from renown.ingest.lake_parts import (
    Part,
    Staging,
    event_key_sum,
    fsync_dirs,
    month_of,
    recorded_key_sum,
)
from renown.ingest.lock import LakeLock
from renown.ingest.schema import EVENT_SCHEMA, conform, empty_events

MANIFEST_NAME: Final = "_manifest.json"
LOCK_NAME: Final = ".lock"
MANIFEST_VERSION: Final = 2
"""Version 2 added each part's ``key_sum``; version 1 manifests are still read."""
LAKE_LOCK_TIMEOUT_SECONDS: Final = 120.0
"""How long a background job appending to a lake waits for another append to finish."""
_FRAME: Final = "event frame"
_REQUIRED: Final = tuple(str(c) for c in EVENT_SCHEMA if c != EventColumn.ACTOR)
_KEY_SUM_MODULUS: Final = 1 << 64


def is_lake(path: Path) -> bool:
    """True when ``path`` is an event-lake folder (month partitions)."""
    return path.is_dir() and any(p.name.startswith("month=") for p in path.iterdir())


def events_fingerprint(rows: int, key_sum: int) -> str:
    """The fingerprint of ``rows`` events whose :func:`event_key_sum` is ``key_sum``."""
    return f"{rows}:{key_sum % _KEY_SUM_MODULUS:016x}"


@dataclass(frozen=True)
class AppendResult:
    """What an append did.

    Attributes
    ----------
    added:
        Rows written.
    duplicates:
        Rows dropped because their key was already stored or repeated in the frame.
    months:
        ``YYYY-MM`` partitions that received rows, sorted.
    """

    added: int
    duplicates: int
    months: list[str]


@dataclass(frozen=True)
class LakeStats:
    """Size of the lake: rows, months present (sorted) and distinct people."""

    rows: int
    months: list[str]
    people: int


class EventLake:
    """Month-partitioned Parquet store of canonical events with dedupe on ``event_key``.

    Parameters
    ----------
    path:
        Lake folder; created on the first append.
    lock_timeout:
        Seconds an append waits for another writer to finish before raising
        :class:`~renown.ingest.lock.LakeLockedError`.
    """

    def __init__(self, path: str | Path, *, lock_timeout: float = 0.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    # ----------------------------------------------------------------- reading

    def parts(self) -> list[Part]:
        """Committed parts, in manifest order."""
        return self.snapshot()[1]

    def snapshot(self) -> tuple[bytes | None, list[Part]]:
        """The manifest's bytes (``None``: no lake yet) and the parts they list.

        The manifest is read once, so the pair is consistent even while an append commits:
        copying these bytes and these parts' files (which are never rewritten) copies the
        lake exactly as it was at that commit, which is how a backup reads a live lake.
        """
        manifest = self.path / MANIFEST_NAME
        try:
            raw = manifest.read_bytes()
        except FileNotFoundError:
            return None, []
        try:
            content = json.loads(raw.decode("utf-8"))
            return raw, [Part.from_json(entry) for entry in content["parts"]]
        except (ValueError, KeyError, TypeError) as error:
            raise RenownError(f"{manifest}: unreadable lake manifest ({error})") from error

    def files(
        self, since: datetime | date | None = None, until: datetime | date | None = None
    ) -> list[Path]:
        """Part files that may hold events in ``[since, until)`` (all when both None).

        Other engines (Spark) read exactly these files, so they see the committed lake
        and nothing else.
        """
        low, high = _instant(since), _instant(until)
        chosen: list[Path] = []
        for part in self.parts():
            if low is not None and (part.month < month_of(low) or part.last < low):
                continue
            if high is not None and (part.month > month_of(high) or part.first >= high):
                continue
            chosen.append(self.path / part.file)
        return chosen

    def scan(
        self, since: datetime | date | None = None, until: datetime | date | None = None
    ) -> pl.LazyFrame:
        """Lazy frame of stored events with ``since <= timestamp < until``.

        Parameters
        ----------
        since, until:
            Optional bounds (aware datetimes; naive ones and dates are taken as UTC).
            Whole months outside the window are never opened.

        Returns
        -------
        polars.LazyFrame
            Canonical schema; empty when the lake (or the window) is empty.
        """
        files = self.files(since, until)
        if not files:
            return empty_events().lazy()
        frame = pl.scan_parquet(files, hive_partitioning=False, schema=EVENT_SCHEMA)
        low, high = _instant(since), _instant(until)
        if low is not None:
            frame = frame.filter(pl.col(EventColumn.TIMESTAMP) >= low)
        if high is not None:
            frame = frame.filter(pl.col(EventColumn.TIMESTAMP) < high)
        return frame

    def fingerprint(self) -> str:
        """Fingerprint of every stored event, from the manifest's per-part key sums.

        Equal to the fingerprint of ``scan().collect()`` computed row by row, at the cost
        of reading one small file (or, for parts listed by a version 1 manifest, their
        ``event_key`` column).
        """
        parts = self.parts()
        total = sum(self._key_sum(part) for part in parts)
        return events_fingerprint(sum(part.rows for part in parts), total)

    def _key_sum(self, part: Part) -> int:
        if part.key_sum is not None:
            return part.key_sum
        return event_key_sum(self._keys(part))

    def _keys(self, part: Part) -> pl.Series:
        keys = pl.read_parquet(self.path / part.file, columns=[str(EventColumn.EVENT_KEY)])
        return keys.get_column(EventColumn.EVENT_KEY)

    def stats(self) -> LakeStats:
        """Rows, months and distinct people (actors and targets) stored."""
        parts = self.parts()
        if not parts:
            return LakeStats(rows=0, months=[], people=0)
        scan = self.scan()
        people = pl.concat(
            [
                scan.select(pl.col(EventColumn.ACTOR).alias("person")),
                scan.select(pl.col(EventColumn.TARGET).alias("person")),
            ]
        ).select(pl.col("person").drop_nulls().n_unique())
        return LakeStats(
            rows=sum(p.rows for p in parts),
            months=sorted({p.month for p in parts}),
            people=int(people.collect().item()),
        )

    # ----------------------------------------------------------------- writing

    def append(self, frame: pl.DataFrame) -> AppendResult:
        """Store the events of ``frame`` whose keys are not stored yet, atomically.

        Parameters
        ----------
        frame:
            Canonical event frame (extra columns are ignored).

        Returns
        -------
        AppendResult
            Rows added, rows dropped as duplicates, months written.

        Raises
        ------
        InputError
            The frame lacks a column, has a value of the wrong type, a null in a required
            column or an invalid weight (names the row as ``line`` and the column).
        LakeLockedError
            Another writer holds the lake.
        """
        events = _validated(frame)
        unique = events.unique(subset=EventColumn.EVENT_KEY, keep="first", maintain_order=True)
        private_dir(self.path)
        with LakeLock(self.path / LOCK_NAME, timeout=self.lock_timeout):
            parts = self.parts()
            self._sweep(parts)
            fresh = self._unseen(unique, parts)
            if fresh.height == 0:
                return AppendResult(added=0, duplicates=events.height, months=[])
            # a version 1 manifest is upgraded by the commit: its parts get their key sums
            parts = [
                part
                if part.key_sum is not None
                else replace(part, key_sum=recorded_key_sum(self._keys(part)))
                for part in parts
            ]
            new_parts = self._commit(fresh, parts)
        return AppendResult(
            added=fresh.height,
            duplicates=events.height - fresh.height,
            months=sorted({p.month for p in new_parts}),
        )

    def append_batches(self, batches: Iterable[pl.DataFrame]) -> AppendResult:
        """Store the events of every batch as one append: all of them or, on any error, none.

        For inputs too large to hold in memory at once. Each batch is checked and written as
        it comes (parts of at most :data:`~renown.ingest.lake_parts.PART_ROWS` rows, under
        temporary names), and one manifest replace at the end publishes them all; an
        exception from the batches (a reader refusing line 9,000,000) or from writing
        removes every file written so far.

        The batches must not share a key: a key is dropped when already stored or repeated
        within its batch, but batches are not compared with each other (that would hold every
        key of the input in memory). Readers guarantee it by grouping rows by key.

        Raises
        ------
        InputError
            As :meth:`append`, for a batch (``line`` is the row within that batch), or what
            the batches themselves raise.
        LakeLockedError
            Another writer holds the lake.
        """
        private_dir(self.path)
        with LakeLock(self.path / LOCK_NAME, timeout=self.lock_timeout):
            parts = self.parts()
            self._sweep(parts)
            staging = Staging(self.path, part_rows=lake_parts.PART_ROWS)
            seen = added = 0
            try:
                for frame in batches:
                    events = _validated(frame)
                    seen += events.height
                    unique = events.unique(
                        subset=EventColumn.EVENT_KEY, keep="first", maintain_order=True
                    )
                    fresh = self._unseen(unique, parts)
                    added += fresh.height
                    staging.add(fresh)
                    del events, unique, fresh
                new_parts = staging.finish()
                if new_parts:
                    parts = [
                        part
                        if part.key_sum is not None
                        else replace(part, key_sum=recorded_key_sum(self._keys(part)))
                        for part in parts
                    ]
                    staging.publish()
                    self._write_manifest([*parts, *new_parts])
            except BaseException:
                staging.discard()
                raise
        return AppendResult(
            added=added, duplicates=seen - added, months=sorted({p.month for p in new_parts})
        )

    def _unseen(self, events: pl.DataFrame, parts: Sequence[Part]) -> pl.DataFrame:
        """Rows whose key is not in any committed part."""
        if not parts:
            return events
        stored = (
            pl.scan_parquet([self.path / p.file for p in parts], hive_partitioning=False)
            .select(EventColumn.EVENT_KEY)
            .filter(pl.col(EventColumn.EVENT_KEY).is_in(events[EventColumn.EVENT_KEY].implode()))
            .collect()
        )
        if stored.height == 0:
            return events
        return events.join(stored, on=EventColumn.EVENT_KEY, how="anti", maintain_order="left")

    def _commit(self, events: pl.DataFrame, parts: Sequence[Part]) -> list[Part]:
        """Write one part per month, then publish them all with one manifest replace."""
        staging = Staging(self.path, part_rows=None)
        try:
            staging.add(events)
            new_parts = staging.finish()
            staging.publish()
            self._write_manifest([*parts, *new_parts])
        except BaseException:
            staging.discard()
            raise
        return new_parts

    def _write_manifest(self, parts: Sequence[Part]) -> None:
        """Atomically replace the manifest: this rename is the commit point."""
        manifest = self.path / MANIFEST_NAME
        temporary = self.path / f".{MANIFEST_NAME}.{uuid.uuid4().hex}.tmp"
        content = {"version": MANIFEST_VERSION, "parts": [p.to_json() for p in parts]}
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            os.fchmod(descriptor, PRIVATE_FILE_MODE)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(content, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, manifest)
        finally:
            temporary.unlink(missing_ok=True)
        fsync_dirs([self.path])

    def _sweep(self, parts: Sequence[Part]) -> None:
        """Remove files a crashed append left behind (unlisted parts and temporaries)."""
        listed = {p.file for p in parts}
        for file in self._stray_files():
            relative = file.relative_to(self.path).as_posix()
            if relative not in listed:
                file.unlink(missing_ok=True)

    def _stray_files(self) -> Iterator[Path]:
        yield from self.path.glob(f".{MANIFEST_NAME}.*.tmp")
        for directory in self.path.glob("month=*"):
            yield from directory.glob(".part-*.tmp")
            yield from directory.glob("part-*.parquet")


def _validated(frame: pl.DataFrame) -> pl.DataFrame:
    """Canonical columns with every row checked; the first problem raises."""
    missing = [str(c) for c in EVENT_SCHEMA if c not in frame.columns]
    if missing:
        raise InputError(_FRAME, "missing column", field=missing[0])
    for column, dtype in EVENT_SCHEMA.items():
        try:
            frame.select(pl.col(column).cast(dtype, strict=True))
        except pl.exceptions.PolarsError as error:
            raise InputError(
                _FRAME, f"values are not {dtype} ({error})", field=str(column)
            ) from error
    events = conform(frame)
    checks = [(events[c].is_null(), c, "is empty") for c in _REQUIRED]
    weights = events[EventColumn.WEIGHT]
    checks.append(
        (~(weights.is_finite() & (weights >= 0)).fill_null(value=True), "weight", "must be >= 0")
    )
    for bad, column, message in checks:
        rows = bad.arg_true()
        if rows.len():
            raise InputError(_FRAME, f"{column} {message}", line=int(rows[0]) + 1, field=column)
    return events


def _instant(value: datetime | date | None) -> datetime | None:
    """Aware UTC datetime; naive datetimes and dates are taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = [
    "AppendResult",
    "EventLake",
    "LakeStats",
    "Part",
    "event_key_sum",
    "events_fingerprint",
    "is_lake",
]
