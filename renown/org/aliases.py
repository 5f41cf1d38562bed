"""HR's choices about identifiers of uploaded events that name nobody the org chart knows.

An upload keyed by addresses the HRIS never listed would otherwise score strangers: the
uploader instead **maps** such an identifier to an existing person, **ignores** it (its
events are left out of scoring), or **adds** it as a new person of the organisation. Maps
and ignores are kept as :class:`~renown.store.tables.org.IdentityAlias` rows (a later
choice replaces an earlier one); an added person gets the identifier as employee id (and
as e-mail when it is one), so the org chart itself knows them from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.core.identities import EMAIL, EMPLOYEE_ID, lookup_key, normalise_email
from renown.org.identities import match_identities
from renown.store.tables.org import Identity, IdentityAlias, Person

Choice = Literal["map", "ignore", "add"]
CHOICES: Final[tuple[str, ...]] = get_args(Choice)
MAX_IDENTIFIER: Final = 320
MAX_NAME: Final = 200
MAX_EMPLOYEE_ID: Final = 100
ONLY_PEOPLE_ADMINS: Final = "only HR and administrators decide who an identifier names"


@dataclass(frozen=True)
class IdentifierChoice:
    """What was decided about one identifier."""

    identifier: str
    """The identifier as the events spell it."""
    choice: Choice
    """``map``, ``ignore`` or ``add``."""
    person_id: int | None
    """The person the identifier now names (none when ignored)."""
    person_name: str | None
    """That person's name."""


def check_choose_identifier(
    session: Session,
    principal: Principal,
    identifier: str,
    choice: str,
    *,
    person: str = "",
    name: str = "",
) -> IdentifierChoice:
    """Decide about an identifier no person owns (the caller commits).

    ``person`` names the person to map to by any identity they are known under (employee
    id, e-mail, handle); ``name`` is the new person's name when adding (default: the
    identifier). An identifier the org chart already knows is refused: its events match.
    """
    principal.require_people_admin(ONLY_PEOPLE_ADMINS)
    identifier = identifier.strip()
    key = lookup_key(identifier)
    if not key or len(key) > MAX_IDENTIFIER:
        raise Invalid(f"identifier must have 1 to {MAX_IDENTIFIER} characters")
    if choice not in CHOICES:
        raise Invalid(f"choice must be one of {', '.join(CHOICES)}, not {choice!r}")
    known = match_identities(session, principal.org_id, [identifier])
    if identifier in known.owners and identifier not in known.mapped:
        raise Invalid(f"{identifier!r} already names a person of the org chart")
    if choice == "map":
        target = _person_named(session, principal.org_id, person)
        _keep(session, principal, key, target.id)
        made = IdentifierChoice(identifier, "map", target.id, target.name)
    elif choice == "ignore":
        _keep(session, principal, key, None)
        made = IdentifierChoice(identifier, "ignore", None, None)
    else:
        added = _add_person(session, principal, identifier, key, name.strip() or identifier)
        made = IdentifierChoice(identifier, "add", added.id, added.name)
    audit.append_by(
        session,
        principal,
        "identity.choose",
        subject=f"org:{principal.org_id}",
        payload={"identifier": key, "choice": made.choice, "person_id": made.person_id},
    )
    return made


def _person_named(session: Session, org_id: int, reference: str) -> Person:
    """The person ``reference`` names (an identity of theirs), or a 422 saying why not."""
    reference = reference.strip()
    if not reference:
        raise Invalid("name the person to map to (employee id, e-mail or handle)")
    owners = match_identities(session, org_id, [reference]).owners
    found = session.get(Person, owners[reference]) if reference in owners else None
    if found is None or found.org_id != org_id:
        raise Invalid(f"no person of the organisation is known as {reference!r}")
    return found


def _keep(session: Session, principal: Principal, key: str, person_id: int | None) -> None:
    """Store (or replace) the choice for ``key``."""
    row = session.scalar(
        sa.select(IdentityAlias).where(
            IdentityAlias.org_id == principal.org_id, IdentityAlias.value == key
        )
    )
    if row is None:
        row = IdentityAlias(org_id=principal.org_id, value=key)
        session.add(row)
    row.person_id = person_id
    row.chosen_by = principal.actor
    session.flush()


def _add_person(
    session: Session, principal: Principal, identifier: str, key: str, name: str
) -> Person:
    """A new person known by ``identifier`` (as employee id, and as e-mail if it is one)."""
    if len(key) > MAX_EMPLOYEE_ID:
        raise Invalid(f"an added person's identifier has at most {MAX_EMPLOYEE_ID} characters")
    if len(name) > MAX_NAME:
        raise Invalid(f"a name has at most {MAX_NAME} characters")
    taken = session.scalar(
        sa.select(Person.id).where(Person.org_id == principal.org_id, Person.employee_id == key)
    )
    if taken is not None:
        raise Invalid(f"employee id {key!r} is already taken; map the identifier instead")
    email = normalise_email(identifier) if "@" in identifier.lstrip("@") else None
    added = Person(org_id=principal.org_id, employee_id=key, name=name, email=email)
    session.add(added)
    session.flush()
    session.add(Identity(org_id=principal.org_id, person_id=added.id, kind=EMPLOYEE_ID, value=key))
    if email is not None:
        session.add(Identity(org_id=principal.org_id, person_id=added.id, kind=EMAIL, value=email))
    session.execute(
        sa.delete(IdentityAlias).where(
            IdentityAlias.org_id == principal.org_id, IdentityAlias.value == key
        )
    )
    session.flush()
    return added
