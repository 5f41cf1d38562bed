"""The strict reader behind every CSV/TSV importer: RFC 4180 in, located refusals out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.delimited import MAX_FIELD_CHARS, line_of_offset, read_records
from renown.core.errors import InputError
from tests.fuzzing import NASTY, fuzz, rfc4180_record

CELLS = st.text(
    alphabet=st.sampled_from([*'ab ,;\t"\n\r', "é", "\u2028", "\x1c", "\xa0"]), max_size=6
)


@fuzz(300)
@given(
    rows=st.integers(1, 4).flatmap(
        lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=1)
    ),
    delimiter=st.sampled_from([",", "\t", ";"]),
    quote_all=st.booleans(),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_every_rfc_4180_table_is_read_back_cell_for_cell_and_line_for_line(
    rows: list[list[str]], delimiter: str, quote_all: bool, ending: str
) -> None:
    rows = [[f"<{cell}>" for cell in row] for row in rows]  # no blank record
    spelled = [
        rfc4180_record(row, delimiter=delimiter, ending=ending, quote_all=quote_all) for row in rows
    ]
    records = list(read_records("".join(spelled).encode(), source="t", delimiter=delimiter))
    assert [r.cells for r in records] == rows
    starts = [1]
    for text in spelled[:-1]:
        starts.append(starts[-1] + line_of_offset(text, len(text)) - 1)
    assert [r.line for r in records] == starts


@fuzz(400)
@given(
    data=st.lists(st.sampled_from([*NASTY[:-1], b"a", b"b", b"ab", b"\n", b","]), max_size=30).map(
        b"".join
    )
)
def test_any_bytes_give_rectangular_records_or_a_located_refusal(data: bytes) -> None:
    try:
        records = list(read_records(data, source="t.csv"))
    except InputError as error:
        assert error.source == "t.csv" and error.line is not None and error.line >= 1
        assert error.line <= line_of_offset(data, len(data)) + 1
        return
    assert records, "an empty file is refused"
    assert len({len(r.cells) for r in records}) == 1
    assert [r.line for r in records] == sorted({r.line for r in records})
    assert all(len(c) <= MAX_FIELD_CHARS for r in records for c in r.cells)


@pytest.mark.parametrize(
    ("text", "line"),
    [("a\nb", 2), ("a\r\nb", 2), ("a\rb", 2), ("a\r", 2), ("a\r\n\rb", 3), ("", 1)],
)
def test_lines_are_counted_as_csv_counts_them(text: str, line: int) -> None:
    assert line_of_offset(text, len(text)) == line
    assert line_of_offset(text.encode(), len(text)) == line


def test_a_quote_runs_to_the_end_of_the_file_without_unbounded_memory() -> None:
    data = b'a,b\n1,"' + b"x,y\n" * 100_000
    with pytest.raises(InputError) as caught:
        list(read_records(data, source="t.csv"))
    assert (caught.value.line, caught.value.field) == (2, "b")
    assert "longer than" in caught.value.message


def test_text_input_skips_decoding_but_not_the_checks() -> None:
    assert [r.cells for r in read_records("\ufeffa;b\n1;2\n", source="t", delimiter=";")] == [
        ["a", "b"],
        ["1", "2"],
    ]
    with pytest.raises(InputError, match="NUL") as caught:
        list(read_records("a,b\n1,\x002\n", source="t"))
    assert (caught.value.line, caught.value.field) == (2, "b")
