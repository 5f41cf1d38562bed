"""Malformed talent-records and demographics files are refused, located, and write nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from renown.core.clock import FixedClock
from renown.core.delimited import MAX_FIELD_CHARS
from renown.store.tables.talent import Demographics, PerformanceRating, TalentProfile
from renown.talent.imports import check_import_demographics, check_import_talent_records
from renown.talent.records import RecordErrors, parse_demographics, parse_talent_records
from tests.talent.conftest import TalentOrg

RECORDS = b"employee_id,period,performance_rating,level\n"
ANSWERS = b"employee_id,sex,age_band\n"
Parser = Callable[..., list[Any]]


def _refusal(parse: Parser, data: bytes) -> RecordErrors:
    with pytest.raises(RecordErrors) as caught:
        parse(data, source="f.csv")
    return caught.value


MALFORMED = [
    pytest.param(
        RECORDS + b'p1,"2026,4,L3\np2,2026,5,L2\np3,2026,3,L1\n',
        ANSWERS + b'p1,"female,30-39\np2,male,under 30\np3,male,30-39\n',
        2,
        ("period", "sex"),
        "never closed",
        id="unclosed-quote",
    ),
    pytest.param(
        RECORDS + b'p1,2026,4,"L3\n',
        ANSWERS + b'p1,female,"30-39\n',
        2,
        ("level", "age_band"),
        "never closed",
        id="unclosed-quote-at-eof",
    ),
    pytest.param(
        RECORDS + b'p1,2026,4,"L"3\n',
        ANSWERS + b'p1,"fe"male,30-39\n',
        2,
        ("level", "sex"),
        "after the closing quote",
        id="text-after-closing-quote",
    ),
    pytest.param(
        RECORDS + b'p1,2026,4,L"3"\n',
        ANSWERS + b'p1,fe"male",30-39\n',
        2,
        ("level", "sex"),
        "does not start with one",
        id="quote-inside-unquoted-field",
    ),
    pytest.param(
        RECORDS + b"p1,2026,4,L3,x\n",
        ANSWERS + b"p1,female,30-39,x\n",
        2,
        (None, None),
        "fields but the header has",
        id="more-fields",
    ),
    pytest.param(
        RECORDS + b"p1,2026,4\n",
        ANSWERS + b"p1,female\n",
        2,
        ("level", "age_band"),
        "fields but the header has",
        id="fewer-fields",
    ),
    pytest.param(
        RECORDS + b"p1,2026,4," + b"L" * (MAX_FIELD_CHARS + 1) + b"\n",
        ANSWERS + b"p1," + b"f" * (MAX_FIELD_CHARS + 1) + b",30-39\n",
        2,
        ("level", "sex"),
        "longer than",
        id="huge-field",
    ),
    pytest.param(
        RECORDS + b"p1,2026,4,L\x003\n",
        ANSWERS + b"p1,fem\x00ale,30-39\n",
        2,
        ("level", "sex"),
        "NUL",
        id="nul-byte",
    ),
    pytest.param(
        RECORDS + b"p1,2026,4,Niv\xe9au\n",
        ANSWERS + b"p1,f\xe9minin,30-39\n",
        2,
        ("level", "sex"),
        "not valid UTF-8",
        id="latin-1",
    ),
    pytest.param(
        (RECORDS + b"p1,2026,4,L3\n").decode().encode("utf-16"),
        (ANSWERS + b"p1,female,30-39\n").decode().encode("utf-16"),
        1,
        (None, None),
        "UTF-16",
        id="utf-16",
    ),
    pytest.param(RECORDS, ANSWERS, 2, (None, None), "no rows", id="header-only"),
    pytest.param(b"\r\n", b"", 1, (None, None), "empty", id="empty"),
]


@pytest.mark.parametrize(("records", "answers", "line", "fields", "words"), MALFORMED)
def test_a_malformed_file_is_refused_with_line_and_field(
    records: bytes, answers: bytes, line: int, fields: tuple[str | None, str | None], words: str
) -> None:
    for parse, data, field in (
        (parse_talent_records, records, fields[0]),
        (parse_demographics, answers, fields[1]),
    ):
        error = _refusal(parse, data)
        assert (error.line, error.field) == (line, field), str(error)
        assert words in str(error) and "1 problem" in str(error)


def test_byte_order_mark_and_mixed_line_endings_are_read() -> None:
    data = b"\xef\xbb\xbf" + RECORDS.replace(b"\n", b"\r\n") + b"p1,2026,4,L3\rp2,2026,5,L2\n"
    records = parse_talent_records(data, source="f.csv")
    assert [(r.line, r.employee_id, r.level) for r in records] == [(2, "p1", "L3"), (3, "p2", "L2")]


def _rows(session: Session) -> list[int]:
    return [
        session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in (PerformanceRating, TalentProfile, Demographics)
    ]


def test_an_unclosed_quote_writes_nothing(
    session: Session, org: TalentOrg, clock: FixedClock
) -> None:
    hr = org.staff()
    check_import_talent_records(session, hr, RECORDS + b"p1,2025,3,L3\n", "ok.csv", clock=clock)
    before = _rows(session)
    broken = RECORDS + b'p1,2026,4,L4\np2,"2026,5,L2\np3,2026,3,L1\n'
    with pytest.raises(RecordErrors) as caught:
        check_import_talent_records(session, hr, broken, "t.csv", clock=clock)
    assert (caught.value.line, caught.value.field) == (3, "period")
    with pytest.raises(RecordErrors):
        check_import_demographics(
            session, hr, ANSWERS + b"p1,female,30-39\np2,male\n", "d.csv", clock=clock
        )
    session.expire_all()
    assert _rows(session) == before
