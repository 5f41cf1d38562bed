"""The demo installation: seeded through the real import, ingest and scoring paths, idempotent,
and served by ``renown serve --demo`` with a printed sign-in for every role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import renown.store.tables  # noqa: F401 - registers every table for the row counts
from renown.accounts.actions import authenticate
from renown.accounts.principal import Principal
from renown.cli.app import app
from renown.core.roles import Role
from renown.demo.platform import DemoAccounts, demo_password, scoring_dates, seed_demo
from renown.feedback import queries as feedback
from renown.ingest.lake import EventLake
from renown.recognition import queries as recognition
from renown.settings import Settings
from renown.store import Base
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward, Kudos, KudosComment, KudosReaction
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
    assert counts["kudos"] > 0 and counts["feedback_items"] > 0 and counts["badge_awards"] > 0
    # The recruiter signs in to a populated radar: histories, estimates, outreach under way.
    assert counts["radar_snapshots"] > 0 and counts["radar_predictions"] > 0
    assert counts["radar_outreach"] > 0


def test_the_demo_is_scored_monthly_through_jobs(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    _settings, demo = seeded
    with sa.orm.Session(engine) as session:
        runs = session.scalars(sa.select(ScoringRun).order_by(ScoringRun.as_of)).all()
        assert [r.as_of for r in runs] == scoring_dates()
        assert all(0 < r.people_matched == r.people_scored <= PEOPLE for r in runs)
        assert runs[0].input_events < runs[-1].input_events
        jobs = session.scalars(sa.select(Job).order_by(Job.id)).all()
        # ... and once the histories are stored, the recruiter radar is scored by its job.
        assert [j.kind for j in jobs] == ["ingest", "recognition"] + ["scoring"] * len(runs) + [
            "radar"
        ]
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


def _signed_in(demo: DemoAccounts, session: sa.orm.Session, role: Role) -> Principal:
    account = next(a for a in demo.accounts if a.role is role)
    principal = authenticate(session, account.email, account.password)
    assert principal is not None and principal.person_id is not None
    return principal


def test_the_demo_employee_has_feedback_kudos_badges_and_an_open_request(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    _settings, demo = seeded
    with sa.orm.Session(engine) as session, session.begin():
        employee = _signed_in(demo, session, Role.EMPLOYEE)
        manager = _signed_in(demo, session, Role.MANAGER)
        assert employee.person_id is not None
        mine = feedback.received(session, employee)
        assert mine.named and mine.aggregates  # an anonymous release of at least 5 givers
        assert all(group.givers >= mine.threshold >= 5 for group in mine.aggregates)
        # shared with managers: the manager sees the aggregate too, never the givers
        overseen = feedback.about_person(session, manager, employee.person_id)
        assert overseen.aggregates
        kudos = recognition.kudos_received(session, employee, employee.person_id)
        assert kudos.total >= 5 and kudos.items
        badges = {b.badge for b in recognition.badges_of(session, employee, employee.person_id)}
        assert {"first-kudos", "appreciator"} <= badges
        assert [r.requester_name for r in feedback.pending(session, employee)]
        holders = session.scalar(sa.select(sa.func.count(sa.distinct(BadgeAward.person_id))))
        assert (holders or 0) >= 5
        assert session.scalar(sa.select(sa.func.count()).select_from(KudosReaction))
        assert session.scalar(sa.select(sa.func.count()).select_from(KudosComment))


def test_kudos_respect_the_limits_and_reach_the_scores(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    settings, _demo = seeded
    with sa.orm.Session(engine) as session:
        kudos = session.execute(sa.select(Kudos.giver_id, Kudos.receiver_id, Kudos.created_at))
        frame = pl.DataFrame(
            kudos.all(), schema=["giver", "receiver", "at"], orient="row"
        ).with_columns(pl.col("at").dt.strftime("%Y-%m").alias("month"))
        latest = session.scalar(sa.select(ScoringRun).order_by(ScoringRun.as_of.desc()).limit(1))
    assert frame.filter(pl.col("giver") == pl.col("receiver")).height == 0
    assert frame.group_by("giver", "month").len().get_column("len").max() <= 10  # allowance
    assert frame.group_by("giver", "receiver", "month").len().get_column("len").max() <= 3
    lake = EventLake(settings.org_lake_dir("demo")).scan().collect()
    channels = lake.group_by("channel").len()
    recognised = channels.filter(pl.col("channel").is_in(["kudos", "feedback"]))
    assert set(recognised.get_column("channel")) == {"kudos", "feedback"}
    assert latest is not None and latest.input_events == lake.height  # kudos counted in scores


def test_the_demo_has_a_challenge_community_with_winners_paid_and_owed(
    seeded: tuple[Settings, DemoAccounts], engine: sa.Engine
) -> None:
    from renown.store.tables.accounts import Account
    from renown.store.tables.challenges import (
        Challenge,
        ChallengeResult,
        PrizeLedgerEntry,
        SkillRating,
    )

    with engine.connect() as connection:
        phases = sorted(connection.scalars(sa.select(Challenge.phase)))
        assert phases.count("completed") == 6
        assert {"registration", "review"} <= set(phases)
        member = connection.scalar(sa.select(Account.id).where(Account.email.like("member@%")))
        assert connection.scalar(
            sa.select(sa.func.count()).where(ChallengeResult.account_id == member)
        )
        paid = list(connection.scalars(sa.select(PrizeLedgerEntry.paid_at)))
        assert any(paid) and not all(paid)
        assert connection.scalar(sa.select(sa.func.count()).select_from(SkillRating)) > 10
