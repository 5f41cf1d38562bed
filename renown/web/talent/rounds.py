"""Promotion rounds: the criteria they weigh, opening and configuring a round, its pool,
and the board (the ranking and every candidate's explanation), as JSON and as pages.

Each route calls one action or query of :mod:`renown.talent` and formats its answer; the
domain decides who sees what (HR sees every board of the organisation, others what the
round publishes, a 404 to anyone else). API routes that act on one object take no required
body, so that an object the caller cannot see is a 404 whatever was sent; a missing field
is a 422 once the object is found (:func:`required`, shared by the other topics). A refused
form (a missing reason, external prominence weighted without the acknowledgement) comes
back with the domain's sentence, status 422 and everything that was typed.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.org.queries import list_departments
from renown.store.tables.talent import PromotionRound
from renown.talent import board as boards
from renown.talent import decisions, rounds
from renown.talent.board import HIDDEN
from renown.talent.criteria import CriterionInfo, available
from renown.talent.eligibility import breadth_warning
from renown.talent.pool_search import PersonMatch, picked_person
from renown.talent.report import EXTERNAL_PROMINENCE_WARNING
from renown.talent.rounds import (
    Eligibility,
    RoundConfig,
    RoundSummary,
    criteria_of,
    is_candidate,
)
from renown.web.deps import SessionDep
from renown.web.forms import form_action, see_other
from renown.web.json_body import StrictJsonRoute
from renown.web.params import MAX_ID, RowId, SearchText
from renown.web.policy import PeopleAdmin, Staff
from renown.web.render import render
from renown.web.talent.answers import BoardOut, RoundOut
from renown.web.talent.picker import Picker, picker_state
from renown.web.talent.present_board import (
    MISSING_CHOICES,
    TRANSPARENCY_CHOICES,
    Choices,
    ConfigDep,
    ConfigForm,
    EligibilityForm,
    Line,
    SignOffForm,
    Text,
    Word,
    colours_of,
    config_of_round,
    default_config,
    legend,
    parse_person_id,
    pool_choices,
    segments,
)
from renown.web.talent.present_hidden import hidden_columns
from renown.web.talent.present_pages import (
    PAGE_SIZES,
    SORTS,
    BoardQuery,
    BoardQueryDep,
    page_of_board,
)
from renown.web.talent.shapes import CandidateIn, OpenRoundIn, RoundConfigIn

api = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
pages = APIRouter()
CLOCK: Final = SystemClock()
"""Rounds, decisions and appeals are dated by the server's clock."""
T = TypeVar("T")
EXCLUDED_SHOWN: Final = 200
"""People left out of the pool listed by name (the rest are counted: the picker finds them)."""


def required(value: T | None, what: str) -> T:
    """A field the route's body leaves optional (see the module docstring) but needs."""
    if value is None:
        raise Invalid(f"{what} is required")
    return value


def stored_config(round_: PromotionRound) -> RoundConfig:
    """A round's stored configuration (acknowledged when external prominence counts)."""
    return RoundConfig(
        criteria=criteria_of(round_),
        top_n=round_.top_n,
        performance_criteria=tuple(round_.performance_criteria),
        potential_criteria=tuple(round_.potential_criteria),
        missing_policy=round_.missing_policy,
        transparency=round_.transparency,
        acknowledge_external_risk=round_.external_weighted,
    )


def merged_config(body: RoundConfigIn, base: RoundConfig) -> RoundConfig:
    """``base`` with the fields the body gives."""

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    criteria = body.criteria
    return RoundConfig(
        criteria=base.criteria if criteria is None else tuple(c.weighted() for c in criteria),
        top_n=pick(body.top_n, base.top_n),
        performance_criteria=tuple(pick(body.performance_criteria, base.performance_criteria)),
        potential_criteria=tuple(pick(body.potential_criteria, base.potential_criteria)),
        missing_policy=pick(body.missing_policy, base.missing_policy),
        transparency=pick(body.transparency, base.transparency),
        acknowledge_external_risk=pick(
            body.acknowledge_external_risk, base.acknowledge_external_risk
        ),
    )


# --- JSON ---------------------------------------------------------------------------------


@api.get("/talent/criteria")
def criteria(principal: Staff, session: SessionDep) -> list[CriterionInfo]:
    """Criteria a round can weigh: the built-ins and one per competency of the framework."""
    return list(available(session, principal.org_id))


@api.get("/talent/rounds")
def list_rounds(principal: Staff, session: SessionDep) -> list[RoundSummary]:
    """Rounds the caller may see, newest first (HR: all of the organisation's)."""
    return list(rounds.list_rounds(session, principal))


@api.post("/talent/rounds", status_code=status.HTTP_201_CREATED)
def open_round(body: OpenRoundIn, principal: PeopleAdmin, session: SessionDep) -> RoundOut:
    """Open a round: the pool is drawn from the org chart by the eligibility rules.

    External prominence carrying weight is a 422 unless ``acknowledge_external_risk`` is
    true; the round is then flagged ``external_weighted`` and answers with the warning.
    """
    created = rounds.check_open_round(
        session,
        principal,
        name=body.name,
        target=body.target,
        eligibility=body.eligibility.rules(),
        config=merged_config(body, rounds.RoundConfig()),
        clock=CLOCK,
        target_level=body.target_level,
    )
    session.commit()
    return RoundOut.counted(created, len(rounds.candidate_ids(session, created.id)))


@api.get("/talent/rounds/{round_id}")
def board(round_id: RowId, principal: Staff, session: SessionDep) -> BoardOut:
    """The board: every candidate's rank, composite and explanation, the recommended top N,
    the people left out (HR) and, once signed off, the decision. Anyone but HR sees it only
    when the round publishes its ranking to them, and without the external scores of
    people who keep their profile private."""
    return BoardOut.model_validate(boards.board(session, principal, round_id))


@api.put("/talent/rounds/{round_id}")
def configure_round(
    round_id: RowId, principal: PeopleAdmin, session: SessionDep, body: RoundConfigIn | None = None
) -> RoundOut:
    """Change weights, top N, the 9-box axes, the missing-input policy or transparency of an
    open round (omitted fields keep their values; a decided round is a 422)."""
    current = rounds.open_round_for_change(session, principal, round_id)
    config = merged_config(body or RoundConfigIn(), stored_config(current))
    changed = rounds.check_configure_round(session, principal, round_id, config, clock=CLOCK)
    session.commit()
    return RoundOut.counted(changed, len(rounds.candidate_ids(session, changed.id)))


@api.put("/talent/rounds/{round_id}/candidates/{person_id}")
def set_candidate(
    round_id: RowId,
    person_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    body: CandidateIn | None = None,
) -> RoundOut:
    """Add a person to the pool (``included``: true) or take them out, with a reason."""
    given = body or CandidateIn()
    current = rounds.open_round_for_change(session, principal, round_id)
    included = required(given.included, "included (true or false)")
    rounds.check_set_candidate(
        session,
        principal,
        round_id,
        person_id,
        included=included,
        reason=given.reason,
        clock=CLOCK,
    )
    session.commit()
    return RoundOut.counted(current, len(rounds.candidate_ids(session, round_id)))


# --- Pages: rounds ------------------------------------------------------------------------


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
    target_level: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"rounds": rounds.list_rounds(session, principal), "error": error}
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
            "target_level": target_level,
        }
    return render(request, "talent_rounds.html", context, status_code=422 if error else 200)


@pages.get("/talent", response_class=HTMLResponse)
def rounds_page(request: Request, principal: Staff, session: SessionDep) -> HTMLResponse:
    """Promotion rounds the caller may see; HR also gets the form to open one."""
    return _rounds_page(request, principal, session)


@pages.post("/talent/rounds", response_class=HTMLResponse)
def open_round_page(
    request: Request,
    principal: PeopleAdmin,
    session: SessionDep,
    config: ConfigDep,
    name: Line = "",
    target: Line = "",
    target_level: Line = "",
    min_tenure_months: Word = "0",
    min_months_in_role: Word = "0",
    levels: Choices = [],  # noqa: B006
    departments: Choices = [],  # noqa: B006
    titles: Choices = [],  # noqa: B006
) -> Response:
    """Open the round (its pool drawn from the org chart) and show its board."""
    pool = EligibilityForm(min_tenure_months, min_months_in_role, levels, departments, titles)
    opened: list[PromotionRound] = []
    return form_action(
        session,
        lambda: opened.append(
            rounds.check_open_round(
                session,
                principal,
                name=name,
                target=target,
                eligibility=pool.to_eligibility(),
                config=config.to_config(),
                clock=CLOCK,
                target_level=target_level or None,
            )
        ),
        done=lambda: see_other(f"/talent/rounds/{opened[0].id}"),
        refused=lambda reason: _rounds_page(
            request,
            principal,
            session,
            error=reason,
            config=config,
            pool=pool,
            name=name,
            target=target,
            target_level=target_level,
        ),
    )


# --- Pages: the board ---------------------------------------------------------------------


def _unpublished(
    request: Request, principal: Principal, session: Session, round_id: int
) -> HTMLResponse:
    """A round the caller may know about (they are a candidate, or their reports are) whose
    ranking is not published to them: a pointer to what they may see instead."""
    round_ = rounds.visible_round(session, principal, round_id)
    context = {
        "round": round_,
        "candidate": is_candidate(session, round_.id, principal.person_id),
        "manager": rounds.manages_candidates(session, principal, round_.id),
    }
    return render(request, "talent_unpublished.html", context)


def board_page_of(
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
    query: BoardQuery | None = None,
    asked: Picker | None = None,
    q: str = "",
    pick: int | None = None,
) -> HTMLResponse:
    """The board page, with the form that ``failed`` filled in again and its ``error``.

    ``query`` chooses the page of the ranking; ``asked``, ``q`` and ``pick`` are a person
    picker's search and choice when they came without JavaScript (:mod:`.picker`).
    """
    try:
        shown = boards.board(session, principal, round_id)
    except (NotAllowed, NotFound):
        if principal.sees_everyone:
            raise
        return _unpublished(request, principal, session, round_id)  # 404 unless they may know
    round_ = shown.round
    labels = {info.key: info.label for info in shown.criteria}
    colours = colours_of(round_)
    view = page_of_board(shown.rows, query or BoardQuery(), f"/talent/rounds/{round_.id}")
    context: dict[str, Any] = {
        "board": shown,
        "view": view,
        "sorts": SORTS,
        "page_sizes": PAGE_SIZES,
        "round": round_,
        "legend": legend(round_, labels),
        "segments": {row.person_id: segments(row, colours) for row in view.rows},
        "names": {row.person_id: row.name for row in shown.rows},
        "hidden_columns": hidden_columns(shown) if not shown.full else (),
        "breadth_warning": (
            breadth_warning(Eligibility.from_json(round_.eligibility)) if shown.full else None
        ),
        "excluded_shown": shown.excluded[:EXCLUDED_SHOWN],
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
        typed = candidate or {"person_id": "", "included": "yes", "reason": ""}
        pool_picker = picker_state(session, principal, round_.id, "pool", asked, q, pick)
        if pool_picker.chosen is None and typed["person_id"].strip().isdigit():
            pool_picker = picker_state(
                session, principal, round_.id, "pool", "pool", "", int(typed["person_id"])
            )
        outsider = picker_state(
            session, principal, round_.id, "outsider", asked, q, pick, adds="outsiders"
        )
        form = signoff or SignOffForm(set(recommended))
        if outsider.chosen is not None and outsider.chosen.id not in recommended:
            form.promoted.add(outsider.chosen.id)
        by_id = {row.person_id: row for row in shown.rows}
        context |= {
            "signoff": form,
            "recommended": recommended,
            "recommended_rows": [row for row in shown.rows if row.person_id in recommended],
            "outsider_rows": [
                by_id[pid] for pid in sorted(form.promoted - recommended) if pid in by_id
            ],
            "candidate": typed,
            "pool_picker": pool_picker,
            "outsider_picker": outsider,
            "added": _added(session, principal, round_.id, request),
        }
    elif shown.full:
        context |= {
            "appeals": decisions.appeals(session, principal, round_id),
            "answer": answer or {},
        }
    return render(request, "talent_board.html", context, status_code=422 if error else 200)


def _added(
    session: Session, principal: Principal, round_id: int, request: Request
) -> PersonMatch | None:
    """The person the pool form just changed (``?who=``), to name in the notice."""
    who = request.query_params.get("who", "")
    if request.query_params.get("done") != "pool" or not who.isascii() or not who.isdigit():
        return None
    try:
        return picked_person(session, principal, round_id, int(who))
    except NotFound:
        return None


def board_done(round_id: int, what: str, anchor: str = "") -> str:
    """Where a board form sends the browser once it is done (a notice, and the section)."""
    return f"/talent/rounds/{round_id}?done={what}{anchor}"


@pages.get("/talent/rounds/{round_id}", response_class=HTMLResponse)
def board_page(
    request: Request,
    round_id: RowId,
    principal: Staff,
    session: SessionDep,
    query: BoardQueryDep,
    picker: Annotated[Picker | None, Query()] = None,
    q: SearchText = None,
    pick: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    """The board: HR's full ranking (a page at a time) and its forms, or the ranking the
    round publishes. ``picker``, ``q`` and ``pick`` carry a person picker's search and
    choice when the browser runs no JavaScript."""
    return board_page_of(
        request, principal, session, round_id, query=query, asked=picker, q=q or "", pick=pick
    )


@pages.post("/talent/rounds/{round_id}/candidates", response_class=HTMLResponse)
def set_candidate_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    person_id: Word = "",
    included: Word = "yes",
    reason: Text = "",
) -> Response:
    """Add a person to the pool or take one out, with a reason (logged)."""

    def act() -> None:
        if included not in {"yes", "no"}:
            raise Invalid("say whether the person joins or leaves the pool")
        rounds.check_set_candidate(
            session,
            principal,
            round_id,
            parse_person_id(person_id),
            included=included == "yes",
            reason=reason,
            clock=CLOCK,
        )

    typed = {"person_id": person_id, "included": included, "reason": reason}
    return form_action(
        session,
        act,
        done=lambda: see_other(
            f"/talent/rounds/{round_id}?done=pool&who={parse_person_id(person_id)}#pool"
        ),
        refused=lambda error: board_page_of(
            request, principal, session, round_id, error=error, failed="candidate", candidate=typed
        ),
    )


@pages.post("/talent/rounds/{round_id}/config", response_class=HTMLResponse)
def configure_page(
    request: Request,
    round_id: RowId,
    principal: PeopleAdmin,
    session: SessionDep,
    config: ConfigDep,
) -> Response:
    """Change the weights, top N, 9-box axes, missing-input policy or transparency."""
    return form_action(
        session,
        lambda: rounds.check_configure_round(
            session, principal, round_id, config.to_config(), clock=CLOCK
        ),
        done=board_done(round_id, "config"),
        refused=lambda error: board_page_of(
            request, principal, session, round_id, error=error, failed="config", config=config
        ),
    )
