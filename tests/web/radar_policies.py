"""The radar routes for the role matrix: their policies, and a filler that makes an external
prospect (with a snapshot) in the member's organisation or the other one.

Recruiters, HR and admins work the prospect list; the flight-risk view and its bias audit are
HR's and admins' (a recruiter never sees members' flight risk); the policy is the admin's;
a member's own radar page and opt-out are for anyone signed in (accounts without a person
are told there is nothing to opt out, 422).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from renown.store.tables.radar import RadarSnapshot, RadarSubject

RECRUITING = "roles:admin,hr,recruiter"
PEOPLE_ADMIN = "roles:admin,hr"
ADMIN = "roles:admin"

RADAR_POLICIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/radar/prospects"): RECRUITING,
    ("GET", "/api/v1/radar/activity"): RECRUITING,
    ("GET", "/api/v1/radar/model"): RECRUITING,
    ("GET", "/api/v1/radar/subjects/{subject_id}"): RECRUITING,
    ("POST", "/api/v1/radar/subjects/{subject_id}/outreach"): RECRUITING,
    ("DELETE", "/api/v1/radar/subjects/{subject_id}"): PEOPLE_ADMIN,
    ("POST", "/api/v1/radar/imports"): RECRUITING,
    ("POST", "/api/v1/radar/score"): PEOPLE_ADMIN,
    ("GET", "/api/v1/radar/flight-risk"): PEOPLE_ADMIN,
    ("GET", "/api/v1/radar/flight-risk/audit"): PEOPLE_ADMIN,
    ("GET", "/api/v1/radar/me"): "signed-in",
    ("PUT", "/api/v1/radar/me/opt-out"): "signed-in",
    ("GET", "/api/v1/radar/policy"): ADMIN,
    ("PUT", "/api/v1/radar/policy"): ADMIN,
    ("GET", "/radar"): RECRUITING,
    ("POST", "/radar/import"): RECRUITING,
    ("POST", "/radar/score"): PEOPLE_ADMIN,
    ("GET", "/radar/subjects/{subject_id}"): RECRUITING,
    ("POST", "/radar/subjects/{subject_id}/outreach"): RECRUITING,
    ("POST", "/radar/subjects/{subject_id}/erase"): PEOPLE_ADMIN,
    ("GET", "/radar/flight-risk"): PEOPLE_ADMIN,
    ("GET", "/radar/me"): "signed-in",
    ("POST", "/radar/me/opt-out"): "signed-in",
    ("POST", "/radar/policy"): ADMIN,
}


def _org(platform: Any, member: Any, org: str) -> int:
    if org == "own":
        return int(member.org_id)
    return int(platform.other_id if member.org_id == platform.acme_id else platform.acme_id)


def prospect_filler(platform: Any, member: Any, org: str) -> int:
    """A fresh external prospect with one snapshot in the owner organisation."""
    org_id = _org(platform, member, org)
    handle = f"linkedin:matrix-{uuid.uuid4().hex[:10]}"
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with platform.sessions() as session, session.begin():
        subject = RadarSubject(org_id=org_id, key=handle, person_id=None, created_at=at)
        session.add(subject)
        session.flush()
        session.add(
            RadarSnapshot(
                org_id=org_id,
                subject_id=subject.id,
                captured_at=at,
                snapshot_key=uuid.uuid4().hex,
                data={"subject": handle, "captured_at": at.isoformat(), "title": "Engineer"},
                imported_at=at,
            )
        )
        session.flush()
        return int(subject.id)


RADAR_FILLERS = {"subject_id": prospect_filler}
