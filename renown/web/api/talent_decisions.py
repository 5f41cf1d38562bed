"""Signing a promotion round off, a candidate's own explanation, and appeals.

Sign-off freezes the board as shown; the decision record (inputs, frozen ranking, overrides
and their reasons) is HR's, and answers whether it still matches the digest its audit-log
entry vouches for. A candidate reads their own row whatever the round publishes, and may
appeal once the round is decided; HR answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.store.tables.talent import Appeal, PromotionRound, RoundDecision
from renown.talent import board as boards
from renown.talent import decisions, rounds
from renown.talent.board import CandidateView, frozen_rows
from renown.talent.decisions import AppealView
from renown.web.api.talent import CLOCK, PeopleAdmin, Staff, required
from renown.web.api.talent_schemas import (
    MAX_PEOPLE,
    BoardRowOut,
    OverrideOut,
    PersonId,
    Reason,
    overrides_out,
    row_out,
)
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import Flag, RowId

router = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)


class DecisionIn(BaseModel):
    """Sign a round off: who is promoted, why, and why each departure from the top N."""

    promoted: list[PersonId] | None = Field(
        default=None, max_length=MAX_PEOPLE, description="Required; [] promotes nobody"
    )
    reason: Reason = ""
    overrides: dict[int, Reason] = Field(
        default_factory=dict,
        max_length=MAX_PEOPLE,
        description="Person id -> reason, for everyone promoted outside the recommended top N "
        "and everyone in it who is not promoted",
    )


class AppealIn(BaseModel):
    """A candidate's appeal against the decision of their round."""

    text: Reason = ""


class AppealAnswerIn(BaseModel):
    """HR's answer to an appeal: upheld or rejected, and why (both required)."""

    upheld: Flag | None = None
    answer: Reason = ""


class DecisionOut(BaseModel):
    """The signed-off decision with its frozen inputs and ranking (HR and administrators)."""

    round_id: int
    signed_by: str
    signer_name: str
    signed_at: datetime
    reason: str
    promoted: list[int]
    overrides: list[OverrideOut]
    ranking: list[BoardRowOut]
    inputs: dict[str, Any]
    audit_hash: str
    verified: bool = Field(description="The stored decision matches its audit-log entry")


class CandidateExplanationOut(BaseModel):
    """A candidate's own place and explanation, whatever the round publishes."""

    round_id: int
    round_name: str
    target: str
    status: str
    row: BoardRowOut | None = Field(description="Null when the caller is not a candidate")
    pool_size: int
    decided: bool
    promoted: bool | None = Field(description="Null until the round is decided")


class AppealOut(BaseModel):
    """An appeal as HR or its candidate reads it."""

    id: int
    round_id: int
    person_id: int
    name: str
    text: str
    filed_at: datetime
    status: str = Field(description="open, upheld or rejected")
    answer: str | None
    answered_at: datetime | None


# --- Conversions --------------------------------------------------------------------------


def explanation_out(view: CandidateView) -> CandidateExplanationOut:
    return CandidateExplanationOut(
        round_id=view.round.id,
        round_name=view.round.name,
        target=view.round.target,
        status=view.round.status,
        row=None if view.row is None else row_out(view.row),
        pool_size=view.pool_size,
        decided=view.decided,
        promoted=view.promoted,
    )


def decision_out(decision: RoundDecision, *, verified: bool) -> DecisionOut:
    return DecisionOut(
        round_id=decision.round_id,
        signed_by=decision.signed_by,
        signer_name=decision.signer_name,
        signed_at=decision.signed_at,
        reason=decision.reason,
        promoted=[int(pid) for pid in decision.promoted],
        overrides=overrides_out(decision.overrides),
        ranking=[row_out(row) for row in frozen_rows(decision.ranking, full=True)],
        inputs=decision.inputs,
        audit_hash=decision.audit_hash,
        verified=verified,
    )


def appeal_out(view: AppealView) -> AppealOut:
    return AppealOut(
        id=view.id,
        round_id=view.round_id,
        person_id=view.person_id,
        name=view.name,
        text=view.text,
        filed_at=view.filed_at,
        status=view.status,
        answer=view.answer,
        answered_at=view.answered_at,
    )


# --- Sign-off -----------------------------------------------------------------------------


def _decision(session: Session, principal: Principal, round_id: int) -> DecisionOut | None:
    found = decisions.decision_of(session, principal, round_id)
    if found is None:
        return None
    return decision_out(found, verified=decisions.verify_decision(session, found))


@router.post("/talent/rounds/{round_id}/decision", status_code=status.HTTP_201_CREATED)
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


@router.get("/talent/rounds/{round_id}/decision")
def decision(round_id: RowId, principal: PeopleAdmin, session: SessionDep) -> DecisionOut | None:
    """The signed-off decision with its frozen inputs and ranking, and whether it still
    matches its audit-log entry; ``null`` while the round is open."""
    return _decision(session, principal, round_id)


# --- Candidates: their own explanation and appeals ----------------------------------------


@router.get("/talent/rounds/{round_id}/me")
def my_explanation(
    round_id: RowId, principal: Staff, session: SessionDep
) -> CandidateExplanationOut:
    """My own place in a round and why, whatever the round publishes (candidates only)."""
    return explanation_out(boards.my_explanation(session, principal, round_id))


@router.post("/talent/rounds/{round_id}/appeals", status_code=status.HTTP_201_CREATED)
def file_appeal(
    round_id: RowId, principal: Staff, session: SessionDep, body: AppealIn | None = None
) -> AppealOut:
    """Appeal the decision of a round I was a candidate in (one open appeal at a time)."""
    text = (body or AppealIn()).text
    filed = decisions.check_file_appeal(session, principal, round_id, text, clock=CLOCK)
    session.commit()
    return next(a for a in _appeals(session, principal, round_id) if a.id == filed.id)


def _appeals(session: Session, principal: Principal, round_id: int) -> list[AppealOut]:
    return [appeal_out(a) for a in decisions.appeals(session, principal, round_id)]


@router.get("/talent/rounds/{round_id}/appeals")
def list_appeals(round_id: RowId, principal: Staff, session: SessionDep) -> list[AppealOut]:
    """A round's appeals: all of them for HR, my own for anyone else."""
    return _appeals(session, principal, round_id)


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


@router.post("/talent/appeals/{appeal_id}/answer")
def answer_appeal(
    appeal_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    body: AppealAnswerIn | None = None,
) -> AppealOut:
    """Answer an appeal: ``upheld`` or not, and why (the candidate is told)."""
    given = body or AppealAnswerIn()
    round_id = _appeal_round(session, principal, appeal_id)
    upheld = required(given.upheld, "upheld (true or false)")
    decisions.check_answer_appeal(
        session, principal, appeal_id, upheld=upheld, answer=given.answer, clock=CLOCK
    )
    session.commit()
    return next(a for a in _appeals(session, principal, round_id) if a.id == appeal_id)
