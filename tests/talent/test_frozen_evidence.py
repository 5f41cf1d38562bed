"""An open round's figures are frozen at its evidence date: a rescore, a badge or a rating
recorded after the round opened does not move them (service level, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.clock import FixedClock
from renown.core.roles import Role
from renown.store.tables.recognition import BadgeAward
from renown.store.tables.talent import PerformanceRating, RoundCandidate
from renown.talent import board, rounds
from renown.talent.composite import WeightedCriterion
from renown.talent.rounds import Eligibility, RoundConfig
from tests.talent.conftest import NOW, TalentOrg
from tests.talent.evidence import score_run

AS_OF = datetime(2026, 6, 30, tzinfo=UTC)
CRITERIA = (
    WeightedCriterion("performance", 40.0),
    WeightedCriterion("prominence_internal", 40.0),
    WeightedCriterion("badges", 20.0),
)


def _badge(session: Session, org: TalentOrg, who: str, badge: str, awarded: datetime) -> None:
    session.add(
        BadgeAward(
            org_id=org.id,
            person_id=org.ids[who],
            badge=badge,
            awarded_at=awarded,
            reason="test",
            rule_hash="h",
            created_at=NOW + timedelta(days=3),
        )
    )
    session.flush()


def _figures(session: Session, org: TalentOrg, round_id: int) -> list[tuple[object, ...]]:
    shown = board.board(session, org.staff(Role.HR), round_id)
    return [
        (
            row.person_id,
            row.rank,
            row.composite,
            tuple((c.key, c.points) for c in row.contributions),
        )
        for row in shown.rows
    ]


def test_a_rescore_and_later_badges_leave_an_open_rounds_figures_unchanged(
    session: Session, org: TalentOrg
) -> None:
    for who, rating in {"p1": 4, "p2": 3, "p3": 5}.items():
        session.add(
            PerformanceRating(
                org_id=org.id,
                person_id=org.ids[who],
                period="2026H1",
                rating=rating,
                created_at=datetime(2026, 6, 1, tzinfo=UTC),
            )
        )
    score_run(session, org, AS_OF, {"p1": 50, "p2": 70, "p3": 30, "p4": 60}, finished_at=NOW)
    _badge(session, org, "p2", "first-kudos", datetime(2026, 5, 1, tzinfo=UTC))
    hr = org.staff(Role.HR)
    round_ = rounds.check_open_round(
        session,
        hr,
        name="Senior 2026",
        target="Senior Engineer",
        eligibility=Eligibility(min_tenure_months=12, departments=("Engineering",)),
        config=RoundConfig(
            criteria=CRITERIA,
            top_n=2,
            performance_criteria=("performance",),
            potential_criteria=("prominence_internal",),
        ),
        clock=FixedClock(NOW),
        as_of=AS_OF,
    )
    before = _figures(session, org, round_.id)
    opened = board.board(session, hr, round_.id)
    assert opened.evidence_frozen_on == NOW
    assert opened.round.as_of == AS_OF

    # a rescore of the same date (new weights, say) and one of a later date
    score_run(session, org, AS_OF, {"p1": 90, "p2": 10, "p3": 95, "p4": 5}, finished_at=NOW)
    score_run(session, org, NOW, {"p1": 99, "p2": 1, "p3": 98, "p4": 2}, finished_at=NOW)
    # a badge evaluated later from facts dated before the round, one awarded after it
    _badge(session, org, "p1", "rising-star", datetime(2026, 6, 15, tzinfo=UTC))
    _badge(session, org, "p3", "rising-star", NOW)
    # a rating imported later for an earlier period
    session.add(
        PerformanceRating(
            org_id=org.id,
            person_id=org.ids["p4"],
            period="2026H1",
            rating=5,
            created_at=datetime(2026, 6, 2, tzinfo=UTC),
        )
    )
    session.flush()

    assert _figures(session, org, round_.id) == before
    kept = session.scalar(
        sa.select(RoundCandidate.evidence).where(
            RoundCandidate.round_id == round_.id, RoundCandidate.person_id == org.ids["p2"]
        )
    )
    assert kept is not None
    assert kept["badges"][1] == "1 badge"
    assert kept["prominence_internal"][0] == 70


def test_a_criterion_added_later_is_measured_as_of_the_rounds_date(
    session: Session, org: TalentOrg
) -> None:
    _badge(session, org, "p1", "first-kudos", datetime(2026, 5, 1, tzinfo=UTC))
    _badge(session, org, "p1", "rising-star", NOW)  # after the round's date: never counted
    hr = org.staff(Role.HR)
    config = RoundConfig(
        criteria=(WeightedCriterion("tenure", 100.0),),
        performance_criteria=("tenure",),
        potential_criteria=("tenure",),
    )
    round_ = rounds.check_open_round(
        session,
        hr,
        name="R",
        target="T",
        eligibility=Eligibility(departments=("Engineering",)),
        config=config,
        clock=FixedClock(NOW),
        as_of=AS_OF,
    )
    rounds.check_configure_round(
        session,
        hr,
        round_.id,
        RoundConfig(
            criteria=(WeightedCriterion("tenure", 50.0), WeightedCriterion("badges", 50.0)),
            performance_criteria=("tenure",),
            potential_criteria=("badges",),
        ),
        clock=FixedClock(NOW + timedelta(days=1)),
    )
    row = next(r for r in board.board(session, hr, round_.id).rows if r.person_id == org.ids["p1"])
    badges = next(c for c in row.contributions if c.key == "badges")
    assert (badges.points, badges.shown) == (10.0, "1 badge")
