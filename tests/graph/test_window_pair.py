"""Two windows from one pass: each graph equals a build of its own window alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

import renown.graph.batches as batches_module
import renown.graph.build as build_module
from renown.graph import build_graph
from renown.graph.build import build_window_pair
from renown.graph.compaction import fold
from renown.ingest.schema import conform
from tests.graph.reference import assert_same_view, view_of
from tests.helpers import AS_OF, random_events

EARLIER = AS_OF - timedelta(days=30)


def _events() -> pl.DataFrame:
    """Random events, plus people who occur in one window only, an anonymous zero-weight
    downvote that alone makes someone a person, and self-addressed rows."""
    base = random_events(n_people=70, n_events=1800, seed=23, days=150)
    late, early, old = AS_OF - timedelta(days=2), EARLIER - timedelta(days=3), AS_OF
    # inside a 45-day window ending at EARLIER, outside the one ending at AS_OF
    only_earlier = AS_OF - timedelta(days=60)
    extra = conform(
        pl.DataFrame(
            {
                "event_key": [f"x{k}" for k in range(7)],
                "actor": ["new1", "new2", None, "gone", "u001", "self", "u002"],
                "target": ["u001", "new1", "only-anon", "u003", "late-only", "self", "old"],
                "timestamp": [
                    late,
                    late,
                    early,
                    only_earlier,
                    late,
                    early,
                    old - timedelta(days=140),
                ],
                "channel": ["email", "chat", "qa", "email", "review", "email", "email"],
                "kind": ["to", "to", "downvote", "to", "to", "to", "to"],
                "weight": [1.0, 2.0, 1.0, 1.0, None, 1.0, 1.0],
                "source": ["test"] * 7,
            },
            schema_overrides={"timestamp": pl.Datetime("us", "UTC")},
        )
    )
    return pl.concat([base, extra]).sample(fraction=1.0, shuffle=True, seed=3)


def _pair(events: pl.DataFrame | pl.LazyFrame, **options: Any) -> tuple[Any, Any]:
    earlier_graph, current = build_window_pair(events, as_of=AS_OF, earlier=EARLIER, **options)
    return earlier_graph, current()


@pytest.mark.parametrize("window_days", [None, 45.0])
def test_each_window_equals_its_own_build(window_days: float | None) -> None:
    events = _events()
    earlier_graph, current_graph = _pair(events, window_days=window_days)
    alone_earlier = build_graph(events, as_of=EARLIER, window_days=window_days)
    alone_current = build_graph(events, as_of=AS_OF, window_days=window_days)
    assert_same_view(view_of(earlier_graph), view_of(alone_earlier), rel=0)
    assert_same_view(view_of(current_graph), view_of(alone_current), rel=0)
    assert earlier_graph.n_events == alone_earlier.n_events
    assert current_graph.n_events == alone_current.n_events
    assert earlier_graph.as_of == EARLIER and current_graph.as_of == AS_OF
    assert earlier_graph.params == alone_earlier.params
    people = set(earlier_graph.people)
    assert "only-anon" in people  # a zero-weight anonymous event still makes a person
    assert {"new1", "new2", "late-only"}.isdisjoint(people)  # they arrive after EARLIER
    assert "late-only" in set(current_graph.people)
    assert ("gone" in set(current_graph.people)) == (window_days is None)
    assert "self" not in people


def test_groups_follow_each_window() -> None:
    events = _events()
    groups = {f"u{k:03d}": f"team{k % 3}" for k in range(70)} | {"new1": "late"}
    earlier_graph, current_graph = _pair(events, groups=groups)
    for graph, as_of in ((earlier_graph, EARLIER), (current_graph, AS_OF)):
        alone = build_graph(events, as_of=as_of, groups=groups)
        assert graph.group_names == alone.group_names
        assert graph.groups is not None and alone.groups is not None
        mine = dict(zip(graph.people, graph.groups, strict=True))
        theirs = dict(zip(alone.people, alone.groups, strict=True))
        assert mine == theirs


def test_a_lazy_scan_gives_the_same_pair(tmp_path: Any) -> None:
    events = _events()
    path = tmp_path / "events.parquet"
    events.write_parquet(path)
    expected = [view_of(g) for g in _pair(events)]
    for window_days in (None, 45.0):
        scanned = _pair(pl.scan_parquet(path), window_days=window_days)
        alone = [
            build_graph(events, as_of=as_of, window_days=window_days) for as_of in (EARLIER, AS_OF)
        ]
        for got, want in zip(scanned, alone, strict=True):
            assert_same_view(view_of(got), view_of(want), rel=0)
    assert expected[0].people <= expected[1].people


@pytest.mark.parametrize("fold_after", [1, 97, 400])
def test_folding_both_windows_while_reading_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, fold_after: int
) -> None:
    events = _events()
    expected = [view_of(g) for g in _pair(events, window_days=45.0)]
    monkeypatch.setattr(batches_module, "BATCH_ROWS", 61)
    monkeypatch.setattr(build_module, "COMPACT_EVENTS", fold_after)
    folds: list[int] = []

    def counted_fold(*args: Any) -> Any:
        folds.append(1)
        return fold(*args)

    monkeypatch.setattr(build_module, "fold", counted_fold)
    folded = _pair(events, window_days=45.0)
    assert len(folds) >= 2  # both windows were folded
    for got, want in zip(folded, expected, strict=True):
        assert_same_view(view_of(got), want, rel=1e-12)
    assert "only-anon" in set(folded[0].people)  # kept through a fold of its one event


def test_the_earlier_window_must_end_first() -> None:
    with pytest.raises(ValueError, match="before as_of"):
        build_window_pair(_events(), as_of=AS_OF, earlier=AS_OF)


def test_no_event_in_the_earlier_window_gives_an_empty_graph() -> None:
    events = _events().filter(pl.col("timestamp") > EARLIER)
    earlier_graph, current = build_window_pair(events, as_of=AS_OF, earlier=EARLIER)
    assert earlier_graph.n == 0 and earlier_graph.m == 0
    np.testing.assert_array_equal(earlier_graph.out.indptr, [0])
    assert current().n == build_graph(events, as_of=AS_OF).n
