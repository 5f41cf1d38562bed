"""Normal behaviour of every feedback action, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.core.errors import Invalid, NotAllowed, NotFound
from renown.core.roles import Role
from renown.feedback import queries
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.frameworks import (
    DEFAULT_COMPETENCIES,
    check_seed_default_framework,
    competency_keys,
)
from renown.feedback.requests import (
    check_answer_request,
    check_decline,
    check_request_feedback,
    do_send_reminders,
)
from renown.feedback.vocabulary import Anonymity, Relationship, Visibility
from renown.notify.inapp import check_mark_read, list_notifications
from renown.store import transaction
from renown.store.tables import AuditEntry, FeedbackItem
from tests.feedback.conftest import Org, Ticking


def _give(session: Session, org: Org, giver: str, receiver: str, **kwargs: object) -> FeedbackItem:
    kwargs.setdefault("answer", Answer("thanks", {"collaboration": 4}))
    return check_give_feedback(
        session,
        org.as_(giver),
        receiver_id=org.ids[receiver],
        **kwargs,  # type: ignore[arg-type]
    )


def test_the_default_framework_is_seeded_once(session: Session, org: Org) -> None:
    assert competency_keys(session, org.id) == [key for key, _, _ in DEFAULT_COMPETENCIES]
    again = check_seed_default_framework(session, org.staff(Role.HR))
    assert competency_keys(session, org.id) == [key for key, _, _ in DEFAULT_COMPETENCIES]
    assert again.org_id == org.id
    with pytest.raises(NotAllowed):
        check_seed_default_framework(session, org.as_("p1"))


@pytest.mark.parametrize(
    ("giver", "receiver", "expected"),
    [
        ("p1", "p1", Relationship.SELF),
        ("e1", "p1", Relationship.MANAGER),
        ("e0", "p1", Relationship.MANAGER),
        ("p1", "e1", Relationship.REPORT),
        ("p2", "p1", Relationship.PEER),
        ("s1", "p1", Relationship.OTHER),
    ],
)
def test_relationships_come_from_the_org_chart(
    session: Session, org: Org, giver: str, receiver: str, expected: Relationship
) -> None:
    item = _give(session, org, giver, receiver)
    assert item.relationship == expected.value


def test_claimed_relationships_must_match_the_chart(session: Session, org: Org) -> None:
    assert _give(session, org, "s1", "p1", relationship=Relationship.PEER).relationship == "peer"
    for giver, claimed in [
        ("p2", Relationship.MANAGER),
        ("p2", Relationship.SELF),
        ("e1", Relationship.OTHER),
        ("p2", Relationship.CLIENT),
    ]:
        with pytest.raises(Invalid):
            _give(session, org, giver, "p1", relationship=claimed)


def test_invalid_feedback_is_refused(session: Session, org: Org) -> None:
    for answer in [
        Answer(""),
        Answer("x" * 5001),
        Answer("ok", {"delivery": 6}),
        Answer("ok", {"delivery": 0}),
        Answer("ok", {"juggling": 3}),
    ]:
        with pytest.raises(Invalid):
            _give(session, org, "p2", "p1", answer=answer)
    with pytest.raises(Invalid, match="never anonymous"):
        _give(session, org, "p1", "p1", anonymous=True)
    with pytest.raises(Invalid, match="no self-kudos"):
        _give(session, org, "p1", "p1", visibility=Visibility.PUBLIC)
    with pytest.raises(Invalid, match="cannot be anonymous"):
        _give(session, org, "p2", "p1", visibility=Visibility.PUBLIC, anonymous=True)


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.MEMBER])
def test_challenge_roles_take_no_part(session: Session, org: Org, role: Role) -> None:
    with pytest.raises(NotAllowed):
        check_give_feedback(
            session, org.as_("p2", role), receiver_id=org.ids["p1"], answer=Answer("hi")
        )
    with pytest.raises(NotAllowed):
        queries.received(session, org.as_("p2", role))
    with pytest.raises(NotAllowed):  # an account without a person gives nothing either
        check_give_feedback(
            session, org.staff(Role.HR), receiver_id=org.ids["p1"], answer=Answer("hi")
        )


def test_other_organisations_are_not_found(session: Session, org: Org) -> None:
    foreign = org.other_ids["p1"]
    with pytest.raises(NotFound):
        check_give_feedback(session, org.as_("p2"), receiver_id=foreign, answer=Answer("hi"))
    with pytest.raises(NotFound):
        queries.about_person(session, org.staff(Role.HR), foreign)
    with pytest.raises(NotFound):
        check_request_feedback(
            session,
            org.as_("p1"),
            person_ids=[foreign],
            expires_at=Ticking().now() + timedelta(days=1),
            clock=Ticking(),
        )


def test_named_feedback_is_audited_and_notified_anonymous_is_not_linked(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        named = _give(session, org, "p2", "p1", clock=clock)
        _give(session, org, "p3", "p1", anonymous=True, clock=clock)
    with db() as session:
        entries = {e.action: e for e in audit.entries(session, org_id=org.id)}
        assert entries["feedback.give"].subject == f"feedback:{named.id}"
        anonymous = entries["feedback.give_anonymous"]
        assert anonymous.subject == f"org:{org.id}" and anonymous.payload == {}
        assert audit.verify(session) == []
        notes = list_notifications(session, org.as_("p1"))
    assert [n.text for n in notes] == ["Eng P2 gave you feedback"]


def test_notifications_are_marked_read_by_their_owner_only(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        _give(session, org, "p2", "p1", clock=clock)
    with transaction(db) as session:
        [note] = list_notifications(session, org.as_("p1"))
        with pytest.raises(NotFound):
            check_mark_read(session, org.as_("p2"), note.id, clock=clock)
        assert check_mark_read(session, org.as_("p1"), note.id, clock=clock).read_at == clock.now()
        assert list_notifications(session, org.as_("p1"), unread_only=True) == []


def _request(session: Session, org: Org, clock: Ticking, **kwargs: object) -> int:
    kwargs.setdefault("person_ids", [org.ids["p2"], org.ids["p3"]])
    kwargs.setdefault("expires_at", clock.now() + timedelta(days=7))
    created = check_request_feedback(session, org.as_("p1"), clock=clock, **kwargs)  # type: ignore[arg-type]
    return created.request.id


def test_request_answer_once_decline_and_expiry(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        request = _request(session, org, clock, competencies=["delivery"])
    with db() as session:
        assert [p.id for p in queries.pending(session, org.as_("p2"), clock=clock)] == [request]
        assert "asks for your feedback" in list_notifications(session, org.as_("p2"))[0].text
    with transaction(db) as session:
        with pytest.raises(Invalid, match="only the competencies"):
            check_answer_request(
                session, org.as_("p2"), request, Answer("x", {"craft": 3}), clock=clock
            )
        check_answer_request(
            session, org.as_("p2"), request, Answer("good", {"delivery": 4}), clock=clock
        )
    with transaction(db) as session:
        with pytest.raises(Invalid, match="already answered"):
            check_answer_request(session, org.as_("p2"), request, Answer("again"), clock=clock)
        with pytest.raises(NotFound):  # not invited
            check_answer_request(session, org.as_("p4"), request, Answer("me too"), clock=clock)
        check_decline(session, org.as_("p3"), request, clock=clock)
        with pytest.raises(Invalid, match="already declined"):
            check_answer_request(session, org.as_("p3"), request, Answer("x"), clock=clock)
    with db() as session:
        [view] = queries.requested(session, org.as_("p1"))
        assert view.answered == 1 and view.locked
        assert {r.name: r.status for r in view.recipients} == {
            "Eng P2": "answered",
            "Eng P3": "declined",
        }
        [item] = queries.received(session, org.as_("p1"), request_id=request).named
        assert item.giver_name == "Eng P2" and item.ratings == {"delivery": 4}
    with transaction(db) as session:
        late = _request(session, org, clock, person_ids=[org.ids["p4"]])
    clock.advance(days=8)
    with transaction(db) as session, pytest.raises(Invalid, match="expired"):
        check_answer_request(session, org.as_("p4"), late, Answer("late"), clock=clock)


def test_request_rules(db: sessionmaker[Session], org: Org, clock: Ticking) -> None:
    with transaction(db) as session:
        for kwargs in [
            {"person_ids": []},
            {"expires_at": clock.now() - timedelta(seconds=1)},
            {"expires_at": clock.now() + timedelta(days=181)},
            {"visibility": Visibility.PUBLIC},
            {"anonymity": Anonymity.REQUIRED, "person_ids": [org.ids["e1"]]},
            {"anonymity": Anonymity.REQUIRED, "threshold": 2},
            {"competencies": ["juggling"]},
        ]:
            with pytest.raises(Invalid):
                _request(session, org, clock, **kwargs)
        with pytest.raises(NotAllowed):  # a peer asks nothing about another peer
            _request(session, org, clock, subject_id=org.ids["p5"])
    with transaction(db) as session:
        created = check_request_feedback(
            session,
            org.as_("e1", Role.MANAGER),
            subject_id=org.ids["p1"],
            person_ids=[org.ids["p2"]],
            expires_at=clock.now() + timedelta(days=7),
            anonymity=Anonymity.ALLOWED,
            clock=clock,
        )
        assert created.request.subject_id == org.ids["p1"]
        assert created.request.anonymity_threshold == 5


def test_answers_inherit_the_requests_anonymity(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        named = _request(session, org, clock)
        required = _request(session, org, clock, anonymity=Anonymity.REQUIRED)
    with transaction(db) as session:
        with pytest.raises(Invalid, match="named"):
            check_answer_request(
                session, org.as_("p2"), named, Answer("x"), anonymous=True, clock=clock
            )
        with pytest.raises(Invalid, match="anonymous"):
            check_answer_request(
                session, org.as_("p2"), required, Answer("x"), anonymous=False, clock=clock
            )
        item_id = check_answer_request(session, org.as_("p2"), required, Answer("x"), clock=clock)
        item = session.get(FeedbackItem, item_id)
        assert item is not None and item.anonymous and item.release_id is None
        # An anonymous answer tells the requester nothing when it arrives.
        assert list_notifications(session, org.as_("p1")) == []


def test_reminders_are_daily_capped_and_idempotent(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        request = _request(session, org, clock, expires_at=clock.now() + timedelta(days=30))
        assert do_send_reminders(session, clock=clock) == 0  # not due yet
    with transaction(db) as session:
        check_answer_request(session, org.as_("p2"), request, Answer("done"), clock=clock)
    sent = []
    for _day in range(6):
        clock.advance(days=1)
        with transaction(db) as session:
            sent.append(do_send_reminders(session, clock=clock, max_reminders=3))
            assert do_send_reminders(session, clock=clock) == 0  # same day: nothing more
    assert sent == [0, 1, 1, 1, 0, 0]  # only p3 (p2 answered), from day 2, three times
    with db() as session:
        reminders = [
            n for n in list_notifications(session, org.as_("p3")) if n.kind == "feedback.reminder"
        ]
        assert len(reminders) == 3
        assert (
            session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "feedback.remind"))
            == 3
        )
