"""Known answers for composite rankings, computed by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renown.talent.composite import (
    RankedCandidate,
    WeightedCriterion,
    competition_ranks,
    compose,
    composite_matrix,
)

# Weights: performance 50, feedback 30, tenure 20 (sum 100); badges 0 (shown, never counted).
CRITERIA = [
    WeightedCriterion("performance", 50),
    WeightedCriterion("feedback", 30),
    WeightedCriterion("tenure", 20),
    WeightedCriterion("badges", 0),
]
# person  performance feedback tenure badges
#   1         80         60      50    100   -> (4000 + 1800 + 1000) / 100 = 68
#   2         60         80      70      0   -> (3000 + 2400 + 1400) / 100 = 68   (tie with 1)
#   3         90          -      40      -   -> reweigh: (4500 + 800) / 70 = 75.714285...
#                                               exclude: not ranked (no feedback)
#   4         40         40     100     50   -> (2000 + 1200 + 2000) / 100 = 52
POINTS: dict[str, dict[int, float | None]] = {
    "performance": {1: 80, 2: 60, 3: 90, 4: 40},
    "feedback": {1: 60, 2: 80, 3: None, 4: 40},
    "tenure": {1: 50, 2: 70, 3: 40, 4: 100},
    "badges": {1: 100, 2: 0, 4: 50},
}
PEOPLE = [4, 2, 3, 1]  # not in id order, so order-by-input cannot pass


def by_person(board: list[RankedCandidate]) -> dict[int, RankedCandidate]:
    return {candidate.person_id: candidate for candidate in board}


def test_reweigh_ranks_ties_and_order() -> None:
    board = compose(PEOPLE, CRITERIA, POINTS)
    assert [c.person_id for c in board] == [3, 1, 2, 4]
    assert [c.rank for c in board] == [1, 2, 2, 4]
    assert [c.composite for c in board] == pytest.approx([5300 / 70, 68, 68, 52])


def test_reweigh_incomplete_candidate_is_flagged_with_shares_over_what_they_have() -> None:
    third = by_person(compose(PEOPLE, CRITERIA, POINTS))[3]
    assert third.missing == ("feedback",)
    assert not third.complete
    assert third.note == "ranked on 2 of 3 criteria: no feedback"
    performance, feedback, tenure, badges = third.contributions
    assert (performance.share, performance.contribution) == pytest.approx((5 / 7, 450 / 7))
    assert (tenure.share, tenure.contribution) == pytest.approx((2 / 7, 80 / 7))
    assert (feedback.share, feedback.points, feedback.contribution) == (None, None, None)
    # badges has weight 0 and is missing: never makes anyone incomplete
    assert (badges.weight, badges.share, badges.points) == (0, None, None)


def test_complete_candidate_contributions_sum_to_composite() -> None:
    first = by_person(compose(PEOPLE, CRITERIA, POINTS))[1]
    assert first.complete and first.missing == () and first.note == ""
    assert [c.key for c in first.contributions] == ["performance", "feedback", "tenure", "badges"]
    assert [c.share for c in first.contributions] == pytest.approx([0.5, 0.3, 0.2, 0.0])
    assert [c.contribution for c in first.contributions] == pytest.approx([40, 18, 10, 0])
    assert first.contributions[3].points == 100  # shown, weight 0
    for candidate in compose(PEOPLE, CRITERIA, POINTS):
        assert candidate.composite is not None
        total = sum(c.contribution for c in candidate.contributions if c.contribution is not None)
        assert total == pytest.approx(candidate.composite)


def test_exclude_policy_drops_incomplete_candidate_with_reason() -> None:
    board = compose(PEOPLE, CRITERIA, POINTS, missing_policy="exclude")
    # 1 and 2 tie at 68 (rank 1), 4 at 52 is third; 3 is listed last, unranked
    assert [(c.person_id, c.rank) for c in board] == [(1, 1), (2, 1), (4, 3), (3, None)]
    third = board[-1]
    assert third.composite is None
    assert third.missing == ("feedback",)
    assert (
        third.note == "not ranked: no feedback (the round excludes candidates missing a criterion)"
    )
    assert all(c.share is None and c.contribution is None for c in third.contributions)
    assert [c.points for c in third.contributions] == [90, None, 40, None]


def test_candidate_with_no_weighted_criterion_is_not_ranked() -> None:
    points = {**POINTS, "badges": {**POINTS["badges"], 5: 30.0}}
    board = compose([*PEOPLE, 5], CRITERIA, points)
    fifth = board[-1]
    assert (fifth.person_id, fifth.rank, fifth.composite) == (5, None, None)
    assert fifth.missing == ("performance", "feedback", "tenure")
    assert fifth.note == "not ranked: none of the weighted criteria (performance, feedback, tenure)"


def test_key_absent_from_points_is_missing_for_everyone() -> None:
    criteria = [*CRITERIA, WeightedCriterion("prominence_internal", 10)]
    board = compose(PEOPLE, criteria, POINTS)
    assert all("prominence_internal" in c.missing for c in board)
    assert [c.person_id for c in board] == [3, 1, 2, 4]  # reweighed: same as without it
    assert compose(PEOPLE, criteria, POINTS, missing_policy="exclude")[0].rank is None


def test_all_weights_zero_ranks_nobody() -> None:
    board = compose([2, 1], [WeightedCriterion("performance", 0)], POINTS)
    assert [(c.person_id, c.rank) for c in board] == [(1, None), (2, None)]
    assert board[0].note == "not ranked: no criterion has a weight above 0"
    assert board[0].complete


def test_floating_point_noise_does_not_split_a_tie() -> None:
    ranks = competition_ranks(np.array([0.3, 0.1 + 0.2, math.nan, 0.4]), np.array([1, 2, 3, 4]))
    assert ranks.tolist() == [2, 2, 0, 1]


def test_composite_matrix_ignores_zero_weight_columns_exactly() -> None:
    points = np.array([[80.0, np.nan, 60.0], [10.0, 20.0, np.nan]])
    with_zero = composite_matrix(points, np.array([30.0, 0.0, 70.0]))
    without = composite_matrix(points[:, [0, 2]], np.array([30.0, 70.0]))
    assert with_zero.tolist() == without.tolist()
    assert with_zero.tolist() == pytest.approx([(2400 + 4200) / 100, 10.0])
    excluded = composite_matrix(points, np.array([30.0, 0.0, 70.0]), missing_policy="exclude")
    assert excluded[0] == pytest.approx(66.0) and math.isnan(excluded[1])


@pytest.mark.parametrize(
    ("criteria", "points", "message"),
    [
        ([WeightedCriterion("a", 1), WeightedCriterion("a", 2)], {}, "given twice"),
        ([WeightedCriterion("a", 1)], {"a": {1: 100.5}}, "within"),
        ([WeightedCriterion("a", 1)], {"a": {1: -0.1}}, "within"),
        ([WeightedCriterion("a", 1)], {"a": {1: math.nan}}, "within"),
    ],
)
def test_bad_input_raises(
    criteria: list[WeightedCriterion], points: dict[str, dict[int, float | None]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compose([1], criteria, points)


@pytest.mark.parametrize("weight", [-1.0, math.inf, math.nan])
def test_weight_must_be_finite_and_non_negative(weight: float) -> None:
    with pytest.raises(ValueError, match="finite number >= 0"):
        WeightedCriterion("a", weight)


def test_repeated_person_or_unknown_policy_raises() -> None:
    with pytest.raises(ValueError, match="repeat"):
        compose([1, 1], CRITERIA, POINTS)
    with pytest.raises(ValueError, match="missing_policy"):
        compose([1], CRITERIA, POINTS, missing_policy="zero")  # type: ignore[arg-type]
