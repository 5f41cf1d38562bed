"""Reviewing: a reviewer's blind tasks and scorecards, the reviews a caller may read, a
member's appeals and the reviewer's answers (fronts :mod:`renown.challenges.reviews`).

Reviewers see submissions as "Submission 1, 2, ..." and members see "Reviewer 1, 2, ...":
the blindness is the domain's, and nothing here adds a name. Whether the caller reviews
*this* challenge, or wrote the appealed scorecard, is the domain's check too.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.challenges import queries, reviews
from renown.challenges.phases import Phase
from renown.challenges.results import ReviewTask, ReviewView
from renown.core.errors import Invalid
from renown.core.roles import Role
from renown.web.challenges import common, present
from renown.web.challenges.common import (
    AppealAnswerers,
    Participants,
    Reviewers,
    SeenChallenge,
)
from renown.web.challenges.shapes import AppealAnswerIn, AppealIn, Created, ReviewScore, ScorecardIn
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MULTI_LINE, SINGLE_LINE, RowId
from renown.web.policy import SignedIn
from renown.web.render import render

api = APIRouter(prefix="/challenges", tags=["challenges"], route_class=StrictJsonRoute)
pages = APIRouter()
ANSWER_FIELD = "answer."
"""Scorecard answers arrive from the page's form as ``answer.<question key>``."""
Text = Annotated[str, Form(max_length=reviews.MAX_APPEAL), MULTI_LINE]


@api.get("/{challenge_id}/review-tasks")
def review_tasks(
    principal: Reviewers, challenge_id: SeenChallenge, session: SessionDep
) -> list[ReviewTask]:
    """The counted submissions you score, blind, with your scorecards so far (empty until
    submissions close)."""
    return queries.review_tasks(session, principal, challenge_id, common.CLOCK.now())


@api.put("/{challenge_id}/review-tasks/{submission_id}")
def review(
    principal: Reviewers,
    challenge_id: SeenChallenge,
    submission_id: RowId,
    body: ScorecardIn,
    session: SessionDep,
) -> ReviewScore:
    """Fill or revise your scorecard for a submission during the review; every question
    answered within its range."""
    score = reviews.check_review(
        session,
        principal,
        challenge_id,
        submission_id,
        answers=dict(body.answers),
        comment=body.comment,
        now=common.CLOCK.now(),
    )
    session.commit()
    return ReviewScore(score=score)


@api.get("/{challenge_id}/reviews")
def challenge_reviews(
    principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> list[ReviewView]:
    """The reviews you may read, with their appeals: of your own submission (from the
    appeals on), the ones you wrote (reviewers), or all (whoever runs the challenge)."""
    return queries.reviews_for(session, principal, challenge_id, common.CLOCK.now())


@api.post("/{challenge_id}/reviews/{review_id}/appeals")
def appeal(
    principal: Participants,
    challenge_id: SeenChallenge,
    review_id: RowId,
    body: AppealIn,
    session: SessionDep,
) -> Created:
    """Appeal one answer of a review of your submission, during the appeals window."""
    appeal_id = reviews.check_appeal(
        session,
        principal,
        challenge_id,
        review_id,
        question=body.question,
        text=body.text,
        now=common.CLOCK.now(),
    )
    session.commit()
    return Created(id=appeal_id)


@api.post("/{challenge_id}/appeals/{appeal_id}/answer")
def answer_appeal(
    principal: AppealAnswerers,
    challenge_id: SeenChallenge,
    appeal_id: RowId,
    body: AppealAnswerIn,
    session: SessionDep,
) -> ReviewScore:
    """Answer an appeal against your scorecard: upheld with the answer's new value, or
    denied; the winners wait for every answer."""
    score = reviews.check_answer_appeal(
        session,
        principal,
        challenge_id,
        appeal_id,
        upheld=body.upheld,
        new_value=body.new_value,
        response=body.response,
        now=common.CLOCK.now(),
    )
    session.commit()
    return ReviewScore(score=score)


# --- Pages -----------------------------------------------------------------------------------


def _context(
    principal: Principal, session: Session, challenge_id: int, error: str | None
) -> dict[str, Any]:
    now = common.CLOCK.now()
    detail = queries.challenge_detail(session, principal, challenge_id, now)
    return {
        "detail": detail,
        "summary": detail.summary,
        "reviews": queries.reviews_for(session, principal, challenge_id, now),
        "next_step": present.next_step(detail, now),
        "when": present.when,
        "size": present.size,
        "error": error,
        "appeals_open": detail.summary.phase == Phase.APPEALS.value,
        "answering_open": detail.summary.phase
        in {Phase.APPEALS.value, Phase.APPEALS_RESPONSE.value},
        "reviewing_open": detail.summary.phase == Phase.REVIEW.value,
    }


def _review_page(
    request: Request,
    principal: Principal,
    session: Session,
    challenge_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(principal, session, challenge_id, error)
    context["tasks"] = queries.review_tasks(session, principal, challenge_id, common.CLOCK.now())
    return render(request, "challenge_review.html", context, status_code=status_code)


def _reviews_page(
    request: Request,
    principal: Principal,
    session: Session,
    challenge_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(principal, session, challenge_id, error)
    context["answers_appeals"] = principal.role is Role.ADMIN
    return render(request, "challenge_reviews.html", context, status_code=status_code)


@pages.get("/challenges/{challenge_id}/review", response_class=HTMLResponse)
def review_page(
    request: Request, principal: Reviewers, challenge_id: SeenChallenge, session: SessionDep
) -> HTMLResponse:
    """The reviewer's page: each submission blind, its file or URL, the scorecard form, and
    the appeals against your scorecards to answer."""
    return _review_page(request, principal, session, challenge_id)


def _answers(form: Any) -> dict[str, object]:
    return {
        str(key).removeprefix(ANSWER_FIELD): str(value).strip()
        for key, value in form.multi_items()
        if str(key).startswith(ANSWER_FIELD)
    }


@pages.post("/challenges/{challenge_id}/review/{submission_id}")
async def review_form(
    request: Request,
    principal: Reviewers,
    challenge_id: SeenChallenge,
    submission_id: RowId,
    session: SessionDep,
) -> Response:
    """Save a scorecard (``answer.<key>`` fields and ``comment``); out of range is refused
    with the question named."""
    form = await request.form()
    answers = _answers(form)
    comment = str(form.get("comment") or "")[: reviews.MAX_COMMENT + 1]
    return await run_in_threadpool(
        form_action,
        session,
        lambda: reviews.check_review(
            session,
            principal,
            challenge_id,
            submission_id,
            answers=answers,
            comment=comment,
            now=common.CLOCK.now(),
        ),
        done=f"/challenges/{challenge_id}/review?saved={submission_id}",
        refused=lambda reason: _review_page(
            request, principal, session, challenge_id, error=reason, status_code=422
        ),
    )


def _new_value(upheld: bool, value: str) -> float | None:
    text = value.strip()
    if not upheld or not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise Invalid("the new value must be a number") from None
    if not math.isfinite(number):
        raise Invalid("the new value must be a finite number")
    return number


@pages.post("/challenges/{challenge_id}/appeals/{appeal_id}/answer")
def answer_appeal_form(
    request: Request,
    principal: AppealAnswerers,
    challenge_id: SeenChallenge,
    appeal_id: RowId,
    session: SessionDep,
    outcome: Annotated[str, Form(max_length=16), SINGLE_LINE] = "",
    new_value: Annotated[str, Form(max_length=40), SINGLE_LINE] = "",
    response: Text = "",
) -> Response:
    """Uphold (with the new value) or deny an appeal, saying why."""
    upheld = outcome == "upheld"
    back = "review" if principal.role is not Role.ADMIN else "reviews"

    def act() -> None:
        if outcome not in {"upheld", "denied"}:
            raise Invalid("choose whether the appeal is upheld or denied")
        reviews.check_answer_appeal(
            session,
            principal,
            challenge_id,
            appeal_id,
            upheld=upheld,
            new_value=_new_value(upheld, new_value),
            response=response,
            now=common.CLOCK.now(),
        )

    page = _review_page if back == "review" else _reviews_page
    return form_action(
        session,
        act,
        done=f"/challenges/{challenge_id}/{back}?answered={appeal_id}",
        refused=lambda reason: page(
            request, principal, session, challenge_id, error=reason, status_code=422
        ),
    )


@pages.get("/challenges/{challenge_id}/reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request, principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> HTMLResponse:
    """Your reviews (from the appeals on) and the appeal form while the window is open; the
    sponsor reads every review here."""
    return _reviews_page(request, principal, session, challenge_id)


@pages.post("/challenges/{challenge_id}/reviews/{review_id}/appeal")
def appeal_form(
    request: Request,
    principal: Participants,
    challenge_id: SeenChallenge,
    review_id: RowId,
    session: SessionDep,
    question: Annotated[str, Form(max_length=64), SINGLE_LINE] = "",
    text: Text = "",
) -> Response:
    """Appeal one answer of a review, saying why."""
    return form_action(
        session,
        lambda: reviews.check_appeal(
            session,
            principal,
            challenge_id,
            review_id,
            question=question,
            text=text,
            now=common.CLOCK.now(),
        ),
        done=f"/challenges/{challenge_id}/reviews?appealed={review_id}",
        refused=lambda reason: _reviews_page(
            request, principal, session, challenge_id, error=reason, status_code=422
        ),
    )
