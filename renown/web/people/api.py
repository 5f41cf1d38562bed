"""People, teams, leaderboard, profiles and the network map (reads only).

Which people a caller sees is decided in :mod:`renown.org.queries`; these routes only
admit the organisation's own staff roles and format the answers.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from renown.core.explanation import Explanation
from renown.org import queries
from renown.org.network_scope import ScopeKind, network_scope
from renown.org.queries import MAX_NETWORK
from renown.scoring.changes import latest_change_of
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import Limit, Offset, OptionalId, RowId, SearchText, UnitFilter
from renown.web.people.network_map import NetworkMap, build_map
from renown.web.people.shapes import (
    DepartmentOut,
    LeaderboardPage,
    PeoplePage,
    PersonOut,
    ProfileOut,
    TeamDetail,
    TeamOut,
)
from renown.web.policy import Staff

router = APIRouter(tags=["people"], route_class=StrictJsonRoute)
NetworkLimit = Annotated[int, Query(ge=1, le=MAX_NETWORK)]
"""A network map may draw a whole organisation of a few thousand people."""


@router.get("/people")
def list_people(
    principal: Staff,
    session: SessionDep,
    unit: UnitFilter,
    q: SearchText = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PeoplePage:
    """People the caller may see, optionally filtered."""
    page = queries.list_people(session, principal, q=q, limit=limit, offset=offset, **asdict(unit))
    return PeoplePage.model_validate(page)


@router.get("/people/{person_id}")
def get_person(person_id: RowId, principal: Staff, session: SessionDep) -> PersonOut:
    """One person (404 if the caller may not see them)."""
    return PersonOut.model_validate(queries.get_person(session, principal, person_id))


@router.get("/people/{person_id}/profile")
def get_profile(person_id: RowId, principal: Staff, session: SessionDep) -> ProfileOut:
    """Score, explanation, history over runs and top connections of one person."""
    profile = queries.profile(session, principal, person_id)
    snapshot = profile.snapshot
    return ProfileOut(
        person=PersonOut.model_validate(profile.person),
        score=snapshot.score if snapshot else None,
        rank=snapshot.rank if snapshot else None,
        trend=snapshot.trend if snapshot else None,
        change=latest_change_of(session, principal.org_id, profile.person.id),
        run_id=snapshot.run_id if snapshot else None,
        explanation=Explanation.from_dict(snapshot.explanation).redacted() if snapshot else None,
        history=list(profile.history),
        top_connections=list(profile.top_connections),
    )


@router.get("/leaderboard")
def leaderboard(
    principal: Staff,
    session: SessionDep,
    unit: UnitFilter,
    run_id: OptionalId = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> LeaderboardPage:
    """Scores of the people the caller may see, best first (latest run by default)."""
    board = queries.leaderboard(
        session, principal, run_id=run_id, limit=limit, offset=offset, **asdict(unit)
    )
    return LeaderboardPage.model_validate(board)


@router.get("/teams")
def list_teams(principal: Staff, session: SessionDep) -> list[TeamOut]:
    """Teams of the caller's organisation."""
    departments = {d.id: d.name for d in queries.list_departments(session, principal)}
    return [
        TeamOut(
            id=t.id,
            name=t.name,
            department=departments.get(t.department_id) if t.department_id else None,
            department_id=t.department_id,
        )
        for t in queries.list_teams(session, principal)
    ]


@router.get("/teams/{team_id}")
def get_team(team_id: RowId, principal: Staff, session: SessionDep) -> TeamDetail:
    """A team and the members the caller may see, with their latest scores."""
    return TeamDetail.model_validate(queries.get_team(session, principal, team_id))


@router.get("/departments")
def list_departments(principal: Staff, session: SessionDep) -> list[DepartmentOut]:
    """Departments of the caller's organisation."""
    return [DepartmentOut.model_validate(d) for d in queries.list_departments(session, principal)]


@router.get("/network")
def network(
    principal: Staff,
    session: SessionDep,
    unit: UnitFilter,
    scope: ScopeKind | None = None,
    limit: NetworkLimit = MAX_NETWORK,
) -> NetworkMap:
    """Who drives whose influence among the visible people of a team, a department or the
    organisation, placed in department clusters. Without ``team_id``, ``department_id`` or
    ``scope`` the map covers the viewer's own group (a manager's team, others' department)."""
    chosen = network_scope(session, principal, kind=scope, **asdict(unit))
    picture = queries.network(
        session,
        principal,
        limit=limit,
        team_id=chosen.unit_id if chosen.kind == ScopeKind.TEAM else None,
        department_id=chosen.unit_id if chosen.kind == ScopeKind.DEPARTMENT else None,
    )
    return build_map(picture, chosen, limit)
