"""Readers on the public data sets in ``$RENOWN_DATA_HOME``.

Skipped when the variable is unset; when it is set, a missing file is a failure, not a
skip, so a broken data setup cannot pass silently.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from renown.ingest.lake import EventLake
from renown.ingest.readers.snap import read_snap
from renown.ingest.readers.stackexchange import read_stackexchange
from renown.ingest.readers.tabular import read_tabular

pytestmark = pytest.mark.realdata


def data_file(*parts: str) -> Path:
    home = os.environ.get("RENOWN_DATA_HOME")
    if not home:
        pytest.skip("RENOWN_DATA_HOME is not set")
    path = Path(home, *parts)
    assert path.exists(), f"RENOWN_DATA_HOME is set but {path} is missing"
    return path


def test_stackexchange_quantumcomputing_dump() -> None:
    folder = data_file("stackexchange-quantumcomputing")
    for name in ("posts.csv.gz", "comments.csv.gz", "votes.csv.gz"):
        assert (folder / name).is_file(), f"{folder / name} is missing"
    events = read_stackexchange(folder, site="quantumcomputing")
    counts = dict(events.group_by("kind").len().iter_rows())
    # 1,060 answers, 3,413 comments, ~390 accepts and 12,560 votes in the dump; events
    # drop deleted users, the Community bot and self-interactions.
    assert 900 <= counts["answer"] <= 1_060
    assert 1_500 <= counts["comment"] <= 3_413
    assert 300 <= counts["accept"] <= 390
    assert 8_000 <= counts["upvote"] <= 12_560
    assert 0 < counts["downvote"] < counts["upvote"]
    assert events["event_key"].n_unique() == events.height
    assert events["target"].str.starts_with("se:").all()
    assert events.filter(pl.col("kind") == "upvote")["actor"].null_count() == counts["upvote"]
    assert events["timestamp"].min() >= datetime(2018, 3, 1, tzinfo=UTC)
    assert events["timestamp"].max() <= datetime(2018, 9, 30, tzinfo=UTC)
    # 405 distinct user ids own a post or wrote a comment (including -1 and blanks).
    people = pl.concat([events["actor"].drop_nulls(), events["target"]]).n_unique()
    assert 300 <= people <= 405


def test_eu_core_temporal_edge_list(tmp_path: Path) -> None:
    file = data_file("eu-core", "email-Eu-core-temporal.txt.gz")
    events = read_snap(file, channel="email", kind="to", prefix="eu:")
    assert events.height == 332_334
    assert pl.concat([events["actor"], events["target"]]).n_unique() == 986
    assert events["timestamp"].max() == datetime.fromtimestamp(69_459_254, UTC)
    lake = EventLake(tmp_path / "lake")
    assert lake.append(events).added == events.height
    assert lake.append(events).added == 0


def test_enron_message_table() -> None:
    file = data_file("enron", "messages_jhu184.tsv.gz")
    mapping = {"actor": "from_id", "target": "to_id", "timestamp": "time", "kind": "reciptype"}
    events = read_tabular(file, mapping=mapping, channel="email")
    # 125,409 rows; 78,964 repeat an earlier row in sender, recipient, time and type (copies
    # of one message, counted once); of the 174 rows with upstream's bogus 1979 date, 82 stay
    assert events.height == 46_445
    assert events["event_key"].n_unique() == events.height
    assert set(events["kind"]) <= {"to", "cc", "bcc"}
    real = events.filter(pl.col("timestamp") >= datetime(1998, 1, 1, tzinfo=UTC))
    assert events.height - real.height == 82
