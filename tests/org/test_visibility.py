"""Who sees whom: per role, down a reporting line, and never across organisations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import NotAllowed, NotFound
from renown.core.roles import Role
from renown.org import queries
from renown.org.actions import do_create_org, import_org_file
from renown.store import transaction
from renown.store.tables import Person, Team
from tests.org.orgchart import SMALL_CHART, person_ids, principal


@pytest.fixture
def orgs(db: sessionmaker[Session]) -> tuple[int, dict[str, int], int, dict[str, int]]:
    """Two organisations with the same small chart: (org, ids, other org, other ids)."""
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme").id
        globex = do_create_org(session, "globex", "Globex").id
        import_org_file(session, acme, SMALL_CHART, "a.csv", actor="test")
        import_org_file(session, globex, SMALL_CHART, "b.csv", actor="test")
        return acme, person_ids(session, acme), globex, person_ids(session, globex)


def _visible(session: Session, role: Role, org: int, person: int | None) -> set[int]:
    clause = queries.visible_person_ids_clause(principal(role, org, person))
    return set(session.scalars(sa.select(Person.id).where(clause)))


def _names(ids: dict[str, int], *employee_ids: str) -> set[int]:
    return {ids[e] for e in employee_ids}


def test_visibility_per_role(
    session: Session, orgs: tuple[int, dict[str, int], int, dict[str, int]]
) -> None:
    org, ids, _other, _ = orgs
    everyone = set(ids.values())
    assert _visible(session, Role.HR, org, None) == everyone
    assert _visible(session, Role.ADMIN, org, ids["e4"]) == everyone
    # e1 > e2 > e3 > e4: the top manager sees three levels down, and the other branch.
    assert _visible(session, Role.MANAGER, org, ids["e1"]) == everyone
    assert _visible(session, Role.MANAGER, org, ids["e2"]) == _names(ids, "e2", "e3", "e4", "e6")
    assert _visible(session, Role.MANAGER, org, ids["e3"]) == _names(ids, "e3", "e4", "e6")
    assert _visible(session, Role.EMPLOYEE, org, ids["e4"]) == _names(ids, "e4", "e6")
    # An employee account of a manager sees no reports: the role decides, not the chart.
    assert _visible(session, Role.EMPLOYEE, org, ids["e2"]) == _names(ids, "e2", "e6")
    assert _visible(session, Role.RECRUITER, org, None) == _names(ids, "e6")
    assert _visible(session, Role.MANAGER, org, None) == _names(ids, "e6")


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.MEMBER])
def test_challenge_roles_see_no_people(
    session: Session, orgs: tuple[int, dict[str, int], int, dict[str, int]], role: Role
) -> None:
    org, ids, _, _ = orgs
    who = principal(role, org)
    for call in (
        lambda: queries.visible_person_ids_clause(who),
        lambda: queries.get_person(session, who, ids["e6"]),
        lambda: queries.list_people(session, who),
        lambda: queries.leaderboard(session, who),
        lambda: queries.profile(session, who, ids["e6"]),
        lambda: queries.network(session, who),
        lambda: queries.list_teams(session, who),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_invisible_and_foreign_people_are_not_found(
    session: Session, orgs: tuple[int, dict[str, int], int, dict[str, int]]
) -> None:
    org, ids, _other, foreign = orgs
    employee = principal(Role.EMPLOYEE, org, ids["e4"])
    assert queries.get_person(session, employee, ids["e6"]).name == "Finn Open"
    with pytest.raises(NotFound):
        queries.get_person(session, employee, ids["e3"])
    hr = principal(Role.HR, org)
    with pytest.raises(NotFound):
        queries.get_person(session, hr, foreign["e6"])
    with pytest.raises(NotFound):
        queries.profile(session, hr, foreign["e1"])
    foreign_team = session.scalar(sa.select(Team.id).where(Team.org_id != org).limit(1))
    assert foreign_team is not None
    with pytest.raises(NotFound):
        queries.get_team(session, hr, foreign_team)


def test_list_people_search_filters_and_pages(
    session: Session, orgs: tuple[int, dict[str, int], int, dict[str, int]]
) -> None:
    org, ids, _, _ = orgs
    hr = principal(Role.HR, org)
    page = queries.list_people(session, hr, limit=4)
    assert page.total == 6 and [p.name for p in page.items][:2] == ["Ada Chief", "Ben Lead"]
    assert page.has_more and not queries.list_people(session, hr, offset=4).has_more
    assert [p.name for p in queries.list_people(session, hr, q="ENGINEER").items] == [
        "Ben Lead",
        "Cleo Manager",
        "Dan Dev",
    ]
    assert [p.name for p in queries.list_people(session, hr, q="eve@EXAMPLE").items] == [
        "Eve Sales"
    ]
    assert queries.list_people(session, hr, q="100%_").total == 0
    dan = session.get(Person, ids["e4"])
    assert dan is not None
    by_team = queries.list_people(session, hr, team_id=dan.team_id)
    assert {p.name for p in by_team.items} == {"Cleo Manager", "Dan Dev"}
    employee = principal(Role.EMPLOYEE, org, ids["e4"])
    assert {p.name for p in queries.list_people(session, employee).items} == {
        "Dan Dev",
        "Finn Open",
    }


def test_teams_departments_and_reports(
    session: Session, orgs: tuple[int, dict[str, int], int, dict[str, int]]
) -> None:
    org, ids, _, _ = orgs
    manager = principal(Role.MANAGER, org, ids["e2"])
    assert [t.name for t in queries.list_teams(session, manager)] == [
        "Board",
        "Eng Leads",
        "Platform",
        "Sales Team",
    ]
    assert [d.name for d in queries.list_departments(session, manager)] == [
        "Engineering",
        "Leadership",
        "Sales",
    ]
    assert [p.name for p in queries.reports_of(session, manager)] == ["Cleo Manager", "Dan Dev"]
    assert [p.name for p in queries.reports_of(session, manager, direct_only=True)] == [
        "Cleo Manager"
    ]
    assert queries.reports_of(session, principal(Role.HR, org)) == []
    board = session.scalar(sa.select(Team.id).where(Team.org_id == org, Team.name == "Board"))
    assert board is not None
    view = queries.get_team(session, manager, board)
    assert view.department == "Leadership" and view.members == []  # e1 is above e2
    sales = session.scalar(sa.select(Team.id).where(Team.org_id == org, Team.name == "Sales Team"))
    assert sales is not None
    view = queries.get_team(session, manager, sales)
    assert [(m.name, m.score) for m in view.members] == [("Finn Open", None)]
