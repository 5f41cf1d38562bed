"""Succession and replacement charts for key roles (HR and administrators only).

A chart ranks the named successors on the plan's criteria (the same evidence as promotion
boards) and shows, for each, the readiness HR set or accepted and the one the evidence
suggests, with the reasons; it also suggests the best-ranked people not yet on it. A
readiness HR sets needs a reason, and every change is in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotFound
from renown.recognition.queries import PersonRef
from renown.talent import succession
from renown.talent.criteria import EXTERNAL_KEYS
from renown.talent.readiness import READINESS_LABELS, Readiness
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import DEFAULT_CRITERIA
from renown.web.api.talent import CLOCK, PeopleAdmin, required
from renown.web.api.talent_schemas import (
    PersonId,
    Reason,
    Text,
    WeightIn,
    WeightOut,
    finite,
    weighted,
)
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId

router = APIRouter(tags=["succession"], route_class=StrictJsonRoute)
SUGGESTIONS: Final = 10


# --- What clients send --------------------------------------------------------------------


class PlanIn(BaseModel):
    """A key role to plan successors for; omitted criteria take the rounds' defaults."""

    role_name: Text
    incumbent_id: PersonId | None = None
    criteria: list[WeightIn] | None = Field(default=None, max_length=50)


class SuccessorIn(BaseModel):
    """Name a successor. Without a readiness the evidence suggests one; a readiness HR
    chooses needs a reason."""

    person_id: PersonId | None = Field(default=None, description="Required")
    readiness: Readiness | None = None
    reason: Reason = ""


class ReadinessIn(BaseModel):
    """HR's readiness for a successor and why (both required)."""

    readiness: Readiness | None = None
    reason: Reason = ""


# --- What the server answers --------------------------------------------------------------


class PlanSummaryOut(BaseModel):
    """A line of the key roles list."""

    id: int
    role_name: str
    incumbent: str | None
    ready_now: int
    successors: int


class EvidenceOut(BaseModel):
    """One criterion behind a successor's place."""

    label: str
    shown: str = Field(description="The evidence in words")
    contribution: float | None


class SuccessorOut(BaseModel):
    """A successor on the chart, with the readiness set and the one the evidence suggests."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None
    readiness: Readiness
    readiness_label: str
    reason: str
    suggested: Readiness
    suggested_label: str
    suggested_reason: str
    evidence: list[EvidenceOut]


class SuggestionOut(BaseModel):
    """Someone not yet on the chart whom the evidence ranks high."""

    person_id: int
    name: str
    composite: float | None
    readiness: Readiness


class PlanOut(BaseModel):
    """A key role's replacement chart."""

    id: int
    role_name: str
    incumbent: PersonRef | None
    criteria: list[WeightOut]
    warning: str | None = Field(description="The legal warning when external prominence counts")
    created_by: str
    created_at: datetime
    successors: list[SuccessorOut] = Field(description="Ranked by composite")
    suggestions: list[SuggestionOut]


def _successor_out(view: succession.SuccessorView) -> SuccessorOut:
    return SuccessorOut(
        person_id=view.person_id,
        name=view.name,
        title=view.title,
        department=view.department,
        rank=view.rank,
        composite=finite(view.composite),
        readiness=view.readiness,
        readiness_label=view.readiness_label,
        reason=view.reason,
        suggested=view.suggested,
        suggested_label=READINESS_LABELS[view.suggested],
        suggested_reason=view.suggested_reason,
        evidence=[
            EvidenceOut(label=label, shown=shown, contribution=finite(contribution))
            for label, shown, contribution in view.evidence
        ],
    )


def _plan_out(session: Session, principal: Principal, plan_id: int) -> PlanOut:
    now = CLOCK.now()
    view = succession.plan_view(session, principal, plan_id, now=now)
    plan = view.plan
    criteria = succession.plan_criteria(plan)
    external = any(c.key in EXTERNAL_KEYS and c.weight > 0 for c in criteria)
    suggested = succession.suggest_successors(
        session, principal, plan_id, now=now, limit=SUGGESTIONS
    )
    return PlanOut(
        id=plan.id,
        role_name=plan.role_name,
        incumbent=(
            None
            if view.incumbent is None
            else PersonRef(id=view.incumbent.id, name=view.incumbent.name)
        ),
        criteria=[WeightOut(key=c.key, weight=c.weight) for c in criteria],
        warning=EXTERNAL_PROMINENCE_WARNING if external else None,
        created_by=plan.created_by,
        created_at=plan.created_at,
        successors=[_successor_out(s) for s in view.successors],
        suggestions=[
            SuggestionOut(person_id=pid, name=name, composite=finite(composite), readiness=ready)
            for pid, name, composite, ready in suggested
        ],
    )


def _successor(
    session: Session, principal: Principal, plan_id: int, person_id: int
) -> SuccessorOut:
    view = succession.plan_view(session, principal, plan_id, now=CLOCK.now())
    return _successor_out(next(s for s in view.successors if s.person_id == person_id))


def _known_plan(session: Session, principal: Principal, plan_id: int) -> None:
    """404 for a plan the caller cannot see, before a missing field is judged."""
    if plan_id not in {p.id for p in succession.plans(session, principal)}:
        raise NotFound(f"no succession plan {plan_id}")


# --- Routes -------------------------------------------------------------------------------


@router.get("/talent/succession")
def plans(principal: PeopleAdmin, session: SessionDep) -> list[PlanSummaryOut]:
    """The organisation's key roles, by name, with how many successors are ready now."""
    return [
        PlanSummaryOut(
            id=p.id,
            role_name=p.role_name,
            incumbent=p.incumbent,
            ready_now=p.ready_now,
            successors=p.successors,
        )
        for p in succession.plans(session, principal)
    ]


@router.post("/talent/succession", status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanIn, principal: PeopleAdmin, session: SessionDep) -> PlanOut:
    """Name a key role (and its incumbent) and the criteria successors are ranked on."""
    criteria = DEFAULT_CRITERIA if body.criteria is None else weighted(body.criteria)
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise Invalid("a criterion is listed twice")
    plan = succession.check_create_plan(
        session,
        principal,
        role_name=body.role_name,
        incumbent_id=body.incumbent_id,
        criteria=criteria,
        clock=CLOCK,
    )
    session.commit()
    return _plan_out(session, principal, plan.id)


@router.get("/talent/succession/{plan_id}")
def plan(plan_id: RowId, principal: PeopleAdmin, session: SessionDep) -> PlanOut:
    """The replacement chart: successors ranked with their evidence and readiness, and the
    best-ranked people not yet on it."""
    return _plan_out(session, principal, plan_id)


@router.post("/talent/succession/{plan_id}/successors", status_code=status.HTTP_201_CREATED)
def add_successor(
    plan_id: RowId, principal: PeopleAdmin, session: SessionDep, body: SuccessorIn | None = None
) -> SuccessorOut:
    """Name a successor (``readiness`` null: suggested from the evidence, with the reason)."""
    given = body or SuccessorIn()
    if given.person_id is None:
        _known_plan(session, principal, plan_id)
    person_id = required(given.person_id, "person_id")
    succession.check_add_successor(
        session,
        principal,
        plan_id,
        person_id,
        readiness=given.readiness,
        reason=given.reason,
        clock=CLOCK,
    )
    session.commit()
    return _successor(session, principal, plan_id, person_id)


@router.put("/talent/succession/{plan_id}/successors/{person_id}")
def set_readiness(
    plan_id: RowId,
    person_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    body: ReadinessIn | None = None,
) -> SuccessorOut:
    """Set a successor's readiness, with a reason (logged)."""
    given = body or ReadinessIn()
    if given.readiness is None:
        _known_plan(session, principal, plan_id)
    readiness: Readiness = required(given.readiness, "readiness (now, 1-2y or 3y+)")
    succession.check_set_readiness(
        session,
        principal,
        plan_id,
        person_id,
        readiness=readiness,
        reason=given.reason,
        clock=CLOCK,
    )
    session.commit()
    return _successor(session, principal, plan_id, person_id)


@router.delete(
    "/talent/succession/{plan_id}/successors/{person_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_successor(
    plan_id: RowId, person_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """Take a successor off the chart (logged)."""
    succession.check_remove_successor(session, principal, plan_id, person_id, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
