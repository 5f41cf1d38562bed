"""Scoring runs: metadata, recording and exact reproduction."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from renown.core.errors import RenownError
from renown.ingest.lake import EventLake
from renown.scoring.inputs import open_events as load_events
from renown.scoring.pipeline import input_fingerprint, score_events
from renown.scoring.reproduce import reproduce_run
from renown.scoring.runs import load_run, record_run, write_scores
from tests.helpers import modes_under, random_events


def _scored_file(tmp_path: Path) -> tuple[Path, Path]:
    events = random_events(30, 300, seed=21)
    source = tmp_path / "events.parquet"
    events.write_parquet(source)
    result = score_events(
        load_events(source, "parquet"),
        source=json.dumps({"path": str(source), "format": "parquet", "mapping": None}),
    )
    runs = tmp_path / "runs"
    record_run(result, runs)
    return source, runs


def test_fingerprint_ignores_order_and_sees_changes() -> None:
    events = random_events(20, 100, seed=1)
    same = input_fingerprint(events.reverse())
    assert input_fingerprint(events) == same
    assert input_fingerprint(events.head(99)) != same
    assert input_fingerprint(events.head(0)) == "0:0000000000000000"


def test_metadata_records_everything_needed_to_reproduce(tmp_path: Path) -> None:
    result = score_events(random_events(25, 200, seed=2), half_life_days=30)
    meta = result.metadata
    assert meta["graph_params"]["half_life_days"] == 30
    assert meta["model_params"] == result.model.get_params()
    assert meta["as_of"].startswith("2024-")  # newest event, never the wall clock
    sidecar = write_scores(result, tmp_path / "s.csv")
    assert json.loads(sidecar.read_text())["input_fingerprint"] == meta["input_fingerprint"]


def test_reproduced_run_has_identical_scores(tmp_path: Path) -> None:
    _, runs = _scored_file(tmp_path)
    record = load_run(runs)
    original = pl.read_parquet(runs / record["run_id"] / "scores.parquet")
    reproduced = reproduce_run(runs)
    assert reproduced.scores.equals(original)
    assert reproduced.metadata["input_fingerprint"] == record["input_fingerprint"]


def test_changed_input_refuses_to_explain(tmp_path: Path) -> None:
    source, runs = _scored_file(tmp_path)
    pl.read_parquet(source).head(250).write_parquet(source)
    with pytest.raises(RenownError, match="has changed since the run"):
        reproduce_run(runs)


def test_missing_runs_are_reported(tmp_path: Path) -> None:
    with pytest.raises(RenownError, match="no scoring run recorded"):
        load_run(tmp_path)
    with pytest.raises(RenownError, match="no run 'nope'"):
        load_run(tmp_path, "nope")


def test_no_events_is_an_error() -> None:
    with pytest.raises(ValueError, match="no events"):
        score_events(random_events(5, 10).head(0))


def _scored_lake(tmp_path: Path) -> tuple[EventLake, Path, pl.DataFrame]:
    lake = EventLake(tmp_path / "lake")
    lake.append(random_events(30, 300, seed=22))
    result = score_events(
        lake, source=json.dumps({"path": str(lake.path), "format": "lake", "mapping": None})
    )
    runs = tmp_path / "runs"
    record_run(result, runs)
    return lake, runs, result.scores


def test_scoring_a_lake_equals_scoring_its_events(tmp_path: Path) -> None:
    lake, runs, scores = _scored_lake(tmp_path)
    from_frame = score_events(lake.scan().collect())
    assert scores.equals(from_frame.scores)
    assert load_run(runs)["input_fingerprint"] == from_frame.metadata["input_fingerprint"]


def test_lake_runs_are_reproduced_and_refused_once_the_lake_grows(tmp_path: Path) -> None:
    lake, runs, scores = _scored_lake(tmp_path)
    assert reproduce_run(runs).scores.equals(scores)
    lake.append(random_events(30, 5, seed=23))
    with pytest.raises(RenownError, match="has changed since the run"):
        reproduce_run(runs)


@pytest.mark.usefixtures("any_umask")
def test_run_outputs_are_readable_by_renown_only(tmp_path: Path) -> None:
    _source, runs = _scored_file(tmp_path)
    modes = modes_under(runs)
    run = load_run(runs)["run_id"]
    assert modes == {
        ".": 0o700,
        "LATEST": 0o600,
        run: 0o700,
        f"{run}/run.json": 0o600,
        f"{run}/scores.parquet": 0o600,
    }
    asked = tmp_path / "asked"
    asked.mkdir()
    asked.chmod(0o755)
    result = score_events(random_events(25, 200, seed=2))
    sidecar = write_scores(result, asked / "scores.csv")
    write_scores(result, tmp_path / "new" / "scores.parquet")
    assert modes_under(asked) == {".": 0o755, "scores.csv": 0o600, sidecar.name: 0o600}
    assert modes_under(tmp_path / "new") == {
        ".": 0o700,
        "scores.parquet": 0o600,
        "scores.parquet.run.json": 0o600,
    }
