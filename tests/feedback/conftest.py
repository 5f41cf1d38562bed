"""A small organisation for feedback tests: a manager with twelve engineers, and outsiders.

    e0 (CEO)
    ├── e1 (engineering manager) ── p1 … p12 (team Platform: peers of each other)
    └── s1 (sales, another department: "other" to the engineers)

A second organisation with the same chart proves that nothing crosses tenants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.feedback.frameworks import do_seed_default_framework
from renown.org.actions import do_create_org, import_org_file
from renown.store import transaction
from tests.org.orgchart import chart, person_ids

START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)

ENGINEERS = [f"p{i}" for i in range(1, 13)]
LINES = [
    "e0,Erin Chief,erin@example.com,CEO,Board,Leadership,,2019-01-01,,false",
    "e1,Max Manager,max@example.com,EM,Platform,Engineering,e0,2019-01-01,,false",
    "s1,Sam Sales,sam@example.com,Sales,Sales Team,Sales,e0,2019-01-01,,false",
    *(
        f"{p},Eng {p.upper()},{p}@example.com,Engineer,Platform,Engineering,e1,2020-01-01,,false"
        for p in ENGINEERS
    ),
]


@dataclass
class Org:
    """Ids of one test organisation and principals for its people."""

    id: int
    ids: dict[str, int]
    other_id: int
    other_ids: dict[str, int]

    def as_(self, employee: str, role: Role = Role.EMPLOYEE, *, account: int = 1) -> Principal:
        """The principal of ``employee`` with ``role``."""
        return Principal(account, self.id, role, self.ids[employee], f"{employee}@example.com")

    def staff(self, role: Role) -> Principal:
        """An account with ``role`` and no person (HR, admin, sponsor...)."""
        return Principal(900, self.id, role, None, f"{role.value}@example.com")


@pytest.fixture
def org(db: sessionmaker[Session]) -> Org:
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme").id
        globex = do_create_org(session, "globex", "Globex").id
        for org_id in (acme, globex):
            import_org_file(session, org_id, chart(*LINES), "chart.csv", actor="test")
            do_seed_default_framework(session, org_id)
        return Org(acme, person_ids(session, acme), globex, person_ids(session, globex))


class Ticking:
    """A clock the test moves by hand (a FixedClock per step would do, this reads better)."""

    def __init__(self, start: datetime = START) -> None:
        self.instant = start

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)


@pytest.fixture
def clock() -> Ticking:
    return Ticking()
