"""Posting a challenge: the sponsor's draft (new and edited), its reviewers, the answer key
of a data-science challenge, publishing and cancelling (fronts
:mod:`renown.challenges.posting`).

Sponsors, HR and administrators reach these routes; whether the caller runs *this*
challenge (its sponsor, or an administrator) is the domain's check. A draft may change
freely; once published its rules are fixed, and the pages say so instead of offering
forms that would be refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from renown.accounts.principal import Principal
from renown.challenges import posting, queries
from renown.challenges.access import run_challenge
from renown.challenges.judging import DEFAULT_SCORECARD
from renown.challenges.phases import Phase
from renown.challenges.results import ChallengeDetail
from renown.core.errors import InputError, Invalid, NotFound
from renown.web.challenges import common, present
from renown.web.challenges.browse import challenge_page
from renown.web.challenges.common import Posters, SeenChallenge, read_capped
from renown.web.challenges.shapes import (
    AnswerKeyRows,
    ChallengeIn,
    ReasonIn,
    ReviewerAdded,
    ReviewerIn,
)
from renown.web.deps import SessionDep
from renown.web.forms import form_action, see_other
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MULTI_LINE, SINGLE_LINE, RowId
from renown.web.render import render

api = APIRouter(prefix="/challenges", tags=["challenges"], route_class=StrictJsonRoute)
pages = APIRouter()
REFUSALS = (InputError, Invalid)
Email = Annotated[str, Form(max_length=320), SINGLE_LINE]
Reason = Annotated[str, Form(max_length=500), MULTI_LINE]


def _detail(session: Session, principal: Principal, challenge_id: int) -> ChallengeDetail:
    return queries.challenge_detail(session, principal, challenge_id, common.CLOCK.now())


@api.post("", status_code=status.HTTP_201_CREATED)
def post_challenge(body: ChallengeIn, principal: Posters, session: SessionDep) -> ChallengeDetail:
    """Post a new draft challenge (only its sponsor and administrators see it until it is
    published)."""
    challenge_id = posting.check_post_challenge(
        session, principal, body.draft(), common.CLOCK.now()
    )
    session.commit()
    return _detail(session, principal, challenge_id)


@api.put("/{challenge_id}")
def edit_challenge(
    principal: Posters, challenge_id: SeenChallenge, body: ChallengeIn, session: SessionDep
) -> ChallengeDetail:
    """Replace a draft's content (a published challenge is fixed: 422)."""
    posting.check_edit_challenge(session, principal, challenge_id, body.draft(), common.CLOCK.now())
    session.commit()
    return _detail(session, principal, challenge_id)


@api.post("/{challenge_id}/publish")
def publish(
    principal: Posters, challenge_id: SeenChallenge, session: SessionDep
) -> ChallengeDetail:
    """Publish a draft: every account of the organisation sees it, and its rules are fixed."""
    posting.check_publish(session, principal, challenge_id, common.CLOCK.now())
    session.commit()
    return _detail(session, principal, challenge_id)


@api.post("/{challenge_id}/cancel")
def cancel(
    principal: Posters, challenge_id: SeenChallenge, body: ReasonIn, session: SessionDep
) -> ChallengeDetail:
    """Cancel a challenge before its winners are decided, saying why (members read it)."""
    posting.check_cancel(session, principal, challenge_id, body.reason, common.CLOCK.now())
    session.commit()
    return _detail(session, principal, challenge_id)


@api.post("/{challenge_id}/reviewers")
def add_reviewer(
    principal: Posters, challenge_id: SeenChallenge, body: ReviewerIn, session: SessionDep
) -> ReviewerAdded:
    """Name an account of the organisation reviewer, by e-mail (before the review starts)."""
    account_id = posting.check_add_reviewer(
        session, principal, challenge_id, body.email, common.CLOCK.now()
    )
    session.commit()
    return ReviewerAdded(account_id=account_id)


@api.delete("/{challenge_id}/reviewers/{account_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_reviewer(
    principal: Posters, challenge_id: SeenChallenge, account_id: RowId, session: SessionDep
) -> None:
    """Take a reviewer off (before the review starts; a published challenge keeps one)."""
    posting.check_remove_reviewer(session, principal, challenge_id, account_id, common.CLOCK.now())
    session.commit()


@api.put("/{challenge_id}/answer-key")
async def upload_answer_key(
    principal: Posters,
    challenge_id: SeenChallenge,
    session: SessionDep,
    file: Annotated[
        UploadFile | None, File(description="CSV with id,target: the hidden answers")
    ] = None,
) -> AnswerKeyRows:
    """Store a draft data-science challenge's hidden answer key (replacing any before); a
    bad row is a 400 naming file, line and field, and nothing is kept."""
    data, name = await read_capped(file, posting.MAX_ANSWER_KEY_BYTES)

    def accept() -> AnswerKeyRows:
        rows = posting.check_upload_answer_key(
            session, principal, challenge_id, data, name or "answer key", common.CLOCK.now()
        )
        session.commit()
        return AnswerKeyRows(rows=rows)

    return await run_in_threadpool(accept)


# --- Pages -----------------------------------------------------------------------------------


def _form_page(
    request: Request,
    form: present.ChallengeForm,
    *,
    challenge_id: int | None = None,
    fixed: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "form": form,
        "challenge_id": challenge_id,
        "fixed": fixed,
        "error": error,
        "kinds": present.KIND_LABELS,
        "metrics": present.METRICS,
        "file_types": present.ACCEPTED_FILE_TYPES,
        "default_scorecard": [q.as_dict() for q in DEFAULT_SCORECARD],
        "max_mb": posting.MAX_SUBMISSION_BYTES // 2**20,
    }
    return render(request, "challenge_form.html", context, status_code=status_code)


ChallengeFormData = Annotated[present.ChallengeForm, Form()]


@pages.get("/challenges/new", response_class=HTMLResponse)
def new_challenge(request: Request, principal: Posters) -> HTMLResponse:
    """The sponsor's form: what is asked, dates, prizes, how it is judged, what it accepts."""
    return _form_page(request, present.ChallengeForm(accepts_urls=True))


@pages.post("/challenges/new")
def post_challenge_form(
    request: Request, principal: Posters, session: SessionDep, form: ChallengeFormData
) -> Response:
    """Post the draft and go to its page (to add reviewers, then publish)."""
    posted: list[int] = []

    def act() -> None:
        draft = present.draft_of(form)
        posted.append(posting.check_post_challenge(session, principal, draft, common.CLOCK.now()))

    return form_action(
        session,
        act,
        done=lambda: see_other(f"/challenges/{posted[0]}?posted=1"),
        refused=lambda reason: _form_page(request, form, error=reason, status_code=422),
    )


@pages.get("/challenges/{challenge_id}/edit", response_class=HTMLResponse)
def edit_challenge_page(
    request: Request, principal: Posters, challenge_id: SeenChallenge, session: SessionDep
) -> HTMLResponse:
    """A draft's form, filled in; a published challenge's rules are shown as fixed."""
    run_challenge(session, principal, challenge_id)
    detail = _detail(session, principal, challenge_id)
    fixed = None
    if detail.summary.phase != Phase.DRAFT.value:
        fixed = (
            "This challenge is published: its rules are fixed, so nobody competes under"
            " rules that moved."
        )
    return _form_page(request, present.form_of(detail), challenge_id=challenge_id, fixed=fixed)


@pages.post("/challenges/{challenge_id}/edit")
def edit_challenge_form(
    request: Request,
    principal: Posters,
    challenge_id: SeenChallenge,
    session: SessionDep,
    form: ChallengeFormData,
) -> Response:
    """Save the draft's new content."""
    return form_action(
        session,
        lambda: posting.check_edit_challenge(
            session, principal, challenge_id, present.draft_of(form), common.CLOCK.now()
        ),
        done=f"/challenges/{challenge_id}?saved=1",
        refused=lambda reason: _form_page(
            request, form, challenge_id=challenge_id, error=reason, status_code=422
        ),
    )


def _on_challenge(
    request: Request, principal: Principal, session: Session, challenge_id: int
) -> Any:
    """How a refused form on the challenge's page answers: the page, with the reason."""
    return lambda reason: challenge_page(
        request, principal, session, challenge_id, error=reason, status_code=422
    )


@pages.post("/challenges/{challenge_id}/publish")
def publish_form(
    request: Request, principal: Posters, challenge_id: SeenChallenge, session: SessionDep
) -> Response:
    """Publish the draft."""
    return form_action(
        session,
        lambda: posting.check_publish(session, principal, challenge_id, common.CLOCK.now()),
        done=f"/challenges/{challenge_id}?published=1",
        refused=_on_challenge(request, principal, session, challenge_id),
    )


@pages.post("/challenges/{challenge_id}/cancel")
def cancel_form(
    request: Request,
    principal: Posters,
    challenge_id: SeenChallenge,
    session: SessionDep,
    reason: Reason = "",
) -> Response:
    """Cancel the challenge, saying why."""
    return form_action(
        session,
        lambda: posting.check_cancel(session, principal, challenge_id, reason, common.CLOCK.now()),
        done=f"/challenges/{challenge_id}?cancelled=1",
        refused=_on_challenge(request, principal, session, challenge_id),
    )


@pages.post("/challenges/{challenge_id}/reviewers")
def add_reviewer_form(
    request: Request,
    principal: Posters,
    challenge_id: SeenChallenge,
    session: SessionDep,
    email: Email = "",
) -> Response:
    """Name a reviewer by e-mail."""
    return form_action(
        session,
        lambda: posting.check_add_reviewer(
            session, principal, challenge_id, email, common.CLOCK.now()
        ),
        done=f"/challenges/{challenge_id}?reviewer=added",
        refused=_on_challenge(request, principal, session, challenge_id),
        refusals=(*REFUSALS, NotFound),
    )


@pages.post("/challenges/{challenge_id}/reviewers/{account_id}/remove")
def remove_reviewer_form(
    request: Request,
    principal: Posters,
    challenge_id: SeenChallenge,
    account_id: RowId,
    session: SessionDep,
) -> Response:
    """Take a reviewer off."""
    return form_action(
        session,
        lambda: posting.check_remove_reviewer(
            session, principal, challenge_id, account_id, common.CLOCK.now()
        ),
        done=f"/challenges/{challenge_id}?reviewer=removed",
        refused=_on_challenge(request, principal, session, challenge_id),
    )


@pages.post("/challenges/{challenge_id}/answer-key")
async def answer_key_form(
    request: Request,
    principal: Posters,
    challenge_id: SeenChallenge,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Upload the hidden answer key; a bad file shows why (file, line, field)."""
    try:
        data, name = await read_capped(file, posting.MAX_ANSWER_KEY_BYTES)
    except InputError as problem:
        return await run_in_threadpool(
            challenge_page,
            request,
            principal,
            session,
            challenge_id,
            error=str(problem),
            status_code=400,
        )
    return await run_in_threadpool(
        form_action,
        session,
        lambda: posting.check_upload_answer_key(
            session, principal, challenge_id, data, name or "answer key", common.CLOCK.now()
        ),
        done=f"/challenges/{challenge_id}?answer_key=1",
        refused=lambda reason: challenge_page(
            request, principal, session, challenge_id, error=reason, status_code=400
        ),
        refusals=REFUSALS,
    )
