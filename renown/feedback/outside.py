"""Outside raters act through their link: answer it, and the requester may send a new one.

The token is the rater's only credential, so a token that matches nothing is "not valid"
whatever it looks like. Whether an answer may be anonymous is not the rater's or the
requester's choice alone: :func:`renown.feedback.raters.may_answer_anonymously` decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.feedback.actions import Answer
from renown.feedback.rater_links import LINK_PREFIX, link_digest, new_link_token
from renown.feedback.raters import Delivery, may_answer_anonymously
from renown.feedback.requests import (
    answer_is_anonymous,
    refuse_unless_open,
    store_answer,
)
from renown.feedback.vocabulary import RecipientStatus, Relationship, Visibility
from renown.org.access import person_in_org
from renown.store.tables.feedback import FeedbackRecipient, FeedbackRequest


def do_answer_external(
    session: Session,
    token: str,
    answer: Answer,
    *,
    anonymous: bool | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """An outside rater answers through their link: valid, unexpired, unused tokens only."""
    now = clock.now()
    token = token.strip()
    recipient = session.scalar(
        sa.select(FeedbackRecipient).where(
            FeedbackRecipient.token_digest == link_digest(token),
            FeedbackRecipient.person_id.is_(None),
        )
    )
    if recipient is None or not token.startswith(LINK_PREFIX):
        raise NotFound("this feedback link is not valid")
    request = session.get(FeedbackRequest, recipient.request_id)
    if request is None:
        raise NotFound("this feedback link is not valid")
    refuse_unless_open(request, recipient, now)
    subject = person_in_org(session, request.org_id, request.subject_id)
    countable = may_answer_anonymously(
        recipient.delivery, request.requester_id, request.subject_id, Visibility(request.visibility)
    )
    return store_answer(
        session,
        request,
        recipient,
        answer,
        answer_is_anonymous(request, anonymous, may_be_anonymous=countable),
        relationship=Relationship.CLIENT,
        actor=f"external:{recipient.id}",
        now=now,
        giver=None,
        subject=subject,
    )


@dataclass(frozen=True)
class NewLink:
    """A replacement link: the token goes to the mailer, or to the requester to forward.

    ``token`` is ``None`` when there is nothing to send (the rater already answered or
    declined a mailed link): the requester is not told which, since for a request whose
    answers may be anonymous, who answered is exactly what they must not learn.
    """

    request: FeedbackRequest
    rater_id: int
    email: str
    token: str | None
    delivery: Delivery


def check_new_link(
    session: Session,
    principal: Principal,
    request_id: int,
    rater_id: int,
    *,
    delivery: Delivery,
    clock: Clock = SYSTEM_CLOCK,
) -> NewLink:
    """The requester replaces an outside rater's link (e.g. the e-mail bounced).

    The old token stops working at once. A mailed link never turns into one the requester
    is shown (answers through it may be anonymous); a link the requester held may become a
    mailed one, since the old token is dead and nobody answered it.
    """
    now = clock.now()
    request = session.get(FeedbackRequest, request_id)
    if request is None or request.org_id != principal.org_id:
        raise NotFound(f"no feedback request {request_id}")
    if principal.person_id != request.requester_id:
        raise NotAllowed("only the requester sends outside raters their links")
    recipient = session.get(FeedbackRecipient, rater_id)
    if recipient is None or recipient.request_id != request.id or recipient.person_id is not None:
        raise NotFound(f"no outside rater {rater_id} on this request")
    if delivery is Delivery.REQUESTER and recipient.delivery == Delivery.MAIL:
        raise Invalid("this rater's link is e-mailed to them: e-mail must be configured to resend")
    if now >= request.expires_at:
        raise Invalid("this request has expired")
    pending = recipient.status == RecipientStatus.PENDING
    if not pending and delivery is not Delivery.MAIL:
        raise Invalid(f"this rater has already {recipient.status}")
    # Recorded alike whether or not the rater answered: the requester reads their own
    # entries in "export my data", and a difference would tell them who answered.
    audit.append(
        session,
        actor=principal.actor,
        action="feedback.request.relink",
        subject=f"request:{request.id}",
        payload={"rater": recipient.id, "delivery": delivery.value},
        org_id=request.org_id,
        at=now,
    )
    if not pending:
        return NewLink(request, recipient.id, recipient.email or "", None, delivery)
    token = new_link_token()
    recipient.token_digest = link_digest(token)
    recipient.delivery = delivery.value
    session.flush()
    return NewLink(request, recipient.id, recipient.email or "", token, delivery)
