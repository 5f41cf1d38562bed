"""Kudos and reactions reach the event lake and the next scoring run counts them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session

from renown.core.roles import Role
from renown.ingest.lake import EventLake
from renown.org.actions import do_create_org
from renown.recognition import actions
from renown.recognition.events import do_export_events
from renown.scoring.pipeline import score_events
from renown.settings import Settings
from tests.helpers import AS_OF, random_events
from tests.recognition.helpers import MovableClock, bulk_people, principal


def _score(lake: EventLake, person: str) -> dict[str, float]:
    scores = score_events(lake, as_of=AS_OF, trend_days=None).scores
    row = scores.filter(pl.col("person") == person).row(0, named=True)
    return {"reach": row["reach"], "in_strength": row["in_strength"], "score": row["score_exact"]}


def test_export_feeds_scoring_and_is_idempotent(session: Session, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    org_id = do_create_org(session, "lakeco", "Lake Co").id
    ids = bulk_people(session, org_id, [f"u{i:03d}" for i in range(40)])
    lake = EventLake(settings.org_lake_dir("lakeco"))
    lake.append(random_events(seed=3))
    receiver = "u031"
    before = _score(lake, receiver)

    clock = MovableClock(AS_OF - timedelta(days=2))
    givers = [f"u{i:03d}" for i in range(20, 30)]
    for giver in givers:
        kudos = actions.check_give_kudos(
            session, principal(org_id, ids[giver]), ids[receiver], "thank you", clock=clock
        )
    actions.check_react(session, principal(org_id, ids["u001"]), kudos.id, "clap", clock=clock)
    hr_cannot_be_a_giver = principal(org_id, None, Role.HR)
    assert hr_cannot_be_a_giver.person_id is None

    first = do_export_events(session, settings, org_id)
    assert first.added == len(givers) + 1
    stored = lake.scan().filter(pl.col("channel") == "kudos").collect()
    assert set(stored.get_column("target")) == {receiver}
    assert sorted(stored.get_column("kind").unique()) == ["kudos", "reaction"]
    assert do_export_events(session, settings, org_id).added == 0

    after = _score(lake, receiver)
    assert after["reach"] > before["reach"]
    assert after["in_strength"] > before["in_strength"]
    assert after["score"] > before["score"]
