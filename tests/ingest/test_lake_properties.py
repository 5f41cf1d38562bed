"""Property: the lake's content does not depend on how events were split or ordered."""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renown.core.events import event_key
from renown.ingest.lake import EventLake
from renown.ingest.schema import EVENT_SCHEMA

ORIGIN = datetime(2023, 11, 1, tzinfo=UTC)

event_rows = st.lists(
    st.tuples(
        st.integers(0, 40),  # identity: equal ids are the same event (identical rows)
        st.integers(0, 150 * 24),  # hours after ORIGIN: spans several months
    ),
    min_size=1,
    max_size=60,
)


def frame_of(rows: list[tuple[int, int]]) -> pl.DataFrame:
    # The row content is a function of the id, so repeated ids are true duplicates.
    hours = {identity: hour for identity, hour in reversed(rows)}
    return pl.DataFrame(
        {
            "event_key": [event_key("prop", i) for i, _ in rows],
            "actor": [None if i % 4 == 0 else f"p{i % 7}" for i, _ in rows],
            "target": [f"p{i % 5}" for i, _ in rows],
            "timestamp": [ORIGIN + timedelta(hours=hours[i]) for i, _ in rows],
            "channel": ["chat"] * len(rows),
            "kind": ["mention"] * len(rows),
            "weight": [float(i) for i, _ in rows],
            "source": ["prop"] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=event_rows, data=st.data())
def test_any_split_in_any_order_gives_the_same_lake(
    rows: list[tuple[int, int]], data: st.DataObject
) -> None:
    events = frame_of(rows)
    expected = events.unique(subset="event_key").sort("event_key")
    order = data.draw(st.permutations(list(range(events.height))), label="order")
    cuts = sorted(data.draw(st.lists(st.integers(0, events.height), max_size=4), label="cuts"))
    shuffled = events[order]
    bounds = [0, *cuts, events.height]
    with tempfile.TemporaryDirectory() as folder:
        lake = EventLake(Path(folder) / "lake")
        added = 0
        for low, high in itertools.pairwise(bounds):
            added += lake.append(shuffled[low:high]).added
        stored = lake.scan().collect().sort("event_key")
        assert added == expected.height
        assert stored.equals(expected)
        assert lake.stats().rows == expected.height
        assert lake.append(events).added == 0
