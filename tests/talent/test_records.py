"""Parsing talent-records and demographics files: values, and every problem located."""

from __future__ import annotations

from datetime import date

import pytest

from renown.talent.records import (
    MAX_PROBLEMS,
    DemographicsRecord,
    RecordErrors,
    TalentRecord,
    parse_demographics,
    parse_talent_records,
)

HEADER = (
    "employee_id,period,performance_rating,rated_by,level,in_role_since,"
    "external_network,external_score,external_observed_on"
)


def _talent(*lines: str, header: str = HEADER) -> list[TalentRecord]:
    return parse_talent_records("\n".join([header, *lines]) + "\n", source="t.csv")


def _problems(error: pytest.ExceptionInfo[RecordErrors]) -> list[tuple[int | None, str | None]]:
    return [(p.line, p.field) for p in error.value.problems]


def test_talent_records_parse_every_kind_of_fact() -> None:
    records = _talent(
        "p1,2026,4,e2,L3,2024-02-01,LinkedIn,61,2026-10-01",
        "",
        "p1,2025,3,,,,github,70,2026-09-01",
        "p2,,,,L2,,,,",
    )
    assert records == [
        TalentRecord(
            2, "p1", "2026", 4, "e2", "L3", date(2024, 2, 1), "linkedin", 61, date(2026, 10, 1)
        ),
        TalentRecord(
            4,
            "p1",
            "2025",
            3,
            external_network="github",
            external_score=70,
            external_observed_on=date(2026, 9, 1),
        ),
        TalentRecord(5, "p2", level="L2"),
    ]


def test_columns_are_case_insensitive_optional_and_unknown_ones_ignored() -> None:
    data = "\ufeffEmployee_ID , Level,notes\np1,L4,whatever\n".encode()
    assert parse_talent_records(data, source="t.csv") == [TalentRecord(2, "p1", level="L4")]


def test_row_problems_are_all_reported_with_line_and_column() -> None:
    with pytest.raises(RecordErrors) as error:
        _talent(
            "p1,2026,6,,,,,,",  # rating out of range
            "p2,2026,,,,,,,",  # period without rating
            ",,,,L1,,,,",  # no employee id
            "p3,,,e1,,,,,",  # rated_by without a rating
            "p4,,,,,2024-13-01,,,",  # bad date
            "p5,,,,,,x,101,2026-01-01",  # external score out of range
            "p6,,,,,,x,,",  # network without score and date
            "p7,,,,,,,,",  # nothing to import
            "p8,2026,4.0,,,,,,",  # not a whole number
        )
    assert _problems(error) == [
        (2, "performance_rating"),
        (3, "performance_rating"),
        (4, "employee_id"),
        (5, "rated_by"),
        (6, "in_role_since"),
        (7, "external_score"),
        (8, "external_score"),
        (8, "external_observed_on"),
        (9, None),
        (10, "performance_rating"),
    ]
    assert error.value.source == "t.csv"
    assert (error.value.line, error.value.field) == (2, "performance_rating")
    assert "line 7, column 'external_score': '101' is not a whole number from 1 to 100" in str(
        error.value
    )


def test_contradictions_between_lines_of_one_person() -> None:
    with pytest.raises(RecordErrors) as error:
        _talent(
            "p1,2026,4,,L3,2024-01-01,x,50,2026-01-01",
            "p1,2026,3,,L4,2024-01-01,x,51,2026-01-01",
            "p2,2026,3,,L3,,,,",
        )
    assert _problems(error) == [(3, "period"), (3, "external_observed_on"), (3, "level")]
    assert "the 2026 rating already given on line 2" in str(error.value)


def test_header_problems() -> None:
    with pytest.raises(RecordErrors) as error:
        _talent("p1,2026", header="id,period")
    assert _problems(error) == [(1, "employee_id"), (1, "performance_rating")]
    with pytest.raises(RecordErrors) as error:
        _talent("p1,x,1", header="employee_id,external_network,rated_by,level,level")
    assert _problems(error) == [
        (1, "level"),
        (1, "external_score"),
        (1, "external_observed_on"),
        (1, "rated_by"),
    ]
    with pytest.raises(RecordErrors, match="empty"):
        parse_talent_records(b"", source="t.csv")
    with pytest.raises(RecordErrors, match="UTF-8") as error:
        parse_talent_records(b"employee_id,level\np1,\xff\n", source="t.csv")
    assert error.value.line == 2


def test_quoted_fields_spanning_lines_keep_line_numbers_right() -> None:
    with pytest.raises(RecordErrors) as error:
        _talent('p1,,,,"Level\nthree",,,,', "p2,2026,9,,,,,,", header=HEADER)
    assert _problems(error) == [(4, "performance_rating")]


def test_problems_stop_at_the_limit() -> None:
    with pytest.raises(RecordErrors) as error:
        _talent(*[f"p{i},2026,0,,,,,," for i in range(MAX_PROBLEMS + 5)])
    assert len(error.value.problems) == MAX_PROBLEMS
    assert error.value.truncated
    assert f"{MAX_PROBLEMS}+ problems" in str(error.value)


def test_demographics_values_are_canonical_and_prefer_not_to_say_is_unknown() -> None:
    data = (
        "employee_id,sex,race_ethnicity,age_band,disability\n"
        "p1,FEMALE, black or african american ,30-39,No\n"
        "p2,Prefer not to say,,UNDER 30,\n"
    )
    assert parse_demographics(data, source="d.csv") == [
        DemographicsRecord(
            2,
            "p1",
            {
                "sex": "female",
                "race_ethnicity": "Black or African American",
                "age_band": "30-39",
                "disability": "no",
            },
        ),
        DemographicsRecord(
            3,
            "p2",
            {"sex": None, "race_ethnicity": None, "age_band": "under 30", "disability": None},
        ),
    ]


def test_demographics_keep_only_the_columns_the_file_has() -> None:
    records = parse_demographics("employee_id,age_band\np1,50 and over\n", source="d.csv")
    assert records == [DemographicsRecord(2, "p1", {"age_band": "50 and over"})]


def test_demographics_problems_name_the_allowed_values() -> None:
    with pytest.raises(RecordErrors) as error:
        parse_demographics(
            "employee_id,sex,age_band\np1,woman,30-39\np1,male,31\n,male,\n", source="d.csv"
        )
    assert _problems(error) == [(2, "sex"), (3, "employee_id"), (3, "age_band"), (4, "employee_id")]
    assert "one of female, male, non-binary" in str(error.value)
    assert "already appears on line 2" in str(error.value)
    with pytest.raises(RecordErrors, match="no answer column"):
        parse_demographics("employee_id,name\np1,Ana\n", source="d.csv")


def test_a_nul_byte_anywhere_is_refused_with_its_line() -> None:
    from renown.core.errors import InputError
    from renown.talent.records import parse_talent_records

    body = "employee_id,level\n" + "".join(f"e{i},L2\n" for i in range(2000)) + "e9,L\x003\n"
    with pytest.raises(InputError, match="NUL") as raised:
        parse_talent_records(body, source="records.csv")
    assert "line 2002" in str(raised.value)
