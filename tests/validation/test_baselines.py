"""Baselines count on the cleaned, undecayed history."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from renown.validation.baselines import compute_baselines
from renown.validation.cleaning import clean_events
from tests.helpers import AS_OF, one_event


def _events(rows: list[tuple[str | None, str, str]]) -> pl.DataFrame:
    frames = [
        one_event(a, t, f"k{i}", AS_OF - timedelta(days=400 * i)).with_columns(
            pl.lit(kind).alias("kind")
        )
        for i, (a, t, kind) in enumerate(rows)
    ]
    return pl.concat(frames)


def _values(events: pl.DataFrame) -> dict[str, dict[str, float]]:
    return {
        b.name: dict(zip(b.people, b.values.tolist(), strict=True))
        for b in compute_baselines(events)
    }


def test_counts_ignore_decay_and_merge_aliases() -> None:
    events = _events(
        [
            ("ann", "bob", "to"),
            ("ann", "bob", "to"),  # 400 days older: counts the same
            ("cat", "bob", "to"),
            ("bob", "bob", "to"),  # self-mail: dropped
            (None, "cat", "upvote"),
            ("ann2", "cat", "to"),  # ann's second address
        ]
    )
    values = _values(clean_events(events, {"ann2": "ann"}))
    assert values["in_degree"] == {"ann": 0.0, "bob": 2.0, "cat": 1.0}
    assert values["weighted_in_degree"] == {"ann": 0.0, "bob": 3.0, "cat": 2.0}
    assert values["upvotes_received"]["cat"] == 1.0
    assert values["pagerank_ties"]["bob"] > values["pagerank_ties"]["ann"]
    assert sum(values["hits_authority"].values()) == pytest.approx(1.0)


def test_no_upvote_baseline_without_upvotes() -> None:
    values = _values(clean_events(_events([("ann", "bob", "to"), ("bob", "cat", "to")])))
    assert "upvotes_received" not in values
    assert set(values) == {"in_degree", "weighted_in_degree", "pagerank_ties", "hits_authority"}
