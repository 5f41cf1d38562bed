"""End to end in the store: honest kudos with injected rings, HR review, discounting,
badges awarded once, revoked where a confirmed ring carried them, and notifications."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.badges import evaluate, load_default_rules
from renown.core.errors import NotAllowed
from renown.core.roles import Role
from renown.demo.org import generate_org
from renown.notify.inapp import in_app_notifications
from renown.notify.outbox import deliver_pending
from renown.org.actions import do_create_org
from renown.recognition import queries
from renown.recognition.badges import do_evaluate_badges, store_facts
from renown.recognition.rings import check_decide_ring, check_detect_rings
from renown.settings import Settings
from renown.store.tables.recognition import BadgeAward, Kudos, NotificationDelivery
from tests.recognition.helpers import MovableClock, bulk_people, principal
from tests.recognition.synthetic import honest_kudos, inject_kudos_rings


def _seed(
    session: Session, seed: int = 1
) -> tuple[int, dict[str, int], list[list[int]], MovableClock]:
    org = generate_org(people=300, seed=seed)
    kudos, rings = inject_kudos_rings(org, honest_kudos(org, seed=seed), seed=seed)
    org_id = do_create_org(session, "ringco", "Ring Co").id
    ids = bulk_people(session, org_id, org.people.get_column("person_id").to_list())
    session.execute(
        sa.insert(Kudos),
        [
            {
                "org_id": org_id,
                "giver_id": ids[g],
                "receiver_id": ids[r],
                "message": "thanks",
                "created_at": at,
                "discounted": False,
            }
            for g, r, at in kudos.iter_rows()
        ],
    )
    return org_id, ids, [sorted(ids[p] for p in ring) for ring in rings], MovableClock(org.end)


def test_rings_found_confirmed_and_discounted(session: Session) -> None:
    org_id, _, rings, clock = _seed(session)
    hr = principal(org_id, None, Role.HR)
    with pytest.raises(NotAllowed):
        check_detect_rings(session, principal(org_id, rings[0][0]), clock=clock)
    first = do_evaluate_badges(session, org_id, clock)
    assert first.awarded and do_evaluate_badges(session, org_id, clock).awarded == []

    found = check_detect_rings(session, hr, clock=clock)
    assert sorted(r.members for r in found) == sorted(rings)
    assert check_detect_rings(session, hr, clock=clock) == []  # recorded once
    members = [int(m) for m in found[0].members]
    before = {m: queries.kudos_received(session, hr, m).counted for m in members}
    from_ring = {
        m: session.scalar(
            sa.select(sa.func.count(Kudos.id)).where(
                Kudos.receiver_id == m, Kudos.giver_id.in_(members)
            )
        )
        for m in members
    }
    run = check_decide_ring(session, hr, found[0].id, "confirm", clock=clock)

    facts = store_facts(session, org_id)
    inside = facts.filter(
        pl.col("fact").is_in(["kudos_received", "kudos_given"])
        & pl.col("subject_user").is_in([str(m) for m in members])
        & pl.col("actor").is_in([str(m) for m in members])
        & (pl.col("actor") != pl.col("subject_user"))
    )
    assert inside.height == 0  # the ring's kudos give no badge fact any more
    for m in members:
        received = queries.kudos_received(session, hr, m)
        assert from_ring[m] == 3 * 2 * 7  # 3 peers, 2 a month, 7 calendar months touched
        assert received.counted == before[m] - from_ring[m]
        assert received.total == before[m]
    # what the members still hold is exactly what the discounted facts support
    rules = load_default_rules()
    support = evaluate(rules, facts.filter(pl.col("subject_user").is_in([str(m) for m in members])))
    expected = {(r["badge"], int(r["user"])) for r in support.iter_rows(named=True)}
    held = set(
        session.execute(
            sa.select(BadgeAward.badge, BadgeAward.person_id).where(
                BadgeAward.person_id.in_(members)
            )
        ).all()
    )
    assert held == expected
    assert run.revoked > 0  # seed 1: each ring carried 4 to 6 of its members' awards
    # the wall keeps the kudos; only HR sees the mark
    wall_hr = queries.kudos_given(session, hr, members[0])
    assert any(item.discounted for item in wall_hr.items)
    assert all(
        i.discounted is None for i in queries.wall(session, principal(org_id, members[1])).items
    )
    # dismissing the others leaves their kudos counted; the dismissed ring is not re-opened
    for review in found[1:]:
        check_decide_ring(session, hr, review.id, "dismiss", clock=clock)
    assert [r.status for r in queries.ring_reviews(session, hr, status="dismissed")] == [
        "dismissed"
    ] * 2
    assert check_detect_rings(session, hr, clock=clock) == []


def test_badges_are_idempotent_and_notify(session: Session, tmp_path: object) -> None:
    org_id = do_create_org(session, "small", "Small").id
    ids = bulk_people(session, org_id, [f"e{i}" for i in range(8)])
    clock = MovableClock()
    start = clock.instant - timedelta(days=10)
    session.execute(
        sa.insert(Kudos),
        [
            {
                "org_id": org_id,
                "giver_id": ids[f"e{i}"],
                "receiver_id": ids["e0"],
                "message": "thanks",
                "created_at": start + timedelta(days=i),
                "discounted": False,
            }
            for i in range(1, 7)
        ],
    )
    run = do_evaluate_badges(session, org_id, clock)
    earned = {(a.person_id, a.badge) for a in run.awarded}
    assert (ids["e0"], "team-player") in earned and (ids["e0"], "first-kudos") in earned
    assert (ids["e3"], "appreciator") in earned
    assert do_evaluate_badges(session, org_id, clock).awarded == []
    badges = queries.badges_of(session, principal(org_id, ids["e1"]), ids["e0"])
    team = next(b for b in badges if b.badge == "team-player")
    assert team.awarded_at == start + timedelta(days=5)
    assert team.reason.startswith("5 distinct actors of kudos_received within 30 days")
    assert any("Team player" in text for text in in_app_notifications(session, ids["e0"], "badge"))
    pending = session.scalars(
        sa.select(NotificationDelivery).order_by(NotificationDelivery.id)
    ).all()
    assert {p.recipient for p in pending} >= {"e0@x.example"}
    assert all(p.status == "pending" for p in pending)
    report = deliver_pending(session, Settings(home=tmp_path), clock=clock)  # type: ignore[arg-type]
    assert report.skipped == len(pending) and report.sent == report.failed == 0
    assert deliver_pending(session, Settings(home=tmp_path), clock=clock).skipped == 0  # type: ignore[arg-type]
