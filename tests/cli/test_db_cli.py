"""``renown db``, ``renown org`` and ``renown audit`` against a scratch database."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from renown.cli.app import app
from renown.store import make_engine
from renown.store.migrate import head_revision
from tests.org.orgchart import SMALL_CHART, chart

runner = CliRunner()


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    return {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}


def _run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_db_commands_migrate_both_ways(env: dict[str, str]) -> None:
    head = head_revision()
    assert "current: base (empty)" in _run(env, "db", "current")
    assert f"revision {head}" in _run(env, "db", "upgrade")
    assert f"current: {head}" in _run(env, "db", "current") and "up to date" in _run(
        env, "db", "current"
    )
    assert "revision 0001" in _run(env, "db", "downgrade", "--revision", "0001")
    assert "base (empty)" in _run(env, "db", "downgrade", "--revision", "base")
    assert f"revision {head}" in _run(env, "db", "upgrade", "--revision", "head")


def test_org_create_import_and_audit_verify(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "db", "upgrade")
    assert "created organisation acme" in _run(env, "org", "create", "acme", "Acme Ltd")
    _run(env, "org", "create", "acme", "Again", code=1)
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    out = _run(env, "org", "import", "acme", str(people))
    assert "6 created, 0 updated, 0 unchanged" in out
    assert "0 created, 0 updated, 6 unchanged" in _run(env, "org", "import", "acme", str(people))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(chart("e9,Ivy,someday", header="employee_id,name,hired_on"))
    result = runner.invoke(app, ["org", "import", "acme", str(bad)], env=env)
    assert result.exit_code == 1
    assert "line 2" in result.output and "hired_on" in result.output
    bad.write_bytes(b'employee_id,name\ne9,"Ivy\ne10,Ian\ne11,Ida\n')
    result = runner.invoke(app, ["org", "import", "acme", str(bad)], env=env)
    assert result.exit_code == 1
    assert "line 2, field 'name'" in result.output and "never closed" in result.output
    _run(env, "org", "import", "nowhere", str(people), code=1)
    _run(env, "org", "import", "acme", str(tmp_path / "missing.csv"), code=1)
    assert "audit log intact: 3 entries" in _run(env, "audit", "verify")

    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2"))
    finally:
        engine.dispose()
    result = runner.invoke(app, ["audit", "verify"], env=env)
    assert result.exit_code == 1
    assert "entry 2: content was changed" in result.output and "NOT intact" in result.output


def test_org_erase_removes_a_person_and_keeps_the_audit_log_intact(
    env: dict[str, str], tmp_path: Path
) -> None:
    _run(env, "db", "upgrade")
    _run(env, "org", "create", "acme", "Acme Ltd")
    _run(env, "org", "create", "other", "Other Ltd")
    people = tmp_path / "people.csv"
    people.write_bytes(SMALL_CHART)
    _run(env, "org", "import", "acme", str(people))
    _run(env, "org", "import", "other", str(people))
    _run(env, "org", "erase", "acme", "e2", code=2)  # a reason is required
    declined = runner.invoke(
        app, ["org", "erase", "acme", "e2", "--reason", "x"], input="n\n", env=env
    )
    assert declined.exit_code == 1 and "Erase Ben Lead (e2) for good?" in declined.output
    out = _run(env, "org", "erase", "acme", "e2", "--reason", "Ben Lead asked", "--yes")
    assert "erased e2 of acme: recorded as erased:" in out
    _run(env, "org", "erase", "acme", "e2", "--reason", "again", "--yes", code=1)
    _run(env, "org", "erase", "acme", "nobody", "--reason", "x", "--yes", code=1)
    assert "audit log intact" in _run(env, "audit", "verify")
    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            names = connection.execute(
                sa.text(
                    "SELECT o.slug FROM people p JOIN organisations o ON o.id = p.org_id"
                    " WHERE p.employee_id = 'e2'"
                )
            ).scalars()
            assert list(names) == ["other"]
            payloads = connection.execute(sa.text("SELECT payload FROM audit_log")).scalars()
            assert not any("Ben Lead" in str(p) for p in payloads)
    finally:
        engine.dispose()
