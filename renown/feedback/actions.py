"""Feedback actions: give feedback (named or anonymous), and the write path shared with answers.

``check_*`` authorises and validates, then the matching ``do_*`` writes and audits in the
caller's transaction. Requests, answers, reminders live in :mod:`renown.feedback.requests`;
notifications in :mod:`renown.notify.inapp`; frameworks and thresholds in their modules.

Anonymous items are audited without their receiver or their id (``feedback.give_anonymous``
on the organisation): the audit log is readable by administrators, and an entry linking an
account to the receiver would name the giver that every view hides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import Invalid
from renown.feedback.frameworks import checked_competencies
from renown.feedback.relations import acting_person, checked_relationship
from renown.feedback.releases import cut_due_releases
from renown.feedback.thresholds import check_set_anonymity_threshold, org_threshold
from renown.feedback.vocabulary import (
    MAX_RATING,
    MAX_TEXT,
    MIN_RATING,
    NEVER_ANONYMOUS,
    Relationship,
    Visibility,
)
from renown.notify.inapp import do_notify
from renown.org.access import access_person
from renown.store.tables.feedback import FeedbackItem, FeedbackRating
from renown.store.tables.org import Person

__all__ = [
    "Answer",
    "check_give_feedback",
    "check_set_anonymity_threshold",
    "do_store_feedback",
]


@dataclass(frozen=True)
class Answer:
    """What a giver says: free text and optional 1-5 ratings per competency key."""

    text: str = ""
    ratings: Mapping[str, int] | None = None


def _checked_answer(session: Session, org_id: int, answer: Answer) -> dict[str, int]:
    text = answer.text.strip()
    ratings = dict(answer.ratings or {})
    if len(text) > MAX_TEXT:
        raise Invalid(f"feedback text is limited to {MAX_TEXT} characters", field="text")
    if not text and not ratings:
        raise Invalid("feedback needs a text or at least one rating", field="text")
    checked_competencies(session, org_id, list(ratings))
    for key, rating in ratings.items():
        if isinstance(rating, bool) or not isinstance(rating, int):
            raise Invalid(f"the rating of {key} must be a whole number")
        if not MIN_RATING <= rating <= MAX_RATING:
            raise Invalid(f"the rating of {key} must be between {MIN_RATING} and {MAX_RATING}")
    return ratings


def check_anonymity_rules(
    relationship: Relationship, visibility: Visibility, anonymous: bool
) -> None:
    """Manager and self feedback are always named; public kudos are never anonymous."""
    if not anonymous:
        return
    if relationship in NEVER_ANONYMOUS:
        raise Invalid(f"{relationship.value} feedback is never anonymous", field="anonymous")
    if visibility is Visibility.PUBLIC:
        raise Invalid(
            "public feedback is shown one by one, so it cannot be anonymous", field="anonymous"
        )


def check_give_feedback(
    session: Session,
    principal: Principal,
    *,
    receiver_id: int,
    answer: Answer,
    visibility: Visibility = Visibility.PRIVATE,
    anonymous: bool = False,
    relationship: Relationship | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> FeedbackItem:
    """Anyone in the organisation gives feedback to anyone in it (challenge roles: nobody)."""
    giver = acting_person(session, principal)
    receiver = access_person(session, principal, receiver_id)
    checked = checked_relationship(session, giver, receiver, relationship)
    if checked is Relationship.SELF and visibility is Visibility.PUBLIC:
        raise Invalid("no self-kudos: feedback to oneself cannot be public", field="visibility")
    return do_store_feedback(
        session,
        org_id=principal.org_id,
        receiver=receiver,
        answer=answer,
        relationship=checked,
        visibility=visibility,
        anonymous=anonymous,
        giver=giver,
        actor=principal.actor,
        now=clock.now(),
    )


def do_store_feedback(
    session: Session,
    *,
    org_id: int,
    receiver: Person,
    answer: Answer,
    relationship: Relationship,
    visibility: Visibility,
    anonymous: bool,
    actor: str,
    now: datetime,
    giver: Person | None = None,
    giver_name: str | None = None,
    external_rater_id: int | None = None,
    request_id: int | None = None,
    threshold: int | None = None,
) -> FeedbackItem:
    """Store one item with its ratings, audit it, notify, and cut any release now due."""
    check_anonymity_rules(relationship, visibility, anonymous)
    ratings = _checked_answer(session, org_id, answer)
    item = FeedbackItem(
        org_id=org_id,
        giver_person_id=giver.id if giver else None,
        external_rater_id=external_rater_id,
        receiver_id=receiver.id,
        relationship=relationship.value,
        text=answer.text.strip(),
        visibility=visibility.value,
        anonymous=anonymous,
        anonymity_threshold=(threshold or org_threshold(session, org_id)) if anonymous else None,
        request_id=request_id,
        created_at=now,
    )
    session.add(item)
    session.flush()
    for key, rating in ratings.items():
        session.add(FeedbackRating(item_id=item.id, competency_key=key, rating=rating))
    session.flush()
    if anonymous:
        audit.append(
            session,
            actor=actor,
            action="feedback.give_anonymous",
            subject=f"org:{org_id}",
            org_id=org_id,
            at=now,
        )
        cut_due_releases(session, org_id, receiver.id, now)
        return item
    audit.append(
        session,
        actor=actor,
        action="feedback.give",
        subject=f"feedback:{item.id}",
        payload={
            "receiver": receiver.id,
            "relationship": relationship.value,
            "visibility": visibility.value,
            "request": request_id,
        },
        org_id=org_id,
        at=now,
    )
    if relationship is not Relationship.SELF:
        who = giver.name if giver else (giver_name or "An outside rater")
        do_notify(
            session,
            org_id=org_id,
            person_id=receiver.id,
            kind="feedback.received",
            text=f"{who} gave you feedback",
            link=f"/feedback/received#item-{item.id}",
            now=now,
        )
    return item
