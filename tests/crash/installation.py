"""The installation the crash rounds write to: an organisation, its people, and accounts.

It is seeded the way the demo is (:mod:`renown.demo.platform`): the people arrive as an
HRIS export through the org-chart import, and their interaction history is appended to the
organisation's event lake so that scoring runs have something to score. Every client gets
its own account and bearer token, as a script talking to the API would.

The employees who write feedback and kudos are people without reports: their feedback to
anyone else may be anonymous (only a manager's word must be named), so every write the
clients send is one the server should accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.actions import check_issue_token, do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.demo.platform import hris_export
from renown.ingest.lake import EventLake
from renown.org.actions import do_create_org, import_org_file
from renown.recognition.actions import MAX_ALLOWANCE, check_set_limits
from renown.settings import Settings
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.migrate import upgrade
from renown.store.tables.accounts import Account
from renown.store.tables.org import Person
from tests.conftest import scratch_database

ORG_SLUG = "crash"
SECRET_KEY = "crash-harness-fixed-secret"
"""Fixed so that every restart of the server signs sessions alike (no key file races)."""
EMAIL_DOMAIN = "crash.example"


@dataclass(frozen=True)
class Writer:
    """An account the clients act as, with its bearer token (and person, for employees)."""

    email: str
    token: str
    person_id: int | None


@dataclass(frozen=True)
class Installation:
    """A seeded store and what the clients need to write to it."""

    kind: str
    """``sqlite`` or ``postgresql``."""
    home: Path
    database_url: str
    org_chart: bytes
    """The HRIS export the organisation was imported from (re-imported by the clients)."""
    employees: tuple[Writer, ...]
    hr: Writer
    admin: Writer
    receivers: tuple[int, ...]
    """Person ids of everyone still employed (who can receive feedback and kudos)."""
    employee_ids: tuple[str, ...]
    """Employee ids of the people (what events and new people's managers refer to)."""
    window: tuple[date, date]
    """First and last day of the seeded interaction history."""

    @property
    def settings(self) -> Settings:
        """Settings of this installation, as the server and worker read them."""
        return Settings(home=self.home, database_url=self.database_url, secret_key=SECRET_KEY)


@contextmanager
def seeded(kind: str, folder: Path, *, people: int, employees: int) -> Iterator[Installation]:
    """A fresh database of ``kind`` under ``folder``, seeded; dropped afterwards."""
    with scratch_database(kind, folder) as url:
        yield seed(kind, url, folder / "home", people=people, employees=employees)


def seed(kind: str, database_url: str, home: Path, *, people: int, employees: int) -> Installation:
    """Migrate ``database_url`` and fill it (fails if it is not empty)."""
    org = generate_org(people=people, months=3, seed=23)
    chart = hris_export(org.people)
    settings = Settings(home=home, database_url=database_url, secret_key=SECRET_KEY)
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            org_id = do_create_org(session, ORG_SLUG, "Crash Test Ltd").id
            import_org_file(session, org_id, chart, "org-chart.csv", actor="system")
        with transaction(sessions) as session:
            person_of = dict(
                session.execute(
                    sa.select(Person.employee_id, Person.id).where(Person.org_id == org_id)
                ).all()
            )
            writers = _leaves(org.people)[:employees]
            employee_writers = tuple(
                _writer(session, org_id, f"writer{i}", Role.EMPLOYEE, person_of[employee_id])
                for i, employee_id in enumerate(writers)
            )
            hr = _writer(session, org_id, "hr", Role.HR, None)
            admin = _writer(session, org_id, "admin", Role.ADMIN, None)
            # Kudos limits as high as they go: the clients give far more than ten a month.
            check_set_limits(
                session,
                _principal(session, hr.email),
                monthly_allowance=MAX_ALLOWANCE,
                pair_cap=MAX_ALLOWANCE,
                clock=SystemClock(),
            )
            staying = org.people.filter(pl.col("left_on").is_null())["person_id"].to_list()
            receivers = tuple(person_of[e] for e in staying)
    finally:
        engine.dispose()
    EventLake(settings.org_lake_dir(ORG_SLUG)).append(org.events)
    stamps = org.events["timestamp"]
    return Installation(
        kind=kind,
        home=home,
        database_url=database_url,
        org_chart=chart,
        employees=employee_writers,
        hr=hr,
        admin=admin,
        receivers=receivers,
        employee_ids=tuple(org.people["person_id"].to_list()),
        window=(stamps.min().date(), stamps.max().date()),
    )


def _leaves(people: pl.DataFrame) -> list[str]:
    """Employee ids of people nobody reports to and who have not left, sorted."""
    managers = set(people["manager_id"].drop_nulls().to_list())
    staying = people.filter(pl.col("left_on").is_null())["person_id"].to_list()
    return sorted(p for p in staying if p not in managers)


def _writer(session: Session, org_id: int, name: str, role: Role, person: int | None) -> Writer:
    email = f"{name}@{EMAIL_DOMAIN}"
    account = do_create_account(
        session, org_id=org_id, email=email, password=None, role=role, person_id=person
    )
    _row, token = check_issue_token(session, principal_of(account), "crash harness")
    return Writer(email=email, token=token, person_id=person)


def _principal(session: Session, email: str) -> Principal:
    account = session.scalar(sa.select(Account).where(Account.email == email))
    assert account is not None
    return principal_of(account)
