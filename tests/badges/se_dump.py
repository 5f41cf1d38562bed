"""A tiny generated Stack Exchange dump (CSV.gz tables, the public column names)."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl

E = ""  # an empty cell: the attribute was absent in the XML

TABLES: dict[str, list[dict[str, str]]] = {
    "Users": [
        {
            "Id": "-1",
            "AboutMe": "bot",
            "UpVotes": "9",
            "DownVotes": "9",
            "LastAccessDate": "2018-03-01T00:00:00.000",
        },
        {
            "Id": "1",
            "AboutMe": "<p>hi</p>",
            "UpVotes": "3",
            "DownVotes": "0",
            "LastAccessDate": "2018-03-20T00:00:00.000",
        },
        {
            "Id": "2",
            "AboutMe": E,
            "UpVotes": "0",
            "DownVotes": "1",
            "LastAccessDate": "2018-03-21T00:00:00.000",
        },
        {
            "Id": "3",
            "AboutMe": " ",
            "UpVotes": "0",
            "DownVotes": "0",
            "LastAccessDate": "2018-03-22T05:00:00.000",
        },
    ],
    "Posts": [
        {
            "Id": "10",
            "PostTypeId": "1",
            "ParentId": E,
            "OwnerUserId": "1",
            "AcceptedAnswerId": "11",
            "CreationDate": "2018-03-12T10:00:00.000",
            "Score": "2",
            "ViewCount": "1200",
            "LastEditorUserId": "2",
            "LastEditDate": "2018-03-13T08:00:00.000",
            "Tags": "<alpha><beta>",
            "CommunityOwnedDate": E,
        },
        {
            "Id": "11",
            "PostTypeId": "2",
            "ParentId": "10",
            "OwnerUserId": "2",
            "AcceptedAnswerId": E,
            "CreationDate": "2018-03-12T12:00:00.000",
            "Score": "1",
            "ViewCount": E,
            "LastEditorUserId": E,
            "LastEditDate": E,
            "Tags": E,
            "CommunityOwnedDate": E,
        },
        {
            "Id": "12",
            "PostTypeId": "2",
            "ParentId": "10",
            "OwnerUserId": "1",
            "AcceptedAnswerId": E,
            "CreationDate": "2018-03-14T09:00:00.000",
            "Score": "-1",
            "ViewCount": E,
            "LastEditorUserId": E,
            "LastEditDate": E,
            "Tags": E,
            "CommunityOwnedDate": E,
        },
        {
            "Id": "20",
            "PostTypeId": "5",
            "ParentId": E,
            "OwnerUserId": E,
            "AcceptedAnswerId": E,
            "CreationDate": "2018-03-12T09:00:00.000",
            "Score": "0",
            "ViewCount": E,
            "LastEditorUserId": "3",
            "LastEditDate": "2018-03-18T00:00:00.000",
            "Tags": E,
            "CommunityOwnedDate": E,
        },
    ],
    "Votes": [
        {
            "Id": "1",
            "PostId": "10",
            "VoteTypeId": "2",
            "UserId": E,
            "CreationDate": "2018-03-12T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "2",
            "PostId": "10",
            "VoteTypeId": "2",
            "UserId": E,
            "CreationDate": "2018-03-12T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "3",
            "PostId": "11",
            "VoteTypeId": "2",
            "UserId": E,
            "CreationDate": "2018-03-13T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "4",
            "PostId": "12",
            "VoteTypeId": "3",
            "UserId": E,
            "CreationDate": "2018-03-14T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "5",
            "PostId": "11",
            "VoteTypeId": "1",
            "UserId": E,
            "CreationDate": "2018-03-15T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "6",
            "PostId": "10",
            "VoteTypeId": "5",
            "UserId": "3",
            "CreationDate": "2018-03-16T00:00:00.000",
            "BountyAmount": E,
        },
        {
            "Id": "7",
            "PostId": "10",
            "VoteTypeId": "8",
            "UserId": "3",
            "CreationDate": "2018-03-17T00:00:00.000",
            "BountyAmount": "50",
        },
        {
            "Id": "8",
            "PostId": "11",
            "VoteTypeId": "9",
            "UserId": E,
            "CreationDate": "2018-03-20T00:00:00.000",
            "BountyAmount": "50",
        },
    ],
    "Comments": [
        {
            "Id": str(i),
            "PostId": "10",
            "UserId": "3",
            "Score": "0",
            "CreationDate": f"2018-03-1{i}T01:00:00.000",
        }
        for i in range(3)
    ],
    "Badges": [
        {
            "UserId": "1",
            "Name": "Student",
            "Date": "2018-03-12T10:05:00.000",
            "Class": "3",
            "TagBased": "False",
        },
        {
            "UserId": "2",
            "Name": "Teacher",
            "Date": "2018-03-13T01:00:00.000",
            "Class": "3",
            "TagBased": "False",
        },
        {
            "UserId": "3",
            "Name": "Teacher",
            "Date": "2018-03-13T01:00:00.000",
            "Class": "3",
            "TagBased": "False",
        },
        {
            "UserId": "2",
            "Name": "alpha",
            "Date": "2018-03-20T01:00:00.000",
            "Class": "3",
            "TagBased": "True",
        },
        {
            "UserId": "1",
            "Name": "Informed",
            "Date": "2018-03-12T01:00:00.000",
            "Class": "3",
            "TagBased": "False",
        },
        {
            "UserId": "1",
            "Name": "Mystery",
            "Date": "2018-03-12T01:00:00.000",
            "Class": "1",
            "TagBased": "False",
        },
    ],
    "Tags": [{"TagName": "alpha", "Count": "1"}, {"TagName": "beta", "Count": "60"}],
}


def write_dump(
    folder: Path,
    *,
    drop: tuple[str, str] | None = None,
    change: tuple[str, int, str, str] | None = None,
) -> Path:
    """Write the tables as ``<Table>.csv.gz``; ``drop`` removes (table, column); ``change``
    sets (table, row, column, value)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in TABLES.items():
        frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
        if change is not None and change[0] == table:
            _, row, column, value = change
            frame = frame.with_columns(
                pl.when(pl.int_range(pl.len()) == row)
                .then(pl.lit(value))
                .otherwise(pl.col(column))
                .alias(column)
            )
        if drop is not None and drop[0] == table:
            frame = frame.drop(drop[1])
        text = frame.write_csv(null_value="")
        (folder / f"{table}.csv.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return folder
