"""Fuzzing SNAP edge lists and Stack Exchange dumps (XML and CSV), and XML entity attacks."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.core.errors import InputError
from renown.ingest.readers import _lines
from renown.ingest.readers.snap import read_snap
from renown.ingest.readers.stackexchange import read_stackexchange
from tests.fuzzing import assert_well_formed_events, fuzz, hostile, read_or_refusal

SNAP_SEED = (
    b"# Directed graph\n# FromNodeId\tToNodeId\tTime\n0 1 1082008561\n1\t2\t1082008600\n\n2 0\n"
)
POSTS_XML = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
    b'  <row Id="1" PostTypeId="1" AcceptedAnswerId="2" OwnerUserId="10" '
    b'CreationDate="2018-03-12T17:00:45.567" Body="&lt;p&gt;How?&lt;/p&gt;" />\n'
    b'  <row Id="2" PostTypeId="2" ParentId="1" OwnerUserId="11" '
    b'CreationDate="2018-03-12T18:00:00.000" />\n</posts>\n'
)
COMMENTS_CSV = (
    b"Id,PostId,UserId,CreationDate,Text\n"
    b'100,2,10,2018-03-12T19:00:00.000,"thanks, ""great"""\n'
    b'101,1,12,2018-03-12T19:30:00.000,"multi\nline"\n'
)


@fuzz(200)
@given(data=hostile(SNAP_SEED))
def test_hostile_edge_lists_are_read_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder, "edges.txt")
        file.write_bytes(data)
        events = read_or_refusal(lambda: read_snap(file), str(file))
    if events is not None:
        assert_well_formed_events(events)


def test_edge_list_lines_are_counted_as_an_editor_counts_them(tmp_path: Path) -> None:
    file = tmp_path / "edges.txt"
    file.write_bytes(b"\xef\xbb\xbf# c\r0 1 5\r\n \t\n1\xc2\xa02 7\r\n\n")
    assert read_snap(file)["actor"].to_list() == ["0", "1\xa02"]  # NBSP is no separator
    file.write_bytes(b"\xef\xbb\xbf# c\r0 1 5\r\n \t\n1\xc2\xa02 7\r2 0 x\n")
    with pytest.raises(InputError) as caught:
        read_snap(file)
    assert (caught.value.line, caught.value.field) == (5, "time")
    file.write_bytes(b"0 1 5\n\xc2\xa0\n")
    with pytest.raises(InputError) as caught:
        read_snap(file)
    assert (caught.value.line, caught.value.field) == (2, "src")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"0 1\n1 2\x00\n", 2),
        (b"0 1\n1 \xe92\n", 2),
        ("0 1\n1 2\n".encode("utf-16"), 1),
    ],
)
def test_edge_lists_that_are_not_utf8_text_are_refused(
    tmp_path: Path, data: bytes, line: int
) -> None:
    file = tmp_path / "edges.txt"
    file.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_snap(file)
    assert caught.value.line == line


def test_a_gzipped_edge_list_bomb_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "edges.txt.gz"
    with gzip.open(file, "wb") as stream:
        for _ in range(40):
            stream.write(b"0 1 5\n" * 50_000)
    monkeypatch.setattr(_lines, "INFLATION_ALLOWANCE", 1_000_000)
    with pytest.raises(InputError, match="compression bomb"):
        read_snap(file)
    file.write_bytes(gzip.compress(b"0 1 5\n")[:-6])
    with pytest.raises(InputError, match="gzip"):
        read_snap(file)


def _dump(posts: bytes, comments: bytes | None = None) -> InputError | int:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "Posts.xml").write_bytes(posts)
        if comments is not None:
            Path(folder, "comments.csv").write_bytes(comments)
        events = read_or_refusal(lambda: read_stackexchange(folder), folder)
    if events is not None:
        assert_well_formed_events(events)
    return -1 if events is None else events.height


@fuzz(200)
@given(posts=hostile(POSTS_XML))
def test_hostile_stackexchange_xml_is_read_or_refused(posts: bytes) -> None:
    _dump(posts)


@fuzz(120)
@given(comments=hostile(COMMENTS_CSV))
def test_hostile_stackexchange_csv_is_read_or_refused(comments: bytes) -> None:
    _dump(POSTS_XML, comments)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE posts [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<posts><row Id="1" PostTypeId="1" OwnerUserId="&lol9;" CreationDate="2018-03-12" /></posts>
"""


@pytest.mark.parametrize(
    "posts",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY who "10">]>\n'
            b'<posts><row Id="1" OwnerUserId="&who;" CreationDate="2018-03-12" /></posts>\n',
            id="one-internal-entity",
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE posts SYSTEM "file:///etc/hostname">\n'
            b'<posts><row Id="1" CreationDate="2018-03-12" /></posts>\n',
            id="external-dtd",
        ),
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            b'\n<posts><row Id="1" OwnerUserId="&x;" CreationDate="2018-03-12" /></posts>\n',
            id="external-entity",
        ),
    ],
)
def test_xml_entities_are_refused_and_never_expanded(tmp_path: Path, posts: bytes) -> None:
    (tmp_path / "Posts.xml").write_bytes(posts)
    with pytest.raises(InputError, match="DOCTYPE") as caught:
        read_stackexchange(tmp_path)
    assert caught.value.line == 2 and caught.value.source == str(tmp_path / "Posts.xml")


def test_a_gzipped_xml_bomb_is_refused_while_streaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = b'<row Id="1" PostTypeId="1" OwnerUserId="10" CreationDate="2018-03-12" />\n'
    with gzip.open(tmp_path / "Posts.xml.gz", "wb") as stream:
        stream.write(b"<posts>\n")
        for _ in range(40):
            stream.write(row * 5_000)
        stream.write(b"</posts>\n")
    monkeypatch.setattr(_lines, "INFLATION_ALLOWANCE", 1_000_000)
    with pytest.raises(InputError, match="compression bomb"):
        read_stackexchange(tmp_path)


@fuzz(30)
@given(cut=st.integers(1, 200))
def test_a_truncated_gzipped_dump_is_refused(cut: int) -> None:
    packed = gzip.compress(POSTS_XML)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "Posts.xml.gz").write_bytes(packed[: max(1, len(packed) - cut)])
        read_or_refusal(lambda: read_stackexchange(folder), folder)
