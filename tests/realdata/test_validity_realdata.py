"""The score against labels nobody tuned it to (run by make validate with RENOWN_DATA_HOME).

Enron: job levels of a development set of employees (top: level 4 and above). Stack
Exchange quantumcomputing: badges each user earned. The default score must beat the
baselines an analyst would compute with a spreadsheet; the figures are those of
``docs/validity.md`` (same code path, :mod:`renown.validation.realdata`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from renown.validation.realdata import enron_case, stackexchange_case, validate_case
from renown.validation.report import ValidationReport, format_table


@pytest.fixture(scope="module")
def data_home() -> Path:  # module scope twin of the conftest fixture
    value = os.environ.get("RENOWN_DATA_HOME")
    if not value:
        pytest.skip("RENOWN_DATA_HOME is not set")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"RENOWN_DATA_HOME={value} is not a folder")
    return path


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


def _beats(report: ValidationReport, baseline: str, metric: str) -> None:
    score = getattr(report.row("score").metrics, metric).value
    other = getattr(report.row(baseline, "baseline").metrics, metric).value
    assert score > other, f"{metric}: score {score:.3f} vs {baseline} {other:.3f}"


@pytest.mark.parametrize("metric", ["auc", "spearman"])
@pytest.mark.parametrize("baseline", ["hits_authority", "in_degree"])
def test_enron_score_beats_simple_baselines(
    enron: ValidationReport, baseline: str, metric: str
) -> None:
    _beats(enron, baseline, metric)


@pytest.mark.parametrize("metric", ["precision_top_decile", "spearman"])
def test_stackexchange_score_beats_upvotes_received(
    stackexchange: ValidationReport, metric: str
) -> None:
    _beats(stackexchange, "upvotes_received", metric)
