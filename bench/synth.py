"""Deterministic synthetic organisation: a power-law interaction graph with teams.

Why this shape: real interaction graphs are heavy-tailed (a few people send and receive
most messages) and clustered (most messages stay inside a team). A Chung-Lu style
generator gives the heavy tail; drawing most targets from the actor's own team gives the
clustering. Person ids are shuffled against teams, so the order in which people first
appear carries no locality: any locality the graph builder finds it finds on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from renown.ingest.lake import EventLake
from renown.ingest.schema import EVENT_SCHEMA

AS_OF = datetime(2024, 7, 1, tzinfo=UTC)
"""Scoring instant of every synthetic data set; events span the six months before it."""

SPAN = timedelta(days=182)
CHANNELS = ("email", "chat", "review", "kudos")
CHANNEL_SHARE = (0.5, 0.35, 0.1, 0.05)


@dataclass(frozen=True)
class SynthSpec:
    """Size and shape of a synthetic organisation."""

    people: int = 1_000_000
    events: int = 10_000_000
    team_size: int = 1_000
    in_team_share: float = 0.7
    anonymous_share: float = 0.01
    activity_exponent: float = 0.7
    seed: int = 20240701


def synth_events(spec: SynthSpec) -> pl.DataFrame:
    """Return the canonical event frame of the synthetic organisation ``spec``.

    Each event's actor is drawn with probability proportional to a power-law activity;
    its target is drawn the same way, from the actor's team with probability
    ``in_team_share`` and from everybody otherwise.
    """
    rng = np.random.default_rng(spec.seed)
    n, m = spec.people, spec.events
    activity = (rng.permutation(n) + 1.0) ** (-spec.activity_exponent)
    cdf = np.cumsum(activity)
    cdf /= cdf[-1]
    actor = np.minimum(np.searchsorted(cdf, rng.random(m)), n - 1)
    team_start = (actor // spec.team_size) * spec.team_size
    team_end = np.minimum(team_start + spec.team_size, n)
    low = np.where(team_start > 0, cdf[np.maximum(team_start - 1, 0)], 0.0)
    in_team = rng.random(m) < spec.in_team_share
    span_low = np.where(in_team, low, 0.0)
    span_high = np.where(in_team, cdf[team_end - 1], 1.0)
    u = span_low + rng.random(m) * (span_high - span_low)
    target = np.minimum(np.searchsorted(cdf, u), n - 1)
    anonymous = rng.random(m) < spec.anonymous_share
    label = rng.permutation(n)
    seconds = rng.integers(0, int(SPAN.total_seconds()), size=m)
    channel = rng.choice(len(CHANNELS), size=m, p=CHANNEL_SHARE)
    cc = (channel == 0) & (rng.random(m) < 0.2)
    start = AS_OF - SPAN
    frame = pl.DataFrame(
        {
            "i": np.arange(m, dtype=np.int64),
            "a": label[actor].astype(np.int64),
            "t": label[target].astype(np.int64),
            "anon": anonymous,
            "s": seconds,
            "c": channel.astype(np.int8),
            "cc": cc,
        }
    )
    channel_names = pl.Series(CHANNELS)
    return frame.select(
        pl.format("e{}", pl.col("i")).alias("event_key"),
        pl.when(pl.col("anon"))
        .then(None)
        .otherwise(pl.format("p{}@corp.example", pl.col("a").cast(pl.String).str.zfill(7)))
        .alias("actor"),
        pl.format("p{}@corp.example", pl.col("t").cast(pl.String).str.zfill(7)).alias("target"),
        (pl.lit(start) + pl.duration(seconds=pl.col("s"))).alias("timestamp"),
        pl.col("c")
        .replace_strict(list(range(len(CHANNELS))), channel_names, return_dtype=pl.String)
        .alias("channel"),
        pl.when(pl.col("cc")).then(pl.lit("cc")).otherwise(pl.lit("to")).alias("kind"),
        pl.lit(1.0).alias("weight"),
        pl.lit("synthetic").alias("source"),
    ).cast(EVENT_SCHEMA)  # type: ignore[arg-type]


def write_lake(frame: pl.DataFrame, folder: Path) -> Path:
    """Store ``frame`` in an event lake at ``folder`` (one append) and return ``folder``.

    The lake is the one ``renown import`` writes (month parts sorted by time, a manifest
    with per-part key sums), so the benchmarks read what users score.
    """
    EventLake(folder).append(frame)
    return folder


def scan_lake(folder: Path) -> pl.LazyFrame:
    """Lazily scan every event of the lake written by :func:`write_lake`."""
    return EventLake(folder).scan()
