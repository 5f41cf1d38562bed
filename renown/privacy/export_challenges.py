"""The challenges' part of "export my data": everything the challenge tables hold that names
one of the person's accounts.

The same rules as the app's own pages: other people appear by account id, never by name;
a reviewer's scorecards do not name whose work they scored (reviews are blind); a
submission's private score, which decides winners and is hidden while a challenge runs, is
left out (the final standing is under ``results``); file contents are not copied (their
SHA-256 says which file it was, and the member downloads their own files in the app).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.store.tables.challenges import (
    Challenge,
    ChallengeRegistration,
    ChallengeResult,
    ChallengeReview,
    ChallengeReviewer,
    ChallengeSubmission,
    MarketplaceInvitation,
    MemberProfile,
    PrizeLedgerEntry,
    RatingHistory,
    SkillRating,
    SponsorFeedback,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(session: Session, query: Any, fields: Sequence[str]) -> list[dict[str, Any]]:
    """Each row of ``query`` as a record of ``fields`` (datetimes as ISO text)."""
    records = []
    for row in session.scalars(query):
        record: dict[str, Any] = {}
        for name in fields:
            value = getattr(row, name)
            record[name] = _iso(value) if isinstance(value, datetime) else value
        records.append(record)
    return records


def challenge_data(session: Session, org_id: int, account_ids: Sequence[int]) -> dict[str, Any]:
    """The challenges section of the export for the given accounts of one organisation."""
    mine = list(account_ids)
    in_org = sa.select(Challenge.id).where(Challenge.org_id == org_id)
    invitations = ("id", "title", "message", "status", "created_at", "answered_at")
    feedback = ("id", "challenge_id", "stars", "text", "at")
    return {
        "profiles": _rows(
            session,
            sa.select(MemberProfile).where(
                MemberProfile.org_id == org_id, MemberProfile.account_id.in_(mine)
            ),
            ("account_id", "display_name", "headline", "skills", "availability", "listed"),
        ),
        "posted": _rows(
            session,
            sa.select(Challenge)
            .where(Challenge.org_id == org_id, Challenge.sponsor_account_id.in_(mine))
            .order_by(Challenge.id),
            ("id", "title", "sponsor_name", "kind", "created_at", "published_at", "completed_at"),
        ),
        "registrations": _rows(
            session,
            sa.select(ChallengeRegistration).where(
                ChallengeRegistration.challenge_id.in_(in_org),
                ChallengeRegistration.account_id.in_(mine),
            ),
            ("challenge_id", "registered_at"),
        ),
        "reviewing": _rows(
            session,
            sa.select(ChallengeReviewer).where(
                ChallengeReviewer.challenge_id.in_(in_org), ChallengeReviewer.account_id.in_(mine)
            ),
            ("challenge_id", "added_at"),
        ),
        "submissions": _rows(
            session,
            sa.select(ChallengeSubmission)
            .where(
                ChallengeSubmission.challenge_id.in_(in_org),
                ChallengeSubmission.account_id.in_(mine),
            )
            .order_by(ChallengeSubmission.id),
            (
                "id",
                "challenge_id",
                "version",
                "submitted_at",
                "filename",
                "size",
                "sha256",
                "url",
                "public_score",
            ),
        ),
        "reviews_written": _rows(
            session,
            sa.select(ChallengeReview)
            .where(
                ChallengeReview.challenge_id.in_(in_org),
                ChallengeReview.reviewer_account_id.in_(mine),
            )
            .order_by(ChallengeReview.id),
            ("id", "challenge_id", "answers", "comment", "score", "submitted_at", "updated_at"),
        ),
        "results": _rows(
            session,
            sa.select(ChallengeResult).where(
                ChallengeResult.challenge_id.in_(in_org), ChallengeResult.account_id.in_(mine)
            ),
            ("challenge_id", "score", "rank", "place", "passed", "decided_at"),
        ),
        "prizes": _rows(
            session,
            sa.select(PrizeLedgerEntry)
            .where(PrizeLedgerEntry.org_id == org_id, PrizeLedgerEntry.account_id.in_(mine))
            .order_by(PrizeLedgerEntry.id),
            (
                "id",
                "challenge_id",
                "kind",
                "place",
                "amount_cents",
                "currency",
                "owed_at",
                "paid_at",
                "reference",
            ),
        ),
        "payments_recorded": _rows(
            session,
            sa.select(PrizeLedgerEntry)
            .where(PrizeLedgerEntry.org_id == org_id, PrizeLedgerEntry.paid_by_account_id.in_(mine))
            .order_by(PrizeLedgerEntry.id),
            ("id", "challenge_id", "account_id", "amount_cents", "currency", "paid_at"),
        ),
        "rating": _rows(
            session,
            sa.select(SkillRating).where(
                SkillRating.org_id == org_id, SkillRating.account_id.in_(mine)
            ),
            ("account_id", "mu", "sigma", "contests", "updated_at"),
        ),
        "rating_history": _rows(
            session,
            sa.select(RatingHistory)
            .where(RatingHistory.challenge_id.in_(in_org), RatingHistory.account_id.in_(mine))
            .order_by(RatingHistory.at, RatingHistory.id),
            ("id", "challenge_id", "mu", "sigma", "rank", "at"),
        ),
        "invitations_sent": _rows(
            session,
            sa.select(MarketplaceInvitation)
            .where(
                MarketplaceInvitation.org_id == org_id,
                MarketplaceInvitation.sponsor_account_id.in_(mine),
            )
            .order_by(MarketplaceInvitation.id),
            (*invitations, "member_account_id"),
        ),
        "invitations_received": _rows(
            session,
            sa.select(MarketplaceInvitation)
            .where(
                MarketplaceInvitation.org_id == org_id,
                MarketplaceInvitation.member_account_id.in_(mine),
            )
            .order_by(MarketplaceInvitation.id),
            (*invitations, "sponsor_account_id"),
        ),
        "feedback_given": _rows(
            session,
            sa.select(SponsorFeedback)
            .where(
                SponsorFeedback.challenge_id.in_(in_org),
                SponsorFeedback.sponsor_account_id.in_(mine),
            )
            .order_by(SponsorFeedback.id),
            (*feedback, "member_account_id"),
        ),
        "feedback_received": _rows(
            session,
            sa.select(SponsorFeedback)
            .where(
                SponsorFeedback.challenge_id.in_(in_org),
                SponsorFeedback.member_account_id.in_(mine),
            )
            .order_by(SponsorFeedback.id),
            feedback,
        ),
    }
