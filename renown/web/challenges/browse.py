"""Reading challenges: the list with its filters, a challenge's page, its leaderboards and
final results (fronts :mod:`renown.challenges.queries`).

A challenge's page is one place for everyone: the specification (Markdown rendered by
:func:`renown.challenges.markdown.render`, which drops raw HTML and script links), prizes,
dates and a sentence saying what happens next; then what the caller may do there, which
the domain's view already says (register, submit, review, run it). Other topics' forms
come back here with their refusal, through :func:`challenge_page`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.challenges import queries
from renown.challenges.ledger import ledger_for
from renown.challenges.markdown import render as render_markdown
from renown.challenges.phases import PHASE_LABELS, Phase
from renown.challenges.posting import KINDS, REVIEWER_CHANGES
from renown.challenges.results import BoardRow, ChallengeDetail, ChallengeSummary
from renown.challenges.roles import PARTICIPANTS, POSTERS
from renown.core.errors import NotAllowed
from renown.web.challenges import common, present
from renown.web.challenges.common import SeenChallenge
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import SINGLE_LINE
from renown.web.policy import SignedIn
from renown.web.render import render

api = APIRouter(prefix="/challenges", tags=["challenges"], route_class=StrictJsonRoute)
pages = APIRouter()
PhaseFilter = Annotated[Phase | None, Query(description="Only challenges in this phase")]
SkillFilter = Annotated[str | None, Query(max_length=50), SINGLE_LINE]
TextFilter = Annotated[
    str | None, Query(max_length=200, description="In the title or sponsor"), SINGLE_LINE
]
Mine = Annotated[bool, Query(description="Only those you registered for, review or run")]


@api.get("")
def list_challenges(
    principal: SignedIn,
    session: SessionDep,
    phase: PhaseFilter = None,
    skill: SkillFilter = None,
    text: TextFilter = None,
    mine: Mine = False,
) -> list[ChallengeSummary]:
    """Challenges you may see, newest first: published ones, and your own drafts."""
    return queries.list_challenges(
        session,
        principal,
        common.CLOCK.now(),
        phase=phase.value if phase else None,
        skill=skill,
        text=text,
        mine=mine,
    )


@api.get("/{challenge_id}")
def challenge(
    principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> ChallengeDetail:
    """A challenge as you may see it: rules, prizes, dates, phase, your versions."""
    return queries.challenge_detail(session, principal, challenge_id, common.CLOCK.now())


@api.get("/{challenge_id}/leaderboard")
def leaderboard(
    principal: SignedIn,
    challenge_id: SeenChallenge,
    session: SessionDep,
    private: Annotated[bool, Query(description="The deciding board (once decided)")] = False,
) -> list[BoardRow]:
    """A data-science challenge's board: public scores while it runs; the private board,
    which decides, once the winners are recorded (its sponsor: from the close)."""
    return queries.leaderboard(
        session, principal, challenge_id, common.CLOCK.now(), private=private
    )


@api.get("/{challenge_id}/results")
def results(
    principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> list[BoardRow]:
    """The final standings with places and prizes (empty until the winners are recorded)."""
    return queries.final_results(session, principal, challenge_id)


# --- Pages -----------------------------------------------------------------------------------


def _boards(
    session: Session, principal: Principal, detail: ChallengeDetail
) -> dict[str, list[BoardRow] | None]:
    """The boards the caller may see on the page (``None``: not shown)."""
    now = common.CLOCK.now()
    phase = Phase(detail.summary.phase)
    public = private = None
    if detail.metric is not None and phase not in {Phase.DRAFT, Phase.SCHEDULED}:
        public = queries.leaderboard(session, principal, detail.summary.id, now, private=False)
        try:
            private = queries.leaderboard(session, principal, detail.summary.id, now, private=True)
        except NotAllowed:
            private = None
    final = queries.final_results(session, principal, detail.summary.id)
    return {"public": public, "private": private, "final": final or None}


def _paid(session: Session, principal: Principal, challenge_id: int) -> dict[int, bool]:
    """Winner's account -> whether their placement prize is paid (the lines the caller may
    read: a member their own, the sponsor all)."""
    return {
        line.account_id: line.paid_at is not None
        for line in ledger_for(session, principal, challenge_id=challenge_id)
        if line.kind == "placement"
    }


def challenge_page(
    request: Request,
    principal: Principal,
    session: Session,
    challenge_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A challenge's page for the caller, with a form's refusal when there is one."""
    now = common.CLOCK.now()
    detail = queries.challenge_detail(session, principal, challenge_id, now)
    summary = detail.summary
    phase = Phase(summary.phase)
    runs = summary.runs
    context: dict[str, Any] = {
        "detail": detail,
        "summary": summary,
        "phase": phase,
        # The domain's renderer escapes raw HTML and drops script links (see its module).
        "specification": Markup(render_markdown(detail.specification)),  # nosec B704
        "next_step": present.next_step(detail, now),
        "boards": _boards(session, principal, detail),
        "ledger": _paid(session, principal, challenge_id) if phase is Phase.COMPLETED else None,
        "reviewers": queries.reviewer_accounts(session, principal, challenge_id) if runs else {},
        "may_take_part": principal.role in PARTICIPANTS and not runs and not detail.is_reviewer,
        "error": error,
        "when": present.when,
        "money": present.money,
        "size": present.size,
        "ordinal": present.ordinal,
        "kind_label": present.KIND_LABELS.get(summary.kind, summary.kind),
        "is_draft": phase is Phase.DRAFT,
        "may_cancel": runs
        and phase
        in {Phase.DRAFT, Phase.SCHEDULED, Phase.REGISTRATION, Phase.SUBMISSION, Phase.REVIEW},
        "may_name_reviewers": runs and phase in REVIEWER_CHANGES,
        "reviews_readable": phase
        in {Phase.APPEALS, Phase.APPEALS_RESPONSE, Phase.WINNERS, Phase.COMPLETED}
        or runs
        or detail.is_reviewer,
        "accept": ",".join(detail.file_types),
    }
    return render(request, "challenge.html", context, status_code=status_code)


@pages.get("/challenges", response_class=HTMLResponse)
def challenges_page(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    phase: Annotated[str | None, Query(max_length=32)] = None,
    skill: SkillFilter = None,
    text: TextFilter = None,
    mine: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    """The challenges you may see, with filters by phase, skill, text and "mine"."""
    chosen = phase if phase in {p.value for p in Phase} else None
    found = queries.list_challenges(
        session,
        principal,
        common.CLOCK.now(),
        phase=chosen,
        skill=skill or None,
        text=text or None,
        mine=bool(mine),
    )
    context: dict[str, Any] = {
        "challenges": found,
        "filters": {
            "phase": chosen or "",
            "skill": skill or "",
            "text": text or "",
            "mine": bool(mine),
        },
        "phases": PHASE_LABELS,
        "kinds": KINDS,
        "kind_labels": present.KIND_LABELS,
        "money": present.money,
        "when": present.when,
        "may_post": principal.role in POSTERS,
    }
    return render(request, "challenges.html", context)


@pages.get("/challenges/{challenge_id}", response_class=HTMLResponse)
def challenge_page_route(
    request: Request, principal: SignedIn, challenge_id: SeenChallenge, session: SessionDep
) -> HTMLResponse:
    """The challenge's page: what is asked, prizes, dates and what happens next, then what
    you may do (register, submit, review, run it) and the boards and results."""
    return challenge_page(request, principal, session, challenge_id)
