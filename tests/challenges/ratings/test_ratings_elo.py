"""Multiplayer Elo: the field sums, and the direction and size of its updates."""

from __future__ import annotations

import numpy as np
import pytest

from renown.challenges.ratings.elo import ELO_START, Elo, expected_scores, win_probability
from renown.challenges.ratings.fieldsum import DIRECT_UP_TO, field_sums


def test_expected_scores_match_the_pairs_on_a_large_field() -> None:
    ratings = np.random.default_rng(2).normal(1500, 350, 3 * DIRECT_UP_TO)
    pairs = win_probability(ratings[:, None] - ratings[None, :]).sum(axis=1) - 0.5
    assert np.abs(expected_scores(ratings) - pairs).max() < 1e-3
    assert expected_scores(ratings).sum() == pytest.approx(ratings.size * (ratings.size - 1) / 2)


def test_field_sums_direct_and_gridded_agree() -> None:
    x = np.random.default_rng(4).normal(0, 5, 900)
    kernel = [lambda d: np.tanh(d / 3.0)]
    direct = field_sums(x, kernel, 0.01, direct_up_to=10_000)[0]
    gridded = field_sums(x, kernel, 0.01, direct_up_to=0)[0]
    assert np.abs(direct - gridded).max() < 1e-3


def test_winner_gains_loser_loses_and_points_are_conserved() -> None:
    elo = Elo(4, k=100.0)
    players = np.arange(4, dtype=np.int64)
    elo.rate(players, np.array([0, 1, 1, 3], dtype=np.int64))
    assert elo.rating[1] == pytest.approx(elo.rating[2])
    assert elo.rating[0] > elo.rating[1] > elo.rating[3]
    assert elo.rating.sum() == pytest.approx(4 * ELO_START)
    assert elo.rating[0] - ELO_START == pytest.approx(100.0 * (3 - 1.5) / 3)


def test_the_expected_winner_gains_little() -> None:
    elo = Elo(2, k=100.0)
    elo.rating[:] = [2000.0, 1000.0]
    elo.rate(np.array([0, 1], dtype=np.int64), np.array([0, 1], dtype=np.int64))
    assert 0 < elo.rating[0] - 2000.0 < 1.0


def test_a_single_participant_changes_nothing() -> None:
    elo = Elo(3)
    elo.rate(np.array([1], dtype=np.int64), np.array([0], dtype=np.int64))
    assert elo.rating.tolist() == [ELO_START] * 3
