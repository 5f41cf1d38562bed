"""Recruiter radar on the public benchmarks (make validate, with RENOWN_DATA_HOME).

The job-change model must beat a plain logistic regression and scikit-learn's gradient
boosting (higher ROC-AUC, Brier not worse, same held-out rows) and, on IBM attrition, reach
ROC-AUC above 0.84 with a Brier score of at most 0.094. Same code path as
``renown radar benchmark`` (:mod:`renown.cli.radar_benchmarks`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from renown.cli.radar_benchmarks import (
    CONCORDANCE_FLOOR,
    IBM_AIM_BRIER,
    IBM_AIM_ROC_AUC,
    ibm_comparison,
    ibm_concordance,
    job_change_comparison,
)
from renown.datasets import locate
from renown.datasets.radar_tables import IBM_ATTRITION_FILE, JOB_CHANGE_FILE
from renown.radar.evaluation import Comparison

pytestmark = pytest.mark.realdata


def test_benchmark_files_are_present_and_verified(data_home: Path) -> None:
    for key in (JOB_CHANGE_FILE, IBM_ATTRITION_FILE):
        assert locate(key, data_home=data_home) is not None, f"{key} missing from {data_home}"


@pytest.fixture(scope="module")
def ibm(data_home: Path) -> Comparison:
    return ibm_comparison(data_home)


@pytest.fixture(scope="module")
def job_change(data_home: Path) -> Comparison:
    return job_change_comparison(data_home)


def _show(capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Print into make validate's log even under ``-q`` (the issue asks for the tables)."""
    with capsys.disabled():
        print(f"\n{text}")


def test_ibm_attrition_beats_the_baselines_and_meets_the_aims(
    ibm: Comparison, capsys: pytest.CaptureFixture[str]
) -> None:
    _show(capsys, ibm.table())
    assert ibm.beats() == {"logistic regression": True, "gradient boosting": True}, ibm.table()
    model = ibm.model.metrics
    assert model.roc_auc > IBM_AIM_ROC_AUC, ibm.table()
    assert model.brier <= IBM_AIM_BRIER, ibm.table()
    assert model.n == 2 * 1470 and model.positives == 2 * 237


def test_job_change_beats_both_baselines(
    job_change: Comparison, capsys: pytest.CaptureFixture[str]
) -> None:
    _show(capsys, job_change.table())
    # Against the logistic regression a thin win in ROC-AUC (0.796154 vs 0.795919, 10 bags;
    # it was a tie, 0.795910, with 3), with PR-AUC, Brier and top-10% precision clearly better.
    assert job_change.beats() == {"logistic regression": True, "gradient boosting": True}, (
        job_change.table()
    )
    assert job_change.model.metrics.n == 4016


def test_ibm_time_to_move_concordance(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    concordance = ibm_concordance(data_home)
    _show(capsys, f"IBM attrition time to move: cross-validated concordance {concordance:.4f}")
    assert concordance > CONCORDANCE_FLOOR
