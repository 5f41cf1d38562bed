"""Fuzzing talent-records and demographics imports: whole or refused, never half."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from renown.core.clock import FixedClock
from renown.store.tables.talent import (
    Demographics,
    ExternalProminence,
    PerformanceRating,
    TalentProfile,
)
from renown.talent.imports import check_import_demographics, check_import_talent_records
from renown.talent.records import RecordErrors, parse_demographics, parse_talent_records
from tests.fuzzing import fuzz, hostile, read_or_refusal
from tests.talent.conftest import TalentOrg

RECORDS = (
    b"employee_id,period,performance_rating,rated_by,level,in_role_since,"
    b"external_network,external_score,external_observed_on\n"
    b"p1,2025,3,e2,L3,2024-02-01,linkedin,61,2026-10-01\np1,2026,4,e2,,,github,70,2026-11-01\n"
    b'p2,2026,5,,"L 2",,,,\n'
)
ANSWERS = (
    b"employee_id,sex,race_ethnicity,age_band,disability\n"
    b"p1,female,Asian,30-39,no\np2,Male,prefer not to say,UNDER 30,\n"
)
TABLES = (PerformanceRating, TalentProfile, ExternalProminence, Demographics)


@fuzz(200)
@given(records=hostile(RECORDS), answers=hostile(ANSWERS))
def test_any_bytes_parse_into_records_or_located_problems(records: bytes, answers: bytes) -> None:
    for parse, data in ((parse_talent_records, records), (parse_demographics, answers)):
        try:
            parsed: list[Any] = parse(data, source="f.csv")
        except RecordErrors as error:
            assert error.problems and all(p.source == "f.csv" for p in error.problems)
            continue
        assert parsed and all(r.employee_id and r.line >= 2 for r in parsed)


def _counts(session: Session) -> list[int]:
    return [session.scalar(sa.select(sa.func.count()).select_from(t)) or 0 for t in TABLES]


@settings(fuzz(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=hostile(RECORDS), answers=hostile(ANSWERS))
def test_a_refused_import_writes_nothing(
    session: Session, org: TalentOrg, clock: FixedClock, records: bytes, answers: bytes
) -> None:
    hr = org.staff()
    for check, data in (
        (check_import_talent_records, records),
        (check_import_demographics, answers),
    ):
        before = _counts(session)
        summary = read_or_refusal(
            lambda check=check, data=data: check(session, hr, data, "f.csv", clock=clock),
            "f.csv",
        )
        if summary is not None:
            continue
        session.expire_all()
        assert _counts(session) == before
