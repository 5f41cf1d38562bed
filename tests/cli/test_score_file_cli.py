"""`renown score FILE` then `renown explain` as a user with messy files would run them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from renown.cli.app import app
from tests.helpers import random_events

runner = CliRunner()


def _events(path: Path) -> Path:
    random_events(30, 300, seed=4).drop("event_key", "source").write_csv(path)
    return path


def _score(events: Path, home: Path, *options: str) -> pl.DataFrame:
    out = home.parent / "scores.csv"
    result = runner.invoke(
        app, ["score", str(events), "-o", str(out), "--home", str(home), "-q", *options]
    )
    assert result.exit_code == 0, result.output
    return pl.read_csv(out)


def _explained_score(home: Path, person: str) -> int:
    shown = runner.invoke(app, ["explain", person, "--home", str(home), "--json"])
    assert shown.exit_code == 0, shown.output
    return int(json.loads(shown.output)["score"])


def test_a_link_named_like_a_table_is_explained_from_its_target(tmp_path: Path) -> None:
    # current.csv -> an export without a suffix: the run records the file it read, and the
    # format it read it as (the target's own name tells none)
    export = _events(tmp_path / "export-2024-06")
    link = tmp_path / "current.csv"
    link.symlink_to(export.name)
    home = tmp_path / "home"
    scores = _score(link, home)
    top = scores.row(0, named=True)
    assert _explained_score(home, top["person"]) == top["score"]


def test_explain_refuses_a_run_whose_groups_or_aliases_changed(tmp_path: Path) -> None:
    events = _events(tmp_path / "events.csv")
    people = sorted(set(pl.read_csv(events)["target"]))
    groups, aliases = tmp_path / "groups.csv", tmp_path / "aliases.csv"
    pl.DataFrame({"person": people, "group": [f"d{k % 2}" for k in range(len(people))]}).write_csv(
        groups
    )
    aliases.write_text(f"alias,person\n{people[0]},{people[1]}\n")
    home = tmp_path / "home"
    scores = _score(events, home, "--groups", str(groups), "--aliases", str(aliases))
    top = scores.row(0, named=True)
    assert _explained_score(home, top["person"]) == top["score"]
    # the same number of departments and aliases, other contents: the breadth and the
    # merged people of the run can no longer be reproduced
    original = groups.read_text()
    pl.DataFrame({"person": people, "group": [f"d{k % 5}" for k in range(len(people))]}).write_csv(
        groups
    )
    refused = runner.invoke(app, ["explain", top["person"], "--home", str(home)])
    assert refused.exit_code == 2 and "groups" in refused.output
    groups.write_text(original)
    aliases.write_text(f"alias,person\n{people[2]},{people[1]}\n")
    refused = runner.invoke(app, ["explain", top["person"], "--home", str(home)])
    assert refused.exit_code == 2 and "alias table" in refused.output


def test_a_pipe_is_refused_as_not_a_file_not_as_missing(tmp_path: Path) -> None:
    pipe = tmp_path / "events.csv"
    os.mkfifo(pipe)  # e.g. <(zcat export.csv.gz): read twice, to check and to fingerprint
    for options in ([], ["--source-format", "csv"]):
        out = str(tmp_path / "s.csv")
        result = runner.invoke(
            app, ["score", str(pipe), "-o", out, "--home", str(tmp_path), "-q", *options]
        )
        assert result.exit_code == 2
        said = " ".join(result.output.split())
        assert "not a file or folder" in said and "no such" not in said and "not found" not in said


_TERMINATED_WHILE_SPILLING = """
import os, signal, sys
import renown.ingest.files as files

spill = files._spill_slice

def spill_then_terminate(events, path):
    spill(events, path)
    os.kill(os.getpid(), signal.SIGTERM)  # a scheduler's timeout, mid-run

files._spill_slice = spill_then_terminate
from renown.cli.app import main
sys.argv = ["renown", "score", *sys.argv[1:]]
main()
"""


def test_a_terminated_run_leaves_no_temporary_slices(tmp_path: Path) -> None:
    events = _events(tmp_path / "events.csv")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _TERMINATED_WHILE_SPILLING, str(events), "-o", "s.csv", "-q"],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(scratch), "RENOWN_HOME": str(tmp_path / "home")},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(scratch.iterdir()) == []  # the slices are personal data
