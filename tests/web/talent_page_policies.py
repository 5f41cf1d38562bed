"""Declared policies of the promotion-board pages, merged into the role matrix's EXPECTED."""

from __future__ import annotations

STAFF = "roles:admin,employee,hr,manager,recruiter"
PEOPLE_ADMIN = "roles:admin,hr"
CALIBRATORS = "roles:admin,hr,manager"

TALENT_PAGE_POLICIES: dict[tuple[str, str], str] = {
    # --- E2: 9-box and calibration, bias audits, succession, demographics, imports ---
    ("GET", "/talent/rounds/{round_id}/ninebox"): CALIBRATORS,
    ("GET", "/talent/rounds/{round_id}/ninebox/shift"): CALIBRATORS,
    ("POST", "/talent/rounds/{round_id}/calibration"): PEOPLE_ADMIN,
    ("POST", "/talent/rounds/{round_id}/calibration/{session_id}/moves"): CALIBRATORS,
    ("POST", "/talent/rounds/{round_id}/calibration/{session_id}/close"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/audit"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/audit.csv"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/audit.pdf"): PEOPLE_ADMIN,
    ("GET", "/talent/audit/prominence"): PEOPLE_ADMIN,
    ("GET", "/talent/audit/prominence.csv"): PEOPLE_ADMIN,
    ("GET", "/talent/audit/prominence.pdf"): PEOPLE_ADMIN,
    ("GET", "/talent/succession"): PEOPLE_ADMIN,
    ("POST", "/talent/succession"): PEOPLE_ADMIN,
    ("GET", "/talent/succession/people-search"): PEOPLE_ADMIN,
    ("GET", "/talent/succession/{plan_id}"): PEOPLE_ADMIN,
    ("POST", "/talent/succession/{plan_id}/successors"): PEOPLE_ADMIN,
    ("POST", "/talent/succession/{plan_id}/successors/{person_id}/readiness"): PEOPLE_ADMIN,
    ("POST", "/talent/succession/{plan_id}/successors/{person_id}/remove"): PEOPLE_ADMIN,
    ("GET", "/me/demographics"): STAFF,
    ("POST", "/me/demographics"): STAFF,
    ("POST", "/me/demographics/forget"): STAFF,
    ("GET", "/talent/imports"): PEOPLE_ADMIN,
    ("POST", "/talent/imports/records"): PEOPLE_ADMIN,
    ("POST", "/talent/imports/demographics"): PEOPLE_ADMIN,
    # --- end of E2 ---
    # --- E1: promotion rounds, the board, what-if, sign-off, candidate view, appeals ---
    ("GET", "/talent"): STAFF,
    ("POST", "/talent/rounds"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}"): STAFF,
    ("POST", "/talent/rounds/{round_id}/candidates"): PEOPLE_ADMIN,
    ("POST", "/talent/rounds/{round_id}/config"): PEOPLE_ADMIN,
    ("POST", "/talent/rounds/{round_id}/decision"): PEOPLE_ADMIN,
    ("POST", "/talent/appeals/{appeal_id}/answer"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/whatif"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/whatif/table"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/me"): STAFF,
    ("POST", "/talent/rounds/{round_id}/appeals"): STAFF,
    # --- end of E1 ---
    # --- issue 17: the board's searchable person picker ---
    ("GET", "/talent/rounds/{round_id}/people-search"): PEOPLE_ADMIN,
    ("GET", "/talent/rounds/{round_id}/ninebox/people-search"): CALIBRATORS,
    # --- end of issue 17 ---
}
"""Pages under /talent (and /me/demographics)."""
