"""A person's own self-reported demographics: answer, change, or withdraw them.

The answers exist only so that promotion outcomes can be audited for adverse impact, in
aggregate. The page says so before asking, every question can be left unanswered or
answered "prefer not to say", and no page anywhere shows one person's answers to anyone
else: only the caller's own are read here, and no route takes a person id.

An account without a person of the organisation (an administrator, say) has no answers to
give: it gets an explanation rather than a refusal.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotAllowed
from renown.core.roles import STAFF_ROLES
from renown.talent import demographics
from renown.talent.demographics import PREFER_NOT_TO_SAY, MyDemographics
from renown.web.deps import SessionDep
from renown.web.params import SINGLE_LINE
from renown.web.policy import allow
from renown.web.render import render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]
Answer = Annotated[str, Form(max_length=100), SINGLE_LINE]
CLOCK: Final = SystemClock()
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


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    answers: dict[str, str] | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "questions": [(f, q, demographics.VOCABULARIES[f]) for f, q in QUESTIONS],
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


@router.get("/me/demographics", response_class=HTMLResponse)
def my_demographics(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """My own answers, what they are used for, and how to change or withdraw them."""
    return _page(request, principal, session)


@router.post("/me/demographics", response_class=HTMLResponse)
def save(
    request: Request,
    principal: Staff,
    session: SessionDep,
    sex: Answer = "",
    race_ethnicity: Answer = "",
    age_band: Answer = "",
    disability: Answer = "",
) -> Response:
    """Save my answers (an empty choice or "prefer not to say" is stored as unknown)."""
    typed = {
        "sex": sex,
        "race_ethnicity": race_ethnicity,
        "age_band": age_band,
        "disability": disability,
    }
    try:
        demographics.check_report_my_demographics(
            session,
            principal,
            sex=sex,
            race_ethnicity=race_ethnicity,
            age_band=age_band,
            disability=disability,
            clock=CLOCK,
        )
    except (Invalid, NotAllowed) as refused:
        session.rollback()
        return _page(
            request, principal, session, answers=typed, error=str(refused), status_code=422
        )
    session.commit()
    return RedirectResponse("/me/demographics?done=saved", status_code=303)


@router.post("/me/demographics/forget", response_class=HTMLResponse)
def forget(request: Request, principal: Staff, session: SessionDep) -> Response:
    """Delete every answer I (or an HR import) gave."""
    try:
        demographics.check_forget_my_demographics(session, principal, clock=CLOCK)
    except NotAllowed as refused:
        session.rollback()
        return _page(request, principal, session, error=str(refused), status_code=422)
    session.commit()
    return RedirectResponse("/me/demographics?done=forgotten", status_code=303)
