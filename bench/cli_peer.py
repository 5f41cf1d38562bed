"""The peer of ``bench.cli``: score a Parquet event file the minimal way (polars + igraph).

Usage: ``python -m bench.cli_peer EVENTS.parquet``. Reads actor, target, timestamp, channel
and weight; weighs each event by channel and a one-year half-life; sums per pair; builds a
weighted igraph graph; computes PageRank and weighted in-strength; writes nothing.
"""

from __future__ import annotations

import sys

import igraph
import polars as pl

CHANNEL_WEIGHT = {"email": 1.0, "chat": 0.7, "review": 1.5, "kudos": 1.0}


def main() -> None:
    """Run the pipeline once."""
    events = pl.read_parquet(
        sys.argv[1], columns=["actor", "target", "timestamp", "channel", "weight"]
    ).filter(pl.col("actor").is_not_null() & (pl.col("actor") != pl.col("target")))
    newest = events["timestamp"].max()
    age_days = (pl.lit(newest) - pl.col("timestamp")).dt.total_seconds() / 86_400
    weighted = events.select(
        "actor",
        "target",
        (
            pl.col("weight")
            * pl.col("channel").replace_strict(CHANNEL_WEIGHT, default=1.0)
            * (2.0 ** (-age_days / 365.0))
        ).alias("w"),
    )
    pairs = weighted.group_by("actor", "target").agg(pl.col("w").sum().log1p())
    people = pl.concat([pairs["actor"], pairs["target"]]).unique().to_frame("id")
    coded = people.with_row_index("code")
    edges = (
        pairs.join(coded.rename({"id": "actor", "code": "a"}), on="actor")
        .join(coded.rename({"id": "target", "code": "t"}), on="target")
        .select("a", "t", "w")
    )
    graph = igraph.Graph(n=people.height, edges=edges.select("a", "t").to_numpy(), directed=True)
    weights = edges["w"].to_list()
    graph.pagerank(weights=weights)
    graph.strength(mode="in", weights=weights)


if __name__ == "__main__":
    main()
