"""Background jobs (ingest, scoring, org import) and their progress.

The huey queue holds the work itself; this table is what people see: who started what,
how far it got, and what it produced or why it failed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base, utcnow


class Job(Base):
    """One piece of background work started by someone."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_org_created", "org_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    """``queued``, ``running``, ``done`` or ``failed``."""
    progress: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str] = mapped_column(sa.String(200), default="")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    """Last sign of life of the worker running the job; a stale one means the worker died."""
    finished_at: Mapped[datetime | None]
