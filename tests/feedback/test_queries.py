"""Who reads which feedback: private, shared with managers, public kudos; views per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import NotAllowed, NotFound
from renown.core.roles import Role
from renown.feedback import queries
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.vocabulary import Visibility
from renown.privacy.export import export_my_data
from renown.store import transaction
from tests.feedback.conftest import Org, Ticking


@pytest.fixture
def items(db: sessionmaker[Session], org: Org, clock: Ticking) -> dict[str, int]:
    """p1 receives one private, one manager-shared and one public item."""
    made = {}
    with transaction(db) as session:
        for giver, visibility, rating in [
            ("p2", Visibility.PRIVATE, 2),
            ("p3", Visibility.MANAGER, 4),
            ("s1", Visibility.PUBLIC, 5),
        ]:
            clock.advance(days=40)
            made[visibility.value] = check_give_feedback(
                session,
                org.as_(giver),
                receiver_id=org.ids["p1"],
                answer=Answer(f"{visibility.value} words", {"delivery": rating}),
                visibility=visibility,
                clock=clock,
            ).id
    return made


def _texts(view: queries.FeedbackView) -> set[str]:
    return {item.text for item in view.named}


def test_visibility_private_manager_public(
    session: Session, org: Org, items: dict[str, int]
) -> None:
    everything = {"private words", "manager words", "public words"}
    shared = {"manager words", "public words"}
    assert _texts(queries.received(session, org.as_("p1"))) == everything
    assert _texts(queries.about_person(session, org.as_("p1"), org.ids["p1"])) == everything
    for chief in (org.as_("e1", Role.MANAGER), org.as_("e0", Role.MANAGER)):
        assert _texts(queries.about_person(session, chief, org.ids["p1"])) == shared
    for staff in (org.staff(Role.HR), org.staff(Role.ADMIN)):
        assert _texts(queries.about_person(session, staff, org.ids["p1"])) == shared
    for outsider in (org.as_("p2"), org.as_("s1", Role.MANAGER), org.staff(Role.RECRUITER)):
        with pytest.raises(NotFound):
            queries.about_person(session, outsider, org.ids["p1"])
    wall = queries.wall(session, org.as_("p9"))
    assert [(w.text, w.giver_name, w.receiver_name) for w in wall] == [
        ("public words", "Sam Sales", "Eng P1")
    ]
    assert queries.wall(session, Org(org.other_id, {}, org.id, {}).staff(Role.HR)) == []


def test_filters_narrow_named_items(
    session: Session, org: Org, items: dict[str, int], clock: Ticking
) -> None:
    me = org.as_("p1")
    assert _texts(queries.received(session, me, competency="craft")) == set()
    assert len(queries.received(session, me, competency="delivery").named) == 3
    since = clock.now() - timedelta(days=1)
    assert _texts(queries.received(session, me, since=since)) == {"public words"}
    assert _texts(queries.received(session, me, until=since)) == {"private words", "manager words"}


def test_given_pending_and_trends(session: Session, org: Org, items: dict[str, int]) -> None:
    [mine] = queries.given(session, org.as_("p2"))
    assert (mine.receiver_name, mine.visibility, mine.anonymous) == ("Eng P1", "private", False)
    assert queries.pending(session, org.as_("p2")) == []
    own = queries.competency_trends(session, org.as_("p1"), org.ids["p1"])
    assert [(p.competency, p.quarter, p.mean, p.n) for p in own] == [
        ("delivery", "2024Q2", 3.0, 2),
        ("delivery", "2024Q3", 5.0, 1),
    ]
    managers = queries.competency_trends(session, org.as_("e1", Role.MANAGER), org.ids["p1"])
    assert [(p.quarter, p.mean) for p in managers] == [("2024Q2", 4.0), ("2024Q3", 5.0)]
    with pytest.raises(NotFound):
        queries.competency_trends(session, org.as_("p2"), org.ids["p1"])


def test_hr_overview_counts(session: Session, org: Org, items: dict[str, int]) -> None:
    overview = queries.org_overview(session, org.staff(Role.HR))
    assert overview.named_items == {"private": 1, "manager": 1, "public": 1}
    assert overview.threshold == 5 and overview.released_givers == {}
    assert [(m.key, m.mean, m.n) for m in overview.competencies] == [("delivery", 4.5, 2)]
    with pytest.raises(NotAllowed):
        queries.org_overview(session, org.as_("e1", Role.MANAGER))


def test_the_export_holds_received_named_feedback(
    session: Session, org: Org, items: dict[str, int]
) -> None:
    data = export_my_data(session, org.as_("p1"))
    feedback = data["feedback_received"]
    assert {item["text"] for item in feedback["named"]} == {
        "private words",
        "manager words",
        "public words",
    }
    assert feedback["anonymous_aggregates"] == []
    assert {g["group"] for g in feedback["anonymous_suppressed"]} == {
        "peer",
        "report",
        "client",
        "other",
    }
