"""Fuzzing org-chart imports: any bytes are imported whole or refused with nothing written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

from renown.org.actions import do_create_org, import_org_file
from renown.org.hris import HrisErrors, HrisRow, parse_hris
from renown.store import transaction
from renown.store.tables import AuditEntry, Department, Identity, Person, Team
from tests.fuzzing import fuzz, hostile, read_or_refusal
from tests.org.orgchart import SMALL_CHART

TABLES = (Department, Team, Person, Identity, AuditEntry)


@fuzz(300)
@given(data=hostile(SMALL_CHART))
def test_any_bytes_parse_into_valid_rows_or_located_problems(data: bytes) -> None:
    try:
        rows = parse_hris(data, source="hr.csv")
    except HrisErrors as error:
        assert error.problems and all(p.source == "hr.csv" for p in error.problems)
        assert all(p.line is None or p.line >= 1 for p in error.problems)
        return
    assert rows and all(isinstance(r, HrisRow) and r.employee_id and r.name for r in rows)
    assert len({r.employee_id for r in rows}) == len(rows)


def _counts(session: Session) -> list[int]:
    return [session.scalar(sa.select(sa.func.count()).select_from(t)) or 0 for t in TABLES]


@pytest.fixture
def acme(db: sessionmaker[Session]) -> int:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme").id
        import_org_file(session, org, SMALL_CHART, "v1.csv", actor="test")
    return org


@settings(fuzz(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hostile(SMALL_CHART.replace(b"e1,", b"e9,")))
def test_a_refused_import_writes_nothing(db: sessionmaker[Session], acme: int, data: bytes) -> None:
    with db() as session:
        before = _counts(session)

    def run() -> object:
        with transaction(db) as session:
            return import_org_file(session, acme, data, "fuzz.csv", actor="test")

    if read_or_refusal(run, "fuzz.csv") is None:
        with db() as session:
            assert _counts(session) == before
