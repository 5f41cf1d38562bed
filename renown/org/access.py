"""Access helpers: the person a principal acts as, or may name, or a refusal.

Every domain fetches people the same way, so the rules are written once: a person of
another organisation is "not found" (its existence is not revealed), and an account acts
as a person only when it is staff and linked to a person of its own organisation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotAllowed, NotFound
from renown.store.tables.org import Person

NOT_LINKED = "this account is not linked to a person of the organisation"


def person_in_org(session: Session, org_id: int, person_id: int) -> Person:
    """A person of the organisation (NotFound otherwise, wherever they are)."""
    person = session.get(Person, person_id)
    if person is None or person.org_id != org_id:
        raise NotFound(f"no person {person_id}")
    return person


def access_person(session: Session, principal: Principal, person_id: int) -> Person:
    """A person of the principal's organisation (NotFound otherwise)."""
    return person_in_org(session, principal.org_id, person_id)


def own_person(session: Session, principal: Principal) -> Person | None:
    """The principal's own person, if the account is linked to one of its organisation."""
    if principal.person_id is None:
        return None
    person = session.get(Person, principal.person_id)
    return person if person is not None and person.org_id == principal.org_id else None


def access_acting_person(session: Session, principal: Principal, refusal: str) -> Person:
    """The principal's own person, who gives, asks and thanks: bare accounts may not.

    ``refusal`` says what a role outside the organisation's own people may not do.
    """
    principal.require_staff(refusal)
    person = own_person(session, principal)
    if person is None:
        raise NotAllowed(NOT_LINKED)
    return person
