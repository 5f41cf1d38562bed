"""The audit chain detects edited, deleted and reordered entries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.audit import append, entries, verify, verify_for_org
from renown.org.actions import do_create_org
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


def _two_organisations(db: sessionmaker[Session]) -> tuple[int, int]:
    """Entries of two organisations interleaved in one chain: acme 2, globex 3, none 1."""
    with transaction(db) as session:
        acme = do_create_org(session, "acme", "Acme").id
        globex = do_create_org(session, "globex", "Globex").id
        session.execute(sa.delete(AuditEntry))  # only the entries below, whoever logs orgs
        for org_id in (globex, acme, None, globex, acme, globex):
            append(session, actor="test", action="thing.do", org_id=org_id)
    return acme, globex


def test_an_organisation_learns_its_own_entry_count_only(db: sessionmaker[Session]) -> None:
    acme, globex = _two_organisations(db)
    with db() as session:
        assert verify(session) == []
        mine = verify_for_org(session, acme)
        assert (mine.intact, mine.entries, mine.breaks) == (True, 2, ())
        assert verify_for_org(session, globex).entries == 3


def test_breaks_elsewhere_are_not_described_to_an_organisation(
    db: sessionmaker[Session],
) -> None:
    acme, globex = _two_organisations(db)
    # globex's second entry (seq 4) is edited: the chain is broken for everyone, but acme is
    # told nothing about where.
    _tamper(db, sa.update(AuditEntry).where(AuditEntry.seq == 4).values(payload={"x": 1}))
    with db() as session:
        mine = verify_for_org(session, acme)
        assert (mine.intact, mine.entries, mine.breaks) == (False, 2, ())
        theirs = verify_for_org(session, globex)
        assert [(b.position, b.reason) for b in theirs.breaks] == [
            (2, "content was changed after it was written")
        ]


def test_a_gap_before_an_own_entry_names_no_sequence_number(db: sessionmaker[Session]) -> None:
    acme, _globex = _two_organisations(db)
    _tamper(db, sa.delete(AuditEntry).where(AuditEntry.seq == 4))  # globex's, before acme's 2nd
    with db() as session:
        mine = verify_for_org(session, acme)
    assert not mine.intact
    assert [(b.position, b.action, b.reason) for b in mine.breaks] == [
        (2, "thing.do", "entries before it are missing"),
        (2, "thing.do", "does not follow the entry before it"),
    ]
