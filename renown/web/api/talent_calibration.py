"""Questioning a round before sign-off: the what-if of one criterion's weight, the 9-box,
and calibration sessions in which HR (and managers, for their own reports) move people
between cells with a reason.

The what-if answers "what does counting prominence change?": who enters and who leaves the
top N as the weight goes from 0 up, and at the round's own weight. Nothing here changes a
ranking; moves override 9-box cells only, and every one is in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field, StringConstraints

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.recognition.queries import PersonRef
from renown.store.tables.talent import CalibrationMove, CalibrationSession
from renown.talent import calibration, rounds
from renown.talent.board import WhatIfView, what_if
from renown.talent.ninebox import BOX_NAMES, BOXES, Box, GroupShift
from renown.talent.rounds import MAX_WEIGHT
from renown.talent.whatif import Change, chart_rows
from renown.web.api.talent import CLOCK, PeopleAdmin, required
from renown.web.api.talent_schemas import BoxOut, PersonId, Reason, box_out, finite
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import NO_NUL, SINGLE_LINE, OptionalId, RowId, Whole
from renown.web.policy import allow

router = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
Calibrator = Annotated[Principal, allow(Role.MANAGER, Role.HR, Role.ADMIN)]
Level = Annotated[Whole, Field(ge=1, le=3, description="1 low, 2 moderate, 3 high")]
CriterionKeyQuery = Annotated[
    str, Query(min_length=1, max_length=80, pattern=NO_NUL, description="The criterion varied")
]
MaxWeight = Annotated[float, Query(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]
Steps = Annotated[int, Query(ge=2, le=101, description="Weights tried, both ends included")]


# --- What clients send --------------------------------------------------------------------


class CalibrationSessionIn(BaseModel):
    """A calibration session's name (1 to 200 characters)."""

    name: Annotated[str, StringConstraints(max_length=200), SINGLE_LINE] = ""


class MoveIn(BaseModel):
    """Move a candidate to another 9-box cell, with a reason (every field required)."""

    person_id: PersonId | None = None
    performance: Level | None = None
    potential: Level | None = None
    reason: Reason = ""


# --- What the server answers --------------------------------------------------------------


class WhatIfStepOut(BaseModel):
    """The top N at one weight of the varied criterion."""

    weight: float
    top: list[PersonRef]


class ChangeOut(BaseModel):
    """Who enters and who leaves the top N at ``weight``, against the board without it."""

    weight: float
    entered: list[PersonRef]
    left: list[PersonRef]


class ChartRowOut(BaseModel):
    """A point of the bump chart: a person's rank at one weight."""

    weight: float
    person_id: int
    name: str
    rank: int | None
    in_top: bool


class WhatIfOut(BaseModel):
    """What counting a criterion changes: the top N as its weight goes from 0 up."""

    round_id: int
    key: str
    label: str
    top_n: int
    configured_weight: float
    steps: list[WhatIfStepOut]
    versus_zero: list[ChangeOut]
    versus_configured: ChangeOut = Field(description="At the round's own weight, against 0")
    chart: list[ChartRowOut]


class BoxCountOut(BaseModel):
    """How many people a 9-box cell holds."""

    performance: int
    potential: int
    name: str
    count: int


class NineBoxRowOut(BaseModel):
    """A candidate's cell now (after calibration) and as computed from the evidence."""

    person_id: int
    name: str
    title: str | None
    department: str | None
    rank: int | None
    composite: float | None
    box: BoxOut | None
    computed: BoxOut | None
    movable: bool = Field(description="The caller may move this person now")


class CalibrationSessionOut(BaseModel):
    id: int
    round_id: int
    name: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None


class MoveOut(BaseModel):
    """A logged calibration move."""

    id: int
    session_id: int
    person_id: int
    name: str
    from_box: BoxOut
    to_box: BoxOut
    reason: str
    moved_by: str
    moved_at: datetime


class GroupShiftOut(BaseModel):
    """How a session moved one group (``everyone`` first, then each department)."""

    group: str
    n: int
    moved: int
    up: int
    down: int
    sideways: int
    net: int = Field(description="Total change of performance + potential levels")
    before: list[BoxCountOut]
    after: list[BoxCountOut]


class NineBoxOut(BaseModel):
    """The 9-box of a round: HR sees every candidate, a manager their own reports."""

    round_id: int
    counts: list[BoxCountOut]
    rows: list[NineBoxRowOut]
    sessions: list[CalibrationSessionOut]
    active_session_id: int | None
    moves: list[MoveOut] = Field(description="The active session's moves (all when none)")
    shift: list[GroupShiftOut]


# --- Conversions --------------------------------------------------------------------------


def _people(ids: tuple[int, ...], names: dict[int, str]) -> list[PersonRef]:
    return [PersonRef(id=pid, name=names.get(pid, f"person {pid}")) for pid in ids]


def _change_out(change: Change, names: dict[int, str]) -> ChangeOut:
    return ChangeOut(
        weight=change.weight,
        entered=_people(change.entered, names),
        left=_people(change.left, names),
    )


def what_if_out(view: WhatIfView) -> WhatIfOut:
    sweep, names = view.whatif, view.names
    return WhatIfOut(
        round_id=view.round.id,
        key=sweep.key,
        label=view.label,
        top_n=sweep.top_n,
        configured_weight=sweep.configured_weight,
        steps=[WhatIfStepOut(weight=s.weight, top=_people(s.top, names)) for s in sweep.steps],
        versus_zero=[_change_out(c, names) for c in sweep.versus_zero],
        versus_configured=_change_out(sweep.versus_configured, names),
        chart=[ChartRowOut.model_validate(row) for row in chart_rows(sweep, names)],
    )


def _counts(counts: Mapping[Box, int]) -> list[BoxCountOut]:
    return [
        BoxCountOut(performance=b[0], potential=b[1], name=BOX_NAMES[b], count=counts.get(b, 0))
        for b in BOXES
    ]


def _box(box: Box) -> BoxOut:
    found = box_out(box)
    assert found is not None
    return found


def session_out(row: CalibrationSession) -> CalibrationSessionOut:
    return CalibrationSessionOut(
        id=row.id,
        round_id=row.round_id,
        name=row.name,
        opened_by=row.opened_by,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
    )


def move_out(row: CalibrationMove, name: str) -> MoveOut:
    return MoveOut(
        id=row.id,
        session_id=row.session_id,
        person_id=row.person_id,
        name=name,
        from_box=_box((row.from_performance, row.from_potential)),
        to_box=_box((row.to_performance, row.to_potential)),
        reason=row.reason,
        moved_by=row.moved_by,
        moved_at=row.moved_at,
    )


def _shift_out(shift: GroupShift) -> GroupShiftOut:
    return GroupShiftOut(
        group=shift.group,
        n=shift.n,
        moved=shift.moved,
        up=shift.up,
        down=shift.down,
        sideways=shift.sideways,
        net=shift.net,
        before=_counts(shift.before),
        after=_counts(shift.after),
    )


def nine_box_out(view: calibration.NineBox) -> NineBoxOut:
    return NineBoxOut(
        round_id=view.round.id,
        counts=_counts(view.counts),
        rows=[
            NineBoxRowOut(
                person_id=r.person_id,
                name=r.name,
                title=r.title,
                department=r.department,
                rank=r.rank,
                composite=finite(r.composite),
                box=box_out(r.box),
                computed=box_out(view.computed.get(r.person_id)),
                movable=r.person_id in view.movable,
            )
            for r in view.rows
        ],
        sessions=[session_out(s) for s in view.sessions],
        active_session_id=view.active.id if view.active else None,
        moves=[
            MoveOut(
                id=m.id,
                session_id=m.session_id,
                person_id=m.person_id,
                name=m.name,
                from_box=_box(m.from_box),
                to_box=_box(m.to_box),
                reason=m.reason,
                moved_by=m.moved_by,
                moved_at=m.moved_at,
            )
            for m in view.moves
        ],
        shift=[_shift_out(s) for s in view.shift],
    )


# --- Routes -------------------------------------------------------------------------------


@router.get("/talent/rounds/{round_id}/whatif")
def whatif(
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    key: CriterionKeyQuery = "prominence_internal",
    max_weight: MaxWeight = 100.0,
    steps: Steps = 21,
) -> WhatIfOut:
    """Vary one criterion's weight from 0 to ``max_weight`` (others as configured): the top
    N at every step, who enters and leaves it against weight 0 and at the round's weight,
    and the rows of a bump chart of everyone who reaches it."""
    view = what_if(session, principal, round_id, key=key, max_weight=max_weight, steps=steps)
    return what_if_out(view)


@router.get("/talent/rounds/{round_id}/ninebox")
def ninebox(
    round_id: RowId, principal: Calibrator, session: SessionDep, session_id: OptionalId = None
) -> NineBoxOut:
    """The 9-box (HR: every candidate; a manager: their own reports), the sessions, and the
    shift of the chosen session (the open one by default) per department and overall."""
    return nine_box_out(calibration.nine_box(session, principal, round_id, session_id=session_id))


@router.post("/talent/rounds/{round_id}/calibration", status_code=status.HTTP_201_CREATED)
def open_session(
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    body: CalibrationSessionIn | None = None,
) -> CalibrationSessionOut:
    """Open a calibration session on an open round."""
    name = (body or CalibrationSessionIn()).name
    opened = calibration.check_open_session(session, principal, round_id, name, clock=CLOCK)
    session.commit()
    return session_out(opened)


@router.post(
    "/talent/rounds/{round_id}/calibration/{session_id}/moves",
    status_code=status.HTTP_201_CREATED,
)
def move(
    round_id: RowId,
    session_id: RowId,
    principal: Calibrator,
    session: SessionDep,
    body: MoveIn | None = None,
) -> MoveOut:
    """Move a candidate to another cell in an open session, with a reason (logged). HR may
    move anyone, a manager the people in their reporting line."""
    given = body or MoveIn()
    if None in (given.person_id, given.performance, given.potential):
        rounds.visible_round(session, principal, round_id)  # 404 before judging the body
    person_id = required(given.person_id, "person_id")
    to_box = (required(given.performance, "performance"), required(given.potential, "potential"))
    moved = calibration.check_move(
        session, principal, round_id, session_id, person_id, to_box, given.reason, clock=CLOCK
    )
    session.commit()
    return move_out(moved, calibration.person_name(session, person_id))


@router.post("/talent/rounds/{round_id}/calibration/{session_id}/close")
def close_session(
    round_id: RowId, session_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> CalibrationSessionOut:
    """Close a session: its moves stay, no more can be made in it."""
    closed = calibration.check_close_session(session, principal, round_id, session_id, clock=CLOCK)
    session.commit()
    return session_out(closed)
