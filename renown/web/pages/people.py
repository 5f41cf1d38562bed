"""People search, person profiles and team views.

Who appears is decided by :mod:`renown.org.queries`; a person the viewer may not see (or
one in another organisation) is "not found", exactly as in the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from renown.accounts.principal import Principal
from renown.core.roles import STAFF_ROLES
from renown.org import queries
from renown.recognition import queries as recognition_queries
from renown.web.deps import SessionDep
from renown.web.pages.present import (
    component_bars,
    departments_reached,
    describe,
    trend_chart_spec,
)
from renown.web.params import Offset, OptionalId, RowId, SearchText
from renown.web.policy import allow
from renown.web.render import PAGE_SIZE, is_htmx, query_string, render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]


@router.get("/people", response_class=HTMLResponse)
def people(
    request: Request,
    principal: Staff,
    session: SessionDep,
    q: SearchText = None,
    team_id: OptionalId = None,
    department_id: OptionalId = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """Search the people the viewer may see; htmx asks for the results part only."""
    page = queries.list_people(
        session,
        principal,
        q=q,
        team_id=team_id,
        department_id=department_id,
        limit=PAGE_SIZE,
        offset=offset,
    )
    filters = {"q": (q or "").strip(), "team_id": team_id, "department_id": department_id}
    context = {
        "page": page,
        "filters": filters,
        "previous_url": "/people" + query_string(**filters, offset=max(0, offset - PAGE_SIZE)),
        "next_url": "/people" + query_string(**filters, offset=offset + PAGE_SIZE),
    }
    if is_htmx(request):
        return render(request, "_people_results.html", context)
    context["teams"] = queries.list_teams(session, principal)
    context["departments"] = queries.list_departments(session, principal)
    return render(request, "people.html", context)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_profile(
    request: Request, person_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """Score, component bars, trend chart, connections and the explanation in words."""
    profile = queries.profile(session, principal, person_id)
    explanation = profile.snapshot.explanation if profile.snapshot else None
    return render(
        request,
        "profile.html",
        {
            "profile": profile,
            "person": profile.person,
            "is_me": principal.person_id == profile.person.id,
            "bars": component_bars(explanation),
            "sentences": describe(profile.person.name, explanation, profile.top_connections),
            "departments_reached": departments_reached(explanation),
            "chart_spec": trend_chart_spec(profile.history),
            "population": (explanation or {}).get("population"),
            "badges": recognition_queries.badges_of(session, principal, profile.person.id),
        },
    )


@router.get("/teams", response_class=HTMLResponse)
def teams(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Every team of the organisation, grouped by department."""
    departments = {d.id: d.name for d in queries.list_departments(session, principal)}
    grouped: dict[str, list[tuple[int, str]]] = {}
    for team in queries.list_teams(session, principal):
        department = departments.get(team.department_id or -1, "No department")
        grouped.setdefault(department, []).append((team.id, team.name))
    return render(request, "teams.html", {"grouped": sorted(grouped.items())})


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team(request: Request, team_id: RowId, principal: Staff, session: SessionDep) -> HTMLResponse:
    """A team and the members the viewer may see, best score first."""
    view = queries.get_team(session, principal, team_id)
    scored = [m.score for m in view.members if m.score is not None]
    return render(
        request,
        "team.html",
        {
            "view": view,
            "median": sorted(scored)[len(scored) // 2] if scored else None,
            "scored": len(scored),
        },
    )
