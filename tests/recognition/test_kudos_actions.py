"""Giving kudos within budgets and caps, reactions, comments, withdrawal, the wall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.recognition import actions, queries
from renown.store.tables.audit import AuditEntry
from renown.store.tables.recognition import Kudos
from tests.recognition.helpers import MovableClock, make_org, principal


@pytest.fixture
def org(session: Session) -> tuple[int, dict[str, int]]:
    return make_org(session, "acme", ["a", "b", "c", "d", "e"])


def test_give_kudos_and_see_it_on_the_wall(
    session: Session, org: tuple[int, dict[str, int]]
) -> None:
    org_id, ids = org
    clock = MovableClock()
    ana = principal(org_id, ids["a"])
    kudos = actions.check_give_kudos(
        session, ana, ids["b"], "  Thanks for the review!  ", clock=clock, competency="Craft"
    )
    assert (kudos.message, kudos.competency, kudos.created_at) == (
        "Thanks for the review!",
        "craft",
        clock.instant,
    )
    page = queries.wall(session, principal(org_id, ids["c"]))
    assert page.total == 1 and page.counted == 1
    [item] = page.items
    assert (item.giver.id, item.receiver.id, item.discounted) == (ids["a"], ids["b"], None)
    hr_page = queries.wall(session, principal(org_id, None, Role.HR))
    assert hr_page.items[0].discounted is False
    actions_logged = session.scalars(sa.select(AuditEntry.action)).all()
    assert "kudos.give" in actions_logged


def test_refusals(session: Session, org: tuple[int, dict[str, int]]) -> None:
    org_id, ids = org
    other_org, other_ids = make_org(session, "other", ["z"])
    clock = MovableClock()
    ana = principal(org_id, ids["a"])
    with pytest.raises(Invalid, match="yourself"):
        actions.check_give_kudos(session, ana, ids["a"], "me!", clock=clock)
    with pytest.raises(NotFound):
        actions.check_give_kudos(session, ana, other_ids["z"], "hi", clock=clock)
    with pytest.raises(Invalid, match="characters"):
        actions.check_give_kudos(session, ana, ids["b"], "   ", clock=clock)
    for role in (Role.SPONSOR, Role.MEMBER):
        with pytest.raises(NotAllowed):
            actions.check_give_kudos(
                session, principal(org_id, ids["c"], role), ids["b"], "x", clock=clock
            )
    with pytest.raises(NotAllowed, match="not linked"):
        actions.check_give_kudos(
            session, principal(org_id, None, Role.HR), ids["b"], "x", clock=clock
        )
    with pytest.raises(NotFound):
        queries.kudos_received(session, principal(other_org, other_ids["z"]), ids["b"])
    assert session.scalar(sa.select(sa.func.count(Kudos.id))) == 0


def test_monthly_budget_does_not_roll_over(
    session: Session, org: tuple[int, dict[str, int]]
) -> None:
    org_id, ids = org
    clock = MovableClock(datetime(2026, 1, 31, 23, 0, tzinfo=UTC))
    actions.check_set_limits(
        session, principal(org_id, None, Role.HR), monthly_allowance=4, pair_cap=2, clock=clock
    )
    ana = principal(org_id, ids["a"])
    for receiver in ("b", "b", "c", "d"):
        actions.check_give_kudos(session, ana, ids[receiver], "thanks", clock=clock)
    assert queries.budget_left(session, ana, clock=clock).left == 0
    with pytest.raises(Invalid, match="all 4 kudos of this month"):
        actions.check_give_kudos(session, ana, ids["e"], "thanks", clock=clock)
    # February (UTC) brings a fresh allowance of 4, not 4 plus anything unused
    clock.instant = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
    budget = queries.budget_left(session, ana, clock=clock)
    assert (budget.allowance, budget.given, budget.left) == (4, 0, 4)
    assert budget.renews_at == datetime(2026, 3, 1, tzinfo=UTC)
    actions.check_give_kudos(session, ana, ids["e"], "thanks", clock=clock)


def test_pair_cap_per_month(session: Session, org: tuple[int, dict[str, int]]) -> None:
    org_id, ids = org
    clock = MovableClock()
    ana = principal(org_id, ids["a"])
    for _ in range(actions.DEFAULT_PAIR_CAP):
        actions.check_give_kudos(session, ana, ids["b"], "thanks", clock=clock)
    with pytest.raises(Invalid, match="this colleague 3 kudos"):
        actions.check_give_kudos(session, ana, ids["b"], "again", clock=clock)
    actions.check_give_kudos(session, ana, ids["c"], "thanks", clock=clock)
    clock.instant += timedelta(days=31)
    actions.check_give_kudos(session, ana, ids["b"], "new month", clock=clock)


def test_reactions_comments_and_withdrawal(
    session: Session, org: tuple[int, dict[str, int]]
) -> None:
    org_id, ids = org
    clock = MovableClock()
    ana, ben, cleo = (principal(org_id, ids[k]) for k in "abc")
    kudos = actions.check_give_kudos(session, ana, ids["b"], "great demo", clock=clock)
    first = actions.check_react(session, cleo, kudos.id, "tada", clock=clock)
    assert actions.check_react(session, cleo, kudos.id, "tada", clock=clock).id == first.id
    actions.check_react(session, ben, kudos.id, "tada", clock=clock)
    actions.check_react(session, ben, kudos.id, "heart", clock=clock)
    with pytest.raises(Invalid, match="reaction is one of"):
        actions.check_react(session, ben, kudos.id, "poop", clock=clock)
    comment = actions.check_comment(session, cleo, kudos.id, "well deserved", clock=clock)
    [item] = queries.wall(session, ben).items
    assert item.reactions == {"heart": 1, "tada": 2}
    assert item.my_reactions == ["heart", "tada"] and item.comments == 1
    assert actions.check_unreact(session, ben, kudos.id, "heart", clock=clock)
    assert not actions.check_unreact(session, ben, kudos.id, "heart", clock=clock)
    with pytest.raises(NotAllowed):
        actions.check_delete_comment(session, ben, comment.id, clock=clock)
    assert [c.text for c in queries.comments_of(session, ben, kudos.id)] == ["well deserved"]
    actions.check_delete_comment(session, cleo, comment.id, clock=clock)
    with pytest.raises(NotAllowed, match="only the giver"):
        actions.check_delete_kudos(session, ben, kudos.id, clock=clock)
    assert queries.budget_left(session, ana, clock=clock).given == 1
    actions.check_delete_kudos(session, ana, kudos.id, clock=clock)
    assert queries.wall(session, ben).total == 0
    assert queries.budget_left(session, ana, clock=clock).given == 0


def test_wall_is_newest_first_and_paginated(
    session: Session, org: tuple[int, dict[str, int]]
) -> None:
    org_id, ids = org
    clock = MovableClock()
    for n, giver in enumerate("abcde"):
        clock.instant = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=n)
        receiver = "a" if giver != "a" else "b"
        actions.check_give_kudos(
            session, principal(org_id, ids[giver]), ids[receiver], f"#{n}", clock=clock
        )
    viewer = principal(org_id, ids["a"])
    first = queries.wall(session, viewer, page=1, per_page=2)
    second = queries.wall(session, viewer, page=2, per_page=2)
    last = queries.wall(session, viewer, page=3, per_page=2)
    assert [i.message for i in first.items + second.items + last.items] == [
        "#4",
        "#3",
        "#2",
        "#1",
        "#0",
    ]
    assert first.total == 5
    received = queries.kudos_received(session, viewer, ids["a"])
    assert received.total == 4
    assert queries.kudos_given(session, viewer, ids["a"]).total == 1


def test_limits_are_set_by_people_admins_only(
    session: Session, org: tuple[int, dict[str, int]]
) -> None:
    org_id, ids = org
    clock = MovableClock()
    with pytest.raises(NotAllowed):
        actions.check_set_limits(
            session,
            principal(org_id, ids["a"], Role.MANAGER),
            monthly_allowance=5,
            pair_cap=2,
            clock=clock,
        )
    with pytest.raises(Invalid, match="pair cap"):
        actions.check_set_limits(
            session,
            principal(org_id, None, Role.ADMIN),
            monthly_allowance=2,
            pair_cap=3,
            clock=clock,
        )
