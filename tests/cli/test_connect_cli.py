"""``renown connect fetch`` on recorded exchanges: what it prints, writes and refuses."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from renown.cli.app import app

runner = CliRunner()
RECORDING = Path(__file__).parents[1] / "connectors" / "fixtures" / "github" / "octocat.json"


def test_fetch_prints_what_was_mapped_and_writes_canonical_events(tmp_path: Path) -> None:
    out = tmp_path / "octocat.parquet"
    args = ["connect", "fetch", "--network", "github", "--account", "https://github.com/octocat"]
    args += ["--replay", str(RECORDING), "--since-days", "3650", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "GitHub octocat" in result.output
    assert "follow" in result.output and "named" in result.output
    events = pl.read_parquet(out)
    assert events.height > 0
    assert set(events["channel"]) == {"social:github"}
    assert "github:octocat" in set(events["target"])
    assert f"wrote {events.height} canonical events" in result.output


def test_fetch_refuses_a_hostile_handle_or_an_unknown_network(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["connect", "fetch", "--network", "github", "--account", "../etc"])
    assert bad.exit_code == 2 and "error" in bad.output
    unknown = runner.invoke(app, ["connect", "fetch", "--network", "myspace", "--account", "x"])
    assert unknown.exit_code == 2 and "known: github" in unknown.output


def test_fetch_names_the_address_a_network_did_not_answer(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text('{"network": "github", "exchanges": []}')
    args = [
        "connect",
        "fetch",
        "--network",
        "github",
        "--account",
        "octocat",
        "--replay",
        str(empty),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "api.github.com/users/octocat" in result.output
