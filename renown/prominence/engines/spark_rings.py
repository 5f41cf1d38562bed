"""Ring detection and discounting on Spark, by the rule of :mod:`renown.prominence.rings`.

The expensive part of detection, finding every reciprocated pair and its mutual volume,
is a self-join of the pair table in Spark. Only the mutual-volume column comes back to the
driver (one float per reciprocated pair), so the organisation's norms (median, upper
quantile) are computed with the very numpy calls of the local detector, ties and
interpolation included. Spark then returns the heavy pairs, a handful, which are grouped
and judged by the local detector's own helpers on the collected graph, so both engines
report the same rings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from renown.graph.csr import InteractionGraph
from renown.prominence.engines.spark_graph import arrow_frame
from renown.prominence.rings import RingReport, detect_rings, heavy_threshold, judge_heavy_pairs

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
        The same pairs collected on the driver; the local rule judges the groups of heavy
        pairs on it (insularity and embeddedness read the members' other ties).

    Returns
    -------
    RingReport
        The report :func:`renown.prominence.rings.detect_rings` gives on ``graph``.

    Notes
    -----
    After the mutual volumes, the threshold and the group rule are the local detector's own
    functions (:func:`~renown.prominence.rings.heavy_threshold`,
    :func:`~renown.prominence.rings.judge_heavy_pairs`); the engine tests compare both
    reports on every run.
    """
    from pyspark.sql import functions as F

    there, back = pairs.alias("there"), pairs.alias("back")
    reciprocated = (
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
        .localCheckpoint()
    )
    mutual = reciprocated.select("mutual").toArrow().column(0).to_numpy().astype(np.float64)
    if len(mutual) == 0:
        return RingReport((), 0, 0)
    rule = _rule()
    median, threshold = heavy_threshold(
        mutual, quantile=rule.pop("quantile"), min_ratio=rule.pop("min_ratio")
    )
    heavy = reciprocated.where(F.col("mutual") >= F.lit(threshold)).toArrow()
    a = heavy.column("a").to_numpy().astype(np.int32)
    b = heavy.column("b").to_numpy().astype(np.int32)
    # The local detector lists pairs in pair-table order: by a, then b.
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    heavy_mutual = heavy.column("mutual").to_numpy().astype(np.float64)[order]
    return judge_heavy_pairs(
        graph, a, b, heavy_mutual, norm=median, reciprocated=len(mutual), **rule
    )


def spark_discount_rings(
    spark: SparkSession,
    pairs: DataFrame,
    report: RingReport,
    index: dict[str, int],
    discount: float,
) -> DataFrame:
    """Spark twin of :func:`renown.prominence.rings.discount_rings`.

    Weight and volume of every edge between two members of the same ring are multiplied
    by ``discount``; with ``discount == 0`` those edges are dropped, as locally, so that
    count-based components (reach) ignore them too.
    """
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
    inside = F.coalesce(F.col("src_ring") == F.col("dst_ring"), F.lit(False))
    factor = F.lit(float(discount))
    tagged = pairs.join(F.broadcast(src_ring), "src", "left").join(
        F.broadcast(dst_ring), "dst", "left"
    )
    if discount == 0.0:
        tagged = tagged.where(~inside)
    return tagged.select(
        "src",
        "dst",
        F.when(inside, F.col("volume") * factor).otherwise(F.col("volume")).alias("volume"),
        F.when(inside, F.col("weight") * factor).otherwise(F.col("weight")).alias("weight"),
    ).localCheckpoint()
