"""Fuzzing mbox and Maildir: corrupt headers, broken MIME, undecodable bytes, huge headers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renown.ingest.readers.mail import read_maildir, read_mbox
from tests.fuzzing import assert_well_formed_events, fuzz, hostile, read_or_refusal
from tests.ingest.test_mail import FIRST, NO_ID, REPLY

MBOX = (FIRST + "\n" + REPLY + "\n" + NO_ID).encode()
MIME = (
    b"From: Ann <ann@example.com>\nTo: bob@example.com\nDate: Mon, 04 Mar 2024 10:00:00 +0100\n"
    b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
    b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\naGk=\n--b1--\n"
)
HEADER_NAMES = ("From", "To", "Cc", "Bcc", "Date", "Message-ID", "In-Reply-To", "Subject")
HEADER_VALUE = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(str.encode),
    st.sampled_from(
        [
            b"=?utf-8?b?QW5u?= <ann@example.com>",
            b"=?unknown-charset?q?x?= <x@y>",
            b'"a, b" <a@b>, c@d, :;, <>, @, a@, @b, <<a@b>>',
            b"Mon, 01 Jan 0001 00:00:00 +0100",
            b"Fri, 31 Dec 9999 23:59:59 -2359",
            b"Mon, 04 Mar 2024 10:00:00 +9999",
            b"32 Foo 2024 99:99:99",
            b"Ann \xe9l\xe8ve <ann@example.com>",
            b"x" * 100_000,
        ]
    ),
)


def _message(headers: list[tuple[str, bytes]]) -> bytes:
    return b"".join(name.encode() + b": " + value + b"\n" for name, value in headers) + b"\nbody\n"


@fuzz(150)
@given(data=hostile(MBOX))
def test_hostile_mbox_is_read_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        box = Path(folder, "inbox.mbox")
        box.write_bytes(data)
        events = read_or_refusal(lambda: read_mbox(box), str(box))
    if events is not None:
        assert_well_formed_events(events)


@fuzz(200)
@given(
    headers=st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HEADER_VALUE), max_size=8),
    edited=hostile(MIME),
)
def test_hostile_maildir_messages_are_read_or_refused(
    headers: list[tuple[str, bytes]], edited: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "cur").mkdir()
        (root / "new").mkdir()
        (root / "cur" / "1.host:2,S").write_bytes(_message(headers))
        (root / "new" / "2.host").write_bytes(edited)
        events = read_or_refusal(lambda: read_maildir(root), folder)
    if events is not None:
        assert_well_formed_events(events)


@pytest.mark.parametrize(
    "date",
    [b"Fri, 31 Dec 9999 23:59:59 -2359", b"Mon, 4 Mar 2024 99:00", b"Mon, 4 Foo 2024 10:00"],
)
def test_dates_at_the_edge_of_the_calendar_are_refused_with_line_and_field(
    tmp_path: Path, date: bytes
) -> None:
    from renown.core.errors import InputError

    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        b"From a Mon Mar  4 09:00:00 2024\nFrom: a@x\nTo: b@x\nDate: " + date + b"\n\nhi\n"
    )
    with pytest.raises(InputError) as caught:
        read_mbox(box)
    assert (caught.value.line, caught.value.field) == (4, "Date")


def test_undecodable_header_bytes_do_not_break_keys(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        b"From a Mon Mar  4 09:00:00 2024\nFrom: \xe9ve <eve@x.org>\nTo: b@x.org\n"
        b"Message-ID: <\xff@x>\nDate: Mon, 04 Mar 2024 10:00:00 +0000\n\nhi\n"
    )
    events = read_mbox(box)
    assert events.select("actor", "target").rows() == [("eve@x.org", "b@x.org")]
    assert_well_formed_events(events)
