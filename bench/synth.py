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
import numpy.typing as npt
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
    ``in_team_share`` and from everybody otherwise. All of it comes from one generator, in
    one frame: see :mod:`bench.synthgen` for the same distribution drawn chunk by chunk.
    """
    rng = np.random.default_rng(spec.seed)
    cdf = activity_cdf(rng, spec)
    actor, target, anonymous = draw_pairs(rng, spec, cdf, spec.events)
    label = rng.permutation(spec.people)
    return event_frame(0, label[actor], label[target], anonymous, *draw_details(rng, spec.events))


def activity_cdf(rng: np.random.Generator, spec: SynthSpec) -> npt.NDArray[np.float64]:
    """Cumulative activity share of each person (power law, shuffled against teams)."""
    activity = (rng.permutation(spec.people) + 1.0) ** (-spec.activity_exponent)
    cdf = np.cumsum(activity)
    cdf /= cdf[-1]
    return cdf


def draw_pairs(
    rng: np.random.Generator, spec: SynthSpec, cdf: npt.NDArray[np.float64], m: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Actor and target positions of ``m`` events, and which ones are anonymous."""
    n = spec.people
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
    return actor, target, anonymous


def draw_details(
    rng: np.random.Generator, m: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Second in the span, channel index and cc flag of ``m`` events."""
    seconds = rng.integers(0, int(SPAN.total_seconds()), size=m)
    channel = rng.choice(len(CHANNELS), size=m, p=CHANNEL_SHARE)
    cc = (channel == 0) & (rng.random(m) < 0.2)
    return seconds, channel, cc


def event_frame(
    first: int,
    actor: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    anonymous: npt.NDArray[np.bool_],
    seconds: npt.NDArray[np.int64],
    channel: npt.NDArray[np.int64],
    cc: npt.NDArray[np.bool_],
) -> pl.DataFrame:
    """Canonical events from drawn person labels and details, keyed ``e{first}`` onwards."""
    m = len(actor)
    frame = pl.DataFrame(
        {
            "i": np.arange(first, first + m, dtype=np.int64),
            "a": actor.astype(np.int64),
            "t": target.astype(np.int64),
            "anon": anonymous,
            "s": seconds,
            "c": channel.astype(np.int8),
            "cc": cc,
        }
    )
    channel_names = pl.Series(CHANNELS)
    start = AS_OF - SPAN
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


if __name__ == "__main__":  # python -m bench.synth OUT --events 100M: see bench.synthgen
    from bench.synthgen import main

    main()
