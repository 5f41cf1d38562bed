"""Org actions: create an organisation, import its org chart, set a person's visibility.

Each public ``check_*`` authorises and validates, then calls the matching ``do_*`` that
writes data and the audit entry in the caller's transaction.

Import semantics, chosen for how HRIS exports behave in practice:

- Everything is validated (file contents, managers, identities owned by someone else)
  before the first write, so a rejected file leaves the database as it was.
- People are matched by ``(organisation, employee_id)``; importing the same file twice
  changes nothing (only the ``org.import`` audit entry records that it happened).
- People missing from a later file are **not** deleted or marked as leavers: exports are
  often partial (one department, one country). Leavers are recorded through ``left_on``.
- Identities are only ever added: an old e-mail address still matches historic events.
- ``public_profile`` from the file is used only when a person is first created (consent
  collected at onboarding); afterwards the flag is the person's own choice
  (:func:`check_set_public_profile`) and an import never overrides it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import InputError, Invalid, NotAllowed, NotFound
from renown.org.access import access_person
from renown.org.hris import MAX_PROBLEMS, ORG_CHART, HrisErrors, HrisRow, parse_hris, row_identities
from renown.org.results import ImportReport
from renown.store.tables.org import Department, Identity, Organisation, Person, Team

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PERSON_FIELDS = (
    "name",
    "email",
    "title",
    "hired_on",
    "left_on",
)
Manager = aliased(Person, name="manager")


def do_create_org(session: Session, slug: str, name: str, *, actor: str = "system") -> Organisation:
    """Create an organisation (no authorisation: for the CLI, set-up and tests)."""
    slug = slug.strip().lower()
    name = name.strip()
    if not _SLUG.match(slug):
        raise Invalid(f"organisation slug {slug!r} must be lower-case letters, digits and '-'")
    if not name or len(name) > 200:
        raise Invalid("an organisation needs a name of 1 to 200 characters")
    if session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise Invalid(f"an organisation {slug!r} already exists")
    org = Organisation(slug=slug, name=name)
    session.add(org)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="org.create",
        subject=f"org:{org.id}",
        payload={"slug": slug, "name": name},
        org_id=org.id,
    )
    return org


def org_by_slug(session: Session, slug: str) -> Organisation:
    """The organisation called ``slug`` (NotFound otherwise)."""
    org = session.scalar(sa.select(Organisation).where(Organisation.slug == slug.strip().lower()))
    if org is None:
        raise NotFound(f"no organisation {slug!r}")
    return org


def check_import_org(
    session: Session, principal: Principal, data: bytes, source: str
) -> ImportReport:
    """HR and admins import their own organisation's org chart."""
    principal.require_people_admin("only HR and administrators import the org chart")
    return import_org_file(session, principal.org_id, data, source, actor=principal.actor)


def import_org_file(
    session: Session, org_id: int, data: bytes, source: str, *, actor: str
) -> ImportReport:
    """Parse ``data`` against the people already stored, then import it (no authorisation)."""
    stored = dict(
        session.execute(
            sa.select(Person.employee_id, Manager.employee_id)
            .outerjoin(Manager, Manager.id == Person.manager_id)
            .where(Person.org_id == org_id)
        ).all()
    )
    rows = parse_hris(data, source=source, known_employee_ids=stored)
    fingerprint = hashlib.sha256(data).hexdigest()
    return do_import_org(session, org_id, rows, actor, source=source, fingerprint=fingerprint)


def do_import_org(
    session: Session,
    org_id: int,
    rows: Sequence[HrisRow],
    actor: str,
    *,
    source: str = "org chart",
    fingerprint: str | None = None,
) -> ImportReport:
    """Upsert departments, teams, people, reporting lines and identities from ``rows``."""
    people = {
        p.employee_id: p for p in session.scalars(sa.select(Person).where(Person.org_id == org_id))
    }
    owners = {
        (kind, value): person_id
        for kind, value, person_id in session.execute(
            sa.select(Identity.kind, Identity.value, Identity.person_id).where(
                Identity.org_id == org_id
            )
        ).all()
    }
    _validate_against_store(rows, people, owners, source)

    departments = _upsert_named(session, Department, org_id, {r.department for r in rows})
    teams = _upsert_teams(session, org_id, rows, departments)
    created = 0
    new_people: list[Person] = []
    changed_people: set[str] = set()
    for row in rows:
        values = {
            "name": row.name,
            "email": row.email,
            "title": row.title,
            "hired_on": row.hired_on,
            "left_on": row.left_on,
        }
        team_id = teams[row.team].id if row.team else None
        department_id = departments[row.department].id if row.department else None
        person = people.get(row.employee_id)
        if person is None:
            person = Person(
                org_id=org_id,
                employee_id=row.employee_id,
                team_id=team_id,
                department_id=department_id,
                public_profile=row.public_profile,
                **values,
            )
            session.add(person)
            people[row.employee_id] = person
            new_people.append(person)
            created += 1
            continue
        changed = False
        for name in _PERSON_FIELDS:
            if getattr(person, name) != values[name]:
                setattr(person, name, values[name])
                changed = True
        if (person.team_id, person.department_id) != (team_id, department_id):
            person.team_id, person.department_id = team_id, department_id
            changed = True
        if changed:
            changed_people.add(row.employee_id)
    session.flush()

    # Second pass: every manager now has an id.
    fresh = {p.employee_id for p in new_people}
    for row in rows:
        person = people[row.employee_id]
        manager_id = people[row.manager_id].id if row.manager_id else None
        if person.manager_id != manager_id:
            person.manager_id = manager_id
            if row.employee_id not in fresh:
                changed_people.add(row.employee_id)
    updated = len(changed_people)
    unchanged = len(rows) - created - updated

    added = 0
    for row in rows:
        person = people[row.employee_id]
        for kind, value, _field in row_identities(row):
            if (kind, value) not in owners:
                session.add(Identity(org_id=org_id, person_id=person.id, kind=kind, value=value))
                owners[kind, value] = person.id
                added += 1
    session.flush()
    report = ImportReport(
        created=created, updated=updated, unchanged=unchanged, identities_added=added
    )
    audit.append(
        session,
        actor=actor,
        action="org.import",
        subject=f"org:{org_id}",
        payload={
            "source": source,
            "fingerprint": fingerprint,
            "rows": len(rows),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "identities_added": added,
        },
        org_id=org_id,
    )
    return report


def _validate_against_store(
    rows: Sequence[HrisRow],
    people: dict[str, Person],
    owners: dict[tuple[str, str], int],
    source: str,
) -> None:
    """Identities claimed by someone else and unknown managers, before anything is written."""
    by_id = {p.id: p.employee_id for p in people.values()}
    in_file = {row.employee_id for row in rows}
    problems: list[InputError] = []
    for row in rows:
        if row.manager_id and row.manager_id not in in_file and row.manager_id not in people:
            problems.append(
                InputError(
                    source,
                    f"manager {row.manager_id!r} is neither in this file nor already known",
                    line=row.line,
                    field="manager_id",
                )
            )
        for kind, value, field in row_identities(row):
            owner = owners.get((kind, value))
            if owner is not None and by_id.get(owner) != row.employee_id:
                problems.append(
                    InputError(
                        source,
                        f"{kind} {value!r} already belongs to another person "
                        f"({by_id.get(owner, 'unknown')})",
                        line=row.line,
                        field=field,
                    )
                )
    if problems:
        raise HrisErrors(
            source, ORG_CHART, problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        )


def _upsert_named(
    session: Session, table: type[Department], org_id: int, names: set[str | None]
) -> dict[str, Department]:
    """Departments by name, creating the missing ones."""
    wanted = {n for n in names if n}
    existing = {
        d.name: d
        for d in session.scalars(
            sa.select(table).where(table.org_id == org_id, table.name.in_(wanted))
        )
    }
    for name in sorted(wanted - existing.keys()):
        existing[name] = table(org_id=org_id, name=name)
        session.add(existing[name])
    session.flush()
    return existing


def _upsert_teams(
    session: Session, org_id: int, rows: Sequence[HrisRow], departments: dict[str, Department]
) -> dict[str, Team]:
    """Teams by name, each moved to the department its rows give (the file is the truth)."""
    department_of = {row.team: row.department for row in rows if row.team}
    existing = {
        t.name: t
        for t in session.scalars(
            sa.select(Team).where(Team.org_id == org_id, Team.name.in_(department_of.keys()))
        )
    }
    for name in sorted(department_of):
        department = department_of[name]
        department_id = departments[department].id if department else None
        team = existing.get(name)
        if team is None:
            existing[name] = Team(org_id=org_id, name=name, department_id=department_id)
            session.add(existing[name])
        elif team.department_id != department_id:
            team.department_id = department_id
    session.flush()
    return existing


def check_set_public_profile(
    session: Session, principal: Principal, person_id: int, public: bool
) -> Person:
    """A person opts in to (or out of) public visibility; nobody may decide it for them.

    Someone else's person in the same organisation is refused (NotAllowed, since the
    principal may know the person exists); one in another organisation is NotFound.
    """
    person = access_person(session, principal, person_id)
    if principal.person_id != person_id:
        raise NotAllowed("only the person themselves may change whether their profile is public")
    return do_set_public_profile(session, person, public, actor=principal.actor)


def do_set_public_profile(session: Session, person: Person, public: bool, *, actor: str) -> Person:
    """Record the person's choice (audited only when it changes)."""
    if person.public_profile != public:
        person.public_profile = public
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="person.public_profile",
            subject=f"person:{person.id}",
            payload={"public": public},
            org_id=person.org_id,
        )
    return person
