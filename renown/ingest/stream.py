"""Importing a large CSV, TSV or mbox file into a lake with memory bounded by chunk sizes.

``renown ingest`` used to read a whole file into one frame: several times the file's size
in memory. Here a file is read chunk by chunk (each chunk checked as strictly as a whole
file, see :mod:`.readers._chunks`) and the lake stores the events batch by batch as one
append (:meth:`~renown.ingest.lake.EventLake.append_batches`): all or nothing.

What needs the whole file is which rows share a key. A table without native ids keys each
row by its fields and its ordinal among identical rows of the file, and drops copies of a
named row file-wide; any table or mailbox may repeat a key in rows far apart. So when a
file is larger than one chunk, the checked rows are first spilled to scratch files in a
folder of the lake, each chunk ordered by a bucket of what decides its key (a hash of the
row's fields, of its native id, or the key itself). Then buckets are read back in groups
of about :data:`GROUP_ROWS` rows: every row that can share a key with another lies in the
same group, in file order, so the ordinals, copies and first-of-a-key choices are exactly
those of a whole-file read, and groups never share a key. A file of one chunk skips this.

Memory: one chunk of text and its rows (and the next chunk, read ahead), one group of
rows, and the rows a lake append holds before writing a part, whatever the file's size:
``python -m bench.ingest`` measures a peak under 900 MB for a 200 MB and a 1 GB CSV alike,
about 300 MB of it the interpreter with polars, pyarrow and the compiled kernels. A single
mail larger than a chunk is held whole. Disk: the scratch files, about the size of the
events, removed at the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl
import pyarrow as pa

from renown.core.errors import InputError
from renown.core.events import EventColumn
from renown.core.private import private_dir
from renown.ingest.detect import detect_format
from renown.ingest.events import read_events
from renown.ingest.lake import LOCK_NAME, AppendResult, EventLake, is_lake
from renown.ingest.readers._chunks import CHUNK_BYTES
from renown.ingest.readers.mail import mbox_batches
from renown.ingest.readers.tabular_stream import ROW, TabularChunks
from renown.ingest.schema import conform

GROUP_ROWS: Final = 400_000
"""Rows read back from the scratch files at a time (one group of buckets)."""
_BUCKET_BITS: Final = 12
_BUCKETS: Final = 1 << _BUCKET_BITS
_BUCKETS_PER_BATCH: Final = 64
_BATCHES: Final = _BUCKETS // _BUCKETS_PER_BATCH
_BUCKET: Final = "_bucket"
_STREAMED: Final = ("csv", "tsv", "mbox")
_SEPARATOR: Final = "\x1f"


def import_source(
    path: Path,
    lake: EventLake,
    *,
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> AppendResult:
    """Add the events of the file or folder at ``path`` to ``lake``, as ``renown ingest`` does.

    CSV, TSV and mbox files are read in chunks (see the module's description); any other
    input is read whole by :func:`~renown.ingest.events.read_events`. Keys, refusals and the
    events stored are the same either way.
    """
    chosen = _streamed_format(path, format, mapping)
    if chosen is None:
        return lake.append(read_events(path, format=format, mapping=mapping))
    created = not lake.path.exists()
    private_dir(lake.path)
    try:
        with tempfile.TemporaryDirectory(prefix=".import-", dir=lake.path) as scratch:
            batches = event_batches(
                path, chosen, Path(scratch), mapping=mapping, chunk_bytes=chunk_bytes
            )
            return lake.append_batches(batches)
    except BaseException:
        if created:  # a refused first import leaves no lake folder behind, as before
            (lake.path / LOCK_NAME).unlink(missing_ok=True)
            with suppress(OSError):
                lake.path.rmdir()
        raise


def _streamed_format(
    path: Path, format: str | None, mapping: Mapping[str, str] | None
) -> str | None:
    """The format when ``path`` is a file read in chunks; None to read it whole."""
    if not path.is_file() or format == "lake" or (format is None and is_lake(path)):
        return None
    chosen = format
    if chosen is None and path.suffix.lower() != ".zip":
        try:
            chosen = detect_format(path)
        except InputError:  # read_events raises it, worded for what the user named
            return None
    if chosen not in _STREAMED or (chosen == "mbox" and mapping is not None):
        return None
    return chosen


def event_batches(
    path: Path,
    format: str,
    scratch: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[pl.DataFrame]:
    """Canonical, keyed events of a CSV, TSV or mbox file, in batches that share no key.

    Every refusal is raised before the first batch is yielded: the whole file is read and
    checked first (into ``scratch`` when it spans several chunks).
    """
    if format == "mbox":
        chunks = _keyed_mail(path, chunk_bytes)
        finish = _first_of_each_key
    else:
        table = TabularChunks(path, format=format, mapping=mapping, chunk_bytes=chunk_bytes)
        chunks = _bucketed_rows(table)
        finish = table.finish
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:  # one chunk: no spill
        yield finish(first.drop(_BUCKET).sort(ROW))
        return
    spill = _Spill(scratch)
    spill.add(first)
    spill.add(second)
    del first, second
    for chunk in chunks:
        spill.add(chunk)
    for group in spill.groups():
        yield finish(group)


def _keyed_mail(path: Path, chunk_bytes: int) -> Iterator[pl.DataFrame]:
    """Rows of an mbox with their keys, numbered in file order, bucketed by key."""
    row = 0
    for batch in mbox_batches(path, chunk_bytes=chunk_bytes):
        yield batch.with_columns(
            pl.int_range(row, row + batch.height, dtype=pl.Int64).alias(ROW),
            _key_bucket(pl.col(EventColumn.EVENT_KEY)),
        )
        row += batch.height


def _first_of_each_key(events: pl.DataFrame) -> pl.DataFrame:
    """Events in file order without the working columns (the lake keeps a key's first row)."""
    return conform(events.sort(ROW))


def _bucketed_rows(table: TabularChunks) -> Iterator[pl.DataFrame]:
    """Checked rows of a table with the bucket of what decides their key."""
    for chunk in table:
        if table.native:
            bucket = pl.col(EventColumn.EVENT_KEY).hash(seed=1) % _BUCKETS
        else:
            bucket = _content_bucket()
        yield chunk.with_columns(bucket.cast(pl.Int64).alias(_BUCKET))


def _key_bucket(key: pl.Expr) -> pl.Expr:
    """Bucket of a hex key: its first three digits (keys are evenly spread)."""
    return key.str.slice(0, 3).str.to_integer(base=16).cast(pl.Int64).alias(_BUCKET)


def _content_bucket() -> pl.Expr:
    """Bucket of a row keyed by its fields.

    Identical rows must meet (for ordinals and copies), and so must rows whose joined text is
    equal, since their keys are: that happens to different rows only when a field holds the
    separator, so such rows all go to bucket 0.
    """
    text = [pl.col(c) for c in ("actor", "target", "channel", "kind")]
    separated = pl.any_horizontal([c.str.contains(_SEPARATOR, literal=True) for c in text])
    hashed = pl.struct([*text, pl.col(EventColumn.TIMESTAMP)]).hash(seed=1) % _BUCKETS
    return pl.when(separated.fill_null(value=False)).then(0).otherwise(hashed)


class _Spill:
    """Chunks of rows in scratch files, read back by groups of buckets.

    Each chunk is ordered by bucket and written as an Arrow file with one record batch per
    range of :data:`_BUCKETS_PER_BATCH` buckets, so a group reads only its own batches.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.batches: list[list[int]] = []
        self.rows = np.zeros(_BATCHES, dtype=np.int64)

    def add(self, chunk: pl.DataFrame) -> None:
        ordered = chunk.sort(_BUCKET, maintain_order=True)
        batch_of = ordered[_BUCKET].to_numpy() // _BUCKETS_PER_BATCH
        counts = np.bincount(batch_of, minlength=_BATCHES)
        self.rows += counts
        table = ordered.drop(_BUCKET).to_arrow(compat_level=pl.CompatLevel.oldest())
        del ordered, batch_of
        file = self.folder / f"chunk-{len(self.files):06d}.arrow"
        ends = [0]  # batches written before each range of buckets, and in all
        with pa.OSFile(str(file), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            start = 0
            for count in counts.tolist():
                batches = table.slice(start, count).to_batches()
                for batch in batches:
                    writer.write_batch(batch)
                ends.append(ends[-1] + len(batches))
                start += count
        self.files.append(file)
        self.batches.append(ends)

    def groups(self) -> Iterator[pl.DataFrame]:
        """Rows of consecutive buckets, about :data:`GROUP_ROWS` at a time, in file order."""
        low = 0
        while low < _BATCHES:
            high, rows = low, 0
            while high < _BATCHES and (rows == 0 or rows + self.rows[high] <= GROUP_ROWS):
                rows += int(self.rows[high])
                high += 1
            pieces = []
            for file, ends in zip(self.files, self.batches, strict=True):
                if ends[high] > ends[low]:
                    with pa.OSFile(str(file), "rb") as source:
                        reader = pa.ipc.open_file(source)
                        pieces += [reader.get_batch(i) for i in range(ends[low], ends[high])]
            if pieces:
                frame = pl.from_arrow(pa.Table.from_batches(pieces))
                del pieces
                assert isinstance(frame, pl.DataFrame)
                yield frame.rechunk().sort(ROW)
            low = high
