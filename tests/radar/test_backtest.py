"""Backtest rows, labels and censoring, the time split's gap, and rolling-origin folds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from renown.radar.backtest import backtest, time_split, training_rows
from renown.radar.changes import detect_changes
from renown.radar.features import FEATURE_COLUMNS
from renown.radar.snapshots import ProfileSnapshot

T0 = datetime(2022, 1, 1, tzinfo=UTC)


def _at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def _monthly(subject: str, months: int, move_month: int | None = None) -> list[ProfileSnapshot]:
    return [
        ProfileSnapshot(
            subject,
            _at(30 * i),
            company="New" if move_month is not None and i >= move_month else "Old",
            connections=100 + i,
        )
        for i in range(months)
    ]


def _rows(snaps: list[ProfileSnapshot], **kwargs: Any) -> pl.DataFrame:
    return training_rows(snaps, detect_changes(snaps), **kwargs)


def test_labels_censoring_and_recent_movers() -> None:
    snaps = _monthly("stay", 30) + _monthly("mover", 30, move_month=12) + _monthly("gone", 8)
    rows = _rows(snaps, horizon_days=180, step_days=30)
    assert rows.columns[:2] == ["subject", "cutoff"]
    assert set(FEATURE_COLUMNS) <= set(rows.columns)
    assert rows["cutoff"].min() == _at(90)
    assert rows["cutoff"].max() <= _at(30 * 29 - 180)
    # "gone" has no snapshot beyond any horizon: every row is censored and dropped
    assert "gone" not in rows["subject"].to_list()
    assert set(rows.filter(pl.col("subject") == "stay")["moved"].to_list()) == {0}
    mover = rows.filter(pl.col("subject") == "mover")
    move = _at(30 * 12)
    for cutoff, moved in mover.select("cutoff", "moved").iter_rows():
        assert moved == int(move - timedelta(days=180) <= cutoff < move)
        # just moved: no rows in the half-year after the move
        assert not move <= cutoff < move + timedelta(days=180)
    assert mover["moved"].sum() == 6


def test_rows_use_features_as_of_the_cutoff() -> None:
    snaps = _monthly("a", 24)
    rows = _rows(snaps, start=_at(100), end=_at(100))
    assert rows.height == 1
    assert rows["connections"].to_list() == [100 + 3]
    assert rows["snapshots_seen"].to_list() == [4]


def test_empty_inputs_give_typed_empty_rows() -> None:
    empty = training_rows([], [])
    assert empty.height == 0
    assert "moved" in empty.columns
    assert _rows(_monthly("a", 3)).height == 0


def test_time_split_keeps_a_horizon_gap() -> None:
    snaps = [s for i in range(6) for s in _monthly(f"p{i}", 40, move_month=10 + 4 * i)]
    rows = _rows(snaps)
    test_from = _at(600)
    train, test = time_split(rows, test_from)
    assert test["cutoff"].min() >= test_from
    assert (train["cutoff"].max() + timedelta(days=180)) <= test_from
    assert train.height + test.height < rows.height  # the gap is dropped


class _Fake:
    """A model that scores by connections: enough to check the plumbing, no sklearn."""

    def __init__(self) -> None:
        self.fitted = 0

    def fit(self, X: pl.DataFrame, y: npt.NDArray[np.int64]) -> _Fake:
        assert X.columns == list(FEATURE_COLUMNS)
        assert len(y) == X.height
        self.fitted += 1
        return self

    def predict_proba(self, X: pl.DataFrame) -> npt.NDArray[np.float64]:
        assert self.fitted
        score = X["connections"].fill_null(0).to_numpy().astype(np.float64)
        p = (score - score.min() + 1) / (score.max() - score.min() + 2)
        return np.column_stack([1 - p, p])


def test_backtest_folds_train_before_they_test() -> None:
    snaps = [s for i in range(12) for s in _monthly(f"p{i}", 48, move_month=8 + 3 * i)]
    rows = _rows(snaps)
    folds = backtest(rows, _Fake, folds=3)
    assert folds
    for fold in folds:
        assert fold.train_to + timedelta(days=180) <= fold.test_from
        assert fold.test_from <= fold.test_to
        assert fold.n_train > 0
        assert fold.metrics.n == fold.n_test
        assert 0.0 <= fold.metrics.roc_auc <= 1.0
    assert [f.fold for f in folds] == sorted(f.fold for f in folds)


def test_backtest_with_too_few_cutoffs_or_one_class_is_empty() -> None:
    assert backtest(_rows(_monthly("a", 24)), _Fake) == []  # nobody moves
    assert backtest(training_rows([], []), _Fake) == []


def test_a_fold_with_too_few_moves_to_learn_from_is_skipped() -> None:
    snaps = [s for i in range(12) for s in _monthly(f"p{i}", 48, move_month=8 + 3 * i)]
    rows = _rows(snaps)
    fitted: list[int] = []

    class Counting:
        def fit(self, X: pl.DataFrame, y: Any) -> Counting:
            fitted.append(int(np.sum(y)))
            return self

        def predict_proba(self, X: pl.DataFrame) -> Any:
            return np.full((X.height, 2), 0.5)

    every = backtest(rows, Counting, folds=3)
    fitted.clear()
    strict = backtest(rows, Counting, folds=3, min_class=30)
    assert len(strict) < len(every)
    assert all(moves >= 30 for moves in fitted)
