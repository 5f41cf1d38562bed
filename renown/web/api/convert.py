"""Table rows and query views -> API shapes."""

from __future__ import annotations

from renown.store.tables.org import Person
from renown.web.api.schemas import PersonOut


def person_out(person: Person) -> PersonOut:
    """Public shape of a person (never identities or protected attributes)."""
    return PersonOut(
        id=person.id,
        employee_id=person.employee_id,
        name=person.name,
        email=person.email,
        title=person.title,
        team=person.team.name if person.team else None,
        team_id=person.team_id,
        department=person.department.name if person.department else None,
        department_id=person.department_id,
        manager_id=person.manager_id,
        hired_on=person.hired_on,
        left_on=person.left_on,
        public_profile=person.public_profile,
    )
