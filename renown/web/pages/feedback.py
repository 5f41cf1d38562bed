"""360° feedback pages: my feedback, giving, requesting, answering, a report's feedback,
HR's overview, notifications, and the outside rater's link page ``/r/{token}``.

Like the API, each page calls the :mod:`renown.feedback` actions and queries, which decide
who sees what; anonymous answers reach a page only as group aggregates of whole releases.
Forms re-render with the domain's message (422) when a value is refused, so nothing typed
is lost; successful posts redirect (303) so that reloading does not send twice.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotFound
from renown.core.roles import PEOPLE_ADMIN_ROLES, STAFF_ROLES, Role
from renown.feedback import actions, frameworks, links, outside, queries, requests, thresholds
from renown.feedback.actions import Answer
from renown.feedback.model import MAX_TEXT, NEVER_ANONYMOUS, Anonymity, Visibility
from renown.feedback.raters import Delivery, link_delivery
from renown.feedback.relations import acting_person, derive_relationship
from renown.notify.inapp import check_mark_read, list_notifications
from renown.notify.rater_links import mail_rater_links
from renown.org import queries as org_queries
from renown.web.deps import SessionDep
from renown.web.pages.feedback_present import (
    GROUP_LABELS,
    competency_names,
    parse_raters,
    parse_ratings,
    trends_chart_spec,
)
from renown.web.params import MAX_ID, MULTI_LINE, OptionalId, RowId, SearchText, SingleLine
from renown.web.policy import allow, public, signed_in
from renown.web.render import is_htmx, render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
SignedIn = Annotated[Principal, signed_in()]
FormText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
Ratings = Annotated[list[SingleLine], Form(max_length=64)]
LinkToken = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
PersonId = Annotated[int, Field(ge=1, le=MAX_ID)]
PICKER_SIZE = 8
DEFAULT_LIFETIME_DAYS = 14
TABS = (
    ("received", "Received"),
    ("given", "Given"),
    ("requested", "My requests"),
    ("pending", "To answer"),
)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def _linked(principal: Principal) -> bool:
    return principal.person_id is not None


# --- My feedback --------------------------------------------------------------------------


def _mine(request: Request, principal: Principal, session: Session, tab: str) -> HTMLResponse:
    context: dict[str, Any] = {"tab": tab, "tabs": TABS, "linked": _linked(principal)}
    context["names"] = competency_names(session, principal.org_id)
    context["group_labels"] = GROUP_LABELS
    if not context["linked"]:
        return render(request, "feedback_mine.html", context)
    if tab == "received":
        context["view"] = queries.received(session, principal)
        points = queries.competency_trends(session, principal, principal.person_id or 0)
        context["chart_spec"] = trends_chart_spec(points, context["names"])
        context["points"] = points
    elif tab == "given":
        context["items"] = queries.given(session, principal)
        context["sent"] = request.query_params.get("sent") == "1"
    elif tab == "requested":
        context["items"] = queries.requested(session, principal)
    else:
        context["items"] = queries.pending(session, principal)
        context["done"] = request.query_params.get("done", "")
    return render(request, "feedback_mine.html", context)


@router.get("/feedback", response_class=HTMLResponse)
def my_feedback(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Feedback I received: named items, anonymous group aggregates, competency trends."""
    return _mine(request, principal, session, "received")


@router.get("/feedback/received", response_class=HTMLResponse)
def my_received(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """The received tab (notifications link here)."""
    return _mine(request, principal, session, "received")


@router.get("/feedback/given", response_class=HTMLResponse)
def my_given(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Feedback I gave."""
    return _mine(request, principal, session, "given")


@router.get("/feedback/requested", response_class=HTMLResponse)
def my_requests(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Requests I made, with their status."""
    return _mine(request, principal, session, "requested")


@router.get("/feedback/pending", response_class=HTMLResponse)
def my_pending(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Requests waiting for my answer."""
    return _mine(request, principal, session, "pending")


# --- Giving -------------------------------------------------------------------------------


@router.get("/feedback/people-search", response_class=HTMLResponse)
def people_search(
    request: Request,
    principal: Staff,
    session: SessionDep,
    q: SearchText = None,
    mode: Annotated[str, Query(pattern="^(give|request|view)$")] = "give",
) -> HTMLResponse:
    """The people picker's results (htmx): people the viewer may see, by name."""
    page = org_queries.list_people(session, principal, q=q, limit=PICKER_SIZE)
    return render(
        request, "feedback_picker.html", {"page": page, "mode": mode, "q": (q or "").strip()}
    )


def _give_form(
    request: Request,
    principal: Principal,
    session: Session,
    to: int | None,
    *,
    error: str = "",
    values: dict[str, Any] | None = None,
    q: str | None = None,
) -> HTMLResponse:
    giver = acting_person(session, principal)
    context: dict[str, Any] = {"receiver": None, "error": error, "values": values or {}, "q": q}
    context["page"] = (
        org_queries.list_people(session, principal, q=q, limit=PICKER_SIZE) if q else None
    )
    if to is not None:
        receiver = org_queries.get_person(session, principal, to)
        relationship = derive_relationship(session, giver, receiver)
        context |= {
            "receiver": receiver,
            "relationship": relationship.value,
            "named_only": relationship in NEVER_ANONYMOUS,
        }
    context["competencies"] = frameworks.competencies(session, principal.org_id)
    context["threshold"] = thresholds.org_threshold(session, principal.org_id)
    if is_htmx(request) and to is not None:
        return render(request, "feedback_give_form.html", context)
    return render(request, "feedback_give.html", context, status_code=422 if error else 200)


@router.get("/feedback/give", response_class=HTMLResponse)
def give_form(
    request: Request,
    principal: Staff,
    session: SessionDep,
    to: OptionalId = None,
    q: SearchText = None,
) -> HTMLResponse:
    """Pick a colleague, then say what they did well (or could do better)."""
    return _give_form(request, principal, session, to, q=q)


@router.post("/feedback/give", response_class=HTMLResponse)
def give(
    request: Request,
    principal: Staff,
    session: SessionDep,
    receiver_id: Annotated[PersonId, Form()],
    text: FormText = "",
    rating: Ratings = [],  # noqa: B006 - FastAPI copies defaults per request
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    """Store the feedback and go to "Given" (or show the form again with the reason)."""
    try:
        actions.check_give_feedback(
            session,
            principal,
            receiver_id=receiver_id,
            answer=Answer(text, parse_ratings(rating)),
            visibility=visibility,
            anonymous=anonymous,
        )
    except Invalid as refused:
        session.rollback()
        values: dict[str, Any] = {
            "text": text,
            "visibility": visibility.value,
            "anonymous": anonymous,
            "ratings": parse_ratings([r for r in rating if r.partition(":")[2].isdigit()]),
        }
        return _give_form(
            request, principal, session, receiver_id, error=str(refused), values=values
        )
    session.commit()
    return RedirectResponse("/feedback/given?sent=1", status_code=303)


# --- Requesting ---------------------------------------------------------------------------


def _request_form(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str = "",
    created: requests.CreatedRequest | None = None,
    emailed: dict[str, str] | None = None,
    relinked: outside.NewLink | None = None,
) -> HTMLResponse:
    acting_person(session, principal)
    context: dict[str, Any] = {
        "error": error,
        "competencies": frameworks.competencies(session, principal.org_id),
        "reports": org_queries.reports_of(session, principal)
        if principal.role is Role.MANAGER
        else [],
        "threshold": thresholds.org_threshold(session, principal.org_id),
        "default_expiry": (datetime.now(UTC) + timedelta(days=DEFAULT_LIFETIME_DAYS)).date(),
        "created": created,
        "emailed": emailed or {},
        "relinked": relinked,
        "link_of": lambda token: str(request.url_for("external_feedback_page", token=token)),
    }
    return render(request, "feedback_request.html", context, status_code=422 if error else 200)


@router.get("/feedback/request", response_class=HTMLResponse)
def request_form(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Ask colleagues and outside raters for feedback about you (or your report)."""
    return _request_form(request, principal, session)


@router.post("/feedback/request", response_class=HTMLResponse)
def send_request(
    request: Request,
    principal: Staff,
    session: SessionDep,
    expires_on: Annotated[date, Form()],
    person_ids: Annotated[list[PersonId], Form(max_length=50)] = [],  # noqa: B006
    raters: FormText = "",
    subject_id: Annotated[PersonId | None, Form()] = None,
    competencies: Annotated[list[SingleLine], Form(max_length=64)] = [],  # noqa: B006
    message: FormText = "",
    anonymity: Annotated[Anonymity, Form()] = Anonymity.NONE,
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
) -> HTMLResponse:
    """Send the request; outside raters' links are shown on this page, once."""
    try:
        created = requests.check_request_feedback(
            session,
            principal,
            person_ids=person_ids,
            external=parse_raters(raters),
            expires_at=_end_of_day(expires_on),
            subject_id=subject_id,
            competencies=competencies,
            message=message,
            anonymity=anonymity,
            visibility=visibility,
            delivery=link_delivery(request.app.state.settings),
        )
    except Invalid as refused:
        session.rollback()
        return _request_form(request, principal, session, error=str(refused))
    session.commit()
    emailed: dict[str, str] = {}
    if created.delivery is Delivery.MAIL:
        emailed = mail_rater_links(
            request.app.state.settings,
            created.links,
            created.request.expires_at,
            principal.email,
        )
    return _request_form(request, principal, session, created=created, emailed=emailed)


@router.post("/feedback/requests/{request_id}/raters/{rater_id}/link", response_class=HTMLResponse)
def new_rater_link(
    request: Request,
    request_id: RowId,
    rater_id: RowId,
    principal: Staff,
    session: SessionDep,
    background: BackgroundTasks,
) -> HTMLResponse:
    """Replace an outside rater's link: mailed again (if they have not answered) or shown."""
    settings = request.app.state.settings
    try:
        made = outside.check_new_link(
            session, principal, request_id, rater_id, delivery=link_delivery(settings)
        )
    except Invalid as refused:
        session.rollback()
        return _request_form(request, principal, session, error=str(refused))
    session.commit()
    if made.delivery is Delivery.MAIL and made.token is not None:
        background.add_task(
            mail_rater_links,
            settings,
            {made.email: made.token},
            made.request.expires_at,
            principal.email,
        )
        made = dataclasses.replace(made, token=None)
    return _request_form(request, principal, session, relinked=made)


@router.post("/feedback/requests/{request_id}/anonymity")
def change_anonymity(
    request_id: RowId,
    principal: Staff,
    session: SessionDep,
    anonymity: Annotated[Anonymity, Form()] = Anonymity.NONE,
) -> Response:
    """Change a request's anonymity (refused once it has answers)."""
    requests.check_change_anonymity(session, principal, request_id, anonymity=anonymity)
    session.commit()
    return RedirectResponse("/feedback/requested", status_code=303)


# --- Answering ----------------------------------------------------------------------------


def _answer_form(
    request: Request, principal: Principal, session: Session, request_id: int, error: str = ""
) -> HTMLResponse:
    mine = [p for p in queries.pending(session, principal) if p.id == request_id]
    if not mine:
        raise NotFound(f"no open feedback request {request_id} for you")
    asked = mine[0]
    rated = [
        c
        for c in frameworks.competencies(session, principal.org_id)
        if not asked.competencies or c.key in asked.competencies
    ]
    context = {"asked": asked, "competencies": rated, "error": error}
    return render(request, "feedback_answer.html", context, status_code=422 if error else 200)


@router.get("/feedback/requests/{request_id}/answer", response_class=HTMLResponse)
def answer_form(
    request: Request, request_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """A request I was asked: what it is about, and the answer form."""
    return _answer_form(request, principal, session, request_id)


@router.post("/feedback/requests/{request_id}/answer", response_class=HTMLResponse)
def answer(
    request: Request,
    request_id: RowId,
    principal: Staff,
    session: SessionDep,
    text: FormText = "",
    rating: Ratings = [],  # noqa: B006
    anonymous: Annotated[bool | None, Form()] = None,
) -> Response:
    """Store my answer (once, before expiry)."""
    try:
        requests.check_answer_request(
            session, principal, request_id, Answer(text, parse_ratings(rating)), anonymous=anonymous
        )
    except Invalid as refused:
        session.rollback()
        return _answer_form(request, principal, session, request_id, str(refused))
    session.commit()
    return RedirectResponse("/feedback/pending?done=answered", status_code=303)


@router.post("/feedback/requests/{request_id}/decline")
def decline(request_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Decline a request (nobody is told who declined)."""
    requests.check_decline(session, principal, request_id)
    session.commit()
    return RedirectResponse("/feedback/pending?done=declined", status_code=303)


# --- Outside raters -----------------------------------------------------------------------


def _external_page(
    request: Request, session: Session, token: str, *, error: str = "", thanks: bool = False
) -> HTMLResponse:
    view = links.external_request(session, token)
    context = {"view": view, "token": token, "error": error, "thanks": thanks}
    return render(request, "feedback_external.html", context, status_code=422 if error else 200)


@router.get("/r/{token}", response_class=HTMLResponse, dependencies=[public()])
def external_feedback_page(request: Request, token: LinkToken, session: SessionDep) -> HTMLResponse:
    """An outside rater's link: the request and its form (a bad token is a plain 404)."""
    return _external_page(request, session, token)


@router.post("/r/{token}", response_class=HTMLResponse, dependencies=[public()])
def external_feedback_answer(
    request: Request,
    token: LinkToken,
    session: SessionDep,
    text: FormText = "",
    rating: Ratings = [],  # noqa: B006
    anonymous: Annotated[bool | None, Form()] = None,
) -> HTMLResponse:
    """Store the outside rater's answer, then thank them."""
    try:
        outside.do_answer_external(
            session, token, Answer(text, parse_ratings(rating)), anonymous=anonymous
        )
    except Invalid as refused:
        session.rollback()
        return _external_page(request, session, token, error=str(refused))
    session.commit()
    return _external_page(request, session, token, thanks=True)


# --- Managers and HR ----------------------------------------------------------------------


@router.get("/feedback/people/{person_id}", response_class=HTMLResponse)
def person_feedback(
    request: Request, person_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """A report's feedback as their manager chain (or HR) may see it, with trends."""
    view = queries.about_person(session, principal, person_id)
    person = org_queries.get_person(session, principal, person_id)
    names = competency_names(session, principal.org_id)
    points = queries.competency_trends(session, principal, person_id)
    context = {
        "person": person,
        "view": view,
        "names": names,
        "group_labels": GROUP_LABELS,
        "points": points,
        "chart_spec": trends_chart_spec(points, names),
        "is_me": person.id == principal.person_id,
    }
    return render(request, "feedback_person.html", context)


@router.get("/feedback/overview", response_class=HTMLResponse)
def overview(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """HR's organisation view, the anonymity threshold and the competency framework."""
    context = {
        "overview": queries.org_overview(session, principal),
        "framework": frameworks.active_framework(session, principal.org_id),
        "competencies": frameworks.competencies(session, principal.org_id),
        "names": competency_names(session, principal.org_id),
        "group_labels": GROUP_LABELS,
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "feedback_overview.html", context)


@router.post("/feedback/framework/default")
def seed_framework(principal: PeopleAdmin, session: SessionDep) -> Response:
    """Install the default competency framework."""
    frameworks.check_seed_default_framework(session, principal)
    session.commit()
    return RedirectResponse("/feedback/overview?saved=framework", status_code=303)


@router.post("/feedback/settings")
def set_threshold(
    principal: PeopleAdmin,
    session: SessionDep,
    anonymity_threshold: Annotated[int, Form(ge=3, le=100)],
) -> Response:
    """Set the organisation's anonymity threshold (never below 3)."""
    thresholds.check_set_anonymity_threshold(session, principal, anonymity_threshold)
    session.commit()
    return RedirectResponse("/feedback/overview?saved=threshold", status_code=303)


# --- Notifications ------------------------------------------------------------------------


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """My notifications, newest first, unread ones marked."""
    notes = list_notifications(session, principal, limit=100)
    return render(request, "feedback_notifications.html", {"notes": notes})


@router.get("/notifications/badge", response_class=HTMLResponse)
def notification_badge(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """The top bar's unread count (htmx loads it after the page, so pages stay cheap)."""
    unread = len(list_notifications(session, principal, unread_only=True, limit=100))
    return render(request, "feedback_badge.html", {"unread": unread})


@router.post("/notifications/{notification_id}/read")
def mark_read(notification_id: RowId, principal: SignedIn, session: SessionDep) -> Response:
    """Mark one notification read and go back to the list."""
    check_mark_read(session, principal, notification_id)
    session.commit()
    return RedirectResponse("/notifications", status_code=303)
