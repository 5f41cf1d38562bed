"""Collusion rings: exactly the promised extra events, among ordinary people."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

import polars as pl
import pytest

from renown.demo import SyntheticOrg, inject_collusion_rings
from renown.ingest.schema import EVENT_SCHEMA


def added_events(before: SyntheticOrg, after: SyntheticOrg) -> pl.DataFrame:
    """Events of ``after`` whose key ``before`` does not have."""
    return after.events.join(before.events.select("event_key"), on="event_key", how="anti")


def test_injection_adds_exactly_every_ordered_pair_of_each_ring(small_org: SyntheticOrg) -> None:
    injected, rings = inject_collusion_rings(small_org, rings=3, size=5, events_per_pair=60)
    assert len(rings) == 3
    assert all(len(ring) == 5 for ring in rings)
    members = [person for ring in rings for person in ring]
    assert len(set(members)) == 15

    added = added_events(small_org, injected)
    assert injected.events.height == small_org.events.height + 3 * 5 * 4 * 60
    assert added.height == 3 * 5 * 4 * 60
    expected = Counter({pair: 60 for ring in rings for pair in permutations(ring, 2)})
    assert Counter(added.select("actor", "target").iter_rows()) == expected
    # Nothing that was there before changed or went missing.
    kept = injected.events.filter(pl.col("event_key").is_in(small_org.events["event_key"]))
    assert kept.sort("event_key").equals(small_org.events.sort("event_key"))


def test_ring_events_are_canonical_messages_and_mentions_in_the_window(
    small_org: SyntheticOrg,
) -> None:
    injected, _ = inject_collusion_rings(small_org, rings=2, size=3, events_per_pair=40, seed=5)
    added = added_events(small_org, injected)
    events = injected.events
    assert events.schema == pl.Schema(EVENT_SCHEMA)
    assert events["event_key"].n_unique() == events.height
    assert events["timestamp"].is_sorted()
    assert set(added.select("channel", "kind").unique().rows()) == {
        ("chat", "message"),
        ("social", "mention"),
    }
    assert added["timestamp"].min() >= small_org.start
    assert added["timestamp"].max() < small_org.end
    # Spread over the window, not bunched on one day.
    assert added["timestamp"].dt.date().n_unique() > 30


def test_ring_members_are_ordinary_people(small_org: SyntheticOrg) -> None:
    _, rings = inject_collusion_rings(small_org, rings=4, size=4)
    members = {person for ring in rings for person in ring}
    assert members.isdisjoint(small_org.managers)
    assert members.isdisjoint(small_org.bridges)
    sent = dict(
        small_org.events.filter(pl.col("actor").is_not_null()).group_by("actor").len().iter_rows()
    )
    everyone = pl.Series([sent.get(p, 0) for p in small_org.people["person_id"]])
    for person in members:
        assert sent.get(person, 0) <= everyone.quantile(0.75)
        assert sent.get(person, 0) >= everyone.quantile(0.1)
    levels = small_org.people.filter(pl.col("person_id").is_in(members))["level"]
    assert levels.max() <= 3


def test_injection_is_deterministic_and_leaves_the_original_alone(
    small_org: SyntheticOrg,
) -> None:
    height = small_org.events.height
    first, rings = inject_collusion_rings(small_org, seed=21)
    again, rings_again = inject_collusion_rings(small_org, seed=21)
    _, other_rings = inject_collusion_rings(small_org, seed=22)
    assert rings == rings_again
    assert first.events.equals(again.events)
    assert rings != other_rings
    assert small_org.events.height == height
    assert small_org.collusion_rings == ()
    assert first.collusion_rings == tuple(tuple(ring) for ring in rings)


def test_injecting_twice_keeps_rings_disjoint_and_keys_unique(small_org: SyntheticOrg) -> None:
    once, first = inject_collusion_rings(small_org, rings=2, size=4, seed=1)
    twice, second = inject_collusion_rings(once, rings=2, size=4, seed=1)
    assert {p for r in first for p in r}.isdisjoint({p for r in second for p in r})
    assert twice.collusion_rings == tuple(tuple(r) for r in first + second)
    assert twice.events["event_key"].n_unique() == twice.events.height
    assert twice.events.height == small_org.events.height + 2 * 2 * 4 * 3 * 60


def test_impossible_requests_are_refused(small_org: SyntheticOrg) -> None:
    with pytest.raises(ValueError, match="eligible"):
        inject_collusion_rings(small_org, rings=100, size=10)
    with pytest.raises(ValueError, match="size"):
        inject_collusion_rings(small_org, size=1)
