"""Chunked import: the same events, keys and refusals as reading the whole file, all or nothing.

Chunks and groups are made tiny here so that a few kilobytes cross every boundary: records
cut between chunks, identical rows and copies in different chunks, a native id repeated
far apart, a refusal in the last chunk.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.delimited import record_lines
from renown.core.errors import InputError
from renown.ingest import stream
from renown.ingest.events import read_events
from renown.ingest.lake import EventLake
from renown.ingest.readers._chunks import delimited_chunks
from renown.ingest.readers._delimited import read_delimited
from renown.ingest.readers._scan import clean_record_lines
from renown.ingest.readers.mail import mbox_batches, read_mbox
from renown.ingest.stream import import_source
from tests.fuzzing import fuzz

DELIMITED = {
    "plain": b"actor,target,timestamp\na,b,2024-01-01\nc,d,2024-01-02\n\n\ne,f,2024-01-03\n",
    "quoted": (
        b'\xef\xbb\xbf\n\nactor,target,"time\nstamp"\n"a\nx",b,1\n"c""q",d,2\r\n'
        b'e,"f\r\ng",3\r\n\r\n"",""," "\nh,i,4'
    ),
    "lone_cr": b"actor,target,timestamp\ra,b,1\rc,d,2\re,f,3",
    "stray_quote": b'actor,target,timestamp\na,b,1\nc,d,2\ne,f"g,3\nh,i,4\n',
    "unclosed": b'actor,target,timestamp\na,b,1\nc,"d,2\ne,f,3\n',
    "short_row": b"actor,target,timestamp\na,b,1\nc,d,2\ne,f\n",
    "not_utf8": b"actor,target,timestamp\na,b,1\nc,d,2\ne,\xff,3\n",
    "empty": b"",
    "blank": b"\n \n",
}


def outcome(read: object) -> tuple[str, object]:
    try:
        return "ok", read() if callable(read) else read
    except InputError as error:
        return "refused", str(error)


@pytest.mark.parametrize("name", sorted(DELIMITED))
@pytest.mark.parametrize("chunk_bytes", [1, 3, 8, 64, 1 << 20])
def test_chunks_read_like_the_whole_file(tmp_path: Path, name: str, chunk_bytes: int) -> None:
    file = tmp_path / f"{name}.csv"
    file.write_bytes(DELIMITED[name])

    def whole() -> tuple[pl.DataFrame, list[int]]:
        frame, line_of = read_delimited(file, ",")
        return frame, [line_of(k) for k in range(frame.height)]

    def chunked() -> tuple[pl.DataFrame, list[int]]:
        chunks = list(delimited_chunks(file, ",", chunk_bytes))
        assert [c.first_record for c in chunks] == [
            sum(c.frame.height for c in chunks[:k]) for k in range(len(chunks))
        ]
        frame = pl.concat([c.frame for c in chunks])
        return frame, [int(line) for c in chunks for line in c.lines]

    expected, got = outcome(whole), outcome(chunked)
    assert got[0] == expected[0]
    if expected[0] == "ok":
        assert isinstance(got[1], tuple) and isinstance(expected[1], tuple)
        assert got[1][0].equals(expected[1][0])
        assert got[1][1] == expected[1][1]
    else:
        assert got[1] == expected[1]


def write_table(path: Path, rows: list[str], header: str = "actor,target,timestamp,kind") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def content_rows() -> list[str]:
    rows = []
    for k in range(300):
        rows.append(f"p{k % 7}@x,p{k % 11}@x,2024-0{1 + k % 6}-0{1 + k % 9}T10:00:00Z,to")
    rows += [",anon@x,2024-03-03T00:00:00Z,upvote"] * 3  # anonymous repeats: all kept
    rows.append('"a\x1fb",c,2024-03-03,to')  # joins like the next row: same key, kept once
    rows.append('a,"b\x1fc",2024-03-03,to')
    return rows


def lake_rows(lake: EventLake) -> pl.DataFrame:
    return lake.scan().collect().sort("event_key")


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "GROUP_ROWS", 40)
    monkeypatch.setattr("renown.ingest.lake_parts.PART_ROWS", 50)


@pytest.mark.parametrize("chunk_bytes", [200, 1 << 20])
@pytest.mark.usefixtures("tiny")
def test_content_keys_copies_and_ordinals_are_file_wide(tmp_path: Path, chunk_bytes: int) -> None:
    file = write_table(tmp_path / "events.csv", content_rows())
    whole = EventLake(tmp_path / "whole")
    expected = whole.append(read_events(file))
    chunked = EventLake(tmp_path / "chunked")
    result = import_source(file, chunked, chunk_bytes=chunk_bytes)
    assert (result.added, result.duplicates) == (expected.added, expected.duplicates)
    assert lake_rows(chunked).equals(lake_rows(whole))
    again = import_source(file, chunked, chunk_bytes=chunk_bytes)
    assert again.added == 0
    assert not [p for p in chunked.path.iterdir() if p.name.startswith(".import-")]


@pytest.mark.usefixtures("tiny")
def test_native_ids_repeated_far_apart_keep_the_first(tmp_path: Path) -> None:
    rows = [f"id{k % 90},p{k}@x,q{k % 5}@x,2024-02-0{1 + k % 9}" for k in range(400)]
    file = write_table(tmp_path / "ids.csv", rows, header="event_key,actor,target,timestamp")
    whole = EventLake(tmp_path / "whole")
    whole.append(read_events(file))
    chunked = EventLake(tmp_path / "chunked")
    result = import_source(file, chunked, chunk_bytes=300)
    assert result.added == 90
    assert lake_rows(chunked).equals(lake_rows(whole))


@pytest.mark.usefixtures("tiny")
def test_a_refusal_in_the_last_chunk_writes_nothing(tmp_path: Path) -> None:
    rows = content_rows()
    lines_before = len(rows) + 1
    file = write_table(tmp_path / "bad.csv", [*rows, "z@x,y@x,yesterday,to"])
    lake = EventLake(tmp_path / "lake")
    lake.append(read_events(write_table(tmp_path / "first.csv", rows[:5])))
    manifest = (lake.path / "_manifest.json").read_bytes()
    with pytest.raises(InputError) as refused:
        import_source(file, lake, chunk_bytes=200)
    assert refused.value.line == lines_before + 1
    assert refused.value.field == "timestamp"
    with pytest.raises(InputError) as whole:
        read_events(file)
    assert str(refused.value) == str(whole.value)
    assert (lake.path / "_manifest.json").read_bytes() == manifest
    files = sorted(p.relative_to(lake.path).as_posix() for p in lake.path.rglob("*"))
    assert all(not name.startswith(".import-") and ".tmp" not in name for name in files)


def test_batches_that_fail_midway_leave_no_file(tmp_path: Path) -> None:
    lake = EventLake(tmp_path / "lake")
    good = read_events(write_table(tmp_path / "a.csv", content_rows()[:50]))

    def batches() -> object:
        yield good
        raise InputError("source.csv", "broken", line=9)

    with pytest.raises(InputError, match="broken"):
        lake.append_batches(batches())  # type: ignore[arg-type]
    assert lake.parts() == []
    assert not list(lake.path.glob("month=*/*"))


MESSAGE = (
    "From {sender} Mon Mar  4 10:00:00 2024\n"
    "Message-ID: <{n}@x>\nDate: Mon, 0{day} Mar 2024 10:00:00 +0000\n"
    "From: {sender}\nTo: a@x, b@x\nCc: c@x\nSubject: s\n\nbody\n>From the desk\n\n"
)


def write_mbox(path: Path, count: int, bad_date_at: int | None = None) -> Path:
    parts = []
    for n in range(count):
        text = MESSAGE.format(sender=f"s{n % 3}@x", n=n % 40, day=1 + n % 9)
        if n == bad_date_at:
            text = text.replace("Date: Mon, 0", "Date: not a date 0")
        parts.append(text)
    path.write_text("preamble that is no message\n" + "".join(parts))
    return path


@pytest.mark.parametrize("chunk_bytes", [1, 50, 1000, 1 << 20])
def test_mbox_batches_read_like_the_whole_box(tmp_path: Path, chunk_bytes: int) -> None:
    box = write_mbox(tmp_path / "mail.mbox", 60)
    batches = list(mbox_batches(box, chunk_bytes=chunk_bytes))
    assert pl.concat(batches).equals(read_mbox(box))


def test_mbox_refusal_names_the_same_line(tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "mail.mbox", 30, bad_date_at=25)
    with pytest.raises(InputError) as whole:
        read_mbox(box)
    with pytest.raises(InputError) as chunked:
        list(mbox_batches(box, chunk_bytes=100))
    assert str(chunked.value) == str(whole.value)
    assert chunked.value.field == "Date"


@pytest.mark.usefixtures("tiny")
def test_mbox_import_in_chunks_stores_what_a_whole_read_stores(tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "mail.mbox", 120)  # Message-IDs repeat every 40 messages
    whole = EventLake(tmp_path / "whole")
    whole.append(read_events(box))
    chunked = EventLake(tmp_path / "chunked")
    import_source(box, chunked, chunk_bytes=500)
    assert lake_rows(chunked).equals(lake_rows(whole))


QUOTED_PIECES = st.sampled_from(
    [b"a", b"bc", b",", b"\t", b" ", b'"', b'""', b"\n", b"\r", b"\r\n", b"\xc3\xa9", b"\x00"]
)


@fuzz(400)
@given(
    data=st.lists(QUOTED_PIECES, max_size=40).map(b"".join),
    separator=st.sampled_from([",", "\t"]),
)
def test_the_compiled_scan_vouches_only_for_what_the_strict_reader_accepts(
    data: bytes, separator: str
) -> None:
    fast = clean_record_lines(data, separator)
    if fast is None:
        return  # the strict reader decides
    assert list(fast) == list(record_lines(data, source="t", delimiter=separator))


def test_the_compiled_scan_vouches_for_quoted_files() -> None:
    data = b'a,"b ""c"", d"\r\n"x\ny",z\n\n"","  "\n'
    assert list(clean_record_lines(data, ",") or []) == [1, 2]
    assert clean_record_lines(b'a,b\nc,d"e\n', ",") is None


def test_a_refused_first_import_leaves_no_lake_folder(tmp_path: Path) -> None:
    file = write_table(tmp_path / "bad.csv", ["a@x,,2024-01-01,to"])
    lake = EventLake(tmp_path / "lake")
    with pytest.raises(InputError, match="target is empty"):
        import_source(file, lake)
    assert not lake.path.exists()


@pytest.mark.usefixtures("tiny")
def test_a_gzip_table_is_read_in_chunks_like_the_whole_file(tmp_path: Path) -> None:
    plain = write_table(tmp_path / "events.csv", content_rows())
    packed = tmp_path / "events.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    whole = EventLake(tmp_path / "whole")
    whole.append(read_events(packed))
    chunked = EventLake(tmp_path / "chunked")
    import_source(packed, chunked, chunk_bytes=300)
    assert lake_rows(chunked).equals(lake_rows(whole))
