"""A live organisation's run is as of the end of the last complete period, so a kudos given
today does not move it (the scoring job end to end, jobs run immediately)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from renown.demo.org import SyntheticOrg
from renown.recognition import actions
from renown.scoring.actions import enqueue_scoring
from renown.scoring.asof import period_end
from renown.scoring.imports import enqueue_ingest
from renown.store.engine import transaction
from renown.store.tables.org import Person
from renown.store.tables.scores import ScoringRun
from tests.jobs.conftest import Installation
from tests.jobs.helpers import job
from tests.recognition.helpers import MovableClock, principal


def _score(installation: Installation) -> ScoringRun:
    with transaction(installation.sessions) as session:
        job_id = enqueue_scoring(session, installation.hr, installation.queue).id
    done = job(installation.sessions, job_id)
    assert done.status == "done", done.error
    with installation.sessions() as session:
        run = session.get(ScoringRun, done.result["run_id"])
        assert run is not None
        session.expunge(run)
        return run


def test_a_kudos_today_does_not_move_a_live_orgs_as_of(
    installation: Installation, synthetic: SyntheticOrg, tmp_path: Path
) -> None:
    source = tmp_path / "events.parquet"
    synthetic.events.write_parquet(source)
    with transaction(installation.sessions) as session:
        enqueue_ingest(session, installation.hr, installation.queue, source)
    first = _score(installation)
    newest = synthetic.events.get_column("timestamp").max()
    assert isinstance(newest, datetime)
    assert first.as_of == period_end(newest, "month")
    assert first.params["as_of_rule"] == "end of the last complete month"

    current = synthetic.people.filter(pl.col("left_on").is_null()).get_column("person_id")
    with installation.sessions() as session:
        ids = dict(
            session.execute(
                sa.select(Person.employee_id, Person.id).where(Person.org_id == installation.org_id)
            ).all()
        )
    with transaction(installation.sessions) as session:
        actions.check_give_kudos(
            session,
            principal(installation.org_id, ids[current[0]]),
            ids[current[1]],
            "thanks for today",
            clock=MovableClock(datetime.now(UTC)),
        )
    again = _score(installation)
    assert again.as_of == first.as_of
    assert again.input_events == first.input_events  # today's kudos waits for its month
