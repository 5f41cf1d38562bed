"""The command line, end to end on small generated files."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from renown.cli.app import app
from tests.helpers import random_events

runner = CliRunner()


def _write_csv(path: Path, n_people: int = 30, n_events: int = 400) -> Path:
    events = random_events(n_people, n_events, seed=11, anonymous_share=0.0)
    events.select(
        "actor",
        "target",
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "channel",
        "kind",
        "weight",
    ).write_csv(path)
    return path


def test_help_speaks_to_newcomers() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("score", "explain", "ingest", "demo"):
        assert command in result.output
    score_help = runner.invoke(app, ["score", "--help"])
    assert "--half-life" in score_help.output and "--as-of" in score_help.output


def test_score_writes_one_row_per_person_with_components(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    out = tmp_path / "scores.csv"
    result = runner.invoke(
        app, ["score", str(events), "--out", str(out), "--home", str(tmp_path / "home"), "-q"]
    )
    assert result.exit_code == 0, result.output
    scores = pl.read_csv(out)
    people = set(pl.read_csv(events)["actor"]) | set(pl.read_csv(events)["target"])
    assert set(scores["person"]) == people
    for column in ("person", "score", "rank", "endorsement", "reach", "engagement", "trend"):
        assert column in scores.columns
    assert "breadth" not in scores.columns  # needs --groups (departments)
    assert scores["score"].min() >= 1 and scores["score"].max() <= 100
    record = json.loads((tmp_path / "scores.csv.run.json").read_text())
    assert record["model_params"]["weights"]["endorsement"] > 0
    assert record["graph_params"]["half_life_days"] == 365.0


def test_timings_say_where_the_time_went(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    out = tmp_path / "scores.parquet"
    home = str(tmp_path / "home")
    result = runner.invoke(
        app, ["score", str(events), "--out", str(out), "--home", home, "-q", "--timings"]
    )
    assert result.exit_code == 0, result.output
    for stage in ("load", "read and code", "aggregate", "rings", "pagerank", "trend", "write"):
        assert stage in result.output
    record = json.loads((tmp_path / "scores.parquet.run.json").read_text())
    assert "graph: aggregate" in record["timings_seconds"]
    assert "fit: rings" in record["timings_seconds"]


def test_score_is_reproducible_and_explain_reproduces_it(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    home = tmp_path / "home"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        result = runner.invoke(
            app, ["score", str(events), "-o", str(out), "--home", str(home), "-q"]
        )
        assert result.exit_code == 0, result.output
    assert first.read_text() == second.read_text()
    top = str(pl.read_csv(first)["person"][0])
    shown = runner.invoke(app, ["explain", top, "--home", str(home), "--json"])
    assert shown.exit_code == 0, shown.output
    payload = json.loads(shown.output)
    assert payload["person"] == top
    assert payload["score"] == pl.read_csv(first)["score"][0]


def test_parquet_and_json_outputs(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    for name in ("s.parquet", "s.json"):
        out = tmp_path / name
        result = runner.invoke(
            app, ["score", str(events), "-o", str(out), "--home", str(tmp_path), "-q"]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0


def test_malformed_file_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,target,timestamp\nann,bob,2024-01-02T10:00:00Z\nbob,ann,not-a-date\n")
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", str(bad), "-o", str(out), "--home", str(tmp_path), "-q"])
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "line 3" in result.output and "timestamp" in result.output
    assert not out.exists()


def test_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    lake = tmp_path / "lake"
    first = runner.invoke(app, ["ingest", str(events), "--lake", str(lake)])
    assert first.exit_code == 0, first.output
    files = sorted(p.relative_to(lake) for p in lake.rglob("*.parquet"))
    second = runner.invoke(app, ["ingest", str(events), "--lake", str(lake)])
    assert second.exit_code == 0
    assert "0 new events" in " ".join(second.output.split())
    assert sorted(p.relative_to(lake) for p in lake.rglob("*.parquet")) == files
    scored = runner.invoke(
        app, ["score", str(lake), "-o", str(tmp_path / "s.csv"), "--home", str(tmp_path), "-q"]
    )
    assert scored.exit_code == 0, scored.output


def test_unknown_engine_and_bad_duration_are_clear(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    out = str(tmp_path / "s.csv")
    bad_engine = runner.invoke(app, ["score", str(events), "-o", out, "--engine", "gpu", "-q"])
    assert bad_engine.exit_code == 2 and "--engine" in bad_engine.output
    bad_duration = runner.invoke(
        app, ["score", str(events), "-o", out, "--half-life", "soon", "-q"]
    )
    assert bad_duration.exit_code == 2 and "duration" in bad_duration.output


def test_groups_file_feeds_breadth(tmp_path: Path) -> None:
    events = _write_csv(tmp_path / "events.csv")
    people = sorted(set(pl.read_csv(events)["actor"]) | set(pl.read_csv(events)["target"]))
    groups = tmp_path / "groups.csv"
    pl.DataFrame({"person": people, "group": [f"d{k % 4}" for k in range(len(people))]}).write_csv(
        groups
    )
    out = tmp_path / "s.csv"
    result = runner.invoke(
        app,
        [
            "score",
            str(events),
            "-o",
            str(out),
            "--groups",
            str(groups),
            "--home",
            str(tmp_path),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out)["breadth"].max() > 0


def test_explain_reproduces_a_run_scored_with_aliases(tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "actor,target,timestamp\n"
        "bob,alice,2024-03-01T10:00:00\ncid,alice2,2024-03-02T10:00:00\n"
        "dan,alice,2024-03-03T10:00:00\nalice,bob,2024-03-04T10:00:00\n"
        "cid,bob,2024-03-05T10:00:00\n",
        encoding="utf-8",
    )
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,person\nalice2,alice\n", encoding="utf-8")
    home, out = tmp_path / "home", tmp_path / "s.csv"
    scored = runner.invoke(
        app,
        ["score", str(events), "-o", str(out), "--aliases", str(aliases), "--home", str(home)],
    )
    assert scored.exit_code == 0, scored.output
    scores = pl.read_csv(out)
    assert "alice2" not in scores["person"].to_list()
    shown = runner.invoke(app, ["explain", "alice", "--home", str(home), "--json"])
    assert shown.exit_code == 0, shown.output
    row = scores.filter(pl.col("person") == "alice").row(0, named=True)
    assert json.loads(shown.output)["score"] == row["score"]
    aliases.write_text("alias,person\n", encoding="utf-8")  # the table changed since the run
    changed = runner.invoke(app, ["explain", "alice", "--home", str(home)])
    assert changed.exit_code != 0 and "alias table" in changed.output
