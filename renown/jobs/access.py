"""Who may start and read background jobs: HR and administrators, since jobs act on the
whole organisation. Callers refuse everyone else with
``principal.require_people_admin(PEOPLE_ADMINS_ONLY)``."""

from __future__ import annotations

from typing import Final

PEOPLE_ADMINS_ONLY: Final = "only HR and administrators start background jobs"
