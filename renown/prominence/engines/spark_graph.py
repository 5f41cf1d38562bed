"""The Spark half of graph building: events -> decayed, weighted, pair-scaled edge table.

Every formula mirrors :func:`renown.graph.build.build_graph` (same filters, ages truncated
to whole seconds, ``weight * channel * kind * decay`` in that order), so both engines give
the same pair volumes up to the order in which floating-point sums are added.

People are numbered as the local builder numbers them: by first appearance in the event
rows (actor before target), then hubs first (:func:`renown.graph.renumber.hub_order`).
The numbering decides tie-breaks (strongest ties, peeling in ring detection) and the
seeded visiting order of community detection, so sharing it is what makes the two
engines agree to the last person, not only up to ties. For a polars frame the row order is
the frame's; for Parquet it is the files' order (sorted paths for a folder, the given order
for a list of files), then the row position inside each file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote, urlparse

import numpy as np
import polars as pl
from numpy.typing import NDArray

from renown.core.errors import InputError
from renown.core.events import EventColumn
from renown.graph.build import (
    DEFAULT_CHANNEL_WEIGHTS,
    DEFAULT_KIND_WEIGHTS,
    SECONDS_PER_DAY,
    PairScaling,
)
from renown.graph.csr import CSR, FloatArray
from renown.graph.renumber import hub_order

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROS: Final = timedelta(microseconds=1)
_EMPTY_SCHEMA: Final = (
    "actor string, target string, timestamp timestamp, channel string, kind string, "
    "weight double, _order long"
)
_FRAME_TYPES: Final = {
    EventColumn.ACTOR: pl.String(),
    EventColumn.TARGET: pl.String(),
    EventColumn.TIMESTAMP: pl.Datetime("us", "UTC"),
    EventColumn.CHANNEL: pl.String(),
    EventColumn.KIND: pl.String(),
    EventColumn.WEIGHT: pl.Float64(),
}
"""The canonical dtypes of the columns scoring reads (as in the ingest schema)."""
_MONTH: Final = "month"
"""Partition column of the event lake (folders ``month=YYYY-MM``)."""
_ORDER: Final = "_order"
_ROWS_PER_FILE: Final = 1 << 40
"""Row positions inside one Parquet file stay below this, so (file, row) packs in a long."""


@dataclass(frozen=True, eq=False)
class SparkPairs:
    """The aggregated, undiscounted interaction graph held by Spark.

    Attributes
    ----------
    people:
        Person id of each node number (the local builder's order), on the driver.
    pairs:
        ``src``, ``dst`` (int node numbers), ``volume`` (decayed events) and ``weight``
        (scaled volume), one row per directed pair; materialised.
    anonymous:
        Decayed anonymous engagement per node, on the driver.
    n_events:
        Events that entered the graph (after the as-of, window and self-loop filters).
    """

    people: NDArray[np.object_]
    pairs: DataFrame
    anonymous: FloatArray
    n_events: int


def micros(instant: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime, exactly (no float rounding)."""
    return (instant - _EPOCH) // _MICROS


EventSource = pl.DataFrame | str | Path | Sequence[str | Path]
"""What the engine reads: a frame, an event lake folder, or a list of Parquet part files."""


def read_events(spark: SparkSession, events: EventSource) -> DataFrame:
    """Turn a polars event frame or Parquet events into a Spark frame with a row order.

    A folder is read whole, with its ``month=YYYY-MM`` partitions (pruned later by the
    window). A sequence of part files is read as given: pass the lake's committed files
    (``EventLake.files``) to see exactly what its manifest lists. Only the columns scoring
    needs cross from polars to the JVM, so event keys and sources are not copied for nothing.
    The added ``_order`` column numbers the rows in reading order (see the module docstring).
    """
    if isinstance(events, pl.DataFrame):
        _require_columns("events", events.columns)
        needed = events.select([pl.col(c).cast(t) for c, t in _FRAME_TYPES.items()])
        ordered = needed.with_row_index(_ORDER).with_columns(pl.col(_ORDER).cast(pl.Int64))
        return spark.createDataFrame(ordered.to_arrow())
    if isinstance(events, (str, Path)):
        folder = Path(events)
        if not folder.exists():
            raise InputError(str(folder), "no such event lake")
        frame = spark.read.parquet(str(folder))
        _require_columns(str(folder), frame.columns)
        return _with_file_order(spark, frame, sorted(frame.inputFiles()))
    files = [Path(f) for f in events]
    for path in files:
        if not path.is_file():
            raise InputError(str(path), "no such event file")
    if not files:
        return spark.createDataFrame([], _EMPTY_SCHEMA)
    frame = spark.read.parquet(*(str(f) for f in files))
    _require_columns(str(files[0]), frame.columns)
    rank = {f.resolve(): i for i, f in reversed(list(enumerate(files)))}
    listed = sorted(frame.inputFiles(), key=lambda uri: rank[_local_path(uri)])
    return _with_file_order(spark, frame, listed)


def _local_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)).resolve()


def _with_file_order(spark: SparkSession, frame: DataFrame, files: list[str]) -> DataFrame:
    """Add ``_order``: the file's rank in ``files``, then the row's position in its file.

    Files are matched on the path part of their URI: Spark spells the same local file
    ``file:///a/b`` in one place and ``file:/a/b`` in another.
    """
    from pyspark.sql import functions as F

    ranks = arrow_frame(
        spark,
        {
            "_file": np.asarray(files, dtype=object),
            "_rank": np.arange(len(files), dtype=np.int64),
        },
    ).select(F.parse_url(F.col("_file"), F.lit("PATH")).alias("_path"), "_rank")
    located = frame.select(
        *frame.columns,
        F.parse_url(F.col("_metadata.file_path"), F.lit("PATH")).alias("_path"),
        F.col("_metadata.row_index").alias("_row"),
    )
    unlisted = F.raise_error(F.concat(F.lit("event file not listed: "), F.col("_path")))
    return located.join(F.broadcast(ranks), "_path", "left").select(
        *frame.columns,
        F.when(F.col("_rank").isNull(), unlisted)
        .otherwise(F.col("_rank") * F.lit(_ROWS_PER_FILE) + F.col("_row"))
        .alias(_ORDER),
    )


def _require_columns(source: str, columns: Sequence[str]) -> None:
    missing = [str(c) for c in _FRAME_TYPES if c not in columns]
    if missing:
        raise InputError(source, "missing event column", field=missing[0])


def weighted_events(
    frame: DataFrame,
    *,
    as_of: datetime,
    half_life_days: float,
    window_days: float | None,
    channel_weights: Mapping[str, float] | None,
    kind_weights: Mapping[str, float] | None,
) -> DataFrame:
    """Filter by as-of and window, then weight and decay every event.

    Returns ``actor, target, w`` (the event's weight) and ``row`` (its reading order).

    Self-addressed events and events without a target are dropped; anonymous events (no
    actor) are kept. In an event lake, whole month folders outside the window are skipped
    before any file is opened.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    as_of_us = micros(as_of)
    start = None if window_days is None else as_of - timedelta(days=window_days)
    if _MONTH in frame.columns and isinstance(frame.schema[_MONTH].dataType, StringType):
        frame = frame.where(F.col(_MONTH) <= as_of.astimezone(UTC).strftime("%Y-%m"))
        if start is not None:
            frame = frame.where(F.col(_MONTH) >= start.astimezone(UTC).strftime("%Y-%m"))
    ts_us = F.unix_micros(F.col(EventColumn.TIMESTAMP))
    frame = frame.where(ts_us <= F.lit(as_of_us))
    if start is not None:
        frame = frame.where(ts_us >= F.lit(micros(start)))
    actor, target = F.col(EventColumn.ACTOR), F.col(EventColumn.TARGET)
    frame = frame.where(target.isNotNull() & (actor.isNull() | (actor != target)))
    # Whole seconds, truncated, exactly as polars' Duration.total_seconds().
    age_us = F.lit(as_of_us) - ts_us
    age_days = ((age_us - age_us % F.lit(1_000_000)) / F.lit(1_000_000)) / F.lit(SECONDS_PER_DAY)
    decay = F.pow(F.lit(2.0), -age_days / F.lit(float(half_life_days)))
    channel = _lookup(
        F.col(EventColumn.CHANNEL), {**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})}
    )
    kind = _lookup(F.col(EventColumn.KIND), {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})})
    weight = F.coalesce(F.col(EventColumn.WEIGHT).cast("double"), F.lit(1.0))
    return frame.select(
        actor.alias("actor"),
        target.alias("target"),
        (weight * channel * kind * decay).alias("w"),
        F.col(_ORDER).alias("row"),
    )


def _lookup(column: Column, weights: Mapping[str, float]) -> Column:
    """Weight of each value of ``column``; 1 for values (and nulls) not in ``weights``."""
    from pyspark.sql import functions as F

    result = F.lit(1.0)
    for name, value in weights.items():
        result = F.when(column == F.lit(name), F.lit(float(value))).otherwise(result)
    return result


def scaled(volume: Column, scaling: PairScaling, cap: float) -> Column:
    """Spark twin of :func:`renown.graph.build.scale_pairs`."""
    from pyspark.sql import functions as F

    if scaling == "log":
        return F.log1p(volume)
    if scaling == "cap":
        return F.least(volume, F.lit(float(cap)))
    if scaling == "none":
        return volume
    raise ValueError(f"unknown pair scaling {scaling!r}")


def aggregate_pairs(
    spark: SparkSession, weighted: DataFrame, scaling: PairScaling, cap: float
) -> SparkPairs:
    """Number the people as the local builder does and sum the weight of every pair."""
    from pyspark.sql import functions as F

    raw = (
        weighted.groupBy("actor", "target")
        .agg(
            F.sum("w").alias("volume"),
            F.count(F.lit(1)).alias("events"),
            F.min("row").alias("first"),
        )
        .localCheckpoint()
    )
    people = _number_people(raw)
    codes = node_frame(spark, {"id": people})
    src = codes.select(F.col("id").alias("actor"), F.col("node").alias("src"))
    dst = codes.select(F.col("id").alias("target"), F.col("node").alias("dst"))
    pairs = (
        raw.where(F.col("actor").isNotNull())
        .join(src, "actor")
        .join(dst, "target")
        .select("src", "dst", "volume", scaled(F.col("volume"), scaling, cap).alias("weight"))
        .localCheckpoint()
    )
    anonymous_rows = (
        raw.where(F.col("actor").isNull()).join(dst, "target").select("dst", "volume").toArrow()
    )
    anonymous = np.zeros(len(people), dtype=np.float64)
    np.add.at(
        anonymous,
        anonymous_rows.column("dst").to_numpy().astype(np.int64),
        anonymous_rows.column("volume").to_numpy().astype(np.float64),
    )
    counted = raw.agg(F.sum("events")).first()
    n_events = int(counted[0] or 0) if counted is not None else 0
    return SparkPairs(people=people, pairs=pairs, anonymous=anonymous, n_events=n_events)


def _number_people(raw: DataFrame) -> NDArray[np.object_]:
    """Person ids in the local builder's node order (first appearance, then hubs first)."""
    from pyspark.sql import functions as F

    known = F.col("actor").isNotNull()
    as_actor = (
        raw.where(known)
        .groupBy(F.col("actor").alias("id"))
        .agg(
            F.min(F.col("first") * 2).alias("key"),
            F.sum("events").alias("sent"),
            F.lit(0).cast("long").alias("received"),
        )
    )
    as_target = raw.groupBy(F.col("target").alias("id")).agg(
        F.min(F.col("first") * 2 + 1).alias("key"),
        F.lit(0).cast("long").alias("sent"),
        F.sum(F.when(known, F.col("events")).otherwise(F.lit(0))).alias("received"),
    )
    table = (
        as_actor.unionByName(as_target)
        .groupBy("id")
        .agg(
            F.min("key").alias("key"),
            F.sum("sent").alias("sent"),
            F.sum("received").alias("received"),
        )
        .toArrow()
    )
    by_appearance = np.argsort(table.column("key").to_numpy(), kind="stable")
    ids = table.column("id").to_numpy(zero_copy_only=False).astype(object)[by_appearance]
    received = table.column("received").to_numpy().astype(np.int64)[by_appearance]
    sent = table.column("sent").to_numpy().astype(np.int64)[by_appearance]
    old_of_new, _ = hub_order(received, sent)
    return np.asarray(ids[old_of_new], dtype=object)


def arrow_frame(spark: SparkSession, columns: Mapping[str, np.ndarray]) -> DataFrame:
    """A Spark frame of driver arrays, shipped as Arrow (no Python worker is started)."""
    import pyarrow as pa

    return spark.createDataFrame(pa.table({name: pa.array(v) for name, v in columns.items()}))


def node_frame(spark: SparkSession, columns: Mapping[str, np.ndarray]) -> DataFrame:
    """A Spark frame of per-node driver arrays, with ``node`` = position (0..n-1)."""
    n = len(next(iter(columns.values())))
    return arrow_frame(spark, {"node": np.arange(n, dtype=np.int32), **columns})


def collect_csr(pairs: DataFrame, n: int) -> CSR:
    """Collect a pair table to the driver as an out-adjacency CSR (targets ascending)."""
    table = pairs.select("src", "dst", "volume", "weight").toArrow()
    src = table.column("src").to_numpy().astype(np.int64)
    dst = table.column("dst").to_numpy().astype(np.int32)
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return CSR(
        indptr=indptr,
        indices=dst[order],
        weights=table.column("weight").to_numpy().astype(np.float64)[order],
        volume=table.column("volume").to_numpy().astype(np.float64)[order],
    )
