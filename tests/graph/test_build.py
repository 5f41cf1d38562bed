"""The graph builder against a one-event-at-a-time reference, and its invariances."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import renown.graph.batches as batches_module
import renown.graph.build as build_module
from renown.graph import build_graph
from renown.graph.compaction import fold
from renown.ingest.schema import conform
from tests.graph.reference import assert_same_view, reference_view, view_of
from tests.helpers import AS_OF, random_events


def _with_edge_cases(events: pl.DataFrame) -> pl.DataFrame:
    """Add self-addressed, future, null-target and null-weight events to ``events``."""
    extra = conform(
        pl.DataFrame(
            {
                "event_key": ["self", "self-only", "future", "no-target", "null-weight", "odd"],
                "actor": ["u001", "lonely", "u002", "u003", "u004", "u005"],
                "target": ["u001", "lonely", "u003", None, "u006", "u007"],
                "timestamp": [
                    AS_OF - timedelta(days=1),
                    AS_OF - timedelta(days=2),
                    AS_OF + timedelta(days=1),
                    AS_OF - timedelta(days=3),
                    AS_OF - timedelta(days=4, seconds=7),
                    AS_OF - timedelta(days=5),
                ],
                "channel": ["email", "chat", "email", "email", "review", "carrier-pigeon"],
                "kind": ["to", "to", "to", "to", "cc", None],
                "weight": [1.0, 1.0, 1.0, 1.0, None, 2.5],
                "source": ["test"] * 6,
            },
            schema_overrides={"timestamp": pl.Datetime("us", "UTC")},
        )
    )
    return pl.concat([events, extra])


@pytest.fixture
def events() -> pl.DataFrame:
    return _with_edge_cases(random_events(n_people=60, n_events=1500, seed=11))


def test_matches_reference(events: pl.DataFrame) -> None:
    graph = build_graph(events, as_of=AS_OF)
    expected = reference_view(events, as_of=AS_OF)
    assert_same_view(view_of(graph), expected)
    assert "lonely" not in set(graph.people)  # only ever addressed themselves
    assert (
        graph.n_events
        == events.filter(
            (pl.col("timestamp") <= AS_OF)
            & pl.col("target").is_not_null()
            & (pl.col("actor").is_null() | (pl.col("actor") != pl.col("target")))
        ).height
    )


@pytest.mark.parametrize(
    ("options", "reference_options"),
    [
        ({"pair_scaling": "cap", "pair_cap": 1.5}, {"scaling": "cap", "cap": 1.5}),
        ({"pair_scaling": "none"}, {"scaling": "none"}),
        (
            {"window_days": 30.0, "half_life_days": 7.0},
            {"window_days": 30.0, "half_life_days": 7.0},
        ),
        (
            {"channel_weights": {"chat": 3.0}, "kind_weights": {"cc": 0.0, "mention": 2.0}},
            {"channel_weights": {"chat": 3.0}, "kind_weights": {"cc": 0.0, "mention": 2.0}},
        ),
    ],
)
def test_options_match_reference(
    events: pl.DataFrame, options: dict[str, object], reference_options: dict[str, object]
) -> None:
    graph = build_graph(events, as_of=AS_OF, **options)  # type: ignore[arg-type]
    expected = reference_view(events, as_of=AS_OF, **reference_options)  # type: ignore[arg-type]
    assert_same_view(view_of(graph), expected)


def test_csr_invariants(events: pl.DataFrame) -> None:
    graph = build_graph(events, as_of=AS_OF)
    indptr, indices = graph.out.indptr, graph.out.indices
    assert indptr.dtype == np.int64 and indices.dtype == np.int32
    assert indptr[0] == 0 and np.all(np.diff(indptr) >= 0) and indptr[-1] == graph.m
    src = np.repeat(np.arange(graph.n), np.diff(indptr))
    assert not np.any(src == indices)  # no self-loops
    same_row = src[1:] == src[:-1]
    assert np.all(indices[1:][same_row] > indices[:-1][same_row])  # sorted, no duplicates
    assert graph.anonymous.shape == (graph.n,) and graph.people.dtype == object


def test_people_are_numbered_hubs_first(events: pl.DataFrame) -> None:
    graph = build_graph(events, as_of=AS_OF)
    kept = events.filter(
        (pl.col("timestamp") <= AS_OF)
        & pl.col("actor").is_not_null()
        & pl.col("target").is_not_null()
        & (pl.col("actor") != pl.col("target"))
    )
    received = kept.group_by("target").len()
    count = dict(zip(received["target"], received["len"], strict=True))
    along = [count.get(str(p), 0) for p in graph.people]
    assert along == sorted(along, reverse=True)


def test_input_order_does_not_matter(events: pl.DataFrame) -> None:
    graph = build_graph(events, as_of=AS_OF)
    shuffled = build_graph(events.sample(fraction=1.0, shuffle=True, seed=5), as_of=AS_OF)
    assert_same_view(view_of(shuffled), view_of(graph))


def test_relabelled_people_give_the_same_values(events: pl.DataFrame) -> None:
    def rename(column: str) -> pl.Expr:
        return (pl.lit("person:") + pl.col(column).str.reverse()).alias(column)

    relabelled = events.with_columns(rename("actor"), rename("target"))
    graph = build_graph(events, as_of=AS_OF)
    other = view_of(build_graph(relabelled, as_of=AS_OF))
    back = {f"person:{p[::-1]}": p for p in graph.people}
    assert {back[p] for p in other.people} == set(graph.people)
    volume = {(back[a], back[t]): v for (a, t), v in other.volume.items()}
    assert volume == pytest.approx(view_of(graph).volume, rel=1e-12)
    anonymous = {back[p]: a for p, a in other.anonymous.items()}
    assert anonymous == pytest.approx(view_of(graph).anonymous, rel=1e-12)


@pytest.mark.parametrize("lazy", [False, True])
def test_small_batches_and_lazy_input(
    events: pl.DataFrame, monkeypatch: pytest.MonkeyPatch, lazy: bool
) -> None:
    expected = view_of(build_graph(events, as_of=AS_OF))
    monkeypatch.setattr(batches_module, "BATCH_ROWS", 37)
    source = events.lazy() if lazy else events
    assert_same_view(view_of(build_graph(source, as_of=AS_OF)), expected)


@pytest.mark.parametrize("window_days", [None, 60.0])
def test_parquet_scan_in_slices(
    events: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window_days: float | None
) -> None:
    expected = view_of(build_graph(events, as_of=AS_OF, window_days=window_days))
    path = tmp_path / "events.parquet"
    events.write_parquet(path, row_group_size=100)
    monkeypatch.setattr(batches_module, "LAZY_BATCH_ROWS", 53)
    monkeypatch.setattr(batches_module, "BATCH_ROWS", 41)
    scanned = build_graph(pl.scan_parquet(path), as_of=AS_OF, window_days=window_days)
    assert_same_view(view_of(scanned), expected)


def test_groups_are_coded_per_person(events: pl.DataFrame) -> None:
    groups = {f"u{i:03d}": ("red" if i % 2 else "blue") for i in range(0, 60, 3)}
    graph = build_graph(events, as_of=AS_OF, groups=groups)
    assert graph.group_names == ("blue", "red")
    assert graph.groups is not None and graph.groups.dtype == np.int32
    for person, code in zip(graph.people, graph.groups, strict=True):
        want = groups.get(str(person))
        assert code == (-1 if want is None else graph.group_names.index(want))


def test_empty_and_fully_filtered_inputs() -> None:
    events = random_events(n_people=5, n_events=20, seed=1)
    for frame in (events.head(0), events):
        graph = build_graph(frame, as_of=datetime(2000, 1, 1, tzinfo=UTC))
        assert graph.n == 0 and graph.m == 0 and graph.n_events == 0
        assert graph.out.indptr.tolist() == [0]
        assert graph.people.shape == (0,) and graph.anonymous.shape == (0,)


def test_only_anonymous_engagement() -> None:
    events = random_events(n_people=8, n_events=50, seed=2, anonymous_share=1.0)
    graph = build_graph(events, as_of=AS_OF)
    assert graph.m == 0 and graph.n > 0
    assert_same_view(view_of(graph), reference_view(events, as_of=AS_OF))


def test_rejects_bad_arguments(events: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="timezone"):
        build_graph(events, as_of=datetime(2024, 7, 1))
    with pytest.raises(ValueError, match="half_life"):
        build_graph(events, as_of=AS_OF, half_life_days=0)
    with pytest.raises(ValueError, match="pair scaling"):
        build_graph(events, as_of=AS_OF, pair_scaling="sqrt")  # type: ignore[arg-type]


@pytest.mark.parametrize("fold_after", [1, 97, 400])
def test_folding_events_into_pairs_while_reading_changes_nothing(
    events: pl.DataFrame, monkeypatch: pytest.MonkeyPatch, fold_after: int
) -> None:
    """A long input is summed into pairs as it is read (memory follows pairs, not events)."""
    expected_graph = build_graph(events, as_of=AS_OF)
    monkeypatch.setattr(batches_module, "BATCH_ROWS", 59)
    monkeypatch.setattr(build_module, "COMPACT_EVENTS", fold_after)
    folds: list[int] = []

    def counted_fold(*args: Any) -> Any:
        folds.append(1)
        return fold(*args)

    monkeypatch.setattr(build_module, "fold", counted_fold)
    folded = build_graph(events, as_of=AS_OF)
    assert folds  # the input was long enough to be folded at least once
    assert_same_view(view_of(folded), view_of(expected_graph))
    assert folded.n_events == expected_graph.n_events
    assert list(folded.people) == list(expected_graph.people)  # same hubs-first numbering
    np.testing.assert_array_equal(folded.out.indptr, expected_graph.out.indptr)
    np.testing.assert_array_equal(folded.out.indices, expected_graph.out.indices)
