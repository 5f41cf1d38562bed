"""``renown radar import``: snapshots from the shell, a LinkedIn export folder included
(the site takes files only); idempotent, located errors, members matched to the org chart."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.cli.app import app
from renown.store import make_engine
from renown.store.tables.radar import RadarSnapshot, RadarSubject
from tests.org.orgchart import SMALL_CHART

runner = CliRunner()
JSONL = (
    '{"subject": "linkedin:cli-ana", "captured_at": "2025-01-01T00:00:00Z", "title": "Analyst"}\n'
    '{"subject": "linkedin:cli-ana", "captured_at": "2025-03-01T00:00:00Z", '
    '"title": "Senior analyst"}\n'
)


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    return {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}


def _run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def _export(folder: Path) -> Path:
    folder.mkdir()
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Headline,Summary,Geo Location\n"
        "Eve,Two,Platform engineer,Builds things,Lisbon\n"
    )
    (folder / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Acme,Platform engineer,,Lisbon,Mar 2022,\n"
        "Initech,Engineer,,Porto,Jan 2019,Feb 2022\n"
    )
    (folder / "Skills.csv").write_text("Name\nGo\nKubernetes\n")
    return folder


def test_files_and_export_folders_are_imported_once(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "db", "upgrade")
    _run(env, "org", "create", "acme", "Acme Ltd")
    chart = tmp_path / "people.csv"
    chart.write_bytes(SMALL_CHART)
    _run(env, "org", "import", "acme", str(chart))

    snapshots = tmp_path / "snapshots.jsonl"
    snapshots.write_text(JSONL)
    first = _run(env, "radar", "import", "acme", str(snapshots))
    assert "2 added" in first and "1 prospects" in first
    assert "0 added, 2 already held" in _run(env, "radar", "import", "acme", str(snapshots))

    export = _export(tmp_path / "export")
    out = _run(
        env,
        "radar",
        "import",
        "acme",
        str(export),
        "--subject",
        "e2",
        "--captured-at",
        "2025-06-01",
    )
    assert "1 members" in out

    bad = tmp_path / "bad.jsonl"
    bad.write_text(JSONL + '{"subject": "linkedin:cli-bo", "captured_at": "soon"}\n')
    refused = _run(env, "radar", "import", "acme", str(bad), code=2)
    assert "line 3" in refused and "captured_at" in refused
    assert "is not an ISO" in _run(
        env, "radar", "import", "acme", str(snapshots), "--captured-at", "May", code=2
    )

    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            keys = set(connection.scalars(sa.select(RadarSubject.key)))
            held = connection.scalar(sa.select(sa.func.count()).select_from(RadarSnapshot))
    finally:
        engine.dispose()
    assert "linkedin:cli-ana" in keys and "linkedin:cli-bo" not in keys
    assert any(key.startswith("person:") for key in keys)
    assert held is not None and held >= 4
