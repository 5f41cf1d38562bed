"""What "the engines agree" means for the cluster runs: scores to 1e-6, identical ranks."""

from __future__ import annotations

import polars as pl

SCORE_TOLERANCE = 1e-6


def assert_same_scores(local: pl.DataFrame, remote: pl.DataFrame) -> None:
    """Same people, scores within 1e-6, the same rank and integer score for everybody."""
    assert remote.height == local.height
    both = local.join(remote, on="person", how="full", suffix="_cluster", coalesce=True)
    assert both.height == local.height, "the same people on both sides"
    gap = (both["score_exact"] - both["score_exact_cluster"]).abs().max()
    assert isinstance(gap, float)
    assert gap <= SCORE_TOLERANCE
    moved = both.filter(pl.col("rank") != pl.col("rank_cluster"))
    assert moved.is_empty(), moved.select("person", "rank", "rank_cluster").head(10)
    assert (both["score"] == both["score_cluster"]).all()
