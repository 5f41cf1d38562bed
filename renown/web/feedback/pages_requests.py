"""360° feedback pages about requests: asking colleagues and outside raters, answering what
one was asked, and the outside rater's link page ``/r/{token}``.

Forms re-render with the domain's message (422) when a value is refused, so nothing typed
is lost. Outside raters' links appear on the requester's page once, right after the request
(or a new link) is made, unless e-mail carries them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.feedback import frameworks, links, outside, queries, requests, thresholds
from renown.feedback.raters import Delivery, link_delivery
from renown.feedback.relations import acting_person
from renown.feedback.vocabulary import Anonymity, Visibility
from renown.notify.rater_links import mail_rater_links
from renown.org import queries as org_queries
from renown.web.deps import SessionDep
from renown.web.feedback.about_picker import ABOUT_PICKER, PickedId, about_state
from renown.web.feedback.present import (
    AnswerForm,
    FormText,
    PersonId,
    answer_values,
    end_of_day,
    parse_raters,
    rater_url,
)
from renown.web.form_refill import (
    PostedForm,
    as_id,
    posted_id,
    posted_ids,
    posted_text,
    posted_texts,
    refills,
)
from renown.web.forms import form_action, see_other
from renown.web.params import RowId, SearchText, SingleLine
from renown.web.policy import Staff, public
from renown.web.render import render
from renown.web.talent.picker import NO_SEARCH, PickerSearch

router = APIRouter()
LinkToken = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
DEFAULT_LIFETIME_DAYS = 14


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
    about: PickerSearch = NO_SEARCH,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    acting_person(session, principal)
    context: dict[str, Any] = {
        "about": about_state(session, principal, asked=about.asked, q=about.q, pick=about.pick),
        "error": error,
        "values": values or {},
        "competencies": frameworks.competencies(session, principal.org_id),
        "threshold": thresholds.org_threshold(session, principal.org_id),
        "default_expiry": (datetime.now(UTC) + timedelta(days=DEFAULT_LIFETIME_DAYS)).date(),
        "created": created,
        "emailed": emailed or {},
        "relinked": relinked,
        "link_of": lambda token: rater_url(request, token),
    }
    return render(request, "feedback_request.html", context, status_code=422 if error else 200)


def _refused_request(
    request: Request, principal: Principal, session: Session
) -> Callable[[str], Response]:
    """Draw the request page again with the domain's reason (and an empty form)."""
    return lambda reason: _request_form(request, principal, session, error=reason)


def _request_values(session: Session, principal: Principal, posted: FormData) -> dict[str, Any]:
    """What the request form showed when it was sent: the colleagues picked (with their
    names, for their chips; anyone the asker may no longer see left out), the texts, the
    competencies ticked, the choices and the date."""
    asked = []
    for person_id in posted_ids(posted, "person_ids"):
        with suppress(NotFound):
            asked.append(org_queries.get_person(session, principal, person_id))
    return {
        "people": asked,
        "raters": posted_text(posted, "raters"),
        "message": posted_text(posted, "message"),
        "competencies": posted_texts(posted, "competencies"),
        "anonymity": posted_text(posted, "anonymity", Anonymity.NONE.value),
        "visibility": posted_text(posted, "visibility", Visibility.PRIVATE.value),
        "expires_on": posted_text(posted, "expires_on"),
    }


def _request_again(
    request: Request, principal: Principal, session: Session, posted: FormData, error: str
) -> Response:
    """The request form again, as it was sent, with the reason it was refused."""
    about = PickerSearch(asked=False, q="", pick=posted_id(posted, "subject_id"))
    values = _request_values(session, principal, posted)
    return _request_form(request, principal, session, error=error, about=about, values=values)


@router.get("/feedback/request", response_class=HTMLResponse)
def request_form(
    request: Request,
    principal: Staff,
    session: SessionDep,
    picker: Annotated[Literal["about"] | None, Query()] = None,
    q: SearchText = None,
    pick: PickedId = None,
) -> HTMLResponse:
    """Ask colleagues and outside raters for feedback about you (or your report).
    ``picker``, ``q`` and ``pick`` carry the "About" picker's search and choice when the
    browser runs no JavaScript."""
    about = PickerSearch(asked=picker == ABOUT_PICKER, q=q or "", pick=pick)
    return _request_form(request, principal, session, about=about)


@router.post("/feedback/request", response_class=HTMLResponse)
@refills(
    _request_again,
    fields={
        "raters": "external",
        "message": "message",
        "anonymity": "anonymity",
        "visibility": "visibility",
        "expires_on": "expires_at",
    },
)
def send_request(
    request: Request,
    principal: Staff,
    session: SessionDep,
    posted: PostedForm,
    expires_on: Annotated[date, Form()],
    person_ids: Annotated[list[PersonId], Form(max_length=50)] = [],  # noqa: B006
    raters: FormText = "",
    subject_id: Annotated[PersonId | None, Form()] = None,
    competencies: Annotated[list[SingleLine], Form(max_length=64)] = [],  # noqa: B006
    message: FormText = "",
    anonymity: Annotated[Anonymity, Form()] = Anonymity.NONE,
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
) -> Response:
    """Send the request; outside raters' links are shown on this page, once."""
    settings = request.app.state.settings
    made: list[requests.CreatedRequest] = []

    def sent() -> Response:
        created = made[0]
        emailed: dict[str, str] = {}
        if created.delivery is Delivery.MAIL:
            emailed = mail_rater_links(
                settings, created.links, created.request.expires_at, principal.email
            )
        return _request_form(request, principal, session, created=created, emailed=emailed)

    return form_action(
        session,
        lambda: made.append(
            requests.check_request_feedback(
                session,
                principal,
                person_ids=person_ids,
                external=parse_raters(raters),
                expires_at=end_of_day(expires_on),
                subject_id=subject_id,
                competencies=competencies,
                message=message,
                anonymity=anonymity,
                visibility=visibility,
                delivery=link_delivery(settings),
            )
        ),
        done=sent,
        refused=lambda reason: _request_again(request, principal, session, posted, reason),
    )


@router.post("/feedback/requests/{request_id}/raters/{rater_id}/link", response_class=HTMLResponse)
def new_rater_link(
    request: Request,
    request_id: RowId,
    rater_id: RowId,
    principal: Staff,
    session: SessionDep,
    background: BackgroundTasks,
) -> Response:
    """Replace an outside rater's link: mailed again (if they have not answered) or shown."""
    settings = request.app.state.settings
    made: list[outside.NewLink] = []

    def relinked() -> Response:
        link = made[0]
        if link.delivery is Delivery.MAIL and link.token is not None:
            background.add_task(
                mail_rater_links,
                settings,
                {link.email: link.token},
                link.request.expires_at,
                principal.email,
            )
            link = dataclasses.replace(link, token=None)
        return _request_form(request, principal, session, relinked=link)

    return form_action(
        session,
        lambda: made.append(
            outside.check_new_link(
                session, principal, request_id, rater_id, delivery=link_delivery(settings)
            )
        ),
        done=relinked,
        refused=_refused_request(request, principal, session),
    )


@router.post("/feedback/requests/{request_id}/anonymity")
def change_anonymity(
    request_id: RowId,
    principal: Staff,
    session: SessionDep,
    anonymity: Annotated[Anonymity, Form()] = Anonymity.NONE,
) -> Response:
    """Change a request's anonymity (refused once it has answers: the error page says so)."""
    requests.check_change_anonymity(session, principal, request_id, anonymity=anonymity)
    session.commit()
    return see_other("/feedback/requested")


# --- Answering ----------------------------------------------------------------------------


def _answer_form(
    request: Request,
    principal: Principal,
    session: Session,
    request_id: int,
    error: str = "",
    values: dict[str, Any] | None = None,
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
    context = {"asked": asked, "competencies": rated, "error": error, "values": values or {}}
    return render(request, "feedback_answer.html", context, status_code=422 if error else 200)


@router.get("/feedback/requests/{request_id}/answer", response_class=HTMLResponse)
def answer_form(
    request: Request, request_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """A request I was asked: what it is about, and the answer form."""
    return _answer_form(request, principal, session, request_id)


def _answer_again(
    request: Request, principal: Principal, session: Session, posted: FormData, error: str
) -> Response:
    """The answer form again, as it was sent, with the reason it was refused."""
    request_id = as_id(str(request.path_params.get("request_id", "")))
    if request_id is None:
        raise NotFound("no such feedback request")
    values = answer_values(posted)
    return _answer_form(request, principal, session, request_id, error, values)


@router.post("/feedback/requests/{request_id}/answer", response_class=HTMLResponse)
@refills(_answer_again, fields={"text": "text", "anonymous": "anonymous"})
def answer(
    request: Request,
    request_id: RowId,
    principal: Staff,
    session: SessionDep,
    form: AnswerForm,
    posted: PostedForm,
) -> Response:
    """Store my answer (once, before expiry)."""
    return form_action(
        session,
        lambda: requests.check_answer_request(
            session, principal, request_id, form.answer(), anonymous=form.anonymous
        ),
        done="/feedback/pending?done=answered",
        refused=lambda reason: _answer_again(request, principal, session, posted, reason),
    )


@router.post("/feedback/requests/{request_id}/decline")
def decline(request_id: RowId, principal: Staff, session: SessionDep) -> Response:
    """Decline a request (nobody is told who declined)."""
    requests.check_decline(session, principal, request_id)
    session.commit()
    return see_other("/feedback/pending?done=declined")


# --- Outside raters -----------------------------------------------------------------------


def _external_page(
    request: Request,
    session: Session,
    token: str,
    *,
    error: str = "",
    thanks: bool = False,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    view = links.external_request(session, token)
    context = {"view": view, "token": token, "error": error, "thanks": thanks}
    context["values"] = values or {}
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
    form: AnswerForm,
    posted: PostedForm,
) -> Response:
    """Store the outside rater's answer, then thank them."""
    return form_action(
        session,
        lambda: outside.do_answer_external(session, token, form.answer(), anonymous=form.anonymous),
        done=lambda: _external_page(request, session, token, thanks=True),
        refused=lambda reason: _external_page(
            request, session, token, error=reason, values=answer_values(posted)
        ),
    )
