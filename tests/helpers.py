"""Small generated inputs shared by tests (never the real data sets)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from renown.core.events import event_key
from renown.ingest.schema import EVENT_SCHEMA, conform

AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def random_events(
    n_people: int = 40,
    n_events: int = 600,
    *,
    seed: int = 0,
    anonymous_share: float = 0.05,
    days: int = 120,
    prefix: str = "u",
) -> pl.DataFrame:
    """Heavy-tailed random interactions among ``n_people`` over ``days`` before AS_OF."""
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(1.5, n_people) + 1
    activity = rng.pareto(1.5, n_people) + 1
    actors = rng.choice(n_people, n_events, p=activity / activity.sum())
    targets = rng.choice(n_people, n_events, p=popularity / popularity.sum())
    channels = rng.choice(["email", "chat", "review", "social"], n_events)
    kinds = rng.choice(["to", "cc", "mention", "reply"], n_events)
    offsets = rng.uniform(0, days, n_events)
    actor_ids: list[str | None] = [f"{prefix}{a:03d}" for a in actors]
    for k in np.flatnonzero(rng.random(n_events) < anonymous_share):
        actor_ids[k] = None
    return conform(
        pl.DataFrame(
            {
                "event_key": [event_key("rand", seed, k) for k in range(n_events)],
                "actor": actor_ids,
                "target": [f"{prefix}{t:03d}" for t in targets],
                "timestamp": [AS_OF - timedelta(days=float(o)) for o in offsets],
                "channel": channels.tolist(),
                "kind": kinds.tolist(),
                "weight": np.ones(n_events),
                "source": ["test"] * n_events,
            },
            schema_overrides={"timestamp": EVENT_SCHEMA["timestamp"]},
        )
    )


def one_event(actor: str | None, target: str, key: str, when: datetime = AS_OF) -> pl.DataFrame:
    """A single direct e-mail event."""
    return conform(
        pl.DataFrame(
            {
                "event_key": [key],
                "actor": [actor],
                "target": [target],
                "timestamp": [when],
                "channel": ["email"],
                "kind": ["to"],
                "weight": [1.0],
                "source": ["test"],
            },
            schema_overrides={"timestamp": EVENT_SCHEMA["timestamp"], "actor": pl.String()},
        )
    )


def mode_of(path: Path) -> int:
    """Permission bits of ``path`` (0o600 for a private file)."""
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(folder: Path) -> dict[str, int]:
    """Permission bits of ``folder`` and of everything below it, by relative path."""
    found = {".": mode_of(folder)}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder).as_posix()] = mode_of(path)
    return found
