"""A small organisation for job tests: org chart imported, accounts, an immediate queue.

Jobs run immediately (in the committing thread) so tests see their outcome at once; the
organisation is generated once per module because generating it takes a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.demo.org import SyntheticOrg, generate_org
from renown.jobs import JobQueue
from renown.org.actions import do_create_org, import_org_file
from renown.settings import Settings
from renown.store.engine import transaction
from renown.store.tables.org import Person
from renown.worker import make_queue

PEOPLE = 150
HRIS_COLUMNS = ("employee_id", "name", "email", "title", "team", "department", "manager_id")


@dataclass(frozen=True)
class Installation:
    """One organisation (``acme``) with HR and employee accounts, and a second one."""

    settings: Settings
    sessions: sessionmaker[Session]
    queue: JobQueue
    org_id: int
    hr: Principal
    employee: Principal
    other_hr: Principal

    @property
    def lake_dir(self) -> Path:
        return self.settings.org_lake_dir("acme")


@pytest.fixture(scope="module")
def synthetic() -> SyntheticOrg:
    return generate_org(people=PEOPLE, months=3, seed=11)


def org_chart_csv(people: pl.DataFrame) -> bytes:
    """The generated people as an HRIS export."""
    return (
        people.with_columns(pl.col("person_id").alias("employee_id"))
        .select(HRIS_COLUMNS)
        .write_csv()
        .encode()
    )


@pytest.fixture
def installation(
    db: sessionmaker[Session], database_url: str, tmp_path: Path, synthetic: SyntheticOrg
) -> Installation:
    settings = Settings(
        home=tmp_path / "home", database_url=database_url, secret_key="t", jobs_immediate=True
    )
    csv = org_chart_csv(synthetic.people)
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme")
        other = do_create_org(session, "other", "Other")
        import_org_file(session, acme.id, csv, "org.csv", actor="tests")
        first = synthetic.people["person_id"][0]
        person = session.scalar(
            sa.select(Person.id).where(Person.org_id == acme.id, Person.employee_id == first)
        )
        accounts = [
            do_create_account(
                session, org_id=acme.id, email="hr@acme.example", password=None, role=Role.HR
            ),
            do_create_account(
                session,
                org_id=acme.id,
                email="employee@acme.example",
                password=None,
                role=Role.EMPLOYEE,
                person_id=person,
            ),
            do_create_account(
                session, org_id=other.id, email="hr@other.example", password=None, role=Role.HR
            ),
        ]
        hr, employee, other_hr = (principal_of(a) for a in accounts)
        org_id = acme.id
    return Installation(
        settings=settings,
        sessions=db,
        queue=make_queue(settings, sessions=db),
        org_id=org_id,
        hr=hr,
        employee=employee,
        other_hr=other_hr,
    )
