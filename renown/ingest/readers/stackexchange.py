"""Stack Exchange data dumps (official XML, or CSV with the same column names) ->
canonical events, channel ``"qa"``.

Who paid attention to whom on a Q&A site:

* an **answer** is attention from the answerer to the question's owner (``"answer"``);
* a **comment** is attention from the commenter to the owner of the post it is on
  (``"comment"``);
* an **accept** is the asker's endorsement of the answerer (``"accept"``), timed by the
  accept vote when the dump has it, else by the answer;
* **votes** (up 2, down 3, favourite 5) are anonymous in every public dump, so they are
  anonymous engagement (``actor`` null) with the post's owner (``"upvote"``,
  ``"downvote"``, ``"favorite"``); other vote types carry no attention and are skipped.

People are ``"se:<UserId>"``. Posts of deleted users (no ``OwnerUserId``), the
Community bot (``-1``) and self-interactions produce no event. Keys hash the site
label, the kind and the dump's own row id, so re-reading a dump reproduces them.

The folder holds ``Posts``, ``Comments`` and ``Votes`` tables (``Users`` is not
needed: people are named by id), each as ``.xml`` or ``.csv`` (optionally ``.gz``),
file names matched case-insensitively. Only ``Posts`` is required. All joins are done
by polars; XML is streamed by expat keeping only the needed attributes.
"""

from __future__ import annotations

import io
import xml.parsers.expat
from collections.abc import Sequence
from pathlib import Path
from pyexpat import XMLParserType
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import Channel, EventColumn, Kind
from renown.ingest.readers import _lines
from renown.ingest.readers._delimited import LineLocator, read_delimited
from renown.ingest.readers._keys import hash_parts
from renown.ingest.readers._values import blank_to_null, parse_timestamps, present
from renown.ingest.schema import conform, empty_events

STACKEXCHANGE_SOURCE: Final = "stackexchange"
PERSON_PREFIX: Final = "se:"
COMMUNITY_USER: Final = "-1"
VOTE_KINDS: Final = {"2": Kind.UPVOTE.value, "3": Kind.DOWNVOTE.value, "5": Kind.FAVORITE.value}
ACCEPT_VOTE: Final = "1"

_POST_COLUMNS: Final = ("Id", "PostTypeId", "ParentId", "OwnerUserId", "AcceptedAnswerId")
_COMMENT_COLUMNS: Final = ("Id", "PostId", "UserId")
_VOTE_COLUMNS: Final = ("Id", "PostId", "VoteTypeId")
_DATE: Final = "CreationDate"
_SUFFIXES: Final = (".xml", ".xml.gz", ".csv", ".csv.gz")


def stackexchange_tables(folder: Path) -> dict[str, Path]:
    """Dump tables present in ``folder``: lower-case table name -> file."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for file in sorted(folder.iterdir()):
        name = file.name.lower()
        for suffix in _SUFFIXES:
            table = name[: -len(suffix)]
            if name.endswith(suffix) and table in {"posts", "comments", "votes", "users"}:
                found.setdefault(table, file)
    return found


def read_stackexchange(path: str | Path, *, site: str | None = None) -> pl.DataFrame:
    """Read a Stack Exchange dump folder into canonical events.

    Parameters
    ----------
    path:
        Folder with ``Posts.xml`` (or ``posts.csv``/``posts.csv.gz``) and optionally
        ``Comments`` and ``Votes`` tables.
    site:
        Label hashed into event keys so that two sites' row ids never collide; defaults
        to the folder name. Keep it stable across imports.

    Returns
    -------
    polars.DataFrame
        Canonical events, channel ``"qa"``, source ``"stackexchange"``.

    Raises
    ------
    InputError
        No posts table, a missing column, malformed XML or CSV, an empty ``Id`` or an
        unreadable ``CreationDate``; the message names the file, line and field.
    """
    folder = Path(path)
    tables = stackexchange_tables(folder)
    if "posts" not in tables:
        raise InputError(str(folder), "no Posts.xml or posts.csv(.gz) found", field="Posts")
    label = site if site is not None else folder.resolve().name
    posts = _load(tables["posts"], _POST_COLUMNS)
    owners = posts.select(
        pl.col("Id").alias("PostId"), _person(pl.col("OwnerUserId")).alias(EventColumn.TARGET)
    )
    votes = _load(tables["votes"], _VOTE_COLUMNS) if "votes" in tables else None
    parts = [_answers(posts, owners), _accepts(posts, owners, votes)]
    if "comments" in tables:
        parts.append(_comments(_load(tables["comments"], _COMMENT_COLUMNS), owners))
    if votes is not None:
        parts.append(_votes(votes, owners))
    events = pl.concat(parts, how="vertical")
    is_vote = pl.col(EventColumn.KIND).is_in(list(VOTE_KINDS.values()))
    actor, target = pl.col(EventColumn.ACTOR), pl.col(EventColumn.TARGET)
    events = events.filter(
        target.is_not_null()
        & (actor.is_not_null() | is_vote)  # only votes are anonymous
        & (actor != target).fill_null(value=True)
    )
    if events.height == 0:
        return empty_events()
    keys = hash_parts(
        events, [pl.lit(STACKEXCHANGE_SOURCE), pl.lit(label), pl.col("kind"), pl.col("row_id")]
    )
    return conform(
        events.with_columns(
            keys.alias(EventColumn.EVENT_KEY),
            pl.lit(Channel.QA.value).alias(EventColumn.CHANNEL),
            pl.lit(1.0).alias(EventColumn.WEIGHT),
            pl.lit(STACKEXCHANGE_SOURCE).alias(EventColumn.SOURCE),
        )
    )


def _person(user_id: pl.Expr) -> pl.Expr:
    """``se:<id>`` for real users; null for deleted users and the Community bot."""
    return (
        pl.when(user_id.is_null() | (user_id == COMMUNITY_USER))
        .then(None)
        .otherwise(pl.lit(PERSON_PREFIX) + user_id)
    )


def _answers(posts: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    answers = posts.filter((pl.col("PostTypeId") == "2") & pl.col("ParentId").is_not_null())
    return answers.join(owners, left_on="ParentId", right_on="PostId", how="inner").select(
        pl.col("Id").alias("row_id"),
        _person(pl.col("OwnerUserId")).alias(EventColumn.ACTOR),
        pl.col(EventColumn.TARGET),
        pl.col("time").alias(EventColumn.TIMESTAMP),
        pl.lit(Kind.ANSWER.value).alias(EventColumn.KIND),
    )


def _accepts(posts: pl.DataFrame, owners: pl.DataFrame, votes: pl.DataFrame | None) -> pl.DataFrame:
    questions = posts.filter(pl.col("AcceptedAnswerId").is_not_null()).select(
        pl.col("Id").alias("row_id"),
        _person(pl.col("OwnerUserId")).alias(EventColumn.ACTOR),
        pl.col("AcceptedAnswerId"),
    )
    answer_times = posts.select(pl.col("Id").alias("AcceptedAnswerId"), pl.col("time"))
    accepted = questions.join(
        owners.rename({"PostId": "AcceptedAnswerId"}), on="AcceptedAnswerId", how="inner"
    ).join(answer_times, on="AcceptedAnswerId", how="left")
    if votes is not None:
        accept_votes = (
            votes.filter(pl.col("VoteTypeId") == ACCEPT_VOTE)
            .group_by("PostId")
            .agg(pl.col("time").min().alias("vote_time"))
            .rename({"PostId": "AcceptedAnswerId"})
        )
        accepted = accepted.join(accept_votes, on="AcceptedAnswerId", how="left").with_columns(
            pl.coalesce("vote_time", "time").alias("time")
        )
    return accepted.select(
        "row_id",
        EventColumn.ACTOR,
        EventColumn.TARGET,
        pl.col("time").alias(EventColumn.TIMESTAMP),
        pl.lit(Kind.ACCEPT.value).alias(EventColumn.KIND),
    )


def _comments(comments: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    return comments.join(owners, on="PostId", how="inner").select(
        pl.col("Id").alias("row_id"),
        _person(pl.col("UserId")).alias(EventColumn.ACTOR),
        pl.col(EventColumn.TARGET),
        pl.col("time").alias(EventColumn.TIMESTAMP),
        pl.lit(Kind.COMMENT.value).alias(EventColumn.KIND),
    )


def _votes(votes: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    kinds = pl.DataFrame(
        {"VoteTypeId": list(VOTE_KINDS), EventColumn.KIND: list(VOTE_KINDS.values())}
    )
    return (
        votes.join(kinds, on="VoteTypeId", how="inner")
        .join(owners, on="PostId", how="inner")
        .select(
            pl.col("Id").alias("row_id"),
            pl.lit(None, dtype=pl.String).alias(EventColumn.ACTOR),
            pl.col(EventColumn.TARGET),
            pl.col("time").alias(EventColumn.TIMESTAMP),
            pl.col(EventColumn.KIND),
        )
    )


def _load(file: Path, columns: Sequence[str]) -> pl.DataFrame:
    """Needed columns of one table as trimmed text plus a parsed ``time`` column.

    ``Id`` and ``CreationDate`` are checked on every row; the other columns may be
    empty (deleted users, posts without a parent).
    """
    wanted = (*columns, _DATE)
    line_of: LineLocator
    if file.name.lower().endswith((".xml", ".xml.gz")):
        raw, record_lines = _read_xml(file, wanted)
        line_of = record_lines.__getitem__
    else:
        raw, line_of = _read_csv(file, wanted)

    frame = raw.select([blank_to_null(pl.col(c)).alias(c) for c in wanted])
    _check(file, frame, "Id", frame["Id"].is_null(), message="Id is empty", line_of=line_of)
    stamps = parse_timestamps(raw[_DATE])
    given = present(raw[_DATE])
    _check(file, raw, _DATE, ~given, message="CreationDate is empty", line_of=line_of)
    _check(file, raw, _DATE, stamps.is_null(), message="cannot read CreationDate", line_of=line_of)
    return frame.with_columns(stamps.alias("time"))


def _check(
    file: Path,
    frame: pl.DataFrame,
    column: str,
    bad: pl.Series,
    *,
    message: str,
    line_of: LineLocator,
) -> None:
    """Raise for the first row flagged in ``bad``."""
    hits = bad.arg_true()
    if hits.len():
        record = int(hits[0])
        value = frame[column][record]
        detail = f"{message} (value {value!r})" if value else message
        raise InputError(str(file), detail, line=line_of(record), field=column)


def _read_csv(file: Path, columns: Sequence[str]) -> tuple[pl.DataFrame, LineLocator]:
    frame, line_of = read_delimited(file, ",")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            str(file), f"missing column {missing[0]!r}", line=line_of(-1), field=missing[0]
        )
    return frame.select(columns), line_of


class _Refused(Exception):  # noqa: N818 - raised inside expat, becomes an InputError
    """A construct the dump never needs and the parser must not act on."""


def _read_xml(file: Path, columns: Sequence[str]) -> tuple[pl.DataFrame, list[int]]:
    """Stream ``<row .../>`` elements, keeping only ``columns`` and each row's line.

    Dumps have no document type declaration; one is refused, because it is the only place
    entities can be declared (a "billion laughs" expands a few declared entities to
    gigabytes) or external files referenced.
    """
    values: dict[str, list[str | None]] = {c: [] for c in columns}
    lines: list[int] = []
    parser = xml.parsers.expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "row":
            for column in columns:
                values[column].append(attributes.get(column))
            lines.append(parser.CurrentLineNumber)

    def doctype(*_args: object) -> None:
        raise _Refused("a document type declaration (DOCTYPE) is not allowed in a dump")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if file.name.lower().endswith(".gz"):
        with _lines.BoundedStream(file) as unzipped:
            _parse_xml(parser, file, unzipped)
    else:
        with file.open("rb") as plain:
            _parse_xml(parser, file, plain)
    frame = pl.DataFrame({c: pl.Series(c, v, dtype=pl.String) for c, v in values.items()})
    return frame, lines


def _parse_xml(parser: XMLParserType, file: Path, stream: io.RawIOBase | io.BufferedIOBase) -> None:
    try:
        parser.ParseFile(stream)
    except xml.parsers.expat.ExpatError as error:
        raise InputError(
            str(file), f"is not well-formed XML ({error})", line=error.lineno
        ) from error
    except _Refused as refused:
        raise InputError(str(file), str(refused), line=parser.CurrentLineNumber) from None
