"""The interactive network map of a team or department.

The page only carries the choice of team or department; the browser fetches the picture
from the API (``/api/v1/network``, same session cookie) and draws it with the vendored
graph library, so the map and the API can never disagree about who is visible.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from renown.accounts.principal import Principal
from renown.core.roles import STAFF_ROLES
from renown.org import queries
from renown.web.deps import SessionDep
from renown.web.params import OptionalId
from renown.web.policy import allow
from renown.web.render import query_string, render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]
NETWORK_API = "/api/v1/network"
MAX_NODES = 300


@router.get("/network", response_class=HTMLResponse)
def network(
    request: Request,
    principal: Staff,
    session: SessionDep,
    team_id: OptionalId = None,
    department_id: OptionalId = None,
) -> HTMLResponse:
    """Pick a team or department (default: the viewer's own department) and see its map."""
    teams = queries.list_teams(session, principal)
    departments = queries.list_departments(session, principal)
    if team_id is None and department_id is None and principal.person_id is not None:
        me = queries.get_person(session, principal, principal.person_id)
        department_id = me.department_id
    if team_id is not None:
        department_id = None
    chosen = next((t.name for t in teams if t.id == team_id), None) or next(
        (d.name for d in departments if d.id == department_id), None
    )
    source = NETWORK_API + query_string(
        team_id=team_id, department_id=department_id, limit=MAX_NODES
    )
    return render(
        request,
        "network.html",
        {
            "teams": teams,
            "departments": departments,
            "team_id": team_id,
            "department_id": department_id,
            "chosen": chosen or "Whole organisation",
            "source": source,
            "max_nodes": MAX_NODES,
        },
    )
