"""The 9-box of a promotion round and its calibration sessions.

The page shows every candidate the viewer may calibrate (HR: everyone, a manager: their own
reports; :func:`renown.talent.calibration.nine_box` decides) as a Vega-Lite chart and as a
plain 3x3 table, so the grid is readable without the chart. In an open session a move is
made through a form that htmx submits in place; the answer carries an ``HX-Trigger`` so the
session's shift table, which also polls every few seconds, shows the room's moves at once.
Without JavaScript the same forms post normally and the page redirects back.

A refused move (no reason, same cell, a closed session) re-renders the form with the
domain's message and what was typed, as a 422.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Final

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES, Role
from renown.store.tables.accounts import Account
from renown.talent import calibration
from renown.talent.calibration import NineBox
from renown.talent.ninebox import BOX_NAMES, BOXES, LEVEL_NAMES, Box
from renown.talent.rounds import MAX_TEXT
from renown.web.deps import SessionDep
from renown.web.pages.present import VEGA_LITE_SCHEMA
from renown.web.params import MAX_ID, MULTI_LINE, SINGLE_LINE, OptionalId, RowId
from renown.web.policy import allow
from renown.web.render import is_htmx, render

router = APIRouter()
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
Calibrators = Annotated[Principal, allow(Role.MANAGER, Role.HR, Role.ADMIN)]
Level = Annotated[int | None, Form(ge=1, le=3)]
CLOCK: Final = SystemClock()
MOVED_EVENT: Final = "calibration-moved"
"""The htmx event a successful move triggers: the shift table listens for it."""
COMPUTED: Final = "As computed"
MOVED: Final = "Moved in calibration"
CELL_FILL: Final = {2: "#fbe9e7", 3: "#fdf3e1", 4: "#f4f6f9", 5: "#e8f3ec", 6: "#d9eee1"}
"""Background of a cell by the sum of its two levels: weak corner warm, strong corner green."""


def actor_labels(session: Session, org_id: int, actors: Iterable[str]) -> dict[str, str]:
    """How the page names the audit actors ``account:<id>``: the account's e-mail.

    Only accounts of ``org_id`` are looked up; anything else keeps its raw name.
    """
    wanted = {a: int(a.removeprefix("account:")) for a in set(actors) if _is_account(a)}
    found: dict[int, str] = {}
    if wanted:
        found = dict(
            session.execute(
                sa.select(Account.id, Account.email).where(
                    Account.id.in_(sorted(set(wanted.values()))), Account.org_id == org_id
                )
            ).all()
        )
    return {actor: found.get(account, actor) for actor, account in wanted.items()}


def _is_account(actor: str) -> bool:
    number = actor.removeprefix("account:")
    return actor.startswith("account:") and number.isascii() and number.isdigit()


def _spread(person_id: int, factor: float) -> float:
    """A stable position 0.12..0.88 inside a cell, from the person id alone.

    Multiples of an irrational number modulo 1 spread evenly, so neighbours by id land
    apart and a person stays at the same spot every time the page is drawn.
    """
    return 0.12 + 0.76 * ((person_id * factor) % 1.0)


def _cells(view: NineBox) -> list[dict[str, Any]]:
    return [
        {
            "x0": perf - 1,
            "x1": perf,
            "y0": pot - 1,
            "y1": pot,
            "label": f"{BOX_NAMES[(perf, pot)]} ({view.counts.get((perf, pot), 0)})",
            "fill": CELL_FILL[perf + pot],
        }
        for perf, pot in BOXES
    ]


def chart_points(view: NineBox) -> list[dict[str, Any]]:
    """One point per placed candidate, jittered inside their cell by person id.

    Parameters
    ----------
    view:
        The round's 9-box as the viewer may see it.

    Returns
    -------
    list of dict
        ``person_id``, ``name``, ``department``, ``composite`` (one decimal, or ``None``),
        ``box`` (its name), ``status`` (computed or moved), ``x`` and ``y`` (0..3).
    """
    points = []
    for row in view.rows:
        if row.box is None:
            continue
        perf, pot = row.box
        points.append(
            {
                "person_id": row.person_id,
                "name": row.name,
                "department": row.department or "no department",
                "composite": None if row.composite is None else round(row.composite, 1),
                "box": BOX_NAMES[row.box],
                "status": MOVED if view.computed.get(row.person_id) != row.box else COMPUTED,
                "x": round(perf - 1 + _spread(row.person_id, 0.6180339887498949), 4),
                "y": round(pot - 1 + _spread(row.person_id, 0.7548776662466927), 4),
            }
        )
    return points


def _axis(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "values": [0.5, 1.5, 2.5],
        "labelExpr": "datum.value < 1 ? 'Low' : datum.value < 2 ? 'Moderate' : 'High'",
        "grid": False,
        "ticks": False,
        "domain": False,
    }


def ninebox_spec(view: NineBox) -> dict[str, Any]:
    """A Vega-Lite spec of the 9-box: named cells behind one point per placed candidate."""
    scale = {"domain": [0, 3], "nice": False, "zero": False}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": "9-box: performance against potential",
        "width": "container",
        "height": 420,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "layer": [
            {
                "data": {"values": _cells(view)},
                "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 3},
                "encoding": {
                    "x": {"field": "x0", "type": "quantitative", "scale": scale},
                    "x2": {"field": "x1"},
                    "y": {"field": "y0", "type": "quantitative", "scale": scale},
                    "y2": {"field": "y1"},
                    "color": {"field": "fill", "type": "nominal", "scale": None},
                },
            },
            {
                "data": {"values": _cells(view)},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 6,
                    "dy": 6,
                    "fontWeight": 600,
                    "color": "#4a5568",
                },
                "encoding": {
                    "x": {"field": "x0", "type": "quantitative", "axis": _axis("Performance")},
                    "y": {"field": "y1", "type": "quantitative", "axis": _axis("Potential")},
                    "text": {"field": "label"},
                },
            },
            {
                "name": "candidates",
                "data": {"values": chart_points(view)},
                "mark": {
                    "type": "point",
                    "filled": True,
                    "size": 110,
                    "opacity": 0.9,
                    "cursor": "pointer",
                },
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "shape": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {"domain": [COMPUTED, MOVED], "range": ["circle", "diamond"]},
                        "legend": {"title": None, "orient": "bottom"},
                    },
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "scale": {"domain": [COMPUTED, MOVED], "range": ["#3b528b", "#c2410c"]},
                        "legend": {"title": None, "orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "name", "title": "Name"},
                        {"field": "department", "title": "Department"},
                        {"field": "composite", "title": "Composite", "format": ".1f"},
                        {"field": "box", "title": "Cell"},
                        {"field": "status", "title": "Placement"},
                    ],
                },
            },
        ],
        "config": {
            "font": "system-ui, sans-serif",
            "view": {"stroke": None},
            "axis": {"labelColor": "#4a5568", "titleColor": "#1b2330", "labelFontSize": 12},
        },
    }


def _grid(view: NineBox) -> list[list[tuple[Box, str, list[Any]]]]:
    """Rows of the accessible table: high potential first, low performance first."""
    people: dict[Box, list[Any]] = {box: [] for box in BOXES}
    for row in view.rows:
        if row.box is not None:
            people[row.box].append(row)
    return [
        [((perf, pot), BOX_NAMES[(perf, pot)], people[(perf, pot)]) for perf in (1, 2, 3)]
        for pot in (3, 2, 1)
    ]


def _context(
    session: Session,
    view: NineBox,
    principal: Principal,
    error: str,
    values: dict[str, Any],
) -> dict[str, Any]:
    open_session = (
        view.active if view.active is not None and view.active.closed_at is None else None
    )
    movable = sorted(
        (r for r in view.rows if r.person_id in view.movable and r.box is not None),
        key=lambda r: (r.name, r.person_id),
    )
    return {
        "view": view,
        "round": view.round,
        "spec": ninebox_spec(view),
        "grid": _grid(view),
        "unplaced": [r for r in view.rows if r.box is None],
        "open_session": open_session,
        "movable": movable if open_session is not None else [],
        "box_names": BOX_NAMES,
        "level_names": LEVEL_NAMES,
        "is_hr": principal.sees_everyone,
        "error": error,
        "values": values,
        "max_reason": MAX_TEXT,
        "actors": actor_labels(session, principal.org_id, (m.moved_by for m in view.moves)),
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
) -> HTMLResponse:
    view = calibration.nine_box(session, principal, round_id, session_id=session_id)
    context = _context(session, view, principal, error, values or {})
    context["moved"] = request.query_params.get("moved") == "1"
    return render(request, template, context, status_code=422 if error else 200)


@router.get("/talent/rounds/{round_id}/ninebox", response_class=HTMLResponse)
def ninebox_page(
    request: Request,
    round_id: RowId,
    principal: Calibrators,
    session: SessionDep,
    session_id: OptionalId = None,
) -> HTMLResponse:
    """The 9-box chart and table, the calibration session and its live shift."""
    return _page(request, principal, session, round_id, session_id)


@router.get("/talent/rounds/{round_id}/ninebox/shift", response_class=HTMLResponse)
def shift_partial(
    request: Request,
    round_id: RowId,
    principal: Calibrators,
    session: SessionDep,
    session_id: OptionalId = None,
) -> HTMLResponse:
    """The session's shift per department and its moves (htmx polls this)."""
    view = calibration.nine_box(session, principal, round_id, session_id=session_id)
    return render(request, "talent_ninebox_shift.html", _context(session, view, principal, "", {}))


@router.post("/talent/rounds/{round_id}/calibration", response_class=HTMLResponse)
def open_session(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200), SINGLE_LINE] = "",
) -> Response:
    """HR opens a calibration session on the round."""
    try:
        opened = calibration.check_open_session(session, principal, round_id, name, clock=CLOCK)
    except Invalid as refused:
        session.rollback()
        values = {"form": "session", "session_name": name}
        return _page(request, principal, session, round_id, None, error=str(refused), values=values)
    session.commit()
    return RedirectResponse(
        f"/talent/rounds/{round_id}/ninebox?session_id={opened.id}", status_code=303
    )


@router.post(
    "/talent/rounds/{round_id}/calibration/{session_id}/moves", response_class=HTMLResponse
)
def move(
    request: Request,
    round_id: RowId,
    session_id: RowId,
    principal: Calibrators,
    session: SessionDep,
    person_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    performance: Level = None,
    potential: Level = None,
    reason: Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE] = "",
) -> Response:
    """Move a candidate to another cell (a reason is required); the shift table follows."""
    values = {
        "form": "move",
        "person_id": person_id,
        "performance": performance,
        "potential": potential,
        "reason": reason,
    }
    htmx = is_htmx(request)
    template = "talent_ninebox_workspace.html" if htmx else "talent_ninebox.html"
    try:
        if person_id is None:
            raise Invalid("choose the person to move")
        if performance is None or potential is None:
            raise Invalid("choose the cell: a performance and a potential level")
        calibration.check_move(
            session,
            principal,
            round_id,
            session_id,
            person_id,
            (performance, potential),
            reason,
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        return _page(
            request,
            principal,
            session,
            round_id,
            session_id,
            error=str(refused),
            values=values,
            template=template,
        )
    session.commit()
    if not htmx:
        return RedirectResponse(
            f"/talent/rounds/{round_id}/ninebox?session_id={session_id}&moved=1", status_code=303
        )
    answer = _page(request, principal, session, round_id, session_id, template=template)
    answer.headers["HX-Trigger"] = MOVED_EVENT
    return answer


@router.post(
    "/talent/rounds/{round_id}/calibration/{session_id}/close", response_class=HTMLResponse
)
def close_session(
    request: Request,
    round_id: RowId,
    session_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
) -> Response:
    """HR closes the session: its moves stay, no more can be made in it."""
    try:
        calibration.check_close_session(session, principal, round_id, session_id, clock=CLOCK)
    except Invalid as refused:
        session.rollback()
        return _page(
            request, principal, session, round_id, session_id, error=str(refused), values={}
        )
    session.commit()
    return RedirectResponse(
        f"/talent/rounds/{round_id}/ninebox?session_id={session_id}", status_code=303
    )
