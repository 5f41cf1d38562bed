"""360° feedback pages: my feedback, giving, a report's feedback, HR's overview and
notifications (requests and answers are in :mod:`renown.web.feedback.pages_requests`).

Like the API, each page calls the :mod:`renown.feedback` actions and queries, which decide
who sees what; anonymous answers reach a page only as group aggregates of whole releases.
Forms re-render with the domain's message (422) when a value is refused, so nothing typed
is lost; successful posts redirect (303) so that reloading does not send twice.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from renown.accounts.principal import Principal
from renown.feedback import actions, frameworks, queries, thresholds
from renown.feedback.actions import Answer
from renown.feedback.relations import acting_person, derive_relationship
from renown.feedback.results import FeedbackView
from renown.feedback.vocabulary import NEVER_ANONYMOUS, Visibility
from renown.notify.inapp import check_mark_read, list_notifications
from renown.org import queries as org_queries
from renown.web.deps import SessionDep
from renown.web.feedback.present import (
    GROUP_LABELS,
    FormText,
    PersonId,
    Ratings,
    competency_names,
    parse_ratings,
    shown_ratings,
    trends_chart_spec,
)
from renown.web.feedback.results360 import heatmap_spec, results_360
from renown.web.form_refill import (
    PostedForm,
    posted_flag,
    posted_id,
    posted_text,
    posted_texts,
    refills,
)
from renown.web.forms import form_action, see_other
from renown.web.params import OptionalId, RowId, SearchText
from renown.web.policy import PeopleAdmin, SignedIn, Staff
from renown.web.render import is_htmx, render

router = APIRouter()
PICKER_SIZE = 8
TABS = (
    ("received", "Received"),
    ("given", "Given"),
    ("requested", "My requests"),
    ("pending", "To answer"),
)


def _linked(principal: Principal) -> bool:
    return principal.person_id is not None


def _results_context(view: FeedbackView, names: dict[str, str]) -> dict[str, Any]:
    """The 360 figures of a view and the heat map's spec (built only from what the view
    already lets the viewer read)."""
    results = results_360(view, names)
    return {"results": results, "heatmap_spec": heatmap_spec(results, names)}


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
        context |= _results_context(context["view"], context["names"])
    elif tab == "given":
        context["items"] = queries.given(session, principal)
        context["sent"] = request.query_params.get("sent") == "1"
    elif tab == "requested":
        context["items"] = queries.requested(session, principal)
    else:
        context["items"] = queries.pending(session, principal)
        context["done"] = request.query_params.get("done", "")
    return render(request, "feedback_mine.html", context)


def my_feedback(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """My feedback, a tab a path: received (also at ``/feedback``, where notifications
    link) with anonymous group aggregates and competency trends, given, my requests with
    their status, and requests waiting for my answer."""
    tab = request.url.path.rpartition("/")[2]
    return _mine(request, principal, session, "received" if tab == "feedback" else tab)


for _path in ("/feedback", *(f"/feedback/{tab}" for tab, _ in TABS)):
    router.get(_path, response_class=HTMLResponse)(my_feedback)


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


def _give_values(posted: FormData) -> dict[str, Any]:
    """What the give form showed when it was sent."""
    return {
        "text": posted_text(posted, "text"),
        "visibility": posted_text(posted, "visibility", Visibility.PRIVATE.value),
        "anonymous": posted_flag(posted, "anonymous"),
        "ratings": shown_ratings(posted_texts(posted, "rating")),
    }


def _give_again(
    request: Request, principal: Principal, session: Session, posted: FormData, error: str
) -> Response:
    """The give form again, as it was sent, with the reason it was refused."""
    receiver_id = posted_id(posted, "receiver_id")
    values = _give_values(posted)
    return _give_form(request, principal, session, receiver_id, error=error, values=values)


@router.post("/feedback/give", response_class=HTMLResponse)
@refills(_give_again, fields={name: name for name in ("text", "visibility", "anonymous")})
def give(
    request: Request,
    principal: Staff,
    session: SessionDep,
    posted: PostedForm,
    receiver_id: Annotated[PersonId, Form()],
    text: FormText = "",
    rating: Ratings = [],  # noqa: B006 - FastAPI copies defaults per request
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
    anonymous: Annotated[bool, Form()] = False,
) -> Response:
    """Store the feedback and go to "Given" (or show the form again with the reason)."""
    return form_action(
        session,
        lambda: actions.check_give_feedback(
            session,
            principal,
            receiver_id=receiver_id,
            answer=Answer(text, parse_ratings(rating)),
            visibility=visibility,
            anonymous=anonymous,
        ),
        done="/feedback/given?sent=1",
        refused=lambda reason: _give_again(request, principal, session, posted, reason),
    )


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
    } | _results_context(view, names)
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
    return see_other("/feedback/overview?saved=framework")


@router.post("/feedback/settings")
def set_threshold(
    principal: PeopleAdmin,
    session: SessionDep,
    anonymity_threshold: Annotated[int, Form(ge=3, le=100)],
) -> Response:
    """Set the organisation's anonymity threshold (never below 3)."""
    thresholds.check_set_anonymity_threshold(session, principal, anonymity_threshold)
    session.commit()
    return see_other("/feedback/overview?saved=threshold")


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
    return see_other("/notifications")
