"""The what-if pages of a promotion round: how the top N moves as one criterion's weight grows.

HR explores a weight before committing to it, so these pages only read (nothing is saved
and nothing is logged). They sit apart from the round's other pages in
:mod:`renown.web.pages.talent`, with their own router, so neither module grows past what
one reader can hold; the headline, tables and chart they draw come from
:mod:`renown.web.pages.talent_whatif_view`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from renown.accounts.principal import Principal
from renown.core.roles import PEOPLE_ADMIN_ROLES
from renown.talent.board import what_if
from renown.talent.criteria import available
from renown.talent.rounds import MAX_WEIGHT
from renown.web.deps import SessionDep
from renown.web.pages.talent_whatif_view import (
    nearest_step,
    slider_step,
    step_table,
    whatif_chart_spec,
    whatif_headline,
)
from renown.web.params import NO_NUL, RowId
from renown.web.policy import allow
from renown.web.render import render

router = APIRouter()
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
CriterionKey = Annotated[str, Query(max_length=200, pattern=NO_NUL)]
MaxWeight = Annotated[float, Query(gt=0, le=MAX_WEIGHT)]
Steps = Annotated[int, Query(ge=2, le=101)]
Weight = Annotated[float | None, Query(ge=0, le=MAX_WEIGHT)]


@router.get("/talent/rounds/{round_id}/whatif", response_class=HTMLResponse)
def whatif_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    key: CriterionKey = "prominence_internal",
    max_weight: MaxWeight = 100.0,
    steps: Steps = 21,
    weight: Weight = None,
) -> HTMLResponse:
    """How the top N moves as one criterion's weight goes from 0 to ``max_weight``."""
    view = what_if(session, principal, round_id, key=key, max_weight=max_weight, steps=steps)
    grid = view.whatif.steps
    context = {
        "view": view,
        "round": view.round,
        "headline": whatif_headline(view),
        "spec": whatif_chart_spec(view),
        "table": step_table(view, nearest_step(view, weight)),
        "changes": [step_table(view, i) for i in range(len(grid))],
        "infos": available(session, principal.org_id),
        "key": key,
        "max_weight": max_weight,
        "steps": steps,
        "slider_step": slider_step(grid[1].weight - grid[0].weight),
    }
    return render(request, "talent_whatif.html", context)


@router.get("/talent/rounds/{round_id}/whatif/table", response_class=HTMLResponse)
def whatif_table(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    key: CriterionKey = "prominence_internal",
    max_weight: MaxWeight = 100.0,
    steps: Steps = 21,
    weight: Weight = None,
) -> HTMLResponse:
    """The top N at the grid weight nearest ``weight`` (htmx swaps it under the slider)."""
    view = what_if(session, principal, round_id, key=key, max_weight=max_weight, steps=steps)
    table = step_table(view, nearest_step(view, weight))
    return render(request, "talent_whatif_table.html", {"view": view, "table": table})
