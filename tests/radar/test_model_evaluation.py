"""Held-out metrics, the baselines and the comparisons the CLI and make validate print."""

from __future__ import annotations

import json

import numpy as np
import pytest

from renown.radar import JobChangeModel
from renown.radar.evaluation import (
    BinaryMetrics,
    Comparison,
    Scored,
    baselines,
    binary_metrics,
    cross_validated,
    holdout,
    out_of_fold,
)
from renown.radar.report import calibration_points, calibration_spec, importance_spec, roc_spec
from tests.radar.radar_tables import job_table

FAST = {"bags": 1, "cv": 3, "max_rounds": 200, "learning_rate": 0.1}


def test_binary_metrics_by_hand() -> None:
    y = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.8, 0.7, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    m = binary_metrics(y, p)
    assert m.n == 10 and m.positives == 2
    assert m.precision_top10 == 1.0  # the top row (10 % of 10) is a mover
    assert m.roc_auc == pytest.approx((8 + 7) / 16)
    assert m.brier == pytest.approx(np.mean((p - y) ** 2))
    with pytest.raises(ValueError, match="both classes"):
        binary_metrics(np.zeros(4), np.full(4, 0.5))


def _metrics(roc: float, brier: float) -> BinaryMetrics:
    return BinaryMetrics(roc, 0.5, brier, 0.5, 100, 20)


def test_beats_needs_higher_auc_and_no_worse_brier() -> None:
    rows = (
        Scored("model", _metrics(0.80, 0.10), ()),
        Scored("a", _metrics(0.79, 0.10), ()),
        Scored("b", _metrics(0.79, 0.09), ()),
        Scored("c", _metrics(0.80, 0.12), ()),
    )
    comparison = Comparison("test", rows)
    assert comparison.beats() == {"a": True, "b": False, "c": False}
    assert "ROC-AUC" in comparison.table() and comparison.row("b").metrics.brier == 0.09


def test_comparisons_score_every_candidate_on_the_same_rows() -> None:
    frame, y = job_table(300, seed=21)
    candidates = {"model": JobChangeModel(**FAST, pairs=0), **baselines()}
    cv = cross_validated(candidates, frame, y, folds=3, repeats=1, n_jobs=1)
    assert [row.name for row in cv.rows] == ["model", "logistic regression", "gradient boosting"]
    assert all(len(row.folds) == 3 and row.metrics.n == 300 for row in cv.rows)
    split = holdout(candidates, frame, y, test_size=0.3, n_jobs=1)
    assert all(row.metrics.n == 90 for row in split.rows)
    assert split.setting.startswith("stratified 70/30 split")
    held_out = out_of_fold(JobChangeModel(**FAST, pairs=0), frame, y, folds=3)
    assert held_out.shape == (300,) and np.all((held_out > 0) & (held_out < 1))


def test_chart_specs_are_json_and_deciles_cover_every_row() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(205)
    y = (rng.random(205) < p).astype(int)
    points = calibration_points(y, p)
    assert len(points) == 10 and sum(pt["rows"] for pt in points) == 205
    assert [pt["predicted"] for pt in points] == sorted(pt["predicted"] for pt in points)
    for spec in (roc_spec(y, p), calibration_spec(y, p), importance_spec({"a": 0.3, "b": 0.1})):
        json.dumps(spec, allow_nan=False)
        assert spec["$schema"].endswith("v5.json")
