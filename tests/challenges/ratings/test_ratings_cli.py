"""``renown challenges ratings fit`` and ``report`` on a tiny file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from renown.cli.app import app

from .conftest import write_table

runner = CliRunner()


def test_fit_writes_ratings_best_first(synthetic_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "ratings.csv"
    result = runner.invoke(
        app, ["challenges", "ratings", "fit", str(synthetic_file), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "60 contests" in result.output and "4,800 rows" in result.output
    table = pl.read_csv(out)
    assert table.columns == ["handle", "mu", "sigma", "rating", "contests"]
    assert table["rating"].is_sorted(descending=True)
    assert table["contests"].sum() == 4800
    assert table["handle"].n_unique() == table.height


def test_report_prints_the_table(synthetic_file: Path) -> None:
    result = runner.invoke(
        app, ["challenges", "ratings", "report", str(synthetic_file), "--test-fraction", "0.2"]
    )
    assert result.exit_code == 0, result.output
    for name in ("weng-lin", "elo", "contests played", "pairwise acc", "rows/s"):
        assert name in result.output


def test_bad_input_exits_non_zero_with_the_location(tmp_path: Path) -> None:
    bad = write_table(tmp_path / "bad.csv", [("a", "x", 0, 0), ("a", "y", "two", 1)], ",")
    for command in (["fit", str(bad), "--out", str(tmp_path / "o.csv")], ["report", str(bad)]):
        result = runner.invoke(app, ["challenges", "ratings", *command])
        assert result.exit_code == 2
        assert "line 3" in result.output and "rank_lo" in result.output


def test_bad_test_fraction(synthetic_file: Path) -> None:
    result = runner.invoke(
        app, ["challenges", "ratings", "report", str(synthetic_file), "--test-fraction", "2"]
    )
    assert result.exit_code == 2
    assert "between 0 and 1" in result.output
