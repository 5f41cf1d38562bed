"""Who may start and read background jobs: HR and administrators, since jobs act on the
whole organisation."""

from __future__ import annotations

from renown.accounts.principal import Principal
from renown.core.errors import NotAllowed


def require_people_admin(principal: Principal) -> None:
    """HR and administrators only (background jobs act on the whole organisation)."""
    if not principal.sees_everyone:
        raise NotAllowed("only HR and administrators start background jobs")
