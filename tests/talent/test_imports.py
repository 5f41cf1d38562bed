"""Importing talent records and demographics: HR only, all-or-nothing, idempotent, audited."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown import audit
from renown.core.clock import FixedClock
from renown.core.errors import InputError, NotAllowed
from renown.core.roles import Role
from renown.org.actions import import_org_file
from renown.store.tables.talent import (
    Demographics,
    ExternalProminence,
    PerformanceRating,
    TalentProfile,
)
from renown.talent.demographics import (
    AGE_BANDS,
    DISABILITY_VALUES,
    RACE_ETHNICITY_VALUES,
    SEX_VALUES,
    check_report_my_demographics,
    demographics_for_audit,
)
from renown.talent.imports import (
    ImportSummary,
    check_import_demographics,
    check_import_talent_records,
)
from renown.talent.records import RecordErrors
from tests.org.orgchart import chart
from tests.talent.conftest import NOW, TalentOrg

TALENT = (
    "employee_id,period,performance_rating,rated_by,level,in_role_since,"
    "external_network,external_score,external_observed_on\n"
    "p1,2025,3,e2,L3,2024-02-01,linkedin,61,2026-10-01\n"
    "p1,2026,4,e2,,,github,70,2026-11-01\n"
    "p2,2026,5,,L2,,,,\n"
)
DEMOGRAPHICS = (
    "employee_id,sex,race_ethnicity,age_band,disability\n"
    "p1,female,Asian,30-39,no\n"
    "p2,Male,prefer not to say,UNDER 30,\n"
)


def _state(session: Session) -> list[list[tuple[Any, ...]]]:
    """Every talent row, column by column, to compare whole database states."""
    state = []
    for table in (PerformanceRating, TalentProfile, ExternalProminence, Demographics):
        columns = [c for c in table.__table__.columns]
        rows = session.execute(sa.select(*columns).order_by(*table.__table__.primary_key))
        state.append([tuple(row) for row in rows])
    return state


def _audit(session: Session, org: TalentOrg, action: str) -> list[dict[str, Any]]:
    return [e.payload for e in audit.entries(session, org_id=org.id) if e.action == action]


def test_hr_imports_talent_records(session: Session, org: TalentOrg, clock: FixedClock) -> None:
    summary = check_import_talent_records(
        session, org.staff(), TALENT.encode(), "t.csv", clock=clock
    )
    # Ratings 2025, 2026 (p1) and 2026 (p2); profiles p1 and p2; two observations.
    assert summary == ImportSummary(added=7, updated=0, unchanged=0, source="t.csv")
    ratings = session.execute(
        sa.select(
            PerformanceRating.person_id,
            PerformanceRating.period,
            PerformanceRating.rating,
            PerformanceRating.rated_by_id,
            PerformanceRating.created_at,
            PerformanceRating.org_id,
        ).order_by(PerformanceRating.person_id, PerformanceRating.period)
    ).all()
    p1, p2, e2 = org.ids["p1"], org.ids["p2"], org.ids["e2"]
    assert [tuple(r) for r in ratings] == [
        (p1, "2025", 3, e2, NOW, org.id),
        (p1, "2026", 4, e2, NOW, org.id),
        (p2, "2026", 5, None, NOW, org.id),
    ]
    profile = session.get(TalentProfile, p1)
    assert profile is not None
    assert (profile.level, profile.in_role_since) == ("L3", date(2024, 2, 1))
    observed = session.scalars(sa.select(ExternalProminence).order_by(ExternalProminence.network))
    assert [(o.network, o.score, o.observed_on) for o in observed] == [
        ("github", 70, date(2026, 11, 1)),
        ("linkedin", 61, date(2026, 10, 1)),
    ]
    assert _audit(session, org, "talent.records.import") == [
        {"source": "t.csv", "rows": 3, "added": 7, "updated": 0, "unchanged": 0}
    ]


def test_the_same_file_twice_changes_nothing(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    hr = org.staff(Role.ADMIN)
    check_import_talent_records(session, hr, TALENT, "t.csv", clock=clock)
    check_import_demographics(session, hr, DEMOGRAPHICS, "d.csv", clock=clock)
    before = _state(session)
    later = FixedClock(NOW + timedelta(days=3))
    again = check_import_talent_records(session, hr, TALENT, "t.csv", clock=later)
    assert again == ImportSummary(added=0, updated=0, unchanged=7, source="t.csv")
    again = check_import_demographics(session, hr, DEMOGRAPHICS, "d.csv", clock=later)
    assert again == ImportSummary(added=0, updated=0, unchanged=2, source="d.csv")
    session.expire_all()
    assert _state(session) == before
    assert len(_audit(session, org, "talent.records.import")) == 2


def test_a_changed_file_updates_and_keeps_what_it_leaves_empty(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    hr = org.staff()
    check_import_talent_records(session, hr, TALENT, "t.csv", clock=clock)
    changed = TALENT.replace("e2,L3,2024", "e2,,2024").replace(
        "p1,2026,4,e2,,,github,70", "p1,2026,2,e1,L4,,github,75"
    )
    summary = check_import_talent_records(session, hr, changed, "t2.csv", clock=clock)
    # p1's 2026 rating, profile (level) and github observation changed.
    assert summary == ImportSummary(added=0, updated=3, unchanged=4, source="t2.csv")
    with pytest.raises(InputError):  # L3 and L4 for p1 in one file
        check_import_talent_records(
            session, hr, changed.replace("e2,,2024", "e2,L5,2024"), "t3.csv", clock=clock
        )
    profile = session.get(TalentProfile, org.ids["p1"])
    assert profile is not None
    assert (profile.level, profile.in_role_since) == ("L4", date(2024, 2, 1))


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.MANAGER, Role.RECRUITER, Role.SPONSOR])
def test_only_hr_and_admins_import(
    session: Session, org: TalentOrg, clock: FixedClock, role: Role
) -> None:
    with pytest.raises(NotAllowed):
        check_import_talent_records(session, org.as_("e2", role), TALENT, "t.csv", clock=clock)
    with pytest.raises(NotAllowed):
        check_import_demographics(session, org.as_("e2", role), DEMOGRAPHICS, "d.csv", clock=clock)


def test_unknown_people_are_located_and_nothing_is_written(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    # g1 exists, but only in the other organisation: unknown here.
    import_org_file(
        session,
        org.other_id,
        chart("g1,Gil Globex,gil@example.com,Engineer,Platform,Engineering,,2020-01-01,,false"),
        "chart.csv",
        actor="test",
    )
    bad = TALENT + "nobody,2026,3,g1,,,,,\n"
    with pytest.raises(InputError) as error:
        check_import_talent_records(session, org.staff(), bad, "t.csv", clock=clock)
    assert isinstance(error.value, RecordErrors)
    located = [(p.line, p.field) for p in error.value.problems]
    assert located == [(5, "employee_id"), (5, "rated_by")]
    assert "t.csv, line 5, field 'employee_id'" in str(error.value.problems[0])
    with pytest.raises(InputError) as error:
        check_import_demographics(
            session, org.staff(), DEMOGRAPHICS + "g1,male,,,\n", "d.csv", clock=clock
        )
    assert (error.value.line, error.value.field) == (4, "employee_id")
    assert _state(session) == [[], [], [], []]
    assert _audit(session, org, "talent.records.import") == []


def test_the_other_organisation_is_untouched(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    check_import_talent_records(session, org.other_staff(), TALENT, "t.csv", clock=clock)
    check_import_demographics(session, org.other_staff(), DEMOGRAPHICS, "d.csv", clock=clock)
    assert session.scalars(sa.select(PerformanceRating.org_id).distinct()).all() == [org.other_id]
    assert session.scalars(sa.select(Demographics.person_id)).all() != []
    mine = demographics_for_audit(session, org.id, [org.ids["p1"], org.ids["p2"]])
    assert all(value is None for answers in mine.values() for value in answers.values())


def test_demographics_import_stores_canonical_answers_and_audits_counts_only(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    summary = check_import_demographics(session, org.staff(), DEMOGRAPHICS, "d.csv", clock=clock)
    assert summary == ImportSummary(added=2, updated=0, unchanged=0, source="d.csv")
    p1, p2 = org.ids["p1"], org.ids["p2"]
    assert demographics_for_audit(session, org.id, [p1, p2]) == {
        p1: {"sex": "female", "race_ethnicity": "Asian", "age_band": "30-39", "disability": "no"},
        p2: {"sex": "male", "race_ethnicity": None, "age_band": "under 30", "disability": None},
    }
    row = session.get(Demographics, p1)
    assert row is not None
    assert (row.source, row.updated_at) == ("import", NOW)
    payloads = _audit(session, org, "talent.demographics.import")
    assert payloads == [{"source": "d.csv", "rows": 2, "added": 2, "updated": 0, "unchanged": 0}]
    text = json.dumps([e.payload for e in audit.entries(session)]).lower()
    for value in (*SEX_VALUES, *RACE_ETHNICITY_VALUES, *AGE_BANDS, *DISABILITY_VALUES):
        if value not in ("no", "yes"):  # too short to search for meaningfully
            assert value.lower() not in text


def test_demographics_import_writes_only_its_columns_and_keeps_self_reports(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    hr = org.staff()
    check_import_demographics(session, hr, DEMOGRAPHICS, "d.csv", clock=clock)
    check_report_my_demographics(
        session,
        org.as_("p2"),
        sex="non-binary",
        race_ethnicity=None,
        age_band="30-39",
        disability="yes",
        clock=clock,
    )
    summary = check_import_demographics(
        session, hr, "employee_id,age_band\np1,40-49\np2,50 and over\n", "ages.csv", clock=clock
    )
    assert summary == ImportSummary(added=0, updated=1, unchanged=1, source="ages.csv")
    p1, p2 = org.ids["p1"], org.ids["p2"]
    answers = demographics_for_audit(session, org.id, [p1, p2])
    assert answers[p1] == {
        "sex": "female",
        "race_ethnicity": "Asian",
        "age_band": "40-49",
        "disability": "no",
    }
    assert answers[p2]["age_band"] == "30-39"  # the person's own answer wins
    assert answers[p2]["sex"] == "non-binary"


def test_demographics_import_is_all_or_nothing(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    with pytest.raises(InputError) as error:
        check_import_demographics(
            session, org.staff(), DEMOGRAPHICS + "p3,female,martian,,\n", "d.csv", clock=clock
        )
    assert (error.value.line, error.value.field) == (4, "race_ethnicity")
    assert session.scalars(sa.select(Demographics)).all() == []
