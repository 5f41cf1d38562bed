"""Who does what in the challenges, by role (object-level rules live with each action).

* **Sponsors** post challenges, and so do HR and administrators (a challenge for a team of
  the organisation). A sponsor runs only the challenges it posted; an administrator may
  run any, as the installation's operator.
* **Participants** are community members, and employees and managers who take part in the
  community's challenges (their ratings then reach the promotion boards). HR, recruiters,
  sponsors and administrators do not compete: they see or run the challenges.
* **Reviewers** are named per challenge by its sponsor, from members, employees, managers
  and sponsors; nobody reviews a challenge they registered for.
"""

from __future__ import annotations

from typing import Final

from renown.core.roles import Role

POSTERS: Final = frozenset({Role.SPONSOR, Role.HR, Role.ADMIN})
PARTICIPANTS: Final = frozenset({Role.MEMBER, Role.EMPLOYEE, Role.MANAGER})
REVIEWER_ROLES: Final = frozenset({Role.MEMBER, Role.EMPLOYEE, Role.MANAGER, Role.SPONSOR})
OPERATORS: Final = frozenset({Role.ADMIN})
"""Run every challenge of the organisation (beside each challenge's own sponsor)."""
LEDGER_READERS: Final = frozenset({Role.HR, Role.ADMIN})
"""See the whole organisation's prize ledger."""
