"""Which people a network map covers, and what it covers when the viewer has not chosen.

A whole organisation of thousands of people is unreadable as a first picture, so a map
starts with the viewer's own group and offers to widen: a manager starts with their own
team (the people they lead), everyone else with a person record starts with their
department, and an account with no person (an HR or administrator login) starts with the
department that has the most people it may see. Only when there is no such group does the
map start with the whole organisation.

Teams and departments are structure, not people (every staff role lists them), so naming
one reveals nothing; a team or department of another organisation is "not found".
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.core.roles import Role
from renown.org.queries import STAFF_ONLY, visible_person_ids_clause
from renown.org.results import NetworkScope
from renown.store.tables.org import Department, Person, Team

__all__ = ["ORGANISATION", "ScopeKind", "default_scope", "network_scope", "own_units"]

ORGANISATION = "Whole organisation"


class ScopeKind(StrEnum):
    """How far a map reaches: one team, one department, or everyone the viewer may see."""

    TEAM = "team"
    DEPARTMENT = "department"
    ORGANISATION = "organisation"


def own_units(session: Session, principal: Principal) -> tuple[Team | None, Department | None]:
    """The viewer's own team and department (``None`` without a person or a unit)."""
    if principal.person_id is None:
        return None, None
    me = session.scalar(
        sa.select(Person).where(Person.id == principal.person_id, Person.org_id == principal.org_id)
    )
    if me is None:
        return None, None
    return me.team, me.department


def _largest_department(session: Session, principal: Principal) -> Department | None:
    """The department holding the most people the viewer may see (ties: by name)."""
    row = session.execute(
        sa.select(Department)
        .join(Person, Person.department_id == Department.id)
        .where(Department.org_id == principal.org_id, visible_person_ids_clause(principal))
        .group_by(Department.id)
        .order_by(sa.func.count(Person.id).desc(), Department.name, Department.id)
        .limit(1)
    ).scalar_one_or_none()
    return row


def default_scope(session: Session, principal: Principal) -> NetworkScope:
    """The first picture for this viewer (see the module's docstring for the rule)."""
    principal.require_staff(STAFF_ONLY)
    team, department = own_units(session, principal)
    if principal.role is Role.MANAGER and team is not None:
        return NetworkScope(ScopeKind.TEAM, team.id, team.name)
    if department is not None:
        return NetworkScope(ScopeKind.DEPARTMENT, department.id, department.name)
    if team is not None:
        return NetworkScope(ScopeKind.TEAM, team.id, team.name)
    if principal.person_id is None:
        largest = _largest_department(session, principal)
        if largest is not None:
            return NetworkScope(ScopeKind.DEPARTMENT, largest.id, largest.name)
    return NetworkScope(ScopeKind.ORGANISATION, None, ORGANISATION)


def network_scope(
    session: Session,
    principal: Principal,
    *,
    team_id: int | None = None,
    department_id: int | None = None,
    kind: ScopeKind | None = None,
) -> NetworkScope:
    """The scope asked for: a team id wins over a department id, which wins over ``kind``
    (the viewer's own team, own department or the whole organisation); nothing asked for
    gives :func:`default_scope`."""
    principal.require_staff(STAFF_ONLY)
    if team_id is not None:
        team = session.scalar(
            sa.select(Team).where(Team.id == team_id, Team.org_id == principal.org_id)
        )
        if team is None:
            raise NotFound(f"no team {team_id}")
        return NetworkScope(ScopeKind.TEAM, team.id, team.name)
    if department_id is not None:
        department = session.scalar(
            sa.select(Department).where(
                Department.id == department_id, Department.org_id == principal.org_id
            )
        )
        if department is None:
            raise NotFound(f"no department {department_id}")
        return NetworkScope(ScopeKind.DEPARTMENT, department.id, department.name)
    if kind is ScopeKind.ORGANISATION:
        return NetworkScope(ScopeKind.ORGANISATION, None, ORGANISATION)
    team, department = own_units(session, principal)
    if kind is ScopeKind.TEAM and team is not None:
        return NetworkScope(ScopeKind.TEAM, team.id, team.name)
    if kind is ScopeKind.DEPARTMENT and department is not None:
        return NetworkScope(ScopeKind.DEPARTMENT, department.id, department.name)
    return default_scope(session, principal)
