"""Roles people hold in renown, and what each one is for.

Roles are deliberately few and coarse: authorisation decisions name the roles they admit,
and anything not named is refused (default deny). Object-level rules (a manager sees only
their own reports) live in the domain queries, not here.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an account may do in its organisation."""

    EMPLOYEE = "employee"
    """Sees their own data, and colleagues who chose to appear publicly."""
    MANAGER = "manager"
    """An employee who also sees the people in their reporting line."""
    HR = "hr"
    """People-analytics and HR staff: see everyone, run imports and scoring."""
    RECRUITER = "recruiter"
    """Sees people who opted in to public visibility (and, later, the radar)."""
    ADMIN = "admin"
    """Runs the installation: accounts, audit log, everything HR can do."""
    SPONSOR = "sponsor"
    """Posts challenges (challenge pages only)."""
    MEMBER = "member"
    """Community member taking part in challenges (challenge pages only)."""


STAFF_ROLES = frozenset({Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.RECRUITER, Role.ADMIN})
"""Roles that belong to the organisation's own people and may see prominence pages."""

PEOPLE_ADMIN_ROLES = frozenset({Role.HR, Role.ADMIN})
"""Roles that see every person and may import, score and export for the organisation."""
