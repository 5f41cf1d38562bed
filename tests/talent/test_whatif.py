"""What-if sweeps: a hand-computed crossing, ties at the cut, and properties against compose."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renown.talent.composite import TIE_DECIMALS, WeightedCriterion, compose
from renown.talent.whatif import chart_rows, sweep

A, B, C, D, E = 1, 2, 3, 4, 5
KEY = "prominence_internal"
# performance weighs 50; prominence weighs w. Composite = (50 p + w q) / (50 + w).
#   A: p 90, q 90 -> 90 at every w
#   B: p 80, q 20 -> (4000 + 20 w) / (50 + w)
#   C: p 70, q 38 -> (3500 + 38 w) / (50 + w); above B iff 18 w > 500, i.e. w > 27.8
#   D: p 50, q 10 -> (2500 + 10 w) / (50 + w), always last of the scored-on-both
#   E: p 45, no prominence -> reweighed to 45 at every w; ties B at w = 70 (5400/120 = 45)
# w =  0: A 90, B 80,    C 70,    E 45, D 50    -> top 2 {A, B}
# w = 25: A 90, B 60,    C 59.33, D 36.67       -> top 2 {A, B}
# w = 30: A 90, C 58,    B 57.5,  E 45, D 35    -> top 2 {A, C}: C replaced B
# w = 37 (configured, not on the grid): B 4740/87 = 54.48, C 4906/87 = 56.39 -> C in, B out
# w = 70: B 45 ties E 45 for rank 3
PEOPLE = [E, C, A, D, B]
CRITERIA = [WeightedCriterion("performance", 50), WeightedCriterion(KEY, 37)]
POINTS: dict[str, dict[int, float | None]] = {
    "performance": {A: 90, B: 80, C: 70, D: 50, E: 45},
    KEY: {A: 90, B: 20, C: 38, D: 10, E: None},
}


def test_crossing_happens_between_25_and_30() -> None:
    result = sweep(PEOPLE, CRITERIA, POINTS, top_n=2)
    assert [step.weight for step in result.steps] == [5.0 * i for i in range(21)]
    assert result.configured_weight == 37
    for step, change in zip(result.steps, result.versus_zero, strict=True):
        assert change.weight == step.weight
        if step.weight < 30:
            assert step.top == (A, B)
            assert (change.entered, change.left) == ((), ())
        else:
            assert step.top == (A, C)
            assert (change.entered, change.left) == ((C,), (B,))


def test_ranks_and_composites_at_known_steps() -> None:
    steps = {step.weight: step for step in sweep(PEOPLE, CRITERIA, POINTS, top_n=2).steps}
    assert steps[0.0].ranks == {A: 1, B: 2, C: 3, D: 4, E: 5}
    assert steps[30.0].ranks == {A: 1, C: 2, B: 3, E: 4, D: 5}
    assert steps[30.0].composites == pytest.approx({A: 90, B: 57.5, C: 58, D: 35, E: 45})
    assert steps[70.0].ranks == {A: 1, C: 2, B: 3, E: 3, D: 5}
    assert steps[100.0].ranks == {A: 1, C: 2, E: 3, B: 4, D: 5}


def test_versus_configured_is_computed_at_the_configured_weight() -> None:
    result = sweep(PEOPLE, CRITERIA, POINTS, top_n=2)
    change = result.versus_configured
    assert (change.weight, change.entered, change.left) == (37, (C,), (B,))
    below = [WeightedCriterion("performance", 50), WeightedCriterion(KEY, 20)]
    quiet = sweep(PEOPLE, below, POINTS, top_n=2).versus_configured
    assert (quiet.weight, quiet.entered, quiet.left) == (20, (), ())


def test_ever_in_top_and_chart_rows() -> None:
    result = sweep(PEOPLE, CRITERIA, POINTS, top_n=2)
    assert result.ever_in_top == (A, B, C)  # by rank at weight 0
    rows = chart_rows(result, {A: "Ada", B: "Ben"})
    assert len(rows) == 21 * 3
    assert rows[:3] == [
        {"weight": 0.0, "person_id": A, "name": "Ada", "rank": 1, "in_top": True},
        {"weight": 0.0, "person_id": B, "name": "Ben", "rank": 2, "in_top": True},
        {"weight": 0.0, "person_id": C, "name": "person 3", "rank": 3, "in_top": False},
    ]
    at_30 = [row for row in rows if row["weight"] == 30.0]
    assert [(row["person_id"], row["rank"], row["in_top"]) for row in at_30] == [
        (A, 1, True),
        (B, 3, False),
        (C, 2, True),
    ]


def test_a_tie_straddling_the_cut_widens_the_top() -> None:
    points: dict[str, dict[int, float | None]] = {"performance": {1: 90, 2: 70, 3: 70, 4: 10}}
    result = sweep([4, 3, 2, 1], [WeightedCriterion("performance", 10)], points, top_n=2)
    # the key is not a criterion: configured weight 0, and nobody has it, so nothing moves
    assert result.configured_weight == 0
    assert all(step.top == (1, 2, 3) for step in result.steps)
    assert result.ever_in_top == (1, 2, 3)


def test_exclude_policy_drops_people_without_the_key_once_it_weighs() -> None:
    result = sweep(PEOPLE, CRITERIA, POINTS, top_n=2, missing_policy="exclude")
    assert result.steps[0].ranks[E] == 5
    assert all(step.ranks[E] is None and step.composites[E] is None for step in result.steps[1:])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"top_n": 0}, "top_n"),
        ({"top_n": 2, "steps": 1}, "steps"),
        ({"top_n": 2, "max_weight": 0}, "max_weight"),
    ],
)
def test_bad_sweep_options_raise(options: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweep(PEOPLE, CRITERIA, POINTS, **options)  # type: ignore[arg-type]


Board = tuple[list[int], list[WeightedCriterion], dict[str, dict[int, float | None]], str]
"""People, criteria, points and missing policy of a generated board."""

POINT_VALUES = st.one_of(
    st.none(), st.sampled_from([0.0, 12.5, 33.3, 50.0, 70.0, 100.0]), st.floats(0, 100)
)


@st.composite
def boards(
    draw: st.DrawFn,
) -> Board:
    people = draw(st.lists(st.integers(1, 60), min_size=1, max_size=9, unique=True))
    keys = draw(
        st.lists(st.sampled_from(["a", "b", "c", KEY]), min_size=1, max_size=4, unique=True)
    )
    weights = draw(
        st.lists(st.sampled_from([0.0, 10.0, 25.0, 50.0]), min_size=len(keys), max_size=len(keys))
    )
    criteria = [WeightedCriterion(key, weight) for key, weight in zip(keys, weights, strict=True)]
    points = {key: {person: draw(POINT_VALUES) for person in people} for key in [*keys, KEY]}
    policy = draw(st.sampled_from(["reweigh", "exclude"]))
    return people, criteria, points, policy


@settings(max_examples=80, deadline=None)
@given(boards(), st.integers(1, 4))
def test_weight_zero_equals_the_board_without_the_key(
    board: Board,
    top_n: int,
) -> None:
    people, criteria, points, policy = board
    result = sweep(people, criteria, points, top_n=top_n, steps=5, missing_policy=policy)  # type: ignore[arg-type]
    without = [c for c in criteria if c.key != KEY]
    expected = compose(people, without, points, missing_policy=policy)  # type: ignore[arg-type]
    assert result.steps[0].ranks == {c.person_id: c.rank for c in expected}
    assert result.steps[0].composites == {c.person_id: c.composite for c in expected}


@settings(max_examples=80, deadline=None)
@given(boards(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_ranks_order_composites_and_ignore_input_order(
    board: Board,
    top_n: int,
    shuffler: random.Random,
) -> None:
    people, criteria, points, policy = board
    result = sweep(people, criteria, points, top_n=top_n, steps=5, missing_policy=policy)  # type: ignore[arg-type]
    shuffled = list(people)
    shuffler.shuffle(shuffled)
    again = sweep(shuffled, criteria, points, top_n=top_n, steps=5, missing_policy=policy)  # type: ignore[arg-type]
    for step, other in zip(result.steps, again.steps, strict=True):
        assert step.ranks == other.ranks and step.top == other.top
        scored = {p: round(v, TIE_DECIMALS) for p, v in step.composites.items() if v is not None}
        for person, value in scored.items():
            better = sum(1 for v in scored.values() if v > value)
            assert step.ranks[person] == 1 + better
        assert all(step.ranks[p] is None for p in people if p not in scored)
        assert set(step.top) == {p for p, r in step.ranks.items() if r is not None and r <= top_n}
        weights = [
            WeightedCriterion(c.key, step.weight if c.key == KEY else c.weight) for c in criteria
        ]
        if KEY not in {c.key for c in criteria}:
            weights.append(WeightedCriterion(KEY, step.weight))
        board_now = compose(people, weights, points, missing_policy=policy)  # type: ignore[arg-type]
        assert step.ranks == {c.person_id: c.rank for c in board_now}


def test_large_pool_sweep_has_one_entry_per_candidate_and_step() -> None:
    rng = np.random.default_rng(5)
    people = list(range(1, 1001))
    points: dict[str, dict[int, float | None]] = {
        key: {p: float(v) for p, v in zip(people, rng.uniform(0, 100, 1000), strict=True)}
        for key in ("performance", "feedback", KEY)
    }
    criteria = [WeightedCriterion("performance", 40), WeightedCriterion("feedback", 30)]
    result = sweep(people, criteria, points, top_n=10)
    assert len(result.steps) == 21
    assert all(len(step.ranks) == 1000 and len(step.top) >= 10 for step in result.steps)
