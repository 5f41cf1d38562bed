"""``renown radar``: fit, predict, report and survival on generated CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from renown.cli.app import app
from tests.radar.radar_tables import job_table, write_csv

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["radar", *args])
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("radar")
    frame, y = job_table(300, seed=11)
    train = folder / "train.csv"
    write_csv(frame, y, train)
    fresh, _ = job_table(40, seed=12)
    new = folder / "new.csv"
    write_csv(fresh.with_columns(pl.lit("x").alias("notes")), None, new)
    model = folder / "model.json"
    out = _run("fit", str(train), "--label", "moved", "--id", "id", "--out", str(model))
    assert "logistic regression" in out and "gradient boosting" in out and "ROC-AUC" in out
    assert "constant" in out  # the dropped column is named
    return {"train": train, "new": new, "model": model, "folder": folder}


def test_predict_writes_id_probability_and_reasons(files: dict[str, Path]) -> None:
    pred = files["folder"] / "pred.csv"
    out = _run("predict", str(files["model"]), str(files["new"]), "--out", str(pred), "--top", "2")
    assert "notes" in out  # the extra column is mentioned
    table = pl.read_csv(pred)
    assert table.columns == ["id", "probability", "reasons"]
    assert table.height == 40
    assert table["probability"].is_between(0.0, 1.0).all()
    assert all(text.count("; ") == 1 and "the odds" in text for text in table["reasons"])


def test_predict_names_missing_columns(files: dict[str, Path]) -> None:
    lacking = files["folder"] / "lacking.csv"
    pl.read_csv(files["new"], infer_schema_length=0).drop("salary").write_csv(lacking)
    result = runner.invoke(
        app, ["radar", "predict", str(files["model"]), str(lacking), "--out", "x.csv"]
    )
    assert result.exit_code == 2
    assert "salary" in result.output


def test_tampered_model_is_refused(files: dict[str, Path], tmp_path: Path) -> None:
    data = json.loads(files["model"].read_text())
    data["version"] = 99
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = runner.invoke(app, ["radar", "predict", str(bad), str(files["new"]), "--out", "p.csv"])
    assert result.exit_code == 2
    assert "version 99 is not supported" in result.output


def test_report_writes_charts_and_html(files: dict[str, Path]) -> None:
    out = files["folder"] / "report"
    _run("report", str(files["model"]), str(files["train"]), "--label", "moved", "--out", str(out))
    for name in ("roc.png", "calibration.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and "<script" not in page and "ROC-AUC" in page


def test_bad_label_names_file_line_and_field(tmp_path: Path) -> None:
    frame, y = job_table(60, seed=13)
    path = tmp_path / "bad.csv"
    write_csv(frame, y, path)
    lines = path.read_text().splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0] + ",maybe"
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app,
        ["radar", "fit", str(path), "--label", "moved", "--id", "id", "--out", "m.json"],
    )
    assert result.exit_code == 2
    assert "line 5" in result.output and "'moved'" in result.output and "maybe" in result.output


def test_positive_value_and_single_class(tmp_path: Path) -> None:
    frame, y = job_table(60, seed=14)
    path = tmp_path / "one.csv"
    write_csv(frame, np.ones_like(y), path)
    result = runner.invoke(
        app,
        [
            "radar",
            "fit",
            str(path),
            "--label",
            "moved",
            "--id",
            "id",
            "--out",
            "m.json",
            "--positive",
            "yes",
        ],
    )
    assert result.exit_code == 2
    assert "1 class" in result.output


def test_survival_command(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 200
    pay = rng.normal(0.0, 1.0, n)
    moved_at = rng.exponential(np.exp(0.8 * pay) * 5.0)
    seen = rng.uniform(0.0, 10.0, n)
    frame = pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "pay": pay,
            "years": np.minimum(moved_at, seen).round(2),
            "left": np.where(moved_at <= seen, "Yes", "No"),
        }
    )
    path = tmp_path / "times.csv"
    frame.write_csv(path)
    model = tmp_path / "survival.json"
    out = _run(
        "survival",
        str(path),
        "--duration",
        "years",
        "--event",
        "left",
        "--id",
        "id",
        "--out",
        str(model),
    )
    assert "concordance" in out
    assert json.loads(model.read_text())["format"] == "renown.radar.TimeToMoveModel"
