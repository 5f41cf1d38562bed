"""A small organisation for talent tests: twelve people in four departments, and a twin.

    e0 (CEO, Leadership)
    ├── e1 (VP Engineering) ── e2 (Engineering manager) ── p1 … p5 (team Platform)
    ├── s1 (Sales director) ── s2, s3 (team Sales Team)
    └── h1 (HR partner, People)

p5 has no hire date. A second organisation with the same chart (same employee ids) proves
that nothing crosses tenants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.feedback.frameworks import do_seed_default_framework
from renown.org.actions import do_create_org, import_org_file
from renown.store import transaction
from tests.org.orgchart import chart, person_ids

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENGINEERS = [f"p{i}" for i in range(1, 6)]
LINES = [
    "e0,Erin Chief,erin@example.com,CEO,Board,Leadership,,2015-01-01,,false",
    "e1,Vic Eng,vic@example.com,VP Engineering,Eng Leads,Engineering,e0,2016-06-01,,false",
    "e2,Max Manager,max@example.com,EM,Platform,Engineering,e1,2018-03-01,,false",
    *(
        f"{p},Eng {p.upper()},{p}@example.com,Engineer,Platform,Engineering,e2,"
        f"{'' if p == 'p5' else f'20{18 + i}-01-01'},,false"
        for i, p in enumerate(ENGINEERS)
    ),
    "s1,Sam Sales,sam@example.com,Sales Director,Sales Team,Sales,e0,2017-01-01,,false",
    "s2,Sue Seller,sue@example.com,Account Executive,Sales Team,Sales,s1,2021-04-01,,false",
    "s3,Sid Seller,sid@example.com,Account Executive,Sales Team,Sales,s1,2022-09-01,,false",
    "h1,Hana People,hana@example.com,HR Partner,People Team,People,e0,2020-01-01,,false",
]


@dataclass
class TalentOrg:
    """Ids of the test organisation (and its twin) and principals for its people."""

    id: int
    ids: dict[str, int]
    other_id: int
    other_ids: dict[str, int]

    def as_(self, employee: str, role: Role = Role.EMPLOYEE, *, account: int = 1) -> Principal:
        """The principal of ``employee`` with ``role``."""
        return Principal(account, self.id, role, self.ids[employee], f"{employee}@example.com")

    def staff(self, role: Role = Role.HR) -> Principal:
        """An account with ``role`` and no person (HR, admin...)."""
        return Principal(900, self.id, role, None, f"{role.value}@example.com")

    def other_staff(self, role: Role = Role.HR) -> Principal:
        """An account with ``role`` in the twin organisation."""
        return Principal(901, self.other_id, role, None, f"other-{role.value}@example.com")


@pytest.fixture
def org(db: sessionmaker[Session]) -> TalentOrg:
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme").id
        globex = do_create_org(session, "globex", "Globex").id
        for org_id in (acme, globex):
            import_org_file(session, org_id, chart(*LINES), "chart.csv", actor="test")
            do_seed_default_framework(session, org_id)
        return TalentOrg(acme, person_ids(session, acme), globex, person_ids(session, globex))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)
