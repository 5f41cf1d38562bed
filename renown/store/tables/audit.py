"""The audit log: append-only, each entry chained to the previous one by its hash.

Rows are never deleted by renown, and updated only by a recorded redaction (the erasure of
a person, see :mod:`renown.audit.log`). ``hash`` covers the entry's content and the
previous entry's hash, so editing, removing or reordering any entry breaks the chain from
that point on, which ``renown audit verify`` reports.

Personal values (an account's e-mail, the name a decision is signed with) are kept out of
the hashed content: the payload holds a keyed digest and :class:`AuditPersonalValue` holds
the value and its key, tied to the person and account it names, so erasing them deletes
the value (their foreign keys cascade) and leaves the chain verifiable.
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


class AuditPersonalValue(Base):
    """A personal value an audit entry names by digest (deleted with its person or account).

    ``digest`` is HMAC-SHA256 of the value under ``key``, a random key of its own: once
    the row is gone, the digest left in the entry cannot be tested against guesses (an
    e-mail address is easy to guess; a plain hash of it would name it).
    """

    __tablename__ = "audit_personal_values"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    """The entry (``audit_log.seq``) whose payload holds the digest."""
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(64))
    """Hex of the random HMAC key."""
    value: Mapped[str] = mapped_column(sa.Text)
