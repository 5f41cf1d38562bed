"""The challenge routes for the role matrix: their policies, fillers that make challenge
objects in the member's organisation or the other one, and the helpers the challenge tests
share (rows moved in time, a scene with every kind of object).

A filler's challenge is completed, automatically scored and involves the caller the way
their role may be involved: sponsors, HR and administrators run it (they posted it), the
roles a sponsor may name reviewer review it. So every admitted role reaches every route's
domain check, reads of a challenge answer 200 (boards included), and writes answer what the
phase says (422: it is over), never 401 or 403. The other organisation's objects are 404.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from renown.accounts.actions import do_create_account
from renown.challenges.roles import POSTERS, REVIEWER_ROLES
from renown.core.roles import Role
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengePrize,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
    PrizeLedgerEntry,
)

SIGNED_IN = "signed-in"
POSTING = "roles:admin,hr,sponsor"
TAKING_PART = "roles:employee,manager,member"
REVIEWING = "roles:employee,manager,member,sponsor"
ANSWERING = "roles:admin,employee,manager,member,sponsor"
DOWNLOADING = "roles:admin,employee,hr,manager,member,sponsor"

CHALLENGE_POLICIES: dict[tuple[str, str], str] = {
    # API: reading
    ("GET", "/api/v1/challenges"): SIGNED_IN,
    ("GET", "/api/v1/challenges/{challenge_id}"): SIGNED_IN,
    ("GET", "/api/v1/challenges/{challenge_id}/leaderboard"): SIGNED_IN,
    ("GET", "/api/v1/challenges/{challenge_id}/results"): SIGNED_IN,
    ("GET", "/api/v1/challenges/{challenge_id}/reviews"): SIGNED_IN,
    ("GET", "/api/v1/challenges/ledger"): SIGNED_IN,
    ("GET", "/api/v1/challenges/{challenge_id}/ledger"): SIGNED_IN,
    # API: posting and running
    ("POST", "/api/v1/challenges"): POSTING,
    ("PUT", "/api/v1/challenges/{challenge_id}"): POSTING,
    ("POST", "/api/v1/challenges/{challenge_id}/publish"): POSTING,
    ("POST", "/api/v1/challenges/{challenge_id}/cancel"): POSTING,
    ("POST", "/api/v1/challenges/{challenge_id}/reviewers"): POSTING,
    ("DELETE", "/api/v1/challenges/{challenge_id}/reviewers/{account_id}"): POSTING,
    ("PUT", "/api/v1/challenges/{challenge_id}/answer-key"): POSTING,
    ("POST", "/api/v1/challenges/ledger/{entry_id}/paid"): POSTING,
    # API: taking part
    ("POST", "/api/v1/challenges/{challenge_id}/registration"): TAKING_PART,
    ("POST", "/api/v1/challenges/{challenge_id}/submissions"): TAKING_PART,
    ("POST", "/api/v1/challenges/{challenge_id}/submissions/url"): TAKING_PART,
    ("POST", "/api/v1/challenges/{challenge_id}/reviews/{review_id}/appeals"): TAKING_PART,
    ("GET", "/api/v1/challenges/submissions/{submission_id}/file"): DOWNLOADING,
    # API: reviewing
    ("GET", "/api/v1/challenges/{challenge_id}/review-tasks"): REVIEWING,
    ("PUT", "/api/v1/challenges/{challenge_id}/review-tasks/{submission_id}"): REVIEWING,
    ("POST", "/api/v1/challenges/{challenge_id}/appeals/{appeal_id}/answer"): ANSWERING,
    # Pages
    ("GET", "/challenges"): SIGNED_IN,
    ("GET", "/challenges/{challenge_id}"): SIGNED_IN,
    ("GET", "/challenges/{challenge_id}/reviews"): SIGNED_IN,
    ("GET", "/challenges/ledger"): SIGNED_IN,
    ("GET", "/challenges/new"): POSTING,
    ("POST", "/challenges/new"): POSTING,
    ("GET", "/challenges/{challenge_id}/edit"): POSTING,
    ("POST", "/challenges/{challenge_id}/edit"): POSTING,
    ("POST", "/challenges/{challenge_id}/publish"): POSTING,
    ("POST", "/challenges/{challenge_id}/cancel"): POSTING,
    ("POST", "/challenges/{challenge_id}/reviewers"): POSTING,
    ("POST", "/challenges/{challenge_id}/reviewers/{account_id}/remove"): POSTING,
    ("POST", "/challenges/{challenge_id}/answer-key"): POSTING,
    ("POST", "/challenges/ledger/{entry_id}/paid"): POSTING,
    ("POST", "/challenges/{challenge_id}/register"): TAKING_PART,
    ("POST", "/challenges/{challenge_id}/submissions"): TAKING_PART,
    ("POST", "/challenges/{challenge_id}/submissions/url"): TAKING_PART,
    ("POST", "/challenges/{challenge_id}/reviews/{review_id}/appeal"): TAKING_PART,
    ("GET", "/challenges/submissions/{submission_id}/file"): DOWNLOADING,
    ("GET", "/challenges/{challenge_id}/review"): REVIEWING,
    ("POST", "/challenges/{challenge_id}/review/{submission_id}"): REVIEWING,
    ("POST", "/challenges/{challenge_id}/appeals/{appeal_id}/answer"): ANSWERING,
}

_COUNTER = itertools.count(1)
_OUTSIDERS: dict[int, int] = {}
"""Organisation id -> a member account made there (the other organisation has none)."""
PDF = b"%PDF-1.4\n% a tiny test file\n"


def shift(sessions: Any, challenge_id: int, delta: timedelta) -> None:
    """Move a challenge and everything that happened in it by ``delta`` (negative: into the
    past), as if the clock had moved the other way: its dates, registrations, submissions,
    reviews and appeals keep their order against each other."""
    with sessions.begin() as session:
        columns = {
            Challenge: (
                "registration_starts_at",
                "registration_ends_at",
                "checkpoint_at",
                "submission_ends_at",
                "review_ends_at",
                "appeals_ends_at",
                "published_at",
                "created_at",
            ),
            ChallengeRegistration: ("registered_at",),
            ChallengeReviewer: ("added_at",),
            ChallengeSubmission: ("submitted_at",),
            ChallengeReview: ("submitted_at", "updated_at"),
            ChallengeAppeal: ("raised_at", "answered_at"),
        }
        for table, names in columns.items():
            key = table.id if table is Challenge else table.challenge_id  # type: ignore[attr-defined]
            for row in session.scalars(sa.select(table).where(key == challenge_id)):
                for name in names:
                    value = getattr(row, name)
                    if value is not None:
                        setattr(row, name, value + delta)


def _org(platform: Any, member: Any, org: str) -> int:
    if org == "own":
        return int(member.org_id)
    return int(platform.other_id if member.org_id == platform.acme_id else platform.acme_id)


def _sponsor_in(platform: Any, member: Any, org_id: int) -> int:
    """Who sponsors a filler's challenge: the caller when they may post (and it is their
    organisation), else the organisation's sponsor (acme) or its HR (the other one)."""
    if org_id == member.org_id and member.role in POSTERS:
        return int(member.account_id)
    if org_id == platform.acme_id:
        return int(platform.members[Role.SPONSOR].account_id)
    return int(platform.other_hr.account_id)


def participant_in(platform: Any, org_id: int) -> int:
    """A community member of the organisation (made once in the other one)."""
    if org_id == platform.acme_id:
        return int(platform.members[Role.MEMBER].account_id)
    with platform.sessions() as session:
        # The database is emptied between tests and ids may come round again: a remembered
        # account must still be there (and in this organisation) to be used.
        known = _OUTSIDERS.get(org_id)
        if (
            known is not None
            and session.scalar(
                sa.select(Account.id).where(Account.id == known, Account.org_id == org_id)
            )
            is None
        ):
            del _OUTSIDERS[org_id]
    if org_id not in _OUTSIDERS:
        with platform.sessions.begin() as session:
            account = do_create_account(
                session,
                org_id=org_id,
                email=f"member-{uuid.uuid4().hex[:8]}@other.example",
                password=None,
                role=Role.MEMBER,
            )
            _OUTSIDERS[org_id] = int(account.id)
    return _OUTSIDERS[org_id]


def completed_scene(
    platform: Any, org_id: int, *, sponsor: int, reviewer: int | None, author: int
) -> dict[str, int]:
    """A completed data-science challenge with one submission (by ``author``), a review and
    an appeal by ``reviewer`` (when given), a result and a prize owed: row ids by name."""
    now = datetime.now(UTC)
    start = now - timedelta(days=30)
    with platform.sessions.begin() as session:
        challenge = Challenge(
            org_id=org_id,
            sponsor_account_id=sponsor,
            sponsor_name="Matrix Ltd",
            title=f"Matrix challenge {next(_COUNTER)}",
            specification="Predict the *thing*.",
            kind="data_science",
            skills=["python"],
            scorecard=[],
            metric="accuracy",
            public_fraction=0.3,
            daily_scored_limit=5,
            passing_score=75.0,
            currency="USD",
            max_submission_bytes=1024 * 1024,
            file_types=[".csv"],
            accepts_urls=False,
            registration_starts_at=start,
            registration_ends_at=start + timedelta(days=5),
            submission_ends_at=start + timedelta(days=10),
            review_ends_at=start + timedelta(days=10),
            appeals_ends_at=start + timedelta(days=10),
            phase="completed",
            published_at=start,
            completed_at=start + timedelta(days=11),
            created_at=start,
        )
        session.add(challenge)
        session.flush()
        session.add(
            ChallengePrize(challenge_id=challenge.id, kind="placement", place=1, amount_cents=10000)
        )
        session.add(
            ChallengeRegistration(challenge_id=challenge.id, account_id=author, registered_at=start)
        )
        submission = ChallengeSubmission(
            challenge_id=challenge.id,
            account_id=author,
            version=1,
            submitted_at=start + timedelta(days=6),
            filename="predictions.csv",
            content_type="text/html",
            size=11,
            sha256=hashlib.sha256(b"id,prediction\n").hexdigest(),
            content=b"id,prediction\n1,a\n",
            public_score=1.0,
            private_score=1.0,
            scored=True,
        )
        session.add(submission)
        session.flush()
        ids = {"challenge": challenge.id, "submission": submission.id}
        if reviewer is not None:
            session.add(
                ChallengeReviewer(challenge_id=challenge.id, account_id=reviewer, added_at=start)
            )
            review = ChallengeReview(
                challenge_id=challenge.id,
                submission_id=submission.id,
                reviewer_account_id=reviewer,
                answers={"quality": 3.0},
                comment="",
                score=66.0,
                submitted_at=start + timedelta(days=10),
                updated_at=start + timedelta(days=10),
            )
            session.add(review)
            session.flush()
            appeal = ChallengeAppeal(
                challenge_id=challenge.id,
                review_id=review.id,
                question="quality",
                text="It was better than that.",
                raised_at=start + timedelta(days=10),
                previous_value=3.0,
            )
            session.add(appeal)
            session.flush()
            ids |= {"review": review.id, "appeal": appeal.id}
        session.add(
            ChallengeResult(
                challenge_id=challenge.id,
                account_id=author,
                submission_id=submission.id,
                score=1.0,
                rank=1,
                place=1,
                passed=True,
                decided_at=start + timedelta(days=11),
            )
        )
        entry = PrizeLedgerEntry(
            org_id=org_id,
            challenge_id=challenge.id,
            account_id=author,
            kind="placement",
            place=1,
            amount_cents=10000,
            currency="USD",
            owed_at=start + timedelta(days=11),
        )
        session.add(entry)
        session.flush()
        return ids | {"entry": entry.id}


def _scene_for(platform: Any, member: Any, org: str) -> dict[str, int]:
    org_id = _org(platform, member, org)
    own = org_id == member.org_id
    reviews = own and member.role in REVIEWER_ROLES
    author = (
        member.account_id
        if own and member.role in {Role.MEMBER, Role.EMPLOYEE, Role.MANAGER}
        else participant_in(platform, org_id)
    )
    reviewer = member.account_id if reviews else _sponsor_in(platform, member, org_id)
    return completed_scene(
        platform,
        org_id,
        sponsor=_sponsor_in(platform, member, org_id),
        reviewer=reviewer,
        author=author,
    )


def challenge_filler(platform: Any, member: Any, org: str) -> int:
    """A completed challenge the caller runs, reviews or may read (or one of the other
    organisation)."""
    return _scene_for(platform, member, org)["challenge"]


def submission_filler(platform: Any, member: Any, org: str) -> int:
    """A submitted file the caller may open: their own (participants) or one of a challenge
    they run (sponsors, HR, admins)."""
    return _scene_for(platform, member, org)["submission"]


def review_filler(platform: Any, member: Any, org: str) -> int:
    return _scene_for(platform, member, org)["review"]


def appeal_filler(platform: Any, member: Any, org: str) -> int:
    """An open appeal against a scorecard the caller wrote (the roles that review)."""
    return _scene_for(platform, member, org)["appeal"]


def entry_filler(platform: Any, member: Any, org: str) -> int:
    """An unpaid prize of a challenge the caller runs."""
    return _scene_for(platform, member, org)["entry"]


CHALLENGE_FILLERS = {
    "challenge_id": challenge_filler,
    "submission_id": submission_filler,
    "review_id": review_filler,
    "appeal_id": appeal_filler,
    "entry_id": entry_filler,
}
