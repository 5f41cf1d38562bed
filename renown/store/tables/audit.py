"""The audit log: append-only, each entry chained to the previous one by its hash.

Rows are never updated or deleted by renown. ``hash`` covers the entry's content and the
previous entry's hash, so editing, removing or reordering any entry breaks the chain from
that point on, which ``renown audit verify`` reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from renown.store.base import Base


class AuditEntry(Base):
    """One automated output or human decision."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    """Position in the chain, from 1 without gaps."""
    at: Mapped[datetime]
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    actor: Mapped[str] = mapped_column(sa.String(320))
    """Who did it: ``account:<id>``, ``system`` or ``job:<id>``."""
    action: Mapped[str] = mapped_column(sa.String(100))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
