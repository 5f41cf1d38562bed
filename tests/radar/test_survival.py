"""TimeToMoveModel: Cox fit recovers the direction of effects, curves are proper, JSON."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from renown.radar.survival import TimeToMoveModel, harrell_c


def _table(n: int = 600, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pay = rng.normal(0.0, 1.0, n)
    team = rng.choice(["a", "b", "c"], n)
    hazard = 0.1 * np.exp(-0.8 * pay + 0.7 * (team == "c"))
    moved_at = rng.exponential(1.0 / hazard)
    censored_at = rng.uniform(0.0, 20.0, n)
    durations = np.round(np.minimum(moved_at, censored_at), 1)  # rounding makes ties
    events = moved_at <= censored_at
    frame = pl.DataFrame({"pay": pay, "team": team.tolist()})
    return frame, durations, events


def test_fit_finds_the_effects_and_ranks_new_rows() -> None:
    frame, durations, events = _table()
    model = TimeToMoveModel(alpha=0.1).fit(frame, durations, events)
    fresh, fresh_durations, fresh_events = _table(seed=1)
    assert model.concordance(fresh, fresh_durations, fresh_events) > 0.65
    low_pay = pl.DataFrame({"pay": [-1.0, 1.0], "team": ["a", "a"]})
    risk = model.risk_score(low_pay)
    assert risk[0] > risk[1]


def test_survival_curves_fall_and_horizons_agree() -> None:
    frame, durations, events = _table()
    model = TimeToMoveModel().fit(frame, durations, events)
    times = np.array([0.0, 1.0, 5.0, 10.0, 30.0])
    survival = model.predict_survival(frame[:20], times)
    assert survival.shape == (20, 5)
    assert np.all(np.diff(survival, axis=1) <= 1e-12)
    assert np.all((survival > 0.0) & (survival <= 1.0))
    assert np.allclose(model.probability_of_move_within(frame[:20], 5.0), 1.0 - survival[:, 2])
    median = model.median_time_to_move(frame[:20])
    assert np.isfinite(median).any()
    for row, when in enumerate(median):
        if np.isfinite(when):
            assert model.predict_survival(frame[row : row + 1], [when])[0, 0] <= 0.5


def test_save_load_round_trip_and_refusals(tmp_path: Path) -> None:
    frame, durations, events = _table(200)
    model = TimeToMoveModel().fit(frame, durations, events)
    path = tmp_path / "survival.json"
    model.save(path)
    loaded = TimeToMoveModel.load(path)
    assert np.array_equal(
        loaded.predict_survival(frame, [3.0]), model.predict_survival(frame, [3.0])
    )
    data = model.to_dict()
    with pytest.raises(ValueError, match="version 9 is not supported"):
        TimeToMoveModel.from_dict({**data, "version": 9})
    with pytest.raises(ValueError, match="damaged or altered"):
        TimeToMoveModel.from_dict({**data, "coef": data["coef"][:-1]})


def test_bad_inputs_are_refused() -> None:
    frame, durations, events = _table(50)
    with pytest.raises(ValueError, match="some moves"):
        TimeToMoveModel().fit(frame, durations, np.zeros(50, dtype=bool))
    with pytest.raises(ValueError, match="finite and not negative"):
        TimeToMoveModel().fit(frame, -durations, events)


def test_harrell_c_by_hand() -> None:
    # Pairs (earlier mover first): (0,1) concordant, (0,2) concordant, (1,2) discordant.
    assert harrell_c([3.0, 1.0, 2.0], [1.0, 2.0, 3.0], [True, True, False]) == pytest.approx(2 / 3)
    assert harrell_c([1.0, 1.0], [1.0, 2.0], [True, False]) == 0.5
