"""Which instant a scoring run is "as of": the rule for live organisations and for archives.

A score is a picture of the organisation at one instant, and everything downstream (trends,
badges earned at a run, the evidence of promotion rounds) is dated by it. So the as-of must
move only for a reason people expect, never as a side effect of one new event:

* **An archive** (a file scored from the command line) is complete: its newest event is the
  as-of (:func:`renown.scoring.pipeline.score_events`), so scoring it twice gives the same run.
* **A live organisation** (the web app's scoring job over the organisation's lake) is never
  complete: kudos and feedback arrive every minute. Its as-of is the **end of the last
  complete period** (:data:`PERIODS`, by default a calendar month, setting
  ``RENOWN_SCORING_PERIOD``) that holds an event. A kudos given today lands in the current,
  incomplete period and is not read until that period closes; a lake whose newest events
  are months old keeps the end of the month of those events (it does not drift to
  yesterday's month-end with nothing new in it). Only when no event lies in a complete
  period yet (a brand new organisation) does the newest event stand in, and the run says so.

An administrator may still name an explicit as-of; the rule then is ``explicit``. The rule
used is recorded in the run's parameters (``as_of_rule``) so pages can say why a run is
dated as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal, get_args

import polars as pl

from renown.core.events import EventColumn

Period = Literal["day", "week", "month", "quarter"]
PERIODS: Final[tuple[str, ...]] = get_args(Period)
"""Periods a live organisation's as-of may close on (weeks start on Monday)."""
DEFAULT_PERIOD: Final[Period] = "month"
EXPLICIT: Final = "explicit"
"""The rule of a run whose as-of an administrator named."""
NEWEST_EVENT: Final = "newest event"
"""The rule of an archive's run (:func:`renown.scoring.pipeline.score_events`' default)."""
_TRUNCATE: Final[dict[str, str]] = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q"}
_ONE_TICK: Final = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class AsOf:
    """A run's as-of instant and the rule that chose it (recorded with the run)."""

    instant: datetime
    rule: str
    """``explicit``, ``end of the last complete <period>``, or ``newest event (...)``."""


def period_start(moment: datetime, period: Period) -> datetime:
    """The first instant (UTC) of the ``period`` holding ``moment``."""
    series = pl.Series([moment.astimezone(UTC)], dtype=pl.Datetime("us", "UTC"))
    start = series.dt.truncate(_TRUNCATE[period]).item()
    assert isinstance(start, datetime)
    return start


def period_end(moment: datetime, period: Period) -> datetime:
    """The last instant (UTC, to the microsecond) of the ``period`` holding ``moment``."""
    series = pl.Series([period_start(moment, period)], dtype=pl.Datetime("us", "UTC"))
    following = series.dt.offset_by(_TRUNCATE[period]).item()
    assert isinstance(following, datetime)
    return following - _ONE_TICK


def as_period(value: object) -> Period:
    """``value`` as a period, or :class:`ValueError` naming the ones there are."""
    for period in get_args(Period):
        if value == period:
            return period  # type: ignore[no-any-return]
    raise ValueError(f"the scoring period is one of {', '.join(PERIODS)}, not {value!r}")


def live_as_of(events: pl.LazyFrame, *, now: datetime, period: Period = DEFAULT_PERIOD) -> AsOf:
    """The as-of of a live organisation's run at ``now`` (see the module docstring).

    Raises
    ------
    ValueError
        ``events`` holds no event at all.
    """
    closed = period_start(now, period) - _ONE_TICK  # end of the last complete period
    newest_closed, newest = (
        events.select(
            pl.col(EventColumn.TIMESTAMP)
            .filter(pl.col(EventColumn.TIMESTAMP) <= closed)
            .max()
            .alias("newest_closed"),
            pl.col(EventColumn.TIMESTAMP).max().alias("newest"),
        )
        .collect()
        .row(0)
    )
    if newest_closed is not None:
        return AsOf(period_end(_utc(newest_closed), period), f"end of the last complete {period}")
    if newest is None:
        raise ValueError("no events to score")
    return AsOf(_utc(newest), f"{NEWEST_EVENT} (no complete {period} holds an event yet)")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
