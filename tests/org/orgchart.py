"""Small org charts and principals for the org, store and CLI tests."""

from __future__ import annotations

from functools import cache

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.demo.org import SyntheticOrg, generate_org
from renown.scoring.pipeline import ScoringResult, score_events
from renown.store.tables import Person

HEADER = "employee_id,name,email,title,team,department,manager_id,hired_on,left_on,public_profile"

SMALL_CHART = (
    HEADER
    + "\n"
    + "\n".join(
        [
            "e1,Ada Chief,ada@example.com,CEO,Board,Leadership,,2019-01-01,,false",
            "e2,Ben Lead,ben@example.com,VP Engineering,Eng Leads,Engineering,e1,2019-03-01,,no",
            "e3,Cleo Manager,cleo@example.com,Engineering Manager,Platform,Engineering,e2,"
            "2020-01-01,,0",
            "e4,Dan Dev,dan@example.com,Engineer,Platform,Engineering,e3,2021-05-01,,",
            "e5,Eve Sales,eve@example.com,Sales Director,Sales Team,Sales,e1,2019-06-01,,false",
            "e6,Finn Open,finn@example.com,Account Executive,Sales Team,Sales,e5,2022-02-01,,yes",
        ]
    )
    + "\n"
).encode()
"""A four-level reporting line (e1 > e2 > e3 > e4), a second branch, one public profile."""


def chart(*lines: str, header: str = HEADER) -> bytes:
    """CSV bytes of ``header`` and ``lines``."""
    return ("\n".join([header, *lines]) + "\n").encode()


def demo_chart(org: SyntheticOrg, *, public_every: int = 3) -> bytes:
    """The synthetic organisation's people as an HRIS export (every n-th profile public)."""
    people = org.people.with_row_index("i").select(
        pl.col("person_id").alias("employee_id"),
        "name",
        "email",
        "title",
        "team",
        "department",
        "manager_id",
        pl.col("hired_on").cast(pl.String),
        pl.col("left_on").cast(pl.String),
        (pl.col("i") % public_every == 0).alias("public_profile"),
    )
    return people.write_csv().encode()


def person_ids(session: Session, org_id: int) -> dict[str, int]:
    """Employee id -> person id of an organisation."""
    rows = session.execute(sa.select(Person.employee_id, Person.id).where(Person.org_id == org_id))
    return dict(rows.all())


def principal(
    role: Role, org_id: int, person_id: int | None = None, *, account_id: int = 1
) -> Principal:
    """A principal without an account row (queries only look at its fields)."""
    return Principal(
        account_id=account_id,
        org_id=org_id,
        role=role,
        person_id=person_id,
        email=f"{role.value}@example.com",
    )


@cache
def scored_demo() -> tuple[SyntheticOrg, ScoringResult]:
    """A 200-person synthetic organisation and its scoring run (computed once per process)."""
    org = generate_org(people=200, months=3)
    return org, score_events(org.events, groups=org.groups)
