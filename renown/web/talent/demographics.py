"""A person's own self-reported demographics: answer, change, or withdraw them (JSON and page).

The answers exist only so that promotion outcomes can be audited for adverse impact, in
aggregate. The page says so before asking, every question can be left unanswered or
answered "prefer not to say", and nothing anywhere shows one person's answers to anyone
else: only the caller's own are read here, and no route takes a person id.

An account without a person of the organisation (an administrator, say) has no answers to
give: the API answers 404, the page an explanation rather than a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.talent import demographics
from renown.talent.demographics import PREFER_NOT_TO_SAY, VOCABULARIES, MyDemographics
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE
from renown.web.policy import Staff
from renown.web.render import render
from renown.web.talent.answers import MyDemographicsOut
from renown.web.talent.rounds import CLOCK
from renown.web.talent.shapes import DemographicsIn

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
NO_PERSON = "no demographic answers here: this account is not linked to a person"
QUESTIONS: Final = (
    ("sex", "Sex"),
    ("race_ethnicity", "Race / ethnicity"),
    ("age_band", "Age band"),
    ("disability", "Do you have a disability?"),
)
"""Field and question, in the order the form asks them."""
NOTICES: Final = {
    "saved": "Your answers are saved.",
    "forgotten": "Your answers are deleted.",
}


# --- JSON ---------------------------------------------------------------------------------


@contextmanager
def not_there_for_them(what: str) -> Iterator[None]:
    """Turn the domain's refusal of an account without a person into a 404 about ``what``.

    Every staff role may keep demographic answers, but only through a person of its own;
    for an account without one there is nothing here, which is not a refusal of its role.
    """
    try:
        yield
    except NotAllowed as refused:
        raise NotFound(f"{what}: {refused}") from None


@api.get("/me/demographics")
def my_demographics(principal: Staff, session: SessionDep) -> MyDemographicsOut:
    """My own self-reported answers (each optional; null means not answered)."""
    with not_there_for_them(NO_PERSON):
        return MyDemographicsOut.model_validate(demographics.my_demographics(session, principal))


@api.put("/me/demographics")
def report_my_demographics(
    body: DemographicsIn, principal: Staff, session: SessionDep
) -> MyDemographicsOut:
    """Answer (or change) all four questions for myself; an omitted answer is unknown. They
    are used only for bias audits, which report groups, never people."""
    with not_there_for_them(NO_PERSON):
        stored = demographics.check_report_my_demographics(
            session,
            principal,
            sex=body.sex,
            race_ethnicity=body.race_ethnicity,
            age_band=body.age_band,
            disability=body.disability,
            clock=CLOCK,
        )
    session.commit()
    return MyDemographicsOut.model_validate(stored)


@api.delete("/me/demographics", status_code=status.HTTP_204_NO_CONTENT)
def forget_my_demographics(principal: Staff, session: SessionDep) -> Response:
    """Withdraw every answer I (or an HR import) gave about me."""
    with not_there_for_them(NO_PERSON):
        demographics.check_forget_my_demographics(session, principal, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Page ---------------------------------------------------------------------------------


FormAnswer = Annotated[str, Form(max_length=100), SINGLE_LINE]


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    answers: dict[str, str] | None = None,
    error: str = "",
) -> HTMLResponse:
    status_code = 422 if error else 200
    context: dict[str, Any] = {
        "questions": [(f, q, VOCABULARIES[f]) for f, q in QUESTIONS],
        "prefer_not_to_say": PREFER_NOT_TO_SAY,
        "error": error,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    }
    try:
        mine = demographics.my_demographics(session, principal)
    except NotAllowed:
        context |= {"linked": False, "answers": {}, "updated_at": None}
        return render(request, "demographics.html", context, status_code=status_code)
    context |= {
        "linked": True,
        "answers": answers if answers is not None else _as_form(mine),
        "updated_at": mine.updated_at,
    }
    return render(request, "demographics.html", context, status_code=status_code)


def _as_form(mine: MyDemographics) -> dict[str, str]:
    return {field: getattr(mine, field) or "" for field, _ in QUESTIONS}


@pages.get("/me/demographics", response_class=HTMLResponse)
def my_demographics_page(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """My own answers, what they are used for, and how to change or withdraw them."""
    return _page(request, principal, session)


@pages.post("/me/demographics", response_class=HTMLResponse)
def save(
    request: Request,
    principal: Staff,
    session: SessionDep,
    sex: FormAnswer = "",
    race_ethnicity: FormAnswer = "",
    age_band: FormAnswer = "",
    disability: FormAnswer = "",
) -> Response:
    """Save my answers (an empty choice or "prefer not to say" is stored as unknown)."""
    typed = {
        "sex": sex,
        "race_ethnicity": race_ethnicity,
        "age_band": age_band,
        "disability": disability,
    }
    return form_action(
        session,
        lambda: demographics.check_report_my_demographics(
            session,
            principal,
            sex=sex,
            race_ethnicity=race_ethnicity,
            age_band=age_band,
            disability=disability,
            clock=CLOCK,
        ),
        done="/me/demographics?done=saved",
        refused=lambda error: _page(request, principal, session, answers=typed, error=error),
        refusals=(Invalid, NotAllowed),
    )


@pages.post("/me/demographics/forget", response_class=HTMLResponse)
def forget(request: Request, principal: Staff, session: SessionDep) -> Response:
    """Delete every answer I (or an HR import) gave."""
    return form_action(
        session,
        lambda: demographics.check_forget_my_demographics(session, principal, clock=CLOCK),
        done="/me/demographics?done=forgotten",
        refused=lambda error: _page(request, principal, session, error=error),
        refusals=(NotAllowed,),
    )
