"""The classic (TopCoder-style) rating view."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges.classic_view import classic_ratings
from renown.challenges.ratings.classic import (
    START_RATING,
    classic_history,
    rate_contest,
)
from tests.challenges.conftest import Community


def test_newcomers_spread_symmetrically_around_the_start() -> None:
    history = classic_history([[(1, 1), (2, 2), (3, 3), (4, 4)]])
    after = {member: ratings[-1].rating for member, ratings in history.items()}
    assert after[1] > after[2] > START_RATING > after[3] > after[4]
    assert abs((after[1] - START_RATING) - (START_RATING - after[4])) < 1e-6
    assert all(ratings[-1].volatility < 535 for ratings in history.values())


def test_ties_rate_alike_and_only_contests_with_two_entries_count() -> None:
    history = classic_history([[(1, 1), (2, 1), (3, 2)], [(1, 1)]])
    assert history[1][-1].rating == history[2][-1].rating
    assert len(history[1]) == 1  # the lone entry taught nothing


def test_an_upset_moves_ratings_more_than_the_expected_result() -> None:
    rating = np.array([2000.0, 1200.0])
    volatility = np.array([300.0, 300.0])
    played = np.array([10, 10], dtype=np.int64)
    expected, _ = rate_contest(rating, volatility, played, np.array([1.0, 2.0]))
    upset, _ = rate_contest(rating, volatility, played, np.array([2.0, 1.0]))
    assert abs(upset[1] - 1200) > abs(expected[1] - 1200)
    assert upset[1] > 1200 > expected[1]


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=30))
def test_changes_stay_within_the_cap(ranks: list[int]) -> None:
    n = len(ranks)
    rating = np.linspace(800, 2600, n)
    played = np.zeros(n, dtype=np.int64)
    new, volatility = rate_contest(rating, np.full(n, 535.0), played, np.array(ranks, float))
    assert np.all(np.abs(new - rating) <= 150 + 1500 / 2 + 1e-9)
    assert np.all(np.isfinite(volatility)) and np.all(volatility > 0)


def test_the_classic_view_of_a_demo_like_history(
    db: sessionmaker[Session], community: Community
) -> None:
    from tests.challenges.test_lifecycle import test_a_challenge_runs_from_posting_to_paid_winners

    test_a_challenge_runs_from_posting_to_paid_winners(db, community)
    with db() as session:
        classic = classic_ratings(session, community.org_id)
    m0, m1, m2, _ = community.members
    assert classic[m0.account_id][-1].rating > START_RATING > classic[m2.account_id][-1].rating
    assert classic[m1.account_id][-1].played == 1
