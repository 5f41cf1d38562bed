"""Challenge interactions as canonical events, so the next scoring run counts them.

Working on a colleague's challenge entry is interaction like a code review or written
feedback, and the recognition pass exports these beside kudos and feedback
(:func:`renown.recognition.events.do_export_events`), on the ``challenge`` channel:

* a review: the reviewer -> the submitter, kind ``review``, at the scorecard's first filing;
* an appeal answered (upheld or denied): the reviewer -> the appellant, kind ``reply``;
* sponsor feedback: the sponsor -> the member, kind ``feedback``, at its first giving;
* an accepted invitation: the sponsor -> the member and the member -> the sponsor, kind
  ``accept``, at the answer (both chose to work together: the tie runs both ways).

Only between accounts that belong to people of the organisation (community members have
no place in the org chart, and the lake names people by employee id), never from a person
to themselves. Keys come from the row ids (``event_key("renown", org,
"challenge-review", id)``...), so exporting again adds nothing; a row that changes later
(a revised scorecard, edited feedback) keeps its key and first timestamp. The graph has no
weight of its own for the channel, so it counts 1.0, as kudos and feedback do: each is a
deliberate, written judgement of someone's work. Blind reviews are counted too: the
reviewer did not choose whom, but still spent the effort on the person's work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.events import Channel, EventColumn, Kind, event_key
from renown.ingest.schema import EVENT_SCHEMA
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    Challenge,
    ChallengeAppeal,
    ChallengeReview,
    ChallengeSubmission,
    MarketplaceInvitation,
    SponsorFeedback,
)

SOURCE: Final = "renown-challenges"

Row = tuple[str, int | None, int, datetime | None, str]
"""(key, actor account, target account, when, kind); rows without either are dropped."""


def _reviews(session: Session, org_id: int) -> list[Row]:
    rows = session.execute(
        sa.select(
            ChallengeReview.id,
            ChallengeReview.reviewer_account_id,
            ChallengeSubmission.account_id,
            ChallengeReview.submitted_at,
        )
        .join(ChallengeSubmission, ChallengeSubmission.id == ChallengeReview.submission_id)
        .join(Challenge, Challenge.id == ChallengeReview.challenge_id)
        .where(Challenge.org_id == org_id)
        .order_by(ChallengeReview.id)
    )
    return [
        (event_key("renown", org_id, "challenge-review", i), a, t, at, Kind.REVIEW.value)
        for i, a, t, at in rows
    ]


def _appeals(session: Session, org_id: int) -> list[Row]:
    rows = session.execute(
        sa.select(
            ChallengeAppeal.id,
            ChallengeReview.reviewer_account_id,
            ChallengeSubmission.account_id,
            ChallengeAppeal.answered_at,
        )
        .join(ChallengeReview, ChallengeReview.id == ChallengeAppeal.review_id)
        .join(ChallengeSubmission, ChallengeSubmission.id == ChallengeReview.submission_id)
        .join(Challenge, Challenge.id == ChallengeAppeal.challenge_id)
        .where(Challenge.org_id == org_id, ChallengeAppeal.answered_at.is_not(None))
        .order_by(ChallengeAppeal.id)
    )
    return [
        (event_key("renown", org_id, "challenge-appeal", i), a, t, at, Kind.REPLY.value)
        for i, a, t, at in rows
    ]


def _feedback(session: Session, org_id: int) -> list[Row]:
    rows = session.execute(
        sa.select(
            SponsorFeedback.id,
            SponsorFeedback.sponsor_account_id,
            SponsorFeedback.member_account_id,
            SponsorFeedback.at,
        )
        .join(Challenge, Challenge.id == SponsorFeedback.challenge_id)
        .where(Challenge.org_id == org_id, SponsorFeedback.sponsor_account_id.is_not(None))
        .order_by(SponsorFeedback.id)
    )
    return [
        (event_key("renown", org_id, "challenge-feedback", i), a, t, at, Kind.FEEDBACK.value)
        for i, a, t, at in rows
    ]


def _invitations(session: Session, org_id: int) -> list[Row]:
    rows = session.execute(
        sa.select(
            MarketplaceInvitation.id,
            MarketplaceInvitation.sponsor_account_id,
            MarketplaceInvitation.member_account_id,
            MarketplaceInvitation.answered_at,
        )
        .where(
            MarketplaceInvitation.org_id == org_id,
            MarketplaceInvitation.status == "accepted",
            MarketplaceInvitation.answered_at.is_not(None),
        )
        .order_by(MarketplaceInvitation.id)
    )
    result: list[Row] = []
    for i, sponsor, member, at in rows:
        accept = Kind.ACCEPT.value
        result.append(
            (event_key("renown", org_id, "invitation", i, "out"), sponsor, member, at, accept)
        )
        result.append(
            (event_key("renown", org_id, "invitation", i, "back"), member, sponsor, at, accept)
        )
    return result


def challenge_events(session: Session, org_id: int) -> pl.DataFrame:
    """Canonical events of the organisation's challenge interactions between its people,
    people named by person id (as :func:`renown.recognition.events.recognition_events`)."""
    rows = [
        *_reviews(session, org_id),
        *_appeals(session, org_id),
        *_feedback(session, org_id),
        *_invitations(session, org_id),
    ]
    people = dict(
        session.execute(
            sa.select(Account.id, Account.person_id).where(
                Account.org_id == org_id, Account.person_id.is_not(None)
            )
        ).all()
    )
    kept: list[tuple[str, int, int, datetime, str]] = []
    for key, actor, target, at, kind in rows:
        giver = people.get(actor) if actor is not None else None
        receiver = people.get(target)
        if giver is not None and receiver is not None and giver != receiver and at is not None:
            kept.append((key, giver, receiver, at, kind))
    return pl.DataFrame(
        {
            EventColumn.EVENT_KEY: [r[0] for r in kept],
            EventColumn.ACTOR: [str(r[1]) for r in kept],
            EventColumn.TARGET: [str(r[2]) for r in kept],
            EventColumn.TIMESTAMP: [r[3] for r in kept],
            EventColumn.CHANNEL: [Channel.CHALLENGE.value] * len(kept),
            EventColumn.KIND: [r[4] for r in kept],
            EventColumn.WEIGHT: [1.0] * len(kept),
            EventColumn.SOURCE: [SOURCE] * len(kept),
        },
        schema=EVENT_SCHEMA,
    )
