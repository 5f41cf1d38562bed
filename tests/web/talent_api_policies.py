"""Declared policies of the promotion-board API routes, merged into the role matrix's EXPECTED."""

from __future__ import annotations

STAFF = "roles:admin,employee,hr,manager,recruiter"
PEOPLE_ADMIN = "roles:admin,hr"
CALIBRATORS = "roles:admin,hr,manager"

TALENT_API_POLICIES: dict[tuple[str, str], str] = {
    # Rounds and the board (what a board shows is decided by renown.talent)
    ("GET", "/api/v1/talent/criteria"): STAFF,
    ("GET", "/api/v1/talent/rounds"): STAFF,
    ("GET", "/api/v1/talent/rounds/{round_id}/people"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/rounds"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}"): STAFF,
    ("PUT", "/api/v1/talent/rounds/{round_id}"): PEOPLE_ADMIN,
    ("PUT", "/api/v1/talent/rounds/{round_id}/candidates/{person_id}"): PEOPLE_ADMIN,
    # What-if, the 9-box and calibration
    ("GET", "/api/v1/talent/rounds/{round_id}/whatif"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}/ninebox"): CALIBRATORS,
    ("POST", "/api/v1/talent/rounds/{round_id}/calibration"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/rounds/{round_id}/calibration/{session_id}/moves"): CALIBRATORS,
    ("POST", "/api/v1/talent/rounds/{round_id}/calibration/{session_id}/close"): PEOPLE_ADMIN,
    # Sign-off, a candidate's own explanation, appeals
    ("POST", "/api/v1/talent/rounds/{round_id}/decision"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}/decision"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}/me"): STAFF,
    ("POST", "/api/v1/talent/rounds/{round_id}/appeals"): STAFF,
    ("GET", "/api/v1/talent/rounds/{round_id}/appeals"): STAFF,
    ("POST", "/api/v1/talent/appeals/{appeal_id}/answer"): PEOPLE_ADMIN,
    # Bias audits (aggregates only) and the data they read
    ("GET", "/api/v1/talent/rounds/{round_id}/audit"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}/audit.csv"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/rounds/{round_id}/audit.pdf"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/audit/prominence"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/audit/prominence.csv"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/audit/prominence.pdf"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/records/import"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/demographics/import"): PEOPLE_ADMIN,
    # The caller's own demographic answers (no route takes anyone else's person id)
    ("GET", "/api/v1/me/demographics"): STAFF,
    ("PUT", "/api/v1/me/demographics"): STAFF,
    ("DELETE", "/api/v1/me/demographics"): STAFF,
    # Succession charts (HR's)
    ("GET", "/api/v1/talent/succession"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/succession"): PEOPLE_ADMIN,
    ("GET", "/api/v1/talent/succession/{plan_id}"): PEOPLE_ADMIN,
    ("POST", "/api/v1/talent/succession/{plan_id}/successors"): PEOPLE_ADMIN,
    ("PUT", "/api/v1/talent/succession/{plan_id}/successors/{person_id}"): PEOPLE_ADMIN,
    ("DELETE", "/api/v1/talent/succession/{plan_id}/successors/{person_id}"): PEOPLE_ADMIN,
}
"""API routes under /api/v1/talent (and /api/v1/me/demographics)."""
