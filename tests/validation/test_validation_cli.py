"""``renown validate``, ``renown tune`` and ``renown score --weights`` end to end."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from renown.cli.app import app
from tests.validation.synthetic import synthetic_org, write_events_csv, write_labels

runner = CliRunner()
ORG = synthetic_org()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("validation")
    return {
        "events": write_events_csv(ORG.events, folder / "events.csv"),
        "levels": write_labels(ORG.level, folder / "levels.csv"),
        "sent": write_labels(ORG.sent, folder / "sent.csv"),
        "folder": folder,
    }


def test_validate_events_prints_score_components_and_baselines(files: dict[str, Path]) -> None:
    md = files["folder"] / "report.md"
    result = runner.invoke(
        app,
        ["validate", str(files["events"]), "--labels", str(files["levels"]), "--markdown", str(md)],
    )
    assert result.exit_code == 0, result.output
    for name in ("score", "pagerank", "reach", "in_degree", "hits_authority", "Spearman"):
        assert name in result.output
    assert "| score | score |" in md.read_text(encoding="utf-8")


def test_validate_json_and_top_from(files: dict[str, Path]) -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(files["events"]),
            "--labels",
            str(files["levels"]),
            "--top-from",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["top_from"] == 3 and data["people"] == 60
    assert data["rows"][0]["name"] == "score"


def test_validate_a_scores_file_asks_for_events_for_baselines(files: dict[str, Path]) -> None:
    scores = files["folder"] / "scores.csv"
    home = files["folder"] / "home"
    scored = runner.invoke(
        app, ["score", str(files["events"]), "--out", str(scores), "--home", str(home), "-q"]
    )
    assert scored.exit_code == 0, scored.output
    alone = runner.invoke(app, ["validate", str(scores), "--labels", str(files["levels"])])
    assert alone.exit_code == 0, alone.output
    assert "--events" in alone.output and "in_degree" not in alone.output
    assert "score" in alone.output and "reach" in alone.output
    both = runner.invoke(
        app,
        [
            "validate",
            str(scores),
            "--labels",
            str(files["levels"]),
            "--events",
            str(files["events"]),
        ],
    )
    assert both.exit_code == 0, both.output
    assert "in_degree" in both.output


def test_labels_matching_nobody_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    labels = write_labels({"nobody@example.org": 3, "ghost@example.org": 1}, tmp_path / "l.csv")
    result = runner.invoke(app, ["validate", str(files["events"]), "--labels", str(labels)])
    assert result.exit_code == 2
    assert "no labelled id matches" in result.output


def test_a_bad_label_names_file_line_and_field(files: dict[str, Path], tmp_path: Path) -> None:
    labels = tmp_path / "bad.csv"
    labels.write_text("person,label\np000,3\np001,high\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(files["events"]), "--labels", str(labels)])
    assert result.exit_code == 2
    assert "line 3" in result.output and "'label'" in result.output


def test_some_unmatched_labels_warn(files: dict[str, Path], tmp_path: Path) -> None:
    labels = write_labels({**ORG.level, "ghost": 2}, tmp_path / "l.csv")
    result = runner.invoke(app, ["validate", str(files["events"]), "--labels", str(labels)])
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "ghost" in result.output


def test_tune_refuses_with_exit_2_and_writes_nothing(
    files: dict[str, Path], tmp_path: Path
) -> None:
    # labels that carry no signal: a fixed random shuffle of ranks
    rng = np.random.default_rng(3)
    noise = dict(zip(ORG.level, rng.permutation(60).tolist(), strict=True))
    labels = write_labels(noise, tmp_path / "noise.csv")
    out = tmp_path / "WEIGHTS.toml"
    result = runner.invoke(
        app, ["tune", str(files["events"]), "--labels", str(labels), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Not writing" in result.output
    assert not out.exists()


def test_tune_then_score_with_the_weights(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "WEIGHTS.toml"
    tuned = runner.invoke(
        app, ["tune", str(files["events"]), "--labels", str(files["sent"]), "--out", str(out)]
    )
    assert tuned.exit_code == 0, tuned.output
    document = tomllib.loads(out.read_text(encoding="utf-8"))
    assert document["provenance"]["labels"] == "sent.csv"
    scores = tmp_path / "scores.csv"
    scored = runner.invoke(
        app,
        [
            "score",
            str(files["events"]),
            "--out",
            str(scores),
            "--weights",
            str(out),
            "--home",
            str(tmp_path / "home"),
            "-q",
        ],
    )
    assert scored.exit_code == 0, scored.output
    record = json.loads((tmp_path / "scores.csv.run.json").read_text())
    assert record["weights_file"]["weights"] == document["weights"]
    assert record["weights_file"]["provenance"]["people"] == 60
    assert record["model_params"]["weights"] == document["weights"]


def test_score_refuses_an_unknown_component(files: dict[str, Path], tmp_path: Path) -> None:
    weights = tmp_path / "WEIGHTS.toml"
    weights.write_text("[weights]\nfame = 1.0\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "score",
            str(files["events"]),
            "--out",
            str(tmp_path / "s.csv"),
            "--weights",
            str(weights),
            "--home",
            str(tmp_path / "home"),
        ],
    )
    assert result.exit_code == 2
    assert "weights.fame" in result.output and "unknown component" in result.output


def test_validate_events_with_weights(files: dict[str, Path], tmp_path: Path) -> None:
    weights = tmp_path / "WEIGHTS.toml"
    weights.write_text("[weights]\nresponsiveness = 1.0\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "validate",
            str(files["events"]),
            "--labels",
            str(files["sent"]),
            "--weights",
            str(weights),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)["rows"]}
    # scored on one component alone, the score orders people exactly as that component
    assert rows["score"]["metrics"]["spearman"] == rows["responsiveness"]["metrics"]["spearman"]
    assert "weight 1.00" in rows["responsiveness"]["description"]


def test_validate_and_tune_read_an_export_with_its_own_column_names(
    files: dict[str, Path], tmp_path: Path
) -> None:
    import polars as pl

    export = tmp_path / "mail.csv"
    pl.read_csv(files["events"]).rename(
        {"actor": "from", "target": "to", "timestamp": "sent"}
    ).write_csv(export)
    mapping = ["--mapping", "actor=from,target=to,timestamp=sent"]
    direct = runner.invoke(
        app, ["validate", str(files["events"]), "--labels", str(files["levels"]), "--json"]
    )
    mapped = runner.invoke(
        app, ["validate", str(export), "--labels", str(files["levels"]), "--json", *mapping]
    )
    assert mapped.exit_code == 0, mapped.output
    assert json.loads(mapped.output)["rows"] == json.loads(direct.output)["rows"]
    unmapped = runner.invoke(app, ["validate", str(export), "--labels", str(files["levels"])])
    assert unmapped.exit_code == 2 and "actor" in unmapped.output
    tuned = runner.invoke(
        app,
        [
            "tune",
            str(export),
            "--labels",
            str(files["levels"]),
            "--out",
            str(tmp_path / "w.toml"),
            *mapping,
        ],
    )
    assert tuned.exit_code in (0, 2), tuned.output  # fitted or refused, never a reading error
    assert "held-out" in tuned.output.lower() or "not writing" in tuned.output.lower()


def test_score_refuses_weight_on_sending_volume(files: dict[str, Path], tmp_path: Path) -> None:
    weights = tmp_path / "WEIGHTS.toml"
    weights.write_text("[weights]\nendorsement = 0.5\nout_strength = 0.5\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    result = runner.invoke(
        app, ["score", str(files["events"]), "--out", str(out), "--weights", str(weights)]
    )
    assert result.exit_code == 2
    assert "out_strength" in result.output and not out.exists()
