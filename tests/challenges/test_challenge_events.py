"""Challenge interactions between people reach the event lake on the ``challenge`` channel,
once, named by employee id; community members without a person never do."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session, sessionmaker

from renown.challenges.events import challenge_events
from renown.core.events import Channel
from renown.ingest.lake import EventLake
from renown.recognition.events import do_export_events
from renown.settings import Settings
from renown.store import transaction
from renown.store.tables.accounts import Account
from renown.store.tables.challenges import (
    ChallengeAppeal,
    ChallengeResult,
    ChallengeReview,
    MarketplaceInvitation,
    SponsorFeedback,
)
from renown.store.tables.org import Organisation, Person
from tests.challenges.conftest import AFTER, Community
from tests.challenges.market_helpers import Entry, completed_challenge


def _person(session: Session, c: Community, account_id: int, employee_id: str) -> None:
    person = Person(org_id=c.org_id, employee_id=employee_id, name=employee_id.upper())
    session.add(person)
    session.flush()
    account = session.get(Account, account_id)
    assert account is not None
    account.person_id = person.id


def _interactions(db: sessionmaker[Session], c: Community) -> None:
    """Staff: the reviewer (r-1), a member-employee (e-1), the sponsor (s-1). The community
    member m0 has no person."""
    reviewer, staff, member = c.second_reviewer, c.employee, c.members[0]
    with transaction(db) as session:
        _person(session, c, reviewer.account_id, "r-1")
        _person(session, c, staff.account_id, "e-1")
        _person(session, c, c.sponsor.account_id, "s-1")
        cid = completed_challenge(
            session,
            c.org_id,
            c.sponsor.account_id,
            [Entry(staff.account_id, 1, 1), Entry(member.account_id, 2)],
            AFTER,
        )
        submissions = {
            r.account_id: r.submission_id
            for r in session.query(ChallengeResult).filter_by(challenge_id=cid)
        }
        reviews = []
        for author in (staff.account_id, member.account_id):
            review = ChallengeReview(
                challenge_id=cid,
                submission_id=submissions[author],
                reviewer_account_id=reviewer.account_id,
                answers={"q": 80.0},
                score=80.0,
                submitted_at=AFTER - timedelta(days=2),
                updated_at=AFTER - timedelta(days=2),
            )
            session.add(review)
            reviews.append(review)
        session.flush()
        session.add_all(
            [
                ChallengeAppeal(
                    challenge_id=cid,
                    review_id=reviews[0].id,
                    question="q",
                    text="please",
                    raised_at=AFTER - timedelta(days=1, hours=2),
                    response="no",
                    outcome="denied",
                    answered_at=AFTER - timedelta(days=1),
                ),
                ChallengeAppeal(  # unanswered: nothing happened between them yet
                    challenge_id=cid,
                    review_id=reviews[0].id,
                    question="r",
                    text="and this",
                    raised_at=AFTER - timedelta(days=1, hours=2),
                ),
                SponsorFeedback(
                    challenge_id=cid,
                    sponsor_account_id=c.sponsor.account_id,
                    member_account_id=staff.account_id,
                    stars=5,
                    text="great",
                    at=AFTER + timedelta(hours=1),
                ),
                SponsorFeedback(
                    challenge_id=cid,
                    sponsor_account_id=c.sponsor.account_id,
                    member_account_id=member.account_id,
                    stars=4,
                    text="good",
                    at=AFTER + timedelta(hours=1),
                ),
            ]
        )
        for status in ("accepted", "declined"):
            session.add(
                MarketplaceInvitation(
                    org_id=c.org_id,
                    sponsor_account_id=c.sponsor.account_id,
                    member_account_id=staff.account_id,
                    title="work",
                    message="m",
                    status=status,
                    created_at=AFTER,
                    answered_at=AFTER + timedelta(hours=2),
                )
            )


def test_challenge_events_between_people(db: sessionmaker[Session], community: Community) -> None:
    _interactions(db, community)
    with db() as session:
        events = challenge_events(session, community.org_id)
        people = dict(session.query(Person.id, Person.employee_id).all())
    named = sorted(
        (people[int(a)], people[int(t)], k)
        for a, t, k in events.select("actor", "target", "kind").rows()
    )
    assert named == [
        ("e-1", "s-1", "accept"),
        ("r-1", "e-1", "reply"),
        ("r-1", "e-1", "review"),
        ("s-1", "e-1", "accept"),
        ("s-1", "e-1", "feedback"),
    ]
    assert set(events["channel"]) == {Channel.CHALLENGE.value}
    assert events["event_key"].n_unique() == events.height


def test_the_recognition_export_carries_them_once(
    db: sessionmaker[Session], community: Community, tmp_path: Path
) -> None:
    _interactions(db, community)
    settings = Settings(home=tmp_path)
    with transaction(db) as session:
        first = do_export_events(session, settings, community.org_id)
        again = do_export_events(session, settings, community.org_id)
        slug = session.get(Organisation, community.org_id).slug  # type: ignore[union-attr]
    assert (first.added, again.added, again.duplicates) == (5, 0, 5)
    lake = EventLake(settings.org_lake_dir(slug)).scan().collect()
    stored = lake.filter(pl.col("channel") == "challenge")
    assert stored.height == 5
    assert set(stored["actor"]) | set(stored["target"]) == {"e-1", "r-1", "s-1"}
