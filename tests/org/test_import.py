"""Importing org charts: upserts, idempotency, all-or-nothing, identity conflicts, consent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.audit import entries
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.org.actions import (
    check_import_org,
    check_set_public_profile,
    do_create_org,
    import_org_file,
)
from renown.store import transaction
from renown.store.tables import AuditEntry, Department, Identity, Person, Team
from tests.org.orgchart import HEADER, SMALL_CHART, chart, person_ids, principal

TABLES = (Department, Team, Person, Identity, AuditEntry)


def _counts(session: Session) -> dict[str, int]:
    return {
        t.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(t)) or 0
        for t in TABLES
    }


def _org(db: sessionmaker[Session], slug: str = "acme") -> int:
    with transaction(db) as session:
        return do_create_org(session, slug, slug.title()).id


def test_import_creates_people_structure_reporting_lines_and_identities(
    db: sessionmaker[Session],
) -> None:
    org = _org(db)
    hr = principal(Role.HR, org)
    with transaction(db) as session:
        report = check_import_org(session, hr, SMALL_CHART, "people.csv")
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert report.identities_added == 12  # employee id + e-mail each
    with db() as session:
        ids = person_ids(session, org)
        dan = session.get(Person, ids["e4"])
        assert dan is not None and dan.manager_id == ids["e3"]
        assert dan.team is not None and dan.team.name == "Platform"
        assert dan.department is not None and dan.department.name == "Engineering"
        platform = session.scalar(sa.select(Team).where(Team.name == "Platform"))
        assert platform is not None and platform.department_id == dan.department_id
        finn = session.get(Person, ids["e6"])
        assert finn is not None and finn.public_profile
        kinds = session.execute(
            sa.select(Identity.kind, Identity.value).where(Identity.person_id == ids["e4"])
        ).all()
        assert sorted(kinds) == [("email", "dan@example.com"), ("employee_id", "e4")]
        [entry] = [e for e in entries(session) if e.action == "org.import"]
        assert entry.actor == hr.actor and entry.payload["created"] == 6


def test_importing_the_same_file_twice_changes_nothing(db: sessionmaker[Session]) -> None:
    org = _org(db)
    hr = principal(Role.ADMIN, org)
    with transaction(db) as session:
        check_import_org(session, hr, SMALL_CHART, "people.csv")
    with db() as session:
        before = _counts(session)
    with transaction(db) as session:
        report = check_import_org(session, hr, SMALL_CHART, "people.csv")
    assert (report.created, report.updated, report.unchanged, report.identities_added) == (
        0,
        0,
        6,
        0,
    )
    with db() as session:
        after = _counts(session)
    assert after == {**before, "audit_log": before["audit_log"] + 1}


def test_changes_are_updates_and_missing_people_are_kept(db: sessionmaker[Session]) -> None:
    org = _org(db)
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    partial = chart(
        "e4,Dan Dev,dan@example.com,Senior Engineer,Platform,Engineering,e3,2021-05-01,,",
        "e5,Eve Sales,eve@example.com,Sales Director,Sales Team,Sales,e2,2019-06-01,,",
        "e7,Gil New,gil@example.com,Engineer,Platform,Engineering,e4,2024-01-01,,",
    )
    with transaction(db) as session:
        report = import_org_file(session, org, partial, "v2.csv", actor="test")
    assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
    with db() as session:
        ids = person_ids(session, org)
        assert len(ids) == 7  # e1..e3 and e6 are not in v2 and stay
        dan = session.get(Person, ids["e4"])
        eve = session.get(Person, ids["e5"])
        gil = session.get(Person, ids["e7"])
        assert dan is not None and dan.title == "Senior Engineer"
        assert eve is not None and eve.manager_id == ids["e2"]
        assert gil is not None and gil.manager_id == ids["e4"]


def test_a_new_team_department_moves_the_team(db: sessionmaker[Session]) -> None:
    org = _org(db)
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    moved = chart("e6,Finn Open,finn@example.com,AE,Sales Team,Revenue,e5,2022-02-01,,yes")
    with transaction(db) as session:
        import_org_file(session, org, moved, "v2.csv", actor="test")
    with db() as session:
        team = session.scalar(sa.select(Team).where(Team.name == "Sales Team"))
        revenue = session.scalar(sa.select(Department).where(Department.name == "Revenue"))
        assert team is not None and revenue is not None and team.department_id == revenue.id


BAD_FILES = [
    pytest.param(chart("e9,Ivy,", header="employee_id,name,email"), id="ok-control"),
    pytest.param(chart("e9,Ivy", header="employee_id,name,title"), id="short-row"),
    pytest.param(chart("e9", header="employee_id"), id="missing-column"),
    pytest.param(chart("e9,,,,,,,,,"), id="empty-name"),
    pytest.param(chart("e9,Ivy,,,,,,,,", "e9,Ivo,,,,,,,,"), id="duplicate-id"),
    pytest.param(chart("e9,Ivy,,,,,,2024-02-30,,"), id="bad-date"),
    pytest.param(chart("e9,Ivy,,,,,,2024-02-01,2024-01-01,"), id="left-before-hired"),
    pytest.param(chart("e9,Ivy,,,,,,,,sometimes"), id="bad-boolean"),
    pytest.param(chart("e9,Ivy,,,,,e404,,,"), id="unknown-manager"),
    pytest.param(chart("e1,Ada Chief,,,,,e4,,,"), id="cycle-through-stored-people"),
    pytest.param(b"employee_id,name\ne9,\xff\n", id="bad-utf8"),
    pytest.param(
        chart("e9,Ivy,bad-handle", header="employee_id,name,handles"), id="malformed-handle"
    ),
    pytest.param(chart("e9,Ivy,ada@example.com,,,,,,,"), id="identity-owned-by-someone-else"),
]


@pytest.mark.parametrize("data", BAD_FILES)
def test_a_rejected_file_writes_nothing(db: sessionmaker[Session], data: bytes) -> None:
    org = _org(db)
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    with db() as session:
        before = _counts(session)
    valid = data.startswith(b"employee_id,name,email\n")  # the first case is a control
    if valid:
        with transaction(db) as session:
            import_org_file(session, org, data, "bad.csv", actor="test")
        with db() as session:
            assert _counts(session)["people"] == before["people"] + 1
        return
    with pytest.raises(InputError) as caught, transaction(db) as session:
        import_org_file(session, org, data, "bad.csv", actor="test")
    assert "bad.csv" in str(caught.value) and caught.value.line is not None
    assert f"line {caught.value.line}" in str(caught.value)
    with db() as session:
        assert _counts(session) == before


def test_identity_conflict_names_line_and_field(db: sessionmaker[Session]) -> None:
    org = _org(db)
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    data = chart(
        "e8,Hal,hal@example.com,DAN@example.com,chat:hal",
        header="employee_id,name,email,aliases,handles",
    )
    with pytest.raises(InputError) as caught, transaction(db) as session:
        import_org_file(session, org, data, "aliases.csv", actor="test")
    assert (caught.value.line, caught.value.field) == (2, "aliases")
    assert "dan@example.com" in str(caught.value) and "e4" in str(caught.value)


def test_the_same_identity_in_another_organisation_is_no_conflict(
    db: sessionmaker[Session],
) -> None:
    first, second = _org(db, "acme"), _org(db, "globex")
    with transaction(db) as session:
        import_org_file(session, first, SMALL_CHART, "a.csv", actor="test")
        report = import_org_file(session, second, SMALL_CHART, "b.csv", actor="test")
    assert report.created == 6


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER, Role.SPONSOR])
def test_only_hr_and_admins_import(db: sessionmaker[Session], role: Role) -> None:
    org = _org(db)
    with pytest.raises(NotAllowed), transaction(db) as session:
        check_import_org(session, principal(role, org), SMALL_CHART, "people.csv")


def test_organisation_slugs_are_checked_and_unique(db: sessionmaker[Session]) -> None:
    _org(db, "acme")
    for slug in ("acme", "Not A Slug", ""):
        with pytest.raises(Invalid), transaction(db) as session:
            do_create_org(session, slug, "Name")


def test_only_the_person_chooses_a_public_profile(db: sessionmaker[Session]) -> None:
    org, other_org = _org(db, "acme"), _org(db, "globex")
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
        import_org_file(session, other_org, SMALL_CHART, "v1.csv", actor="test")
        ids = person_ids(session, org)
        foreign = person_ids(session, other_org)
    with transaction(db) as session:
        person = check_set_public_profile(
            session, principal(Role.EMPLOYEE, org, ids["e4"]), ids["e4"], True
        )
        assert person.public_profile
    for role in (Role.HR, Role.ADMIN, Role.MANAGER):
        with pytest.raises(NotAllowed), transaction(db) as session:
            check_set_public_profile(session, principal(role, org, ids["e1"]), ids["e4"], False)
    with pytest.raises(NotFound), transaction(db) as session:
        check_set_public_profile(session, principal(Role.HR, org), foreign["e4"], True)
    # A later import does not override the person's own choice.
    with transaction(db) as session:
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    with db() as session:
        dan = session.get(Person, ids["e4"])
        assert dan is not None and dan.public_profile
        actions = [e.action for e in entries(session, org_id=org)]
        assert actions.count("person.public_profile") == 1


def test_header_constant_matches_small_chart() -> None:
    assert SMALL_CHART.decode().splitlines()[0] == HEADER
