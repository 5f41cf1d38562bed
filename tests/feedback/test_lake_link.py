"""Anonymous feedback reaches the event lake only as whole releases, never one by one."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from renown.core.events import EventColumn
from renown.recognition.feedback_link import feedback_events
from tests.feedback.conftest import Org, Ticking
from tests.feedback.test_attacks import _anonymous


def _anonymous_events(db: sessionmaker[Session], org: Org) -> list[tuple[object, object]]:
    with db() as session:
        events = feedback_events(session, org.id)
    anonymous = events.filter(events[EventColumn.ACTOR].is_null())
    return list(zip(anonymous[EventColumn.TARGET], anonymous[EventColumn.TIMESTAMP], strict=True))


def test_unreleased_answers_stay_out_of_the_lake(
    db: sessionmaker[Session], org: Org, clock: Ticking
) -> None:
    _anonymous(db, org, clock, ["p2", "p3", "p4", "p5"])
    assert _anonymous_events(db, org) == []
    _anonymous(db, org, clock, ["p6"])
    released = _anonymous_events(db, org)
    assert len(released) == 5
    # all five carry the release's time: the lake cannot order the answers
    assert len({when for _, when in released}) == 1
    assert {target for target, _ in released} == {str(org.ids["p1"])}
    _anonymous(db, org, clock, ["p7"])
    assert len(_anonymous_events(db, org)) == 5
