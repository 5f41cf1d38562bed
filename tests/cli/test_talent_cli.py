"""``renown talent``: imports from the shell (idempotent, located errors) and audit reports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renown.accounts.principal import Principal
from renown.cli.app import app
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.org.actions import org_by_slug
from renown.store import make_engine, session_factory, transaction
from renown.talent.rounds import Eligibility, RoundConfig, check_open_round
from tests.org.orgchart import SMALL_CHART

runner = CliRunner()
RECORDS = (
    "employee_id,period,performance_rating,level,in_role_since\n"
    "e2,2026,5,L5,2021-01-01\n"
    "e3,2026,4,L4,2022-01-01\n"
    "e4,2026,3,L2,2023-01-01\n"
)
DEMOGRAPHICS = "employee_id,sex,race_ethnicity\ne2,male,White\ne3,female,Asian\ne4,,\n"


@pytest.fixture
def env(scratch_url: str, tmp_path: Path) -> dict[str, str]:
    return {"RENOWN_HOME": str(tmp_path / "home"), "RENOWN_DATABASE_URL": scratch_url}


def _run(env: dict[str, str], *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_imports_and_audit_report(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "db", "upgrade")
    _run(env, "org", "create", "acme", "Acme Ltd")
    chart = tmp_path / "people.csv"
    extra = "".join(
        f"\nx{i},Extra {i},x{i}@example.com,Engineer,Platform,Engineering,e3,2022-01-01,,"
        for i in range(6)
    )
    chart.write_bytes(SMALL_CHART + extra.encode())
    _run(env, "org", "import", "acme", str(chart))
    records = tmp_path / "records.csv"
    records.write_text(RECORDS)
    first = _run(env, "talent", "import-records", "acme", str(records))
    assert "0 updated, 0 unchanged" in first and "0 added" not in first
    assert " 0 added, 0 updated" in _run(env, "talent", "import-records", "acme", str(records))
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_id,period,performance_rating\ne2,2026,7\n")
    out = _run(env, "talent", "import-records", "acme", str(bad), code=1)
    assert "line 2" in out and "performance_rating" in out
    people = tmp_path / "demographics.csv"
    people.write_text(DEMOGRAPHICS)
    _run(env, "talent", "import-demographics", "acme", str(people))

    engine = make_engine(env["RENOWN_DATABASE_URL"])
    try:
        with transaction(session_factory(engine)) as session:
            org = org_by_slug(session, "acme")
            round_id = check_open_round(
                session,
                Principal(1, org.id, Role.HR, None, "hr@example.com"),
                name="Senior 2026",
                target="Senior",
                eligibility=Eligibility(),
                config=RoundConfig(top_n=2),
                clock=FixedClock(datetime.now(UTC)),
            ).id
    finally:
        engine.dispose()
    csv_out, pdf_out = tmp_path / "audit.csv", tmp_path / "audit.pdf"
    assert "sections" in _run(env, "talent", "audit", "acme", str(round_id), "--out", str(csv_out))
    assert "# title: Bias audit: Senior 2026" in csv_out.read_text()
    _run(env, "talent", "audit", "acme", str(round_id), "--out", str(pdf_out))
    assert pdf_out.read_bytes().startswith(b"%PDF")
    _run(env, "talent", "audit", "acme", "999", "--out", str(pdf_out), code=1)
    assert "audit log intact" in _run(env, "audit", "verify")
