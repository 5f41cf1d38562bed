"""Challenge badges: one set of rules over one kind of fact, stored for staff (through the
recognition pass) and computed on the profile for community members, with the same dates."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges.badge_facts import (
    CHALLENGE_FACTS,
    account_challenge_facts,
    member_badges,
    person_challenge_facts,
)
from renown.core.clock import FixedClock
from renown.recognition.badges import do_evaluate_badges, store_facts
from renown.store import transaction
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import RatingHistory
from renown.store.tables.org import Person
from renown.store.tables.recognition import BadgeAward
from tests.challenges.conftest import AFTER, Community
from tests.challenges.market_helpers import Entry, completed_challenge

DAY = timedelta(days=1)


def _season(session: Session, c: Community, me: int) -> list[int]:
    """Five challenges for ``me`` among three rivals: won 3, second twice; the last one
    decided on day 4."""
    rivals = [m.account_id for m in c.members[1:]]
    ids = []
    for day, my_rank in enumerate([1, 2, 1, 2, 1]):
        others = [r for r in range(1, 5) if r != my_rank]
        entries = [Entry(me, my_rank, my_rank if my_rank <= 2 else None)]
        entries += [Entry(a, r) for a, r in zip(rivals, others, strict=True)]
        ids.append(
            completed_challenge(
                session, c.org_id, c.sponsor.account_id, entries, AFTER + day * DAY, title=f"C{day}"
            )
        )
    return ids


def test_a_members_challenge_badges_come_from_the_default_rules(
    db: sessionmaker[Session], community: Community
) -> None:
    me = community.members[0].account_id
    with transaction(db) as session:
        _season(session, community, me)
    with db() as session:
        facts = account_challenge_facts(session, community.org_id, [me])
        assert set(facts["fact"]) == CHALLENGE_FACTS
        assert facts.filter(facts["fact"] == "challenge_won").height == 3
        earned = {b.id: b for b in member_badges(session, community.org_id, me)}
    assert set(earned) == {"challenge-first-win", "challenge-podiums", "challenge-veteran"}
    assert earned["challenge-first-win"].awarded_at == AFTER
    assert earned["challenge-podiums"].awarded_at == AFTER + 2 * DAY  # the third podium
    assert earned["challenge-veteran"].awarded_at == AFTER + 4 * DAY  # the fifth challenge
    assert earned["challenge-veteran"].tier == "bronze" and earned["challenge-veteran"].reason


def test_a_high_rating_earns_top_rated_and_failing_entries_win_nothing(
    db: sessionmaker[Session], community: Community
) -> None:
    me, rival = community.members[0].account_id, community.members[1].account_id
    with transaction(db) as session:
        cid = completed_challenge(
            session,
            community.org_id,
            community.sponsor.account_id,
            [Entry(me, 1, passed=False), Entry(rival, 2, passed=False)],
            AFTER,
            rate=False,
        )
        session.add(
            RatingHistory(
                account_id=rival, challenge_id=cid, mu=40.0, sigma=2.0, rank=2, at=AFTER + DAY
            )
        )
    with db() as session:
        assert member_badges(session, community.org_id, me) == []  # first, but not passing
        earned = member_badges(session, community.org_id, rival)
    assert [(b.id, b.awarded_at) for b in earned] == [("challenge-top-rated", AFTER + DAY)]


def test_staff_earn_the_same_badges_through_the_recognition_pass(
    db: sessionmaker[Session], community: Community
) -> None:
    staff = community.employee.account_id
    with transaction(db) as session:
        person = Person(org_id=community.org_id, employee_id="e-1", name="Staff Member")
        session.add(person)
        session.flush()
        account = session.get(Account, staff)
        assert account is not None
        account.person_id = person.id
        person_id = person.id
        rivals = [m.account_id for m in community.members[:3]]
        for day in range(5):
            entries = [Entry(staff, 1, 1)] + [Entry(a, r + 2) for r, a in enumerate(rivals)]
            completed_challenge(
                session,
                community.org_id,
                community.sponsor.account_id,
                entries,
                AFTER + day * DAY,
            )
    with db() as session:
        facts = person_challenge_facts(session, community.org_id)
        assert set(facts["subject_user"]) == {str(person_id)}  # members without a person: none
        everything = store_facts(session, community.org_id)
        assert everything.filter(pl.col("subject_user") == str(person_id)).height == facts.height
        expected = {(b.id, b.awarded_at) for b in member_badges(session, community.org_id, staff)}
    with transaction(db) as session:
        run = do_evaluate_badges(session, community.org_id, FixedClock(AFTER + 10 * DAY))
        assert run.awarded
    with transaction(db) as session:
        assert not do_evaluate_badges(
            session, community.org_id, FixedClock(AFTER + 11 * DAY)
        ).awarded
        stored = {
            (a.badge, a.awarded_at)
            for a in session.scalars(sa.select(BadgeAward).where(BadgeAward.person_id == person_id))
        }
    assert stored == expected
    assert {"challenge-first-win", "challenge-podiums", "challenge-veteran"} <= {
        b for b, _ in stored
    }
