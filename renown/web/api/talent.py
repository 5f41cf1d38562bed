"""Promotion rounds: the criteria they weigh, opening and configuring a round, its pool,
and the board (the ranking and every candidate's explanation).

Each route calls one action or query of :mod:`renown.talent` and formats its answer; the
domain decides who sees what (HR sees every board of the organisation, others what the
round publishes, a 404 to anyone else). Routes that act on one object take no required
body, so that an object the caller cannot see is a 404 whatever was sent; a missing field
is a 422 once the object is found (:func:`required`, shared by the other promotion-board
modules).
"""

from __future__ import annotations

from typing import Annotated, Any, Final, TypeVar

from fastapi import APIRouter, status

from renown.accounts.principal import Principal
from renown.core.clock import SystemClock
from renown.core.errors import Invalid
from renown.core.roles import PEOPLE_ADMIN_ROLES, STAFF_ROLES
from renown.store.tables.talent import PromotionRound
from renown.talent import board as boards
from renown.talent import rounds
from renown.talent.criteria import available
from renown.talent.rounds import Eligibility, RoundConfig, criteria_of
from renown.web.api.talent_schemas import (
    BoardOut,
    CandidateIn,
    CriterionOut,
    EligibilityIn,
    OpenRoundIn,
    RoundConfigIn,
    RoundOut,
    RoundSummaryOut,
    board_out,
    criterion_out,
    round_out,
    round_summary_out,
    weighted,
)
from renown.web.deps import SessionDep
from renown.web.json_body import StrictJsonRoute
from renown.web.params import RowId
from renown.web.policy import allow

router = APIRouter(tags=["promotion boards"], route_class=StrictJsonRoute)
Staff = Annotated[Principal, allow(*STAFF_ROLES)]
PeopleAdmin = Annotated[Principal, allow(*PEOPLE_ADMIN_ROLES)]
CLOCK: Final = SystemClock()
"""Rounds, decisions and appeals are dated by the server's clock."""
T = TypeVar("T")


def required(value: T | None, what: str) -> T:
    """A field the route's body leaves optional (see the module docstring) but needs."""
    if value is None:
        raise Invalid(f"{what} is required")
    return value


# --- Request bodies -> the domain's values -----------------------------------------------


def eligibility_of(body: EligibilityIn) -> Eligibility:
    return Eligibility(
        min_tenure_months=body.min_tenure_months,
        min_months_in_role=body.min_months_in_role,
        levels=tuple(body.levels),
        departments=tuple(body.departments),
        titles=tuple(body.titles),
    )


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

    return RoundConfig(
        criteria=base.criteria if body.criteria is None else weighted(body.criteria),
        top_n=pick(body.top_n, base.top_n),
        performance_criteria=tuple(pick(body.performance_criteria, base.performance_criteria)),
        potential_criteria=tuple(pick(body.potential_criteria, base.potential_criteria)),
        missing_policy=pick(body.missing_policy, base.missing_policy),
        transparency=pick(body.transparency, base.transparency),
        acknowledge_external_risk=pick(
            body.acknowledge_external_risk, base.acknowledge_external_risk
        ),
    )


# --- Routes -------------------------------------------------------------------------------


@router.get("/talent/criteria")
def criteria(principal: Staff, session: SessionDep) -> list[CriterionOut]:
    """Criteria a round can weigh: the built-ins and one per competency of the framework."""
    return [criterion_out(info) for info in available(session, principal.org_id)]


@router.get("/talent/rounds")
def list_rounds(principal: Staff, session: SessionDep) -> list[RoundSummaryOut]:
    """Rounds the caller may see, newest first (HR: all of the organisation's)."""
    return [round_summary_out(r) for r in rounds.list_rounds(session, principal)]


@router.post("/talent/rounds", status_code=status.HTTP_201_CREATED)
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
        eligibility=eligibility_of(body.eligibility),
        config=merged_config(body, rounds.RoundConfig()),
        clock=CLOCK,
    )
    session.commit()
    return round_out(created, len(rounds.candidate_ids(session, created.id)))


@router.get("/talent/rounds/{round_id}")
def board(round_id: RowId, principal: Staff, session: SessionDep) -> BoardOut:
    """The board: every candidate's rank, composite and explanation, the recommended top N,
    the people left out (HR) and, once signed off, the decision. Anyone but HR sees it only
    when the round publishes its ranking to them, and without the external scores of
    people who keep their profile private."""
    return board_out(boards.board(session, principal, round_id))


@router.put("/talent/rounds/{round_id}")
def configure_round(
    round_id: RowId, principal: PeopleAdmin, session: SessionDep, body: RoundConfigIn | None = None
) -> RoundOut:
    """Change weights, top N, the 9-box axes, the missing-input policy or transparency of an
    open round (omitted fields keep their values; a decided round is a 422)."""
    current = rounds.open_round_for_change(session, principal, round_id)
    config = merged_config(body or RoundConfigIn(), stored_config(current))
    changed = rounds.check_configure_round(session, principal, round_id, config, clock=CLOCK)
    session.commit()
    return round_out(changed, len(rounds.candidate_ids(session, changed.id)))


@router.put("/talent/rounds/{round_id}/candidates/{person_id}")
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
    return round_out(current, len(rounds.candidate_ids(session, round_id)))
