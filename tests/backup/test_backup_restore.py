"""A backup taken while renown writes restores into a fresh installation exactly as of one
moment: every table row by row, every lake and run file byte by byte; data is never
overwritten without --force."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from renown import audit
from renown.accounts.actions import principal_of
from renown.backup import BackupError, create_backup, restore_backup
from renown.core.events import event_key
from renown.ingest.lake import EventLake
from renown.scoring.actions import enqueue_scoring
from renown.store.engine import make_engine, session_factory, transaction
from renown.store.tables.accounts import Account
from renown.worker import make_queue
from tests.backup.conftest import Installation, fresh_installation, home_data, table_rows
from tests.helpers import mode_of, one_event

WRITTEN_TABLES = frozenset({"jobs", "audit_log"})
"""What the writer thread adds to while the backup runs (one job and its audit entry)."""
WRITES_BEFORE_BACKUP = 5


@dataclass(frozen=True)
class Written:
    """A backup taken while a thread kept writing, and the source as the thread left it."""

    path: Path
    rows_before: dict[str, int]
    rows_after: dict[str, list[tuple[object, ...]]]
    files_after: dict[str, bytes]
    writes: int


class _Writer(threading.Thread):
    """Keeps starting scoring jobs (a jobs row and an audit entry in one transaction) and
    appending events to the organisation's lake, as the web app and a worker would."""

    def __init__(self, source: Installation) -> None:
        super().__init__(name="backup-test-writer", daemon=True)
        self.source = source
        self.stop = threading.Event()
        self.writes = 0
        self.started_enough = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        engine = make_engine(self.source.url)
        sessions = session_factory(engine)
        # an immediate queue keeps huey's queue in memory: no DDL in the store meanwhile
        settings = self.source.settings.model_copy(update={"jobs_immediate": True})
        queue = replace(make_queue(settings, sessions=sessions), run_task=_no_worker)
        lake = EventLake(self.source.settings.org_lake_dir("demo"), lock_timeout=30)
        try:
            with sessions() as session:
                admin = principal_of(
                    session.scalars(sa.select(Account).where(Account.role == "admin")).one()
                )
            while not self.stop.is_set():
                with transaction(sessions) as session:
                    enqueue_scoring(session, admin, queue)
                lake.append(one_event("u001", "u002", event_key("writer", self.writes)))
                self.writes += 1
                if self.writes >= WRITES_BEFORE_BACKUP:
                    self.started_enough.set()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
            self.started_enough.set()
        finally:
            engine.dispose()


def _no_worker(_job_id: int) -> None:
    """Jobs stay queued: the test looks at what was written, not at scoring."""


@pytest.fixture(scope="module")
def written(source: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Written]:
    before = {name: len(rows) for name, rows in table_rows(source.url).items()}
    writer = _Writer(source)
    writer.start()
    try:
        assert writer.started_enough.wait(60), "the writer never wrote"
        assert writer.error is None, writer.error
        path = tmp_path_factory.mktemp("backups") / "renown-backup.tar"
        create_backup(source.settings, path)
    finally:
        writer.stop.set()
        writer.join(60)
    assert writer.error is None, writer.error
    yield Written(
        path=path,
        rows_before=before,
        rows_after=table_rows(source.url),
        files_after=home_data(source.settings.home),
        writes=writer.writes,
    )


def test_a_backup_taken_during_writes_restores_one_consistent_moment(
    source: Installation, written: Written, tmp_path: Path
) -> None:
    assert mode_of(written.path) == 0o600
    with fresh_installation(source, tmp_path) as target:
        summary = restore_backup(target.settings, written.path)
        assert summary.audit_breaks == [] and summary.audit_entries > 0
        assert not summary.upgraded
        restored = table_rows(target.url)
        files = home_data(target.settings.home)

        assert set(restored) == set(written.rows_after)
        for name, rows in written.rows_after.items():
            if name in WRITTEN_TABLES:
                # the writer's rows up to the moment of the backup, and nothing torn
                assert len(restored[name]) >= written.rows_before[name] + WRITES_BEFORE_BACKUP
                assert restored[name] == rows[: len(restored[name])], name
            else:
                assert restored[name] == rows, name
        writer_jobs = len(restored["jobs"]) - written.rows_before["jobs"]
        writer_entries = len(restored["audit_log"]) - written.rows_before["audit_log"]
        assert writer_jobs == writer_entries, "a job and its audit entry travel together"

        _assert_lakes_and_runs(written.files_after, files)
        _assert_restored_installation_works(target)


def _assert_lakes_and_runs(source: dict[str, bytes], restored: dict[str, bytes]) -> None:
    """Byte for byte: the CLI lake and runs as they are, the growing org lake as of one
    append (its manifest lists a prefix of the source's parts, every one of them copied)."""
    lake = "orgs/demo/lake/"
    still = {n: b for n, b in source.items() if n.startswith(("lake/", "runs/"))}
    still.pop("lake/.lock")
    assert {n: b for n, b in restored.items() if n.startswith(("lake/", "runs/"))} == still
    assert any(n.startswith("runs/") for n in still) and any(n.startswith("lake/") for n in still)

    listed = [p["file"] for p in json.loads(restored[lake + "_manifest.json"])["parts"]]
    source_listed = [p["file"] for p in json.loads(source[lake + "_manifest.json"])["parts"]]
    assert listed == source_listed[: len(listed)]
    assert {n for n in restored if n.startswith(lake)} == {
        lake + "_manifest.json",
        *(lake + f for f in listed),
    }
    for name in listed:
        assert restored[lake + name] == source[lake + name], name
    assert not any(n.startswith(("uploads/", "secret.key", ".restore-")) for n in restored)


def _assert_restored_installation_works(target: Installation) -> None:
    """Sequences continue after the restored rows, and the audit chain goes on."""
    engine = make_engine(target.url)
    try:
        with transaction(session_factory(engine)) as session:
            audit.append(session, actor="system", action="restore.checked", subject="")
        with session_factory(engine)() as session:
            assert audit.verify(session) == []
    finally:
        engine.dispose()


def test_a_database_with_rows_is_refused_unless_forced(
    source: Installation, written: Written, tmp_path: Path
) -> None:
    with fresh_installation(source, tmp_path) as target:
        restore_backup(target.settings, written.path)
        rows, files = table_rows(target.url), home_data(target.settings.home)
        with pytest.raises(BackupError, match="is not empty: tables with rows") as refused:
            restore_backup(target.settings, written.path)
        assert "--force" in str(refused.value) and "orgs/demo/lake/" in str(refused.value)
        assert table_rows(target.url) == rows
        assert home_data(target.settings.home) == files

        # what the installation gained since is replaced by the backup's content
        stray = target.settings.home / "orgs" / "gone" / "lake" / "_manifest.json"
        stray.parent.mkdir(parents=True)
        stray.write_text('{"version": 2, "parts": []}')
        _assert_restored_installation_works(target)
        summary = restore_backup(target.settings, written.path, force=True)
        assert summary.audit_breaks == []
        assert table_rows(target.url) == rows
        assert home_data(target.settings.home) == files


def test_lakes_or_runs_in_the_home_are_refused_unless_forced(
    source: Installation, written: Written, tmp_path: Path
) -> None:
    with fresh_installation(source, tmp_path) as target:
        runs = target.settings.home / "runs"
        runs.mkdir(parents=True)
        (runs / "LATEST").write_text("kept\n")
        with pytest.raises(BackupError, match=r"files in runs/"):
            restore_backup(target.settings, written.path)
        assert (runs / "LATEST").read_text() == "kept\n"
        assert table_rows(target.url) == {}
