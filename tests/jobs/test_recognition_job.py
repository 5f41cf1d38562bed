"""The recognition job (rings for HR, lake export, badges, notifications) and the scoring
job's recognition steps, end to end on a small organisation (jobs run immediately)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from renown.core.errors import NotAllowed
from renown.demo.org import SyntheticOrg
from renown.ingest.lake import EventLake
from renown.jobs.runner import JobContext
from renown.recognition import actions
from renown.recognition.job import check_start_recognition, enqueue_recognition
from renown.scoring.actions import enqueue_scoring
from renown.scoring.imports import enqueue_ingest
from renown.store.engine import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.org import Person
from renown.store.tables.recognition import (
    BadgeAward,
    Kudos,
    KudosRingReview,
    NotificationDelivery,
)
from renown.store.tables.scores import ScoringRun
from renown.worker import make_queue
from tests.jobs.conftest import Installation
from tests.jobs.helpers import job
from tests.recognition.helpers import MovableClock, principal
from tests.recognition.synthetic import honest_kudos, inject_kudos_rings


def _person_ids(installation: Installation) -> dict[str, int]:
    with installation.sessions() as session:
        rows = session.execute(
            sa.select(Person.employee_id, Person.id).where(Person.org_id == installation.org_id)
        )
        return {str(employee): int(person) for employee, person in rows}


def _insert_kudos(installation: Installation, kudos: pl.DataFrame) -> None:
    """Kudos as rows (the limits were respected when the frame was drawn)."""
    ids = _person_ids(installation)
    with transaction(installation.sessions) as session:
        session.execute(
            sa.insert(Kudos),
            [
                {
                    "org_id": installation.org_id,
                    "giver_id": ids[giver],
                    "receiver_id": ids[receiver],
                    "message": "thanks",
                    "created_at": at,
                    "discounted": False,
                }
                for giver, receiver, at in kudos.iter_rows()
            ],
        )


def _recognise(installation: Installation, as_of: datetime) -> int:
    with transaction(installation.sessions) as session:
        return enqueue_recognition(session, installation.hr, installation.queue, as_of=as_of).id


def test_only_people_admins_start_a_recognition_pass(installation: Installation) -> None:
    with installation.sessions() as session, pytest.raises(NotAllowed):
        check_start_recognition(session, installation.employee, installation.queue)
    with transaction(installation.sessions) as session:
        created = check_start_recognition(session, installation.hr, installation.queue)
        job_id = created.id
        session.refresh(created)
        assert (created.kind, created.status) == ("recognition", "queued")
    done = job(installation.sessions, job_id)
    assert (done.status, done.progress, done.stage) == ("done", 1.0, "finished"), done.error
    assert done.result["rings_suspected"] == done.result["badges_awarded"] == 0


def test_recognition_pass_flags_rings_exports_awards_and_notifies_once(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    kudos, rings = inject_kudos_rings(
        synthetic, honest_kudos(synthetic, seed=11), rings=2, size=4, seed=11
    )
    _insert_kudos(installation, kudos)
    ids = _person_ids(installation)

    first = job(installation.sessions, _recognise(installation, synthetic.end))
    assert first.status == "done", first.error
    with installation.sessions() as session:
        reviews = session.scalars(sa.select(KudosRingReview)).all()
        awards = session.scalar(sa.select(sa.func.count()).select_from(BadgeAward))
        outbox = session.scalars(sa.select(NotificationDelivery)).all()
    flagged = sorted(sorted(int(m) for m in review.members) for review in reviews)
    assert flagged == sorted(sorted(ids[p] for p in ring) for ring in rings)
    assert {review.status for review in reviews} == {"suspected"}  # HR decides, not the job
    assert first.result["rings_suspected"] == 2
    assert sorted(first.result["ring_reviews"]) == sorted(r.id for r in reviews)
    assert first.result["events_added"] == kudos.height  # no discounts before HR confirms
    lake = EventLake(installation.lake_dir).scan().collect()
    assert set(lake.get_column("channel")) == {"kudos"}
    assert first.result["badges_awarded"] == awards and (awards or 0) > 0
    # no mail server or webhook is configured: every message is logged as skipped
    assert outbox and {row.status for row in outbox} == {"skipped"}
    assert first.result["notifications"] == {"sent": 0, "skipped": len(outbox), "failed": 0}

    again = job(installation.sessions, _recognise(installation, synthetic.end))
    assert again.status == "done", again.error
    assert again.result["rings_suspected"] == again.result["badges_awarded"] == 0
    assert again.result["events_added"] == 0
    assert again.result["events_already_in_lake"] == kudos.height
    assert again.result["notifications"] == {"sent": 0, "skipped": 0, "failed": 0}
    assert EventLake(installation.lake_dir).stats().rows == kudos.height


def _current(synthetic: SyntheticOrg) -> list[str]:
    """Employee ids of people still there at the end of the window (they can be thanked)."""
    return synthetic.people.filter(pl.col("left_on").is_null()).get_column("person_id").to_list()


def test_a_failing_mail_server_leaves_messages_for_the_next_pass(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    ids = _person_ids(installation)
    giver, receiver = _current(synthetic)[1:3]
    clock = MovableClock(synthetic.end - timedelta(days=3))
    with transaction(installation.sessions) as session:
        actions.check_give_kudos(
            session,
            principal(installation.org_id, ids[giver]),
            ids[receiver],
            "thanks",
            clock=clock,
        )
    refusing = installation.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": 1, "smtp_from": "renown@acme.example"}
    )
    with transaction(installation.sessions) as session:
        queue = make_queue(refusing, sessions=installation.sessions)
        failing_id = enqueue_recognition(session, installation.hr, queue).id
    failing = job(installation.sessions, failing_id)
    assert failing.status == "done", failing.error  # a refused message does not fail the pass
    # first-kudos for the receiver and appreciator for the giver: one e-mail each
    assert failing.result["notifications"] == {"sent": 0, "skipped": 0, "failed": 2}
    with installation.sessions() as session:
        rows = session.scalars(sa.select(NotificationDelivery)).all()
    assert {(r.channel, r.status, r.attempts) for r in rows} == {("email", "failed", 1)}

    retried = job(installation.sessions, _recognise(installation, synthetic.end))
    assert retried.result["notifications"] == {"sent": 0, "skipped": 2, "failed": 0}


def test_progress_is_reported_stage_by_stage(
    installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, float]] = []
    original = JobContext.report

    def recording(self: JobContext, stage: str, progress: float) -> None:
        seen.append((stage, progress))
        original(self, stage, progress)

    monkeypatch.setattr(JobContext, "report", recording)
    with transaction(installation.sessions) as session:
        job_id = enqueue_recognition(session, installation.hr, installation.queue).id
    assert job(installation.sessions, job_id).status == "done"
    assert [stage for stage, _ in seen] == [
        "looking for kudos rings",
        "exporting kudos and feedback to the event lake",
        "evaluating badges",
        "reminding people of open feedback requests",
        "delivering notifications",
    ]
    progress = [value for _, value in seen]
    assert progress == sorted(progress) and progress[0] > 0 and progress[-1] < 1


def test_scoring_counts_kudos_given_since_the_last_run_and_awards_score_badges(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    source = tmp_path / "events.parquet"
    synthetic.events.write_parquet(source)
    with transaction(installation.sessions) as session:
        enqueue_ingest(session, installation.hr, installation.queue, source)
    ids = _person_ids(installation)
    people = _current(synthetic)
    receiver = people[5]
    clock = MovableClock(synthetic.end - timedelta(days=2))
    with transaction(installation.sessions) as session:
        for giver in people[10:14]:
            actions.check_give_kudos(
                session,
                principal(installation.org_id, ids[giver]),
                ids[receiver],
                "thanks",
                clock=clock,
            )

    with transaction(installation.sessions) as session:
        first_id = enqueue_scoring(session, installation.hr, installation.queue).id
    first = job(installation.sessions, first_id)
    assert first.status == "done", first.error
    assert first.result["recognition_events_added"] == 4
    with installation.sessions() as session:
        run = session.get(ScoringRun, first.result["run_id"])
        assert run is not None and run.input_events == synthetic.events.height + 4
        stars = session.scalars(
            sa.select(BadgeAward).where(BadgeAward.badge == "rising-star")
        ).all()
        first_kudos = session.scalar(
            sa.select(BadgeAward.person_id).where(BadgeAward.badge == "first-kudos")
        )
    assert stars and {award.awarded_at for award in stars} == {run.as_of}
    assert first_kudos == ids[receiver]
    assert first.result["badges_awarded"] >= len(stars) + 1

    with transaction(installation.sessions) as session:
        again_id = enqueue_scoring(session, installation.hr, installation.queue).id
    again = job(installation.sessions, again_id)
    assert again.status == "done", again.error
    assert (again.result["recognition_events_added"], again.result["badges_awarded"]) == (0, 0)
    with installation.sessions() as session:
        exports = session.scalars(
            sa.select(AuditEntry.payload)
            .where(AuditEntry.action == "recognition.export")
            .order_by(AuditEntry.seq)
        ).all()
    assert [payload["added"] for payload in exports] == [4, 0]
