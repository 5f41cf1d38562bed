"""Ring detection and discounting on Spark, by the rule of :mod:`renown.prominence.rings`.

The statistics run where the data is: reciprocated pairs come from a self-join of the pair
table, and the median and MAD of their log mutual volume from Spark's exact ``percentile``
(whose interpolation ``0.5 * a + 0.5 * b`` equals numpy's median bit for bit). Only the
heavy pairs, a handful even in a large organisation, are collected. Whether a group of heavy
pairs is a ring is then decided by the local detector's own grouping code on the pair table
the engine collects anyway for explanations, so the two engines cannot drift apart when
that rule is refined.
"""

from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from renown.graph.csr import InteractionGraph
from renown.prominence.engines.spark_graph import arrow_frame
from renown.prominence.rings import _MAD_TO_SIGMA, RingReport, detect_rings
from renown.prominence.rings import _closed_groups as closed_groups

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def _rule() -> dict[str, Any]:
    """The detector's thresholds, read from :func:`detect_rings` so both engines agree."""
    return dict(detect_rings.__kwdefaults__ or {})


def spark_detect_rings(pairs: DataFrame, graph: InteractionGraph) -> RingReport:
    """Find reciprocal rings in the (undiscounted) pair table.

    Parameters
    ----------
    pairs:
        ``src``, ``dst``, ``volume`` per directed pair, node numbers of ``graph``.
    graph:
        The same pairs collected on the driver (the engine collects them anyway for
        explanations); the local rule judges the groups of heavy pairs on it.

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
    threshold = max(median + rule["z"] * max(mad, 1e-9), median + float(np.log(rule["min_ratio"])))
    heavy = (
        mutual.where(F.col("log_mutual") > F.lit(threshold))
        .select("a", "b", "mutual")
        .orderBy("a", "b")
        .toArrow()
    )
    a = heavy.column("a").to_numpy().astype(np.int32)
    b = heavy.column("b").to_numpy().astype(np.int32)
    accepted = inspect.signature(closed_groups).parameters
    options = {name: value for name, value in rule.items() if name in accepted}
    rings = closed_groups(
        graph,
        a,
        b,
        float(np.exp(median)),
        heavy.column("mutual").to_numpy().astype(np.float64),
        **options,
    )
    return RingReport(tuple(rings), len(a), reciprocated)


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
