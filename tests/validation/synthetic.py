"""A small generated organisation whose hidden level drives who writes to whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from renown.core.events import event_key
from renown.ingest.schema import EVENT_SCHEMA, conform
from tests.helpers import AS_OF


@dataclass(frozen=True)
class Org:
    """Events, each person's hidden level (1-4) and how many messages each sent."""

    events: pl.DataFrame
    level: dict[str, int]
    sent: dict[str, int]


def synthetic_org(n_people: int = 60, *, seed: int = 5) -> Org:
    """People ``p000``...; higher levels are written to more often, by more people.

    How much each person writes is drawn independently of their level, so that a label
    made of it is driven by one component (activity) the default score does not weigh.
    """
    rng = np.random.default_rng(seed)
    people = [f"p{i:03d}" for i in range(n_people)]
    level = rng.choice([1, 1, 1, 2, 2, 3, 4], n_people)
    attraction = np.exp(1.3 * level)
    sends = rng.integers(3, 40, n_people)
    rows: list[tuple[str, str, float]] = []
    for i, count in enumerate(sends):
        weights = attraction.copy()
        weights[i] = 0.0
        targets = rng.choice(n_people, int(count), p=weights / weights.sum())
        rows += [(people[i], people[t], float(rng.uniform(0, 200))) for t in targets]
    events = conform(
        pl.DataFrame(
            {
                "event_key": [event_key("synthetic", seed, k) for k in range(len(rows))],
                "actor": [r[0] for r in rows],
                "target": [r[1] for r in rows],
                "timestamp": [AS_OF - timedelta(days=r[2]) for r in rows],
                "channel": ["email"] * len(rows),
                "kind": ["to"] * len(rows),
                "weight": [1.0] * len(rows),
                "source": ["test"] * len(rows),
            },
            schema_overrides={"timestamp": EVENT_SCHEMA["timestamp"]},
        )
    )
    return Org(
        events,
        dict(zip(people, level.tolist(), strict=True)),
        dict(zip(people, sends.tolist(), strict=True)),
    )


def write_events_csv(events: pl.DataFrame, path: Path) -> Path:
    """``events`` as a CSV ``renown score`` reads."""
    events.select(
        "actor",
        "target",
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "channel",
        "kind",
        "weight",
    ).write_csv(path)
    return path


def write_labels(values: dict[str, float] | dict[str, int], path: Path, *, sep: str = ",") -> Path:
    """A labels file ``person<sep>label``."""
    lines = [f"person{sep}label"] + [f"{p}{sep}{v}" for p, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
