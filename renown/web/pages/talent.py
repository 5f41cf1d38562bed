"""Promotion-board pages: rounds, the board and its explanations, sign-off, the candidate's
own view and appeals (the what-if pages are in :mod:`renown.web.pages.talent_whatif`).

Each route calls one :mod:`renown.talent` action or query, which decides who may see or
change what; the page only draws the answer. A refused form (a missing reason, external
prominence weighted without the acknowledgement, an override without its reason) comes
back with the domain's sentence, status 422 and everything that was typed, so nobody types
a decision twice. :mod:`renown.web.pages.talent_board` holds the form parsing and the
presentation pieces (the contribution bars and their legend).
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import PEOPLE_ADMIN_ROLES, STAFF_ROLES
from renown.org.queries import list_departments
from renown.store.tables.talent import Appeal
from renown.talent import decisions
from renown.talent.board import HIDDEN, board, my_explanation
from renown.talent.criteria import available
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import (
    MAX_TEXT,
    check_configure_round,
    check_open_round,
    check_set_candidate,
    is_candidate,
    list_rounds,
    manages_candidates,
    visible_round,
)
from renown.web.deps import SessionDep
from renown.web.pages.talent_board import (
    MISSING_CHOICES,
    TRANSPARENCY_CHOICES,
    ConfigForm,
    EligibilityForm,
    SignOffForm,
    colours_of,
    config_of_round,
    default_config,
    legend,
    override_reasons,
    parse_people,
    parse_person_id,
    pool_choices,
    segments,
)
from renown.web.params import MULTI_LINE, SINGLE_LINE, MultiLine, RowId, SingleLine
from renown.web.policy import allow
from renown.web.render import render

router = APIRouter()
Staff = Annotated[Principal, allow(*STAFF_ROLES)]
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
Line = Annotated[str, Form(max_length=200), SINGLE_LINE]
Text = Annotated[str, Form(max_length=MAX_TEXT), MULTI_LINE]
Word = Annotated[str, Form(max_length=32), SINGLE_LINE]
Choices = Annotated[list[SingleLine], Form(max_length=1000)]
Notes = Annotated[list[MultiLine], Form(max_length=1000)]
CLOCK: Final = SystemClock()


def config_form(
    criterion_key: Choices = [],  # noqa: B006
    criterion_weight: Choices = [],  # noqa: B006
    top_n: Word = "5",
    performance_criteria: Choices = [],  # noqa: B006
    potential_criteria: Choices = [],  # noqa: B006
    missing_policy: Word = "reweigh",
    transparency: Word = "no_one",
    acknowledge_external_risk: Word = "",
) -> ConfigForm:
    """The weights, top N, 9-box axes, missing-input policy and transparency as typed."""
    return ConfigForm(
        keys=criterion_key,
        weights=criterion_weight,
        top_n=top_n,
        performance=performance_criteria,
        potential=potential_criteria,
        missing_policy=missing_policy,
        transparency=transparency,
        acknowledge=acknowledge_external_risk == "yes",
    )


ConfigDep = Annotated[ConfigForm, Depends(config_form)]


def _config_context(session: Session, org_id: int, config: ConfigForm) -> dict[str, Any]:
    infos = available(session, org_id)
    by_key = {info.key: info for info in infos}
    typed = config.weight_of()
    keys = [*by_key, *(key for key in typed if key not in by_key)]
    return {
        "infos": infos,
        "config": config,
        "weight_rows": [(key, by_key.get(key), typed.get(key, "0")) for key in keys],
        "external_on": config.external_weighted(infos),
        "warning": EXTERNAL_PROMINENCE_WARNING,
        "transparency_choices": TRANSPARENCY_CHOICES,
        "missing_choices": MISSING_CHOICES,
    }


# --- Rounds -------------------------------------------------------------------------------


def _rounds_page(
    request: Request,
    principal: Principal,
    session: Session,
    *,
    error: str = "",
    config: ConfigForm | None = None,
    pool: EligibilityForm | None = None,
    name: str = "",
    target: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"rounds": list_rounds(session, principal), "error": error}
    if principal.sees_everyone:
        infos = available(session, principal.org_id)
        titles, levels = pool_choices(session, principal.org_id)
        context |= _config_context(session, principal.org_id, config or default_config(infos))
        context |= {
            "pool": pool or EligibilityForm(),
            "departments": [d.name for d in list_departments(session, principal)],
            "titles": titles,
            "levels": levels,
            "name": name,
            "target": target,
        }
    return render(request, "talent_rounds.html", context, status_code=422 if error else 200)


@router.get("/talent", response_class=HTMLResponse)
def rounds_page(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Promotion rounds the caller may see; HR also gets the form to open one."""
    return _rounds_page(request, principal, session)


@router.post("/talent/rounds", response_class=HTMLResponse)
def open_round(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    config: ConfigDep,
    name: Line = "",
    target: Line = "",
    min_tenure_months: Word = "0",
    min_months_in_role: Word = "0",
    levels: Choices = [],  # noqa: B006
    departments: Choices = [],  # noqa: B006
    titles: Choices = [],  # noqa: B006
) -> Response:
    """Open the round (its pool drawn from the org chart) and show its board."""
    pool = EligibilityForm(min_tenure_months, min_months_in_role, levels, departments, titles)
    try:
        created = check_open_round(
            session,
            principal,
            name=name,
            target=target,
            eligibility=pool.to_eligibility(),
            config=config.to_config(),
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        return _rounds_page(
            request,
            principal,
            session,
            error=str(refused),
            config=config,
            pool=pool,
            name=name,
            target=target,
        )
    session.commit()
    return RedirectResponse(f"/talent/rounds/{created.id}", status_code=303)


# --- The board ----------------------------------------------------------------------------


def _unpublished(
    request: Request, principal: Principal, session: Session, round_id: int
) -> HTMLResponse:
    """A round the caller may know about (they are a candidate, or their reports are) whose
    ranking is not published to them: a pointer to what they may see instead."""
    round_ = visible_round(session, principal, round_id)
    context = {
        "round": round_,
        "candidate": is_candidate(session, round_.id, principal.person_id),
        "manager": manages_candidates(session, principal, round_.id),
    }
    return render(request, "talent_unpublished.html", context)


def _board_page(
    request: Request,
    principal: Principal,
    session: Session,
    round_id: int,
    *,
    error: str = "",
    failed: str = "",
    config: ConfigForm | None = None,
    signoff: SignOffForm | None = None,
    candidate: dict[str, str] | None = None,
    answer: dict[str, Any] | None = None,
) -> HTMLResponse:
    try:
        shown = board(session, principal, round_id)
    except (NotAllowed, NotFound):
        if principal.sees_everyone:
            raise
        return _unpublished(request, principal, session, round_id)  # 404 unless they may know
    round_ = shown.round
    labels = {info.key: info.label for info in shown.criteria}
    colours = colours_of(round_)
    context: dict[str, Any] = {
        "board": shown,
        "round": round_,
        "legend": legend(round_, labels),
        "segments": {row.person_id: segments(row, colours) for row in shown.rows},
        "names": {row.person_id: row.name for row in shown.rows},
        "hidden_text": HIDDEN,
        "error": error,
        "failed": failed,
        "candidate_me": is_candidate(session, round_.id, principal.person_id),
        "notice": request.query_params.get("done", ""),
    }
    if shown.full and shown.decision is None:
        recommended = set(shown.recommended)
        context |= _config_context(
            session, principal.org_id, config or config_of_round(round_, list(shown.criteria))
        )
        pool = [(row.person_id, row.name, True) for row in shown.rows]
        pool += [(pid, name, False) for pid, name, _reason in shown.excluded]
        context |= {
            "signoff": signoff or SignOffForm(recommended),
            "recommended": recommended,
            "pool_people": sorted(pool, key=lambda p: (p[1], p[0])),
            "candidate": candidate or {"person_id": "", "included": "yes", "reason": ""},
        }
    elif shown.full:
        context |= {
            "appeals": decisions.appeals(session, principal, round_id),
            "answer": answer or {},
        }
    return render(request, "talent_board.html", context, status_code=422 if error else 200)


@router.get("/talent/rounds/{round_id}", response_class=HTMLResponse)
def board_page(
    request: Request, round_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """The board: HR's full ranking and its forms, or the ranking the round publishes."""
    return _board_page(request, principal, session, round_id)


def _done(round_id: int, what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/talent/rounds/{round_id}?done={what}{anchor}", status_code=303)


@router.post("/talent/rounds/{round_id}/candidates", response_class=HTMLResponse)
def set_candidate(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    person_id: Word = "",
    included: Word = "yes",
    reason: Text = "",
) -> Response:
    """Add a person to the pool or take one out, with a reason (logged)."""
    typed = {"person_id": person_id, "included": included, "reason": reason}
    try:
        if included not in {"yes", "no"}:
            raise Invalid("say whether the person joins or leaves the pool")
        check_set_candidate(
            session,
            principal,
            round_id,
            parse_person_id(person_id),
            included=included == "yes",
            reason=reason,
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        return _board_page(
            request,
            principal,
            session,
            round_id,
            error=str(refused),
            failed="candidate",
            candidate=typed,
        )
    session.commit()
    return _done(round_id, "pool", "#pool")


@router.post("/talent/rounds/{round_id}/config", response_class=HTMLResponse)
def configure(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    config: ConfigDep,
) -> Response:
    """Change the weights, top N, 9-box axes, missing-input policy or transparency."""
    try:
        check_configure_round(session, principal, round_id, config.to_config(), clock=CLOCK)
    except Invalid as refused:
        session.rollback()
        return _board_page(
            request,
            principal,
            session,
            round_id,
            error=str(refused),
            failed="config",
            config=config,
        )
    session.commit()
    return _done(round_id, "config")


@router.post("/talent/rounds/{round_id}/decision", response_class=HTMLResponse)
def sign_off(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    promoted: Choices = [],  # noqa: B006
    reason: Text = "",
    override_person: Choices = [],  # noqa: B006
    override_reason: Notes = [],  # noqa: B006
) -> Response:
    """Sign the decision off: a reason, and one for every departure from the top N."""
    try:
        decisions.check_sign_off(
            session,
            principal,
            round_id,
            promoted=parse_people(promoted),
            reason=reason,
            override_reasons=override_reasons(override_person, override_reason),
            clock=CLOCK,
        )
    except Invalid as refused:
        session.rollback()
        typed = SignOffForm.typed(promoted, reason, override_person, override_reason)
        return _board_page(
            request,
            principal,
            session,
            round_id,
            error=str(refused),
            failed="signoff",
            signoff=typed,
        )
    session.commit()
    return _done(round_id, "decided")


@router.post("/talent/appeals/{appeal_id}/answer", response_class=HTMLResponse)
def answer_appeal(
    request: Request,
    appeal_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    upheld: Word = "",
    answer: Text = "",
) -> Response:
    """Answer an appeal: upheld or rejected, with the reason the candidate reads."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"no appeal {appeal_id}")
    round_id = visible_round(session, principal, appeal.round_id).id
    try:
        if upheld not in {"yes", "no"}:
            raise Invalid("say whether the appeal is upheld or rejected")
        decisions.check_answer_appeal(
            session, principal, appeal_id, upheld=upheld == "yes", answer=answer, clock=CLOCK
        )
    except Invalid as refused:
        session.rollback()
        typed = {"appeal_id": appeal_id, "upheld": upheld, "answer": answer}
        return _board_page(
            request, principal, session, round_id, error=str(refused), failed="answer", answer=typed
        )
    session.commit()
    return _done(round_id, "answered", "#appeals")


# --- The candidate's own view and appeals -------------------------------------------------


def _me_page(
    request: Request,
    principal: Principal,
    session: Session,
    round_id: int,
    *,
    error: str = "",
    text: str = "",
) -> HTMLResponse:
    view = my_explanation(session, principal, round_id)
    if view.row is None:  # someone who may see the round but is not one of its candidates
        return render(request, "talent_me.html", {"round": view.round, "view": None})
    mine = decisions.appeals(session, principal, round_id)
    context = {
        "round": view.round,
        "view": view,
        "segments": segments(view.row, colours_of(view.round)),
        "hidden_text": HIDDEN,
        "appeals": mine,
        "can_appeal": view.decided and not any(a.status == "open" for a in mine),
        "error": error,
        "text": text,
        "appealed": request.query_params.get("appealed") == "1",
    }
    return render(request, "talent_me.html", context, status_code=422 if error else 200)


@router.get("/talent/rounds/{round_id}/me", response_class=HTMLResponse)
def my_round(
    request: Request, round_id: RowId, principal: Staff, session: SessionDep
) -> HTMLResponse:
    """My own explanation in the round, the outcome once decided, and my appeals."""
    return _me_page(request, principal, session, round_id)


@router.post("/talent/rounds/{round_id}/appeals", response_class=HTMLResponse)
def file_appeal(
    request: Request,
    round_id: RowId,
    principal: Staff,
    session: SessionDep,
    text: Text = "",
) -> Response:
    """Appeal the round's decision (HR must answer)."""
    try:
        decisions.check_file_appeal(session, principal, round_id, text, clock=CLOCK)
    except Invalid as refused:
        session.rollback()
        return _me_page(request, principal, session, round_id, error=str(refused), text=text)
    session.commit()
    return RedirectResponse(f"/talent/rounds/{round_id}/me?appealed=1", status_code=303)
