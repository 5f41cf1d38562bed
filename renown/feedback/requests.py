"""Feedback requests: ask, answer (in the app or through an outside rater's link), decline,
remind, and change anonymity settings until the first answer locks them.

Answers inherit the request's anonymity and visibility. Outside raters get a random
single-use token (only its SHA-256 is stored, like API tokens): a guessed, forged or
altered token matches nothing, an answered one is refused, an expired request refuses all.
Whether an outside rater's answer may be anonymous is decided by
:mod:`renown.feedback.raters`: only when the link reached them alone and no reader of the
result chose them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.accounts.principal import Principal
from renown.core.clock import SYSTEM_CLOCK, Clock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.feedback.actions import Answer, do_store_feedback
from renown.feedback.anonymity import checked_threshold, effective_threshold
from renown.feedback.frameworks import checked_competencies
from renown.feedback.rater_links import (
    ExternalRater,
    checked_raters,
    link_digest,
    new_link_token,
)
from renown.feedback.raters import NAMED_BECAUSE, Delivery, may_answer_anonymously
from renown.feedback.relations import acting_person, derive_relationship, is_manager_of
from renown.feedback.thresholds import org_threshold
from renown.feedback.vocabulary import (
    MAX_RECIPIENTS,
    MAX_REMINDERS,
    MAX_TEXT,
    Anonymity,
    RecipientStatus,
    Relationship,
    Visibility,
)
from renown.notify.inapp import do_notify
from renown.org.access import access_person, person_in_org
from renown.org.reporting import manager_chain
from renown.store.tables.feedback import FeedbackRecipient, FeedbackRequest
from renown.store.tables.org import Person

MAX_LIFETIME = timedelta(days=180)
FIRST_REMINDER_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class CreatedRequest:
    """The new request and each outside rater's link token (never stored).

    With :attr:`Delivery.MAIL` the tokens are for the mailer only: nothing shows them to
    the requester. With :attr:`Delivery.REQUESTER` the requester is shown them to forward.
    """

    request: FeedbackRequest
    links: dict[str, str]
    delivery: Delivery = Delivery.REQUESTER
    rater_ids: dict[str, int] = field(default_factory=dict)
    """Each outside rater's id (to send them a new link later)."""


def _anonymity_threshold(session: Session, org_id: int, requested: int | None) -> int:
    floor = org_threshold(session, org_id)
    return effective_threshold(floor, checked_threshold(requested) if requested else None)


def check_request_feedback(
    session: Session,
    principal: Principal,
    *,
    person_ids: Sequence[int] = (),
    external: Sequence[ExternalRater] = (),
    expires_at: datetime,
    subject_id: int | None = None,
    competencies: Sequence[str] = (),
    message: str = "",
    anonymity: Anonymity = Anonymity.NONE,
    threshold: int | None = None,
    visibility: Visibility = Visibility.PRIVATE,
    delivery: Delivery = Delivery.REQUESTER,
    clock: Clock = SYSTEM_CLOCK,
) -> CreatedRequest:
    """Ask people (and outside raters) for feedback about oneself or one's report.

    ``delivery`` says how outside raters' links will reach them: :attr:`Delivery.MAIL` only
    when the caller e-mails them (a mail server is configured), since the requester must
    never hold links whose answers count as anonymous.
    """
    now = clock.now()
    requester = acting_person(session, principal)
    subject = requester
    if subject_id is not None and subject_id != requester.id:
        subject = access_person(session, principal, subject_id)
        if not is_manager_of(session, principal, subject):
            raise NotAllowed("feedback about someone else is requested by their manager")
    people = [access_person(session, principal, pid) for pid in dict.fromkeys(person_ids)]
    raters = checked_raters(session, principal.org_id, external)
    if not people and not raters:
        raise Invalid("a request needs at least one recipient")
    if len(people) + len(raters) > MAX_RECIPIENTS:
        raise Invalid(f"a request goes to at most {MAX_RECIPIENTS} recipients")
    if not now < expires_at <= now + MAX_LIFETIME:
        raise Invalid("a request expires in the future, within 180 days", field="expires_at")
    if len(message) > MAX_TEXT:
        raise Invalid(f"the message is limited to {MAX_TEXT} characters", field="message")
    if visibility is Visibility.PUBLIC:
        raise Invalid(
            "answers to a request are private or shared with managers, not public",
            field="visibility",
        )
    if anonymity is Anonymity.REQUIRED:
        named_only = {subject.id, *manager_chain(session, subject)}
        if any(p.id in named_only for p in people):
            raise Invalid(
                "anonymous requests cannot go to the subject or their managers",
                field="anonymity",
            )
        if raters and not may_answer_anonymously(delivery, requester.id, subject.id, visibility):
            raise Invalid(
                f"this request cannot require anonymity: {NAMED_BECAUSE}", field="anonymity"
            )
    request = FeedbackRequest(
        org_id=principal.org_id,
        requester_id=requester.id,
        subject_id=subject.id,
        message=message.strip(),
        competencies=checked_competencies(session, principal.org_id, list(competencies)),
        visibility=visibility.value,
        anonymity=anonymity.value,
        anonymity_threshold=_anonymity_threshold(session, principal.org_id, threshold),
        locked=anonymity is not Anonymity.NONE,
        expires_at=expires_at,
        created_at=now,
    )
    session.add(request)
    session.flush()
    links: dict[str, str] = {}
    for person in people:
        session.add(FeedbackRecipient(request_id=request.id, person_id=person.id))
    outside: dict[str, FeedbackRecipient] = {}
    for email, name in raters.items():
        links[email] = new_link_token()
        outside[email] = FeedbackRecipient(
            request_id=request.id,
            email=email,
            name=name,
            token_digest=link_digest(links[email]),
            delivery=delivery.value,
        )
        session.add(outside[email])
    session.flush()
    audit.append_by(
        session,
        principal,
        "feedback.request",
        subject=f"request:{request.id}",
        payload={
            "subject": subject.id,
            "people": [p.id for p in people],
            "external": len(raters),
            "delivery": delivery.value if raters else None,
            "anonymity": anonymity.value,
            "threshold": request.anonymity_threshold,
        },
        at=now,
    )
    for person in people:
        do_notify(
            session,
            org_id=principal.org_id,
            person_id=person.id,
            kind="feedback.request",
            text=f"{requester.name} asks for your feedback about {subject.name}",
            link=f"/feedback/requests/{request.id}/answer",
            now=now,
        )
    return CreatedRequest(request, links, delivery, {e: r.id for e, r in outside.items()})


def _request_in_org(session: Session, org_id: int, request_id: int) -> FeedbackRequest:
    request = session.get(FeedbackRequest, request_id)
    if request is None or request.org_id != org_id:
        raise NotFound(f"no feedback request {request_id}")
    return request


def _my_recipient(session: Session, request: FeedbackRequest, person_id: int) -> FeedbackRecipient:
    recipient = session.scalar(
        sa.select(FeedbackRecipient).where(
            FeedbackRecipient.request_id == request.id, FeedbackRecipient.person_id == person_id
        )
    )
    if recipient is None:
        raise NotFound(f"no feedback request {request.id}")
    return recipient


def refuse_unless_open(
    request: FeedbackRequest, recipient: FeedbackRecipient, now: datetime
) -> None:
    if now >= request.expires_at:
        raise Invalid("this request has expired")
    if recipient.status != RecipientStatus.PENDING:
        raise Invalid(f"this request was already {recipient.status}")


def answer_is_anonymous(
    request: FeedbackRequest, anonymous: bool | None, *, may_be_anonymous: bool = True
) -> bool:
    mode = Anonymity(request.anonymity)
    if not may_be_anonymous:
        if mode is Anonymity.REQUIRED:
            raise Invalid(f"this link cannot take an anonymous answer: {NAMED_BECAUSE}")
        if anonymous:
            raise Invalid(NAMED_BECAUSE)
        return False
    if mode is Anonymity.REQUIRED:
        if anonymous is False:
            raise Invalid("answers to this request are anonymous")
        return True
    if mode is Anonymity.NONE and anonymous:
        raise Invalid("answers to this request are named")
    return bool(anonymous)


def check_answer_request(
    session: Session,
    principal: Principal,
    request_id: int,
    answer: Answer,
    *,
    anonymous: bool | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """An invited colleague answers once, before expiry; returns the feedback item's id."""
    now = clock.now()
    me = acting_person(session, principal)
    request = _request_in_org(session, principal.org_id, request_id)
    recipient = _my_recipient(session, request, me.id)
    refuse_unless_open(request, recipient, now)
    subject = person_in_org(session, request.org_id, request.subject_id)
    relationship = derive_relationship(session, me, subject)
    return store_answer(
        session,
        request,
        recipient,
        answer,
        answer_is_anonymous(request, anonymous),
        relationship=relationship,
        actor=principal.actor,
        now=now,
        giver=me,
        subject=subject,
    )


def store_answer(
    session: Session,
    request: FeedbackRequest,
    recipient: FeedbackRecipient,
    answer: Answer,
    anonymous: bool,
    *,
    relationship: Relationship,
    actor: str,
    now: datetime,
    giver: Person | None,
    subject: Person,
) -> int:
    asked = set(request.competencies)
    if asked and not set(answer.ratings or {}) <= asked:
        raise Invalid("rate only the competencies the request asks about")
    item = do_store_feedback(
        session,
        org_id=request.org_id,
        receiver=subject,
        answer=answer,
        relationship=relationship,
        visibility=Visibility(request.visibility),
        anonymous=anonymous,
        actor=actor,
        now=now,
        giver=giver,
        giver_name=recipient.name,
        external_rater_id=recipient.id if giver is None else None,
        request_id=request.id,
        threshold=request.anonymity_threshold,
    )
    recipient.status = RecipientStatus.ANSWERED.value
    recipient.answered_at = now
    request.locked = True
    session.flush()
    return item.id


def check_decline(
    session: Session, principal: Principal, request_id: int, *, clock: Clock = SYSTEM_CLOCK
) -> FeedbackRecipient:
    """An invited colleague declines (once, before expiry); nobody is told who declined."""
    now = clock.now()
    me = acting_person(session, principal)
    request = _request_in_org(session, principal.org_id, request_id)
    recipient = _my_recipient(session, request, me.id)
    refuse_unless_open(request, recipient, now)
    recipient.status = RecipientStatus.DECLINED.value
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="feedback.decline",
        subject=f"request:{request.id}",
        org_id=request.org_id,
        at=now,
    )
    return recipient


def check_change_anonymity(
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    anonymity: Anonymity,
    threshold: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> FeedbackRequest:
    """The requester makes a named request's answers anonymous, until someone answers.

    Settings are fixed once answers may be anonymous: changing them would change what
    givers were promised, and a lock that closed only at the first answer would tell the
    requester that someone had answered (and, with one recipient, who). A named request
    stays open to change until its first answer, which it shows anyway.
    """
    request = _request_in_org(session, principal.org_id, request_id)
    if principal.person_id != request.requester_id:
        raise NotAllowed("only the requester changes a request's settings")
    if request.anonymity != Anonymity.NONE.value:
        raise Invalid(
            "answers to this request may be anonymous, so its settings are fixed: "
            "ask again to change them"
        )
    if request.locked:
        raise Invalid("this request has answers: its anonymity settings are fixed")
    if anonymity is Anonymity.REQUIRED:
        subject = person_in_org(session, request.org_id, request.subject_id)
        named_only = {subject.id, *manager_chain(session, subject)}
        invited = session.scalars(
            sa.select(FeedbackRecipient.person_id).where(FeedbackRecipient.request_id == request.id)
        )
        if any(pid in named_only for pid in invited):
            raise Invalid(
                "anonymous requests cannot go to the subject or their managers",
                field="anonymity",
            )
        deliveries = session.scalars(
            sa.select(FeedbackRecipient.delivery).where(
                FeedbackRecipient.request_id == request.id, FeedbackRecipient.person_id.is_(None)
            )
        ).all()
        visibility = Visibility(request.visibility)
        if any(
            not may_answer_anonymously(d, request.requester_id, request.subject_id, visibility)
            for d in deliveries
        ):
            raise Invalid(
                f"this request cannot require anonymity: {NAMED_BECAUSE}", field="anonymity"
            )
    request.anonymity = anonymity.value
    request.locked = anonymity is not Anonymity.NONE
    request.anonymity_threshold = _anonymity_threshold(session, request.org_id, threshold)
    session.flush()
    audit.append(
        session,
        actor=principal.actor,
        action="feedback.request.anonymity",
        subject=f"request:{request.id}",
        payload={"anonymity": anonymity.value, "threshold": request.anonymity_threshold},
        org_id=request.org_id,
        at=clock.now(),
    )
    return request


def do_send_reminders(
    session: Session,
    *,
    clock: Clock = SYSTEM_CLOCK,
    org_id: int | None = None,
    max_reminders: int = MAX_REMINDERS,
) -> int:
    """Remind colleagues of open requests they have not answered: at most once a day each,
    at most ``max_reminders`` times, first after two days. Running it twice a day is harmless.
    """
    now = clock.now()
    query = (
        sa.select(FeedbackRecipient, FeedbackRequest)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackRecipient.request_id)
        .where(
            FeedbackRecipient.status == RecipientStatus.PENDING.value,
            FeedbackRecipient.person_id.is_not(None),
            FeedbackRecipient.reminders_sent < max_reminders,
            FeedbackRequest.expires_at > now,
            FeedbackRequest.created_at <= now - FIRST_REMINDER_AFTER,
        )
        .order_by(FeedbackRecipient.id)
    )
    if org_id is not None:
        query = query.where(FeedbackRequest.org_id == org_id)
    sent: dict[int, int] = {}
    for recipient, request in session.execute(query):
        last = recipient.last_reminded_at
        if last is not None and last.date() >= now.date():
            continue
        recipient.reminders_sent += 1
        recipient.last_reminded_at = now
        do_notify(
            session,
            org_id=request.org_id,
            person_id=recipient.person_id,
            kind="feedback.reminder",
            text=f"Reminder: a feedback request waits for you until {request.expires_at:%Y-%m-%d}",
            link=f"/feedback/requests/{request.id}/answer",
            now=now,
        )
        sent[request.org_id] = sent.get(request.org_id, 0) + 1
    for org, count in sorted(sent.items()):
        audit.append(
            session,
            actor="system",
            action="feedback.remind",
            subject=f"org:{org}",
            payload={"reminders": count},
            org_id=org,
            at=now,
        )
    session.flush()
    return sum(sent.values())
