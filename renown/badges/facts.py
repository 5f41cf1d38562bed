"""Facts: the one frame badge rules are evaluated on.

Badges ask questions about people ("has this person received kudos from five colleagues
within 30 days?"), while interaction events are about pairs. A *fact* is one thing that
happened *to or by one person who can earn a badge*, so every rule reads one schema,
whatever the source (interaction events, a Q&A dump, prominence runs).

Columns
-------
subject_user : str
    The person who can earn a badge from this fact.
fact : str
    What happened, e.g. ``kudos_received``, ``feedback_given``, ``answer_score``.
at : datetime (UTC, microseconds)
    When it happened. Snapshot facts (a profile field, a total) carry the snapshot time.
actor : str or null
    Who caused it (the giver of received kudos; the subject itself for what it did).
item : str or null
    What it is about: a post, a tag, the receiver of given kudos. ``per_item`` badges are
    earned once per item.
channel : str or null
    The interaction channel when the fact comes from an event (``kudos``, ``feedback``...).
value : float or null
    The fact's main number (a score, an event weight, a prominence score).

Sources may add more ``Float64`` columns (``views``, ``own``...): rule conditions can name
any numeric column. A condition on a null value is false.

From interaction events (:func:`facts_from_events`)
---------------------------------------------------
Each canonical event ``actor -> target`` of kind ``K`` on channel ``C`` gives

* ``K_received`` for the target: actor = the event's actor (null when anonymous),
  item = null, value = the event's weight;
* ``K_given`` for the actor (when there is one): actor = the actor, item = the target
  (so ``distinct = "item"`` counts distinct receivers), value = the weight.

``channel`` is ``C`` on both. Self-addressed events give no fact: nobody earns a badge for
kudos to themselves. Kudos and feedback from the product arrive as channels ``kudos`` and
``feedback`` with kinds ``kudos`` and ``feedback``, hence ``kudos_received`` and
``feedback_given``; reactions are kind ``reaction``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

import polars as pl

from renown.core.errors import InputError
from renown.core.events import EventColumn


class FactColumn(StrEnum):
    """Names of the fixed fact columns."""

    SUBJECT_USER = "subject_user"
    FACT = "fact"
    AT = "at"
    ACTOR = "actor"
    ITEM = "item"
    CHANNEL = "channel"
    VALUE = "value"


FACT_SCHEMA: Final[dict[str, pl.DataType]] = {
    FactColumn.SUBJECT_USER: pl.String(),
    FactColumn.FACT: pl.String(),
    FactColumn.AT: pl.Datetime("us", "UTC"),
    FactColumn.ACTOR: pl.String(),
    FactColumn.ITEM: pl.String(),
    FactColumn.CHANNEL: pl.String(),
    FactColumn.VALUE: pl.Float64(),
}
"""Polars dtypes of the fixed fact columns, in order; extra columns follow as Float64."""

_OPTIONAL: Final = (FactColumn.ACTOR, FactColumn.ITEM, FactColumn.CHANNEL, FactColumn.VALUE)
PROMINENCE_FACT: Final = "prominence_score"


def empty_facts() -> pl.DataFrame:
    """An empty fact frame."""
    return pl.DataFrame(schema=FACT_SCHEMA)


def conform_facts(frame: pl.DataFrame, *, source: str = "facts") -> pl.DataFrame:
    """Check and cast a fact frame: fixed columns first, extra columns as Float64.

    Optional fixed columns (actor, item, channel, value) may be missing and are added as
    nulls, so a source only builds what it knows.

    Raises
    ------
    InputError
        A required column is missing, a column cannot be cast, or a required value is null.
    """
    for required in (FactColumn.SUBJECT_USER, FactColumn.FACT, FactColumn.AT):
        if required not in frame.columns:
            raise InputError(source, "missing fact column", field=required)
    missing = [pl.lit(None).alias(c) for c in _OPTIONAL if c not in frame.columns]
    frame = frame.with_columns(missing) if missing else frame
    extra = [c for c in frame.columns if c not in FACT_SCHEMA]
    casts = [pl.col(c).cast(t, strict=True) for c, t in FACT_SCHEMA.items()]
    casts += [pl.col(c).cast(pl.Float64, strict=True) for c in extra]
    for cast in casts:
        name = cast.meta.output_name()
        try:
            frame.select(cast)
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
            raise InputError(source, f"cannot read as {_dtype_name(name)}", field=name) from error
    conformed = frame.select(casts)
    for required in (FactColumn.SUBJECT_USER, FactColumn.FACT, FactColumn.AT):
        if conformed[required].null_count():
            raise InputError(source, "has empty values", field=required)
    return conformed


def _dtype_name(column: str) -> str:
    return str(FACT_SCHEMA.get(column, pl.Float64()))


def facts_from_events(events: pl.DataFrame) -> pl.DataFrame:
    """Turn canonical interaction events into facts (see the module docstring)."""
    actor, target = pl.col(EventColumn.ACTOR), pl.col(EventColumn.TARGET)
    kept = events.filter(actor.is_null() | (actor != target))
    common = (
        pl.col(EventColumn.TIMESTAMP).alias(FactColumn.AT),
        pl.col(EventColumn.CHANNEL).alias(FactColumn.CHANNEL),
        pl.col(EventColumn.WEIGHT).alias(FactColumn.VALUE),
    )
    received = kept.select(
        target.alias(FactColumn.SUBJECT_USER),
        (pl.col(EventColumn.KIND) + "_received").alias(FactColumn.FACT),
        actor.alias(FactColumn.ACTOR),
        pl.lit(None, dtype=pl.String).alias(FactColumn.ITEM),
        *common,
    )
    given = kept.filter(actor.is_not_null()).select(
        actor.alias(FactColumn.SUBJECT_USER),
        (pl.col(EventColumn.KIND) + "_given").alias(FactColumn.FACT),
        actor.alias(FactColumn.ACTOR),
        target.alias(FactColumn.ITEM),
        *common,
    )
    return conform_facts(pl.concat([received, given], how="vertical_relaxed"), source="events")


def facts_from_scores(
    scores: pl.DataFrame,
    at: datetime,
    *,
    person: str = "person",
    score: str = "score",
) -> pl.DataFrame:
    """One ``prominence_score`` fact per scored person, timed at the scoring run ``at``.

    Feeding every run's scores lets "Rising star: prominence score of 80 or more" be a
    plain threshold rule, earned at the first run that scored the person that high.
    """
    return conform_facts(
        scores.select(
            pl.col(person).cast(pl.String).alias(FactColumn.SUBJECT_USER),
            pl.lit(PROMINENCE_FACT).alias(FactColumn.FACT),
            pl.lit(at).cast(pl.Datetime("us", "UTC")).alias(FactColumn.AT),
            pl.col(score).cast(pl.Float64).alias(FactColumn.VALUE),
        ),
        source="scores",
    )
