"""A Stack Exchange dump as validation events and badge-count labels (tiny generated dump)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from renown.datasets.stackexchange import badges_earned, load_stackexchange_events
from renown.ingest.readers.stackexchange import read_stackexchange
from renown.ingest.schema import EVENT_SCHEMA
from tests.badges.se_dump import write_dump


def test_events_name_the_favourite_voter_and_keep_the_rest(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump")
    events = load_stackexchange_events(dump)
    assert dict(events.schema) == dict(EVENT_SCHEMA)
    favorites = events.filter(pl.col("kind") == "favorite")
    assert favorites.select("actor", "target").rows() == [("se:3", "se:1")]
    # everything else is exactly what the event reader makes of the dump
    others = events.filter(pl.col("kind") != "favorite").sort("event_key")
    reader = read_stackexchange(dump).filter(pl.col("kind") != "favorite").sort("event_key")
    assert others.equals(reader)
    assert events["event_key"].n_unique() == events.height
    # self-interactions never appear (se:1 answered their own question)
    assert events.filter(pl.col("actor") == pl.col("target")).height == 0
    assert load_stackexchange_events(dump)["event_key"].to_list() == events["event_key"].to_list()


def test_labels_count_badges_and_give_zero_to_people_without(tmp_path: Path) -> None:
    dump = write_dump(tmp_path / "dump")
    labels = badges_earned(dump, ["se:2", "se:1", "se:9"])
    assert labels.rows() == [("se:1", 3.0), ("se:2", 2.0), ("se:9", 0.0)]
