"""A community for challenge tests: a sponsor, reviewers, members, staff, and another org.

Dates are fixed: registration opens at ``T0`` and each phase lasts a day or two, so a test
moves through a challenge by passing later instants as ``now``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.actions import do_create_account, principal_of
from renown.accounts.principal import Principal
from renown.challenges.phases import Schedule
from renown.challenges.posting import ChallengeDraft
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.store import transaction

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
BEFORE = T0 - DAY
"""When the sponsor posts and publishes."""
REGISTRATION = T0 + timedelta(hours=1)
SUBMISSION = T0 + 2 * DAY + timedelta(hours=1)
"""Registration has closed, submissions are still open."""
REVIEW = T0 + 3 * DAY + timedelta(hours=1)
APPEALS = T0 + 4 * DAY + timedelta(hours=1)
AFTER = T0 + 6 * DAY
"""After the appeals window."""

SCHEDULE = Schedule(
    registration_starts_at=T0,
    registration_ends_at=T0 + 2 * DAY,
    submission_ends_at=T0 + 3 * DAY,
    review_ends_at=T0 + 4 * DAY,
    appeals_ends_at=T0 + 5 * DAY,
    checkpoint_at=T0 + DAY,
)


def reviewed_draft(**changes: object) -> ChallengeDraft:
    """A development challenge with two placement prizes and a checkpoint prize."""
    values: dict[str, object] = {
        "title": "Build the billing export",
        "specification": "# Billing export\n\nExport invoices as CSV. **Tests required.**",
        "kind": "development",
        "schedule": SCHEDULE,
        "sponsor_name": "Acme Finance team",
        "prizes": (100_000, 50_000),
        "checkpoint_prizes": (10_000,),
        "skills": ("Python", "SQL"),
        "file_types": (".zip", ".pdf"),
    }
    values.update(changes)
    return ChallengeDraft(**values)  # type: ignore[arg-type]


def science_draft(**changes: object) -> ChallengeDraft:
    """A data-science challenge scored on accuracy, 30 % public."""
    values: dict[str, object] = {
        "title": "Predict churn",
        "specification": "Predict the label of every id.",
        "kind": "data_science",
        "schedule": SCHEDULE,
        "sponsor_name": "Acme Data",
        "prizes": (200_000,),
        "metric": "accuracy",
        "daily_scored_limit": 3,
    }
    values.update(changes)
    return ChallengeDraft(**values)  # type: ignore[arg-type]


def pdf(text: str = "work") -> bytes:
    """Bytes that start like a PDF."""
    return b"%PDF-1.7\n" + text.encode() + b"\n%%EOF\n"


def zipped(name: str = "main.py", text: str = "print('hi')\n") -> bytes:
    """A real zip with one file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@dataclass
class Community:
    """Principals of one organisation's community, and an outsider in another."""

    org_id: int
    sponsor: Principal
    other_sponsor: Principal
    reviewer: Principal
    second_reviewer: Principal
    members: list[Principal]
    employee: Principal
    hr: Principal
    admin: Principal
    recruiter: Principal
    outsider: Principal
    by_email: dict[str, Principal] = field(default_factory=dict)


@pytest.fixture
def community(db: sessionmaker[Session]) -> Community:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme").id
        other = do_create_org(session, "globex", "Globex").id

        def account(email: str, role: Role, org_id: int = org) -> Principal:
            created = do_create_account(
                session, org_id=org_id, email=email, password=None, role=role
            )
            session.flush()
            return principal_of(created)

        return Community(
            org_id=org,
            sponsor=account("sponsor@acme.test", Role.SPONSOR),
            other_sponsor=account("sponsor2@acme.test", Role.SPONSOR),
            reviewer=account("reviewer@acme.test", Role.MEMBER),
            second_reviewer=account("reviewer2@acme.test", Role.EMPLOYEE),
            members=[account(f"m{i}@acme.test", Role.MEMBER) for i in range(4)],
            employee=account("employee@acme.test", Role.EMPLOYEE),
            hr=account("hr@acme.test", Role.HR),
            admin=account("admin@acme.test", Role.ADMIN),
            recruiter=account("recruiter@acme.test", Role.RECRUITER),
            outsider=account("m@globex.test", Role.MEMBER, other),
        )
