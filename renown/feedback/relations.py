"""Who stands how to whom: the org chart decides relationships, and who manages whom.

The relationship of named or anonymous feedback is derived from the reporting line rather
than taken on trust: a manager who could call themselves a "peer" could give anonymous
feedback to their own report, which the issue forbids.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid
from renown.feedback.vocabulary import Relationship
from renown.org.access import access_acting_person
from renown.org.reporting import manager_chain
from renown.store.tables.org import Person

STAFF_ONLY = "this role takes no part in feedback"


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
    return access_acting_person(session, principal, STAFF_ONLY)
