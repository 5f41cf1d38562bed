"""Attacks on anonymity: each test tries to isolate one anonymous giver and must fail.

Receiver: p1. Anonymous givers: their peers p2 … p12 (threshold 5, the default).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from renown.core.errors import Invalid, NotFound
from renown.core.roles import Role
from renown.feedback import queries
from renown.feedback.actions import Answer, check_give_feedback
from renown.feedback.outside import do_answer_external
from renown.feedback.rater_links import ExternalRater
from renown.feedback.requests import (
    check_answer_request,
    check_change_anonymity,
    check_request_feedback,
)
from renown.feedback.thresholds import check_set_anonymity_threshold
from renown.feedback.vocabulary import Anonymity, Relationship, Visibility
from renown.notify.inapp import list_notifications
from renown.privacy.export import export_my_data
from renown.store import transaction
from tests.feedback.conftest import Org, Ticking


def _anonymous(
    db: sessionmaker[Session],
    org: Org,
    clock: Ticking,
    givers: list[str],
    *,
    receiver: str = "p1",
    visibility: Visibility = Visibility.PRIVATE,
    ratings: dict[str, int] | None = None,
) -> None:
    for giver in givers:
        clock.advance(hours=1)
        with transaction(db) as session:
            check_give_feedback(
                session,
                org.as_(giver),
                receiver_id=org.ids[receiver],
                answer=Answer(f"from {giver}", ratings or {"delivery": 3}),
                visibility=visibility,
                anonymous=True,
                clock=clock,
            )


def _received(db: sessionmaker[Session], org: Org, **filters: object) -> queries.FeedbackView:
    with db() as session:
        return queries.received(session, org.as_("p1"), **filters)  # type: ignore[arg-type]


def test_a_four_peers_show_nothing_the_fifth_releases(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5"])
    view = _received(db, org)
    assert view.aggregates == () and view.named == ()
    peer = next(s for s in view.suppressed if s.group == "peer")
    assert peer.note == "fewer than 5 responses" and "4" not in peer.note
    _anonymous(db, org, clock, ["p6"])
    [aggregate] = _received(db, org).aggregates
    assert aggregate.group == "peer" and aggregate.givers == 5
    assert sorted(aggregate.comments) == [f"from p{i}" for i in range(2, 7)]


def test_b_subtraction_one_more_answer_changes_nothing(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5", "p6"])
    before = _received(db, org)
    for giver in ["p7", "p8", "p9", "p10"]:
        _anonymous(db, org, clock, [giver], ratings={"delivery": 5})
        assert _received(db, org) == before, f"the view changed after {giver} alone"
    _anonymous(db, org, clock, ["p11"], ratings={"delivery": 5})
    after = _received(db, org)
    [aggregate] = after.aggregates
    assert aggregate.givers == 10
    # What changed is five givers at once: the difference is itself a 5-giver aggregate.
    assert len(set(aggregate.comments) - set(before.aggregates[0].comments)) == 5


def test_b_repeat_answers_by_released_givers_do_not_cut_a_release(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5", "p6"])
    before = _received(db, org)
    _anonymous(db, org, clock, ["p2", "p2", "p2", "p3", "p7"])  # 3 distinct new givers
    assert _received(db, org) == before


def test_c_narrowing_filters_never_narrow_anonymous_data(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        request = check_request_feedback(
            session,
            org.as_("p1"),
            person_ids=[org.ids["p2"]],
            expires_at=clock.now() + timedelta(days=10),
            anonymity=Anonymity.REQUIRED,
            clock=clock,
        ).request.id
    clock.advance(hours=1)
    with transaction(db) as session:
        check_answer_request(
            session, org.as_("p2"), request, Answer("via request", {"craft": 1}), clock=clock
        )
    _anonymous(db, org, clock, ["p3", "p4", "p5", "p6"], ratings={"delivery": 4})
    full = _received(db, org)
    [aggregate] = full.aggregates
    craft = next(m for m in aggregate.competencies if m.key == "craft")
    assert craft.mean is None and craft.n is None  # one rater of craft: not shown
    narrowed = [
        {"competency": "craft"},
        {"request_id": request},
        {"since": clock.now() - timedelta(minutes=90)},
        {"until": clock.now() - timedelta(hours=3)},
    ]
    for filters in narrowed:
        view = _received(db, org, **filters)
        assert view.aggregates == full.aggregates, filters
        assert view.suppressed == full.suppressed, filters


def test_c_trends_use_whole_release_blocks_only(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5"], ratings={"delivery": 2})
    with db() as session:
        assert queries.competency_trends(session, org.as_("p1"), org.ids["p1"]) == []
    _anonymous(db, org, clock, ["p6"], ratings={"delivery": 2, "craft": 5})
    with db() as session:
        points = queries.competency_trends(session, org.as_("p1"), org.ids["p1"])
    assert [(p.competency, p.quarter, p.mean, p.n) for p in points] == [
        ("delivery", "2024Q1", 2.0, 5)
    ]


def test_d_comment_order_reveals_no_arrival_order_and_times_are_coarse(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    givers = [f"p{i}" for i in range(2, 13)]  # eleven givers: two releases of 5, one waits
    _anonymous(db, org, clock, givers)
    [aggregate] = _received(db, org).aggregates
    arrival = [f"from {g}" for g in givers[:10]]
    assert sorted(aggregate.comments) == sorted(arrival)
    assert list(aggregate.comments) != arrival and list(aggregate.comments) != arrival[::-1]
    assert list(aggregate.comments) != sorted(arrival)  # nor giver-id (name) order
    assert aggregate.period == "2024-03"
    text = json.dumps(asdict(aggregate))
    assert "2024-03-04" not in text and "T" not in aggregate.period
    with db() as session:  # the receiver's notification of each release: the month only
        notes = list_notifications(session, org.as_("p1"))
    released = [n.created_at for n in notes if n.kind == "feedback.release"]
    assert released and set(released) == {datetime(2024, 3, 1, tzinfo=UTC)}


def test_e_thresholds_below_three_and_anonymous_manager_feedback_are_refused(
    db: sessionmaker[Session], org: Org
) -> None:
    with transaction(db) as session:
        for value in (0, 1, 2):
            with pytest.raises(Invalid):
                check_set_anonymity_threshold(session, org.staff(Role.HR), value)
        assert check_set_anonymity_threshold(session, org.staff(Role.HR), 3) == 3
        with pytest.raises(Invalid, match="never anonymous"):
            check_give_feedback(
                session,
                org.as_("e1", Role.MANAGER),
                receiver_id=org.ids["p1"],
                answer=Answer("well done"),
                anonymous=True,
            )
        with pytest.raises(Invalid):  # a skip-level manager is a manager too
            check_give_feedback(
                session, org.as_("e0"), receiver_id=org.ids["p1"], answer=Answer("x"),
                anonymous=True,
            )  # fmt: skip
        with pytest.raises(Invalid):  # ... and cannot pose as a peer to hide it
            check_give_feedback(
                session, org.as_("e1"), receiver_id=org.ids["p1"], answer=Answer("x"),
                anonymous=True, relationship=Relationship.PEER,
            )  # fmt: skip


def test_e_a_settings_threshold_below_three_is_refused() -> None:
    from pydantic import ValidationError

    from renown.settings import Settings

    with pytest.raises(ValidationError):
        Settings(feedback_anonymity_threshold=2)
    assert Settings(feedback_anonymity_threshold=3).feedback_anonymity_threshold == 3


def test_f_request_settings_are_fixed_once_answers_may_be_anonymous(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    """A named request may turn anonymous until its first answer; from then on (and from
    the start for a request asked anonymously) the settings are fixed, so the lock never
    tells the requester when someone answered."""
    with transaction(db) as session:
        request = check_request_feedback(
            session,
            org.as_("p1"),
            person_ids=[org.ids["p2"], org.ids["p3"]],
            expires_at=clock.now() + timedelta(days=10),
            clock=clock,
        ).request.id
        changed = check_change_anonymity(
            session, org.as_("p1"), request, anonymity=Anonymity.REQUIRED, threshold=6, clock=clock
        )
        assert changed.locked  # before anyone answered
    with transaction(db) as session:
        for anonymity in Anonymity:
            with pytest.raises(Invalid, match="fixed"):
                check_change_anonymity(
                    session, org.as_("p1"), request, anonymity=anonymity, clock=clock
                )
    with transaction(db) as session:
        check_answer_request(session, org.as_("p2"), request, Answer("hi"), clock=clock)
    with db() as session:
        [view] = queries.requested(session, org.as_("p1"))
    assert (view.anonymity, view.threshold, view.locked) == ("required", 6, True)
    # Who answered is not shown while answers are anonymous, nor how many (too few).
    assert {r.status for r in view.recipients} == {None}
    assert view.answered is None and view.answered_note == "fewer than 6 responses"


def _everything_visible(db: sessionmaker[Session], org: Org) -> str:
    """Every query result anyone could read about p1, as one JSON text."""
    with db() as session:
        results: list[object] = [
            queries.received(session, org.as_("p1")),
            queries.about_person(session, org.as_("e1", Role.MANAGER), org.ids["p1"]),
            queries.about_person(session, org.as_("e0", Role.MANAGER), org.ids["p1"]),
            queries.about_person(session, org.staff(Role.HR), org.ids["p1"]),
            queries.about_person(session, org.staff(Role.ADMIN), org.ids["p1"]),
            queries.competency_trends(session, org.staff(Role.HR), org.ids["p1"]),
            queries.org_overview(session, org.staff(Role.HR)),
            queries.wall(session, org.staff(Role.ADMIN)),
            export_my_data(session, org.as_("p1")),
        ]
    return json.dumps(
        [asdict(r) if hasattr(r, "__dataclass_fields__") else r for r in results],  # type: ignore[call-overload]
        default=str,
    )


def test_g_no_view_or_export_names_an_anonymous_giver(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    givers = ["p2", "p3", "p4", "p5", "p6"]
    _anonymous(db, org, clock, givers, visibility=Visibility.MANAGER)
    text = _everything_visible(db, org)
    assert "from p2" in text  # the release is published (as an aggregate) ...
    for giver in givers:  # ... and names nobody, by id or by name
        assert f"Eng {giver.upper()}" not in text
        assert f'"giver_id": {org.ids[giver]}' not in text
        assert f"person:{org.ids[giver]}" not in text
    assert '"giver_id"' not in text.replace('"giver_id": null', "")  # no named items at all


def test_g_private_anonymous_feedback_is_not_shown_to_managers(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5", "p6"])  # private audience
    with db() as session:
        for viewer in (org.as_("e1", Role.MANAGER), org.staff(Role.HR)):
            view = queries.about_person(session, viewer, org.ids["p1"])
            assert view.aggregates == ()
        with pytest.raises(NotFound):  # an employee account of a manager sees no reports
            queries.about_person(session, org.as_("e1"), org.ids["p1"])
        with pytest.raises(NotFound):
            queries.about_person(session, org.as_("p3"), org.ids["p1"])


def test_h_an_external_link_works_once_expires_and_refuses_forgeries(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    with transaction(db) as session:
        created = check_request_feedback(
            session,
            org.as_("p1"),
            external=[
                ExternalRater("Client@Example.org", "Cleo Client"),
                ExternalRater("late@example.org", "Lou Late"),
            ],
            expires_at=clock.now() + timedelta(days=3),
            clock=clock,
        )
    token, late = created.links["client@example.org"], created.links["late@example.org"]
    forged = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "fbr_" + "x" * 43, ""]
    with transaction(db) as session:
        for bad in forged:
            with pytest.raises(NotFound):
                do_answer_external(session, bad, Answer("forged"), clock=clock)
        do_answer_external(
            session, token, Answer("great partner", {"customer_focus": 5}), clock=clock
        )
    with transaction(db) as session, pytest.raises(Invalid, match="already answered"):
        do_answer_external(session, token, Answer("again"), clock=clock)
    clock.advance(days=3)
    with transaction(db) as session, pytest.raises(Invalid, match="expired"):
        do_answer_external(session, late, Answer("too late"), clock=clock)
    [item] = _received(db, org).named
    assert (item.giver_id, item.giver_name, item.relationship) == (None, "Cleo Client", "client")
