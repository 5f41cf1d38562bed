"""A Stack Exchange dump folder -> canonical events and a trusted label (badges earned).

The site's own badges are awards its community and rules granted over time, independent of
renown: a fair yardstick for a prominence score computed from the same site's answers,
comments and votes. The events are what the event reader makes of the dump
(:mod:`renown.ingest.readers.stackexchange`: answer, comment, accept, up and down votes),
with one refinement the dump allows: a *favourite* vote names its voter, so it becomes
attention from that user to the post's owner instead of anonymous engagement. People are
``se:<UserId>``. Tables are read with the badge proof's readers
(:mod:`renown.datasets.stackexchange_badges`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from renown.core.events import Channel, EventColumn, Kind, event_key
from renown.datasets.stackexchange_badges import (
    parse_dump_times,
    read_dump_table,
    read_stackexchange_awards,
)
from renown.ingest.readers.stackexchange import (
    COMMUNITY_USER,
    PERSON_PREFIX,
    STACKEXCHANGE_SOURCE,
    read_stackexchange,
)
from renown.ingest.schema import conform

FAVORITE_VOTE: Final = "5"


def _person(column: str) -> pl.Expr:
    user = pl.col(column)
    return (
        pl.when(user.is_null() | (user == COMMUNITY_USER))
        .then(None)
        .otherwise(pl.lit(PERSON_PREFIX) + user)
    )


def _favorites(root: Path, site: str) -> pl.DataFrame:
    """Favourite votes as attention from the voter (when the dump names one) to the owner."""
    votes = read_dump_table(root, "votes", ("Id", "PostId", "VoteTypeId", "UserId", "CreationDate"))
    votes = parse_dump_times(
        votes.filter(pl.col("VoteTypeId") == FAVORITE_VOTE), "CreationDate", "votes", root
    )
    owners = read_dump_table(root, "posts", ("Id", "OwnerUserId")).select(
        pl.col("Id").alias("PostId"), _person("OwnerUserId").alias(EventColumn.TARGET)
    )
    found = votes.join(owners, on="PostId", how="inner").select(
        pl.col("Id"),
        _person("UserId").alias(EventColumn.ACTOR),
        pl.col(EventColumn.TARGET),
        pl.col("at").alias(EventColumn.TIMESTAMP),
    )
    found = found.filter(
        pl.col(EventColumn.TARGET).is_not_null()
        & (pl.col(EventColumn.ACTOR) != pl.col(EventColumn.TARGET)).fill_null(value=True)
    )
    keys = [
        event_key(STACKEXCHANGE_SOURCE, site, Kind.FAVORITE.value, vote)
        for vote in found["Id"].to_list()
    ]
    return conform(
        found.with_columns(
            pl.Series(EventColumn.EVENT_KEY, keys, dtype=pl.String),
            pl.lit(Channel.QA.value).alias(EventColumn.CHANNEL),
            pl.lit(Kind.FAVORITE.value).alias(EventColumn.KIND),
            pl.lit(1.0).alias(EventColumn.WEIGHT),
            pl.lit(STACKEXCHANGE_SOURCE).alias(EventColumn.SOURCE),
        )
    )


def load_stackexchange_events(folder: str | Path, *, site: str | None = None) -> pl.DataFrame:
    """Canonical events of the dump in ``folder`` (favourites from their voter)."""
    root = Path(folder)
    label = site if site is not None else root.resolve().name
    events = read_stackexchange(root, site=label)
    others = events.filter(pl.col(EventColumn.KIND) != Kind.FAVORITE.value)
    return pl.concat([others, _favorites(root, label)]).sort(
        [EventColumn.TIMESTAMP, EventColumn.EVENT_KEY]
    )


def badges_earned(folder: str | Path, people: list[str]) -> pl.DataFrame:
    """``person``, ``label``: badges each of ``people`` earned (rows of ``Badges``; 0 if none)."""
    awards = read_stackexchange_awards(folder)
    counts = awards.group_by(pl.col("user").alias("person")).agg(
        pl.len().cast(pl.Float64).alias("label")
    )
    return (
        pl.DataFrame({"person": people}, schema={"person": pl.String})
        .join(counts, on="person", how="left")
        .with_columns(pl.col("label").fill_null(0.0))
        .sort("person")
    )
