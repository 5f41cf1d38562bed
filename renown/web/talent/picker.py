"""The searchable person picker of a round's forms, as JSON and as the picker's list (htmx).

A round's "Person" dropdown listed every one of 2,963 people, namesakes included. The board's
forms now take a search box whose matches (name, title, team, department, level) come from
here, debounced as the user types; the list's entries are plain links back to the board with
the person chosen, so the picker works without JavaScript too (see ``talent.js``).

Two pickers exist, named by ``picker``: ``pool`` (anyone current in the organisation, for
adding to or taking out of the pool) and ``outsider`` (the round's candidates, for
promoting someone from outside the recommended top N at sign-off). HR and admins only.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.errors import NotFound
from renown.talent.pool_search import Matches, PersonMatch, Scope, picked_person, search_people
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId, SearchText
from renown.web.policy import PeopleAdmin
from renown.web.render import render

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()

Picker = Literal["pool", "outsider"]
SCOPES: Final[dict[str, Scope]] = {"pool": "org", "outsider": "pool"}
"""Which people each picker searches: the organisation, or the round's pool."""
PickerChoice = Annotated[Picker, Query()]


@api.get("/talent/rounds/{round_id}/people")
def people(
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    q: SearchText = None,
    scope: Annotated[Scope, Query()] = "org",
) -> Matches:
    """People of the organisation (``scope=org``) or of the round's pool (``scope=pool``)
    whose name, title or e-mail contains ``q``: the first few by name, with title, team,
    department and level to tell namesakes apart, and how many match in all."""
    return search_people(session, principal, round_id, q or "", scope=scope)


@pages.get("/talent/rounds/{round_id}/people-search", response_class=HTMLResponse)
def people_search(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    q: SearchText = None,
    picker: PickerChoice = "pool",
) -> HTMLResponse:
    """The picker's list of matches (htmx), each a link that chooses the person."""
    matches = search_people(session, principal, round_id, q or "", scope=SCOPES[picker])
    context = {"matches": matches, "picker": picker, "round_id": round_id}
    return render(request, "talent_person_picker.html", context)


@dataclass(frozen=True)
class PickerSearch:
    """A picker's search and choice as its page's address carries them (``picker=``,
    ``q=``, ``pick=``): how the picker works when the browser runs no JavaScript."""

    asked: bool = False
    """Whether the address speaks to this picker (the others start empty)."""
    q: str = ""
    pick: int | None = None


NO_SEARCH: Final = PickerSearch()
"""An address that speaks to no picker."""


@dataclass(frozen=True)
class PickerState:
    """What a picker on the board shows: the typed search, its matches (drawn by the server
    when the search came without JavaScript) and the chosen person."""

    q: str = ""
    matches: Matches | None = None
    chosen: PersonMatch | None = None
    adds: str = ""
    """For a picker whose choice adds a row (sign-off's outsiders): the list it adds to."""
    notes: Mapping[int, str] = field(default_factory=dict)
    """What the page adds to a person's words, by id (the 9-box: their current cell)."""


def picker_state(
    session: Session,
    principal: Principal,
    round_id: int,
    picker: Picker,
    asked: Picker | None,
    q: str,
    pick: int | None,
    *,
    adds: str = "",
) -> PickerState:
    """The state of ``picker`` for the board's address (``asked``: the picker the address
    speaks to; the others start empty). A person outside the picker's scope is ignored."""
    if asked != picker:
        return PickerState(adds=adds)
    scope = SCOPES[picker]
    matches = search_people(session, principal, round_id, q, scope=scope) if q.strip() else None
    chosen = None
    if pick is not None:
        with suppress(NotFound):
            chosen = picked_person(session, principal, round_id, pick, scope=scope)
    return PickerState(q=q.strip(), matches=matches, chosen=chosen, adds=adds)
