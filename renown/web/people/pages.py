"""The people pages: the home dashboard, people search, person profiles, teams, the
leaderboard and the network map.

Who appears is decided by :mod:`renown.org.queries`; a person the viewer may not see (or
one in another organisation) is "not found", exactly as in the API. Colleagues appear when
they opted in to a public profile (plus the viewer and, for managers, their reporting
line); HR sees everyone.

The home page (its data gathered in :mod:`renown.web.people.home`) shows everyone what
waits for their answer and a start page of cards for their role; staff also see their own
score card, its change since the previous run, kudos, badges and feedback received;
managers also see their direct reports; HR and administrators get an organisation summary.
Sponsor and member accounts see their challenge cards and no prominence data at all.

The network page only carries the choice of team or department; the browser fetches the
picture from the API (``/api/v1/network``, same session cookie) and draws it with the
vendored graph library, so the map and the API can never disagree about who is visible.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SYSTEM_CLOCK
from renown.core.explanation import read_explanation
from renown.core.roles import Role
from renown.org import queries
from renown.org.network_scope import ScopeKind, network_scope, own_units
from renown.org.queries import MAX_NETWORK
from renown.recognition import queries as recognition_queries
from renown.scoring.changes import latest_change_of
from renown.store.tables.scores import ScoreSnapshot
from renown.web.deps import SessionDep
from renown.web.params import Offset, OptionalId, RowId, SearchText, UnitFilter
from renown.web.people.home import gather_home, initials
from renown.web.people.present import (
    component_bars,
    departments_reached,
    describe,
    legend,
    score_segments,
    trend_chart_spec,
)
from renown.web.policy import SignedIn, Staff
from renown.web.render import PAGE_SIZE, is_htmx, query_string, render

router = APIRouter()
TOP = 10
"""People in the organisation summary's top list."""
NETWORK_API = "/api/v1/network"
PARTIALS = {"people.html": "_people_results.html", "leaderboard.html": "_leaderboard_table.html"}
"""The part of a filtered page that htmx swaps when a filter or the page changes."""


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """Things to answer, recent recognition and a start page of cards for every role; staff
    also get their score card, managers their reports, HR the organisation summary."""
    home_data = gather_home(session, principal, now=SYSTEM_CLOCK.now())
    helpers = {"home": home_data, "initials": initials}
    if not principal.is_staff:
        return render(request, "home_plain.html", helpers)
    context: dict[str, Any] = {"own": None, "bars": [], "reports": [], "summary": None}
    context |= helpers
    if principal.person_id is not None:
        own = queries.profile(session, principal, principal.person_id)
        context["own"] = own
        context["bars"] = component_bars(own.snapshot.explanation if own.snapshot else None)
    if principal.role is Role.MANAGER:
        reports = queries.reports_of(session, principal, direct_only=True)
        scores = _latest_scores(session, principal, [p.id for p in reports])
        context["reports"] = [(person, scores.get(person.id)) for person in reports]
    if principal.sees_everyone:
        context["summary"] = {
            "people": queries.list_people(session, principal, limit=1).total,
            "departments": len(queries.list_departments(session, principal)),
            "teams": len(queries.list_teams(session, principal)),
            "run": queries.latest_run(session, principal.org_id),
            "top": queries.leaderboard(session, principal, limit=TOP).items,
        }
    return render(request, "home.html", context)


def _latest_scores(session: Session, principal: Principal, person_ids: list[int]) -> dict[int, int]:
    """Latest-run scores of people the caller already may see (``reports_of`` checked them).

    Only ids handed out by a visibility-scoped query reach this function, so it adds no
    visibility rule of its own; it saves one profile query per report.
    """
    run = queries.latest_run(session, principal.org_id)
    if run is None or not person_ids:
        return {}
    rows = session.execute(
        sa.select(ScoreSnapshot.person_id, ScoreSnapshot.score).where(
            ScoreSnapshot.run_id == run.id, ScoreSnapshot.person_id.in_(person_ids)
        )
    )
    return {person_id: score for person_id, score in rows}


def _filtered(
    request: Request,
    principal: Principal,
    session: Session,
    path: str,
    context: dict[str, Any],
    filters: dict[str, Any],
    offset: int,
    template: str,
) -> HTMLResponse:
    """A filtered list one page at a time: htmx asks for the list part only (the page's
    ``_``-prefixed partial), a full page adds the team and department choices."""
    context |= {
        "filters": filters,
        "previous_url": path + query_string(**filters, offset=max(0, offset - PAGE_SIZE)),
        "next_url": path + query_string(**filters, offset=offset + PAGE_SIZE),
    }
    if is_htmx(request):
        return render(request, PARTIALS[template], context)
    context["teams"] = queries.list_teams(session, principal)
    context["departments"] = queries.list_departments(session, principal)
    return render(request, template, context)


@router.get("/people", response_class=HTMLResponse)
def people(
    request: Request,
    principal: Staff,
    session: SessionDep,
    unit: UnitFilter,
    q: SearchText = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """Search the people the viewer may see; htmx asks for the results part only."""
    page = queries.list_people(
        session, principal, q=q, limit=PAGE_SIZE, offset=offset, **asdict(unit)
    )
    filters = {"q": (q or "").strip(), **asdict(unit)}
    return _filtered(
        request, principal, session, "/people", {"page": page}, filters, offset, "people.html"
    )


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_profile(
    request: Request, person_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """Score, component bars, trend chart, connections and the explanation in words."""
    profile = queries.profile(session, principal, person_id)
    explanation = read_explanation(profile.snapshot.explanation if profile.snapshot else None)
    change = latest_change_of(session, principal.org_id, profile.person.id)
    return render(
        request,
        "profile.html",
        {
            "profile": profile,
            "person": profile.person,
            "is_me": principal.person_id == profile.person.id,
            "bars": component_bars(explanation),
            "sentences": describe(
                profile.person.name, explanation, profile.top_connections, change
            ),
            "change": change,
            "departments_reached": departments_reached(explanation),
            "chart_spec": trend_chart_spec(profile.history),
            "population": explanation.population if explanation else None,
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


@router.get("/leaderboard", response_class=HTMLResponse)
def leaderboard(
    request: Request,
    principal: Staff,
    session: SessionDep,
    unit: UnitFilter,
    offset: Offset = 0,
) -> HTMLResponse:
    """Latest run's scores, best first; htmx asks for the table part only."""
    board = queries.leaderboard(session, principal, limit=PAGE_SIZE, offset=offset, **asdict(unit))
    context = {
        "board": board,
        "rows": [(row, score_segments(row.components)) for row in board.items],
        "legend": legend([row.components for row in board.items]),
        "run": queries.latest_run(session, principal.org_id),
    }
    filters = asdict(unit)
    return _filtered(
        request, principal, session, "/leaderboard", context, filters, offset, "leaderboard.html"
    )


@router.get("/network", response_class=HTMLResponse)
def network(
    request: Request,
    principal: Staff,
    session: SessionDep,
    team_id: OptionalId = None,
    department_id: OptionalId = None,
    scope: ScopeKind | None = None,
) -> HTMLResponse:
    """The map of one group: the viewer's own by default (see
    :func:`renown.org.network_scope.default_scope`), with links to widen to their
    department or the whole organisation and a choice of any team or department."""
    chosen = network_scope(
        session, principal, team_id=team_id, department_id=department_id, kind=scope
    )
    own_team, own_department = own_units(session, principal)
    unit: dict[str, object] = {"scope": ScopeKind.ORGANISATION.value}
    if chosen.kind == ScopeKind.TEAM:
        unit = {"team_id": chosen.unit_id}
    elif chosen.kind == ScopeKind.DEPARTMENT:
        unit = {"department_id": chosen.unit_id}
    return render(
        request,
        "network.html",
        {
            "teams": queries.list_teams(session, principal),
            "departments": queries.list_departments(session, principal),
            "scope": chosen,
            "own_team": own_team,
            "own_department": own_department,
            "source": NETWORK_API + query_string(**unit, limit=MAX_NETWORK),
            "max_nodes": MAX_NETWORK,
        },
    )
