"""The marketplace: searching listed members, invitations with their guards, sponsor feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.challenges import marketplace
from renown.challenges.marketplace import (
    check_answer_invitation,
    check_invite,
    check_withdraw_invitation,
    invitations_for,
    search,
)
from renown.challenges.profiles import check_edit_profile
from renown.challenges.sponsor_feedback import EDIT_DAYS, check_give_feedback
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.store import transaction
from renown.store.tables.challenges import Challenge, MarketplaceInvitation, SponsorFeedback
from renown.store.tables.feedback import Notification
from tests.challenges.conftest import AFTER, Community
from tests.challenges.market_helpers import Entry, completed_challenge


def _profile(
    session: Session,
    who: Principal,
    name: str,
    skills: list[str],
    *,
    availability: str = "available",
    listed: bool = True,
    headline: str = "",
) -> None:
    check_edit_profile(
        session,
        who,
        display_name=name,
        headline=headline,
        skills=skills,
        availability=availability,
        listed=listed,
        now=AFTER,
    )


@pytest.fixture
def market(db: sessionmaker[Session], community: Community) -> Community:
    """Four members: Ada (python, the best rated), Bob (python, sql), Cy (rust, limited, never
    rated), Dee (python, unlisted); an employee Eve (go, unavailable)."""
    m = community.members
    with transaction(db) as session:
        _profile(session, m[0], "Ada", ["Python"], headline="Numerical methods")
        _profile(session, m[1], "Bob", ["python", "SQL"])
        _profile(session, m[2], "Cy", ["rust"], availability="limited")
        _profile(session, m[3], "Dee", ["python"], listed=False)
        _profile(session, community.employee, "Eve", ["go"], availability="unavailable")
        completed_challenge(
            session,
            community.org_id,
            community.sponsor.account_id,
            [Entry(m[0].account_id, 1, 1), Entry(m[1].account_id, 2), Entry(m[3].account_id, 3)],
            AFTER,
        )
    return community


def _names(session: Session, who: Principal, **filters: object) -> list[str]:
    return [r.display_name for r in search(session, who, **filters).rows]  # type: ignore[arg-type]


def test_search_finds_listed_members_best_rated_first(
    db: sessionmaker[Session], market: Community
) -> None:
    with db() as session:
        assert _names(session, market.sponsor) == ["Ada", "Bob", "Cy", "Eve"]
        assert _names(session, market.recruiter, skills=["SQL", "rust"]) == ["Bob", "Cy"]
        assert _names(session, market.hr, availability="limited") == ["Cy"]
        assert _names(session, market.admin, text="NUMERICAL") == ["Ada"]
        page = search(session, market.sponsor, skills=["python"], limit=1, offset=1)
        assert ([r.display_name for r in page.rows], page.total) == (["Bob"], 2)
        top = search(session, market.sponsor, limit=1).rows[0]
        assert (top.wins, top.contests) == (1, 1) and top.rating is not None
        bob = search(session, market.sponsor, text="bob").rows[0]
        assert bob.rating is not None and top.rating > bob.rating
        assert _names(session, market.sponsor, min_rating=bob.rating) == ["Ada", "Bob"]
        assert _names(session, market.sponsor, min_rating=top.rating + 1) == []
        assert search(session, market.sponsor).total == 4
        with pytest.raises(Invalid, match="availability"):
            search(session, market.sponsor, availability="busy")
        with pytest.raises(Invalid, match="page"):
            search(session, market.sponsor, limit=500)
        for peer in (market.members[0], market.employee, market.reviewer):
            with pytest.raises(NotAllowed):
                search(session, peer)


def _invite(session: Session, who: Principal, member: Principal, title: str = "Help us") -> int:
    return check_invite(
        session, who, member.account_id, title=title, message="A week of work", now=AFTER
    ).id


def _notes(session: Session, account_id: int) -> list[str]:
    return list(
        session.scalars(
            sa.select(Notification.kind)
            .where(Notification.account_id == account_id)
            .order_by(Notification.id)
        )
    )


def test_an_invitation_is_answered_once_and_both_sides_are_told(
    db: sessionmaker[Session], market: Community
) -> None:
    ada, sponsor = market.members[0], market.sponsor
    with transaction(db) as session:
        first = _invite(session, sponsor, ada)
        with pytest.raises(Invalid, match="still open"):
            _invite(session, sponsor, ada, "Again")
    with transaction(db) as session:
        with pytest.raises(NotAllowed):
            check_answer_invitation(session, sponsor, first, accept=True, now=AFTER)
        with pytest.raises(NotFound):
            check_answer_invitation(session, market.members[1], first, accept=True, now=AFTER)
        view = check_answer_invitation(session, ada, first, accept=True, now=AFTER)
        assert (view.status, view.member, view.sponsor) == ("accepted", "Ada", sponsor.email)
    with transaction(db) as session:
        with pytest.raises(Invalid, match="already accepted"):
            check_answer_invitation(session, ada, first, accept=False, now=AFTER)
        with pytest.raises(Invalid, match="already accepted"):
            check_withdraw_invitation(session, sponsor, first, now=AFTER)
        second = _invite(session, sponsor, ada, "More work")  # the first one was answered
        with pytest.raises(NotAllowed):
            check_withdraw_invitation(session, ada, second, now=AFTER)
        assert check_withdraw_invitation(session, sponsor, second, now=AFTER).status == "withdrawn"
    with db() as session:
        assert _notes(session, ada.account_id) == [
            "marketplace.invitation",
            "marketplace.invitation",
            "marketplace.withdrawn",
        ]
        assert _notes(session, sponsor.account_id) == ["marketplace.answer"]
        mine = invitations_for(session, ada, AFTER)
        assert [i.status for i in mine.received] == ["withdrawn", "accepted"] and not mine.sent
        theirs = invitations_for(session, sponsor, AFTER)
        assert len(theirs.sent) == 2 and theirs.sent_today == 2 and not theirs.received


def test_invitations_reach_only_listed_available_members(
    db: sessionmaker[Session], market: Community
) -> None:
    with transaction(db) as session:
        with pytest.raises(NotFound):
            _invite(session, market.sponsor, market.members[3])  # Dee is not listed
        with pytest.raises(NotFound):
            _invite(session, market.sponsor, market.recruiter)  # not a member
        with pytest.raises(NotFound):
            _invite(session, market.sponsor, market.outsider)  # another organisation
        with pytest.raises(Invalid, match="not taking work"):
            _invite(session, market.sponsor, market.employee)  # Eve is unavailable
        with pytest.raises(NotAllowed):
            _invite(session, market.members[0], market.members[1])
        with pytest.raises(NotAllowed):
            _invite(session, market.recruiter, market.members[1])
        with pytest.raises(Invalid, match="message must be 1 to 5,000"):
            check_invite(
                session,
                market.sponsor,
                market.members[1].account_id,
                title="t",
                message="x" * 5001,
                now=AFTER,
            )
        with pytest.raises(Invalid, match="title"):
            check_invite(
                session,
                market.sponsor,
                market.members[1].account_id,
                title=" ",
                message="m",
                now=AFTER,
            )
    with db() as session:
        assert session.scalar(sa.select(sa.func.count(MarketplaceInvitation.id))) == 0


def test_the_daily_cap_stops_spam(
    db: sessionmaker[Session], market: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(marketplace, "DAILY_CAP", 2)
    with transaction(db) as session:
        _invite(session, market.sponsor, market.members[0])
        _invite(session, market.sponsor, market.members[1])
        with pytest.raises(Invalid, match="2 invitations in the last 24 hours"):
            _invite(session, market.sponsor, market.members[2])
        _invite(session, market.other_sponsor, market.members[2])  # each sender has a cap
    with transaction(db) as session:
        later = AFTER + timedelta(days=1)
        check_invite(
            session, market.sponsor, market.members[2].account_id, title="t", message="m", now=later
        )


def test_sponsor_feedback_rules(db: sessionmaker[Session], market: Community) -> None:
    ada, bob, cy = market.members[0], market.members[1], market.members[2]
    with transaction(db) as session:
        done = completed_challenge(
            session,
            market.org_id,
            market.sponsor.account_id,
            [Entry(ada.account_id, 1, 1), Entry(bob.account_id, 2)],
            AFTER,
            title="Done",
        )

    def give(who: Principal, member: Principal, stars: int = 4, days: int = 1) -> object:
        with transaction(db) as session:
            return check_give_feedback(
                session,
                who,
                done,
                member.account_id,
                stars=stars,
                text="Clean code",
                now=AFTER + timedelta(days=days),
            )

    with pytest.raises(NotAllowed):
        give(market.other_sponsor, ada)
    with pytest.raises(NotAllowed):
        give(market.admin, ada)
    with pytest.raises(Invalid, match="submitted"):
        give(market.sponsor, cy)
    for stars in (0, 6):
        with pytest.raises(Invalid, match="stars"):
            give(market.sponsor, ada, stars)
    first = give(market.sponsor, ada, 3)
    edited = give(market.sponsor, ada, 5, days=EDIT_DAYS)
    assert not first.edited and edited.edited  # type: ignore[attr-defined]
    with pytest.raises(Invalid, match="now fixed"):
        give(market.sponsor, ada, 1, days=EDIT_DAYS + 1)
    with db() as session:
        rows = session.scalars(sa.select(SponsorFeedback)).all()
        assert [(r.member_account_id, r.stars) for r in rows] == [(ada.account_id, 5)]
        assert _notes(session, ada.account_id) == ["challenge.feedback", "challenge.feedback"]
    with transaction(db) as session:
        running = completed_challenge(
            session, market.org_id, market.sponsor.account_id, [Entry(bob.account_id, 1)], AFTER
        )
        row = session.get(Challenge, running)
        assert row is not None
        row.completed_at = None
    with transaction(db) as session, pytest.raises(Invalid, match="completed"):
        check_give_feedback(
            session, market.sponsor, running, bob.account_id, stars=4, text="x", now=AFTER
        )
