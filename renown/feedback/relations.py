"""Who stands how to whom: the org chart decides relationships, and who manages whom.

The relationship of named or anonymous feedback is derived from the reporting line rather
than taken on trust: a manager who could call themselves a "peer" could give anonymous
feedback to their own report, which the issue forbids.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.feedback.model import Relationship
from renown.store.tables.org import Person

MAX_CHAIN = 64
"""Reporting lines deeper than this are treated as broken (and cycles end the walk)."""


def person_in_org(session: Session, org_id: int, person_id: int) -> Person:
    """A person of the organisation (NotFound otherwise, wherever they are)."""
    person = session.get(Person, person_id)
    if person is None or person.org_id != org_id:
        raise NotFound(f"no person {person_id}")
    return person


def manager_chain(session: Session, person: Person) -> list[int]:
    """Ids of everyone above ``person``, nearest first."""
    chain: list[int] = []
    current = person.manager_id
    while current is not None and current not in chain and len(chain) < MAX_CHAIN:
        chain.append(current)
        current = session.scalar(
            sa.select(Person.manager_id).where(Person.id == current, Person.org_id == person.org_id)
        )
    return chain


def derive_relationship(session: Session, giver: Person, receiver: Person) -> Relationship:
    """What the org chart says the giver is to the receiver."""
    if giver.id == receiver.id:
        return Relationship.SELF
    if giver.id in manager_chain(session, receiver):
        return Relationship.MANAGER
    if receiver.id in manager_chain(session, giver):
        return Relationship.REPORT
    same_manager = giver.manager_id is not None and giver.manager_id == receiver.manager_id
    same_team = giver.team_id is not None and giver.team_id == receiver.team_id
    return Relationship.PEER if same_manager or same_team else Relationship.OTHER


def checked_relationship(
    session: Session, giver: Person, receiver: Person, claimed: Relationship | None
) -> Relationship:
    """The claimed relationship if the org chart allows it, else the derived one.

    Reporting-line relationships (self, manager, report) are facts: they cannot be claimed
    without being true nor avoided when true. Between people outside each other's line,
    the giver may say "peer" or "other"; "client" is for outside raters only.
    """
    derived = derive_relationship(session, giver, receiver)
    if claimed is None or claimed is derived:
        return derived
    fixed = {Relationship.SELF, Relationship.MANAGER, Relationship.REPORT}
    if derived in fixed or claimed in fixed:
        raise Invalid(
            f"the org chart makes this {derived.value} feedback, not {claimed.value} feedback"
        )
    if claimed is Relationship.CLIENT:
        raise Invalid("client feedback comes from outside raters, not colleagues")
    return claimed


def is_manager_of(session: Session, principal: Principal, person: Person) -> bool:
    """True if the principal's person is above ``person`` in the reporting line."""
    return principal.person_id is not None and principal.person_id in manager_chain(session, person)


def acting_person(session: Session, principal: Principal) -> Person:
    """The principal's own person: feedback is given and asked by people, not bare accounts."""
    if not principal.is_staff:
        raise NotAllowed("this role takes no part in feedback")
    if principal.person_id is None:
        raise NotAllowed("this account is not linked to a person of the organisation")
    return person_in_org(session, principal.org_id, principal.person_id)
