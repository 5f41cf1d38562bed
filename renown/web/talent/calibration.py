"""The 9-box of a promotion round and its calibration sessions, as JSON and as a page.

HR (and managers, for their own reports) move people between cells in a session, with a
reason; moves override 9-box cells only, never a ranking, and every one is in the audit
log. The page shows every candidate the viewer may calibrate
(:func:`renown.talent.calibration.nine_box` decides) as a chart and as a plain 3x3 table.
In an open session a move is made through a form that htmx submits in place; the answer
carries an ``HX-Trigger`` so the session's shift table shows the room's moves at once.
Several people calibrate together, so the page polls every few seconds with the session's
version (:func:`renown.talent.calibration.board_version`): an unchanged session answers 204
and draws nothing, a changed one sends the shift and, out of band, the grid and the table of
cells. A move carries the cell its mover saw the person in; when someone moved the person
since, it is refused (409 for the API) and the form comes back preset to the cell they are
in now, the reason kept. Without JavaScript the same forms post normally and the page
redirects back. A refused move (no reason, same cell, a closed session, a stale cell)
re-renders the form with the domain's message and what was typed, as a 422.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Form, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import Invalid, Stale
from renown.store.tables.talent import CalibrationMove
from renown.talent import calibration, rounds
from renown.talent.calibration import NineBox
from renown.talent.calibration_seen import person_name
from renown.talent.ninebox import BOX_NAMES, LEVEL_NAMES, Box
from renown.talent.rounds import MAX_TEXT
from renown.web.deps import SessionDep
from renown.web.forms import form_action, see_other
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, OptionalId, RowId, SearchText
from renown.web.policy import PeopleAdmin
from renown.web.render import is_htmx, render
from renown.web.talent.answers import CalibrationSessionOut, MoveOut, NineBoxOut
from renown.web.talent.move_picker import (
    MOVE_PICKER,
    Calibrator,
    move_picker_state,
    ninebox_url,
    preset_levels,
)
from renown.web.talent.picker import NO_SEARCH, PickerSearch
from renown.web.talent.present_ninebox import actor_labels, grid, ninebox_spec
from renown.web.talent.rounds import CLOCK, required
from renown.web.talent.shapes import CalibrationSessionIn, MoveIn

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
Level = Annotated[int | None, Form(ge=1, le=3)]
MOVED_EVENT: Final = "calibration-moved"
"""The htmx event a successful move triggers: the shift table listens for it."""


# --- JSON ---------------------------------------------------------------------------------


@api.get("/talent/rounds/{round_id}/ninebox")
def ninebox(
    round_id: RowId, principal: Calibrator, session: SessionDep, session_id: OptionalId = None
) -> NineBoxOut:
    """The 9-box (HR: every candidate; a manager: their own reports), the sessions, and the
    shift of the chosen session (the open one by default) per department and overall."""
    view = calibration.nine_box(session, principal, round_id, session_id=session_id)
    return NineBoxOut.model_validate(view)


@api.post("/talent/rounds/{round_id}/calibration", status_code=status.HTTP_201_CREATED)
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
    return CalibrationSessionOut.model_validate(opened)


def seen_cell(performance: int | None, potential: int | None) -> Box | None:
    """The cell the mover saw the person in, when the move says: both levels, or neither
    (a client that does not say is not checked)."""
    if performance is None and potential is None:
        return None
    if performance is None or potential is None:
        raise Invalid(
            "give the cell you saw the person in as both from_performance and "
            "from_potential, or neither"
        )
    return (performance, potential)


def _logged(move: CalibrationMove, name: str) -> MoveOut:
    """A stored move as the API shows it (its cells named)."""
    cells = {
        "from_box": (move.from_performance, move.from_potential),
        "to_box": (move.to_performance, move.to_potential),
    }
    fields = ("id", "session_id", "person_id", "reason", "moved_by", "moved_at")
    return MoveOut.model_validate({f: getattr(move, f) for f in fields} | cells | {"name": name})


@api.post(
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
        session,
        principal,
        round_id,
        session_id,
        person_id,
        to_box,
        given.reason,
        clock=CLOCK,
        seen=seen_cell(given.from_performance, given.from_potential),
    )
    session.commit()
    return _logged(moved, person_name(session, person_id))


@api.post("/talent/rounds/{round_id}/calibration/{session_id}/close")
def close_session(
    round_id: RowId, session_id: RowId, principal: PeopleAdmin, session: SessionDep
) -> CalibrationSessionOut:
    """Close a session: its moves stay, no more can be made in it."""
    closed = calibration.check_close_session(session, principal, round_id, session_id, clock=CLOCK)
    session.commit()
    return CalibrationSessionOut.model_validate(closed)


# --- Pages --------------------------------------------------------------------------------


def _context(
    session: Session,
    view: NineBox,
    principal: Principal,
    error: str,
    values: dict[str, Any],
    search: PickerSearch,
) -> dict[str, Any]:
    open_session = (
        view.active if view.active is not None and view.active.closed_at is None else None
    )
    picker, chosen = move_picker_state(
        session,
        principal,
        view.round.id,
        asked=search.asked,
        q=search.q,
        pick=search.pick or values.get("person_id"),
    )
    movable = sorted(
        (r for r in view.rows if r.person_id in view.movable and r.box is not None),
        key=lambda r: (r.name, r.person_id),
    )
    return {
        "view": view,
        "round": view.round,
        "spec": ninebox_spec(view),
        "grid": grid(view),
        "unplaced": [r for r in view.rows if r.box is None],
        "open_session": open_session,
        "movable": movable if open_session is not None else [],
        "box_names": BOX_NAMES,
        "level_names": LEVEL_NAMES,
        "is_hr": principal.sees_everyone,
        "error": error,
        "values": preset_levels(values, chosen),
        "max_reason": MAX_TEXT,
        "move_picker": picker,
        "ninebox_url": ninebox_url(view.round.id, None if view.active is None else view.active.id),
        "actors": actor_labels(session, principal.org_id, (m.moved_by for m in view.moves)),
        "version": (
            ""
            if open_session is None
            else calibration.board_version(session, principal, view.round.id, open_session.id)
        ),
    }


def _page(
    request: Request,
    principal: Principal,
    session: Session,
    round_id: int,
    session_id: int | None,
    *,
    error: str = "",
    values: dict[str, Any] | None = None,
    template: str = "talent_ninebox.html",
    search: PickerSearch = NO_SEARCH,
) -> HTMLResponse:
    view = calibration.nine_box(session, principal, round_id, session_id=session_id)
    context = _context(session, view, principal, error, values or {}, search)
    context["moved"] = request.query_params.get("moved") == "1"
    return render(request, template, context, status_code=422 if error else 200)


def _ninebox_at(round_id: int, session_id: int, extra: str = "") -> str:
    return ninebox_url(round_id, session_id) + extra


@pages.get("/talent/rounds/{round_id}/ninebox", response_class=HTMLResponse)
def ninebox_page(
    request: Request,
    round_id: RowId,
    principal: Calibrator,
    session: SessionDep,
    session_id: OptionalId = None,
    picker: Annotated[Literal["move"] | None, Query()] = None,
    q: SearchText = None,
    pick: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    """The 9-box chart and table, the calibration session and its live shift.
    ``picker``, ``q`` and ``pick`` carry the move picker's search and choice when the
    browser runs no JavaScript."""
    search = PickerSearch(asked=picker == MOVE_PICKER, q=q or "", pick=pick)
    return _page(request, principal, session, round_id, session_id, search=search)


@pages.get("/talent/rounds/{round_id}/ninebox/shift", response_class=HTMLResponse)
def ninebox_shift(
    request: Request,
    round_id: RowId,
    principal: Calibrator,
    session: SessionDep,
    session_id: OptionalId = None,
    seen: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """What the page polls (htmx): the session's shift per department and its moves, with
    the grid and the table of cells out of band, so everyone in the room sees the others'
    moves. ``seen`` is the session's version the page was drawn at: unchanged, the answer
    is an empty 204 (htmx swaps nothing), so a quiet room costs one small query."""
    unchanged = (
        seen is not None
        and session_id is not None
        and seen == calibration.board_version(session, principal, round_id, session_id)
    )
    if unchanged:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return _page(
        request, principal, session, round_id, session_id, template="talent_ninebox_live.html"
    )


@pages.post("/talent/rounds/{round_id}/calibration", response_class=HTMLResponse)
def open_session_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200), SINGLE_LINE] = "",
) -> Response:
    """HR opens a calibration session on the round."""
    opened: list[int] = []
    values = {"form": "session", "session_name": name}
    return form_action(
        session,
        lambda: opened.append(
            calibration.check_open_session(session, principal, round_id, name, clock=CLOCK).id
        ),
        done=lambda: see_other(_ninebox_at(round_id, opened[0])),
        refused=lambda error: _page(
            request, principal, session, round_id, None, error=error, values=values
        ),
    )


@pages.post("/talent/rounds/{round_id}/calibration/{session_id}/moves", response_class=HTMLResponse)
def move_page(
    request: Request,
    round_id: RowId,
    session_id: RowId,
    principal: Calibrator,
    session: SessionDep,
    person_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    performance: Level = None,
    potential: Level = None,
    reason: Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE] = "",
    from_performance: Level = None,
    from_potential: Level = None,
) -> Response:
    """Move a candidate to another cell (a reason is required); the shift table follows.
    ``from_performance`` and ``from_potential`` are the cell the mover saw the person in:
    when someone moved them since, the form comes back preset to the cell they are in
    now, with the reason as typed."""
    values: dict[str, Any] = {
        "form": "move",
        "person_id": person_id,
        "performance": performance,
        "potential": potential,
        "reason": reason,
        "from_performance": from_performance,
        "from_potential": from_potential,
    }
    htmx = is_htmx(request)
    template = "talent_ninebox_workspace.html" if htmx else "talent_ninebox.html"

    def act() -> None:
        if person_id is None:
            raise Invalid("choose the person to move")
        if performance is None or potential is None:
            raise Invalid("choose the cell: a performance and a potential level")
        try:
            calibration.check_move(
                session,
                principal,
                round_id,
                session_id,
                person_id,
                (performance, potential),
                reason,
                clock=CLOCK,
                seen=seen_cell(from_performance, from_potential),
            )
        except Stale:
            # What the mover saw is gone: the levels start again from the cell the person
            # is in now (preset_levels), and only the person and the reason are kept.
            for field in ("performance", "potential", "from_performance", "from_potential"):
                values.pop(field)
            raise

    def moved() -> Response:
        if not htmx:
            return see_other(_ninebox_at(round_id, session_id, "&moved=1"))
        answer = _page(request, principal, session, round_id, session_id, template=template)
        answer.headers["HX-Trigger"] = MOVED_EVENT
        return answer

    return form_action(
        session,
        act,
        done=moved,
        refused=lambda error: _page(
            request,
            principal,
            session,
            round_id,
            session_id,
            error=error,
            values=values,
            template=template,
        ),
    )


@pages.post("/talent/rounds/{round_id}/calibration/{session_id}/close", response_class=HTMLResponse)
def close_session_page(
    request: Request,
    round_id: RowId,
    session_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
) -> Response:
    """HR closes the session: its moves stay, no more can be made in it."""
    return form_action(
        session,
        lambda: calibration.check_close_session(
            session, principal, round_id, session_id, clock=CLOCK
        ),
        done=_ninebox_at(round_id, session_id),
        refused=lambda error: _page(
            request, principal, session, round_id, session_id, error=error, values={}
        ),
    )
