"""Erasure meets the chain: personal values kept beside it, and recorded redactions.

A personal value can be deleted without touching any hash; a redaction is accepted only
for exactly the content it recorded (an entry after the record cannot be vouched for at
all: its hash chains to the record, so the record cannot know its digest).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.audit import append, personal, verify
from renown.audit.log import REDACT_ACTION
from renown.audit.personal import MARKER, matches, resolved
from renown.audit.redact import Rewrite, redact
from renown.org.actions import do_create_org
from renown.store import transaction
from renown.store.tables import AuditEntry, AuditPersonalValue, Person


def _breaks(db: sessionmaker[Session]) -> list[tuple[int, str]]:
    with db() as session:
        return [(b.seq, b.reason) for b in verify(session)]


def _person(db: sessionmaker[Session]) -> int:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme")
        person = Person(org_id=org.id, employee_id="e1", name="Ana Lopez")
        session.add(person)
        session.flush()
        return person.id


def test_a_personal_value_is_kept_beside_the_chain_and_erased_with_its_person(
    db: sessionmaker[Session],
) -> None:
    person = _person(db)
    with transaction(db) as session:
        entry = append(
            session,
            actor="test",
            action="account.create",
            payload={"email": personal("ana@example.com", person_id=person), "role": "hr"},
        )
        seq = entry.seq
    with db() as session:
        stored = session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == seq))
        assert stored is not None and "ana@example.com" not in str(stored.payload)
        assert set(stored.payload["email"]) == {MARKER}
        assert resolved(session, stored.payload)["email"] == "ana@example.com"
        assert matches(session, stored.payload["email"], "ana@example.com")
        assert not matches(session, stored.payload["email"], "someone@example.com")
    assert _breaks(db) == []
    with transaction(db) as session:
        session.execute(
            sa.update(AuditPersonalValue).values(value="eve@example.com")
        )  # a forged value
    assert _breaks(db) == [(seq, "a personal value was changed after it was written")]
    with transaction(db) as session:
        session.execute(sa.delete(Person).where(Person.id == person))  # erasure: cascades
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditPersonalValue)) == 0
        stored = session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == seq))
        assert stored is not None and resolved(session, stored.payload)["email"] is None
        assert matches(session, stored.payload["email"], "erased:123")
    assert _breaks(db) == []


def _chain(db: sessionmaker[Session]) -> None:
    with transaction(db) as session:
        for i in range(1, 4):
            append(session, actor=f"account:{i}", action="thing.do", payload={"person": i})


def _redact_second(db: sessionmaker[Session]) -> None:
    with transaction(db) as session:
        second = session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 2))
        assert second is not None
        redact(
            session,
            [Rewrite(second, "erased:7", second.subject, {"person": -7})],
            actor="account:9",
            subject="erased:7",
            reason="asked",
            org_id=None,
        )


def test_a_recorded_redaction_verifies_and_an_edit_after_it_does_not(
    db: sessionmaker[Session],
) -> None:
    _chain(db)
    _redact_second(db)
    with db() as session:
        second = session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 2))
        record = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == REDACT_ACTION))
        assert second is not None and record is not None
        assert (second.actor, second.payload) == ("erased:7", {"person": -7})
        assert record.seq == 4 and [e["seq"] for e in record.payload["entries"]] == [2]
    assert _breaks(db) == []
    with transaction(db) as session:
        session.execute(
            sa.update(AuditEntry).where(AuditEntry.seq == 2).values(payload={"person": 2})
        )
    assert _breaks(db) == [(2, "content was changed after it was written")]


def test_a_redaction_vouches_only_for_the_entries_it_names(
    db: sessionmaker[Session],
) -> None:
    _chain(db)
    _redact_second(db)
    with transaction(db) as session:
        session.execute(
            sa.update(AuditEntry).where(AuditEntry.seq == 3).values(actor="someone else")
        )
    assert _breaks(db) == [(3, "content was changed after it was written")]


def test_redacting_nothing_records_nothing(db: sessionmaker[Session]) -> None:
    _chain(db)
    with transaction(db) as session:
        first = session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 1))
        assert first is not None
        same = Rewrite(first, first.actor, first.subject, dict(first.payload))
        assert redact(session, [same], actor="x", subject="y", reason="z", org_id=None) is None
    with db() as session:
        assert session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 3
