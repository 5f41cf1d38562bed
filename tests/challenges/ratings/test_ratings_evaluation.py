"""Pairwise accuracy on held-out contests, on a synthetic set whose true skill is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renown.challenges.ratings.evaluation import (
    evaluate,
    first_contests,
    sample_pairs,
    split,
)
from renown.challenges.ratings.model import fit
from renown.challenges.ratings.standings import read_standings

from .conftest import synthetic_rows, write_table


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    rows, skill = synthetic_rows(players=300, contests=60, field=80)
    path = write_table(tmp_path_factory.mktemp("ratings") / "s.csv", list(rows), ",")
    return path, skill


def test_model_beats_contests_played_and_tracks_true_skill(
    synthetic: tuple[Path, np.ndarray],
) -> None:
    path, skill = synthetic
    standings = read_standings(path)
    report = evaluate(standings, test_fraction=0.2)
    model, elo, played = (report.result(n) for n in ("weng-lin", "elo", "contests played"))
    assert report.test_contests == 12 and report.train_contests == 48
    assert model.pairs == elo.pairs == played.pairs == report.pairs > 10_000
    assert model.accuracy > played.accuracy + 0.15
    assert model.accuracy > 0.7
    assert abs(played.accuracy - 0.5) < 0.05  # experience is independent of skill here
    assert elo.accuracy > 0.6
    ratings = fit(standings)
    order = np.array([int(h[1:]) for h in standings.handles])
    truth = skill[order]
    assert np.corrcoef(ratings.mu, truth)[0, 1] > 0.9
    assert "pairwise acc" in report.table()


def test_split_keeps_at_least_one_contest_on_each_side(
    synthetic: tuple[Path, np.ndarray],
) -> None:
    standings = read_standings(synthetic[0])
    assert split(standings, 0.1) == 54
    assert split(standings, 0.001) == 59
    assert split(standings, 0.999) == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        split(standings, 1.5)


def test_first_contests(synthetic: tuple[Path, np.ndarray]) -> None:
    standings = read_standings(synthetic[0])
    first = first_contests(standings)
    players, _lo, _hi = standings.contest(0)
    assert (first[players] == 0).all()
    assert first.max() < standings.contests


def test_sampled_pairs_are_ordered_and_skip_ties() -> None:
    rng = np.random.default_rng(0)
    rank = np.array([0, 1, 1, 3, 4, 5], dtype=np.int64)
    every = sample_pairs(rank, np.arange(6, dtype=np.int64), rng, max_pairs=100)
    assert every.better.size == 15 - 1  # all pairs but the tie
    assert (rank[every.better] < rank[every.worse]).all()
    drawn = sample_pairs(rank, np.arange(6, dtype=np.int64), rng, max_pairs=5)
    assert drawn.better.size <= 5
    assert (rank[drawn.better] < rank[drawn.worse]).all()
