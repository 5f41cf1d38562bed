"""Ingest and scoring jobs end to end on a small organisation (jobs run immediately)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from renown import audit
from renown.demo.org import SyntheticOrg
from renown.ingest.lake import EventLake
from renown.scoring.actions import enqueue_scoring
from renown.scoring.imports import enqueue_ingest
from renown.scoring.job import departments_of
from renown.store.engine import transaction
from renown.store.tables.audit import AuditEntry
from renown.store.tables.scores import ScoreSnapshot, ScoringRun
from renown.worker import execute_job
from tests.jobs.conftest import PEOPLE, Installation
from tests.jobs.helpers import BROKEN_CSV, job


def _ingest(installation: Installation, synthetic: SyntheticOrg, tmp_path: Path) -> int:
    source = tmp_path / "events.parquet"
    synthetic.events.write_parquet(source)
    with transaction(installation.sessions) as session:
        created = enqueue_ingest(session, installation.hr, installation.queue, source)
    return created.id


def test_ingest_job_fills_the_lake_and_a_second_run_adds_nothing(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    first = job(installation.sessions, _ingest(installation, synthetic, tmp_path))
    assert (first.status, first.progress, first.error) == ("done", 1.0, None)
    assert first.result["added"] == synthetic.events.height
    assert first.result["file"] == "events.parquet"
    assert EventLake(installation.lake_dir).stats().rows == synthetic.events.height

    again = job(installation.sessions, _ingest(installation, synthetic, tmp_path))
    assert again.status == "done"
    assert (again.result["added"], again.result["duplicates"]) == (0, synthetic.events.height)
    assert EventLake(installation.lake_dir).stats().rows == synthetic.events.height


def test_a_broken_source_fails_the_ingest_job_naming_line_and_field(
    installation: Installation, tmp_path: Path
) -> None:
    source = tmp_path / "broken.csv"
    source.write_bytes(BROKEN_CSV)
    with transaction(installation.sessions) as session:
        job_id = enqueue_ingest(session, installation.hr, installation.queue, source).id
    failed = job(installation.sessions, job_id)
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.startswith("broken.csv, line 3, field")
    assert failed.result["error"] == {
        "message": failed.result["error"]["message"],
        "source": "broken.csv",
        "line": 3,
        "field": "timestamp",
    }
    assert EventLake(installation.lake_dir).parts() == []


def test_scoring_job_stores_a_run_with_a_snapshot_per_person(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    _ingest(installation, synthetic, tmp_path)
    with transaction(installation.sessions) as session:
        created = enqueue_scoring(session, installation.hr, installation.queue)
        job_id = created.id
        session.refresh(created)
        assert created.status == "queued", "the job runs only once its row is committed"

    done = job(installation.sessions, job_id)
    assert done.status == "done", done.error
    assert (done.progress, done.stage) == (1.0, "finished")
    assert done.started_at is not None and done.finished_at is not None
    with installation.sessions() as session:
        run = session.get(ScoringRun, done.result["run_id"])
        assert run is not None and run.org_id == installation.org_id
        assert run.input_events == synthetic.events.height
        assert run.people_matched == PEOPLE == done.result["people_matched"]
        snapshots = session.scalar(sa.select(sa.func.count()).where(ScoreSnapshot.run_id == run.id))
        assert snapshots == PEOPLE
        actions = set(session.scalars(sa.select(AuditEntry.action)))
        assert {"job.enqueue", "events.ingest", "scoring.run", "job.done"} <= actions
        assert audit.verify(session) == []


def test_scoring_as_of_an_earlier_date_uses_only_events_up_to_it(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    _ingest(installation, synthetic, tmp_path)
    as_of = synthetic.end - timedelta(days=30)
    with transaction(installation.sessions) as session:
        job_id = enqueue_scoring(
            session, installation.hr, installation.queue, as_of=as_of, half_life_days=45
        ).id
    done = job(installation.sessions, job_id)
    assert done.status == "done", done.error
    with installation.sessions() as session:
        run = session.get(ScoringRun, done.result["run_id"])
        assert run is not None
        assert run.as_of == as_of
        assert run.params["graph_params"]["half_life_days"] == 45
        earlier = synthetic.events.filter(synthetic.events["timestamp"] <= as_of).height
        assert run.input_events == earlier < synthetic.events.height


def test_scoring_an_empty_lake_fails_with_a_clear_error(installation: Installation) -> None:
    with transaction(installation.sessions) as session:
        job_id = enqueue_scoring(session, installation.hr, installation.queue).id
    failed = job(installation.sessions, job_id)
    assert failed.status == "failed"
    assert failed.error is not None and "no events to score" in failed.error
    with installation.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ScoringRun)) == 0
        assert "job.failed" in set(session.scalars(sa.select(AuditEntry.action)))


def test_a_finished_job_is_not_run_again(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    job_id = _ingest(installation, synthetic, tmp_path)
    before = job(installation.sessions, job_id)
    execute_job(installation.settings, installation.sessions, job_id)
    after = job(installation.sessions, job_id)
    assert (after.status, after.finished_at, after.result) == (
        before.status,
        before.finished_at,
        before.result,
    )


def test_groups_are_the_departments_of_the_people_behind_event_identities(
    installation: Installation, synthetic: SyntheticOrg
) -> None:
    with installation.sessions() as session:
        groups = departments_of(session, installation.org_id, synthetic.events)
    assert groups == synthetic.groups
