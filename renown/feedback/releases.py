"""Cutting and reading anonymous releases (the database side of :mod:`anonymity`).

Releases are cut inside the transaction that stores an anonymous answer, so publication
depends only on how many distinct givers are pending, never on when someone looks.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.feedback.anonymity import (
    PendingAnswer,
    Release,
    ReleasedAnswer,
    plan_releases,
)
from renown.feedback.raters import mailbox, may_answer_anonymously
from renown.feedback.thresholds import org_threshold
from renown.feedback.vocabulary import Visibility
from renown.notify.inapp import do_notify
from renown.store.tables.feedback import (
    AnonymousRelease,
    FeedbackItem,
    FeedbackRating,
    FeedbackRecipient,
    FeedbackRequest,
)

EXTERNAL_KEY = "external:"
"""Prefix of an outside rater's giver key."""


@dataclass(frozen=True)
class _Rater:
    """What decides how an outside rater's answer is counted."""

    email: str | None
    counts: bool


def giver_key(item: FeedbackItem, external_email: str | None) -> str:
    """One key per human giver: a person, or an outside rater by mailbox across requests
    (once the giver's person, or the request they answered, is erased: the key kept for
    them, so their answers still count once)."""
    if item.giver_pseudonym is not None:
        return item.giver_pseudonym
    if item.giver_person_id is not None:
        return f"person:{item.giver_person_id}"
    if external_email:
        return f"{EXTERNAL_KEY}{mailbox(external_email)}"
    return f"{EXTERNAL_KEY}rater-{item.external_rater_id}"


def _outside_raters(session: Session, items: Iterable[FeedbackItem]) -> dict[int, _Rater]:
    ids = {i.external_rater_id for i in items if i.external_rater_id is not None}
    if not ids:
        return {}
    rows = session.execute(
        sa.select(
            FeedbackRecipient.id,
            FeedbackRecipient.email,
            FeedbackRecipient.delivery,
            FeedbackRequest.requester_id,
            FeedbackRequest.subject_id,
            FeedbackRequest.visibility,
        )
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackRecipient.request_id)
        .where(FeedbackRecipient.id.in_(ids))
    )
    return {
        rater_id: _Rater(
            email,
            may_answer_anonymously(delivery, requester, subject, Visibility(visibility)),
        )
        for rater_id, email, delivery, requester, subject, visibility in rows
    }


def _key_of(item: FeedbackItem, raters: dict[int, _Rater]) -> tuple[str, bool]:
    """The giver's key, and whether the giver counts toward a threshold."""
    if item.external_rater_id is None:
        # A person, or an erased person's pseudonym: authenticated, told apart. An outside
        # rater whose link went with an erased request can no longer be told apart.
        pseudonym = item.giver_pseudonym
        internal = item.giver_person_id is not None or (
            pseudonym is not None and not pseudonym.startswith(EXTERNAL_KEY)
        )
        return giver_key(item, None), internal
    rater = raters.get(item.external_rater_id)
    if rater is None:  # the link's row is gone: nothing tells this giver apart
        return giver_key(item, None), False
    return giver_key(item, rater.email), rater.counts


def month_of(moment: datetime) -> datetime:
    """The start of ``moment``'s month: the only time anything about a release shows.

    A release is cut by the answer that completes it, so its exact time would tell the
    receiver when the last giver answered (and, with a calendar, who).
    """
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def cut_due_releases(
    session: Session, org_id: int, receiver_id: int, now: datetime
) -> list[AnonymousRelease]:
    """Publish every release now due for ``receiver_id`` (idempotent: nothing due, nothing cut)."""
    pending = list(
        session.scalars(
            sa.select(FeedbackItem).where(
                FeedbackItem.org_id == org_id,
                FeedbackItem.receiver_id == receiver_id,
                FeedbackItem.anonymous.is_(True),
                FeedbackItem.release_id.is_(None),
            )
        )
    )
    if not pending:
        return []
    raters = _outside_raters(session, pending)
    answers = []
    for item in pending:
        key, counts = _key_of(item, raters)
        answers.append(
            PendingAnswer(
                item_id=item.id,
                giver_key=key,
                group=item.relationship,
                audience=item.visibility,
                threshold=item.anonymity_threshold,
                counts=counts,
            )
        )
    plan = plan_releases(
        answers,
        org_threshold(session, org_id),
    )
    by_id = {item.id: item for item in pending}
    cut: list[AnonymousRelease] = []
    for release_plan in plan:
        release = AnonymousRelease(
            org_id=org_id,
            receiver_id=receiver_id,
            audience=release_plan.audience,
            group=release_plan.group,
            givers=release_plan.givers,
            salt=secrets.token_hex(16),
            cut_at=now,
        )
        session.add(release)
        session.flush()
        for item_id in release_plan.item_ids:
            by_id[item_id].release_id = release.id
        audit.append(
            session,
            actor="system",
            action="feedback.release",
            subject=f"release:{release.id}",
            payload={
                "group": release.group,
                "audience": release.audience,
                "givers": release.givers,
            },
            org_id=org_id,
            at=now,
        )
        do_notify(
            session,
            org_id=org_id,
            person_id=receiver_id,
            kind="feedback.release",
            text=f"New anonymous feedback summary ({release.group})",
            link="/feedback/received",
            now=month_of(now),
        )
        cut.append(release)
    session.flush()
    return cut


def released(
    session: Session, receiver_id: int, audiences: Iterable[str]
) -> tuple[list[Release], list[ReleasedAnswer]]:
    """The receiver's published releases for ``audiences`` and their answers."""
    rows = session.scalars(
        sa.select(AnonymousRelease)
        .where(
            AnonymousRelease.receiver_id == receiver_id,
            AnonymousRelease.audience.in_(list(audiences)),
        )
        .order_by(AnonymousRelease.id)
    ).all()
    releases = [Release(r.id, r.group, r.givers, r.salt, r.cut_at) for r in rows]
    if not releases:
        return [], []
    items = list(
        session.scalars(
            sa.select(FeedbackItem).where(
                FeedbackItem.release_id.in_([r.id for r in releases]),
                FeedbackItem.anonymous.is_(True),
            )
        )
    )
    raters = _outside_raters(session, items)
    ratings: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, key, rating in session.execute(
        sa.select(
            FeedbackRating.item_id, FeedbackRating.competency_key, FeedbackRating.rating
        ).where(FeedbackRating.item_id.in_([i.id for i in items]))
    ):
        ratings[item_id][key] = rating
    answers = []
    for item in items:
        key, counts = _key_of(item, raters)
        answers.append(
            ReleasedAnswer(
                release_id=item.release_id or 0,
                item_id=item.id,
                giver_key=key,
                text=item.text,
                ratings=ratings.get(item.id, {}),
                counts=counts,
            )
        )
    return releases, answers
