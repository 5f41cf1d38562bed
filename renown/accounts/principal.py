"""Who is acting: the value every action and query receives instead of a raw account."""

from __future__ import annotations

from dataclasses import dataclass

from renown.core.errors import NotAllowed
from renown.core.roles import PEOPLE_ADMIN_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class Principal:
    """The signed-in account as authorisation sees it."""

    account_id: int
    org_id: int
    role: Role
    person_id: int | None
    email: str

    @property
    def sees_everyone(self) -> bool:
        """HR and admins see every person of their organisation."""
        return self.role in PEOPLE_ADMIN_ROLES

    @property
    def is_staff(self) -> bool:
        """Belongs to the organisation's own people (not a challenge-only role)."""
        return self.role in STAFF_ROLES

    def require_people_admin(self, refusal: str) -> None:
        """Refuse (NotAllowed, with ``refusal``) anyone but HR and administrators."""
        if not self.sees_everyone:
            raise NotAllowed(refusal)

    def require_staff(self, refusal: str) -> None:
        """Refuse (NotAllowed, with ``refusal``) roles outside the organisation's own people."""
        if not self.is_staff:
            raise NotAllowed(refusal)

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"account:{self.account_id}"


def account_of_actor(actor: str) -> int | None:
    """The account id of an audit actor ``account:<id>`` (:attr:`Principal.actor`), or
    ``None`` for any other actor (a job, the command line)."""
    number = actor.removeprefix("account:")
    if actor.startswith("account:") and number.isascii() and number.isdigit():
        return int(number)
    return None
