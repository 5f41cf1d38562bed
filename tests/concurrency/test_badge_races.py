"""Badge award jobs of one organisation raced by worker threads and worker processes.

The award job reads the awards already made, evaluates the rules and inserts what is new;
two jobs that both read before either inserted would award the same badge twice (the unique
constraint would then fail one job with an IntegrityError). Each job's award step is one
writer's transaction and writers take turns, so the job that comes second finds the awards
made and adds nothing: a concurrent duplicate is a no-op, and every job ends ``done``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from renown import audit
from renown.badges import evaluate, load_default_rules
from renown.core.roles import Role
from renown.recognition.badges import store_facts, stored_awards
from renown.store.engine import transaction
from renown.store.tables.feedback import Notification
from renown.store.tables.jobs import Job
from renown.store.tables.recognition import BadgeAward, Kudos, NotificationDelivery
from renown.worker import execute_job
from tests.concurrency import workers
from tests.concurrency.crews import race
from tests.concurrency.installation import CLOCK, Colleagues
from tests.web.conftest import Platform

STARS = 6
FANS = 6
"""Each fan thanks each star: every star earns "first kudos" and "team player" (kudos from
5 distinct colleagues in 30 days), every fan "appreciator"."""
JOB_THREADS = 4
JOB_PROCESSES = 2


def _queue_recognition_jobs(platform: Platform, count: int) -> list[int]:
    """Recognition jobs waiting for a worker (the worker runs them in the race)."""
    hr = platform.members[Role.HR]
    with transaction(platform.sessions) as session:
        jobs = [
            Job(
                org_id=platform.acme_id,
                kind="recognition",
                status="queued",
                stage="waiting for a worker",
                params={"as_of": None},
                result={},
                created_by=hr.account_id,
            )
            for _ in range(count)
        ]
        session.add_all(jobs)
        session.flush()
        return [job.id for job in jobs]


def test_badges_are_awarded_once_when_award_jobs_race(
    platform: Platform, colleagues: Colleagues
) -> None:
    """Six recognition jobs of one organisation run at once (four worker threads of this
    process, two worker processes). Each award the organisation has earned is made exactly
    once, by one job; the jobs that lose the race find nothing left to award and end
    ``done`` (a concurrent duplicate is no failure); each award is notified once and each
    notification delivered once."""
    people = colleagues.take(STARS + FANS)
    stars, fans = people[:STARS], people[STARS:]
    now = CLOCK.now()
    with transaction(platform.sessions) as session:
        session.add_all(
            Kudos(
                org_id=platform.acme_id,
                giver_id=fan,
                receiver_id=star,
                message="thank you",
                created_at=now - timedelta(hours=1 + n),
            )
            for n, (fan, star) in enumerate((f, s) for f in fans for s in stars)
        )
    with platform.sessions() as session:
        already = stored_awards(session, platform.acme_id)
        expected = evaluate(load_default_rules(), store_facts(session, platform.acme_id), already)
        notified_before = session.scalar(
            sa.select(sa.func.count()).where(Notification.kind == "badge")
        )
    new_awards = {
        (r["badge"], int(r["user"]), r["item"] or "") for r in expected.iter_rows(named=True)
    }
    assert {("team-player", star, "") for star in stars} <= new_awards
    assert {("appreciator", fan, "") for fan in fans} <= new_awards
    job_ids = _queue_recognition_jobs(platform, JOB_THREADS + JOB_PROCESSES)
    worker_settings = platform.settings.model_copy(
        update={"jobs_immediate": False, "job_heartbeat_seconds": 0.1}
    )

    def worker_thread(job_id: int) -> Callable[[], None]:
        return lambda: execute_job(worker_settings, platform.sessions, job_id)

    race(
        [worker_thread(job_id) for job_id in job_ids[:JOB_THREADS]],
        [
            (
                workers.run_jobs,
                (platform.settings.database, str(platform.settings.home), [job_id]),
            )
            for job_id in job_ids[JOB_THREADS:]
        ],
    )

    with platform.sessions() as session:
        jobs = session.scalars(sa.select(Job).where(Job.id.in_(job_ids))).all()
        assert [(j.status, j.error) for j in jobs] == [("done", None)] * len(job_ids)
        assert sum(j.result["badges_awarded"] for j in jobs) == len(new_awards)
        keys = session.execute(
            sa.select(BadgeAward.badge, BadgeAward.person_id, BadgeAward.item).where(
                BadgeAward.org_id == platform.acme_id
            )
        ).all()
        assert len(keys) == len(set(keys)) == already.height + len(new_awards)
        assert new_awards <= {(badge, person, item) for badge, person, item in keys}
        notified = session.scalar(sa.select(sa.func.count()).where(Notification.kind == "badge"))
        assert notified == notified_before + len(new_awards)
        deliveries = session.execute(
            sa.select(NotificationDelivery.status, NotificationDelivery.attempts).where(
                NotificationDelivery.dedupe_key.like("badge:%")
            )
        ).all()
        assert deliveries and set(deliveries) == {("skipped", 1)}  # no mail server: skipped
        assert audit.verify(session) == []
