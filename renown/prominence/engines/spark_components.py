"""Components that need no iteration, on Spark: reach, strength, amplification,
responsiveness, breadth and brokerage.

Each function takes the :class:`~renown.prominence.engines.spark_frames.SparkFrames` (the
form the component registry names) and returns a lazy frame ``(node, value)`` holding the
nodes where the measure is defined by data; nodes missing from it take the component's
documented default (0, or no brokerage for people without ties). The definitions are those of
:mod:`renown.prominence.measures`, joined instead of looped: per-pair terms come from
self-joins of the pair table, per-person sums from ``groupBy``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renown.prominence.measures.breadth import breadth as _local_breadth
from renown.prominence.measures.constraint import DEFAULT_MAX_TIES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from renown.prominence.engines.spark_frames import SparkFrames

BREADTH_SATURATION: float = float((_local_breadth.__kwdefaults__ or {})["saturation"])
"""``s0`` of the registry's default breadth, read from the local measure so both agree."""


def reach(frames: SparkFrames) -> DataFrame:
    """Distinct people who addressed each person (in-degree, zero-weight pairs included)."""
    from pyspark.sql import functions as F

    pairs = frames.pairs
    return pairs.groupBy(F.col("dst").alias("node")).agg(
        F.count(F.lit(1)).cast("double").alias("value")
    )


def in_strength(frames: SparkFrames) -> DataFrame:
    """Sum of the scaled pair weights each person receives."""
    from pyspark.sql import functions as F

    pairs = frames.pairs
    return pairs.groupBy(F.col("dst").alias("node")).agg(F.sum("weight").alias("value"))


def engagement(frames: SparkFrames) -> DataFrame:
    """Scaled pair weights received plus anonymous engagement, for every node."""
    from pyspark.sql import functions as F

    pairs, nodes = frames.pairs, frames.nodes
    received = pairs.groupBy(F.col("dst").alias("node")).agg(F.sum("weight").alias("received"))
    return nodes.join(received, "node", "left").select(
        "node", (F.coalesce(F.col("received"), F.lit(0.0)) + F.col("anonymous")).alias("value")
    )


def out_strength(frames: SparkFrames) -> DataFrame:
    """Sum of the scaled pair weights each person sends."""
    from pyspark.sql import functions as F

    pairs = frames.pairs
    return pairs.groupBy(F.col("src").alias("node")).agg(F.sum("weight").alias("value"))


def amplification(frames: SparkFrames) -> DataFrame:
    """``(sum_j volume_ji + anonymous_i) / (sum_j volume_ij + 1)`` for every node.

    The node frame holds ``node`` and ``anonymous`` for every person, so people who only
    received anonymous engagement are covered too.
    """
    from pyspark.sql import functions as F

    pairs, nodes = frames.pairs, frames.nodes
    received = pairs.groupBy(F.col("dst").alias("node")).agg(F.sum("volume").alias("received"))
    sent = pairs.groupBy(F.col("src").alias("node")).agg(F.sum("volume").alias("sent"))
    return (
        nodes.join(received, "node", "left")
        .join(sent, "node", "left")
        .select(
            "node",
            (
                (F.coalesce(F.col("received"), F.lit(0.0)) + F.col("anonymous"))
                / (F.coalesce(F.col("sent"), F.lit(0.0)) + F.lit(1.0))
            ).alias("value"),
        )
    )


def responsiveness(frames: SparkFrames) -> DataFrame:
    """Reciprocated tie strength ``sum_j min(w_ij, w_ji)``."""
    from pyspark.sql import functions as F

    pairs = frames.pairs
    there, back = pairs.alias("there"), pairs.alias("back")
    return (
        there.join(
            back,
            (F.col("there.src") == F.col("back.dst")) & (F.col("there.dst") == F.col("back.src")),
        )
        .groupBy(F.col("there.src").alias("node"))
        .agg(F.sum(F.least(F.col("there.weight"), F.col("back.weight"))).alias("value"))
    )


def breadth(frames: SparkFrames, saturation: float = BREADTH_SATURATION) -> DataFrame:
    """Soft count of other groups addressing each person: ``sum_g 1 - exp(-S_ig / s0)``.

    The node frame maps every ``node`` to its ``grp`` code (-1 unknown). Attention from
    people of unknown group counts for nobody; attention from one's own group does not count.
    """
    from pyspark.sql import functions as F

    pairs, groups = frames.pairs, frames.nodes
    actor = groups.select(F.col("node").alias("src"), F.col("grp").alias("from_grp"))
    target = groups.select(F.col("node").alias("dst"), F.col("grp").alias("to_grp"))
    per_group = (
        pairs.join(actor, "src")
        .join(target, "dst")
        .where((F.col("from_grp") >= 0) & (F.col("from_grp") != F.col("to_grp")))
        .groupBy("dst", "from_grp")
        .agg(F.sum("weight").alias("inbound"))
    )
    return per_group.groupBy(F.col("dst").alias("node")).agg(
        F.sum(-F.expm1(-F.col("inbound") / F.lit(float(saturation)))).alias("value")
    )


def brokerage(frames: SparkFrames, max_ties: int | None = DEFAULT_MAX_TIES) -> DataFrame:
    """``1 - min(c_i, 1)`` with Burt's constraint ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2``.

    Ties are mutual weights ``a_ij = w_ij + w_ji > 0``; each person keeps the ``max_ties``
    strongest (equal strengths in node order, as the local measure) and ``p`` is a share of
    the kept strength. The indirect term is a two-hop join ``i -> q -> j`` restricted to
    ``j`` among ``i``'s own kept ties. People without ties are absent (brokerage 0).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    pairs = frames.pairs
    both = pairs.select(F.col("src").alias("i"), F.col("dst").alias("j"), "weight").unionByName(
        pairs.select(F.col("dst").alias("i"), F.col("src").alias("j"), "weight")
    )
    ties = both.groupBy("i", "j").agg(F.sum("weight").alias("a")).where(F.col("a") > 0.0)
    if max_ties is not None:
        strongest = Window.partitionBy("i").orderBy(F.col("a").desc(), F.col("j").asc())
        ties = ties.withColumn("rank", F.row_number().over(strongest)).where(
            F.col("rank") <= max_ties
        )
    kept = ties.select(
        "i", "j", (F.col("a") / F.sum("a").over(Window.partitionBy("i"))).alias("p")
    ).localCheckpoint()
    first, second = kept.alias("first"), kept.alias("second")
    own = kept.select(F.col("i").alias("oi"), F.col("j").alias("oj"))
    indirect = (
        first.join(second, F.col("first.j") == F.col("second.i"))
        .select(
            F.col("first.i").alias("i"),
            F.col("second.j").alias("j"),
            (F.col("first.p") * F.col("second.p")).alias("pq"),
        )
        .join(own, (F.col("i") == F.col("oi")) & (F.col("j") == F.col("oj")), "left_semi")
        .groupBy("i", "j")
        .agg(F.sum("pq").alias("indirect"))
    )
    invested = kept.join(indirect, ["i", "j"], "left").select(
        "i", (F.col("p") + F.coalesce(F.col("indirect"), F.lit(0.0))).alias("x")
    )
    return invested.groupBy(F.col("i").alias("node")).agg(
        (F.lit(1.0) - F.least(F.sum(F.col("x") * F.col("x")), F.lit(1.0))).alias("value")
    )
