"""The "About" picker of the feedback request form: which report the request is about.

A manager asks for feedback about themselves or anyone below them in the reporting line,
and a senior manager's line runs to hundreds, so the form's "About" dropdown listing them
all is now the promotion board's searchable picker (``person_picker`` in
``talent_macros.html``, ``person-picker.js``, the matches of ``talent_person_picker.html``)
over :func:`renown.org.queries.find_reports`. Nobody chosen means the request is about the
manager. Without JavaScript the search reloads the request page with the matches as links.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.org import queries as org_queries
from renown.org.results import Page
from renown.store.tables.org import Person
from renown.talent.pool_search import MATCHES, Matches, PersonMatch
from renown.web.deps import SessionDep
from renown.web.params import MAX_ID, SearchText
from renown.web.policy import allow
from renown.web.render import render
from renown.web.talent.picker import PickerState

router = APIRouter()
Manager = Annotated[Principal, allow(Role.MANAGER)]
ABOUT_PICKER: Final = "about"
"""The picker's name: its element ids (``about-picker``) and its ``picker=`` address."""
PAGE: Final = "/feedback/request"
PickedId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _match(person: Person) -> PersonMatch:
    return PersonMatch(
        id=person.id,
        name=person.name,
        title=person.title,
        team=person.team.name if person.team else None,
        department=person.department.name if person.department else None,
        level=None,
        in_pool=False,
    )


def _matches(q: str, found: Page[Person]) -> Matches:
    return Matches(q.strip(), tuple(_match(p) for p in found.items), found.total)


@router.get("/feedback/request/about-search", response_class=HTMLResponse)
def about_search(
    request: Request, principal: Manager, session: SessionDep, q: SearchText = None
) -> HTMLResponse:
    """The "About" picker's matches (htmx): people below the manager, as links choosing them."""
    found = org_queries.find_reports(session, principal, q or "", limit=MATCHES)
    context = {"matches": _matches(q or "", found), "picker": ABOUT_PICKER, "page_url": PAGE}
    return render(request, "talent_person_picker.html", context)


def about_state(
    session: Session, principal: Principal, *, asked: bool, q: str, pick: int | None
) -> PickerState | None:
    """The "About" picker as the request page draws it (None: the viewer manages nobody,
    so every request is about themselves): the search it came with when ``asked`` (no
    JavaScript), and the chosen report."""
    if principal.role is not Role.MANAGER or not org_queries.reports_of(
        session, principal, direct_only=True
    ):
        return None
    matches = None
    if asked and q.strip():
        matches = _matches(q, org_queries.find_reports(session, principal, q, limit=MATCHES))
    chosen = None if pick is None else org_queries.report_of(session, principal, pick)
    return PickerState(
        q=q.strip() if asked else "",
        matches=matches,
        chosen=None if chosen is None else _match(chosen),
    )
