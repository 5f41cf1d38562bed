"""Attacks through outside raters: a requester must never fill an anonymous group with
answers they could have written themselves.

The attack that opened this file: p1 asks for feedback about himself from four outside
addresses he controls, answers the four links himself, and one colleague (s1, "other" to
him) answers anonymously. Five distinct givers then made an "others" group, and her rating
was ``5 * mean - 4 * his rating``. Receiver: p1 (manager e1). Threshold 5.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import Invalid
from renown.core.roles import Role
from renown.feedback import queries
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.outside import check_new_link, do_answer_external
from renown.feedback.rater_links import ExternalRater
from renown.feedback.raters import Delivery, mailbox
from renown.feedback.requests import CreatedRequest, check_request_feedback
from renown.feedback.vocabulary import Anonymity, Visibility
from renown.store import transaction
from renown.store.tables.feedback import FeedbackItem, FeedbackRecipient
from tests.feedback.conftest import Org, Ticking

PUPPETS = [ExternalRater(f"me.{i}@mail.example", f"Client {i}") for i in range(4)]


def _ask(
    db: sessionmaker[Session],
    org: Org,
    clock: Ticking,
    raters: list[ExternalRater],
    *,
    by: str = "p1",
    role: Role = Role.EMPLOYEE,
    subject: str | None = None,
    anonymity: Anonymity = Anonymity.ALLOWED,
    visibility: Visibility = Visibility.PRIVATE,
    delivery: Delivery = Delivery.REQUESTER,
) -> CreatedRequest:
    with transaction(db) as session:
        return check_request_feedback(
            session,
            org.as_(by, role),
            external=raters,
            subject_id=org.ids[subject] if subject else None,
            expires_at=clock.now() + timedelta(days=10),
            anonymity=anonymity,
            visibility=visibility,
            delivery=delivery,
            clock=clock,
        )


def _answer(
    db: sessionmaker[Session], clock: Ticking, token: str, text: str, anonymous: bool | None
) -> int:
    clock.advance(hours=1)
    with transaction(db) as session:
        return do_answer_external(
            session, token, Answer(text, {"delivery": 5}), anonymous=anonymous, clock=clock
        )


def _colleague_answers(db: sessionmaker[Session], org: Org, clock: Ticking, giver: str) -> None:
    clock.advance(hours=1)
    with transaction(db) as session:
        check_give_feedback(
            session,
            org.as_(giver),
            receiver_id=org.ids["p1"],
            answer=Answer(f"honest words from {giver}", {"delivery": 1}),
            anonymous=True,
            clock=clock,
        )


def _aggregates(db: sessionmaker[Session], org: Org) -> dict[str, object]:
    with db() as session:
        view = queries.received(session, org.as_("p1"))
    return {a.group: a for a in view.aggregates}


def test_links_the_requester_holds_take_only_named_answers(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    created = _ask(db, org, clock, PUPPETS)
    assert created.delivery is Delivery.REQUESTER and len(created.links) == 4
    for token in created.links.values():
        with pytest.raises(Invalid, match="named"):
            _answer(db, clock, token, "great", anonymous=True)
        _answer(db, clock, token, "great", anonymous=None)
    _colleague_answers(db, org, clock, "s1")
    assert _aggregates(db, org) == {}  # her answer waits, alone in its group
    with db() as session:
        view = queries.received(session, org.as_("p1"))
    assert {n.giver_name for n in view.named} == {f"Client {i}" for i in range(4)}


def test_mailed_links_to_addresses_the_subject_chose_are_still_named(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    """renown mailing the links does not help when p1 typed in his own mailboxes."""
    created = _ask(db, org, clock, PUPPETS, delivery=Delivery.MAIL)
    for token in created.links.values():  # the mailboxes are his, so he has the links
        with pytest.raises(Invalid, match="named"):
            _answer(db, clock, token, "great", anonymous=True)
    for visibility in (Visibility.PRIVATE, Visibility.MANAGER):
        with pytest.raises(Invalid, match="cannot require anonymity"):
            _ask(
                db,
                org,
                clock,
                PUPPETS,
                anonymity=Anonymity.REQUIRED,
                visibility=visibility,
                delivery=Delivery.MAIL,
            )


def test_a_manager_sharing_answers_with_managers_cannot_count_outside_raters(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    created = _ask(
        db,
        org,
        clock,
        PUPPETS,
        by="e1",
        role=Role.MANAGER,
        subject="p1",
        visibility=Visibility.MANAGER,
        delivery=Delivery.MAIL,
    )
    token = next(iter(created.links.values()))
    with pytest.raises(Invalid, match="named"):
        _answer(db, clock, token, "great", anonymous=True)


def test_outside_raters_a_manager_asked_privately_form_their_own_group(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    """The one case where outside answers are anonymous: e1 asks privately about p1 (who
    reads the answers but chose nobody), and renown mailed the links. Even then, four
    outside answers and a colleague's never make a group together."""
    created = _ask(
        db, org, clock, PUPPETS, by="e1", role=Role.MANAGER, subject="p1", delivery=Delivery.MAIL
    )
    for token in created.links.values():
        _answer(db, clock, token, "from a client", anonymous=True)
    _colleague_answers(db, org, clock, "s1")
    assert _aggregates(db, org) == {}
    more = _ask(
        db,
        org,
        clock,
        [ExternalRater("fifth@client.example", "Fifth Client")],
        by="e1",
        role=Role.MANAGER,
        subject="p1",
        delivery=Delivery.MAIL,
    )
    _answer(db, clock, more.links["fifth@client.example"], "from a client", anonymous=True)
    groups = _aggregates(db, org)
    assert set(groups) == {"client"}
    client = groups["client"]
    assert client.givers == 5  # type: ignore[attr-defined]
    assert "honest words from s1" not in client.comments  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ana@client.example", "ANA@client.example"),
        ("ana@client.example", "ana+360@client.example"),
        ("ana.lee@gmail.com", "analee+x@googlemail.com"),
    ],
)
def test_one_mailbox_is_one_outside_rater(
    db: sessionmaker[Session], org: Org, clock: Ticking, first: str, second: str
) -> None:
    assert mailbox(first) == mailbox(second)
    if first.lower() != second.lower():
        with pytest.raises(Invalid, match="same mailbox"):
            _ask(db, org, clock, [ExternalRater(first, "A"), ExternalRater(second, "B")])


def test_the_same_mailbox_across_requests_counts_once(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    """Five requests to ana+1 … ana+5 are one rater answering five times."""
    for i in range(5):
        created = _ask(
            db,
            org,
            clock,
            [ExternalRater(f"ana+{i}@client.example", "Ana")],
            by="e1",
            role=Role.MANAGER,
            subject="p1",
            delivery=Delivery.MAIL,
        )
        _answer(db, clock, next(iter(created.links.values())), "again", anonymous=True)
    assert _aggregates(db, org) == {}


@pytest.mark.parametrize("address", ["p2@example.com", "P2+alias@Example.com", "max@example.com"])
def test_a_colleague_cannot_be_asked_as_an_outside_rater(
    db: sessionmaker[Session], org: Org, clock: Ticking, address: str
) -> None:
    with pytest.raises(Invalid, match="ask them as a colleague"):
        _ask(db, org, clock, [ExternalRater(address, "Someone")])


def test_requiring_anonymity_later_is_refused_when_outside_raters_cannot_count(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    from renown.feedback.requests import check_change_anonymity

    created = _ask(db, org, clock, PUPPETS, anonymity=Anonymity.NONE)
    with transaction(db) as session, pytest.raises(Invalid, match="cannot require anonymity"):
        check_change_anonymity(
            session, org.as_("p1"), created.request.id, anonymity=Anonymity.REQUIRED, clock=clock
        )


def test_a_held_link_from_before_this_rule_never_counts(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    """Answers already stored anonymously through links the requester held (before links
    were mailed) stay anonymous but never make a group reach its threshold."""
    created = _ask(
        db, org, clock, PUPPETS, by="e1", role=Role.MANAGER, subject="p1", delivery=Delivery.MAIL
    )
    for token in created.links.values():
        _answer(db, clock, token, "held", anonymous=True)
    with transaction(db) as session:  # what the migration records for links of old
        session.execute(
            sa.update(FeedbackRecipient)
            .where(FeedbackRecipient.request_id == created.request.id)
            .values(delivery=Delivery.REQUESTER.value)
        )
    more = _ask(
        db,
        org,
        clock,
        [ExternalRater("real@client.example", "Real Client")],
        by="e1",
        role=Role.MANAGER,
        subject="p1",
        delivery=Delivery.MAIL,
    )
    _answer(db, clock, more.links["real@client.example"], "real", anonymous=True)
    assert _aggregates(db, org) == {}
    with db() as session:
        pending = session.scalar(
            sa.select(sa.func.count()).where(
                FeedbackItem.anonymous.is_(True), FeedbackItem.release_id.is_(None)
            )
        )
    assert pending == 5


def test_a_new_link_kills_the_old_one_and_reveals_nothing_about_answers(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    created = _ask(
        db,
        org,
        clock,
        PUPPETS[:2],
        by="e1",
        role=Role.MANAGER,
        subject="p1",
        delivery=Delivery.MAIL,
    )
    (first, token_a), (second, token_b) = created.links.items()
    _answer(db, clock, token_b, "answered", anonymous=True)
    with transaction(db) as session:
        manager = org.as_("e1", Role.MANAGER)
        fresh = check_new_link(
            session,
            manager,
            created.request.id,
            created.rater_ids[first],
            delivery=Delivery.MAIL,
            clock=clock,
        )
        answered = check_new_link(
            session,
            manager,
            created.request.id,
            created.rater_ids[second],
            delivery=Delivery.MAIL,
            clock=clock,
        )
        # A mailed link is never handed to the requester instead.
        with pytest.raises(Invalid, match="e-mailed"):
            check_new_link(
                session,
                manager,
                created.request.id,
                created.rater_ids[first],
                delivery=Delivery.REQUESTER,
                clock=clock,
            )
    assert fresh.token is not None and answered.token is None  # nothing to send, no error
    with pytest.raises(Exception, match="not valid"):
        _answer(db, clock, token_a, "old link", anonymous=True)
    _answer(db, clock, fresh.token, "new link", anonymous=True)
