"""Fuzzing the tabular reader: hostile CSV, TSV, JSON Lines and Parquet files.

Two properties: whatever the bytes, :func:`read_tabular` returns well-formed events or an
InputError naming the file; and for any well-formed CSV (cells with quotes, delimiters and
line breaks, any line ending, blank lines), the fast parser and the strict checker agree on
every value and every line number.
"""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.delimited import record_lines
from renown.core.errors import InputError
from renown.ingest.readers import _lines
from renown.ingest.readers._scan import clean_record_lines
from renown.ingest.readers.tabular import read_tabular
from tests.fuzzing import (
    assert_well_formed_events,
    fuzz,
    hostile,
    read_or_refusal,
    rfc4180_record,
)

CSV_SEED = (
    b"actor,target,timestamp,channel,kind,weight\n"
    b'ann,bob,2024-03-01T10:00:00Z,email,to,1\n"b,o",ann,1709290800,chat,,0.5\n'
    b'carl,"ann ""A""",2024-03-02,,,\n\ndora,"multi\nline",2024-03-02 10:00,,,2\n'
)
JSONL_SEED = (
    b'{"actor": "ann", "target": "bob", "timestamp": "2024-03-01T10:00:00Z"}\n\n'
    b'{"actor": null, "target": "ann", "timestamp": 1709290800, "weight": 2}\n'
    b'{"actor": "carl", "target": "ann", "timestamp": "2024-03-02", "kind": "cc"}\n'
)


def _read(data: bytes, name: str) -> pl.DataFrame | None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder, name)
        file.write_bytes(data)
        events = read_or_refusal(lambda: read_tabular(file), str(file))
    if events is not None:
        assert_well_formed_events(events)
    return events


@fuzz(250)
@given(data=hostile(CSV_SEED))
def test_hostile_csv_is_read_or_refused(data: bytes) -> None:
    _read(data, "events.csv")


@fuzz(80)
@given(data=hostile(CSV_SEED.replace(b",", b"\t")))
def test_hostile_tsv_is_read_or_refused(data: bytes) -> None:
    _read(data, "events.tsv")


@fuzz(150)
@given(data=hostile(JSONL_SEED))
def test_hostile_json_lines_are_read_or_refused(data: bytes) -> None:
    _read(data, "events.jsonl")


def _parquet_seed() -> bytes:
    frame = pl.DataFrame(
        {
            "actor": ["ann", None, "carl"],
            "target": ["bob", "ann", "ann"],
            "timestamp": [datetime(2024, 3, d, tzinfo=UTC) for d in (1, 2, 3)],
            "weight": [1.0, 0.5, 2.0],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


@fuzz(120)
@given(data=hostile(_parquet_seed()))
def test_corrupt_parquet_is_read_or_refused(data: bytes) -> None:
    _read(data, "events.parquet")


@pytest.mark.parametrize(
    "column",
    [
        pl.Series("target", [b"\xff\xfe", b"ok"], dtype=pl.Binary),
        pl.Series("target", [[1], [2]]),
        pl.Series("target", [{"a": 1}, {"a": 2}]),
        pl.Series("target", [1.5, float("nan")]),
        pl.Series("target", ["x", "y"], dtype=pl.Categorical),
        pl.Series("target", [True, False]),
        pl.Series("target", [None, None], dtype=pl.Null),
    ],
)
def test_parquet_columns_of_any_type_are_read_or_refused(tmp_path: Path, column: pl.Series) -> None:
    frame = pl.DataFrame(
        {"actor": ["ann", "bob"], "timestamp": ["2024-03-01", "2024-03-02"]}
    ).with_columns(column)
    for weight in (None, column.alias("weight")), (column.alias("timestamp"),):
        file = tmp_path / "typed.parquet"
        frame.with_columns(*[w for w in weight if w is not None]).write_parquet(file)
        events = read_or_refusal(lambda file=file: read_tabular(file), str(file))
        if events is not None:
            assert_well_formed_events(events)


def test_a_parquet_bomb_is_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "bomb.parquet"
    pl.select(
        actor=pl.repeat(None, 200_000, dtype=pl.String),  # anonymous: repeats are kept
        target=pl.repeat("bob", 200_000),
        timestamp=pl.repeat("2024-03-01", 200_000),
    ).write_parquet(file, statistics=False)
    assert file.stat().st_size < 20_000
    monkeypatch.setattr(_lines, "INFLATION_ALLOWANCE", 1_000_000)
    with pytest.raises(InputError, match="compression bomb") as caught:
        read_tabular(file)
    assert caught.value.source == str(file)
    monkeypatch.setattr(_lines, "INFLATION_ALLOWANCE", 64 * 1024**2)
    assert read_tabular(file).height == 200_000


def test_a_gzip_bomb_is_refused_while_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "events.csv.gz"
    import gzip

    with gzip.open(file, "wb") as stream:
        stream.write(b"actor,target,timestamp\n")
        for _ in range(64):
            stream.write(b"ann,bob,2024-03-01\n" * 50_000)
    monkeypatch.setattr(_lines, "INFLATION_ALLOWANCE", 1_000_000)
    with pytest.raises(InputError, match="compression bomb"):
        read_tabular(file)


def test_gzip_inside_a_file_named_csv_is_not_inflated(tmp_path: Path) -> None:
    import gzip

    file = tmp_path / "events.csv"
    file.write_bytes(gzip.compress(b"actor,target,timestamp\nann,bob,2024-03-01\n" * 1000))
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_tabular(file)


def test_text_that_looks_like_a_zlib_stream_is_read_as_text(tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    file.write_bytes(b"x^,actor,target,timestamp\n1,ann,bob,2024-03-01\n")
    assert read_tabular(file)["target"].to_list() == ["bob"]


# Agreement between the fast parser and the strict checker.

CELL = st.lists(
    st.sampled_from([*'ab ,"\n;é€\t', "\r\n", "\u2028", "\xa0"]), min_size=1, max_size=8
).map(lambda parts: f"x{''.join(parts)}y")
"""Cells with quotes, delimiters and line breaks inside (never a lone CR: polars would
see it as a line end), framed by letters so that trimming does not change them."""


@fuzz(200)
@given(
    rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=12),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    quote_all=st.booleans(),
    blanks=st.sets(st.integers(0, 12)),
    broken=st.integers(0, 11),
    bom=st.booleans(),
)
def test_values_and_line_numbers_agree_on_every_well_formed_csv(
    rows: list[tuple[str, str]],
    ending: str,
    quote_all: bool,
    blanks: set[int],
    broken: int,
    bom: bool,
) -> None:
    if ending == "\r":  # lone CRs end the lines: keep them out of the cells
        rows = [(a.replace("\r\n", "\n"), t.replace("\r\n", "\n")) for a, t in rows]
    text = [
        "\ufeff" if bom else "",
        rfc4180_record(["actor", "target", "timestamp"], ending=ending),
    ]
    line = 2
    lines = []
    for index, (actor, target) in enumerate(rows):
        if index in blanks:
            text.append(ending)
            line += 1
        lines.append(line)
        stamp = "soon" if index == broken else f"2024-03-{index + 1:02d}T10:00:00Z"
        record = rfc4180_record([actor, target, stamp], ending=ending, quote_all=quote_all)
        text.append(record)
        line += record.count("\n") + record.count("\r") - record.count("\r\n")
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder, "events.csv")
        file.write_bytes("".join(text).encode())
        if broken < len(rows):
            with pytest.raises(InputError) as caught:
                read_tabular(file)
            assert (caught.value.line, caught.value.field) == (lines[broken], "timestamp")
            return
        events = read_tabular(file)
    assert events.select("actor", "target").rows() == rows


PLAIN_PIECES = st.sampled_from(
    [b"a", b"bc", b",", b"\t", b" ", b"\n", b"\r", b"\r\n", b"\xc3\xa9", b"\xef\xbb\xbf", b"x^"]
)


@fuzz(300)
@given(
    data=st.lists(PLAIN_PIECES, max_size=40).map(b"".join),
    separator=st.sampled_from([",", "\t"]),
)
def test_the_columnar_check_of_plain_files_agrees_with_the_strict_reader(
    data: bytes, separator: str
) -> None:
    fast = clean_record_lines(data, separator)
    if fast is None:
        return  # the strict reader decides
    assert list(fast) == list(record_lines(data, source="t", delimiter=separator))
