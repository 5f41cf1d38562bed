"""Succession plans for key roles: the list, and each role's replacement chart.

The chart puts the incumbent on top and the successors in three columns by readiness,
ranked by the plan's composite, each with the evidence behind it, the readiness reason and
who set it. HR changes a readiness only with a reason, and adds successors from the
evidence's suggestions or by name. Everything here is HR's: :mod:`renown.talent.succession`
refuses anyone else, and every change it makes is logged.

Refused changes (a missing reason, a duplicate successor) re-render the page with the
domain's message and what was typed, as a 422.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal, cast

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.org import queries as org_queries
from renown.talent import succession
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import available
from renown.talent.readiness import READINESS_LABELS, Readiness
from renown.talent.rounds import DEFAULT_CRITERIA, MAX_TEXT, MAX_WEIGHT
from renown.web.deps import SessionDep
from renown.web.pages.talent_calibration import actor_labels
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, RowId, SearchText, SingleLine
from renown.web.policy import allow
from renown.web.render import render

router = APIRouter()
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
PersonField = Annotated[int | None, Form(ge=1, le=MAX_ID)]
ReasonText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
ReadinessChoice = Annotated[str, Form(pattern="^(|now|1-2y|3y\\+)$")]
CLOCK: Final = SystemClock()
PICKER_SIZE: Final = 8
SUGGESTIONS: Final = 10


def composite_text(composite: float | None) -> str:
    """A composite with one decimal, cut rather than rounded, or a dash when not ranked.

    The readiness reasons state thresholds ("composite 69.9 is below 70"); a card printing
    that composite rounded to 70.0 beside the reason would contradict it.
    """
    if composite is None:
        return "–"
    return f"{math.floor(composite * 10 + 1e-9) / 10:.1f}"


def _weights_form(session: Session, org_id: int) -> list[tuple[str, str, str, float]]:
    """(key, label, description, default weight) of every criterion a plan may weigh."""
    defaults = {c.key: c.weight for c in DEFAULT_CRITERIA}
    return [
        (info.key, info.label, info.description, defaults.get(info.key, 0.0))
        for info in available(session, org_id)
    ]


def parse_weights(keys: Sequence[str], weights: Sequence[str]) -> tuple[WeightedCriterion, ...]:
    """The plan's criteria from the form's parallel ``criterion`` and ``weight`` fields.

    A blank weight is 0; criteria weighted 0 are left out. No fields at all means the
    default weights.

    Raises
    ------
    Invalid
        A weight is not a number from 0 to 100, or the fields do not pair up.
    """
    if not keys and not weights:
        return DEFAULT_CRITERIA
    if len(keys) != len(weights):
        raise Invalid("every criterion needs its weight")
    chosen = []
    for key, text in zip(keys, weights, strict=True):
        try:
            weight = float(text.strip() or "0")
        except ValueError:
            raise Invalid(f"the weight of {key} must be a number from 0 to 100") from None
        if not 0 <= weight <= MAX_WEIGHT:
            raise Invalid(f"the weight of {key} must be a number from 0 to 100")
        if weight > 0:
            chosen.append(WeightedCriterion(key, weight))
    return tuple(chosen)


# --- Key roles ----------------------------------------------------------------------------


def _plans_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str = "",
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    context = {
        "plans": succession.plans(session, principal),
        "criteria": _weights_form(session, principal.org_id),
        "error": error,
        "values": values or {},
    }
    return render(request, "talent_succession.html", context, status_code=422 if error else 200)


@router.get("/talent/succession", response_class=HTMLResponse)
def plans_page(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """Key roles with their successors' readiness, and the form naming a new one."""
    return _plans_page(request, principal, session)


@router.get("/talent/succession/people-search", response_class=HTMLResponse)
def people_search(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    q: SearchText = None,
    field: Annotated[Literal["incumbent_id", "person_id"], Query()] = "person_id",
) -> HTMLResponse:
    """Picker results (htmx): people of the organisation by name, as radio choices."""
    query = (q or "").strip()
    people = (
        org_queries.list_people(session, principal, q=query, limit=PICKER_SIZE).items
        if query
        else []
    )
    context = {"people": people, "q": query, "field": field}
    return render(request, "talent_succession_picker.html", context)


@router.post("/talent/succession", response_class=HTMLResponse)
def create_plan(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    role_name: Annotated[str, Form(max_length=200), SINGLE_LINE] = "",
    incumbent_id: PersonField = None,
    criterion: Annotated[list[SingleLine] | None, Form(max_length=100)] = None,
    weight: Annotated[list[SingleLine] | None, Form(max_length=100)] = None,
) -> Response:
    """Name a key role (and its incumbent) with the weights successors are ranked on."""
    keys, weights = criterion or [], weight or []
    try:
        plan = succession.check_create_plan(
            session,
            principal,
            role_name=role_name,
            incumbent_id=incumbent_id,
            criteria=parse_weights(keys, weights),
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        values = {"role_name": role_name, "weights": dict(zip(keys, weights, strict=False))}
        return _plans_page(request, principal, session, error=str(refused), values=values)
    session.commit()
    return RedirectResponse(f"/talent/succession/{plan.id}", status_code=303)


# --- A key role's replacement chart -------------------------------------------------------


def _set_by(
    session: Session, principal: Principal, view: succession.PlanView
) -> dict[int, tuple[str, Any]]:
    """Who last set each successor's readiness (as a name), and when (by person id)."""
    names = actor_labels(session, principal.org_id, (s.set_by for s in view.successors))
    return {s.person_id: (names.get(s.set_by, s.set_by), s.set_at) for s in view.successors}


def _chart_page(
    request: Request,
    principal: Principal,
    session: Session,
    plan_id: int,
    *,
    error: str = "",
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    now = CLOCK.now()
    view = succession.plan_view(session, principal, plan_id, now=now)
    columns = [
        (key, label, [s for s in view.successors if s.readiness == key])
        for key, label in READINESS_LABELS.items()
    ]
    context = {
        "view": view,
        "plan": view.plan,
        "columns": columns,
        "set_by": _set_by(session, principal, view),
        "suggestions": succession.suggest_successors(
            session, principal, plan_id, now=now, limit=SUGGESTIONS
        ),
        "readiness_labels": READINESS_LABELS,
        "criteria": {info.key: info.label for info in available(session, principal.org_id)},
        "error": error,
        "values": values or {},
        "max_reason": MAX_TEXT,
        "composite_text": composite_text,
        "changed": request.query_params.get("changed", ""),
    }
    return render(
        request, "talent_succession_chart.html", context, status_code=422 if error else 200
    )


def _readiness(value: str) -> Readiness | None:
    return cast(Readiness, value) if value else None


@router.get("/talent/succession/{plan_id}", response_class=HTMLResponse)
def chart(
    request: Request, plan_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The replacement chart: incumbent, successors by readiness with evidence, suggestions."""
    return _chart_page(request, principal, session, plan_id)


@router.post("/talent/succession/{plan_id}/successors", response_class=HTMLResponse)
def add_successor(
    request: Request,
    plan_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    person_id: PersonField = None,
    readiness: ReadinessChoice = "",
    reason: ReasonText = "",
) -> Response:
    """Name a successor; a blank readiness takes the evidence's suggestion."""
    try:
        if person_id is None:
            raise Invalid("choose the person to add")
        succession.check_add_successor(
            session,
            principal,
            plan_id,
            person_id,
            readiness=_readiness(readiness),
            reason=reason,
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        values = {"form": "add", "readiness": readiness, "reason": reason}
        return _chart_page(request, principal, session, plan_id, error=str(refused), values=values)
    session.commit()
    return RedirectResponse(f"/talent/succession/{plan_id}?changed=added", status_code=303)


@router.post(
    "/talent/succession/{plan_id}/successors/{person_id}/readiness", response_class=HTMLResponse
)
def set_readiness(
    request: Request,
    plan_id: RowId,
    person_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    readiness: ReadinessChoice = "",
    reason: ReasonText = "",
) -> Response:
    """Change a successor's readiness; the reason is required and logged."""
    try:
        chosen = _readiness(readiness)
        if chosen is None:
            raise Invalid("choose the readiness")
        succession.check_set_readiness(
            session, principal, plan_id, person_id, readiness=chosen, reason=reason, clock=CLOCK
        )
    except Invalid as refused:
        session.rollback()
        values = {"form": person_id, "readiness": readiness, "reason": reason}
        return _chart_page(request, principal, session, plan_id, error=str(refused), values=values)
    session.commit()
    return RedirectResponse(f"/talent/succession/{plan_id}?changed=readiness", status_code=303)


@router.post("/talent/succession/{plan_id}/successors/{person_id}/remove")
def remove_successor(
    plan_id: RowId, person_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """Take a successor off the chart (logged)."""
    succession.check_remove_successor(session, principal, plan_id, person_id, clock=CLOCK)
    session.commit()
    return RedirectResponse(f"/talent/succession/{plan_id}?changed=removed", status_code=303)
