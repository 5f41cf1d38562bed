"""The vectorised Weng-Lin updates against openskill, ties, and a player who improves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openskill.models import BradleyTerryPart, PlackettLuce

from renown.challenges.ratings import weng_lin
from renown.challenges.ratings.model import Ratings, display_rating
from renown.challenges.ratings.weng_lin import (
    WengLinParams,
    bradley_terry_full,
    bradley_terry_part,
    plackett_luce,
)

TOLERANCE = 1e-9


@st.composite
def contests(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """A small contest with ties: beliefs, ranks (few distinct values), beta and tau."""
    n = draw(st.integers(2, 12))
    mu = draw(st.lists(st.floats(-10, 60), min_size=n, max_size=n))
    sigma = draw(st.lists(st.floats(0.3, 10), min_size=n, max_size=n))
    rank = draw(st.lists(st.integers(0, max(1, n // 2)), min_size=n, max_size=n))
    beta = draw(st.floats(0.5, 10))
    tau = draw(st.floats(0.001, 2))
    return np.array(mu), np.array(sigma), np.array(rank, dtype=np.int64), beta, tau


def _openskill(model: object, mu: np.ndarray, sigma: np.ndarray, rank: np.ndarray) -> np.ndarray:
    teams = [[model.rating(mu=float(m), sigma=float(s))] for m, s in zip(mu, sigma, strict=True)]  # type: ignore[attr-defined]
    rated = model.rate(teams, ranks=[int(r) for r in rank])  # type: ignore[attr-defined]
    return np.array([[team[0].mu, team[0].sigma] for team in rated])


@settings(deadline=None, max_examples=150)
@given(contests())
def test_plackett_luce_agrees_with_openskill(contest: tuple) -> None:  # type: ignore[type-arg]
    mu, sigma, rank, beta, tau = contest
    expected = _openskill(PlackettLuce(beta=beta, tau=tau), mu, sigma, rank)
    params = WengLinParams(variant="plackett-luce", beta=beta, tau=tau)
    new_mu, new_sigma = plackett_luce(mu, sigma, rank, params)
    np.testing.assert_allclose(new_mu, expected[:, 0], rtol=TOLERANCE, atol=TOLERANCE)
    np.testing.assert_allclose(new_sigma, expected[:, 1], rtol=TOLERANCE, atol=TOLERANCE)


@settings(deadline=None, max_examples=100)
@given(contests(), st.integers(1, 5))
def test_bradley_terry_part_agrees_with_openskill(contest: tuple, window: int) -> None:  # type: ignore[type-arg]
    mu, sigma, rank, beta, tau = contest
    expected = _openskill(BradleyTerryPart(beta=beta, tau=tau, window_size=window), mu, sigma, rank)
    params = WengLinParams(variant="bradley-terry-part", beta=beta, tau=tau, window=window)
    new_mu, new_sigma = bradley_terry_part(mu, sigma, rank, params)
    np.testing.assert_allclose(new_mu, expected[:, 0], rtol=TOLERANCE, atol=TOLERANCE)
    np.testing.assert_allclose(new_sigma, expected[:, 1], rtol=TOLERANCE, atol=TOLERANCE)


@settings(deadline=None, max_examples=100)
@given(contests())
def test_bradley_terry_full_is_openskill_with_a_window_covering_the_field(contest: tuple) -> None:  # type: ignore[type-arg]
    mu, sigma, rank, beta, tau = contest
    model = BradleyTerryPart(beta=beta, tau=tau, window_size=mu.size)
    expected = _openskill(model, mu, sigma, rank)
    params = WengLinParams(variant="bradley-terry-full", beta=beta, tau=tau, games=1.0)
    new_mu, new_sigma = bradley_terry_full(mu, sigma, rank, params)
    np.testing.assert_allclose(new_mu, expected[:, 0], rtol=TOLERANCE, atol=TOLERANCE)
    np.testing.assert_allclose(new_sigma, expected[:, 1], rtol=TOLERANCE, atol=TOLERANCE)


def test_large_fields_use_the_convolution_and_match_the_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With equal uncertainties every pair has the same c, so the FFT path is exact up to
    its grid: it must match the pair-by-pair sums closely."""
    rng = np.random.default_rng(5)
    n = weng_lin.DIRECT_UP_TO * 3
    mu, sigma = rng.normal(25, 6, n), np.full(n, 3.0)
    rank = rng.permutation(n).astype(np.int64) // 2  # ties in pairs
    params = WengLinParams(variant="bradley-terry-full", games=4.0)
    fast = bradley_terry_full(mu, sigma, rank, params)
    monkeypatch.setattr(weng_lin, "DIRECT_UP_TO", 10 * n)
    exact = bradley_terry_full(mu, sigma, rank, params)
    assert np.abs(fast[0] - exact[0]).max() < 1e-5
    assert np.abs(fast[1] - exact[1]).max() < 1e-5


@pytest.mark.parametrize("variant", ["plackett-luce", "bradley-terry-full"])
def test_tied_players_with_equal_beliefs_move_together(variant: str) -> None:
    params = WengLinParams(variant=variant)  # type: ignore[arg-type]
    mu, sigma = np.full(4, 25.0), np.full(4, 25.0 / 3.0)
    new_mu, new_sigma = weng_lin.update(mu, sigma, np.array([0, 1, 1, 3]), params)
    assert new_mu[1] == pytest.approx(new_mu[2]) and new_sigma[1] == pytest.approx(new_sigma[2])
    assert new_mu[0] > new_mu[1] > new_mu[3]


@pytest.mark.parametrize("variant", ["plackett-luce", "bradley-terry-full"])
def test_a_player_who_improves_climbs(variant: str) -> None:
    """Ten players; player 0 places last for 20 contests, then first for 60: tau keeps
    sigma from freezing, so they climb from the bottom to the top."""
    params = WengLinParams(variant=variant, tau=0.5)  # type: ignore[arg-type]
    ratings = Ratings(10, params)
    players = np.arange(10, dtype=np.int64)
    for contest in range(80):
        rank = np.arange(10, dtype=np.int64)  # player k places k-th ...
        rank[0] = 10 if contest < 20 else -1  # ... except player 0
        ratings.rate(players, rank)
        if contest == 19:
            assert int(np.argmin(ratings.mu)) == 0
    assert int(np.argmax(ratings.mu)) == 0
    assert ratings.contests.tolist() == [80] * 10


def test_display_rating_is_conservative_and_starts_at_the_base() -> None:
    assert display_rating(np.array([25.0]), np.array([25.0 / 3.0]))[0] == pytest.approx(1000.0)
    # same mean, less uncertainty: shown higher
    shown = display_rating(np.array([30.0, 30.0]), np.array([2.0, 6.0]))
    assert shown[0] > shown[1]
