"""Stack Exchange reader on small XML and CSV dumps written here."""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from renown.core.errors import InputError
from renown.core.events import event_key
from renown.ingest.readers.stackexchange import read_stackexchange

POSTS = [
    # Id, PostTypeId, ParentId, AcceptedAnswerId, OwnerUserId, CreationDate, Body
    ("1", "1", "", "3", "10", "2018-03-12T17:00:45.567", "<p>How?</p>\n<p>Really?</p>"),
    ("2", "2", "1", "", "11", "2018-03-12T18:00:00.000", "<p>Like this</p>"),
    ("3", "2", "1", "", "12", "2018-03-13T09:00:00.000", "<p>Or this</p>"),
    ("4", "2", "1", "", "10", "2018-03-13T10:00:00.000", "self answer"),
    ("5", "2", "1", "", "", "2018-03-13T11:00:00.000", "deleted user"),
    ("6", "5", "", "", "-1", "2018-03-13T12:00:00.000", "wiki"),
]
COMMENTS = [
    # Id, PostId, UserId, CreationDate, Text
    ("100", "2", "10", "2018-03-12T19:00:00.000", 'thanks, "great"'),
    ("101", "1", "12", "2018-03-12T19:30:00.000", "clarify?"),
    ("102", "3", "12", "2018-03-12T19:40:00.000", "own post"),
]
VOTES = [
    # Id, PostId, VoteTypeId, CreationDate, UserId
    ("1000", "2", "2", "2018-03-12T00:00:00.000", ""),
    ("1001", "3", "3", "2018-03-13T00:00:00.000", ""),
    ("1002", "1", "5", "2018-03-13T00:00:00.000", "11"),
    ("1003", "3", "1", "2018-03-14T00:00:00.000", ""),
    ("1004", "6", "2", "2018-03-14T00:00:00.000", ""),
    ("1005", "2", "16", "2018-03-14T00:00:00.000", ""),
]
POST_HEADER = (
    "Id",
    "PostTypeId",
    "ParentId",
    "AcceptedAnswerId",
    "OwnerUserId",
    "CreationDate",
    "Body",
)
COMMENT_HEADER = ("Id", "PostId", "UserId", "CreationDate", "Text")
VOTE_HEADER = ("Id", "PostId", "VoteTypeId", "CreationDate", "UserId")


def xml_table(path: Path, tag: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    def attribute(name: str, value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        return f'{name}="{escaped.replace(chr(10), "&#xA;")}"'

    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{tag}>"]
    for row in rows:
        attributes = " ".join(attribute(n, v) for n, v in zip(header, row, strict=True) if v)
        lines.append(f"  <row {attributes} />")
    lines.append(f"</{tag}>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def csv_table(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def xml_dump(folder: Path) -> Path:
    folder.mkdir()
    xml_table(folder / "Posts.xml", "posts", POST_HEADER, POSTS)
    xml_table(folder / "Comments.xml", "comments", COMMENT_HEADER, COMMENTS)
    xml_table(folder / "Votes.xml", "votes", VOTE_HEADER, VOTES)
    return folder


def csv_dump(folder: Path) -> Path:
    folder.mkdir()
    csv_table(folder / "posts.csv.gz", POST_HEADER, POSTS)
    csv_table(folder / "comments.csv.gz", COMMENT_HEADER, COMMENTS)
    csv_table(folder / "votes.csv.gz", VOTE_HEADER, VOTES)
    return folder


def as_rows(events: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(
        zip(events["kind"], events["actor"], events["target"], events["timestamp"], strict=True),
        key=sort_key,
    )


def sort_key(row: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(value) for value in row)


EXPECTED = [
    ("answer", "se:11", "se:10", datetime(2018, 3, 12, 18, tzinfo=UTC)),
    ("answer", "se:12", "se:10", datetime(2018, 3, 13, 9, tzinfo=UTC)),
    ("accept", "se:10", "se:12", datetime(2018, 3, 14, tzinfo=UTC)),
    ("comment", "se:10", "se:11", datetime(2018, 3, 12, 19, tzinfo=UTC)),
    ("comment", "se:12", "se:10", datetime(2018, 3, 12, 19, 30, tzinfo=UTC)),
    ("upvote", None, "se:11", datetime(2018, 3, 12, tzinfo=UTC)),
    ("downvote", None, "se:12", datetime(2018, 3, 13, tzinfo=UTC)),
    ("favorite", None, "se:10", datetime(2018, 3, 13, tzinfo=UTC)),
]


def test_xml_dump(tmp_path: Path) -> None:
    events = read_stackexchange(xml_dump(tmp_path / "site"), site="demo")
    assert as_rows(events) == sorted(EXPECTED, key=sort_key)
    assert set(events["channel"]) == {"qa"}
    answer = events.filter(events["kind"] == "answer").sort("timestamp")
    assert answer["event_key"][0] == event_key("stackexchange", "demo", "answer", "2")


def test_csv_dump_gives_the_same_events(tmp_path: Path) -> None:
    from_xml = read_stackexchange(xml_dump(tmp_path / "a"), site="demo")
    from_csv = read_stackexchange(csv_dump(tmp_path / "b"), site="demo")
    assert as_rows(from_csv) == as_rows(from_xml)
    assert sorted(from_csv["event_key"]) == sorted(from_xml["event_key"])


def test_accept_without_votes_uses_answer_time(tmp_path: Path) -> None:
    folder = tmp_path / "posts-only"
    folder.mkdir()
    xml_table(folder / "posts.xml", "posts", POST_HEADER, POSTS)
    events = read_stackexchange(folder)
    accept = events.filter(events["kind"] == "accept")
    assert accept["timestamp"].to_list() == [datetime(2018, 3, 13, 9, tzinfo=UTC)]
    assert set(events["kind"]) == {"answer", "accept"}


def test_bad_date_in_xml_names_line_and_field(tmp_path: Path) -> None:
    folder = xml_dump(tmp_path / "site")
    broken = list(VOTES)
    broken[2] = ("1002", "1", "5", "13/03/2018", "")
    xml_table(folder / "Votes.xml", "votes", VOTE_HEADER, broken)
    with pytest.raises(InputError) as caught:
        read_stackexchange(folder)
    assert str(caught.value).startswith(f"{folder / 'Votes.xml'}, line 5, field 'CreationDate'")
    assert "13/03/2018" in str(caught.value)


def test_bad_date_in_csv_counts_multiline_bodies(tmp_path: Path) -> None:
    folder = csv_dump(tmp_path / "site")
    broken = list(POSTS)
    broken[1] = ("2", "2", "1", "", "11", "", "<p>Like this</p>")
    csv_table(folder / "posts.csv.gz", POST_HEADER, broken)
    with pytest.raises(InputError) as caught:
        read_stackexchange(folder)
    # Header is line 1, post 1 spans lines 2-3 (its body has a newline), post 2 is line 4.
    assert str(caught.value).startswith(f"{folder / 'posts.csv.gz'}, line 4, field 'CreationDate'")


def test_missing_column_and_malformed_xml(tmp_path: Path) -> None:
    folder = csv_dump(tmp_path / "site")
    csv_table(folder / "comments.csv.gz", ("Id", "PostId", "CreationDate"), [("1", "2", "2018")])
    with pytest.raises(InputError, match=r"comments\.csv\.gz, line 1, field 'UserId'"):
        read_stackexchange(folder)
    other = xml_dump(tmp_path / "other")
    (other / "Comments.xml").write_text('<comments>\n  <row Id="1" \n</comments>\n')
    with pytest.raises(InputError, match=r"Comments\.xml, line 3: is not well-formed XML"):
        read_stackexchange(other)


def test_folder_without_posts(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="field 'Posts'"):
        read_stackexchange(tmp_path)
