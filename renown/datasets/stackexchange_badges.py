"""A Stack Exchange dump (CSV tables) -> badge facts, and the site's real badge awards.

This is the file-reading half of the Stack Exchange badge proof; the rules and the
comparison are pure (``renown.badges.stackexchange``). The dump layout is the public one
with each XML table converted to ``<table>.csv`` or ``<table>.csv.gz`` under the dump's
own column names (``Users``, ``Posts``, ``Comments``, ``Votes``, ``Badges``, ``Tags``; file
names matched case-insensitively). People are ``se:<UserId>`` as in the event reader.

What the dump can and cannot tell, and how each fact is built:

* posts give ``question``/``answer`` (final ``Score`` as value, ``ViewCount`` as views);
* up and down votes carry no voter but do carry the post and the *day*: their running
  sum per post is the post's score over time (it equals the final ``Score`` in the
  dump), so ``question_score``/``answer_score`` facts give the score on each voting day
  — the moment a score badge became due, not just the final score;
* accept votes give ``accept_given`` (asker) and ``accept_received`` (answerer);
* favourites and bounties are the only votes with a voter (``favorite_received``,
  ``bounty_offered``, ``bounty_awarded`` — the awarder is the bounty's starter);
* ``LastEditorUserId`` is the only trace of edits (``edit``): the last edit per post;
* profile fields and the voters' totals are snapshots at the dump's end
  (``about_me``, ``votes_cast``, ``question_views``, ``tag_created``);
* ``reputation`` facts value each vote as the site did in 2018 (question up +5, answer
  up +10, down -2, accept +15 to the answerer and +2 to the asker, bounty to the winner).

Vote days are midnight UTC; a fact dated by a vote is never earlier than its post.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.ingest.readers._values import parse_timestamps
from renown.ingest.readers.stackexchange import COMMUNITY_USER, PERSON_PREFIX

QUESTION: Final = "1"
ANSWER: Final = "2"
WIKI_TYPES: Final = ("4", "5")
UP, DOWN, ACCEPT, FAVORITE, BOUNTY_START, BOUNTY_CLOSE = "2", "3", "1", "5", "8", "9"
REPUTATION: Final = {"question_up": 5.0, "answer_up": 10.0, "down": -2.0, "accepted": 15.0}
ACCEPTER_REPUTATION: Final = 2.0
TIERS: Final = {"1": "gold", "2": "silver", "3": "bronze"}

_POSTS: Final = ("Id", "PostTypeId", "ParentId", "OwnerUserId", "AcceptedAnswerId")
_POST_MORE: Final = ("Score", "ViewCount", "LastEditorUserId", "LastEditDate", "Tags")
_POST_OPTIONAL: Final = ("CommunityOwnedDate",)


def read_stackexchange_facts(folder: str | Path) -> pl.DataFrame:
    """All badge facts of the dump in ``folder`` (columns of ``renown.badges.FACT_SCHEMA``
    plus ``views``, ``own``, ``first_answer``, ``accepted``, ``days_after_question``,
    ``wiki``, ``up``, ``down``)."""
    root = Path(folder)
    posts = read_dump_table(root, "posts", (*_POSTS, *_POST_MORE, "CreationDate"), _POST_OPTIONAL)
    comments = read_dump_table(
        root, "comments", ("Id", "PostId", "UserId", "Score", "CreationDate")
    )
    votes = read_dump_table(
        root, "votes", ("Id", "PostId", "VoteTypeId", "UserId", "CreationDate"), ("BountyAmount",)
    )
    users = read_dump_table(
        root, "users", ("Id", "AboutMe", "UpVotes", "DownVotes", "LastAccessDate")
    )
    tags = read_dump_table(root, "tags", ("TagName", "Count"))
    posts = parse_dump_times(posts, "CreationDate", "posts", root).with_columns(
        parse_dump_times(posts, "LastEditDate", "posts", root, required=False)["LastEditDate"],
        pl.col("Score").cast(pl.Float64, strict=False).fill_null(0.0),
        pl.col("ViewCount").cast(pl.Float64, strict=False),
    )
    comments = parse_dump_times(comments, "CreationDate", "comments", root)
    votes = parse_dump_times(votes, "CreationDate", "votes", root)
    users = parse_dump_times(users, "LastAccessDate", "users", root)
    ends = [frame["at"].max() for frame in (posts, votes, users)]
    snapshot = max(d for d in ends if isinstance(d, datetime))
    questions = posts.filter(pl.col("PostTypeId") == QUESTION).select(
        pl.col("Id").alias("QuestionId"),
        _person("OwnerUserId").alias("asker"),
        pl.col("at").alias("asked_at"),
        "AcceptedAnswerId",
        pl.col("Tags").alias("question_tags"),
    )
    answers = _answers(posts, questions)
    parts = [
        _posts(posts, answers),
        _answer_tags(answers),
        _scores(posts, answers, votes),
        _accepts(answers, votes),
        _comments(comments),
        _edits(posts),
        _favorites(posts, votes),
        _bounties(questions, answers, votes),
        _reputation(posts, answers, votes),
        _snapshots(users, posts, questions, tags, snapshot),
    ]
    facts = pl.concat(parts, how="diagonal_relaxed")
    return facts.filter(pl.col("subject_user").is_not_null()).sort(["at", "fact", "subject_user"])


def read_stackexchange_awards(folder: str | Path) -> pl.DataFrame:
    """The real awards in ``Badges``: user, badge (site name; tag-based badges become
    ``Tag badge (bronze|silver|gold)``), tier, awarded_at."""
    root = Path(folder)
    raw = read_dump_table(root, "badges", ("UserId", "Name", "Date", "Class", "TagBased"))
    raw = parse_dump_times(raw, "Date", "badges", root)
    tier = pl.col("Class").replace_strict(TIERS, default=None)
    tag_based = pl.col("TagBased").str.to_lowercase() == "true"
    name = pl.when(tag_based).then(pl.format("Tag badge ({})", tier)).otherwise(pl.col("Name"))
    return raw.select(
        _person("UserId").alias("user"),
        name.alias("badge"),
        tier.alias("tier"),
        pl.col("at").alias("awarded_at"),
    ).filter(pl.col("user").is_not_null())


def _person(column: str) -> pl.Expr:
    user = pl.col(column)
    return (
        pl.when(user.is_null() | (user == COMMUNITY_USER))
        .then(None)
        .otherwise(pl.lit(PERSON_PREFIX) + user)
    )


def _flag(condition: pl.Expr) -> pl.Expr:
    return condition.fill_null(value=False).cast(pl.Float64)


def _fact(name: str, subject: pl.Expr, when: str = "at", /, **columns: pl.Expr) -> list[pl.Expr]:
    """Select expressions of one fact kind: subject, name, time (column ``when``), extras."""
    return [
        subject.alias("subject_user"),
        pl.lit(name).alias("fact"),
        pl.col(when).alias("at"),
        *(expr.alias(key) for key, expr in columns.items()),
    ]


def _answers(posts: pl.DataFrame, questions: pl.DataFrame) -> pl.DataFrame:
    """Answers with their question's asker and time, order and accepted flag."""
    return (
        posts.filter(pl.col("PostTypeId") == ANSWER)
        .drop("AcceptedAnswerId")  # always empty on answers; the question's is joined
        .join(questions, left_on="ParentId", right_on="QuestionId", how="left")
        .with_columns(
            _person("OwnerUserId").alias("answerer"),
            (pl.col("at").rank("ordinal").over("ParentId") == 1).alias("is_first"),
            (pl.col("AcceptedAnswerId") == pl.col("Id"))
            .fill_null(value=False)
            .alias("is_accepted"),
            ((pl.col("at") - pl.col("asked_at")).dt.total_seconds() / 86400.0).alias("days_after"),
        )
        .with_columns(
            (pl.col("answerer") == pl.col("asker")).fill_null(value=False).alias("is_own"),
            pl.col("CommunityOwnedDate").is_not_null().alias("is_wiki"),
        )
    )


def _answer_columns() -> dict[str, pl.Expr]:
    return {
        "own": _flag(pl.col("is_own")),
        "first_answer": _flag(pl.col("is_first")),
        "accepted": _flag(pl.col("is_accepted")),
        "days_after_question": pl.col("days_after"),
    }


def _posts(posts: pl.DataFrame, answers: pl.DataFrame) -> pl.DataFrame:
    asked = posts.filter(pl.col("PostTypeId") == QUESTION).select(
        _fact(
            "question",
            _person("OwnerUserId"),
            item=pl.col("Id"),
            value=pl.col("Score"),
            views=pl.col("ViewCount"),
        )
    )
    answered = answers.select(
        _fact(
            "answer",
            pl.col("answerer"),
            item=pl.col("Id"),
            value=pl.col("Score"),
            **_answer_columns(),
        )
    )
    return pl.concat([asked, answered], how="diagonal_relaxed")


def _tag_names(column: str) -> pl.Expr:
    """``<a><b>`` -> ``["a", "b"]``."""
    return pl.col(column).str.extract_all(r"<[^<>]+>").list.eval(pl.element().str.strip_chars("<>"))


def _answer_tags(answers: pl.DataFrame) -> pl.DataFrame:
    """One ``answer_tag`` per non-community-wiki answer and tag of its question (tag
    badges), valued by the answer's final score."""
    return (
        answers.filter(~pl.col("is_wiki"))
        .with_columns(_tag_names("question_tags").alias("tag"))
        .explode("tag")
        .filter(pl.col("tag").is_not_null())
        .select(
            _fact(
                "answer_tag",
                pl.col("answerer"),
                item=pl.col("tag"),
                value=pl.col("Score"),
            )
        )
    )


def _scores(posts: pl.DataFrame, answers: pl.DataFrame, votes: pl.DataFrame) -> pl.DataFrame:
    """The running score of each post on each day it was voted on."""
    delta = pl.when(pl.col("VoteTypeId") == UP).then(1.0).otherwise(-1.0)
    daily = (
        votes.filter(pl.col("VoteTypeId").is_in([UP, DOWN]))
        .group_by("PostId", "at")
        .agg(delta.sum().alias("delta"))
        .sort("PostId", "at")
        .with_columns(pl.col("delta").cum_sum().over("PostId").alias("score"))
    )
    asked = (
        posts.filter(pl.col("PostTypeId") == QUESTION)
        .join(daily.rename({"at": "day"}), left_on="Id", right_on="PostId")
        .with_columns(pl.max_horizontal("at", "day").alias("when"))
        .select(
            _fact(
                "question_score",
                _person("OwnerUserId"),
                "when",
                item=pl.col("Id"),
                value=pl.col("score"),
            )
        )
    )
    answered = (
        answers.join(daily.rename({"at": "day"}), left_on="Id", right_on="PostId")
        .with_columns(pl.max_horizontal("at", "day").alias("when"))
        .select(
            _fact(
                "answer_score",
                pl.col("answerer"),
                "when",
                item=pl.col("Id"),
                value=pl.col("score"),
                **_answer_columns(),
            )
        )
    )
    return pl.concat([asked, answered], how="diagonal_relaxed")


def _accepts(answers: pl.DataFrame, votes: pl.DataFrame) -> pl.DataFrame:
    accept_days = (
        votes.filter(pl.col("VoteTypeId") == ACCEPT).group_by("PostId").agg(pl.col("at").min())
    )
    accepted = (
        answers.filter(pl.col("is_accepted"))
        .join(accept_days.rename({"at": "day"}), left_on="Id", right_on="PostId", how="left")
        .with_columns(pl.max_horizontal("at", "day").alias("when"))
    )
    own = _flag(pl.col("is_own"))
    given = accepted.select(
        _fact(
            "accept_given",
            pl.col("asker"),
            "when",
            actor=pl.col("answerer"),
            own=own,
            item=pl.col("ParentId"),
        )
    )
    received = accepted.select(
        _fact(
            "accept_received",
            pl.col("answerer"),
            "when",
            actor=pl.col("asker"),
            own=own,
            item=pl.col("Id"),
        )
    )
    return pl.concat([given, received], how="diagonal_relaxed")


def _comments(comments: pl.DataFrame) -> pl.DataFrame:
    return comments.select(
        _fact(
            "comment",
            _person("UserId"),
            item=pl.col("PostId"),
            value=pl.col("Score").cast(pl.Float64, strict=False),
        )
    )


def _edits(posts: pl.DataFrame) -> pl.DataFrame:
    editor = _person("LastEditorUserId")
    edited = posts.filter(pl.col("LastEditDate").is_not_null() & editor.is_not_null())
    return edited.select(
        _fact(
            "edit",
            editor,
            "LastEditDate",
            item=pl.col("Id"),
            own=_flag(editor == _person("OwnerUserId")),
            wiki=_flag(pl.col("PostTypeId").is_in(list(WIKI_TYPES))),
        )
    )


def _favorites(posts: pl.DataFrame, votes: pl.DataFrame) -> pl.DataFrame:
    owners = posts.select(pl.col("Id").alias("PostId"), "OwnerUserId", pl.col("at").alias("t0"))
    favorites = votes.filter(pl.col("VoteTypeId") == FAVORITE).join(owners, on="PostId")
    return favorites.with_columns(pl.max_horizontal("at", "t0").alias("when")).select(
        _fact(
            "favorite_received",
            _person("OwnerUserId"),
            "when",
            actor=_person("UserId"),
            item=pl.col("PostId"),
        )
    )


def _bounties(questions: pl.DataFrame, answers: pl.DataFrame, votes: pl.DataFrame) -> pl.DataFrame:
    """Offers (with the offerer) and awards (the awarder is the bounty's starter)."""
    starts = votes.filter(pl.col("VoteTypeId") == BOUNTY_START).join(
        questions, left_on="PostId", right_on="QuestionId"
    )
    starter = _person("UserId")
    offered = starts.select(
        _fact(
            "bounty_offered", starter, item=pl.col("PostId"), own=_flag(starter == pl.col("asker"))
        )
    )
    closes = (
        votes.filter(pl.col("VoteTypeId") == BOUNTY_CLOSE)
        .select("PostId", pl.col("at").alias("closed"))
        .join(
            answers.select("Id", "ParentId", "answerer", "asker"), left_on="PostId", right_on="Id"
        )
        .sort("closed")
    )
    latest_start = (
        closes.join(
            starts.select(pl.col("PostId").alias("ParentId"), "UserId", "at"), on="ParentId"
        )
        .filter(pl.col("at") <= pl.col("closed"))
        .sort("at")
        .group_by("PostId", "closed", maintain_order=True)
        .last()
    )
    awarded = latest_start.select(
        _fact(
            "bounty_awarded",
            starter,
            "closed",
            item=pl.col("PostId"),
            actor=pl.col("answerer"),
            own=_flag(starter == pl.col("asker")),
        )
    )
    return pl.concat([offered, awarded], how="diagonal_relaxed")


def _reputation(posts: pl.DataFrame, answers: pl.DataFrame, votes: pl.DataFrame) -> pl.DataFrame:
    """Reputation changes from votes, dated by the vote's day (2018 values)."""
    owners = posts.select(pl.col("Id").alias("PostId"), "OwnerUserId", "PostTypeId")
    vote_type, post_type = pl.col("VoteTypeId"), pl.col("PostTypeId")
    amount = (
        pl.when((vote_type == UP) & (post_type == QUESTION))
        .then(REPUTATION["question_up"])
        .when((vote_type == UP) & (post_type == ANSWER))
        .then(REPUTATION["answer_up"])
        .when(vote_type == DOWN)
        .then(REPUTATION["down"])
        .when(vote_type == ACCEPT)
        .then(REPUTATION["accepted"])
        .when(vote_type == BOUNTY_CLOSE)
        .then(pl.col("BountyAmount").cast(pl.Float64, strict=False))
    )
    to_owner = (
        votes.join(owners, on="PostId")
        .with_columns(amount.alias("amount"))
        .filter(pl.col("amount").is_not_null())
        .select(
            _fact(
                "reputation", _person("OwnerUserId"), item=pl.col("PostId"), value=pl.col("amount")
            )
        )
    )
    accept_days = votes.filter(vote_type == ACCEPT).select("PostId", pl.col("at").alias("day"))
    to_asker = (
        answers.filter(pl.col("is_accepted") & ~pl.col("is_own"))
        .join(accept_days, left_on="Id", right_on="PostId")
        .select(
            _fact(
                "reputation",
                pl.col("asker"),
                "day",
                item=pl.col("ParentId"),
                value=pl.lit(ACCEPTER_REPUTATION),
            )
        )
    )
    return pl.concat([to_owner, to_asker], how="diagonal_relaxed")


def _snapshots(
    users: pl.DataFrame,
    posts: pl.DataFrame,
    questions: pl.DataFrame,
    tags: pl.DataFrame,
    snapshot: datetime,
) -> pl.DataFrame:
    """What the dump only knows as of its end: profiles, vote totals, views, tag creators."""
    when = pl.lit(snapshot).alias("at")
    person = _person("Id")
    about = users.filter(pl.col("AboutMe").str.strip_chars().str.len_chars() > 0).select(
        person.alias("subject_user"), pl.lit("about_me").alias("fact"), when
    )
    up = pl.col("UpVotes").cast(pl.Float64, strict=False).fill_null(0.0)
    down = pl.col("DownVotes").cast(pl.Float64, strict=False).fill_null(0.0)
    cast = users.select(
        person.alias("subject_user"),
        pl.lit("votes_cast").alias("fact"),
        when,
        (up + down).alias("value"),
        up.alias("up"),
        down.alias("down"),
    )
    views = posts.filter(pl.col("PostTypeId") == QUESTION).select(
        _person("OwnerUserId").alias("subject_user"),
        pl.lit("question_views").alias("fact"),
        when,
        pl.col("Id").alias("item"),
        pl.col("ViewCount").alias("value"),
    )
    tagged = (
        posts.filter(pl.col("PostTypeId") == QUESTION)
        .select("Id", "at", _tag_names("Tags").alias("tag"))
        .explode("tag")
        .join(questions.select(pl.col("QuestionId").alias("Id"), "asker"), on="Id")
        .sort("at", "Id")
        .group_by("tag", maintain_order=True)
        .first()
        .join(tags.select(pl.col("TagName").alias("tag"), "Count"), on="tag")
    )
    creators = tagged.select(
        pl.col("asker").alias("subject_user"),
        pl.lit("tag_created").alias("fact"),
        when,
        pl.col("tag").alias("item"),
        pl.col("Count").cast(pl.Float64, strict=False).alias("value"),
    )
    return pl.concat([about, cast, views, creators], how="diagonal_relaxed")


def _find(root: Path, table: str) -> Path:
    if root.is_dir():
        for file in sorted(root.iterdir()):
            if file.name.lower() in (f"{table}.csv", f"{table}.csv.gz"):
                return file
    raise InputError(str(root), f"no {table}.csv or {table}.csv.gz in the dump", field=table)


def read_dump_table(
    root: Path, table: str, columns: Sequence[str], optional: Sequence[str] = ()
) -> pl.DataFrame:
    """Needed columns of one table, as text (empty cell = null)."""
    file = _find(root, table)
    try:
        header = pl.read_csv(file, infer_schema=False, n_rows=0).columns
        for column in columns:
            if column not in header:
                raise InputError(str(file), "missing column", line=1, field=column)
        wanted = [*columns, *(c for c in optional if c in header)]
        frame = pl.read_csv(file, infer_schema=False, columns=wanted)
    except pl.exceptions.PolarsError as error:
        raise InputError(str(file), f"cannot be read as CSV ({error})") from error
    blank = [
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
    ]
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in optional if c not in header]
    return frame.with_columns(blank + missing)


def parse_dump_times(
    frame: pl.DataFrame, column: str, table: str, root: Path, *, required: bool = True
) -> pl.DataFrame:
    """``frame`` with ``column`` parsed into ``at`` (or in place for optional columns)."""
    parsed = parse_timestamps(frame[column])
    given = frame[column].is_not_null()
    bad = (parsed.is_null() & given) | (
        ~given if required else pl.repeat(False, frame.height, eager=True)
    )
    if bad.any():
        record = int(bad.arg_true()[0])
        raise InputError(
            str(_find(root, table)),
            f"cannot read the time in record {record + 1} ({frame[column][record]!r})",
            field=column,
        )
    name = "at" if required else column
    return frame.with_columns(parsed.alias(name))
