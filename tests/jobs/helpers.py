"""Small inputs and look-ups shared by the job tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.store.tables.jobs import Job


def events_csv(events: pl.DataFrame) -> bytes:
    """Events as the simplest upload: ``actor,target,timestamp,channel,kind``."""
    return (
        events.select(
            "actor",
            "target",
            pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"),
            "channel",
            "kind",
        )
        .write_csv()
        .encode()
    )


BROKEN_CSV = (
    b"actor,target,timestamp\n"
    b"p0001,p0002,2026-01-05T10:00:00Z\n"
    b"p0002,p0003,not-a-date\n"
    b"p0003,p0001,2026-01-06T10:00:00Z\n"
)
"""Line 3 (the header is line 1) has a timestamp that is not one."""


def job(sessions: sessionmaker[Session], job_id: int) -> Job:
    """The job's row as it is in the database now."""
    with sessions() as session:
        row = session.get(Job, job_id)
        assert row is not None
        return row


def job_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Job)) or 0)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
