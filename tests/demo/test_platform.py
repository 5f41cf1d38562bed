"""The demo installation: seeded through the real import, ingest and scoring paths, idempotent,
and served by ``renown serve --demo`` with a printed sign-in for every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import renown.store.tables  # noqa: F401 - registers every table for the row counts
from renown.accounts.actions import authenticate
from renown.cli.app import app
from renown.core.roles import Role
from renown.demo.platform import DemoAccounts, demo_password, scoring_dates, seed_demo
from renown.ingest.lake import EventLake
from renown.settings import Settings
from renown.store import Base
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.scores import ScoringRun

PEOPLE = 120


def _row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def seeded(engine: sa.Engine, database_url: str, tmp_path: Path) -> tuple[Settings, DemoAccounts]:
    settings = Settings(home=tmp_path / "home", database_url=database_url, secret_key="t")
    return settings, seed_demo(settings, people=PEOPLE)


def test_seeding_twice_adds_nothing(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    settings, first = seeded
    counts = _row_counts(engine)
    lake_rows = EventLake(settings.org_lake_dir("demo")).stats().rows
    again = seed_demo(settings, people=PEOPLE)
    assert again == first
    assert _row_counts(engine) == counts
    assert EventLake(settings.org_lake_dir("demo")).stats().rows == lake_rows
    assert counts["people"] == PEOPLE and lake_rows > 0


def test_the_demo_is_scored_monthly_through_jobs(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    _settings, demo = seeded
    with sa.orm.Session(engine) as session:
        runs = session.scalars(sa.select(ScoringRun).order_by(ScoringRun.as_of)).all()
        assert [r.as_of for r in runs] == scoring_dates()
        assert all(0 < r.people_matched == r.people_scored <= PEOPLE for r in runs)
        assert runs[0].input_events < runs[-1].input_events
        jobs = session.scalars(sa.select(Job)).all()
        assert sorted(j.kind for j in jobs) == ["ingest"] + ["scoring"] * len(runs)
        assert {j.status for j in jobs} == {"done"}
        public = session.scalar(sa.select(sa.func.count()).where(Person.public_profile.is_(True)))
    assert demo.runs == len(runs) >= 3
    assert 0.15 * PEOPLE < (public or 0) < 0.45 * PEOPLE


def test_every_role_can_sign_in_and_the_manager_has_reports(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    _settings, demo = seeded
    assert [a.role for a in demo.accounts] == [
        Role.ADMIN,
        Role.HR,
        Role.MANAGER,
        Role.EMPLOYEE,
        Role.RECRUITER,
        Role.SPONSOR,
        Role.MEMBER,
    ]
    with sa.orm.Session(engine) as session, session.begin():
        principals = {a.role: authenticate(session, a.email, a.password) for a in demo.accounts}
        assert all(p is not None for p in principals.values())
        manager, employee = principals[Role.MANAGER], principals[Role.EMPLOYEE]
        assert manager is not None and manager.person_id is not None
        assert employee is not None and employee.person_id is not None
        reports = session.scalar(
            sa.select(sa.func.count()).where(Person.manager_id == manager.person_id)
        )
        assert (reports or 0) >= 3
        employee_row = session.get(Person, employee.person_id)
        assert employee_row is not None and employee_row.manager_id == manager.person_id
    assert demo_password(Role.HR) in {a.password for a in demo.accounts}


def test_serve_demo_migrates_seeds_prints_sign_ins_and_serves_on_localhost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_run(application: Any, **options: Any) -> None:
        served.update(options, app=application)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.delenv("RENOWN_DATABASE_URL", raising=False)
    home = tmp_path / "home"
    result = CliRunner().invoke(
        app, ["serve", "--demo", "--people", str(PEOPLE), "--no-worker", "--home", str(home)]
    )
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    for role in Role:
        assert demo_password(role) in result.output
    assert "admin@renown-demo.example" in result.output
    assert "http://127.0.0.1:8000/" in result.output
    assert (home / "renown.db").exists()
    assert served["app"].state.job_queue.immediate is False
