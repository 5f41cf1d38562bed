"""Mail reader: mbox and Maildir, address normalisation, aliases, keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from renown.core.errors import InputError
from renown.core.events import event_key
from renown.ingest.readers.mail import normalize_address, read_maildir, read_mbox

FIRST = """From ann@example.com Mon Mar  4 09:00:00 2024
From: Ann Smith <Ann+work@Example.com>
To: Bob <bob@example.com>, carl@googlemail.com
Cc: dora@example.com, bob@example.com
Bcc: eve@example.com
Date: Mon, 04 Mar 2024 10:00:00 +0100
Message-ID: <m1@example.com>
Subject: plan

Hello all.
"""

REPLY = """From bob@example.com Mon Mar  4 12:00:00 2024
From: bob@example.com
To: ann@example.com
Cc: ann@example.com, undisclosed-recipients:;
Date: Mon, 04 Mar 2024 12:00:00 +0000
Message-ID: <m2@example.com>
In-Reply-To: <m1@example.com>
Subject: Re: plan

Fine.
"""

NO_ID = """From carl@example.com Tue Mar  5 08:00:00 2024
From: carl@gmail.com
To: carl@gmail.com, ann@example.com
Date: Tue, 05 Mar 2024 08:00:00
Subject: note

No id here.
"""


def test_normalize_address() -> None:
    assert normalize_address("Ann Smith <Ann+lists@GoogleMail.com>") == "ann@gmail.com"
    assert normalize_address(" bob@Example.COM ") == "bob@example.com"
    assert normalize_address("undisclosed-recipients:;") is None
    assert normalize_address("") is None


def test_mbox_events(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    box.write_text(FIRST + "\n" + REPLY + "\n" + NO_ID, encoding="utf-8")
    events = read_mbox(box)
    rows = list(zip(events["actor"], events["target"], events["kind"], strict=True))
    assert rows == [
        ("ann@example.com", "bob@example.com", "to"),
        ("ann@example.com", "carl@gmail.com", "to"),
        ("ann@example.com", "dora@example.com", "cc"),
        ("ann@example.com", "eve@example.com", "bcc"),
        ("bob@example.com", "ann@example.com", "reply"),
        ("carl@gmail.com", "ann@example.com", "to"),
    ]
    assert events["timestamp"][0] == datetime(2024, 3, 4, 9, tzinfo=UTC)
    assert events["timestamp"][5] == datetime(2024, 3, 5, 8, tzinfo=UTC)
    assert set(events["channel"]) == {"email"}
    assert events["event_key"][0] == event_key("mail", "<m1@example.com>", "bob@example.com", "to")
    assert events["event_key"].n_unique() == events.height
    assert read_mbox(box)["event_key"].to_list() == events["event_key"].to_list()


def test_aliases_merge_addresses(tmp_path: Path) -> None:
    box = tmp_path / "inbox.mbox"
    box.write_text(FIRST, encoding="utf-8")
    aliases = {"ANN@example.com": "person:ann", "carl@gmail.com": "person:carl"}
    events = read_mbox(box, aliases=aliases)
    assert set(events["actor"]) == {"person:ann"}
    assert "person:carl" in events["target"].to_list()


def test_maildir_matches_mbox_keys(tmp_path: Path) -> None:
    folder = tmp_path / "maildir"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    (folder / "cur" / "1.eml").write_text(FIRST.split("\n", 1)[1], encoding="utf-8")
    (folder / "new" / "2.eml").write_text(REPLY.split("\n", 1)[1], encoding="utf-8")
    (folder / "tmp" / "3.eml").write_text(NO_ID.split("\n", 1)[1], encoding="utf-8")
    from_maildir = read_maildir(folder)
    box = tmp_path / "both.mbox"
    box.write_text(FIRST + "\n" + REPLY, encoding="utf-8")
    assert sorted(from_maildir["event_key"]) == sorted(read_mbox(box)["event_key"])


def test_bad_date_in_mbox_names_file_line_and_field(tmp_path: Path) -> None:
    broken = REPLY.replace("Mon, 04 Mar 2024 12:00:00 +0000", "sometime soon")
    box = tmp_path / "bad.mbox"
    box.write_text(FIRST + "\n" + broken, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_mbox(box)
    lines = box.read_text(encoding="utf-8").splitlines()
    assert caught.value.line is not None
    assert lines[caught.value.line - 1] == "Date: sometime soon"
    message = str(caught.value)
    assert message.startswith(f"{box}, line {caught.value.line}, field 'Date': message 2")
    assert "sometime soon" in message


def test_missing_date_in_maildir_names_message_file(tmp_path: Path) -> None:
    folder = tmp_path / "md"
    (folder / "cur").mkdir(parents=True)
    message = folder / "cur" / "x.eml"
    message.write_text("From: a@example.com\nTo: b@example.com\n\nbody\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.eml, line 1, field 'Date': message has no Date"):
        read_maildir(folder)


def test_not_a_mailbox(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Maildir"):
        read_maildir(tmp_path)
    with pytest.raises(InputError, match="not found"):
        read_mbox(tmp_path / "missing.mbox")
