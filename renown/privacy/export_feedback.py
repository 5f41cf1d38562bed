"""The 360 feedback part of "export my data": what the person wrote, asked and was asked.

Feedback they received is exported as the app shows it to them (named items one by one,
anonymous answers only as the released aggregates). Feedback they gave is theirs in full,
anonymous answers included (the text and ratings they wrote), but without anything about
the release an answer went into or who else answered. Requests list other people by id
only, and show who answered a request that allowed anonymous answers exactly as the
requester sees it in the app: not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from renown.accounts.principal import Principal
from renown.audit.personal import ERASED
from renown.feedback.queries import received, requested
from renown.store.tables.feedback import (
    FeedbackItem,
    FeedbackRating,
    FeedbackRecipient,
    FeedbackRequest,
)
from renown.store.tables.org import Person


def feedback_received(session: Session, principal: Principal, person_id: int) -> dict[str, Any]:
    """Named items about them, in full; anonymous answers as their aggregates only."""
    view = received(session, principal)
    Giver = aliased(Person)
    rows = session.execute(
        sa.select(FeedbackItem, Giver.name)
        .outerjoin(Giver, Giver.id == FeedbackItem.giver_person_id)
        .where(
            FeedbackItem.org_id == principal.org_id,
            FeedbackItem.receiver_id == person_id,
            FeedbackItem.anonymous.is_(False),
        )
        .order_by(FeedbackItem.created_at, FeedbackItem.id)
    ).all()
    ratings = _ratings(session, [item.id for item, _name in rows])
    return {
        "threshold": view.threshold,
        "named": [
            {
                "id": item.id,
                "giver_id": item.giver_person_id,
                "giver_name": name or _unnamed(item.giver_pseudonym),
                **_named_item(item, ratings),
            }
            for item, name in rows
        ],
        "anonymous_aggregates": [asdict(aggregate) for aggregate in view.aggregates],
        "anonymous_suppressed": [asdict(group) for group in view.suppressed],
    }


def _named_item(item: FeedbackItem, ratings: dict[int, dict[str, int]]) -> dict[str, Any]:
    """What a named item says, exported alike whether the person received or wrote it."""
    return {
        "relationship": item.relationship,
        "visibility": item.visibility,
        "text": item.text,
        "ratings": ratings.get(item.id, {}),
        "created_at": item.created_at.isoformat(),
        "request_id": item.request_id,
    }


def feedback_given(session: Session, org_id: int, person_id: int) -> dict[str, Any]:
    """Everything they wrote: named items, and their anonymous answers' words only."""
    items = list(
        session.scalars(
            sa.select(FeedbackItem)
            .where(FeedbackItem.org_id == org_id, FeedbackItem.giver_person_id == person_id)
            .order_by(FeedbackItem.created_at, FeedbackItem.id)
        )
    )
    ratings = _ratings(session, [item.id for item in items])
    named = [
        {
            "id": item.id,
            "receiver_id": item.receiver_id,
            **_named_item(item, ratings),
        }
        for item in items
        if not item.anonymous
    ]
    anonymous = [
        {
            "receiver_id": item.receiver_id,
            "relationship": item.relationship,
            "text": item.text,
            "ratings": ratings.get(item.id, {}),
            "created_at": item.created_at.isoformat(),
        }
        for item in items
        if item.anonymous
    ]
    return {"named": named, "anonymous": anonymous}


def feedback_requests(session: Session, principal: Principal, person_id: int) -> dict[str, Any]:
    """Requests they made (as the app shows them), requests about them, and the requests
    they were asked to answer (with their own answer status)."""
    made = [
        {
            "id": view.id,
            "subject_id": view.subject_id,
            "message": view.message,
            "competencies": list(view.competencies),
            "visibility": view.visibility,
            "anonymity": view.anonymity,
            "threshold": view.threshold,
            "expires_at": view.expires_at.isoformat(),
            "created_at": view.created_at.isoformat(),
            "recipients": [
                {"person_id": r.person_id, "outside_rater": r.person_id is None, "status": r.status}
                for r in view.recipients
            ],
            "answered": view.answered,
        }
        for view in requested(session, principal)
    ]
    about = session.scalars(
        sa.select(FeedbackRequest)
        .where(FeedbackRequest.org_id == principal.org_id, FeedbackRequest.subject_id == person_id)
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    )
    asked = session.execute(
        sa.select(FeedbackRecipient, FeedbackRequest)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackRecipient.request_id)
        .where(FeedbackRequest.org_id == principal.org_id, FeedbackRecipient.person_id == person_id)
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    )
    return {
        "made": made,
        "about_me": [_request(request) for request in about],
        "asked_me": [
            {
                "request_id": request.id,
                "requester_id": request.requester_id,
                "subject_id": request.subject_id,
                "message": request.message,
                "status": recipient.status,
                "reminders_sent": recipient.reminders_sent,
                "answered_at": _iso(recipient.answered_at),
                "expires_at": request.expires_at.isoformat(),
            }
            for recipient, request in asked
        ],
    }


def _request(request: FeedbackRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "requester_id": request.requester_id,
        "message": request.message,
        "competencies": list(request.competencies),
        "visibility": request.visibility,
        "anonymity": request.anonymity,
        "expires_at": request.expires_at.isoformat(),
        "created_at": request.created_at.isoformat(),
    }


def _ratings(session: Session, item_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    ids = list(item_ids)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for start in range(0, len(ids), 1000):
        for item_id, key, rating in session.execute(
            sa.select(
                FeedbackRating.item_id, FeedbackRating.competency_key, FeedbackRating.rating
            ).where(FeedbackRating.item_id.in_(ids[start : start + 1000]))
        ):
            found[item_id][key] = rating
    return found


def _unnamed(pseudonym: str | None) -> str:
    """Who a named item is from when no person is on record (as the app says it)."""
    erased = pseudonym is not None and pseudonym.startswith(ERASED)
    return "a former colleague" if erased else "an outside rater"


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())
