"""The demo's promotion boards: seeded through the talent actions once, coherent, idempotent.

One small demo is seeded per database for the whole module (seeding takes seconds); every
test only reads it, except the re-seed, which must change nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import renown.store.tables  # noqa: F401 - registers every table for the row counts
from renown import audit
from renown.accounts.actions import principal_of
from renown.accounts.principal import Principal
from renown.core.roles import Role
from renown.demo.org import DEFAULT_END
from renown.demo.platform import DemoAccounts, seed_demo
from renown.demo.talent import (
    CALIBRATION,
    DECIDED_POOL,
    DECIDED_ROUND,
    OPEN_POOL,
    OPEN_ROUND,
    level_of,
)
from renown.settings import Settings
from renown.store import Base, make_engine
from renown.store.tables.accounts import Account
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.talent import (
    Appeal,
    CalibrationMove,
    CalibrationSession,
    Demographics,
    ExternalProminence,
    PerformanceRating,
    PromotionRound,
    RoundCandidate,
    RoundDecision,
    SuccessionPlan,
    Successor,
    TalentProfile,
)
from renown.talent.board import board, my_explanation
from renown.talent.calibration import nine_box
from renown.talent.decisions import verify_decision
from renown.talent.demographics import VOCABULARIES
from renown.talent.rounds import visible_round

PEOPLE = 150


@dataclass(frozen=True)
class Demo:
    settings: Settings
    accounts: DemoAccounts
    engine: sa.Engine


def _empty(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="module")
def demo(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    engine = make_engine(database_url)
    _empty(engine)
    home: Path = tmp_path_factory.mktemp("talent-demo")
    settings = Settings(home=home, database_url=database_url, secret_key="t")
    try:
        yield Demo(settings, seed_demo(settings, people=PEOPLE), engine)
    finally:
        _empty(engine)
        engine.dispose()


def _round(session: Session, name: str) -> PromotionRound:
    return session.scalars(sa.select(PromotionRound).where(PromotionRound.name == name)).one()


def _pool(session: Session, round_id: int) -> int:
    included = RoundCandidate.included.is_(True)
    query = sa.select(sa.func.count()).where(RoundCandidate.round_id == round_id, included)
    return int(session.scalar(query) or 0)


def _principal(session: Session, role: Role) -> Principal:
    account = session.scalars(
        sa.select(Account).where(Account.role == role.value).order_by(Account.id).limit(1)
    ).one()
    return principal_of(account)


def test_the_open_round_has_its_pool_weights_and_an_open_calibration_with_three_moves(
    demo: Demo,
) -> None:
    with Session(demo.engine) as session:
        hr = _principal(session, Role.HR)
        round_ = _round(session, OPEN_ROUND)
        assert (round_.status, round_.top_n, round_.transparency) == ("open", 8, "candidates")
        assert {"key": "prominence_internal", "weight": 20.0} in round_.criteria
        assert not round_.external_weighted
        assert round_.as_of == DEFAULT_END
        pool = _pool(session, round_.id)
        assert OPEN_POOL[0] <= pool <= OPEN_POOL[1]
        shown = board(session, hr, round_.id)
        assert len(shown.rows) == pool and len(shown.recommended) >= 8
        assert all(row.contributions for row in shown.rows)
        calibration = session.scalars(
            sa.select(CalibrationSession).where(CalibrationSession.round_id == round_.id)
        ).one()
        assert calibration.name == CALIBRATION and calibration.closed_at is None
        moves = session.scalars(
            sa.select(CalibrationMove).where(CalibrationMove.session_id == calibration.id)
        ).all()
        assert len(moves) == 3 and len({m.person_id for m in moves}) == 3
        assert all(len(m.reason) > 20 for m in moves)
        for move in moves:
            before = (move.from_performance, move.from_potential)
            assert before != (move.to_performance, move.to_potential)
        grid = nine_box(session, hr, round_.id)
        assert grid.active is not None and grid.active.id == calibration.id
        assert len(grid.moves) == 3 and grid.movable
        assert any(group.moved for group in grid.shift)


def test_the_decided_round_is_signed_off_and_the_demo_employee_appeals(demo: Demo) -> None:
    with Session(demo.engine) as session:
        employee = _principal(session, Role.EMPLOYEE)
        manager = _principal(session, Role.MANAGER)
        round_ = _round(session, DECIDED_ROUND)
        assert round_.status == "decided" and round_.decided_at is not None
        assert DECIDED_POOL[0] <= _pool(session, round_.id) <= DECIDED_POOL[1]
        decision = session.scalars(
            sa.select(RoundDecision).where(RoundDecision.round_id == round_.id)
        ).one()
        assert verify_decision(session, decision)
        assert 1 <= len(decision.promoted) <= round_.top_n
        assert employee.person_id not in decision.promoted
        appeal = session.scalars(sa.select(Appeal).where(Appeal.round_id == round_.id)).one()
        assert (appeal.person_id, appeal.status, appeal.answer) == (
            employee.person_id,
            "open",
            None,
        )
        assert appeal.filed_at > decision.signed_at
        mine = my_explanation(session, employee, round_.id)
        assert mine.decided and mine.promoted is False and mine.row is not None
        assert visible_round(session, manager, round_.id).id == round_.id


def test_talent_records_and_demographics_cover_the_organisation(demo: Demo) -> None:
    with Session(demo.engine) as session:
        people = session.scalars(sa.select(Person)).all()
        levels = dict(
            session.execute(sa.select(TalentProfile.person_id, TalentProfile.level)).all()
        )
        assert set(levels) == {p.id for p in people}
        assert all(levels[p.id] == level_of(p.title) for p in people)
        ratings = session.execute(
            sa.select(
                PerformanceRating.person_id, PerformanceRating.period, PerformanceRating.rating
            )
        ).all()
        periods = Counter(period for _, period, _ in ratings)
        assert set(periods) == {"2025", "2026"}
        assert all(count < len(people) for count in periods.values())  # a few are missing
        values = Counter(rating for _, _, rating in ratings)
        assert set(values) <= {1, 2, 3, 4, 5}
        assert values[3] + values[4] > 0.6 * len(ratings)
        assert values[3] > values[5] and values[4] > values[1]
        observed = session.execute(
            sa.select(ExternalProminence.person_id, ExternalProminence.observed_on)
        ).all()
        observers = {pid for pid, _ in observed}
        assert 0.25 * len(people) < len(observers) < 0.55 * len(people)
        window = DEFAULT_END.date() - timedelta(days=92)
        assert all(window <= day <= DEFAULT_END.date() for _, day in observed)
        answers = session.scalars(sa.select(Demographics)).all()
        assert {d.source for d in answers} == {"import"}
        answered = [d for d in answers if any(getattr(d, f) for f in VOCABULARIES)]
        assert 0.75 * len(people) < len(answered) < 0.95 * len(people)
        for field, allowed in VOCABULARIES.items():
            given = {getattr(d, field) for d in answered} - {None}
            assert given <= set(allowed) and len(given) >= 2


def test_two_succession_plans_with_suggested_successors_and_one_set_by_hr(demo: Demo) -> None:
    with Session(demo.engine) as session:
        plans = session.scalars(sa.select(SuccessionPlan).order_by(SuccessionPlan.id)).all()
        assert len(plans) == 2
        set_by_hr = []
        for plan in plans:
            assert plan.incumbent_id is not None
            successors = session.scalars(
                sa.select(Successor).where(Successor.plan_id == plan.id)
            ).all()
            assert 3 <= len(successors) <= 5
            assert plan.incumbent_id not in {s.person_id for s in successors}
            set_by_hr += [
                s for s in successors if not s.reason.startswith("suggested from the evidence")
            ]
        assert len(set_by_hr) == 1 and len(set_by_hr[0].reason) > 20


def test_seeding_twice_adds_nothing_and_the_audit_chain_holds(demo: Demo) -> None:
    def counts() -> dict[str, int]:
        with demo.engine.connect() as connection:
            return {
                table.name: int(
                    connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                )
                for table in Base.metadata.sorted_tables
            }

    before = counts()
    assert seed_demo(demo.settings, people=PEOPLE) == demo.accounts
    assert counts() == before
    with Session(demo.engine) as session:
        assert audit.verify(session) == []
        actions = set(session.scalars(sa.select(AuditEntry.action)))
    assert {
        "talent.records.import",
        "talent.demographics.import",
        "talent.round.open",
        "talent.round.decide",
        "talent.appeal.file",
        "talent.calibration.move",
        "talent.succession.readiness",
    } <= actions


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Junior Software Engineer", "L1"),
        ("Account Executive", "L2"),
        ("Senior Data Scientist", "L3"),
        ("Manager, Sales", "L4"),
        ("Director, Engineering", "L5"),
        ("VP, Engineering", "L6"),
        ("Chief Executive Officer", "L6"),
        ("Executive Assistant", "L3"),
        (None, "L2"),
    ],
)
def test_levels_follow_the_demo_titles(title: str | None, level: str) -> None:
    assert level_of(title) == level
