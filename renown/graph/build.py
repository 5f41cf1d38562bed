"""Event frame -> :class:`~renown.graph.csr.InteractionGraph`.

Why the weights look the way they do:

* **Time decay.** An interaction's weight halves every ``half_life_days`` before
  ``as_of``, so prominence reflects the present, not who was central years ago.
* **Channel weights.** A code review or an answer costs more effort than a cc, so channels
  and kinds carry different base weights (:data:`DEFAULT_CHANNEL_WEIGHTS`).
* **Pair scaling.** The decayed volume of each (actor, target) pair is compressed with
  ``log1p`` (or capped) so that one chatty pair cannot dominate anyone's score: the 100th
  message between the same two people adds far less than a first message from someone new.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Literal

import numpy as np
import polars as pl

from renown.core.events import EventColumn
from renown.graph.csr import CSR, InteractionGraph

SECONDS_PER_DAY: Final = 86_400.0

DEFAULT_CHANNEL_WEIGHTS: Final[Mapping[str, float]] = {
    "email": 1.0,
    "chat": 0.7,
    "review": 1.5,
    "social": 0.5,
    "kudos": 1.0,
    "feedback": 1.0,
    "qa": 1.0,
    "other": 1.0,
}
"""Base weight per channel. Chat is cheaper to send than mail; a review costs more."""

DEFAULT_KIND_WEIGHTS: Final[Mapping[str, float]] = {
    "cc": 0.5,
    "bcc": 0.25,
    "reaction": 0.3,
    "upvote": 0.5,
    "downvote": 0.0,
}
"""Multipliers for kinds that signal less attention than a direct message (others: 1)."""

PairScaling = Literal["log", "cap", "none"]


def build_graph(
    events: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: datetime,
    half_life_days: float = 90.0,
    window_days: float | None = None,
    channel_weights: Mapping[str, float] | None = None,
    kind_weights: Mapping[str, float] | None = None,
    pair_scaling: PairScaling = "log",
    pair_cap: float = 20.0,
    groups: Mapping[str, str] | None = None,
) -> InteractionGraph:
    """Build the decayed, pair-scaled interaction graph of the events up to ``as_of``.

    Parameters
    ----------
    events:
        Canonical event frame (see :mod:`renown.core.events`).
    as_of:
        Aware datetime; later events are ignored and earlier ones decay towards it.
    half_life_days:
        Days after which an interaction counts half.
    window_days:
        If given, events older than this many days before ``as_of`` are ignored.
    channel_weights, kind_weights:
        Overrides of :data:`DEFAULT_CHANNEL_WEIGHTS` / :data:`DEFAULT_KIND_WEIGHTS`.
    pair_scaling:
        ``"log"`` (weight = log1p(volume)), ``"cap"`` (min(volume, pair_cap)) or ``"none"``.
    groups:
        Optional person -> group (department, community) used by breadth measures.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (UTC)")
    if half_life_days <= 0:
        raise ValueError("half_life_days must be positive")
    cw = {**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})}
    kw = {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})}
    lf = events.lazy() if isinstance(events, pl.DataFrame) else events
    ts = pl.col(EventColumn.TIMESTAMP)
    lf = lf.filter(ts <= as_of)
    if window_days is not None:
        lf = lf.filter(ts >= as_of - _days(window_days))
    age_days = (pl.lit(as_of) - ts).dt.total_seconds().cast(pl.Float64) / SECONDS_PER_DAY
    base = (
        pl.col(EventColumn.WEIGHT).fill_null(1.0)
        * pl.col(EventColumn.CHANNEL).replace_strict(cw, default=1.0, return_dtype=pl.Float64)
        * pl.col(EventColumn.KIND).replace_strict(kw, default=1.0, return_dtype=pl.Float64)
    )
    frame = (
        lf.select(
            pl.col(EventColumn.ACTOR).alias("actor"),
            pl.col(EventColumn.TARGET).alias("target"),
            (base * (2.0 ** (-age_days / half_life_days))).alias("w"),
        )
        .filter(pl.col("target").is_not_null() & (pl.col("actor") != pl.col("target")).fill_null(True))
        .collect()
    )
    n_events = frame.height
    people = np.unique(
        np.concatenate(
            [
                frame["actor"].drop_nulls().unique().to_numpy(),
                frame["target"].unique().to_numpy(),
            ]
        ).astype(object)
    )
    code = pl.DataFrame({"id": people.astype(str)}).with_row_index("code")
    coded = (
        frame.join(code.rename({"id": "actor", "code": "src"}), on="actor", how="left")
        .join(code.rename({"id": "target", "code": "dst"}), on="target", how="left")
    )
    n = len(people)
    anon = coded.filter(pl.col("src").is_null())
    anonymous = np.bincount(
        anon["dst"].to_numpy().astype(np.int64), weights=anon["w"].to_numpy(), minlength=n
    ).astype(np.float64)
    pairs = (
        coded.filter(pl.col("src").is_not_null())
        .group_by("src", "dst")
        .agg(pl.col("w").sum().alias("volume"))
        .sort("src", "dst")
    )
    src = pairs["src"].to_numpy().astype(np.int64)
    volume = pairs["volume"].to_numpy().astype(np.float64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    out = CSR(
        indptr=indptr,
        indices=pairs["dst"].to_numpy().astype(np.int32),
        weights=scale_pairs(volume, pair_scaling, pair_cap),
        volume=volume,
    )
    group_codes, group_names = _encode_groups(people, groups)
    return InteractionGraph(
        people=people,
        out=out,
        anonymous=anonymous,
        groups=group_codes,
        group_names=group_names,
        as_of=as_of,
        half_life_days=half_life_days,
        n_events=n_events,
        params={
            "half_life_days": half_life_days,
            "window_days": window_days,
            "channel_weights": dict(cw),
            "kind_weights": dict(kw),
            "pair_scaling": pair_scaling,
            "pair_cap": pair_cap,
        },
    )


def scale_pairs(volume: np.ndarray, scaling: PairScaling, cap: float) -> np.ndarray:
    """Compress per-pair volume so no single pair dominates (see module docstring)."""
    if scaling == "log":
        return np.log1p(volume)
    if scaling == "cap":
        return np.minimum(volume, cap)
    if scaling == "none":
        return volume.copy()
    raise ValueError(f"unknown pair scaling {scaling!r}")


def _days(days: float) -> object:
    from datetime import timedelta

    return timedelta(days=days)


def _encode_groups(
    people: np.ndarray, groups: Mapping[str, str] | None
) -> tuple[np.ndarray | None, tuple[str, ...]]:
    if groups is None:
        return None, ()
    names = tuple(sorted({str(g) for g in groups.values()}))
    lookup = {g: i for i, g in enumerate(names)}
    codes = np.array([lookup.get(str(groups.get(str(p), "")), -1) for p in people], dtype=np.int32)
    return codes, names
