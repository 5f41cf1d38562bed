"""`make demo` end to end on a small organisation: lake, scoring, record, rings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from renown.cli.app import app
from renown.demo.showcase import run_demo


def test_demo_scores_everyone_and_is_idempotent(tmp_path: Path) -> None:
    first = run_demo(tmp_path, people=300, seed=2)
    assert first.result.graph.n == 300
    assert (tmp_path / "scores.csv").exists()
    again = run_demo(tmp_path, people=300, seed=2)
    assert "0 new in the lake" in again.headline
    assert again.result.scores.equals(first.result.scores)


def test_demo_catches_planted_rings(tmp_path: Path) -> None:
    outcome = run_demo(tmp_path, people=1200, seed=3, rings=2)
    assert len(outcome.result.model.ring_report_.rings) == 2
    assert "2 collusion ring(s) detected" in outcome.footer


def test_demo_command_prints_an_explained_leaderboard(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--people", "300", "--top", "5", "--home", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Prominence leaderboard" in result.output
    assert "scores" in result.output and "rank 1 of 300" in result.output
    explained = CliRunner().invoke(app, ["explain", outcome_top(tmp_path), "--home", str(tmp_path)])
    assert explained.exit_code == 0, explained.output
    assert "Score" in explained.output


def outcome_top(home: Path) -> str:
    import polars as pl

    return str(pl.read_csv(home / "scores.csv")["person"][0])
