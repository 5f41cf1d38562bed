"""The 9-box move form's searchable person picker: its list of matches (htmx) and its state.

The move form's "Person" dropdown listed every candidate the viewer may calibrate. It now
takes the board's picker (``person_picker`` in ``talent_macros.html``, ``person-picker.js``)
over :func:`renown.talent.move_search.search_movable`: each match is named with its
current cell, and is a link back to the 9-box with the person chosen, so the form works
without JavaScript too. Calibrators search: HR every candidate, a manager their own line.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.talent.move_search import Movable, picked_movable, search_movable
from renown.talent.ninebox import BOX_NAMES
from renown.web.deps import SessionDep
from renown.web.params import OptionalId, RowId, SearchText
from renown.web.policy import allow
from renown.web.render import render
from renown.web.talent.picker import PickerState

pages = APIRouter()
Calibrator = Annotated[Principal, allow(Role.MANAGER, Role.HR, Role.ADMIN)]
MOVE_PICKER: Final = "move"
"""The picker's name: its element ids (``move-picker``) and its ``picker=`` address."""


def ninebox_url(round_id: int, session_id: int | None) -> str:
    """The 9-box page of a session, which a chosen match links back to."""
    at = f"/talent/rounds/{round_id}/ninebox"
    return at if session_id is None else f"{at}?session_id={session_id}"


@pages.get("/talent/rounds/{round_id}/ninebox/people-search", response_class=HTMLResponse)
def movable_search(
    request: Request,
    round_id: RowId,
    principal: Calibrator,
    session: SessionDep,
    q: SearchText = None,
    session_id: OptionalId = None,
) -> HTMLResponse:
    """The move picker's list of matches (htmx): candidates the viewer may move, each
    with their current cell (named, and as levels the move form is preset from: the cell
    as the server knows it now, not as the page was drawn), as links that choose them."""
    found = search_movable(session, principal, round_id, q or "")
    context = {
        "matches": found.matches,
        "picker": MOVE_PICKER,
        "round_id": round_id,
        "notes": {pid: BOX_NAMES[box] for pid, box in found.boxes.items()},
        "cells": found.boxes,
        "page_url": ninebox_url(round_id, session_id),
    }
    return render(request, "talent_person_picker.html", context)


def move_picker_state(
    session: Session,
    principal: Principal,
    round_id: int,
    *,
    asked: bool,
    q: str,
    pick: int | None,
) -> tuple[PickerState, Movable | None]:
    """The move picker as the 9-box draws it: the search and matches it came with when
    ``asked`` (no JavaScript), and the chosen candidate (a pick, or the person of a
    refused move) if the viewer may move them."""
    matches = None
    notes: dict[int, str] = {}
    if asked and q.strip():
        found = search_movable(session, principal, round_id, q)
        matches = found.matches
        notes |= {pid: BOX_NAMES[box] for pid, box in found.boxes.items()}
    chosen = None if pick is None else picked_movable(session, principal, round_id, pick)
    if chosen is not None:
        notes[chosen.person.id] = BOX_NAMES[chosen.box]
    state = PickerState(
        q=q.strip() if asked else "",
        matches=matches,
        chosen=None if chosen is None else chosen.person,
        notes=notes,
    )
    return state, chosen


def preset_levels(values: dict[str, Any], chosen: Movable | None) -> dict[str, Any]:
    """The move form's levels start at the chosen person's current cell (the reviewer
    changes only what they mean to change), unless the form came back with its own.

    The form also carries the cell the mover sees the person in (``from_performance``,
    ``from_potential``), which the move is checked against: the cell now, unless the form
    came back with the one its mover saw (a move refused for another reason stays checked
    against what its mover saw)."""
    if chosen is None:
        return values
    performance, potential = chosen.box
    seen = {"from_performance": performance, "from_potential": potential}
    if values.get("from_performance") and values.get("from_potential"):
        seen = {}
    if values.get("performance") or values.get("potential"):
        return values | seen
    return values | seen | {"performance": performance, "potential": potential}
