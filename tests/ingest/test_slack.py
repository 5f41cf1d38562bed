"""Slack export reader: replies, mentions, reactions, direct messages, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from renown.core.errors import InputError
from renown.ingest.readers.slack import read_slack

USERS = [
    {"id": "U1", "name": "ann", "profile": {"email": "Ann@Example.com"}},
    {"id": "U2", "name": "bob", "profile": {}},
    {"id": "U3", "name": "carl", "profile": {"email": "carl@example.com"}},
    {"id": "B1", "name": "deploybot", "is_bot": True, "profile": {}},
]


def dump(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")


def make_export(root: Path) -> Path:
    dump(root / "users.json", USERS)
    dump(root / "channels.json", [{"id": "C1", "name": "general", "members": ["U1", "U2", "U3"]}])
    dump(root / "dms.json", [{"id": "D1", "members": ["U1", "U2"]}])
    dump(
        root / "general" / "2024-03-01.json",
        [
            {"type": "message", "subtype": "channel_join", "user": "U3", "ts": "1709280000.000100"},
            {
                "type": "message",
                "user": "U1",
                "text": "Morning all",
                "ts": "1709283600.000200",
                "reactions": [
                    {"name": "wave", "users": ["U2", "U3", "U1"], "count": 3},
                    {"name": "+1", "users": ["U2", "B1"], "count": 2},
                ],
            },
            {
                "type": "message",
                "user": "U2",
                "text": "thanks <@U1> and <@U3|carl>, cc <@U2>",
                "ts": "1709283700.000300",
                "thread_ts": "1709283600.000200",
            },
            {"type": "message", "subtype": "bot_message", "text": "deployed", "ts": "1709283800.0"},
            {"type": "message", "user": "B1", "text": "hi <@U1>", "ts": "1709283900.000000"},
        ],
    )
    dump(
        root / "general" / "2024-03-02.json",
        [
            {
                "type": "message",
                "user": "U3",
                "text": "late reply",
                "ts": "1709370000.000000",
                "thread_ts": "1709283600.000200",
            }
        ],
    )
    dump(root / "D1" / "2024-03-01.json", [{"user": "U2", "text": "psst", "ts": "1709290000.5"}])
    return root


def test_events_of_an_export(tmp_path: Path) -> None:
    events = read_slack(make_export(tmp_path / "export"))
    rows = sorted(zip(events["actor"], events["target"], events["kind"], strict=True))
    assert rows == sorted(
        [
            ("U2", "ann@example.com", "reaction"),
            ("carl@example.com", "ann@example.com", "reaction"),
            ("U2", "ann@example.com", "reply"),
            ("U2", "carl@example.com", "mention"),
            ("carl@example.com", "ann@example.com", "reply"),
            ("U2", "ann@example.com", "message"),
        ]
    )
    assert set(events["channel"]) == {"chat"}
    replies = events.filter(events["kind"] == "reply").sort("timestamp")
    assert replies["timestamp"][0] == datetime(2024, 3, 1, 9, 1, 40, 300, tzinfo=UTC)
    assert events["event_key"].n_unique() == events.height
    again = read_slack(tmp_path / "export")
    assert again["event_key"].to_list() == events["event_key"].to_list()


def test_bots_can_be_included(tmp_path: Path) -> None:
    events = read_slack(make_export(tmp_path / "export"), include_bots=True)
    assert ("B1", "ann@example.com", "mention") in set(
        zip(events["actor"], events["target"], events["kind"], strict=True)
    )
    assert ("B1", "ann@example.com", "reaction") in set(
        zip(events["actor"], events["target"], events["kind"], strict=True)
    )


def test_bad_ts_names_file_line_and_field(tmp_path: Path) -> None:
    root = make_export(tmp_path / "export")
    day = root / "general" / "2024-03-03.json"
    dump(day, [{"user": "U1", "text": "ok", "ts": "1709370000.1"}, {"user": "U1", "ts": "soon"}])
    with pytest.raises(InputError) as caught:
        read_slack(root)
    assert caught.value.field == "ts"
    assert caught.value.line is not None
    assert caught.value.line == 7  # the second message's opening brace
    assert str(caught.value).startswith(f"{day}, line {caught.value.line}, field 'ts'")


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    root = make_export(tmp_path / "export")
    day = root / "general" / "2024-03-04.json"
    day.write_text('[\n  {"user": "U1",\n   "ts": }\n]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"2024-03-04\.json, line 3: is not valid JSON"):
        read_slack(root)


def test_not_an_export(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"field 'users\.json'"):
        read_slack(tmp_path)
