"""Malformed org-chart files are refused, located, and never turn into wrong people."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from renown.core.delimited import MAX_FIELD_CHARS
from renown.core.errors import InputError
from renown.org.actions import do_create_org, import_org_file
from renown.org.hris import HrisErrors, parse_hris
from renown.store import transaction
from renown.store.tables import Identity, Person

HEADER = b"employee_id,name,email\n"
GOOD = b"e1,Ana,ana@example.com\ne2,Bo,bo@example.com\n"


def _refusal(data: bytes) -> InputError:
    with pytest.raises(HrisErrors) as caught:
        parse_hris(data, source="hr.csv")
    return caught.value


@pytest.mark.parametrize(
    ("data", "line", "field", "words"),
    [
        pytest.param(
            HEADER + b'e1,"Ana,ana@example.com\ne2,Bo,bo@example.com\ne3,Cy,cy@example.com\n',
            2,
            "name",
            "never closed",
            id="unclosed-quote-swallows-the-rest",
        ),
        pytest.param(
            HEADER + GOOD + b'e3,Cy,"cy@example.com\n', 4, "email", "never closed", id="at-eof"
        ),
        pytest.param(
            HEADER + b'e1,"Ana" Lopez,ana@example.com\n',
            2,
            "name",
            "after the closing quote",
            id="text-after-closing-quote",
        ),
        pytest.param(
            HEADER + b'e1,Ana "Bo" Lopez,ana@example.com\n',
            2,
            "name",
            "does not start with one",
            id="quote-inside-unquoted-field",
        ),
        pytest.param(
            HEADER + b'e1, "Lopez, Ana",ana@example.com\n',
            2,
            "name",
            "does not start with one",
            id="space-before-quote",
        ),
        pytest.param(
            HEADER + b"e1,Ana,ana@example.com,extra\n", 2, None, "has 4 fields", id="more-fields"
        ),
        pytest.param(HEADER + GOOD + b"e3,Cy\n", 4, "email", "has 2 fields", id="fewer-fields"),
        pytest.param(
            HEADER + b"e1,Ana," + b"a" * (MAX_FIELD_CHARS + 1) + b"@example.com\n",
            2,
            "email",
            "longer than",
            id="huge-field",
        ),
        pytest.param(HEADER + b"e1,An\x00a,ana@example.com\n", 2, "name", "NUL", id="nul-byte"),
        pytest.param(
            HEADER + b"e1,Ana,ana@example.com\ne2,Jos\xe9,jose@example.com\n",
            3,
            "name",
            "not valid UTF-8 (byte 0xe9)",
            id="latin-1",
        ),
        pytest.param(
            (HEADER + GOOD).decode().encode("utf-16"), 1, None, "UTF-16", id="utf-16-with-bom"
        ),
        pytest.param(
            (HEADER + GOOD).decode().encode("utf-16-le"), 1, "column 1", "UTF-16", id="utf-16-le"
        ),
        pytest.param(b"", 1, None, "empty", id="empty"),
        pytest.param(b" \r\n\r\n", 1, None, "empty", id="blank-lines-only"),
        pytest.param(HEADER, 2, None, "no people", id="header-only"),
        pytest.param(HEADER + b"\n , ,\n", 2, None, "no people", id="header-and-blank-rows"),
    ],
)
def test_a_malformed_file_is_refused_with_line_and_field(
    data: bytes, line: int, field: str | None, words: str
) -> None:
    error = _refusal(data)
    assert (error.line, error.field) == (line, field), str(error)
    assert words in str(error) and str(error).startswith("hr.csv: 1 problem")


def test_problems_before_a_malformed_record_are_reported_with_it() -> None:
    error = _refusal(HEADER + b"e1,,ana@example.com\ne2,Bo,bo@example.com\ne3,Cy\n")
    assert [(p.line, p.field) for p in error.problems] == [(2, "name"), (4, "email")]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + HEADER + GOOD, id="utf-8-bom"),
        pytest.param(HEADER.replace(b"\n", b"\r\n") + GOOD, id="crlf-header-lf-rows"),
        pytest.param(HEADER + b"e1,Ana,ana@example.com\re2,Bo,bo@example.com\r\n", id="lone-cr"),
        pytest.param(HEADER + GOOD.rstrip(b"\n"), id="no-final-newline"),
    ],
)
def test_byte_order_marks_and_mixed_line_endings_are_read(data: bytes) -> None:
    rows = parse_hris(data)
    assert [(r.line, r.employee_id, r.name, r.email) for r in rows] == [
        (2, "e1", "Ana", "ana@example.com"),
        (3, "e2", "Bo", "bo@example.com"),
    ]


def test_quoted_fields_follow_rfc_4180() -> None:
    data = HEADER + b'e1,"Lopez, Ana ""Ani""",ana@example.com\n"e2","Bo\nBerg",bo@example.com\n'
    rows = parse_hris(data)
    assert [(r.line, r.name) for r in rows] == [(2, 'Lopez, Ana "Ani"'), (3, "Bo\nBerg")]


def _counts(session: Session) -> tuple[int, int]:
    people = session.scalar(sa.select(sa.func.count()).select_from(Person)) or 0
    identities = session.scalar(sa.select(sa.func.count()).select_from(Identity)) or 0
    return people, identities


def test_an_unclosed_quote_writes_nothing(db: sessionmaker[Session]) -> None:
    with transaction(db) as session:
        org = do_create_org(session, "acme", "Acme").id
        import_org_file(session, org, HEADER + GOOD, "v1.csv", actor="test")
    with db() as session:
        before = _counts(session)
    broken = HEADER + b'e3,"Cy,cy@example.com\ne4,Di,di@example.com\ne5,Ed,ed@example.com\n'
    with pytest.raises(InputError) as caught, transaction(db) as session:
        import_org_file(session, org, broken, "broken.csv", actor="test")
    assert (caught.value.line, caught.value.field) == (2, "name")
    with db() as session:
        assert _counts(session) == before
