"""Radar features: the values on a hand-made history, nulls, and no look into the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.radar.changes import detect_changes
from renown.radar.features import (
    CATEGORICAL_FEATURES,
    FEATURE_COLUMNS,
    OrgFacts,
    describe_feature,
    profile_features,
)
from renown.radar.snapshots import ProfileSnapshot
from renown.radar.synthetic import synthetic_histories

T0 = datetime(2023, 1, 1, tzinfo=UTC)


def _at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def _history() -> list[ProfileSnapshot]:
    quiet = [
        ProfileSnapshot(
            "a",
            _at(30 * i),
            headline="Analyst at Initech",
            title="Analyst",
            company="Initech",
            skills=("SQL",) if i < 4 else ("SQL", "Excel"),
            connections=300 + i,
            open_to_work=False,
            title_since=_at(-100),
        )
        for i in range(12)
    ]
    burst = [
        ProfileSnapshot(
            "a",
            _at(340),
            headline="Analyst | open to new roles",
            title="Analyst",
            company="Initech",
            skills=("SQL", "Excel", "Rust", "Go"),
            connections=420,
            open_to_work=True,
        ),
        ProfileSnapshot(
            "a",
            _at(350),
            headline="Analyst | Rust | Go",
            title="Senior analyst",
            company="Initech",
            skills=("SQL", "Excel", "Rust", "Go", "Kafka"),
            connections=430,
            open_to_work=True,
        ),
    ]
    return quiet + burst


def test_values_on_a_hand_made_history() -> None:
    snaps = _history()
    changes = detect_changes(snaps)
    as_of = _at(360)
    org = {"a": OrgFacts(tenure_days=900, rating=4.0, level="L3", measured_at=_at(460))}
    row = profile_features(snaps, changes, as_of=as_of, org=org).row(0, named=True)
    assert row["subject"] == "a"
    # last 30 days: headline, skills, connections jump (not counted), open to work; then
    # headline, title, skills
    assert row["updates_30d"] == 6
    assert row["updates_90d"] == 6
    assert row["updates_180d"] == 6
    assert row["baseline_rate_per_30d"] == 1 / ((180 - 0) / 30)  # one skill added, day 120
    assert row["update_rate_ratio_90d"] > 3
    assert row["burst"] == 6
    assert row["days_since_last_update"] == 10
    assert row["days_since_title_change"] == 10
    assert row["days_in_role"] == 10
    assert row["days_at_company"] == 460  # title_since of the first Initech snapshot
    assert row["skills_added_90d"] == 3
    assert row["headline_edits_90d"] == 2
    assert row["connections"] == 430
    assert row["connections_growth_90d"] == (430 - 309) / 309
    assert row["open_to_work"] == 1
    assert row["open_to_work_since_days"] == 20
    assert row["snapshots_seen"] == 14
    assert row["history_days"] == 360
    assert row["tenure_days"] == 800  # measured 100 days after as_of
    assert (row["rating"], row["level"], row["department"]) == (4.0, "L3", None)


def test_columns_schema_and_descriptions() -> None:
    frame = profile_features(_history(), [], as_of=_at(400))
    assert frame.columns == ["subject", *FEATURE_COLUMNS]
    for name in FEATURE_COLUMNS:
        assert describe_feature(name) != name.replace("_", " ")
        dtype = frame.schema[name]
        assert dtype == pl.String if name in CATEGORICAL_FEATURES else dtype.is_numeric()


def test_missing_values_stay_null() -> None:
    frame = profile_features([ProfileSnapshot("b", T0)], [], as_of=_at(1))
    row = frame.row(0, named=True)
    for name in (
        "baseline_rate_per_30d",
        "days_since_last_update",
        "days_in_role",
        "connections",
        "connections_growth_90d",
        "open_to_work",
        "tenure_days",
        "level",
    ):
        assert row[name] is None, name
    assert row["updates_90d"] == 0
    assert 0 < row["update_rate_ratio_90d"] < 1  # smoothed, finite for a new profile


def test_subjects_seen_later_are_left_out_and_empty_input() -> None:
    snaps = [ProfileSnapshot("a", T0), ProfileSnapshot("b", _at(10))]
    assert profile_features(snaps, [], as_of=_at(5))["subject"].to_list() == ["a"]
    empty = profile_features([], [], as_of=T0)
    assert empty.height == 0
    assert empty.columns == ["subject", *FEATURE_COLUMNS]


def test_org_tenure_before_joining_is_null() -> None:
    org = {"a": OrgFacts(tenure_days=10, in_role_days=5, measured_at=_at(100))}
    row = profile_features([ProfileSnapshot("a", T0)], [], as_of=_at(1), org=org).row(0, named=True)
    assert row["tenure_days"] is None
    assert row["days_in_role"] is None


SYNTHETIC = synthetic_histories(
    [f"p{i}" for i in range(12)],
    start=datetime(2022, 1, 1, tzinfo=UTC),
    end=datetime(2024, 1, 1, tzinfo=UTC),
    seed=3,
    movers=0.5,
)
SYNTHETIC_CHANGES = detect_changes(SYNTHETIC)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 730), st.integers(1, 400))
def test_features_never_read_data_after_as_of(day: int, extra_days: int) -> None:
    """Adding (or changing) anything dated after as_of leaves every feature as it was."""
    as_of = datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=day)
    past = [s for s in SYNTHETIC if s.captured_at <= as_of]
    expected = profile_features(past, detect_changes(past), as_of=as_of)
    future = [
        ProfileSnapshot(
            s.subject,
            as_of + timedelta(days=extra_days),
            headline="Looking for work",
            company="Elsewhere",
            skills=("Everything",),
            connections=99_999,
            open_to_work=True,
        )
        for s in past
    ]
    everything = SYNTHETIC + future
    actual = profile_features(everything, detect_changes(everything), as_of=as_of)
    assert actual.equals(expected)
