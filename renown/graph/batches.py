"""Event frame -> batches of hashed ids, weights and flags, prepared one batch ahead.

Why batches: ten million events are hashed and weighed in slices of a few hundred thousand
rows, so the per-row columns only ever exist for a slice or two, never for the whole input.

Why ahead, in a background thread: the graph builder codes ids on the calling thread, one
batch after another, and that loop is the critical path. Everything a batch needs before
it can be coded (polars filtering and hashing, the conversion to numpy, the numba weight
kernel) runs in one worker thread while the caller codes the previous batch; polars and
numba release the GIL, so both cores stay busy. The worker also gathers the ids of the
people a coded batch introduced (:func:`new_ids`), which the caller needs only at the end.
"""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.events import EventColumn
from renown.graph.encode import NewPeople
from renown.graph.weights import NameWeights, event_weights

SECONDS_PER_DAY: Final = 86_400.0

BATCH_ROWS: Final = 1 << 18
"""Events per batch: large enough to amortise per-batch overhead, small enough that the
per-batch hash columns stay a fraction of the coded event arrays."""

LAZY_BATCH_ROWS: Final = 1 << 20
"""Rows per slice of a scanned file: each slice pays for file footers and page decoding."""

_FILTER_BELOW: Final = 0.9
"""Share of kept rows under which an in-memory slice is filtered before hashing."""


@dataclass(frozen=True)
class Seeds:
    """Hash seeds of one build, drawn at random.

    Results never depend on them (codes follow first appearance), but secret seeds mean
    nobody can craft ids (or channel names) that collide on purpose to merge two people.
    """

    low: int = field(default_factory=lambda: secrets.randbits(63))
    high: int = field(default_factory=lambda: secrets.randbits(63))
    names: int = field(default_factory=lambda: secrets.randbits(63))


@dataclass(frozen=True, eq=False)
class PreparedBatch:
    """One batch ready for :func:`renown.graph.encode.encode_batch`.

    ``column`` holds the numpy ``keep``, ``anonymous`` and the four id hash columns (and
    ``keep_earlier`` when an earlier window is built in the same pass); ``weight`` is each
    row's full event weight, ``weight_earlier`` its weight as of the earlier window's end;
    ``actor`` and ``target`` are the ids.
    """

    actor: pl.Series
    target: pl.Series
    column: dict[str, NDArray[Any]]
    weight: NDArray[np.float64]
    weight_earlier: NDArray[np.float64] | None = None

    @property
    def height(self) -> int:
        """Number of rows."""
        return len(self.weight)


@dataclass(frozen=True)
class Weighing:
    """What turns a prepared frame into event weights: decay and name weight tables.

    ``earlier`` is the end of a second, earlier window weighed in the same pass (the trend
    window of a scoring run): each row then also says whether it belongs to that window and
    what it weighs there, decayed towards ``earlier``. Both windows span ``window_days``
    (None: everything up to their end).
    """

    as_of: datetime
    half_life_days: float
    seeds: Seeds
    channels: NameWeights
    kinds: NameWeights
    earlier: datetime | None = None
    window_days: float | None = None


def prepared_batches(
    events: pl.DataFrame | pl.LazyFrame,
    window_days: float | None,
    weighing: Weighing,
    pool: ThreadPoolExecutor,
) -> Iterator[PreparedBatch]:
    """Prepare the events ``BATCH_ROWS`` at a time in ``pool``, one batch ahead.

    A lazy input that is a bare scan (the event lake) is read slice by slice; one with a
    window is filtered by polars first (so a lake scan skips whole files and row groups).
    An in-memory frame is sliced without copying; a slice that keeps nearly every row is
    not filtered at all (the copy would cost more than hashing a few extra rows): its rows
    carry the ``keep`` flag instead. Empty batches are skipped.
    """
    pending: deque[Future[PreparedBatch]] = deque()
    for task in _tasks(events, window_days, weighing):
        pending.append(pool.submit(task))
        if len(pending) > 1:
            batch = pending.popleft().result()
            if batch.height:
                yield batch
    while pending:
        batch = pending.popleft().result()
        if batch.height:
            yield batch


def new_ids(batch: PreparedBatch, new: NewPeople) -> pl.Series:
    """The ids of the people ``batch`` introduced, in code order."""
    at = new.first_row.astype(np.int64) + new.first_column.astype(np.int64) * batch.height
    return pl.concat([batch.actor, batch.target]).gather(at)


def capacity(events: pl.DataFrame | pl.LazyFrame) -> int:
    """Upper bound of the events kept: the row count before filtering.

    For a Parquet scan polars answers from the file footers without reading any column.
    """
    if isinstance(events, pl.DataFrame):
        return events.height
    return int(events.select(pl.len()).collect().item())


def _tasks(
    events: pl.DataFrame | pl.LazyFrame, window_days: float | None, weighing: Weighing
) -> Iterator[Callable[[], PreparedBatch]]:
    """One task per batch, in order; each returns the prepared batch."""
    keep = _keep(weighing.as_of, window_days)
    if weighing.earlier is not None:
        # rows of either window are read; _prepare flags which window each belongs to
        keep |= _keep(weighing.earlier, window_days)
    if isinstance(events, pl.LazyFrame):
        if window_days is None and _plain_scan(events):
            # slices are pushed down to the files, so memory stays at one slice
            for offset in range(0, capacity(events), LAZY_BATCH_ROWS):
                piece = events.slice(offset, LAZY_BATCH_ROWS).filter(keep)
                yield partial(_collected, piece, pl.lit(True), weighing)
            return
        # a window skips whole files and row groups, which only a filter before any slice
        # can do; polars' streaming engine then runs the query (it buffers more). Batches
        # are pulled on the calling thread, the stream's own; the worker converts them.
        query = _prepare(events.filter(keep), pl.lit(True), weighing)
        for frame in query.collect_batches(chunk_size=BATCH_ROWS, maintain_order=True):
            yield partial(_converted, frame, weighing)
        return
    for offset in range(0, events.height, BATCH_ROWS):
        yield partial(_sliced, events.slice(offset, BATCH_ROWS), keep, weighing)


def _sliced(part: pl.DataFrame, keep: pl.Expr, weighing: Weighing) -> PreparedBatch:
    kept = int(part.select(keep.sum()).item())
    if kept == 0:
        return _converted(_prepare(part.clear().lazy(), keep, weighing).collect(), weighing)
    if kept < _FILTER_BELOW * part.height:
        return _collected(part.lazy().filter(keep), pl.lit(True), weighing)
    return _collected(part.lazy(), keep, weighing)


def _collected(events: pl.LazyFrame, keep: pl.Expr, weighing: Weighing) -> PreparedBatch:
    return _converted(_prepare(events, keep, weighing).collect(), weighing)


def _converted(frame: pl.DataFrame, weighing: Weighing) -> PreparedBatch:
    column = {name: frame.get_column(name).to_numpy() for name in frame.columns[2:]}
    base, channel, kind = column.pop("weight"), column.pop("channel"), column.pop("kind")
    weigh = partial(
        event_weights,
        base,
        channel_hash=channel,
        kind_hash=kind,
        channels=weighing.channels,
        kinds=weighing.kinds,
    )
    weight = weigh(column.pop("decay"))
    earlier = weigh(column.pop("decay_earlier")) if "decay_earlier" in column else None
    return PreparedBatch(
        frame.get_column("actor"), frame.get_column("target"), column, weight, earlier
    )


def _plain_scan(events: pl.LazyFrame) -> bool:
    """True when the query is a bare file scan, which polars can slice without rereading."""
    lines = [line.strip() for line in events.explain().splitlines() if line.strip()]
    if not lines or "SCAN" not in lines[0]:
        return False
    return all(line.startswith(("PROJECT", "ESTIMATED")) for line in lines[1:])


def _keep(as_of: datetime, window_days: float | None) -> pl.Expr:
    ts = pl.col(EventColumn.TIMESTAMP)
    keep = ts <= as_of
    if window_days is not None:
        keep &= ts >= as_of - timedelta(days=window_days)
    return keep & pl.col(EventColumn.TARGET).is_not_null()


def _decay(as_of: datetime, half_life_days: float) -> pl.Expr:
    ts = pl.col(EventColumn.TIMESTAMP)
    age_days = (pl.lit(as_of) - ts).dt.total_seconds().cast(pl.Float64) / SECONDS_PER_DAY
    return 2.0 ** (-age_days / half_life_days)


def _prepare(events: pl.LazyFrame, keep: pl.Expr, weighing: Weighing) -> pl.LazyFrame:
    seeds = weighing.seeds
    actor = pl.col(EventColumn.ACTOR)
    target = pl.col(EventColumn.TARGET)
    earlier: list[pl.Expr] = []
    if weighing.earlier is not None:
        # both windows' flags from the timestamps themselves: the rows were filtered (or
        # flagged) by their union
        keep = _keep(weighing.as_of, weighing.window_days)
        earlier = [
            _keep(weighing.earlier, weighing.window_days).fill_null(False).alias("keep_earlier"),
            _decay(weighing.earlier, weighing.half_life_days).alias("decay_earlier"),
        ]
    return events.select(
        actor.alias("actor"),
        target.alias("target"),
        keep.fill_null(False).alias("keep"),
        actor.hash(seeds.low).alias("actor_low"),
        actor.hash(seeds.high).alias("actor_high"),
        actor.is_null().alias("anonymous"),
        target.hash(seeds.low).alias("target_low"),
        target.hash(seeds.high).alias("target_high"),
        pl.col(EventColumn.CHANNEL).hash(seeds.names).alias("channel"),
        pl.col(EventColumn.KIND).hash(seeds.names).alias("kind"),
        pl.col(EventColumn.WEIGHT).fill_null(1.0).cast(pl.Float64).alias("weight"),
        _decay(weighing.as_of, weighing.half_life_days).alias("decay"),
        *earlier,
    )
