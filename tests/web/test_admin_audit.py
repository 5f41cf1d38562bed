"""Verifying the audit log through the API: an organisation's administrator learns whether
the chain is intact and how many entries are their own, nothing of other organisations."""

from __future__ import annotations

import sqlalchemy as sa

from renown.core.roles import Role
from renown.store.tables import AuditEntry
from tests.web.conftest import Platform


def _count(platform: Platform, *where: sa.ColumnElement[bool]) -> int:
    with platform.sessions() as session:
        return int(session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(*where)) or 0)


def test_an_org_admin_sees_their_own_entry_count_not_the_installation_s(
    platform: Platform,
) -> None:
    admin = platform.bearer(Role.ADMIN)  # issuing its token is logged too
    own = _count(platform, AuditEntry.org_id == platform.acme_id)
    others = _count(platform, AuditEntry.org_id != platform.acme_id)
    assert own > 0 and others > 0  # both organisations have logged something
    answer = admin.get("/api/v1/audit/verify")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"intact": True, "entries": own, "breaks": []}


def test_an_org_admin_is_not_told_where_another_organisation_s_chain_breaks(
    platform: Platform,
) -> None:
    with platform.sessions() as session, session.begin():
        theirs = session.scalar(
            sa.select(AuditEntry).where(AuditEntry.org_id == platform.other_id).limit(1)
        )
        assert theirs is not None
        original = dict(theirs.payload)
        theirs.payload = {**original, "tampered": True}
    try:
        shown = platform.bearer(Role.ADMIN).get("/api/v1/audit/verify").json()
    finally:
        with platform.sessions() as session, session.begin():
            restored = session.get(AuditEntry, theirs.id)
            assert restored is not None
            restored.payload = original
    assert shown["intact"] is False and shown["breaks"] == []
    assert shown["entries"] == _count(platform, AuditEntry.org_id == platform.acme_id)
