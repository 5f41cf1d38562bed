"""Ring detection and discounting on Spark, by the rule of :mod:`renown.prominence.rings`.

The statistics run where the data is: reciprocated pairs come from a self-join of the pair
table, and the median and MAD of their log mutual volume from Spark's exact ``percentile``
(whose interpolation ``0.5 * a + 0.5 * b`` equals numpy's median bit for bit). Only the
heavy pairs, a handful even in a large organisation, are collected: grouping them into
connected groups is then a small driver-side job, and one more Spark query measures each
candidate group's ties for the local rule to judge.
"""

from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from renown.graph.csr import CSR, InteractionGraph
from renown.prominence.engines.spark_graph import arrow_frame
from renown.prominence.rings import _MAD_TO_SIGMA, Ring, RingReport, detect_rings
from renown.prominence.rings import _closed_groups as _closed_groups_locally

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

def _rule() -> dict[str, Any]:
    """The detector's thresholds, read from :func:`detect_rings` so both engines agree."""
    return dict(detect_rings.__kwdefaults__ or {})


def spark_detect_rings(
    spark: SparkSession, pairs: DataFrame, people: NDArray[np.object_]
) -> RingReport:
    """Find reciprocal rings in the (undiscounted) pair table.

    Parameters
    ----------
    spark:
        Session that holds ``pairs``.
    pairs:
        ``src``, ``dst``, ``volume`` per directed pair, node numbers indexing ``people``.
    people:
        Person id of each node number.

    Returns
    -------
    RingReport
        The same report :func:`renown.prominence.rings.detect_rings` gives on the graph.
    """
    from pyspark.sql import functions as F

    rule = _rule()
    there, back = pairs.alias("there"), pairs.alias("back")
    mutual = (
        there.join(
            back,
            (F.col("there.src") == F.col("back.dst")) & (F.col("there.dst") == F.col("back.src")),
        )
        .where(F.col("there.src") < F.col("there.dst"))
        .select(
            F.col("there.src").alias("a"),
            F.col("there.dst").alias("b"),
            F.least(F.col("there.volume"), F.col("back.volume")).alias("mutual"),
        )
        .withColumn(
            "log_mutual",
            F.when(F.col("mutual") > 0, F.log(F.col("mutual"))).otherwise(F.lit(-math.inf)),
        )
        .localCheckpoint()
    )
    stats = mutual.agg(F.count(F.lit(1)), F.percentile("log_mutual", 0.5)).first()
    assert stats is not None
    reciprocated = int(stats[0])
    if reciprocated == 0:
        return RingReport((), 0, 0)
    median = float(stats[1])
    spread = mutual.agg(F.percentile(F.abs(F.col("log_mutual") - F.lit(median)), 0.5)).first()
    assert spread is not None
    mad = float(spread[0]) * _MAD_TO_SIGMA
    threshold = max(
        median + rule["z"] * max(mad, 1e-9), median + float(np.log(rule["min_ratio"]))
    )
    heavy = mutual.where(F.col("log_mutual") > F.lit(threshold)).select("a", "b", "mutual")
    table = heavy.toArrow()
    a = table.column("a").to_numpy().astype(np.int64)
    b = table.column("b").to_numpy().astype(np.int64)
    volumes = table.column("mutual").to_numpy().astype(np.float64)
    rings = _closed_groups(spark, pairs, people, a, b, volumes, float(np.exp(median)), rule)
    return RingReport(tuple(rings), len(a), reciprocated)


def _closed_groups(
    spark: SparkSession,
    pairs: DataFrame,
    people: NDArray[np.object_],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    mutual: NDArray[np.float64],
    norm: float,
    rule: dict[str, Any],
) -> list[Ring]:
    """Group the heavy pairs with the local detector's own rule, on their neighbourhood.

    Whether a group of heavy pairs is a ring depends only on its members' ties (inbound
    volume, internal volume, their other contacts). Those ties are collected (every pair
    touching a heavy pair's endpoint: few rows) into a small graph whose node order follows
    the global one, and :mod:`renown.prominence.rings` decides on it, so the two engines
    cannot drift apart when the rule is refined.
    """
    from pyspark.sql import functions as F

    if len(a) == 0:
        return []
    touched = np.unique(np.concatenate([a, b])).astype(np.int32)
    endpoints = F.broadcast(arrow_frame(spark, {"node": touched}))
    near = (
        pairs.join(endpoints, F.col("src") == F.col("node"), "left_semi")
        .unionByName(pairs.join(endpoints, F.col("dst") == F.col("node"), "left_semi"))
        .distinct()
    )
    table = near.select("src", "dst", "volume", "weight").toArrow()
    src = table.column("src").to_numpy().astype(np.int64)
    dst = table.column("dst").to_numpy().astype(np.int64)
    nodes = np.unique(np.concatenate([src, dst, touched]))
    order = np.lexsort((dst, src))
    sub_src, sub_dst = np.searchsorted(nodes, src[order]), np.searchsorted(nodes, dst[order])
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(np.bincount(sub_src, minlength=len(nodes)), out=indptr[1:])
    neighbourhood = InteractionGraph(
        people=people[nodes],
        out=CSR(
            indptr=indptr,
            indices=sub_dst.astype(np.int32),
            weights=table.column("weight").to_numpy().astype(np.float64)[order],
            volume=table.column("volume").to_numpy().astype(np.float64)[order],
        ),
        anonymous=np.zeros(len(nodes), dtype=np.float64),
    )
    accepted = inspect.signature(_closed_groups_locally).parameters
    options = {name: value for name, value in rule.items() if name in accepted}
    return _closed_groups_locally(
        neighbourhood,
        np.searchsorted(nodes, a).astype(np.int32),
        np.searchsorted(nodes, b).astype(np.int32),
        norm,
        mutual,
        **options,
    )


def spark_discount_rings(
    spark: SparkSession,
    pairs: DataFrame,
    report: RingReport,
    index: dict[str, int],
    discount: float,
) -> DataFrame:
    """Multiply weight and volume of every edge inside one ring by ``discount``."""
    from pyspark.sql import functions as F

    if not report.rings:
        return pairs
    rows = [(index[p], r) for r, ring in enumerate(report.rings) for p in ring.members]
    members = arrow_frame(
        spark,
        {
            "node": np.array([node for node, _ in rows], dtype=np.int32),
            "ring": np.array([ring for _, ring in rows], dtype=np.int32),
        },
    )
    src_ring = members.select(F.col("node").alias("src"), F.col("ring").alias("src_ring"))
    dst_ring = members.select(F.col("node").alias("dst"), F.col("ring").alias("dst_ring"))
    inside = F.col("src_ring").isNotNull() & (F.col("src_ring") == F.col("dst_ring"))
    factor = F.lit(float(discount))
    return (
        pairs.join(F.broadcast(src_ring), "src", "left")
        .join(F.broadcast(dst_ring), "dst", "left")
        .select(
            "src",
            "dst",
            F.when(inside, F.col("volume") * factor).otherwise(F.col("volume")).alias("volume"),
            F.when(inside, F.col("weight") * factor).otherwise(F.col("weight")).alias("weight"),
        )
        .localCheckpoint()
    )
