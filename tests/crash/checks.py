"""What must hold after a crash and a restart, read straight from the store and the lake.

Every acknowledged write is found exactly once by its marker (see
:mod:`tests.crash.clients`); no attempted write is found twice; the database passes its
own integrity checks (SQLite's ``integrity_check`` and ``foreign_key_check``; on
PostgreSQL, whose constraints hold by construction, every table is counted and read in
full); the audit chain verifies; the event lake holds no event twice and every finished
upload in full; and every job has ended, those the kill interrupted failed or done with a
reason.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.ingest.lake import EventLake
from renown.store import Base
from renown.store.engine import make_engine, session_factory
from renown.store.tables.audit import AuditEntry
from renown.store.tables.feedback import FeedbackItem
from renown.store.tables.jobs import Job
from renown.store.tables.org import Person
from renown.store.tables.recognition import Kudos
from tests.crash.clients import (
    ANONYMOUS,
    EVENTS_PER_UPLOAD,
    FEEDBACK,
    KUDOS,
    NEW_PEOPLE,
    NEW_PEOPLE_PER_CHART,
    RUN,
    SAME_CHART,
    UPLOAD,
    Ledger,
    Write,
)
from tests.crash.installation import ORG_SLUG, Installation

UNFINISHED = ("queued", "running")
LAKE = "event lake"


@dataclass
class Findings:
    """The outcome of one round's checks (problems are listed, never just counted)."""

    acknowledged: int = 0
    attempted: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)
    integrity_summary: str = ""
    audit_breaks: list[str] = field(default_factory=list)
    audit_entries: int = 0
    lake_events: int = 0
    lake_repeated: int = 0
    interrupted: list[int] = field(default_factory=list)
    recovered: int = 0
    job_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.lost or self.duplicates or self.integrity or self.audit_breaks or self.job_problems
        )


class Store:
    """Read access to one installation's database and lake for the checks."""

    def __init__(self, installation: Installation) -> None:
        self.installation = installation
        self.engine = make_engine(installation.database_url)
        self.sessions = session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def job_states(self) -> dict[int, tuple[str, str | None]]:
        """Every job's status and error."""
        with self.sessions() as session:
            rows = session.execute(sa.select(Job.id, Job.status, Job.error)).all()
        return {int(i): (str(s), e) for i, s, e in rows}

    def running_jobs(self) -> list[int]:
        """Jobs marked running (read right after a kill: the ones it interrupted)."""
        return sorted(i for i, (status, _) in self.job_states().items() if status == "running")

    def settle(self, timeout: float) -> dict[int, str]:
        """Wait until no job is queued or running; those still unfinished at ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            unfinished = {
                i: status for i, (status, _) in self.job_states().items() if status in UNFINISHED
            }
            if not unfinished or time.monotonic() > deadline:
                return unfinished
            time.sleep(0.25)

    def verify(self, ledger: Ledger, interrupted: Iterable[int]) -> Findings:
        """Check everything this module's docstring promises."""
        findings = Findings(
            acknowledged=len(ledger.acknowledged),
            attempted=len(ledger.attempted),
            interrupted=sorted(interrupted),
        )
        with self.sessions() as session:
            stored = self._stored(session)
            findings.audit_breaks = [f"seq {b.seq}: {b.reason}" for b in audit.verify(session)]
            entries = session.scalar(sa.select(sa.func.count(AuditEntry.id)))
            findings.audit_entries = int(entries or 0)
        lake_counts = self._lake(findings)
        stored[LAKE] = lake_counts
        _compare(ledger, stored, findings)
        self._jobs(ledger, lake_counts, findings)
        self._integrity(findings)
        return findings

    def _stored(self, session: Session) -> dict[str, Counter[str]]:
        """How often each marker of each kind is stored."""

        def counted(query: sa.Select[tuple[str, int]]) -> Counter[str]:
            return Counter({str(k): int(n) for k, n in session.execute(query).all()})

        count = sa.func.count()
        stored = {
            FEEDBACK: counted(
                sa.select(FeedbackItem.text, count)
                .where(~FeedbackItem.anonymous)
                .group_by(FeedbackItem.text)
            ),
            ANONYMOUS: counted(
                sa.select(FeedbackItem.text, count)
                .where(FeedbackItem.anonymous)
                .group_by(FeedbackItem.text)
            ),
            KUDOS: counted(sa.select(Kudos.message, count).group_by(Kudos.message)),
            NEW_PEOPLE: counted(sa.select(Person.employee_id, count).group_by(Person.employee_id)),
        }
        imports = session.scalars(
            sa.select(AuditEntry.payload).where(AuditEntry.action == "org.import")
        ).all()
        stored[SAME_CHART] = Counter(str(p.get("source")) for p in imports)
        jobs = session.execute(sa.select(Job.id, Job.kind, Job.params)).all()
        stored[UPLOAD] = Counter(str(p.get("file")) for _, kind, p in jobs if kind == "ingest")
        stored[RUN] = Counter(f"job:{i}" for i, kind, _ in jobs if kind == "scoring")
        return stored

    def _lake(self, findings: Findings) -> Counter[str]:
        """Events per source in the lake; a key stored twice is a duplicate."""
        lake = EventLake(self.installation.settings.org_lake_dir(ORG_SLUG))
        frame = lake.scan().select("event_key", "source").collect()
        findings.lake_events = frame.height
        findings.lake_repeated = frame.height - frame["event_key"].n_unique()
        if findings.lake_repeated:
            findings.duplicates.append(f"event lake: {findings.lake_repeated} keys stored twice")
        per_source = frame.group_by("source").agg(pl.len().alias("n"))
        return Counter(dict(zip(per_source["source"], per_source["n"], strict=True)))

    def _jobs(self, ledger: Ledger, lake: Counter[str], findings: Findings) -> None:
        states = self.job_states()
        for job_id, (status, error) in sorted(states.items()):
            if status in UNFINISHED:
                findings.job_problems.append(f"job {job_id} is still {status}")
            elif status == "failed" and not error:
                findings.job_problems.append(f"job {job_id} failed without a reason")
        for job_id in findings.interrupted:
            status, error = states.get(job_id, ("gone", None))
            if status == "failed" and error:
                findings.recovered += 1
            elif status != "done":
                findings.job_problems.append(f"interrupted job {job_id} ended {status}")
        with self.sessions() as session:
            done_uploads = {
                str(p.get("file"))
                for p in session.scalars(
                    sa.select(Job.params).where(Job.kind == "ingest", Job.status == "done")
                )
            }
        for write in ledger.acknowledged:
            if write.kind != UPLOAD or write.marker not in done_uploads:
                continue
            if lake.get(write.marker, 0) != EVENTS_PER_UPLOAD:
                findings.lost.append(
                    f"{UPLOAD} {write.marker}: done, but {lake.get(write.marker, 0)} of "
                    f"{EVENTS_PER_UPLOAD} events in the lake"
                )

    def _integrity(self, findings: Findings) -> None:
        url = sa.make_url(self.installation.database_url)
        if url.get_backend_name() == "sqlite":
            with sqlite3.connect(str(url.database)) as connection:
                result = [r[0] for r in connection.execute("PRAGMA integrity_check")]
                orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
            if result != ["ok"]:
                findings.integrity.extend(f"integrity_check: {line}" for line in result)
            findings.integrity.extend(f"foreign_key_check: {row}" for row in orphans)
            findings.integrity_summary = "integrity_check ok, foreign_key_check ok"
            return
        rows = 0
        tables = Base.metadata.sorted_tables
        with self.sessions() as session:
            for table in tables:
                counted = int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
                read = len(session.execute(sa.select(table)).all())
                if read != counted:
                    findings.integrity.append(f"{table.name}: counted {counted}, read {read}")
                rows += counted
        findings.integrity_summary = f"{len(tables)} tables counted and read, {rows:,} rows"


def _compare(ledger: Ledger, stored: dict[str, Counter[str]], findings: Findings) -> None:
    """Acknowledged writes stored exactly once; attempted ones at most once."""
    acknowledged = set(ledger.acknowledged)
    for write in ledger.attempted:
        for where, marker, most in _stored_markers(write):
            found = stored[where].get(marker, 0)
            if found > most:
                findings.duplicates.append(f"{where} {marker}: stored {found} times")
            elif found == 0 and where != LAKE and write in acknowledged:
                findings.lost.append(f"{where} {marker}: acknowledged, not stored")


def _stored_markers(write: Write) -> list[tuple[str, str, int]]:
    """Where a write leaves markers, which, and how many of each at most.

    An upload's events reach the lake only when its job runs, so their absence is judged
    with the job (:meth:`Store._jobs`), not here.
    """
    if write.kind == NEW_PEOPLE:
        return [(NEW_PEOPLE, f"{write.marker}-{i}", 1) for i in range(NEW_PEOPLE_PER_CHART)]
    if write.kind == UPLOAD:
        return [(UPLOAD, write.marker, 1), (LAKE, write.marker, EVENTS_PER_UPLOAD)]
    return [(write.kind, write.marker, 1)]


__all__ = ["Findings", "Store"]
