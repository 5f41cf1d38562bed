"""The order of an erasure's steps: files first and idempotent, the database in one
transaction, nothing at all while an ingest is pending. A small organisation suffices."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

import renown.privacy.erase as erase_module
from renown.core.errors import Invalid
from renown.core.events import event_key
from renown.ingest.lake import EventLake
from renown.ingest.schema import EVENT_SCHEMA
from renown.org.actions import do_create_org, import_org_file
from renown.privacy.erase import do_erase_person
from renown.privacy.files import FilesErased, erase_from_files
from renown.privacy.traces import traces_of
from renown.settings import Settings
from renown.store import transaction
from renown.store.tables import Job, Person
from tests.org.orgchart import SMALL_CHART

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def _events(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "event_key": [event_key("steps", i) for i in range(len(pairs))],
            "actor": [a for a, _ in pairs],
            "target": [t for _, t in pairs],
            "timestamp": [WHEN] * len(pairs),
            "channel": ["email"] * len(pairs),
            "kind": ["to"] * len(pairs),
            "weight": [1.0] * len(pairs),
            "source": ["test"] * len(pairs),
        },
        schema=EVENT_SCHEMA,
    )


@pytest.fixture
def setup(
    db: sessionmaker[Session], database_url: str, tmp_path: Path
) -> tuple[Settings, int, int]:
    """acme with the small chart; Ben (e2) in the lake, a scores file and an upload."""
    settings = Settings(home=tmp_path, database_url=database_url)
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme")
        import_org_file(session, org.id, SMALL_CHART, "chart.csv", actor="test")
        ben = session.scalar(sa.select(Person.id).where(Person.employee_id == "e2"))
        assert ben is not None
        org_id, ben_id = org.id, ben
    EventLake(settings.org_lake_dir("acme")).append(
        _events([("Ben@Example.com", "ada@example.com"), ("e3", "e1"), ("e4", "E2")])
    )
    scores = tmp_path / "out" / "scores.csv"
    scores.parent.mkdir()
    scores.write_text("person,score\nben@example.com,80\nada@example.com,70\n")
    (tmp_path / "out" / "scores.csv.run.json").write_text("{}")
    (tmp_path / "out" / "scores.json").write_text(json.dumps([{"person": "e2", "score": 1}]))
    (tmp_path / "out" / "scores.json.run.json").write_text("{}")
    uploads = settings.uploads_dir / "acme"
    uploads.mkdir(parents=True)
    (uploads / "1-mail.csv").write_text("actor,target,timestamp\ne2,e1,2026-01-01T00:00:00Z\n")
    (uploads / "2-other.csv").write_text("actor,target,timestamp\ne3,e1,2026-01-01T00:00:00Z\n")
    return settings, org_id, ben_id


def test_files_go_first_and_a_failed_database_step_is_completed_by_running_again(
    db: sessionmaker[Session], setup: tuple[Settings, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, org_id, ben = setup

    def fail(*args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erase_module, "_erase_in_database", fail)
    with db() as session, pytest.raises(RuntimeError):
        do_erase_person(session, settings, org_id=org_id, person_id=ben, reason="r", actor="t")
    monkeypatch.undo()
    lake = EventLake(settings.org_lake_dir("acme")).scan().collect()
    assert lake.height == 1 and lake["actor"].to_list() == ["e3"]
    assert "ben@" not in (settings.home / "out" / "scores.csv").read_text().lower()
    assert json.loads((settings.home / "out" / "scores.json").read_text()) == []
    assert sorted(p.name for p in (settings.uploads_dir / "acme").iterdir()) == ["2-other.csv"]
    with db() as session:
        assert session.get(Person, ben) is not None, "the database step is all or nothing"
        traces = traces_of(session, org_id, ben)
    assert erase_from_files(settings, traces) == FilesErased()  # idempotent
    with db() as session:
        done = do_erase_person(
            session, settings, org_id=org_id, person_id=ben, reason="r", actor="t"
        )
    assert done.rows["people.id"] == 1 and done.files == FilesErased()
    with db() as session:
        assert session.get(Person, ben) is None


def test_nothing_is_erased_while_an_ingest_is_pending(
    db: sessionmaker[Session], setup: tuple[Settings, int, int]
) -> None:
    settings, org_id, ben = setup
    lake_before = EventLake(settings.org_lake_dir("acme")).scan().collect()
    with transaction(db) as session:
        session.add(Job(org_id=org_id, kind="ingest", status="queued", params={}))
    with db() as session, pytest.raises(Invalid, match=r"ingest job \d+ has not finished"):
        do_erase_person(session, settings, org_id=org_id, person_id=ben, reason="r", actor="t")
    assert EventLake(settings.org_lake_dir("acme")).scan().collect().equals(lake_before)
    with db() as session:
        assert session.get(Person, ben) is not None
