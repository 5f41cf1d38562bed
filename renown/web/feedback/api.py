"""360° feedback: give, request, answer, read, and the settings HR keeps.

Each route calls one action or query of :mod:`renown.feedback` and formats its answer;
who may read what (and that anonymous answers appear only as whole releases) is decided
there. Outside raters answer through ``/external/feedback/{token}``: public routes whose
token is the credential, so an unknown token is a plain 404 (no oracle).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, status
from sqlalchemy.orm import Session

from renown.feedback import actions, frameworks, links, outside, queries, requests, thresholds
from renown.feedback.actions import Answer
from renown.feedback.rater_links import ExternalRater
from renown.feedback.raters import Delivery, link_delivery, outside_answer_may_be_anonymous
from renown.feedback.results import GivenItem, PendingRequest, TrendPoint
from renown.notify.inapp import check_mark_read, list_notifications
from renown.notify.rater_links import SKIPPED, mail_rater_links
from renown.store.tables.feedback import FeedbackRequest
from renown.web.deps import SessionDep, SettingsDep
from renown.web.feedback.present import rater_url
from renown.web.feedback.shapes import (
    AnonymitySettingsIn,
    AnsweredOut,
    AnswerIn,
    CompetencyKey,
    CompetencyOut,
    CreatedFeedbackOut,
    CreatedRequestOut,
    DeclinedOut,
    ExternalRequestOut,
    FeedbackViewOut,
    FrameworkOut,
    GiveFeedbackIn,
    NotificationOut,
    OrgOverviewOut,
    RaterLinkOut,
    RequestFeedbackIn,
    RequestOut,
    RequestSettingsOut,
    ThresholdIn,
    ThresholdOut,
)
from renown.web.json_body import StrictJsonRoute
from renown.web.params import Moment, OptionalId, RowId
from renown.web.policy import PeopleAdmin, SignedIn, Staff, public

router = APIRouter(tags=["feedback"], route_class=StrictJsonRoute)
LinkToken = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9_-]+$", description="The link's token.")
]
CompetencyFilter = Annotated[CompetencyKey | None, Query()]
Since = Annotated[
    Moment | None, Query(description="Named items given at or after this (with a time zone).")
]
Until = Annotated[
    Moment | None, Query(description="Named items given before this (with a time zone).")
]


@dataclass(frozen=True)
class Named:
    """Which named feedback items to show (``None``: any)."""

    competency: str | None
    since: datetime | None
    until: datetime | None
    request_id: int | None


def _named(
    competency: CompetencyFilter = None,
    since: Since = None,
    until: Until = None,
    request_id: OptionalId = None,
) -> Named:
    return Named(competency, since, until, request_id)


NamedFilter = Annotated[Named, Depends(_named)]
"""The filters of the named items of a person's received feedback."""
UnreadOnly = Annotated[bool, Query()]
NotificationLimit = Annotated[int, Query(ge=1, le=200)]


# --- Giving and reading -------------------------------------------------------------------


@router.post("/feedback", status_code=status.HTTP_201_CREATED)
def give_feedback(
    body: GiveFeedbackIn, principal: Staff, session: SessionDep
) -> CreatedFeedbackOut:
    """Give feedback to a colleague (anonymous only where the relationship allows it)."""
    item = actions.check_give_feedback(
        session,
        principal,
        receiver_id=body.receiver_id,
        answer=Answer(body.text, body.ratings),
        visibility=body.visibility,
        anonymous=body.anonymous,
        relationship=body.relationship,
    )
    created = CreatedFeedbackOut.model_validate(item)
    session.commit()
    return created


@router.get("/feedback/received")
def received(
    principal: Staff,
    session: SessionDep,
    named: NamedFilter,
) -> FeedbackViewOut:
    """Feedback about me: named items (filters apply to these) and anonymous aggregates."""
    return FeedbackViewOut.model_validate(queries.received(session, principal, **asdict(named)))


@router.get("/feedback/given")
def given(principal: Staff, session: SessionDep) -> list[GivenItem]:
    """Feedback I gave, newest first."""
    return queries.given(session, principal)


@router.get("/feedback/people/{person_id}")
def about_person(
    person_id: RowId,
    principal: Staff,
    session: SessionDep,
    named: NamedFilter,
) -> FeedbackViewOut:
    """A person's feedback as their manager chain or HR may see it (404 for anyone else)."""
    view = queries.about_person(session, principal, person_id, **asdict(named))
    return FeedbackViewOut.model_validate(view)


@router.get("/feedback/people/{person_id}/trends")
def competency_trends(person_id: RowId, principal: Staff, session: SessionDep) -> list[TrendPoint]:
    """Mean rating per competency and quarter (anonymous ratings as whole releases only)."""
    return queries.competency_trends(session, principal, person_id)


# --- Requests -----------------------------------------------------------------------------


@router.get("/feedback/requested")
def requested(principal: Staff, session: SessionDep) -> list[RequestOut]:
    """Requests I made, with who answered where answers are named."""
    return [RequestOut.model_validate(view) for view in queries.requested(session, principal)]


@router.get("/feedback/pending")
def pending(principal: Staff, session: SessionDep) -> list[PendingRequest]:
    """Open requests waiting for my answer, soonest expiry first."""
    return queries.pending(session, principal)


def _rater_link(
    request: Request,
    row: FeedbackRequest,
    delivery: Delivery,
    rater_id: int,
    email: str,
    token: str | None,
    emailed: str,
) -> RaterLinkOut:
    """An outside rater's link as its requester sees it: the token only when not mailed."""
    shown = None if delivery is Delivery.MAIL else token
    return RaterLinkOut(
        rater_id=rater_id,
        email=email,
        delivery=delivery.value,
        token=shown,
        url=None if shown is None else rater_url(request, shown),
        emailed=emailed,
        may_be_anonymous=outside_answer_may_be_anonymous(
            row.anonymity, delivery, row.requester_id, row.subject_id, row.visibility
        ),
    )


@router.post("/feedback/requests", status_code=status.HTTP_201_CREATED)
def request_feedback(
    body: RequestFeedbackIn,
    request: Request,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
) -> CreatedRequestOut:
    """Ask for feedback. With e-mail configured, outside raters' links are mailed to them and
    shown nowhere; without it, they are in this answer only (copy them now) and answers
    through them are named."""
    created = requests.check_request_feedback(
        session,
        principal,
        person_ids=body.person_ids,
        external=[ExternalRater(r.email, r.name) for r in body.external],
        expires_at=body.expires_at,
        subject_id=body.subject_id,
        competencies=body.competencies,
        message=body.message,
        anonymity=body.anonymity,
        threshold=body.threshold,
        visibility=body.visibility,
        delivery=link_delivery(settings),
    )
    row = created.request
    session.commit()
    delivery = created.delivery
    mailed = delivery is Delivery.MAIL
    emailed = (
        mail_rater_links(
            settings,
            created.links,
            row.expires_at,
            principal.email,
        )
        if mailed
        else dict.fromkeys(created.links, SKIPPED)
    )
    return CreatedRequestOut(
        id=row.id,
        subject_id=row.subject_id,
        visibility=row.visibility,
        anonymity=row.anonymity,
        threshold=row.anonymity_threshold,
        competencies=list(row.competencies),
        expires_at=row.expires_at,
        links=[
            _rater_link(
                request,
                row,
                created.delivery,
                created.rater_ids[email],
                email,
                token,
                emailed[email],
            )
            for email, token in created.links.items()
        ],
    )


@router.post("/feedback/requests/{request_id}/raters/{rater_id}/link")
def new_rater_link(
    request_id: RowId,
    rater_id: RowId,
    request: Request,
    principal: Staff,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> RaterLinkOut:
    """Replace an outside rater's link (the old one stops working). A mailed link is mailed
    again, in the background, and only if the rater has not answered: the answer does not
    say which, since who answered may be what anonymity hides."""
    made = outside.check_new_link(
        session, principal, request_id, rater_id, delivery=link_delivery(settings)
    )
    row = made.request
    session.commit()
    mailed = made.delivery is Delivery.MAIL
    if mailed and made.token is not None:
        background.add_task(
            mail_rater_links,
            settings,
            {made.email: made.token},
            row.expires_at,
            principal.email,
        )
    emailed = "queued" if mailed else SKIPPED
    return _rater_link(request, row, made.delivery, made.rater_id, made.email, made.token, emailed)


@router.post("/feedback/requests/{request_id}/answer", status_code=status.HTTP_201_CREATED)
def answer_request(
    request_id: RowId, body: AnswerIn, principal: Staff, session: SessionDep
) -> AnsweredOut:
    """Answer a request I was asked (once, before it expires)."""
    item_id = requests.check_answer_request(
        session, principal, request_id, Answer(body.text, body.ratings), anonymous=body.anonymous
    )
    session.commit()
    return AnsweredOut(id=item_id)


@router.post("/feedback/requests/{request_id}/decline")
def decline_request(request_id: RowId, principal: Staff, session: SessionDep) -> DeclinedOut:
    """Decline a request I was asked (nobody is told who declined)."""
    recipient = requests.check_decline(session, principal, request_id)
    answer = DeclinedOut.model_validate(recipient)
    session.commit()
    return answer


@router.put("/feedback/requests/{request_id}/anonymity")
def change_anonymity(
    request_id: RowId, body: AnonymitySettingsIn, principal: Staff, session: SessionDep
) -> RequestSettingsOut:
    """Change a request's anonymity settings: 422 once an answer has locked them."""
    row = requests.check_change_anonymity(
        session, principal, request_id, anonymity=body.anonymity, threshold=body.threshold
    )
    answer = RequestSettingsOut(
        id=row.id, anonymity=row.anonymity, threshold=row.anonymity_threshold, locked=row.locked
    )
    session.commit()
    return answer


# --- Outside raters (the token is the credential) ------------------------------------------


@router.get("/external/feedback/{token}", dependencies=[public()])
def external_request(token: LinkToken, session: SessionDep) -> ExternalRequestOut:
    """The request behind an outside rater's link (404 for any token that is not one)."""
    return ExternalRequestOut.model_validate(links.external_request(session, token))


@router.post(
    "/external/feedback/{token}", dependencies=[public()], status_code=status.HTTP_201_CREATED
)
def external_answer(token: LinkToken, body: AnswerIn, session: SessionDep) -> AnsweredOut:
    """An outside rater answers through their link: once, before the request expires."""
    item_id = outside.do_answer_external(
        session, token, Answer(body.text, body.ratings), anonymous=body.anonymous
    )
    session.commit()
    return AnsweredOut(id=item_id)


# --- Organisation: overview, framework, threshold -----------------------------------------


@router.get("/feedback/overview")
def org_overview(principal: PeopleAdmin, session: SessionDep) -> OrgOverviewOut:
    """Counts and means over the organisation (anonymous data: whole releases only)."""
    return OrgOverviewOut.model_validate(queries.org_overview(session, principal))


def _framework_out(session: Session, org_id: int) -> FrameworkOut:
    framework = frameworks.active_framework(session, org_id)
    return FrameworkOut(
        name=framework.name if framework else None,
        competencies=[
            CompetencyOut.model_validate(c) for c in frameworks.competencies(session, org_id)
        ],
    )


@router.get("/feedback/framework")
def competency_framework(principal: Staff, session: SessionDep) -> FrameworkOut:
    """The competencies people are rated on (none until HR installs a framework)."""
    return _framework_out(session, principal.org_id)


@router.post("/feedback/framework/default", status_code=status.HTTP_201_CREATED)
def seed_default_framework(principal: PeopleAdmin, session: SessionDep) -> FrameworkOut:
    """Install the default framework (idempotent: an installed one is returned as is)."""
    frameworks.check_seed_default_framework(session, principal)
    session.commit()
    return _framework_out(session, principal.org_id)


@router.get("/feedback/settings")
def feedback_settings(principal: Staff, session: SessionDep) -> ThresholdOut:
    """The anonymity threshold in force: distinct givers an anonymous release needs."""
    return ThresholdOut(anonymity_threshold=thresholds.org_threshold(session, principal.org_id))


@router.put("/feedback/settings")
def set_feedback_settings(
    body: ThresholdIn, principal: PeopleAdmin, session: SessionDep
) -> ThresholdOut:
    """Set the anonymity threshold (never below 3)."""
    value = thresholds.check_set_anonymity_threshold(session, principal, body.anonymity_threshold)
    session.commit()
    return ThresholdOut(anonymity_threshold=value)


# --- Notifications ------------------------------------------------------------------------


@router.get("/notifications")
def notifications(
    principal: SignedIn,
    session: SessionDep,
    unread_only: UnreadOnly = False,
    limit: NotificationLimit = 50,
) -> list[NotificationOut]:
    """My notifications, newest first."""
    notes = list_notifications(session, principal, unread_only=unread_only, limit=limit)
    return [NotificationOut.model_validate(note) for note in notes]


@router.post("/notifications/{notification_id}/read")
def mark_read(notification_id: RowId, principal: SignedIn, session: SessionDep) -> NotificationOut:
    """Mark one of my notifications read."""
    answer = NotificationOut.model_validate(check_mark_read(session, principal, notification_id))
    session.commit()
    return answer
