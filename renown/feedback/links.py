"""What an outside rater's link shows before they answer (read-only).

The token is the rater's only credential, so a token that matches nothing is "not found"
whatever it looks like: a guessed, altered or forged link learns nothing, not even whether
a request with that shape exists. A real link that was used, declined or has expired still
shows its request (the rater holds the token; telling them it was used is no leak).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import NotFound
from renown.feedback.frameworks import competencies
from renown.feedback.rater_links import LINK_PREFIX, link_digest
from renown.feedback.raters import outside_answer_may_be_anonymous
from renown.feedback.vocabulary import RecipientStatus
from renown.store.tables.feedback import FeedbackRecipient, FeedbackRequest
from renown.store.tables.org import Organisation, Person

EXPIRED = "expired"


@dataclass(frozen=True)
class LinkedCompetency:
    """A competency the outside rater is asked to rate."""

    key: str
    name: str
    description: str


@dataclass(frozen=True)
class ExternalRequest:
    """A request as its outside rater sees it."""

    organisation: str
    requester_name: str
    subject_name: str
    rater_name: str
    message: str
    competencies: tuple[LinkedCompetency, ...]
    anonymity: str
    expires_at: datetime
    status: str
    """``pending``, ``answered``, ``declined`` or ``expired``: only ``pending`` takes answers."""
    may_be_anonymous: bool = False
    """Whether this rater's answer can be anonymous (else it is shown with their name)."""


def external_request(
    session: Session, token: str, *, clock: Clock = SYSTEM_CLOCK
) -> ExternalRequest:
    """The request behind an outside rater's link (NotFound for any other string)."""
    token = token.strip()
    if not token.startswith(LINK_PREFIX):
        raise NotFound("this feedback link is not valid")
    recipient = session.scalar(
        sa.select(FeedbackRecipient).where(
            FeedbackRecipient.token_digest == link_digest(token),
            FeedbackRecipient.person_id.is_(None),
        )
    )
    request = session.get(FeedbackRequest, recipient.request_id) if recipient else None
    if recipient is None or request is None:
        raise NotFound("this feedback link is not valid")
    organisation = session.get(Organisation, request.org_id)
    requester = session.get(Person, request.requester_id)
    subject = session.get(Person, request.subject_id)
    asked = set(request.competencies)
    rated = [
        LinkedCompetency(c.key, c.name, c.description)
        for c in competencies(session, request.org_id)
        if not asked or c.key in asked
    ]
    status = recipient.status
    if status == RecipientStatus.PENDING and clock.now() >= request.expires_at:
        status = EXPIRED
    return ExternalRequest(
        organisation=organisation.name if organisation else "",
        requester_name=requester.name if requester else "",
        subject_name=subject.name if subject else "",
        rater_name=recipient.name or "",
        message=request.message,
        competencies=tuple(rated),
        anonymity=request.anonymity,
        expires_at=request.expires_at,
        status=status,
        may_be_anonymous=outside_answer_may_be_anonymous(
            request.anonymity,
            recipient.delivery,
            request.requester_id,
            request.subject_id,
            request.visibility,
        ),
    )
