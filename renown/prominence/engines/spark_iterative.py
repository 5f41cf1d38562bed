"""Iterative components on Spark: PageRank and core number, one DataFrame join per step.

Iterating on DataFrames grows the query plan by one join per step; left alone, planning
time and lineage grow with every step. Each step's frame is therefore a *lazy* local
checkpoint: the convergence check is the one action of the step, and computing it also
stores the frame, whose plan then starts afresh from the stored rows. One Spark job per
step, no checkpoint folder, flat plans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renown.prominence.measures._common import ConvergenceError
from renown.prominence.measures.pagerank import pagerank as _local_pagerank

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from renown.prominence.engines.spark_frames import SparkFrames

_LOCAL_DEFAULTS = _local_pagerank.__kwdefaults__ or {}
PAGERANK_TOL: float = float(_LOCAL_DEFAULTS["tol"])
PAGERANK_MAX_ITER: int = int(_LOCAL_DEFAULTS["max_iter"])
"""Tolerance and step budget of the local PageRank, read from it so both engines agree."""


def _stored(frame: DataFrame) -> DataFrame:
    """``frame`` as a lazy local checkpoint: stored by the first action that computes it."""
    return frame.localCheckpoint(eager=False)


def pagerank(
    frames: SparkFrames, *, tol: float = PAGERANK_TOL, max_iter: int = PAGERANK_MAX_ITER
) -> DataFrame:
    """Weighted PageRank with uniform teleport, by power iteration on joins.

    The iteration of :func:`renown.prominence.measures.pagerank.pagerank`:
    ``x' = alpha * P^T x + (alpha * d(x) + 1 - alpha) / n`` where ``P`` follows each edge in
    proportion to its weight over the source's out-strength and ``d(x)`` is the rank held by
    dangling people (zero out-strength); it starts from ``1 / n``, stops at the first step
    whose L1 change is below ``tol`` and rescales the result to sum to one.

    Parameters
    ----------
    frames:
        ``src``, ``dst``, ``weight`` per directed pair, ``node`` for every person, the
        number of people (at least one) and the model's damping ``alpha``.
    tol, max_iter:
        Tolerance and iteration budget (by default those of the local ``pagerank``).

    Returns
    -------
    DataFrame
        ``(node, value)`` for every node.

    Raises
    ------
    ConvergenceError
        If ``max_iter`` steps do not reach the tolerance.
    """
    from pyspark.sql import functions as F

    pairs, nodes, n, alpha = frames.pairs, frames.nodes, frames.n, frames.alpha

    strength = pairs.groupBy(F.col("src").alias("node")).agg(F.sum("weight").alias("strength"))
    links = (
        pairs.join(strength.withColumnRenamed("node", "src"), "src")
        .where(F.col("strength") > 0.0)
        .select("src", "dst", (F.col("weight") / F.col("strength")).alias("share"))
        .localCheckpoint()
    )
    uniform = 1.0 / n
    frame = (
        nodes.select("node")
        .join(strength, "node", "left")
        .select(
            "node",
            (F.coalesce(F.col("strength"), F.lit(0.0)) == 0.0).alias("dangling"),
            F.lit(uniform).alias("value"),
        )
        .localCheckpoint()
    )
    held = frame.agg(F.sum(F.when(F.col("dangling"), F.col("value")).otherwise(0.0))).first()
    assert held is not None
    dangling_mass = float(held[0] or 0.0)
    for _ in range(max_iter):
        leak = alpha * dangling_mass + (1.0 - alpha)
        inflow = (
            links.join(frame.select(F.col("node").alias("src"), "value"), "src")
            .groupBy(F.col("dst").alias("node"))
            .agg(F.sum(F.col("share") * F.col("value")).alias("inflow"))
        )
        frame = _stored(
            frame.join(inflow, "node", "left").select(
                "node",
                "dangling",
                (
                    F.lit(alpha) * F.coalesce(F.col("inflow"), F.lit(0.0)) + F.lit(leak * uniform)
                ).alias("value"),
                F.col("value").alias("previous"),
            )
        )
        summary = frame.agg(
            F.sum(F.abs(F.col("value") - F.col("previous"))),
            F.sum(F.when(F.col("dangling"), F.col("value")).otherwise(0.0)),
            F.sum("value"),
        ).first()
        assert summary is not None
        change, dangling_mass, total = float(summary[0]), float(summary[1]), float(summary[2])
        if change < tol:
            return frame.select("node", (F.col("value") / F.lit(total)).alias("value"))
        frame = frame.select("node", "dangling", "value")
    raise ConvergenceError(f"PageRank did not reach an L1 change below {tol:g} in {max_iter} steps")


def core_number(frames: SparkFrames) -> DataFrame:
    """Core number on the simple undirected pair graph, by iterated h-indices.

    Every person starts at their degree and repeatedly takes the h-index of their
    neighbours' current values (the largest ``h`` such that ``h`` neighbours have at least
    ``h``). The values only fall, and they settle exactly on the core numbers (Lü et al.
    2016); each step is one join and one ``groupBy``, so the method distributes where the
    sequential peeling of Batagelj and Zaversnik cannot.

    Parameters
    ----------
    frames:
        Its ``pairs``: ``src``, ``dst`` per directed pair (weights ignored: zero-weight
        pairs are ties).

    Returns
    -------
    DataFrame
        ``(node, value)`` for every person with at least one neighbour (others: 0).

    References
    ----------
    L. Lü, T. Zhou, Q.-M. Zhang and H. E. Stanley, "The H-index of a network node and its
    relation to degree and coreness", Nature Communications 7, 10168, 2016.
    """
    from pyspark.sql import functions as F

    pairs = frames.pairs

    ties = (
        pairs.select(F.col("src").alias("u"), F.col("dst").alias("v"))
        .unionByName(pairs.select(F.col("dst").alias("u"), F.col("src").alias("v")))
        .distinct()
        .localCheckpoint()
    )
    frame = ties.groupBy(F.col("u").alias("node")).agg(F.count(F.lit(1)).alias("h"))
    while True:
        hs = (
            ties.join(frame.select(F.col("node").alias("v"), F.col("h").alias("hv")), "v")
            .groupBy(F.col("u").alias("node"))
            .agg(F.sort_array(F.collect_list("hv"), asc=False).alias("hs"))
        )
        index = F.size(F.filter(F.col("hs"), lambda value, i: value >= i + 1))
        frame = _stored(
            hs.join(frame, "node").select(
                "node", index.cast("long").alias("h"), F.col("h").alias("before")
            )
        )
        changed = frame.agg(F.sum((F.col("h") != F.col("before")).cast("long"))).first()
        if changed is None or not changed[0]:
            return frame.select("node", F.col("h").cast("double").alias("value"))
        frame = frame.select("node", "h")


def endorsement(frames: SparkFrames) -> DataFrame:
    """Endorsement: :data:`~renown.prominence.measures.endorsement.ROUNDS` unnormalised rounds.

    The iteration of :func:`renown.prominence.measures.endorsement.endorsement`: ties
    ``1 - 2**(-volume)`` per pair and the crowd's ``log1p(anonymous)`` per person; from
    ``a = 1``, each round computes every sender's hub ``sum_k tie_jk a_k`` (one join and one
    aggregation), then ``a_i = sum_j tie_ji hub_j + crowd_i * (crowd . a)``; the value is
    ``a ** (1 / (2 * rounds))``. A fixed number of rounds, so no convergence check.
    """
    from pyspark.sql import functions as F

    from renown.prominence.measures.endorsement import ROUNDS

    ties = frames.pairs.select(
        "src", "dst", (-F.expm1(-F.log(F.lit(2.0)) * F.col("volume"))).alias("tie")
    ).localCheckpoint()
    crowd = frames.nodes.select(
        "node", F.log1p(F.greatest(F.col("anonymous"), F.lit(0.0))).alias("crowd")
    )
    authority = crowd.select("node", "crowd", F.lit(1.0).alias("value"))
    for _ in range(ROUNDS):
        hubs = (
            ties.join(authority.select(F.col("node").alias("dst"), "value"), "dst")
            .groupBy("src")
            .agg(F.sum(F.col("tie") * F.col("value")).alias("hub"))
        )
        endorsed = (
            ties.join(hubs, "src")
            .groupBy(F.col("dst").alias("node"))
            .agg(F.sum(F.col("tie") * F.col("hub")).alias("endorsed"))
        )
        crowd_hub = authority.agg(F.sum(F.col("crowd") * F.col("value")).alias("crowd_hub"))
        authority = _stored(
            authority.select("node", "crowd")
            .join(endorsed, "node", "left")
            .crossJoin(crowd_hub)
            .select(
                "node",
                "crowd",
                (
                    F.coalesce(F.col("endorsed"), F.lit(0.0))
                    + F.col("crowd") * F.coalesce(F.col("crowd_hub"), F.lit(0.0))
                ).alias("value"),
            )
        )
    return authority.select("node", F.pow(F.col("value"), F.lit(1.0 / (2 * ROUNDS))).alias("value"))
