"""Member profiles: editing one's own, who may read whose, and what a profile shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.accounts.principal import Principal
from renown.challenges.profiles import check_edit_profile, member_profile
from renown.challenges.sponsor_feedback import check_give_feedback
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.store import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.challenges import MemberProfile
from tests.challenges.conftest import AFTER, Community
from tests.challenges.market_helpers import Entry, completed_challenge


def _edit(session: Session, who: Principal, name: str, **changes: object) -> None:
    values: dict[str, object] = {
        "display_name": name,
        "headline": "Builds things",
        "skills": ["Python"],
        "availability": "available",
        "listed": True,
        "now": AFTER,
    }
    values.update(changes)
    check_edit_profile(session, who, **values)  # type: ignore[arg-type]


def test_a_member_creates_then_edits_their_profile(
    db: sessionmaker[Session], community: Community
) -> None:
    me = community.members[0]
    with transaction(db) as session:
        view = check_edit_profile(
            session,
            me,
            display_name="  Ada   Lovelace ",
            headline="Analytical engines",
            skills=["Python", "  machine   LEARNING ", "python", ""],
            availability="limited",
            listed=False,
            now=AFTER,
        )
    assert (view.display_name, view.skills) == ("Ada Lovelace", ["python", "machine learning"])
    assert (view.availability, view.listed, view.is_me) == ("limited", False, True)
    assert view.rating is None and view.history == [] and view.badges == []
    with transaction(db) as session:
        _edit(session, me, "Ada L.", skills=["rust"], listed=True)
        row = session.get(MemberProfile, me.account_id)
        assert row is not None and (row.display_name, row.skills, row.listed) == (
            "Ada L.",
            ["rust"],
            True,
        )
        actions = session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.action.like("member_profile.%"))
        ).all()
    assert actions == ["member_profile.create", "member_profile.edit"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"display_name": "A"}, "display name must be 2 to 100"),
        ({"display_name": "x" * 101}, "display name must be 2 to 100"),
        ({"display_name": "Ada\x00"}, "control character"),
        ({"headline": "h" * 201}, "headline must be 0 to 200"),
        ({"skills": [f"s{i}" for i in range(31)]}, "at most 30 skills"),
        ({"skills": ["<script>"]}, "letters, digits"),
        ({"availability": "busy"}, "availability is one of"),
    ],
)
def test_bad_profiles_are_refused(
    db: sessionmaker[Session], community: Community, changes: dict[str, object], message: str
) -> None:
    with transaction(db) as session, pytest.raises(Invalid, match=message):
        _edit(session, community.members[0], "Ada", **changes)
    with db() as session:
        assert session.get(MemberProfile, community.members[0].account_id) is None


def test_display_names_are_unique_in_the_organisation_whatever_the_case(
    db: sessionmaker[Session], community: Community
) -> None:
    with transaction(db) as session:
        _edit(session, community.members[0], "Ada")
        _edit(session, community.outsider, "ADA")  # another organisation: fine
    with transaction(db) as session, pytest.raises(Invalid, match="is taken"):
        _edit(session, community.members[1], "ada")
    with transaction(db) as session:
        _edit(session, community.members[0], "ada")  # one's own name, in another case


def test_only_participants_have_a_profile(db: sessionmaker[Session], community: Community) -> None:
    for who in (community.sponsor, community.hr, community.recruiter, community.admin):
        with transaction(db) as session, pytest.raises(NotAllowed):
            _edit(session, who, "Sponsor")
    with transaction(db) as session:
        _edit(session, community.employee, "Staff Engineer")  # staff take part too
        with pytest.raises(NotFound):
            member_profile(session, community.hr, community.sponsor.account_id)


def test_who_reads_a_profile(db: sessionmaker[Session], community: Community) -> None:
    hidden, shown = community.members[0], community.members[1]
    with transaction(db) as session:
        _edit(session, hidden, "Hidden", listed=False)
        _edit(session, shown, "Shown")
    with db() as session:
        assert member_profile(session, hidden, hidden.account_id).is_me
        for reader in (community.sponsor, community.hr, community.recruiter, community.admin):
            assert member_profile(session, reader, hidden.account_id).display_name == "Hidden"
        for peer in (shown, community.employee, community.reviewer):
            with pytest.raises(NotFound):
                member_profile(session, peer, hidden.account_id)
            assert member_profile(session, peer, shown.account_id).is_me == (peer is shown)
        with pytest.raises(NotFound):
            member_profile(session, community.outsider, shown.account_id)
        # a participant who never edited: readers see a placeholder, peers see nothing
        never = community.members[2]
        assert member_profile(session, community.sponsor, never.account_id).display_name == (
            f"member {never.account_id}"
        )
        with pytest.raises(NotFound):
            member_profile(session, shown, never.account_id)
        with pytest.raises(NotFound):
            member_profile(session, community.sponsor, 999_999)


def test_the_profile_shows_rating_history_results_prizes_badges_and_feedback(
    db: sessionmaker[Session], community: Community
) -> None:
    me, rival = community.members[0], community.members[1]
    with transaction(db) as session:
        _edit(session, me, "Winner")
        first = completed_challenge(
            session,
            community.org_id,
            community.sponsor.account_id,
            [Entry(me.account_id, 1, 1, prize_cents=50_000), Entry(rival.account_id, 2)],
            AFTER,
            title="First",
        )
        completed_challenge(
            session,
            community.org_id,
            community.sponsor.account_id,
            [Entry(rival.account_id, 1, 1, prize_cents=10_000), Entry(me.account_id, 2, 2)],
            AFTER + timedelta(days=10),
            title="Second",
        )
        check_give_feedback(
            session,
            community.sponsor,
            first,
            me.account_id,
            stars=5,
            text="Excellent work",
            now=AFTER + timedelta(days=1),
        )
    with db() as session:
        view = member_profile(session, community.sponsor, me.account_id)
    assert view.rating is not None and view.rating.contests == 2
    assert [p.challenge_title for p in view.history] == ["First", "Second"]
    assert view.history[-1].display == view.rating.display
    assert view.history[0].display > 1000  # one win against one rival: above a newcomer
    assert [r.title for r in view.results] == ["Second", "First"]
    assert (view.tally.completed, view.tally.wins, view.tally.podiums, view.tally.placed) == (
        2,
        1,
        2,
        2,
    )
    assert [(p.currency, p.owed_cents, p.paid_cents) for p in view.prizes] == [("USD", 50_000, 0)]
    assert [b.id for b in view.badges] == ["challenge-first-win"]
    assert view.badges[0].awarded_at == AFTER
    assert [(f.stars, f.text, f.sponsor_name) for f in view.feedback] == [
        (5, "Excellent work", "Acme")
    ]
    assert view.mean_stars == 5.0
    # The classic view of the same two results: one win, one second place, from 1200.
    assert view.classic is not None and view.classic.played == 2
    assert view.classic.volatility < 535


def test_the_database_keeps_display_names_unique_whatever_the_case(
    db: sessionmaker[Session], community: Community
) -> None:
    """Two members racing for one name: the check passes for both, the constraint stops one."""
    first, second = community.members[:2]
    with transaction(db) as session:
        session.add(
            MemberProfile(account_id=first.account_id, org_id=first.org_id, display_name="Quill")
        )
    with pytest.raises(sa.exc.IntegrityError), transaction(db) as session:
        session.add(
            MemberProfile(account_id=second.account_id, org_id=second.org_id, display_name="qUILL")
        )
    with db() as session:
        assert session.scalar(sa.select(MemberProfile.name_key)) == "quill"
