"""The worker's tick under concurrency, on SQLite and PostgreSQL: two ticks at once settle
each challenge once, a tick waits its turn behind a writer (the audit chain stays whole),
and one failing challenge does not hold back the others."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown import audit
from renown.audit.log import verify
from renown.challenges import job, participation, posting, reviews
from renown.challenges.job import tick_challenges
from renown.store import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.challenges import (
    Challenge,
    ChallengeResult,
    PrizeLedgerEntry,
    RatingHistory,
)
from tests.challenges.conftest import (
    AFTER,
    BEFORE,
    REGISTRATION,
    REVIEW,
    Community,
    pdf,
    reviewed_draft,
)

FULL = {"requirements": 4, "quality": 4, "completeness": 4, "communication": 4}


def _due(db: sessionmaker[Session], c: Community) -> int:
    """A reviewed challenge whose winners are due at ``AFTER`` (four members, all reviewed)."""
    with transaction(db) as session:
        cid = posting.check_post_challenge(session, c.sponsor, reviewed_draft(), BEFORE)
        posting.check_add_reviewer(session, c.sponsor, cid, "reviewer@acme.test", BEFORE)
        posting.check_publish(session, c.sponsor, cid, BEFORE)
    submitted = []
    for member in c.members:
        with transaction(db) as session:
            participation.check_register(session, member, cid, REGISTRATION)
            receipt = participation.check_submit_file(
                session,
                member,
                cid,
                filename="work.pdf",
                data=pdf(member.actor),
                content_type=None,
                now=REGISTRATION,
            )
            submitted.append(receipt.submission_id)
    with transaction(db) as session:
        for submission_id in submitted:
            reviews.check_review(
                session, c.reviewer, cid, submission_id, answers=FULL, comment="", now=REVIEW
            )
    return cid


def _counts(db: sessionmaker[Session]) -> tuple[int, int, int]:
    with db() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (ChallengeResult, PrizeLedgerEntry, RatingHistory)
        )


def _audit_chain_whole(db: sessionmaker[Session]) -> bool:
    with db() as session:
        seqs = list(session.scalars(sa.select(AuditEntry.seq).order_by(AuditEntry.seq)))
        breaks = verify(session)
    return seqs == list(range(1, len(seqs) + 1)) and breaks == []


def test_two_ticks_at_once_settle_each_challenge_once(
    db: sessionmaker[Session], community: Community
) -> None:
    challenges = [_due(db, community) for _ in range(3)]
    reports: list[job.TickReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def tick() -> None:
        start.wait()
        try:
            reports.append(tick_challenges(db, AFTER))
        except BaseException as error:  # pragma: no cover - what the test guards against
            errors.append(error)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r.failed for r in reports) == 0
    assert sum(r.settled for r in reports) == len(challenges)
    # Four ranked members per challenge; two placements and one checkpoint prize each.
    assert _counts(db) == (4 * len(challenges), 3 * len(challenges), 4 * len(challenges))
    assert _audit_chain_whole(db)


def test_a_tick_waits_for_a_writer_holding_its_turn(
    db: sessionmaker[Session], community: Community
) -> None:
    """A web request writing (its audit entry not yet committed) while the tick settles: the
    tick waits its turn, instead of failing or forking the audit chain's tail."""
    cid = _due(db, community)
    holding = threading.Event()

    def writer() -> None:
        with transaction(db) as session:
            audit.append(session, actor="web", action="test.write", subject="x")
            holding.set()
            time.sleep(0.5)

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(10)
    report = tick_challenges(db, AFTER)
    thread.join()

    assert report.failed == 0 and report.settled == 1
    with db() as session:
        challenge = session.get(Challenge, cid)
        assert challenge is not None and challenge.completed_at is not None
    assert _audit_chain_whole(db)


def test_one_failing_challenge_does_not_hold_back_the_others(
    db: sessionmaker[Session], community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken, fine = _due(db, community), _due(db, community)
    settle = job.do_settle

    def failing(session: Session, challenge: Challenge, now: object) -> bool:
        if challenge.id == broken:
            raise RuntimeError("a bad challenge")
        return settle(session, challenge, now)  # type: ignore[arg-type]

    monkeypatch.setattr(job, "do_settle", failing)
    report = tick_challenges(db, AFTER)
    assert (report.settled, report.failed) == (1, 1)
    with db() as session:
        done = {c.id: c.completed_at is not None for c in session.scalars(sa.select(Challenge))}
        results = session.scalar(
            sa.select(sa.func.count()).where(ChallengeResult.challenge_id == broken)
        )
    assert done == {broken: False, fine: True}
    assert results == 0  # the failed challenge's transaction left nothing behind

    monkeypatch.setattr(job, "do_settle", settle)
    assert tick_challenges(db, AFTER).settled == 1  # the next tick retries it
