"""Signing a promotion round off, a candidate's own explanation, and appeals.

Sign-off freezes the board as shown; the decision record (inputs, frozen ranking, overrides
and their reasons) is HR's, and answers whether it still matches the digest its audit-log
entry vouches for. A candidate reads their own row whatever the round publishes, and may
appeal once the round is decided; HR answers. A refused sign-off comes back on the board
with everything that was typed, so nobody types a decision twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotFound
from renown.store.tables.talent import Appeal, PromotionRound
from renown.talent import board as boards
from renown.talent import decisions, rounds
from renown.talent.board import HIDDEN
from renown.talent.decisions import AppealView
from renown.web.deps import SessionDep
from renown.web.forms import form_action
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import PeopleAdmin, Staff
from renown.web.render import render
from renown.web.talent.answers import CandidateExplanationOut, DecisionOut
from renown.web.talent.present_board import (
    Choices,
    Notes,
    SignOffForm,
    Text,
    Word,
    colours_of,
    override_reasons,
    parse_people,
    segments,
)
from renown.web.talent.rounds import CLOCK, board_done, board_page_of, required
from renown.web.talent.shapes import AppealAnswerIn, AppealIn, DecisionIn

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()


def _appeal_round(session: Session, principal: Principal, appeal_id: int) -> int:
    """The round of an appeal of the caller's organisation (404 otherwise)."""
    found = session.execute(
        sa.select(Appeal.round_id)
        .join(PromotionRound, PromotionRound.id == Appeal.round_id)
        .where(Appeal.id == appeal_id, PromotionRound.org_id == principal.org_id)
    ).scalar()
    if found is None:
        raise NotFound(f"no appeal {appeal_id}")
    return int(found)


# --- JSON: sign-off -----------------------------------------------------------------------


def _decision(session: Session, principal: Principal, round_id: int) -> DecisionOut | None:
    found = decisions.decision_of(session, principal, round_id)
    if found is None:
        return None
    shown = DecisionOut.model_validate(found)
    shown.verified = decisions.verify_decision(session, found)
    return shown


@api.post("/talent/rounds/{round_id}/decision", status_code=status.HTTP_201_CREATED)
def sign_off(
    round_id: RowId, principal: PeopleAdmin, session: SessionDep, body: DecisionIn | None = None
) -> DecisionOut:
    """Sign the round off: who is promoted and why. Promoting someone outside the
    recommended top N, or passing over someone in it, needs a reason in ``overrides``. The
    round is frozen as shown and every candidate is told to read their explanation."""
    given = body or DecisionIn()
    rounds.open_round_for_change(session, principal, round_id)
    promoted = required(given.promoted, "promoted (a list of person ids; [] promotes nobody)")
    decisions.check_sign_off(
        session,
        principal,
        round_id,
        promoted=promoted,
        reason=given.reason,
        override_reasons=given.overrides,
        clock=CLOCK,
    )
    session.commit()
    signed = _decision(session, principal, round_id)
    assert signed is not None
    return signed


@api.get("/talent/rounds/{round_id}/decision")
def decision(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> DecisionOut | None:
    """The signed-off decision with its frozen inputs and ranking, and whether it still
    matches its audit-log entry; ``null`` while the round is open."""
    return _decision(session, principal, round_id)


# --- JSON: candidates' own explanation and appeals ----------------------------------------


@api.get("/talent/rounds/{round_id}/me")
def my_explanation(
    round_id: RowId, principal: Staff, session: SessionDep
) -> CandidateExplanationOut:
    """My own place in a round and why, whatever the round publishes (candidates only)."""
    return CandidateExplanationOut.model_validate(
        boards.my_explanation(session, principal, round_id)
    )


def _appeal(session: Session, principal: Principal, round_id: int, appeal_id: int) -> AppealView:
    return next(a for a in decisions.appeals(session, principal, round_id) if a.id == appeal_id)


@api.post("/talent/rounds/{round_id}/appeals", status_code=status.HTTP_201_CREATED)
def file_appeal(
    round_id: RowId, principal: Staff, session: SessionDep, body: AppealIn | None = None
) -> AppealView:
    """Appeal the decision of a round I was a candidate in (one open appeal at a time)."""
    text = (body or AppealIn()).text
    filed = decisions.check_file_appeal(session, principal, round_id, text, clock=CLOCK)
    session.commit()
    return _appeal(session, principal, round_id, filed.id)


@api.get("/talent/rounds/{round_id}/appeals")
def list_appeals(round_id: RowId, principal: Staff, session: SessionDep) -> list[AppealView]:
    """A round's appeals: all of them for HR, my own for anyone else."""
    return list(decisions.appeals(session, principal, round_id))


@api.post("/talent/appeals/{appeal_id}/answer")
def answer_appeal(
    appeal_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    body: AppealAnswerIn | None = None,
) -> AppealView:
    """Answer an appeal: ``upheld`` or not, and why (the candidate is told)."""
    given = body or AppealAnswerIn()
    round_id = _appeal_round(session, principal, appeal_id)
    upheld = required(given.upheld, "upheld (true or false)")
    decisions.check_answer_appeal(
        session, principal, appeal_id, upheld=upheld, answer=given.answer, clock=CLOCK
    )
    session.commit()
    return _appeal(session, principal, round_id, appeal_id)


# --- Pages: sign-off and HR's answers, on the board ---------------------------------------


@pages.post("/talent/rounds/{round_id}/decision", response_class=HTMLResponse)
def sign_off_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    promoted: Choices = [],  # noqa: B006
    reason: Text = "",
    override_person: Choices = [],  # noqa: B006
    override_reason: Notes = [],  # noqa: B006
) -> Response:
    """Sign the decision off: a reason, and one for every departure from the top N."""
    return form_action(
        session,
        lambda: decisions.check_sign_off(
            session,
            principal,
            round_id,
            promoted=parse_people(promoted),
            reason=reason,
            override_reasons=override_reasons(override_person, override_reason),
            clock=CLOCK,
        ),
        done=board_done(round_id, "decided"),
        refused=lambda error: board_page_of(
            request,
            principal,
            session,
            round_id,
            error=error,
            failed="signoff",
            signoff=SignOffForm.typed(promoted, reason, override_person, override_reason),
        ),
    )


@pages.post("/talent/appeals/{appeal_id}/answer", response_class=HTMLResponse)
def answer_appeal_page(
    request: Request,
    appeal_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    upheld: Word = "",
    answer: Text = "",
) -> Response:
    """Answer an appeal: upheld or rejected, with the reason the candidate reads."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}")
    round_id = rounds.visible_round(session, principal, appeal.round_id).id

    def act() -> None:
        if upheld not in {"yes", "no"}:
            raise Invalid("say whether the appeal is upheld or rejected")
        decisions.check_answer_appeal(
            session, principal, appeal_id, upheld=upheld == "yes", answer=answer, clock=CLOCK
        )

    typed = {"appeal_id": appeal_id, "upheld": upheld, "answer": answer}
    return form_action(
        session,
        act,
        done=board_done(round_id, "answered", "#appeals"),
        refused=lambda error: board_page_of(
            request, principal, session, round_id, error=error, failed="answer", answer=typed
        ),
    )


# --- Pages: the candidate's own view and appeals ------------------------------------------


def _me_page(
    request: Request,
    principal: Principal,
    session: Session,
    round_id: int,
    *,
    error: str = "",
    text: str = "",
) -> HTMLResponse:
    view = boards.my_explanation(session, principal, round_id)
    if view.row is None:  # someone who may see the round but is not one of its candidates
        return render(request, "talent_me.html", {"round": view.round, "view": None})
    mine = decisions.appeals(session, principal, round_id)
    context = {
        "round": view.round,
        "view": view,
        "segments": segments(view.row, colours_of(view.round)),
        "hidden_text": HIDDEN,
        "appeals": mine,
        "can_appeal": view.decided and not any(a.status == "open" for a in mine),
        "error": error,
        "text": text,
        "appealed": request.query_params.get("appealed") == "1",
    }
    return render(request, "talent_me.html", context, status_code=422 if error else 200)


@pages.get("/talent/rounds/{round_id}/me", response_class=HTMLResponse)
def my_round(
    request: Request, round_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """My own explanation in the round, the outcome once decided, and my appeals."""
    return _me_page(request, principal, session, round_id)


@pages.post("/talent/rounds/{round_id}/appeals", response_class=HTMLResponse)
def file_appeal_page(
    request: Request,
    round_id: RowId,
    principal: Staff,
    session: SessionDep,
    text: Text = "",
) -> Response:
    """Appeal the round's decision (HR must answer)."""
    return form_action(
        session,
        lambda: decisions.check_file_appeal(session, principal, round_id, text, clock=CLOCK),
        done=f"/talent/rounds/{round_id}/me?appealed=1",
        refused=lambda error: _me_page(
            request, principal, session, round_id, error=error, text=text
        ),
    )
