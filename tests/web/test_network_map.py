"""The network map's API and page: what a viewer sees first (their own team or department),
widening to the whole organisation, the colour range over the scores drawn, and the
department clusters the server lays out."""

from __future__ import annotations

import math
import re
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.org.network_scope import default_scope
from renown.store.tables.org import Department, Person
from renown.store.tables.scores import ScoreSnapshot
from tests.web.conftest import Platform

API = "/api/v1/network"
HTML = {"accept": "text/html"}


def _map(platform: Platform, role: Role, query: str = "") -> dict[str, Any]:
    answer = platform.browser(role).get(API + query)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def _person(platform: Platform, person_id: int) -> Person:
    with platform.sessions() as session:
        person = session.get(Person, person_id)
        assert person is not None
        session.expunge(person)
        return person


def _scored_in(platform: Platform, **where: int | None) -> set[int]:
    """Everyone of acme scored in the run, optionally in one team or department."""
    with platform.sessions() as session:
        query = (
            sa.select(Person.id)
            .join(ScoreSnapshot, ScoreSnapshot.person_id == Person.id)
            .where(ScoreSnapshot.run_id == platform.run_id)
        )
        for column, value in where.items():
            query = query.where(getattr(Person, column) == value)
        return set(session.scalars(query))


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.HR, Role.ADMIN, Role.RECRUITER])
def test_staff_first_see_their_own_department(platform: Platform, role: Role) -> None:
    me = _person(platform, platform.members[role].person_id)  # type: ignore[arg-type]
    data = _map(platform, role)
    assert data["scope"]["kind"] == "department"
    assert data["scope"]["unit_id"] == me.department_id
    with platform.sessions() as session:
        department = session.get(Department, me.department_id)
        assert department is not None
        assert data["scope"]["name"] == department.name
    ids = {node["id"] for node in data["nodes"]}
    assert ids and ids <= _scored_in(platform, department_id=me.department_id)
    assert {node["department"] for node in data["nodes"]} == {department.name}


def test_a_manager_first_sees_their_own_team(platform: Platform) -> None:
    me = _person(platform, platform.cast.manager)
    data = _map(platform, Role.MANAGER)
    assert data["scope"]["kind"] == "team"
    assert data["scope"]["unit_id"] == me.team_id
    ids = {node["id"] for node in data["nodes"]}
    assert platform.cast.manager in ids
    assert ids <= _scored_in(platform, team_id=me.team_id)


def test_an_account_without_a_person_starts_with_the_largest_department(
    platform: Platform,
) -> None:
    with platform.sessions() as session:
        hr = Principal(
            account_id=platform.members[Role.HR].account_id,
            org_id=platform.acme_id,
            role=Role.HR,
            person_id=None,
            email="hr@acme.example",
        )
        scope = default_scope(session, hr)
        sizes = dict(
            session.execute(
                sa.select(Person.department_id, sa.func.count(Person.id))
                .where(Person.org_id == platform.acme_id, Person.department_id.is_not(None))
                .group_by(Person.department_id)
            ).all()
        )
    assert scope.kind == "department"
    assert sizes[scope.unit_id] == max(sizes.values())


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.MEMBER])
def test_roles_outside_the_staff_get_no_map(platform: Platform, role: Role) -> None:
    assert platform.browser(role).get(API).status_code == 403
    assert platform.browser(role).get(API + "?scope=organisation").status_code == 403


def test_hr_widens_to_the_whole_organisation_in_department_clusters(platform: Platform) -> None:
    data = _map(platform, Role.HR, "?scope=organisation&limit=5000")
    assert data["scope"] == {"kind": "organisation", "unit_id": None, "name": "Whole organisation"}
    everyone = _scored_in(platform)
    assert {node["id"] for node in data["nodes"]} == everyone
    assert len(data["departments"]) > 1
    assert sum(d["people"] for d in data["departments"]) == len(everyone)
    discs = {d["id"]: d for d in data["departments"]}
    for node in data["nodes"]:
        disc = discs[node["department_id"]]
        assert math.dist((node["x"], node["y"]), (disc["x"], disc["y"])) <= disc["radius"]
    for a in data["departments"]:
        for b in data["departments"]:
            if a is not b:
                assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) > a["radius"] + b["radius"]
    best = {}
    for node in data["nodes"]:
        best.setdefault(node["department_id"], node)
    for department_id, node in best.items():
        disc = discs[department_id]
        assert (node["x"], node["y"]) == (disc["x"], disc["y"]), "best score at the centre"


def test_an_employee_widening_still_sees_only_visible_people(platform: Platform) -> None:
    data = _map(platform, Role.EMPLOYEE, "?scope=organisation")
    with platform.sessions() as session:
        public = set(
            session.scalars(
                sa.select(Person.id).where(Person.org_id == platform.acme_id, Person.public_profile)
            )
        )
    ids = {node["id"] for node in data["nodes"]}
    assert platform.cast.employee in ids
    assert ids <= public | {platform.cast.employee}
    assert platform.cast.private not in ids


def test_the_colour_range_is_the_lowest_and_highest_score_drawn(platform: Platform) -> None:
    ranges = set()
    for team in sorted(set(platform.team_of.values())):
        answer = platform.browser(Role.HR).get(f"{API}?team_id={team}")
        if answer.status_code != 200 or not answer.json()["nodes"]:
            continue
        data = answer.json()
        scores = [node["score"] for node in data["nodes"]]
        assert data["scores"] == {"low": min(scores), "high": max(scores)}
        ranges.add((min(scores), max(scores)))
    assert ranges and any(r != (1, 100) for r in ranges)


def test_an_empty_map_has_no_colour_range(platform: Platform) -> None:
    with platform.sessions() as session:
        empty = Department(org_id=platform.acme_id, name="Nobody here yet")
        session.add(empty)
        session.commit()
        department_id = empty.id
    data = _map(platform, Role.HR, f"?department_id={department_id}")
    assert data["nodes"] == [] and data["scores"] is None
    assert data["scope"]["name"] == "Nobody here yet"


def test_another_organisations_team_is_not_found(platform: Platform) -> None:
    other_team = platform.team_of[platform.cast.other_person]
    assert platform.browser(Role.HR).get(f"{API}?team_id={other_team}").status_code == 404


def test_the_limit_reaches_a_few_thousand_people(platform: Platform) -> None:
    assert platform.browser(Role.HR).get(f"{API}?scope=organisation&limit=3000").status_code == 200
    assert platform.browser(Role.HR).get(f"{API}?limit=5001").status_code == 422
    small = _map(platform, Role.HR, "?scope=organisation&limit=5")
    assert len(small["nodes"]) == 5 and small["limit"] == 5


def _source(html: str) -> str:
    found = re.search(r'data-source="([^"]+)"', html)
    assert found is not None
    return unescape(found.group(1))


def _current(html: str) -> list[str]:
    """The scope links marked as the page shown."""
    return re.findall(r'<a href="(/network\?[^"]+)" aria-current="page">', html)


def test_the_page_offers_the_viewers_groups_and_the_whole_organisation(
    platform: Platform,
) -> None:
    me = _person(platform, platform.cast.manager)
    html = platform.browser(Role.MANAGER).get("/network", headers=HTML).text
    links = dict(re.findall(r'<a href="(/network\?[^"]+)"[^>]*>([^<]+)</a>', html))
    assert links[f"/network?team_id={me.team_id}"].startswith("Your team: ")
    assert links[f"/network?department_id={me.department_id}"].startswith("Your department: ")
    assert links["/network?scope=organisation"] == "Whole organisation"
    assert _current(html) == [f"/network?team_id={me.team_id}"]
    assert f"team_id={me.team_id}" in _source(html)
    wide = platform.browser(Role.MANAGER).get("/network?scope=organisation", headers=HTML).text
    assert "scope=organisation" in _source(wide) and "limit=5000" in _source(wide)
    assert _current(wide) == ["/network?scope=organisation"]
    assert "/static/network.js" in wide and "/static/cytoscape-3.34.4.min.js" in wide
