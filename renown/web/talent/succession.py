"""Succession and replacement charts for key roles (HR and administrators only), as JSON
and as pages.

A chart ranks the named successors on the plan's criteria (the same evidence as promotion
boards) and shows, for each, the readiness HR set or accepted and the one the evidence
suggests, with the reasons; it also suggests the best-ranked people not yet on it. The page
puts the incumbent on top and the successors in three columns by readiness. A readiness HR
sets needs a reason, and every change is in the audit log
(:mod:`renown.talent.succession` refuses anyone but HR). Refused page forms (a missing
reason, a duplicate successor) re-render the page with the domain's message and what was
typed, as a 422.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal, cast

from fastapi import APIRouter, Form, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, NotFound
from renown.org import queries as org_queries
from renown.talent import succession
from renown.talent.composite import WeightedCriterion
from renown.talent.criteria import EXTERNAL_KEYS, available
from renown.talent.readiness import READINESS_LABELS, Readiness
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import DEFAULT_CRITERIA, MAX_TEXT, MAX_WEIGHT
from renown.talent.succession import PlanSummary
from renown.web.deps import SessionDep
from renown.web.forms import form_action, see_other
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, RowId, SearchText, SingleLine
from renown.web.policy import PeopleAdmin
from renown.web.render import render
from renown.web.talent.answers import PlanOut, SuccessorOut
from renown.web.talent.present_ninebox import actor_labels
from renown.web.talent.rounds import CLOCK, required
from renown.web.talent.shapes import PlanIn, ReadinessIn, SuccessorIn

api = APIRouter(tags=["succession"], route_class=StrictJsonRoute)
pages = APIRouter()
PersonField = Annotated[int | None, Form(ge=1, le=MAX_ID)]
ReasonText = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
ReadinessChoice = Annotated[str, Form(pattern="^(|now|1-2y|3y\\+)$")]
PICKER_SIZE: Final = 8
SUGGESTIONS: Final = 10


# --- JSON ---------------------------------------------------------------------------------


def _plan_out(session: Session, principal: Principal, plan_id: int) -> PlanOut:
    now = CLOCK.now()
    view = succession.plan_view(session, principal, plan_id, now=now)
    plan = view.plan
    criteria = succession.plan_criteria(plan)
    external = any(c.key in EXTERNAL_KEYS and c.weight > 0 for c in criteria)
    suggested = succession.suggest_successors(
        session, principal, plan_id, now=now, limit=SUGGESTIONS
    )
    return PlanOut.model_validate(
        {
            "id": plan.id,
            "role_name": plan.role_name,
            "incumbent": view.incumbent,
            "criteria": criteria,
            "warning": EXTERNAL_PROMINENCE_WARNING if external else None,
            "created_by": plan.created_by,
            "created_at": plan.created_at,
            "successors": view.successors,
            "suggestions": suggested,
        }
    )


def _successor(
    session: Session, principal: Principal, plan_id: int, person_id: int
) -> SuccessorOut:
    view = succession.plan_view(session, principal, plan_id, now=CLOCK.now())
    return SuccessorOut.model_validate(next(s for s in view.successors if s.person_id == person_id))


def _known_plan(session: Session, principal: Principal, plan_id: int) -> None:
    """404 for a plan the caller cannot see, before a missing field is judged."""
    if plan_id not in {p.id for p in succession.plans(session, principal)}:
        raise NotFound(f"no succession plan {plan_id}")


@api.get("/talent/succession")
def plans(principal: PeopleAdmin, session: SessionDep) -> list[PlanSummary]:
    """The organisation's key roles, by name, with how many successors are ready now."""
    return list(succession.plans(session, principal))


@api.post("/talent/succession", status_code=status.HTTP_201_CREATED)
def create_plan(body: PlanIn, principal: PeopleAdmin, session: SessionDep) -> PlanOut:
    """Name a key role (and its incumbent) and the criteria successors are ranked on."""
    given = body.criteria
    criteria = DEFAULT_CRITERIA if given is None else tuple(c.weighted() for c in given)
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


@api.get("/talent/succession/{plan_id}")
def plan(plan_id: RowId, principal: PeopleAdmin, session: SessionDep) -> PlanOut:
    """The replacement chart: successors ranked with their evidence and readiness, and the
    best-ranked people not yet on it."""
    return _plan_out(session, principal, plan_id)


@api.post("/talent/succession/{plan_id}/successors", status_code=status.HTTP_201_CREATED)
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


@api.put("/talent/succession/{plan_id}/successors/{person_id}")
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


@api.delete(
    "/talent/succession/{plan_id}/successors/{person_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_successor(
    plan_id: RowId, person_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """Take a successor off the chart (logged)."""
    succession.check_remove_successor(session, principal, plan_id, person_id, clock=CLOCK)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Pages: presentation and form reading -------------------------------------------------


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


def _readiness(value: str) -> Readiness | None:
    return cast(Readiness, value) if value else None


# --- Pages: key roles ---------------------------------------------------------------------


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


@pages.get("/talent/succession", response_class=HTMLResponse)
def plans_page(request: Request, principal: PeopleAdmin, session: SessionDep) -> HTMLResponse:
    """Key roles with their successors' readiness, and the form naming a new one."""
    return _plans_page(request, principal, session)


@pages.get("/talent/succession/people-search", response_class=HTMLResponse)
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


@pages.post("/talent/succession", response_class=HTMLResponse)
def create_plan_page(
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
    created: list[int] = []
    values = {"role_name": role_name, "weights": dict(zip(keys, weights, strict=False))}
    return form_action(
        session,
        lambda: created.append(
            succession.check_create_plan(
                session,
                principal,
                role_name=role_name,
                incumbent_id=incumbent_id,
                criteria=parse_weights(keys, weights),
                clock=CLOCK,
            ).id
        ),
        done=lambda: see_other(f"/talent/succession/{created[0]}"),
        refused=lambda error: _plans_page(request, principal, session, error=error, values=values),
    )


# --- Pages: a key role's replacement chart ------------------------------------------------


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


def _chart_changed(plan_id: int, what: str) -> str:
    return f"/talent/succession/{plan_id}?changed={what}"


@pages.get("/talent/succession/{plan_id}", response_class=HTMLResponse)
def chart(
    request: Request, plan_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """The replacement chart: incumbent, successors by readiness with evidence, suggestions."""
    return _chart_page(request, principal, session, plan_id)


@pages.post("/talent/succession/{plan_id}/successors", response_class=HTMLResponse)
def add_successor_page(
    request: Request,
    plan_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    person_id: PersonField = None,
    readiness: ReadinessChoice = "",
    reason: ReasonText = "",
) -> Response:
    """Name a successor; a blank readiness takes the evidence's suggestion."""

    def act() -> None:
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

    values = {"form": "add", "readiness": readiness, "reason": reason}
    return form_action(
        session,
        act,
        done=_chart_changed(plan_id, "added"),
        refused=lambda error: _chart_page(
            request, principal, session, plan_id, error=error, values=values
        ),
    )


@pages.post(
    "/talent/succession/{plan_id}/successors/{person_id}/readiness", response_class=HTMLResponse
)
def set_readiness_page(
    request: Request,
    plan_id: RowId,
    person_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    readiness: ReadinessChoice = "",
    reason: ReasonText = "",
) -> Response:
    """Change a successor's readiness; the reason is required and logged."""

    def act() -> None:
        chosen = _readiness(readiness)
        if chosen is None:
            raise Invalid("choose the readiness")
        succession.check_set_readiness(
            session, principal, plan_id, person_id, readiness=chosen, reason=reason, clock=CLOCK
        )

    values = {"form": person_id, "readiness": readiness, "reason": reason}
    return form_action(
        session,
        act,
        done=_chart_changed(plan_id, "readiness"),
        refused=lambda error: _chart_page(
            request, principal, session, plan_id, error=error, values=values
        ),
    )


@pages.post("/talent/succession/{plan_id}/successors/{person_id}/remove")
def remove_successor_page(
    plan_id: RowId, person_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> Response:
    """Take a successor off the chart (logged)."""
    succession.check_remove_successor(session, principal, plan_id, person_id, clock=CLOCK)
    session.commit()
    return see_other(_chart_changed(plan_id, "removed"))
