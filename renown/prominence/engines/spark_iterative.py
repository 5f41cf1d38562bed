"""Iterative components on Spark: PageRank and core number, one DataFrame join per step.

Iterating on DataFrames grows the query plan by one join per step; left alone, planning
time and lineage grow quadratically. Each step's frame is therefore cached as it is
computed (the convergence check is the action that fills the cache) and every few steps
replaced by a local checkpoint, which cuts the lineage without a checkpoint folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from renown.prominence.measures._common import ConvergenceError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

CHECKPOINT_EVERY: Final = 1
"""Steps between two local checkpoints of an iterated frame."""


class _Iterated:
    """Keeps the latest frame of an iteration cached and its lineage short."""

    def __init__(self, frame: DataFrame) -> None:
        self.frame = frame.localCheckpoint()
        self.step = 0

    def advance(self, frame: DataFrame) -> DataFrame:
        """Make ``frame`` the current one: cached now, checkpointed every few steps."""
        previous = self.frame
        self.step += 1
        if self.step % CHECKPOINT_EVERY == 0:
            self.frame = frame.localCheckpoint()
        else:
            self.frame = frame.cache()
        previous.unpersist()
        return self.frame


def pagerank(
    pairs: DataFrame,
    nodes: DataFrame,
    n: int,
    *,
    alpha: float,
    tol: float,
    max_iter: int,
) -> DataFrame:
    """Weighted PageRank with uniform teleport, by power iteration on joins.

    Same iteration as the local measure: ``x' = alpha * (x W + d(x) / n) + (1 - alpha) / n``
    where ``W`` is row-normalised by out-strength and ``d(x)`` the rank held by dangling
    people (no positive out-strength), spread uniformly; stop when the L1 change is below
    ``n * tol``.

    Parameters
    ----------
    pairs:
        ``src``, ``dst``, ``weight`` per directed pair.
    nodes:
        ``node`` for every person.
    n:
        Number of people.
    alpha, tol, max_iter:
        Damping, tolerance and iteration budget of the local ``pagerank``.

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

    strength = pairs.groupBy(F.col("src").alias("node")).agg(F.sum("weight").alias("strength"))
    links = (
        pairs.join(strength.withColumnRenamed("node", "src"), "src")
        .where(F.col("strength") > 0.0)
        .select("src", "dst", (F.col("weight") / F.col("strength")).alias("share"))
        .localCheckpoint()
    )
    people = (
        nodes.select("node")
        .join(strength, "node", "left")
        .select(
            "node",
            (F.coalesce(F.col("strength"), F.lit(0.0)) <= 0.0).alias("dangling"),
            F.lit(1.0 / n).alias("value"),
            F.lit(None).cast("double").alias("previous"),
        )
    )
    state = _Iterated(people)
    dangling = _dangling_mass(state.frame)
    for _ in range(max_iter):
        inflow = (
            links.join(state.frame.select(F.col("node").alias("src"), "value"), "src")
            .groupBy(F.col("dst").alias("node"))
            .agg(F.sum(F.col("value") * F.col("share")).alias("inflow"))
        )
        stepped = state.frame.join(inflow, "node", "left").select(
            "node",
            "dangling",
            (
                F.lit(alpha) * (F.coalesce(F.col("inflow"), F.lit(0.0)) + F.lit(dangling / n))
                + F.lit((1.0 - alpha) / n)
            ).alias("value"),
            F.col("value").alias("previous"),
        )
        frame = state.advance(stepped)
        summary = frame.agg(
            F.sum(F.abs(F.col("value") - F.col("previous"))),
            F.sum(F.when(F.col("dangling"), F.col("value")).otherwise(F.lit(0.0))),
        ).first()
        assert summary is not None
        change, dangling = float(summary[0]), float(summary[1] or 0.0)
        if change < n * tol:
            return frame.select("node", "value")
    raise ConvergenceError(f"PageRank did not converge in {max_iter} iterations")


def _dangling_mass(frame: DataFrame) -> float:
    from pyspark.sql import functions as F

    row = frame.agg(F.sum(F.when(F.col("dangling"), F.col("value")).otherwise(F.lit(0.0)))).first()
    assert row is not None
    return float(row[0] or 0.0)


def core_number(pairs: DataFrame) -> DataFrame:
    """Core number on the simple undirected pair graph, by iterated h-indices.

    Every person starts at their degree and repeatedly takes the h-index of their
    neighbours' current values (the largest ``h`` such that ``h`` neighbours have at least
    ``h``). The values only fall, and they settle exactly on the core numbers (Lü et al.
    2016); each step is one join and one ``groupBy``, so the method distributes where the
    sequential peeling of Batagelj and Zaversnik cannot.

    Parameters
    ----------
    pairs:
        ``src``, ``dst`` per directed pair (weights ignored: zero-weight pairs are ties).

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

    ties = (
        pairs.select(F.col("src").alias("u"), F.col("dst").alias("v"))
        .unionByName(pairs.select(F.col("dst").alias("u"), F.col("src").alias("v")))
        .distinct()
        .localCheckpoint()
    )
    degree = ties.groupBy(F.col("u").alias("node")).agg(F.count(F.lit(1)).alias("h"))
    state = _Iterated(degree)
    while True:
        hs = (
            ties.join(state.frame.select(F.col("node").alias("v"), F.col("h").alias("hv")), "v")
            .groupBy(F.col("u").alias("node"))
            .agg(F.sort_array(F.collect_list("hv"), asc=False).alias("hs"))
        )
        index = F.size(F.filter(F.col("hs"), lambda value, i: value >= i + 1))
        stepped = hs.join(state.frame, "node").select(
            "node", index.cast("long").alias("h"), F.col("h").alias("before")
        )
        frame = state.advance(stepped)
        if frame.where(F.col("h") != F.col("before")).isEmpty():
            return frame.select("node", F.col("h").cast("double").alias("value"))
