"""Honest kudos for a synthetic organisation, and kudos rings to inject into them.

Honest people thank the colleagues they actually work with: each person's targets are
drawn in proportion to how often they interact (in the synthetic organisation's events,
so teammates and frequent collaborators dominate), how much people give is heavy-tailed,
and every giver respects the monthly budget and the pair cap. Rings are ordinary people
from different teams who spend most of their budget on each other, every month, within
the same limits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from renown.demo.org import SyntheticOrg
from renown.recognition.collusion import AT, GIVER, KUDOS_SCHEMA, RECEIVER

BUDGET = 10
PAIR_CAP = 3


def _months(org: SyntheticOrg) -> list[datetime]:
    months, month = [], datetime(org.start.year, org.start.month, 1, tzinfo=UTC)
    while month < org.end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def honest_kudos(org: SyntheticOrg, *, seed: int, mean_per_month: float = 2.0) -> pl.DataFrame:
    """Kudos an honest organisation gives over the window of ``org``."""
    rng = np.random.default_rng([seed, 4242])
    pairs = (
        org.events.filter(pl.col("actor").is_not_null() & (pl.col("actor") != pl.col("target")))
        .group_by("actor", "target")
        .len()
        .sort("actor", "target")
    )
    partners: dict[str, tuple[list[str], np.ndarray]] = {}
    for (actor,), group in pairs.group_by("actor", maintain_order=True):
        counts = group.get_column("len").to_numpy().astype(float)
        partners[str(actor)] = (group.get_column("target").to_list(), counts / counts.sum())
    people = sorted(partners)
    generosity = (rng.pareto(2.5, len(people)) + 0.2) * mean_per_month / 0.87
    rows: list[tuple[str, str, datetime]] = []
    for month in _months(org):
        span = ((month + timedelta(days=32)).replace(day=1) - month).total_seconds()
        for person, rate in zip(people, generosity, strict=True):
            wanted = min(BUDGET, int(rng.poisson(rate)))
            targets, weights = partners[person]
            given: dict[str, int] = {}
            for target in rng.choice(targets, size=wanted, p=weights):
                if given.get(target, 0) < PAIR_CAP:
                    given[target] = given.get(target, 0) + 1
                    at = month + timedelta(seconds=float(rng.uniform(0, span)))
                    rows.append((person, str(target), min(at, org.end - timedelta(seconds=1))))
    return pl.DataFrame(rows, schema=KUDOS_SCHEMA, orient="row").sort(AT)


def inject_kudos_rings(
    org: SyntheticOrg,
    honest: pl.DataFrame,
    *,
    rings: int = 3,
    size: int = 4,
    per_pair_month: int = 2,
    seed: int = 5,
) -> tuple[pl.DataFrame, list[list[str]]]:
    """Add rings of people from different teams who thank each other every month.

    Ring members keep giving honest kudos with what is left of their budget, so each of
    them stays within the budget and the pair cap, as the product would enforce.
    """
    rng = np.random.default_rng([seed, 77])
    ordinary = org.people.filter(
        (pl.col("level") <= 3)
        & ~pl.col("person_id").is_in(sorted(org.managers))
        & pl.col("left_on").is_null()
        & (pl.col("hired_on") <= org.start.date())
    ).sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
    chosen: list[list[str]] = []
    used_teams: set[str] = set()
    current: list[str] = []
    for person, team in ordinary.select("person_id", "team").iter_rows():
        if team in used_teams:
            continue
        used_teams.add(team)
        current.append(person)
        if len(current) == size:
            chosen.append(current)
            current = []
            if len(chosen) == rings:
                break
    ring_rows: list[tuple[str, str, datetime]] = []
    for month in _months(org):
        for ring in chosen:
            for giver in ring:
                for receiver in ring:
                    if giver == receiver:
                        continue
                    for _ in range(per_pair_month):
                        at = month + timedelta(days=float(rng.uniform(0, 27)))
                        ring_rows.append((giver, receiver, min(at, org.end - timedelta(1))))
    ring_kudos = pl.DataFrame(ring_rows, schema=KUDOS_SCHEMA, orient="row")
    used = (size - 1) * per_pair_month
    members = [p for ring in chosen for p in ring]
    month = pl.col(AT).dt.truncate("1mo")
    ring_pairs = ring_kudos.select(GIVER, RECEIVER).unique()
    trimmed = (
        honest.join(ring_pairs, on=[GIVER, RECEIVER], how="anti")
        .sort(AT, GIVER, RECEIVER)
        .filter(
            ~pl.col(GIVER).is_in(members)
            | (pl.int_range(pl.len()).over(GIVER, month) < BUDGET - used)
        )
    )
    combined = pl.concat([trimmed, ring_kudos]).sort(AT, GIVER, RECEIVER)
    return combined, chosen


def kudos_stats(kudos: pl.DataFrame) -> dict[str, float]:
    """Numbers quoted in the report: kudos, givers, the busiest pair's count."""
    pair = kudos.group_by(GIVER, RECEIVER).len()
    return {
        "kudos": kudos.height,
        "givers": kudos.get_column(GIVER).n_unique(),
        "max_pair": float(pair.get_column("len").max() or 0),
        "receivers": kudos.get_column(RECEIVER).n_unique(),
    }
