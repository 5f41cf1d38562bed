"""The score against labels nobody tuned it to (run by make validate with RENOWN_DATA_HOME).

Enron: job levels of a development set of employees (top: level 4 and above). Stack
Exchange quantumcomputing: badges each user earned, and the badges earned in the second half
of the dump by the users of its first half, scored on the first half only (a forecast). The
default score must beat the baselines an analyst would compute with a spreadsheet; the
figures are those of
``docs/validity.md`` (same code path, :mod:`renown.validation.realdata`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from renown.validation.realdata import (
    enron_case,
    stackexchange_case,
    stackexchange_forecast_case,
    validate_case,
)
from renown.validation.report import ValidationReport, format_table


@pytest.fixture(scope="module")
def enron(data_home: Path, tmp_path_factory: pytest.TempPathFactory) -> ValidationReport:
    report = validate_case(enron_case(data_home, tmp_path_factory.mktemp("cache")))
    print(format_table(report))
    return report


@pytest.fixture(scope="module")
def stackexchange(data_home: Path) -> ValidationReport:
    report = validate_case(stackexchange_case(data_home))
    print(format_table(report))
    return report


@pytest.fixture(scope="module")
def forecast(data_home: Path) -> ValidationReport:
    report = validate_case(stackexchange_forecast_case(data_home))
    print(format_table(report))
    return report


def _beats(report: ValidationReport, baseline: str, metric: str) -> None:
    score = getattr(report.row("score").metrics, metric).value
    other = getattr(report.row(baseline, "baseline").metrics, metric).value
    assert score > other, f"{metric}: score {score:.3f} vs {baseline} {other:.3f}"


NEAR: Final = 0.02
"""How far below the strongest single baseline the score may stay (point estimate)."""


def _within_reach(report: ValidationReport, baseline: str, metric: str) -> None:
    difference = next(r for r in report.against_baselines if r.name == baseline)
    value = getattr(difference.metrics, metric)
    assert value.value >= -NEAR, (
        f"{metric}: score minus {baseline} {value.value:+.3f} [{value.low:+.3f}, {value.high:+.3f}]"
    )


TIES_IN_DEGREE_AUC = pytest.mark.xfail(
    strict=True,
    reason="AUC equal to in-degree's (0.866) on the 52 people: the same ordering of top and rest",
)


@pytest.mark.parametrize(
    ("baseline", "metric"),
    [
        pytest.param("in_degree", "auc", marks=TIES_IN_DEGREE_AUC),
        ("in_degree", "spearman"),
        ("weighted_in_degree", "auc"),
        ("weighted_in_degree", "spearman"),
        ("pagerank_ties", "auc"),
        ("pagerank_ties", "spearman"),
    ],
)
def test_enron_score_beats_simple_baselines(
    enron: ValidationReport, baseline: str, metric: str
) -> None:
    _beats(enron, baseline, metric)


@pytest.mark.parametrize("metric", ["auc", "spearman"])
def test_enron_score_is_within_reach_of_hits_authority(
    enron: ValidationReport, metric: str
) -> None:
    _within_reach(enron, "hits_authority", metric)


@pytest.mark.parametrize("metric", ["precision_top_decile", "spearman"])
@pytest.mark.parametrize("baseline", ["in_degree", "pagerank_ties", "hits_authority"])
def test_stackexchange_score_beats_simple_baselines(
    stackexchange: ValidationReport, baseline: str, metric: str
) -> None:
    _beats(stackexchange, baseline, metric)


@pytest.mark.parametrize("metric", ["auc", "spearman"])
@pytest.mark.parametrize("baseline", ["upvotes_received", "weighted_in_degree"])
def test_stackexchange_score_is_within_reach_of_engagement_counts(
    stackexchange: ValidationReport, baseline: str, metric: str
) -> None:
    _within_reach(stackexchange, baseline, metric)


@pytest.mark.parametrize("metric", ["auc", "spearman"])
@pytest.mark.parametrize("baseline", ["in_degree", "weighted_in_degree", "hits_authority"])
def test_stackexchange_first_half_score_forecasts_badges_better_than_simple_baselines(
    forecast: ValidationReport, baseline: str, metric: str
) -> None:
    _beats(forecast, baseline, metric)


@pytest.mark.parametrize("metric", ["auc", "spearman"])
def test_stackexchange_first_half_score_forecasts_badges_as_well_as_upvotes(
    forecast: ValidationReport, metric: str
) -> None:
    _within_reach(forecast, "upvotes_received", metric)


# The goal the score does not reach yet: beating the strongest single baseline of each data
# set outright. Strict: the day a change makes them pass, these fail until the marks go.
@pytest.mark.xfail(strict=True, reason="the score ties HITS authority within 0.02, not above")
@pytest.mark.parametrize("metric", ["auc", "spearman"])
def test_enron_score_beats_hits_authority(enron: ValidationReport, metric: str) -> None:
    _beats(enron, "hits_authority", metric)


@pytest.mark.xfail(strict=True, reason="just below upvotes received: 0.01 rho, 2 of 56 at the top")
@pytest.mark.parametrize("metric", ["precision_top_decile", "spearman"])
def test_stackexchange_score_beats_upvotes_received(
    stackexchange: ValidationReport, metric: str
) -> None:
    _beats(stackexchange, "upvotes_received", metric)
