"""Event sets on which the local and Spark engines are compared, generated in the tests.

Every event gets its own timestamp (distinct seconds), so decayed weights differ from pair
to pair and no two people tie on a floating-point component by accident: a tie that one
engine breaks by a rounding difference would move percentiles for reasons that have
nothing to do with the algorithm.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from renown.core.events import event_key
from renown.ingest.schema import EVENT_SCHEMA

AS_OF = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)

Row = tuple[str | None, str, str, str, float]
"""(actor, target, channel, kind, weight); ``actor`` None is anonymous engagement."""


def frame_of(rows: Sequence[Row], seconds_before: Sequence[int]) -> pl.DataFrame:
    """Canonical event frame of ``rows``, each ``seconds_before[i]`` seconds before AS_OF."""
    return pl.DataFrame(
        {
            "event_key": [event_key("engine-test", i) for i in range(len(rows))],
            "actor": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "timestamp": [AS_OF - timedelta(seconds=int(s)) for s in seconds_before],
            "channel": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
            "weight": [r[4] for r in rows],
            "source": ["test"] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


RANDOM_RING = ("r017", "r052", "r088", "r121", "r140")


def random_events(seed: int = 7) -> pl.DataFrame:
    """About 150 people in random conversations, with a planted five-person ring.

    Several channels and kinds (including an unknown channel, ``cc`` and zero-weight
    ``downvote``), anonymous upvotes, self-addressed events (dropped), events after the
    as-of instant and before a 150-day window (filtered), and a ring whose members come
    from all over the population and message each other far more than anyone else does.
    """
    rng = np.random.default_rng(seed)
    people = [f"r{i:03d}" for i in range(150)]
    channels = ["email", "chat", "review", "qa", "kudos", "wiki"]
    kinds = ["to", "cc", "mention", "reply", "reaction"]
    rows: list[Row] = []
    for _ in range(2600):
        a, b = rng.choice(len(people), 2, replace=False)
        channel = str(rng.choice(channels))
        rows.append((people[a], people[b], channel, str(rng.choice(kinds)), 1.0))
        if rng.random() < 0.6:
            rows.append((people[b], people[a], channel, "reply", float(rng.choice([1.0, 2.0]))))
    for i in range(0, 150, 7):
        rows.append((None, people[i], "qa", "upvote", 1.0))
        rows.append((people[i], people[i], "email", "to", 1.0))
    rows.extend((people[i], people[i + 1], "social", "downvote", 1.0) for i in range(0, 140, 9))
    for _ in range(30):
        for x in RANDOM_RING:
            rows.extend((x, y, "chat", "message", 1.0) for y in RANDOM_RING if y != x)
    ages = rng.permutation(len(rows)) * 2_400 + rng.integers(0, 2_400, len(rows))
    future = [(people[i], people[i + 3], "email", "to", 1.0) for i in range(0, 120, 10)]
    return pl.concat(
        [
            frame_of(rows, [int(s) for s in ages]),
            frame_of(future, [-86_400 * (k + 1) for k in range(len(future))]),
        ]
    ).with_columns(pl.Series("event_key", [event_key("r", i) for i in range(len(rows) + 12)]))


SLICE_RING = ("p0013", "p0077", "p0164", "p0251")
DEPARTMENTS = 10
DEPARTMENT_SIZE = 30
TEAM_SIZE = 6


def _person(i: int) -> str:
    return f"p{i:04d}"


def slice_groups() -> dict[str, str]:
    """Department of every person of :func:`slice_events` (a few left unknown)."""
    return {
        _person(i): f"dept-{i // DEPARTMENT_SIZE:02d}"
        for i in range(DEPARTMENTS * DEPARTMENT_SIZE)
        if i % 97 != 5
    }


def _slice_rows() -> Iterator[Row]:
    """Interactions of a 300-person organisation, written out rule by rule."""
    n = DEPARTMENTS * DEPARTMENT_SIZE
    for i in range(n):
        department, seat = divmod(i, DEPARTMENT_SIZE)
        manager = department * DEPARTMENT_SIZE
        team = i - seat % TEAM_SIZE
        # Teammates chat both ways, a few messages per pair.
        for mate in range(team, team + TEAM_SIZE):
            if mate != i:
                for k in range(1 + (i + mate) % 3):
                    yield (_person(i), _person(mate), "chat", "message" if k else "mention", 1.0)
        # Everybody reports to the department manager, who answers most of them.
        if i != manager:
            yield (_person(i), _person(manager), "email", "to", 1.0)
            yield (_person(i), _person(manager), "email", "cc", 1.0)
            if seat % 4:
                yield (_person(manager), _person(i), "email", "reply", 1.0)
        # Code reviews across departments, following a fixed stride.
        reviewer = (i * 37 + 11) % n
        if reviewer != i:
            yield (_person(reviewer), _person(i), "review", "comment", 1.0 + (i % 3))
        # A few experts answer questions from everywhere; the answers draw anonymous votes.
        if i % 23 == 0:
            for asker in range(i + 5, i + 5 + 12):
                yield (_person(asker % n), _person(i), "qa", "answer", 1.0)
            for _ in range(1 + i % 4):
                yield (None, _person(i), "qa", "upvote", 1.0)
        # Kudos go to the next department's first team; some are downvoted (zero weight).
        if seat == 3:
            yield (_person(i), _person((manager + DEPARTMENT_SIZE + 1) % n), "kudos", "to", 1.0)
        if seat == 7:
            yield (_person(i), _person((i + 50) % n), "social", "downvote", 1.0)
    # The ring: four people from four departments who message each other all the time.
    for _ in range(40):
        for x in SLICE_RING:
            for y in SLICE_RING:
                if x != y:
                    yield (x, y, "chat", "message", 1.0)


def slice_events() -> pl.DataFrame:
    """The 300-person organisation over roughly eight months, one distinct second per event."""
    rows = list(_slice_rows())
    ages = [(k * 7_919) % (245 * 86_400) for k in range(len(rows))]  # 7919 is prime: distinct
    return frame_of(rows, ages)


def write_lake(frame: pl.DataFrame, folder: Path) -> list[Path]:
    """Write ``frame`` as month partitions ``month=YYYY-MM/part-0.parquet``; return the files."""
    keyed = frame.with_columns(pl.col("timestamp").dt.strftime("%Y-%m").alias("month"))
    files = []
    for (month,), part in keyed.group_by("month", maintain_order=True):
        target = folder / f"month={month}"
        target.mkdir(parents=True, exist_ok=True)
        part.drop("month").write_parquet(target / "part-0.parquet")
        files.append(target / "part-0.parquet")
    return files


def read_files(files: Sequence[Path]) -> pl.DataFrame:
    """The events of Parquet ``files`` in the given order (rows in file order)."""
    return pl.concat([pl.read_parquet(f) for f in files])
