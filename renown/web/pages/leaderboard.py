"""The organisation leaderboard, paged and filtered with htmx.

Who is listed is the query's decision: colleagues appear when they opted in to a public
profile (plus the viewer and, for managers, their reporting line); HR sees everyone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from renown.accounts.principal import Principal
from renown.core.roles import STAFF_ROLES
from renown.org import queries
from renown.web.deps import SessionDep
from renown.web.pages.present import legend, score_segments
from renown.web.params import Offset, OptionalId
from renown.web.policy import allow
from renown.web.render import PAGE_SIZE, is_htmx, query_string, render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]


@router.get("/leaderboard", response_class=HTMLResponse)
def leaderboard(
    request: Request,
    principal: Staff,
    session: SessionDep,
    team_id: OptionalId = None,
    department_id: OptionalId = None,
    offset: Offset = 0,
) -> HTMLResponse:
    """Latest run's scores, best first; htmx asks for the table part only."""
    board = queries.leaderboard(
        session,
        principal,
        team_id=team_id,
        department_id=department_id,
        limit=PAGE_SIZE,
        offset=offset,
    )
    filters = {"team_id": team_id, "department_id": department_id}
    context = {
        "board": board,
        "rows": [(row, score_segments(row.components)) for row in board.items],
        "legend": legend([row.components for row in board.items]),
        "run": queries.latest_run(session, principal.org_id),
        "filters": filters,
        "previous_url": "/leaderboard" + query_string(**filters, offset=max(0, offset - PAGE_SIZE)),
        "next_url": "/leaderboard" + query_string(**filters, offset=offset + PAGE_SIZE),
    }
    if is_htmx(request):
        return render(request, "_leaderboard_table.html", context)
    context["teams"] = queries.list_teams(session, principal)
    context["departments"] = queries.list_departments(session, principal)
    return render(request, "leaderboard.html", context)
