"""Fetching a challenge the caller may see or run, and its phase right now.

A published challenge is visible to every account of its organisation; a draft only to its
sponsor and administrators. Anything else is "not found", so ids of other organisations'
challenges and of other sponsors' drafts reveal nothing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.challenges.phases import Phase, Progress, Schedule, phase_at
from renown.challenges.roles import OPERATORS
from renown.core.errors import NotAllowed, NotFound
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
)

AUTOMATIC = frozenset({"data_science"})


def runs(principal: Principal, challenge: Challenge) -> bool:
    """Whether the principal runs this challenge (its sponsor, or an administrator)."""
    return challenge.sponsor_account_id == principal.account_id or principal.role in OPERATORS


def challenge_for(session: Session, principal: Principal, challenge_id: int) -> Challenge:
    """The challenge if the principal may see it, else :class:`NotFound`."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or challenge.org_id != principal.org_id:
        raise NotFound(f"no challenge {challenge_id}")
    if challenge.published_at is None and not runs(principal, challenge):
        raise NotFound(f"no challenge {challenge_id}")
    return challenge


def run_challenge(session: Session, principal: Principal, challenge_id: int) -> Challenge:
    """The challenge if the principal runs it; :class:`NotAllowed` if they only see it."""
    challenge = challenge_for(session, principal, challenge_id)
    if not runs(principal, challenge):
        raise NotAllowed("only the challenge's sponsor (or an administrator) runs it")
    return challenge


def schedule_of(challenge: Challenge) -> Schedule:
    """The challenge's planned dates."""
    return Schedule(
        registration_starts_at=challenge.registration_starts_at,
        registration_ends_at=challenge.registration_ends_at,
        submission_ends_at=challenge.submission_ends_at,
        review_ends_at=challenge.review_ends_at,
        appeals_ends_at=challenge.appeals_ends_at,
        checkpoint_at=challenge.checkpoint_at,
    )


def counted_submissions(session: Session, challenge: Challenge) -> list[ChallengeSubmission]:
    """Each member's last version submitted before submissions closed (the one that counts)."""
    last = (
        sa.select(
            ChallengeSubmission.account_id,
            sa.func.max(ChallengeSubmission.version).label("version"),
        )
        .where(
            ChallengeSubmission.challenge_id == challenge.id,
            ChallengeSubmission.submitted_at < challenge.submission_ends_at,
        )
        .group_by(ChallengeSubmission.account_id)
        .subquery()
    )
    return list(
        session.scalars(
            sa.select(ChallengeSubmission)
            .join(
                last,
                sa.and_(
                    last.c.account_id == ChallengeSubmission.account_id,
                    last.c.version == ChallengeSubmission.version,
                ),
            )
            .where(ChallengeSubmission.challenge_id == challenge.id)
            .order_by(ChallengeSubmission.account_id)
        )
    )


def reviews_done_at(session: Session, challenge: Challenge) -> datetime | None:
    """When the last required review came in, or None while one is missing."""
    submissions = [s.id for s in counted_submissions(session, challenge)]
    reviewers = list(
        session.scalars(
            sa.select(ChallengeReviewer.account_id).where(
                ChallengeReviewer.challenge_id == challenge.id
            )
        )
    )
    if not submissions:
        return challenge.submission_ends_at
    if not reviewers:
        return None
    rows = session.execute(
        sa.select(ChallengeReview.submitted_at).where(
            ChallengeReview.submission_id.in_(submissions),
            ChallengeReview.reviewer_account_id.in_(reviewers),
        )
    ).all()
    if len(rows) < len(submissions) * len(reviewers):
        return None
    done = max(at for (at,) in rows)
    changed = challenge.reviewers_changed_at
    return done if changed is None else max(done, changed)


def challenge_phase(session: Session, challenge: Challenge, now: datetime) -> Phase:
    """The phase ``challenge`` is in at ``now``, from its dates and its progress."""
    automatic = challenge.kind in AUTOMATIC
    progress = Progress(
        published=challenge.published_at is not None,
        cancelled=challenge.cancelled_at is not None,
        settled=challenge.completed_at is not None,
        automatic=automatic,
    )
    early = phase_at(schedule_of(challenge), progress, now)
    if early is not Phase.REVIEW or automatic:
        return early
    done = reviews_done_at(session, challenge)
    if done is None:
        return Phase.REVIEW
    open_appeals = session.scalar(
        sa.select(sa.func.count()).where(
            ChallengeAppeal.challenge_id == challenge.id, ChallengeAppeal.answered_at.is_(None)
        )
    )
    return phase_at(
        schedule_of(challenge),
        Progress(
            published=True,
            cancelled=False,
            settled=False,
            automatic=False,
            reviews_done_at=done,
            open_appeals=open_appeals or 0,
        ),
        now,
    )
