"""Level-aware pools and successors: a round admits the role's level band by default, and
nobody more than one level below a key role is suggested as ready now.

The test organisation (``conftest``) gets career levels: the CEO L7, the VP Engineering L6,
the sales director L5, the engineering manager L4, the HR partner and p1 L3, everyone else
L2.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from renown.core.errors import Invalid
from renown.core.roles import Role
from renown.store.tables.talent import PromotionRound, TalentProfile
from renown.talent import board, rounds, succession
from renown.talent.composite import WeightedCriterion
from renown.talent.eligibility import breadth_warning
from renown.talent.levels import band_below, level_named_in, levels_below, role_level
from renown.talent.readiness import suggest_readiness
from renown.talent.rounds import Eligibility, RoundConfig
from tests.talent.conftest import NOW, TalentOrg
from tests.talent.evidence import rate, score_run

LEVELS = {"e0": "L7", "e1": "L6", "s1": "L5", "e2": "L4", "h1": "L3", "p1": "L3"}
"""Everyone else is L2."""
CRITERIA = (WeightedCriterion("performance", 50.0), WeightedCriterion("prominence_internal", 50.0))


@pytest.fixture
def levels(session: Session, org: TalentOrg) -> None:
    for who, pid in org.ids.items():
        session.add(TalentProfile(org_id=org.id, person_id=pid, level=LEVELS.get(who, "L2")))
    session.flush()


@pytest.fixture
def strong_juniors(session: Session, org: TalentOrg) -> None:
    """p2 (L2) and e2 (L4) have top ratings and top prominence: ready now on evidence alone."""
    rate(session, org, {"p2": 5, "e2": 5})
    score_run(session, org, datetime(2026, 11, 1, tzinfo=UTC), {"p2": 95, "e2": 94})


def _open(
    session: Session,
    org: TalentOrg,
    clock: object,
    target: str,
    eligibility: Eligibility | None = None,
    target_level: str | None = None,
) -> PromotionRound:
    return rounds.check_open_round(
        session,
        org.staff(Role.HR),
        name="Leads 2026",
        target=target,
        eligibility=eligibility or Eligibility(),
        config=RoundConfig(criteria=CRITERIA),
        clock=clock,  # type: ignore[arg-type]
        target_level=target_level,
    )


def _pool(session: Session, org: TalentOrg, round_: PromotionRound) -> set[str]:
    ids = set(rounds.candidate_ids(session, round_.id))
    return {who for who, pid in org.ids.items() if pid in ids}


def test_level_helpers_order_levels_by_their_number() -> None:
    assert level_named_in("Design lead (L4)", ["L3", "L4", "L14"]) == "L4"
    assert level_named_in("Design lead", ["L3", "L4"]) is None
    assert band_below("L4", ["L1", "L2", "L3", "L4", "L6"]) == ("L3",)
    assert band_below("L6", ["L1", "L4", "L6"]) == ("L4",)  # no L5: the nearest below
    assert band_below("L1", ["L1", "L2"]) == ("L1",)  # an entry role draws from its own level
    assert band_below("Principal", ["L1", "L2"]) == ()  # no number: no band
    assert (
        role_level("Design lead", ["L3"], title_levels={"design lead": ["L4", "L4", "L5"]}) == "L4"
    )
    assert levels_below("L2", "L6") == 4
    assert levels_below(None, "L6") is None


def test_a_round_without_levels_admits_only_the_band_below_the_role(
    session: Session, org: TalentOrg, clock: object, levels: None
) -> None:
    round_ = _open(session, org, clock, "Design lead (L4)")
    assert _pool(session, org, round_) == {"h1", "p1"}
    assert round_.eligibility["levels"] == ["L3"]
    assert breadth_warning(Eligibility.from_json(round_.eligibility)) is None
    reasons = {pid: why for pid, _name, why in board.excluded_people(session, round_)}
    assert reasons[org.ids["e1"]] == "level L6 is not in the round"  # the VP
    assert reasons[org.ids["p2"]] == "level L2 is not in the round"  # an engineer


def test_the_role_level_named_by_hr_or_held_by_the_title_sets_the_band(
    session: Session, org: TalentOrg, clock: object, levels: None
) -> None:
    named = _open(session, org, clock, "Design lead", target_level="L6")
    assert _pool(session, org, named) == {"s1"}
    by_title = _open(session, org, clock, "em")  # e2's title, level L4
    assert _pool(session, org, by_title) == {"h1", "p1"}
    above_everyone = _open(session, org, clock, "Chief of staff", target_level="L9")
    assert _pool(session, org, above_everyone) == {"e0"}  # no L8: the nearest level below
    with pytest.raises(Invalid, match="level Principal has no number"):
        _open(session, org, clock, "Design lead", target_level="Principal")


def test_explicit_levels_are_kept(
    session: Session, org: TalentOrg, clock: object, levels: None
) -> None:
    round_ = _open(session, org, clock, "Design lead (L4)", Eligibility(levels=("L2",)))
    assert _pool(session, org, round_) == {"p1", "p2", "p3", "p4", "p5", "s2", "s3"} - {"p1"}


def test_a_round_whose_level_cannot_be_told_admits_everyone_and_says_so(
    session: Session, org: TalentOrg, clock: object
) -> None:
    round_ = _open(session, org, clock, "Design lead")  # no levels imported at all
    assert len(_pool(session, org, round_)) == len(org.ids)
    warning = breadth_warning(Eligibility.from_json(round_.eligibility))
    assert warning is not None and "admit everyone in the organisation" in warning
    narrower = breadth_warning(Eligibility(departments=("Sales",)))
    assert narrower is not None and "people of every level" in narrower


def test_level_distance_caps_the_suggested_readiness() -> None:
    assert suggest_readiness(90.0, 3) == (
        "now",
        "composite 90.0 is at least 70 and performance is high",
    )
    assert suggest_readiness(90.0, 3, 1)[0] == "now"
    two_below = suggest_readiness(90.0, 3, 2)
    assert two_below[0] == "1-2y"
    assert "2 levels below the role" in two_below[1]
    assert suggest_readiness(90.0, 3, 4)[0] == "3y+"
    assert suggest_readiness(60.0, 3, 2) == ("1-2y", "composite 60.0 is at least 50 but below 70")


def test_an_engineer_is_never_ready_now_for_vp_engineering(
    session: Session, org: TalentOrg, clock: object, levels: None, strong_juniors: None
) -> None:
    hr = org.staff(Role.HR)
    plan = succession.check_create_plan(
        session,
        hr,
        role_name="VP Engineering",
        incumbent_id=org.ids["e1"],
        criteria=CRITERIA,
        clock=clock,  # type: ignore[arg-type]
    )
    suggested = {
        pid: ready
        for pid, _name, _c, ready in succession.suggest_successors(session, hr, plan.id, now=NOW)
    }
    assert suggested[org.ids["p2"]] == "3y+"  # an L2 engineer, four levels below the L6 role
    assert suggested[org.ids["e2"]] == "1-2y"  # the L4 manager, two levels below
    succession.check_add_successor(session, hr, plan.id, org.ids["p2"], readiness=None, clock=clock)  # type: ignore[arg-type]
    chart = succession.plan_view(session, hr, plan.id, now=NOW)
    (engineer,) = chart.successors
    assert engineer.readiness == "3y+"
    assert "4 levels below the role" in engineer.reason
