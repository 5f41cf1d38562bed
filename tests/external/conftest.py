"""A small organisation for external prominence tests: six people with accounts, and HR.

Every person has an employee account (``principal(name)``); ``hr`` is an HR account
without a person. A second organisation with the same chart proves tenants never meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.org.actions import do_create_org, import_org_file
from renown.store import transaction
from tests.org.orgchart import chart, person_ids

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PEOPLE = ("ada", "bob", "cyd", "dee", "eve", "fay")
LINES = [
    f"{p},{p.title()} Person,{p}@example.com,Engineer,Platform,Engineering,,2020-01-01,,false"
    for p in PEOPLE
]


@dataclass
class ExternalOrg:
    """Ids and principals of the test organisation."""

    id: int
    ids: dict[str, int]
    principals: dict[str, Principal]
    other_id: int
    other: Principal

    def principal(self, name: str) -> Principal:
        """The employee account of person ``name``."""
        return self.principals[name]


@pytest.fixture
def org(db: sessionmaker[Session]) -> ExternalOrg:
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme").id
        globex = do_create_org(session, "globex", "Globex").id
        for org_id in (acme, globex):
            import_org_file(session, org_id, chart(*LINES), "chart.csv", actor="test")
        ids = person_ids(session, acme)
        principals = {
            name: principal_of(
                do_create_account(
                    session,
                    org_id=acme,
                    email=f"{name}@acme.example",
                    password=None,
                    role=Role.EMPLOYEE,
                    person_id=ids[name],
                )
            )
            for name in PEOPLE
        }
        principals["hr"] = principal_of(
            do_create_account(
                session, org_id=acme, email="hr@acme.example", password=None, role=Role.HR
            )
        )
        other = principal_of(
            do_create_account(
                session,
                org_id=globex,
                email="ada@globex.example",
                password=None,
                role=Role.EMPLOYEE,
                person_id=person_ids(session, globex)["ada"],
            )
        )
        return ExternalOrg(acme, ids, principals, globex, other)
