"""Counting the events each identifier appears in (what an upload lists for HR)."""

from __future__ import annotations

import polars as pl

from renown.scoring.matching import identifier_counts


def test_an_event_counts_once_per_identifier_and_missing_actors_are_skipped() -> None:
    events = pl.DataFrame(
        {
            "actor": ["a", "a", None, "b"],
            "target": ["b", "a", "c", "a"],
        }
    )
    assert identifier_counts(events) == {"a": 3, "b": 2, "c": 1}
