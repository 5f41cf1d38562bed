"""Cutting and reading anonymous releases (the database side of :mod:`anonymity`).

Releases are cut inside the transaction that stores an anonymous answer, so publication
depends only on how many distinct givers are pending, never on when someone looks.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
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
from renown.feedback.notify import do_notify
from renown.feedback.thresholds import org_threshold
from renown.store.tables.feedback import (
    AnonymousRelease,
    FeedbackItem,
    FeedbackRating,
    FeedbackRecipient,
)


def giver_key(item: FeedbackItem, external_email: str | None) -> str:
    """One key per human giver: a person, or an outside rater by e-mail across requests
    (once the giver's person, or the request they answered, is erased: the key kept for
    them, so their answers still count once)."""
    if item.giver_pseudonym is not None:
        return item.giver_pseudonym
    if item.giver_person_id is not None:
        return f"person:{item.giver_person_id}"
    return f"external:{(external_email or f'rater-{item.external_rater_id}').lower()}"


def _external_emails(session: Session, items: Iterable[FeedbackItem]) -> dict[int, str | None]:
    ids = {i.external_rater_id for i in items if i.external_rater_id is not None}
    if not ids:
        return {}
    rows = session.execute(
        sa.select(FeedbackRecipient.id, FeedbackRecipient.email).where(
            FeedbackRecipient.id.in_(ids)
        )
    )
    return dict(rows.all())


def _key_of(item: FeedbackItem, emails: dict[int, str | None]) -> str:
    email = emails.get(item.external_rater_id) if item.external_rater_id is not None else None
    return giver_key(item, email)


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
    emails = _external_emails(session, pending)
    plan = plan_releases(
        [
            PendingAnswer(
                item_id=item.id,
                giver_key=_key_of(item, emails),
                group=item.relationship,
                audience=item.visibility,
                threshold=item.anonymity_threshold,
            )
            for item in pending
        ],
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
            now=now,
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
    emails = _external_emails(session, items)
    ratings: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, key, rating in session.execute(
        sa.select(
            FeedbackRating.item_id, FeedbackRating.competency_key, FeedbackRating.rating
        ).where(FeedbackRating.item_id.in_([i.id for i in items]))
    ):
        ratings[item_id][key] = rating
    answers = [
        ReleasedAnswer(
            release_id=item.release_id or 0,
            item_id=item.id,
            giver_key=_key_of(item, emails),
            text=item.text,
            ratings=ratings.get(item.id, {}),
        )
        for item in items
    ]
    return releases, answers
