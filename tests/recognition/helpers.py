"""A small organisation in the database, principals for its people, a settable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.store.tables.org import Person

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@dataclass
class MovableClock:
    """A clock tests move by hand."""

    instant: datetime = NOW

    def now(self) -> datetime:
        return self.instant


def make_org(session: Session, slug: str, employee_ids: list[str]) -> tuple[int, dict[str, int]]:
    """An organisation with one person per employee id; returns its id and the person ids."""
    org = do_create_org(session, slug, slug.title())
    people = [
        Person(org_id=org.id, employee_id=e, name=f"Person {e}", email=f"{e}@{slug}.example")
        for e in employee_ids
    ]
    session.add_all(people)
    session.flush()
    return org.id, {p.employee_id: p.id for p in people}


def principal(org_id: int, person_id: int | None, role: Role = Role.EMPLOYEE) -> Principal:
    """A principal for a person (account ids are not needed by recognition)."""
    return Principal(
        account_id=1000 + (person_id or 0),
        org_id=org_id,
        role=role,
        person_id=person_id,
        email=f"p{person_id}@example.com",
    )


def bulk_people(session: Session, org_id: int, employee_ids: list[str]) -> dict[str, int]:
    """Insert many people at once; returns employee id -> person id."""
    session.execute(
        sa.insert(Person),
        [
            {"org_id": org_id, "employee_id": e, "name": f"Person {e}", "email": f"{e}@x.example"}
            for e in employee_ids
        ],
    )
    return dict(
        session.execute(
            sa.select(Person.employee_id, Person.id).where(Person.org_id == org_id)
        ).all()
    )
