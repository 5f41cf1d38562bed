"""The home dashboard: what the signed-in person most likely came for.

Everyone staff sees their own score card when their account belongs to a person; managers
also see their direct reports; HR and administrators get an organisation summary. Sponsor
and member accounts (challenges, later) see a plain page with no prominence data at all.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.org import queries
from renown.store.tables.scores import ScoreSnapshot
from renown.web.deps import SessionDep
from renown.web.pages.present import component_bars
from renown.web.policy import signed_in
from renown.web.render import render

router = APIRouter()
TOP = 10


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, principal: Annotated[Principal, signed_in()], session: SessionDep
) -> HTMLResponse:
    """Score card, reports or organisation summary, depending on the role."""
    if not principal.is_staff:
        return render(request, "home_plain.html")
    context: dict[str, Any] = {"own": None, "bars": [], "reports": [], "summary": None}
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
