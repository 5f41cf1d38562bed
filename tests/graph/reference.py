"""A slow, obviously-correct graph builder: the documented semantics, one event at a time."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from renown.core.decay import DEFAULT_HALF_LIFE_DAYS
from renown.graph import DEFAULT_CHANNEL_WEIGHTS, DEFAULT_KIND_WEIGHTS, InteractionGraph


@dataclass(frozen=True)
class PersonView:
    """A graph seen through person ids only (node numbers forgotten)."""

    people: frozenset[str]
    volume: dict[tuple[str, str], float]
    weight: dict[tuple[str, str], float]
    anonymous: dict[str, float]


def reference_view(
    events: pl.DataFrame,
    *,
    as_of: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    window_days: float | None = None,
    channel_weights: Mapping[str, float] | None = None,
    kind_weights: Mapping[str, float] | None = None,
    scaling: str = "log",
    cap: float = 20.0,
) -> PersonView:
    cw = {**DEFAULT_CHANNEL_WEIGHTS, **(channel_weights or {})}
    kw = {**DEFAULT_KIND_WEIGHTS, **(kind_weights or {})}
    volume: dict[tuple[str, str], float] = defaultdict(float)
    anonymous: dict[str, float] = defaultdict(float)
    people: set[str] = set()
    for row in events.iter_rows(named=True):
        when, actor, target = row["timestamp"], row["actor"], row["target"]
        if when > as_of or target is None or actor == target:
            continue
        if window_days is not None and when < as_of - timedelta(days=window_days):
            continue
        age_days = ((as_of - when) // timedelta(seconds=1)) / 86_400.0
        base = 1.0 if row["weight"] is None else row["weight"]
        w = base * cw.get(row["channel"], 1.0) * kw.get(row["kind"], 1.0)
        w *= 2.0 ** (-age_days / half_life_days)
        people.add(target)
        if actor is None:
            anonymous[target] += w
        else:
            people.add(actor)
            volume[actor, target] += w
    scale = {
        "log": math.log1p,
        "cap": lambda v: min(v, cap),
        "none": lambda v: v,
    }[scaling]
    return PersonView(
        people=frozenset(people),
        volume=dict(volume),
        weight={pair: scale(v) for pair, v in volume.items()},
        anonymous={p: anonymous.get(p, 0.0) for p in people},
    )


def view_of(graph: InteractionGraph) -> PersonView:
    """The built graph, keyed by person ids."""
    people = [str(p) for p in graph.people]
    src, dst, weight = graph.edges()
    return PersonView(
        people=frozenset(people),
        volume={
            (people[s], people[d]): float(v)
            for s, d, v in zip(src, dst, graph.out.volume, strict=True)
        },
        weight={(people[s], people[d]): float(w) for s, d, w in zip(src, dst, weight, strict=True)},
        anonymous={p: float(a) for p, a in zip(people, graph.anonymous, strict=True)},
    )


def assert_same_view(got: PersonView, expected: PersonView, *, rel: float = 1e-12) -> None:
    assert got.people == expected.people
    assert got.volume.keys() == expected.volume.keys()
    for name in ("volume", "weight"):
        got_values = getattr(got, name)
        want_values = getattr(expected, name)
        keys = sorted(want_values)
        np.testing.assert_allclose(
            [got_values[k] for k in keys], [want_values[k] for k in keys], rtol=rel, atol=0
        )
    people = sorted(expected.people)
    np.testing.assert_allclose(
        [got.anonymous[p] for p in people],
        [expected.anonymous[p] for p in people],
        rtol=rel,
        atol=1e-300,
    )
