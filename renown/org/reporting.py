"""The reporting line: who is above and who is below a person in the org chart.

Visibility (a manager sees their line), feedback (the org chart decides who is whose
manager) and promotion rounds (a manager's candidates) all ask the same question, so the
line is walked in one place, by one recursive query in either direction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown.store.tables.org import Person


def reporting_line_ids(org_id: int, person_id: int, *, upward: bool = False) -> sa.Select[int]:
    """Ids of ``person_id`` and everyone below them (``upward``: everyone above them).

    One recursive CTE (SQLite and PostgreSQL). ``UNION`` rather than ``UNION ALL`` makes the
    recursion stop even if stored reporting lines ever formed a cycle (the import refuses
    them, but the query must not hang).
    """
    start = (
        sa.select(Person.id, Person.manager_id)
        .where(Person.id == person_id, Person.org_id == org_id)
        .cte("reporting_line", recursive=True)
    )
    step = aliased(Person, name="next_in_line")
    linked = step.id == start.c.manager_id if upward else step.manager_id == start.c.id
    line = start.union(sa.select(step.id, step.manager_id).where(linked, step.org_id == org_id))
    return sa.select(line.c.id)


def manager_chain(session: Session, person: Person) -> set[int]:
    """Ids of everyone above ``person`` in the reporting line."""
    line = session.scalars(reporting_line_ids(person.org_id, person.id, upward=True))
    return set(line) - {person.id}
