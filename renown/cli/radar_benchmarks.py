"""The recruiter radar's public benchmarks, as ``make validate`` prints and checks them.

* **IBM attrition** (fictional, 1,470 employees): repeated stratified 5-fold cross-validation
  (×2, seed 0) of the job-change model against a plain logistic regression and scikit-learn's
  gradient boosting with its defaults; and the time-to-move model's cross-validated
  concordance with duration ``YearsAtCompany`` and event ``Attrition``.
* **Job change** (13,386 labelled enrollees): one seeded stratified 70/30 split of the
  labelled file (the other published files have no labels).

"Beats" means a higher ROC-AUC and a Brier score not worse than each baseline on the same
held-out rows. The loaders live in :mod:`renown.datasets.radar_tables`; this module sits in
the interface layer because it joins data sets and the radar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from renown.datasets.radar_tables import LabelledTable, load_ibm_attrition, load_job_change
from renown.radar.evaluation import Comparison, baselines, cross_validated, holdout
from renown.radar.model import JobChangeModel
from renown.radar.survival import cross_validated_concordance
from renown.radar.tabular import Table, parse_labels, parse_table

IBM_AIM_ROC_AUC: Final = 0.84
IBM_AIM_BRIER: Final = 0.094
CONCORDANCE_FLOOR: Final = 0.8
"""Held-out Harrell's C the time-to-move model must exceed on IBM attrition (measured 0.86
without the tenure-derived columns)."""

TENURE_COLUMNS: Final = (
    "YearsAtCompany",
    "YearsInCurrentRole",
    "YearsSinceLastPromotion",
    "YearsWithCurrManager",
    "TotalWorkingYears",
)
"""IBM columns that are the duration or bounded by it (years in role ≤ years at the company,
total working years ≥ it): left out of the time-to-move model, whose time they would leak."""


def _table(data: LabelledTable) -> tuple[Table, pl.DataFrame]:
    table = parse_table(data.text, source=data.source)
    return table, table.frame.drop(data.id_column, data.label)


def ibm_comparison(data_home: Path, *, n_jobs: int = 2) -> Comparison:
    """The job-change model and the baselines on IBM attrition, repeated 5-fold ×2."""
    data = load_ibm_attrition(data_home=data_home)
    table, X = _table(data)
    y = parse_labels(table, data.label, data.positive)
    candidates = {"job-change model": JobChangeModel(), **baselines()}
    comparison = cross_validated(candidates, X, y, folds=5, repeats=2, seed=0, n_jobs=n_jobs)
    return Comparison(f"IBM attrition: {comparison.setting}", comparison.rows)


def job_change_comparison(data_home: Path, *, n_jobs: int = 2) -> Comparison:
    """The job-change model and the baselines on the job-change table, 70/30 seed 0."""
    data = load_job_change(data_home=data_home)
    table, X = _table(data)
    y = parse_labels(table, data.label, data.positive)
    candidates = {"job-change model": JobChangeModel(), **baselines()}
    comparison = holdout(candidates, X, y, test_size=0.3, seed=0, n_jobs=n_jobs)
    return Comparison(f"Job change: {comparison.setting}", comparison.rows)


def ibm_concordance(data_home: Path) -> float:
    """Cross-validated Harrell's C of the time-to-move model on IBM attrition."""
    data = load_ibm_attrition(data_home=data_home)
    table, X = _table(data)
    events = parse_labels(table, data.label, data.positive)
    durations = X.get_column("YearsAtCompany").cast(pl.Float64).to_numpy()
    return cross_validated_concordance(X.drop(TENURE_COLUMNS), durations, events)


@dataclass(frozen=True)
class BenchmarkResults:
    """Every benchmark's figures and whether the radar met its bar."""

    ibm: Comparison
    job_change: Comparison
    concordance: float

    @property
    def ibm_passed(self) -> bool:
        """Beats both baselines and meets the aims."""
        model = self.ibm.model.metrics
        return (
            all(self.ibm.beats().values())
            and model.roc_auc > IBM_AIM_ROC_AUC
            and model.brier <= IBM_AIM_BRIER
        )

    @property
    def job_change_passed(self) -> bool:
        """Beats both baselines (measured 0.7962 against the logistic regression's 0.7959: a
        margin of 0.0002, far inside the split's noise, so a thin win, not a clear one)."""
        return all(self.job_change.beats().values())

    @property
    def passed(self) -> bool:
        return self.ibm_passed and self.job_change_passed and self.concordance > CONCORDANCE_FLOOR

    def lines(self) -> list[str]:
        """The printed report."""
        out: list[str] = []
        for comparison, passed in (
            (self.ibm, self.ibm_passed),
            (self.job_change, self.job_change_passed),
        ):
            out.append(comparison.table())
            for name, won in comparison.beats().items():
                out.append(f"  {'beats' if won else 'does NOT beat'} {name}")
            out.append(f"  {'PASS' if passed else 'FAIL'}")
            out.append("")
        out.append(
            "IBM attrition time to move (Cox, duration YearsAtCompany, tenure columns left out): "
            f"cross-validated concordance {self.concordance:.4f} "
            f"({'PASS' if self.concordance > CONCORDANCE_FLOOR else 'FAIL'}: > {CONCORDANCE_FLOOR})"
        )
        return out


def run_benchmarks(data_home: Path, *, n_jobs: int = 2) -> BenchmarkResults:
    """Run every radar benchmark on the data sets in ``data_home``."""
    return BenchmarkResults(
        ibm=ibm_comparison(data_home, n_jobs=n_jobs),
        job_change=job_change_comparison(data_home, n_jobs=n_jobs),
        concordance=ibm_concordance(data_home),
    )
