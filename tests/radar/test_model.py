"""JobChangeModel: exact explanations, calibration plumbing, JSON round trips, sklearn use."""

from __future__ import annotations

import functools
import json
import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from renown.radar import JobChangeModel
from renown.radar.additive import (
    BoostingParams,
    _fit_bags,
    booster_input,
    integer_codes,
    tabulate,
)
from renown.radar.model import ModelFileError, Reason
from renown.radar.tabular import learn_encoding
from tests.radar.radar_tables import job_table

FAST = {"bags": 1, "cv": 3, "max_rounds": 300, "learning_rate": 0.1}


@functools.cache
def fitted() -> tuple[JobChangeModel, pl.DataFrame, np.ndarray]:
    frame, y = job_table(500, seed=1)
    return JobChangeModel(**FAST, pairs=3).fit(frame, y), frame, y


def test_tables_reproduce_the_boosted_bags_exactly() -> None:
    frame, y = job_table(400, seed=2)
    encoding = learn_encoding(frame)
    codes = encoding.codes(frame)
    params = BoostingParams(learning_rate=0.1, max_rounds=200)
    pairs = [(0, 2), (1, 3)]
    constraints = [[j] for j in range(codes.shape[1])] + [list(p) for p in pairs]
    bags = _fit_bags(encoding, codes, y, params, constraints, 0, bags=2)
    tables = tabulate(encoding, bags, codes, pairs=pairs)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, c.n_codes, 300) for c in encoding.columns]).astype(
        np.float64
    )
    for j, column in enumerate(encoding.columns):
        rows[rows[:, j] == column.n_codes - 1, j] = np.nan  # the missing code
    expected = np.mean([b.decision_function(booster_input(encoding, rows)) for b in bags], axis=0)
    got = tables.decision(integer_codes(encoding, rows))
    assert np.max(np.abs(got - expected)) < 1e-9


def test_contributions_sum_to_the_calibrated_logit() -> None:
    model, frame, _ = fitted()
    contributions = model.contributions(frame)
    assert "intercept" in contributions.columns
    assert "constant" not in contributions.columns
    logit = model.decision_function(frame)
    assert np.allclose(contributions.sum_horizontal().to_numpy(), logit, atol=1e-12)
    proba = model.predict_proba(frame)
    assert proba.shape == (frame.height, 2)
    assert np.allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-logit)))
    assert np.allclose(proba.sum(axis=1), 1.0)


row_values = st.fixed_dictionaries(
    {
        "tenure": st.one_of(st.none(), st.floats(-5, 100).map(lambda v: f"{v:.3f}")),
        "salary": st.one_of(st.none(), st.floats(-1e6, 1e6).map(lambda v: f"{v:.1f}")),
        "overtime": st.one_of(st.none(), st.sampled_from(["Yes", "No", "Maybe"])),
        "city": st.one_of(st.none(), st.sampled_from(["north", "east", "tiny", "atlantis"])),
        "level": st.sampled_from(["1", "2", "3", "4", "9"]),
        "constant": st.just("1"),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(row_values, min_size=1, max_size=8))
def test_any_rows_add_up_even_unseen_levels_and_missing(rows: list[dict[str, str | None]]) -> None:
    model, _, _ = fitted()
    frame = pl.DataFrame(rows, schema={name: pl.String for name in rows[0]})
    total = model.contributions(frame).sum_horizontal().to_numpy()
    logit = model.decision_function(frame)
    assert np.all(np.isfinite(logit))
    assert np.allclose(total, logit, atol=1e-10)


def test_reasons_name_the_value_and_the_direction() -> None:
    model, frame, _ = fitted()
    reasons = model.reasons(frame[:5], top=2)
    assert len(reasons) == 5
    for row in reasons:
        assert len(row) == 2
        assert abs(row[0].contribution) >= abs(row[1].contribution)
        for reason in row:
            assert isinstance(reason, Reason)
            verb = "raises the odds ×" if reason.contribution > 0 else "lowers the odds ÷"
            assert reason.text.startswith(f"{reason.feature} is {reason.value}: {verb}")
            factor = float(reason.text.rsplit("×" if reason.contribution > 0 else "÷", 1)[1])
            assert math.isclose(factor, math.exp(abs(reason.contribution)), rel_tol=0.06)
    missing = model.reasons(
        pl.DataFrame({name: [None] for name in frame.columns}, schema=frame.schema), top=6
    )
    assert any(reason.value == "missing" for reason in missing[0])


def test_save_and_load_give_identical_probabilities(tmp_path: Path) -> None:
    model, frame, _ = fitted()
    path = tmp_path / "model.json"
    model.save(path)
    loaded = JobChangeModel.load(path)
    assert np.array_equal(loaded.predict_proba(frame), model.predict_proba(frame))
    assert loaded.get_params() == model.get_params()
    assert list(loaded.feature_names_in_) == list(frame.columns)
    assert loaded.reasons(frame[:3]) == model.reasons(frame[:3])
    assert json.loads(path.read_text())["version"] == 1


def test_wrong_version_and_tampered_files_are_refused(tmp_path: Path) -> None:
    model, _, _ = fitted()
    data = model.to_dict()
    with pytest.raises(ModelFileError, match="version 2 is not supported"):
        JobChangeModel.from_dict({**data, "version": 2})
    with pytest.raises(ModelFileError, match="not a saved job-change model"):
        JobChangeModel.from_dict({**data, "format": "something else"})
    short = {**data, "main": [table[:-1] for table in data["main"]]}
    with pytest.raises(ModelFileError, match="do not match the encoding"):
        JobChangeModel.from_dict(short)
    with pytest.raises(ModelFileError, match="damaged or altered"):
        JobChangeModel.from_dict({**data, "calibration": ["a", "b"]})
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ModelFileError, match="not a JSON model file"):
        JobChangeModel.load(path)


def test_single_class_labels_are_refused() -> None:
    frame, y = job_table(100)
    with pytest.raises(ValueError, match="1 class"):
        JobChangeModel(**FAST).fit(frame, np.zeros_like(y))


def test_all_missing_and_constant_columns_are_dropped_with_a_note() -> None:
    frame, y = job_table(300, seed=3)
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("empty"))
    model = JobChangeModel(**FAST).fit(frame, y)
    assert "empty" not in model.encoding_.names
    assert any(note.startswith("empty:") for note in model.notes_)
    assert any(note.startswith("constant:") for note in model.notes_)
    # Prediction still needs no value for the dropped columns.
    assert model.predict_proba(frame.drop("empty", "constant")).shape == (300, 2)


def test_missing_column_at_predict_is_named() -> None:
    model, frame, _ = fitted()
    with pytest.raises(ValueError, match="salary"):
        model.predict_proba(frame.drop("salary"))


def test_forced_categorical_and_bool_labels() -> None:
    frame, y = job_table(300, seed=4)
    model = JobChangeModel(**FAST, categorical=["level"]).fit(frame, y.astype(bool))
    assert model.encoding_.columns[model.encoding_.names.index("level")].kind == "categorical"
    assert model.predict(frame).dtype == np.bool_
    assert list(model.classes_) == [False, True]


def test_sklearn_clone_params_and_cross_val_score() -> None:
    model = JobChangeModel(**FAST)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    twin.set_params(pairs=0, bags=2)
    assert twin.get_params()["pairs"] == 0
    frame, y = job_table(300, seed=5)
    scores = cross_val_score(JobChangeModel(**FAST, pairs=0), frame, y, cv=3, scoring="roc_auc")
    assert scores.shape == (3,)
    assert np.all(scores > 0.6)


def test_numpy_input_uses_positional_names() -> None:
    frame, y = job_table(300, seed=6)
    array = frame.to_numpy()
    model = JobChangeModel(**FAST, pairs=0).fit(array, y)
    assert list(model.feature_names_in_) == [f"x{j}" for j in range(frame.width)]
    assert model.predict_proba(array).shape == (300, 2)


def test_calibrated_probabilities_match_the_rate_on_fresh_rows() -> None:
    model, _, _ = fitted()
    fresh, y = job_table(3000, seed=9)
    p = model.predict_proba(fresh)[:, 1]
    assert abs(p.mean() - y.mean()) < 0.05


def test_pandas_input_gives_the_same_probabilities() -> None:
    pd = pytest.importorskip("pandas")
    model, frame, _ = fitted()
    as_pandas = pd.DataFrame({name: frame[name].to_list() for name in frame.columns})
    assert np.array_equal(model.predict_proba(as_pandas), model.predict_proba(frame))


def test_sklearn_estimator_checks() -> None:
    """Every check passes but a 2-D y of one column, which the model refuses rather than
    flattening with a warning (a table's label is one column)."""
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        # The checks feed deliberately odd inputs (complex, object) that warn on the way.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        results = check_estimator(
            JobChangeModel(bags=1, cv=3, max_rounds=50, learning_rate=0.1), on_fail=None
        )
    failed = {r["check_name"] for r in results if r["status"] == "failed"}
    assert failed <= {"check_supervised_y_2d"}, failed


def test_a_feature_seen_on_two_rows_fits_whatever_the_splits() -> None:
    # Two rows of four hundred hold a value: some cross-fitting folds, and the boosters' own
    # early-stopping splits, see none. scikit-learn's binning refuses an all-missing column
    # ("window shape cannot be larger than input array shape"); the model must fit anyway.
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    rare = np.full(n, np.nan)
    rare[:2] = [1.0, 2.0]
    frame = pl.DataFrame({"signal": signal, "rare": rare})
    y = (signal + rng.normal(scale=0.5, size=n) > 0).astype(int)
    model = JobChangeModel(bags=1, pairs=0, max_rounds=50, cv=5).fit(frame, y)
    probability = model.predict_proba(frame)[:, 1]
    assert np.all((probability > 0) & (probability < 1))
