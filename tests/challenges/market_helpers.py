"""Completed challenges written straight into the store, for marketplace, badge, event and
criterion tests that need results and ratings but not the lifecycle that makes them (the
lifecycle has its own tests in ``test_lifecycle.py``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from renown.challenges.rating_update import SkillEstimate, rate_challenge
from renown.store.tables.challenges import (
    Challenge,
    ChallengeResult,
    ChallengeSubmission,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
)


@dataclass(frozen=True)
class Entry:
    """One member's finish: rank (1 best), prize place, and whether the entry passed."""

    account_id: int
    rank: int
    place: int | None = None
    passed: bool = True
    prize_cents: int = 0


def completed_challenge(
    session: Session,
    org_id: int,
    sponsor_account_id: int | None,
    entries: Sequence[Entry],
    at: datetime,
    *,
    title: str = "A challenge",
    rate: bool = True,
) -> int:
    """A completed challenge decided at ``at``: a submission, a result (and a ledger row when
    a prize is won) per entry, and the entrants' ratings updated as settling would."""
    challenge = Challenge(
        org_id=org_id,
        sponsor_account_id=sponsor_account_id,
        sponsor_name="Acme",
        title=title,
        specification="spec",
        kind="development",
        skills=["python"],
        scorecard=[],
        registration_starts_at=at - timedelta(days=6),
        registration_ends_at=at - timedelta(days=4),
        submission_ends_at=at - timedelta(days=3),
        review_ends_at=at - timedelta(days=2),
        appeals_ends_at=at - timedelta(days=1),
        phase="completed",
        published_at=at - timedelta(days=7),
        completed_at=at,
    )
    session.add(challenge)
    session.flush()
    for entry in entries:
        submission = ChallengeSubmission(
            challenge_id=challenge.id,
            account_id=entry.account_id,
            version=1,
            submitted_at=at - timedelta(days=3, hours=1),
            url="https://git.example/work",
            size=0,
            sha256=hashlib.sha256(str(entry.account_id).encode()).hexdigest(),
        )
        session.add(submission)
        session.flush()
        session.add(
            ChallengeResult(
                challenge_id=challenge.id,
                account_id=entry.account_id,
                submission_id=submission.id,
                score=100.0 - entry.rank,
                rank=entry.rank,
                place=entry.place,
                passed=entry.passed,
                decided_at=at,
            )
        )
        if entry.place is not None:
            session.add(
                PrizeLedgerEntry(
                    org_id=org_id,
                    challenge_id=challenge.id,
                    account_id=entry.account_id,
                    kind="placement",
                    place=entry.place,
                    amount_cents=entry.prize_cents,
                    currency="USD",
                    owed_at=at,
                )
            )
    if rate and len(entries) >= 2:
        _rate(session, org_id, challenge.id, entries, at)
    session.flush()
    return challenge.id


def _rate(
    session: Session, org_id: int, challenge_id: int, entries: Sequence[Entry], at: datetime
) -> None:
    rows = {e.account_id: session.get(SkillRating, e.account_id) for e in entries}
    priors = [
        SkillEstimate(r.mu, r.sigma) if (r := rows[e.account_id]) else SkillEstimate()
        for e in entries
    ]
    after = rate_challenge(priors, [e.rank for e in entries])
    for entry, rating in zip(entries, after, strict=True):
        row = rows[entry.account_id]
        if row is None:
            row = SkillRating(account_id=entry.account_id, org_id=org_id, contests=0)
            session.add(row)
        row.mu, row.sigma = rating.mu, rating.sigma
        row.contests = (row.contests or 0) + 1
        row.updated_at = at
        session.add(
            RatingHistory(
                account_id=entry.account_id,
                challenge_id=challenge_id,
                mu=rating.mu,
                sigma=rating.sigma,
                rank=entry.rank,
                at=at,
            )
        )
