"""The audit chain detects edited, deleted and reordered entries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.audit import append, entries, verify
from renown.store import transaction
from renown.store.tables import AuditEntry


def _chain(db: sessionmaker[Session], n: int = 4) -> None:
    with transaction(db) as session:
        for i in range(n):
            append(session, actor="test", action="thing.do", subject=f"thing:{i}", payload={"i": i})


def _tamper(db: sessionmaker[Session], statement: sa.Executable) -> list[tuple[int, str]]:
    with transaction(db) as session:
        session.execute(statement)
    with db() as session:
        return [(b.seq, b.reason) for b in verify(session)]


def test_an_intact_chain_verifies(db: sessionmaker[Session]) -> None:
    _chain(db)
    with db() as session:
        assert verify(session) == []
        assert [e.seq for e in entries(session)] == [1, 2, 3, 4]


def test_an_edited_payload_is_detected(db: sessionmaker[Session]) -> None:
    _chain(db)
    breaks = _tamper(db, sa.update(AuditEntry).where(AuditEntry.seq == 2).values(payload={"i": 99}))
    assert breaks == [(2, "content was changed after it was written")]


def test_a_deleted_entry_is_detected(db: sessionmaker[Session]) -> None:
    _chain(db)
    breaks = _tamper(db, sa.delete(AuditEntry).where(AuditEntry.seq == 3))
    assert [seq for seq, _ in breaks] == [4, 4]
    assert "missing" in breaks[0][1]


def test_reordered_hashes_are_detected(db: sessionmaker[Session]) -> None:
    _chain(db)
    with db() as session:
        second, third = (
            session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.seq == seq))
            for seq in (2, 3)
        )
    with transaction(db) as session:
        session.execute(sa.update(AuditEntry).where(AuditEntry.seq == 2).values(hash=third))
        session.execute(sa.update(AuditEntry).where(AuditEntry.seq == 3).values(hash=second))
    with db() as session:
        broken = {b.seq for b in verify(session)}
    assert {2, 3} <= broken
