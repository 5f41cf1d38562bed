"""Parsing org-chart CSVs: every row validated, every problem located (no database)."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.org.hris import MAX_PROBLEMS, HrisErrors, parse_hris
from renown.org.identities import identities_for
from tests.org.orgchart import SMALL_CHART, chart


def test_small_chart_parses_into_rows_in_file_order() -> None:
    rows = parse_hris(SMALL_CHART, source="people.csv")
    assert [r.employee_id for r in rows] == ["e1", "e2", "e3", "e4", "e5", "e6"]
    dan = rows[3]
    assert (dan.line, dan.name, dan.manager_id, dan.team, dan.department) == (
        5,
        "Dan Dev",
        "e3",
        "Platform",
        "Engineering",
    )
    assert dan.hired_on == date(2021, 5, 1) and dan.left_on is None
    assert [r.public_profile for r in rows] == [False, False, False, False, False, True]


def test_headers_are_case_insensitive_values_trimmed_and_unknown_columns_ignored() -> None:
    data = chart(
        " e1 ,  Ana Lopez , Ana.Lopez@Example.COM ,x,\ufeffignored",
        header=" Employee_ID ,NAME,  Email ,Extra,Notes",
    )
    [row] = parse_hris(data)
    assert (row.employee_id, row.name, row.email) == ("e1", "Ana Lopez", "ana.lopez@example.com")


def test_reads_a_path_and_names_it_as_the_source(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_bytes(chart("e1,Ana,,e9", header="employee_id,name,email,manager_id"))
    with pytest.raises(InputError) as caught:
        parse_hris(path)
    assert str(path) in str(caught.value)


def test_aliases_and_handles_become_normalised_identities() -> None:
    data = chart(
        "e7,Ana,Ana@Example.com,ana.l@Example.com; ANA@old.example ;,chat:@Ana ; Social:Ana_Dev",
        header="employee_id,name,email,aliases,handles",
    )
    [row] = parse_hris(data)
    assert list(identities_for(row)) == [
        ("employee_id", "e7"),
        ("email", "ana@example.com"),
        ("email", "ana.l@example.com"),
        ("email", "ana@old.example"),
        ("chat", "ana"),
        ("social", "ana_dev"),
    ]


@pytest.mark.parametrize(
    ("data", "line", "field", "words"),
    [
        (chart("e1", header="employee_id"), 1, "name", "required column 'name'"),
        (chart("e1,", header="employee_id,name"), 2, "name", "must not be empty"),
        (chart("e1,Ana", " ,Bo", header="employee_id,name"), 3, "employee_id", "empty"),
        (chart("e1,Ana", "e1,Bo", header="employee_id,name"), 3, "employee_id", "line 2"),
        (
            chart("e1,Ana,2024-13-01", header="employee_id,name,hired_on"),
            2,
            "hired_on",
            "ISO date",
        ),
        (
            chart("e1,Ana,2024-02-01,2023-01-01", header="employee_id,name,hired_on,left_on"),
            2,
            "left_on",
            "before hired_on",
        ),
        (
            chart("e1,Ana,maybe", header="employee_id,name,public_profile"),
            2,
            "public_profile",
            "'maybe'",
        ),
        (
            chart("e1,Ana,", "e2,Bo,e9", header="employee_id,name,manager_id"),
            3,
            "manager_id",
            "'e9'",
        ),
        (
            chart("e1,Ana,e3", "e2,Bo,e1", "e3,Cy,e2", header="employee_id,name,manager_id"),
            2,
            "manager_id",
            "cycle",
        ),
        (chart("e1,Ana,e1", header="employee_id,name,manager_id"), 2, "manager_id", "own"),
        (chart("e1,Ana,chat@ana", header="employee_id,name,handles"), 2, "handles", "kind:value"),
        (chart("e1,Ana,email:a@b.c", header="employee_id,name,handles"), 2, "handles", "reserved"),
        (chart("e1,Ana,not-an-email", header="employee_id,name,email"), 2, "email", "e-mail"),
        (
            chart("e1,Ana,a@x.org", "e2,Bo,A@X.org", header="employee_id,name,email"),
            3,
            "email",
            "e1",
        ),
        (
            chart("e1,Ana,T,D1", "e2,Bo,T,D2", header="employee_id,name,team,department"),
            3,
            "department",
            "team 'T'",
        ),
    ],
)
def test_each_problem_names_line_and_field(data: bytes, line: int, field: str, words: str) -> None:
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data, source="hr.csv")
    error = caught.value
    assert isinstance(error, InputError)
    assert (error.line, error.field) == (line, field)
    text = str(error)
    assert text.startswith("hr.csv: 1 problem")
    assert f"line {line}, field {field!r}" in text and words in text


def test_bad_utf8_names_the_line() -> None:
    data = b"employee_id,name\ne1,Ana\ne2,Jos\xe9\n"
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data, source="latin1.csv")
    assert caught.value.line == 3 and "UTF-8" in str(caught.value)


def test_a_byte_order_mark_is_not_part_of_the_first_header() -> None:
    [row] = parse_hris(b"\xef\xbb\xbfemployee_id,name\ne1,Ana\n")
    assert row.employee_id == "e1"


def test_all_problems_are_reported_at_once() -> None:
    data = chart(
        "e1,Ana,2020-01-01,x",
        "e2,,2020-01-01,",
        "e3,Cy,someday,",
        header="employee_id,name,hired_on,public_profile",
    )
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data)
    located = [(p.line, p.field) for p in caught.value.problems]
    assert located == [(2, "public_profile"), (3, "name"), (4, "hired_on")]
    assert "3 problems" in str(caught.value)


def test_problems_are_capped() -> None:
    data = chart(*(f"e{i},Name,notadate" for i in range(200)), header="employee_id,name,hired_on")
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data)
    assert len(caught.value.problems) == MAX_PROBLEMS and caught.value.truncated
    assert f"{MAX_PROBLEMS}+ problems" in str(caught.value)


def test_an_invalid_row_is_not_also_reported_as_an_unknown_manager() -> None:
    data = chart("e1,Ana,,notadate", "e2,Bo,e1,", header="employee_id,name,manager_id,hired_on")
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "hired_on")]


def test_known_managers_may_be_outside_a_partial_file() -> None:
    data = chart("e2,Bo,e1", header="employee_id,name,manager_id")
    [row] = parse_hris(data, known_employee_ids={"e1"})
    assert row.manager_id == "e1"


def test_cycles_through_stored_reporting_lines_are_found() -> None:
    data = chart("e1,Ana,e2", header="employee_id,name,manager_id")
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data, known_employee_ids={"e2": "e1"})
    assert caught.value.field == "manager_id" and "e1 -> e2 -> e1" in str(caught.value)


def test_empty_file_and_blank_lines() -> None:
    with pytest.raises(HrisErrors) as caught:
        parse_hris(b"")
    assert caught.value.line == 1
    rows = parse_hris(b"employee_id,name\n\ne1,Ana\n , \n")
    assert [r.line for r in rows] == [3]


def test_errors_survive_pickling_for_background_jobs() -> None:
    with pytest.raises(HrisErrors) as caught:
        parse_hris(chart("e1,", header="employee_id,name"), source="x.csv")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, HrisErrors) and str(copy) == str(caught.value)
    assert (copy.line, copy.field) == (2, "name")
