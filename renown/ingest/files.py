"""A single table of events scored as it is, without importing it into a lake.

``renown score events.parquet`` reads the file once and scores it. Importing computes a
stable key per event so that a lake can deduplicate; scoring a file needs none of that, and
hashing ten million keys one by one would cost more than the scoring itself. The run still
needs a fingerprint of its input (to refuse reproducing a run whose input changed): for a
single file that is a hash of the file's bytes, the reading options included, computed in a
background thread while the file is parsed (the hash releases the interpreter lock on large
buffers, so it costs no wall time on a machine with two cores).

A Parquet, CSV or TSV file of any size is read in slices: each slice is checked exactly as
a whole file would be (errors name the file, line and field; the text formats are cut into
chunks by :mod:`renown.ingest.readers.tabular_stream`, as an import cuts them) and
written, with the scoring columns only, to a temporary lz4 Parquet folder that the graph
builder then streams for both windows. The events are therefore never all in memory, and
memory follows people and pairs as it does for an event lake. Copies of one message are
found across the whole file from a 64-bit hash per row (:mod:`renown.ingest.readers._copies`)
and left out of the stream; in a file with native ids, the rows of an id after its first
are, as an import stores one event per id.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl
import pyarrow.parquet as pq
from numpy.typing import NDArray

from renown.core.errors import InputError, RenownError
from renown.core.events import Channel, EventColumn, Kind
from renown.ingest.readers._copies import COPY_HASH_SEED, repeated_values
from renown.ingest.readers._delimited import POLARS_FAILURES, LineLocator
from renown.ingest.readers._keys import occurrence
from renown.ingest.readers.tabular import (
    TabularFormat,
    _check_columns,
    _resolve_mapping,
    _validated,
    parquet_columns,
    read_tabular,
)
from renown.ingest.readers.tabular_stream import TabularChunks
from renown.ingest.schema import EVENT_SCHEMA

SCORED_COLUMNS: Final = ("actor", "target", "timestamp", "channel", "kind", "weight")
"""What scoring reads of an event (and what identifies a copy)."""

SLICE_ROWS: Final = 1 << 20
"""Rows checked and spilled at a time: about a hundred megabytes of text at most."""

_ROW: Final = "_row"
_IDENTITY: Final = (EventColumn.EVENT_KEY.value,)
"""What identifies an event of a file with native ids."""
_CHUNK: Final = 1 << 22
_DIGEST_BYTES: Final = 16
_CHANGED: Final = (
    "changed while it was being read (written to or replaced); score it again once it is complete"
)


class EventFile:
    """A CSV, TSV, JSON Lines or Parquet file of events, read for scoring without keys.

    The slices :meth:`scoring_events` spills are removed by :meth:`close`, or when the
    object is collected or the interpreter exits, whichever comes first: keep the object
    while the stream it returned is read.
    """

    def __init__(
        self, path: Path, format: TabularFormat, mapping: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.format: TabularFormat = format
        self.mapping = dict(mapping or {})
        self._digest: str | None = None
        self._hashing: threading.Thread | None = None
        self._identity: _Identity | None = None
        self._changed = False
        self._cleanup: weakref.finalize[..., EventFile] | None = None

    def read(self, *, keyed: bool = False) -> pl.DataFrame:
        """The file's canonical events, copies dropped; ``event_key`` empty unless ``keyed``.

        Raises :class:`~renown.core.errors.InputError` naming the file, line and field of
        the first bad value, as an import would.
        """
        if not keyed:
            self._start_hashing()
        events = read_tabular(self.path, mapping=self.mapping, format=self.format, keyed=keyed)
        if not keyed:
            self._check_unchanged()
        return events

    def scoring_events(self) -> pl.DataFrame | pl.LazyFrame:
        """The events' :data:`SCORED_COLUMNS`, copies dropped: streamed from checked chunks
        for Parquet, CSV and TSV, read whole for JSON Lines."""
        self._start_hashing()
        if self.format == "jsonl":
            return self.read().select(SCORED_COLUMNS)
        return self._spilled()

    def close(self) -> None:
        """Remove the spilled slices, if any."""
        if self._cleanup is not None:
            self._cleanup()
            self._cleanup = None

    def fingerprint(self) -> str:
        """``file:`` and a digest of the bytes, the format and the column mapping."""
        self._start_hashing()
        assert self._hashing is not None
        self._hashing.join()
        if self._changed:
            raise InputError(str(self.path), _CHANGED)
        if self._digest is None:
            raise InputError(str(self.path), "cannot be read to fingerprint it")
        return f"file:{self._digest}"

    def _spilled(self) -> pl.LazyFrame:
        """Check the file chunk by chunk, spill each chunk's scoring columns, stream them."""
        self.close()
        spill = Path(tempfile.mkdtemp(prefix="renown-score-"))
        self._cleanup = weakref.finalize(self, shutil.rmtree, spill, ignore_errors=True)
        try:
            return self._spill_into(spill)
        except BaseException:
            # at once: the caller reporting the refusal may hold this object for long (a
            # traceback does), and the slices are personal data
            self.close()
            raise

    def _spill_into(self, spill: Path) -> pl.LazyFrame:
        hashes: list[NDArray[np.uint64]] = []
        parts = 0
        chunks, native = self._checked_chunks()
        # each slice is written in the background while the next one is read and checked
        # (polars does both without the interpreter lock)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="renown-spill") as writer:
            written: Future[None] | None = None
            for chunk in chunks:
                # a native id decides what an import keeps (its first row); else the fields do
                identity = _IDENTITY if native() else SCORED_COLUMNS
                events = chunk.select(SCORED_COLUMNS + _IDENTITY if native() else SCORED_COLUMNS)
                hashes.append(events.select(identity).hash_rows(seed=COPY_HASH_SEED).to_numpy())
                if written is not None:
                    written.result()
                written = writer.submit(_spill_slice, events, spill / f"part-{parts:06d}.parquet")
                parts += 1
            if written is not None:
                written.result()
        if parts == 0:
            empty = pl.DataFrame(schema={c: EVENT_SCHEMA[c] for c in SCORED_COLUMNS})
            empty.write_parquet(spill / "part-000000.parquet")
        self._check_unchanged()
        scan = pl.scan_parquet(spill / "*.parquet")
        dropped = _dropped_rows(scan, hashes, native=native())
        if dropped.size:
            scan = scan.with_row_index(_ROW).filter(~pl.col(_ROW).is_in(dropped)).drop(_ROW)
        return scan.select(SCORED_COLUMNS)

    def _checked_chunks(self) -> tuple[Iterator[pl.DataFrame], Callable[[], bool]]:
        """Checked canonical rows chunk by chunk, and whether rows carry a native id."""
        if self.format == "parquet":
            return self._parquet_slices()
        chunks = TabularChunks(self.path, format=self.format, mapping=self.mapping)
        return iter(chunks), lambda: chunks.native

    def _parquet_slices(self) -> tuple[Iterator[pl.DataFrame], Callable[[], bool]]:
        where = str(self.path)
        columns = _resolve_mapping(where, self.mapping)
        present = parquet_columns(self.path, set(columns.values()))
        _check_columns(where, columns, self.mapping, present)
        native = columns[EventColumn.EVENT_KEY] in present

        def slices() -> Iterator[pl.DataFrame]:
            try:
                rows = pq.read_metadata(self.path).num_rows
                scan = pl.scan_parquet(self.path).select(present)
                for start in range(0, rows, SLICE_ROWS):
                    # polars reads only the row groups a slice needs, with every core
                    yield _validated(
                        scan.slice(start, SLICE_ROWS).collect(),
                        columns,
                        _lines_from(start),
                        where,
                        channel=Channel.OTHER,
                        kind=Kind.INTERACTION,
                        weight=1.0,
                    )
            except POLARS_FAILURES as error:
                if isinstance(error, InputError):
                    raise
                raise InputError(where, f"cannot be read as Parquet: {error}") from None

        return slices(), lambda: native

    def _start_hashing(self) -> None:
        if self._hashing is None:
            # the file as it is now: what is hashed and what is read must both be this file
            self._identity = _identity_of(self.path)
            self._hashing = threading.Thread(target=self._hash, name="renown-file-hash")
            self._hashing.start()

    def _check_unchanged(self) -> None:
        """Refuse a file written to or replaced since hashing began: the events read and the
        fingerprint recorded would then describe two different files."""
        if self._hashing is not None and _identity_of(self.path) != self._identity:
            raise InputError(str(self.path), _CHANGED)

    def _hash(self) -> None:
        digest = hashlib.blake2b(digest_size=_DIGEST_BYTES)
        options = {"format": self.format, "mapping": sorted(self.mapping.items())}
        digest.update(json.dumps(options).encode())
        try:
            with self.path.open("rb") as handle:
                if _identity(os.fstat(handle.fileno())) != self._identity:
                    self._changed = True
                    return
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                if _identity(os.fstat(handle.fileno())) != self._identity:
                    self._changed = True
                    return
        except OSError:
            return  # fingerprint() reports it; reading the file names the cause first
        self._digest = digest.hexdigest()


_Identity = tuple[int, int, int, int, int]


def _identity(stat: os.stat_result) -> _Identity:
    """What changes when a file is replaced (device, inode) or written to (size, times; the
    change time cannot be set back by a user)."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _identity_of(path: Path) -> _Identity | None:
    try:
        return _identity(path.stat())
    except OSError:
        return None  # reading it names the cause


def _spill_slice(events: pl.DataFrame, path: Path) -> None:
    """Write one checked slice; a full or unwritable temporary folder is said plainly."""
    try:
        events.write_parquet(path, compression="lz4", statistics=False)
    except OSError as error:
        raise RenownError(
            f"cannot write the checked events to the temporary folder {path.parent} "
            f"({error.strerror or error}); set TMPDIR to a folder with room"
        ) from None


def _lines_from(offset: int) -> LineLocator:
    """Line of a record in a slice that starts ``offset`` records into the file (Parquet
    rows are numbered from 1, as a table's lines would be)."""
    return lambda record: offset + record + 1


def _dropped_rows(
    scan: pl.LazyFrame, hashes: list[NDArray[np.uint64]], *, native: bool
) -> NDArray[np.int64]:
    """Row numbers of the spilled rows an import would not keep: with native ids, every row
    of an id after its first (the lake keeps one event per key); else the copies (see
    :func:`~._copies.copies`). ``hashes`` hash what decides it, a row at a time."""
    if not hashes:
        return np.zeros(0, np.int64)
    candidates = np.flatnonzero(repeated_values(np.concatenate(hashes)))
    if candidates.size == 0:
        return candidates.astype(np.int64)
    subset = scan.with_row_index(_ROW).filter(pl.col(_ROW).is_in(pl.Series(candidates))).collect()
    repeats = occurrence(subset, _IDENTITY if native else SCORED_COLUMNS).to_numpy() > 1
    if not native:  # an anonymous row repeated is two events (two upvotes), not a copy
        repeats &= subset.get_column("actor").is_not_null().to_numpy()
    rows: NDArray[np.int64] = subset.get_column(_ROW).to_numpy()[repeats]
    return rows.astype(np.int64)
