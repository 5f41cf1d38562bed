"""Real-data validations of the prominence engine (run by .ci/run with RENOWN_DATA_HOME).

No labels are used: nothing here tunes a weight. The checks are what can be verified
without ground truth: everybody is scored, scores are reproducible run to run and do not
depend on input order, and rings planted into the real networks are found and bounded.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from renown.core.events import event_key
from renown.datasets import Dataset, load_enron, load_eu_core
from renown.ingest.schema import conform
from renown.scoring.pipeline import score_events


@pytest.fixture(scope="module", params=["enron", "eu-core-temporal", "eu-core-static"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    home = request.getfixturevalue("data_home")
    assert isinstance(home, Path)
    cache = tmp_path_factory.mktemp("cache")
    if request.param == "enron":
        return load_enron(data_home=home, cache_dir=cache)
    return load_eu_core(
        temporal=request.param == "eu-core-temporal", data_home=home, cache_dir=cache
    )


def _people(events: pl.DataFrame) -> set[str]:
    return set(events["actor"].drop_nulls()) | set(events["target"])


def test_everybody_is_scored_and_reproducible(dataset: Dataset) -> None:
    first = score_events(dataset.events, groups=dataset.groups)
    again = score_events(dataset.events, groups=dataset.groups)
    shuffled = score_events(
        dataset.events.sample(fraction=1.0, shuffle=True, seed=3), groups=dataset.groups
    )
    # people whose only events are self-addressed are not in the graph; everybody else is
    not_self = pl.col("actor").is_null() | (pl.col("actor") != pl.col("target"))
    assert set(first.scores["person"]) == _people(dataset.events.filter(not_self))
    assert first.scores["score"].min() >= 1 and first.scores["score"].max() <= 100
    assert first.scores.equals(again.scores), "same input, same run: identical output"
    assert first.metadata == again.metadata
    assert first.metadata["input_fingerprint"] == shuffled.metadata["input_fingerprint"]
    exact = dict(first.scores.select("person", "score_exact").iter_rows())
    for person, value in shuffled.scores.select("person", "score_exact").iter_rows():
        assert abs(exact[person] - value) < 1e-6, person  # row order only changes rounding
    assert first.scores["score"].n_unique() > 20  # the score actually discriminates


def _pick_ring_members(scores: pl.DataFrame, rings: int, size: int) -> list[list[str]]:
    """Pick ordinary people (between the 20th and 60th score percentile)."""
    ordinary = scores.filter(
        (pl.col("score_exact") > pl.col("score_exact").quantile(0.2))
        & (pl.col("score_exact") < pl.col("score_exact").quantile(0.6))
    )["person"].to_list()
    rng = np.random.default_rng(17)
    chosen = rng.choice(sorted(ordinary), rings * size, replace=False).tolist()
    return [chosen[k * size : (k + 1) * size] for k in range(rings)]


def _ring_events(rings: list[list[str]], as_of: datetime, per_pair: int) -> pl.DataFrame:
    rows = []
    for r, ring in enumerate(rings):
        for a in ring:
            for b in ring:
                if a == b:
                    continue
                for k in range(per_pair):
                    rows.append(
                        {
                            "event_key": event_key("ring", r, a, b, k),
                            "actor": a,
                            "target": b,
                            "timestamp": as_of - timedelta(days=k * 90 / per_pair),
                            "channel": "email",
                            "kind": "to",
                            "weight": 1.0,
                            "source": "planted-ring",
                        }
                    )
    return conform(pl.DataFrame(rows))


def test_planted_rings_are_found_and_bounded(dataset: Dataset) -> None:
    honest = score_events(dataset.events, groups=dataset.groups, trend_days=None)
    as_of = datetime.fromisoformat(honest.metadata["as_of"])
    assert honest.model.ring_report_.rings == (), "honest real data must not be flagged wholesale"
    rings = _pick_ring_members(honest.scores, rings=2, size=5)
    planted = pl.concat([dataset.events, _ring_events(rings, as_of, 60)])
    attacked = score_events(planted, groups=dataset.groups, trend_days=None, as_of=as_of)
    found = {frozenset(r.members) for r in attacked.model.ring_report_.rings}
    assert {frozenset(r) for r in rings} <= found
    before = dict(honest.scores.select("person", "score_exact").iter_rows())
    after = dict(attacked.scores.select("person", "score_exact").iter_rows())
    top_decile = float(np.percentile(list(after.values()), 90))
    for person in (p for r in rings for p in r):
        assert after[person] - before[person] <= 15.0, person
        assert after[person] < top_decile, person
