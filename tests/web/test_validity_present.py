"""The validity report's wording (when the plain warning shows, how cells read), and how
stored labels are read back."""

from __future__ import annotations

from typing import Any

from renown.validation.jobs import person_labels
from renown.web.validity.present import baselines_not_beaten, cell, report_chart, warning


def _estimate(value: float | None) -> dict[str, Any]:
    return {
        "value": value,
        "low": None if value is None else value - 0.1,
        "high": None if value is None else value + 0.1,
    }


def _report(**differences: tuple[float | None, float | None]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "name": "score",
                "kind": "score",
                "description": "",
                "metrics": {"auc": _estimate(0.7), "spearman": _estimate(None)},
            }
        ],
        "score_minus_baseline": [
            {"baseline": name, "metrics": {"auc": _estimate(auc), "spearman": _estimate(rho)}}
            for name, (auc, rho) in differences.items()
        ],
    }


def test_no_warning_when_the_score_beats_every_baseline() -> None:
    assert warning(_report(in_degree=(0.05, 0.02), pagerank_ties=(0.01, 0.03))) is None


def test_a_tie_or_a_loss_on_auc_or_spearman_warns_and_names_the_baseline() -> None:
    report = _report(in_degree=(0.05, 0.0), pagerank_ties=(-0.01, 0.2), hits_authority=(0.1, 0.1))
    assert baselines_not_beaten(report) == ["in_degree", "pagerank_ties"]
    text = warning(report)
    assert text is not None
    assert text.startswith(
        "On your labels, the prominence score does not rank people better than in_degree or "
        "pagerank_ties. Do not use it for decisions about people until"
    )


def test_an_undefined_difference_neither_warns_nor_reassures() -> None:
    assert warning(_report(in_degree=(None, None))) is None


def test_cells_read_value_and_interval_or_na() -> None:
    assert cell({"value": 0.71234, "low": 0.65, "high": 0.77}) == "0.712 [0.650, 0.770]"
    assert cell({"value": 0.02, "low": -0.01, "high": 0.05}, signed=True) == (
        "+0.020 [-0.010, +0.050]"
    )
    assert cell({"value": None, "low": None, "high": None}) == "n/a"


def test_the_chart_leaves_out_undefined_metrics() -> None:
    spec = report_chart(_report())
    values = spec["data"]["values"]
    assert [(v["ranking"], v["metric"]) for v in values] == [("score", "AUC (top vs rest)")]


def test_stored_labels_of_erased_people_are_skipped() -> None:
    assert person_labels({"person:7": 2.0, "erased:123": 3.0, "person:x": 1.0}) == {7: 2.0}
