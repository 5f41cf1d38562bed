"""The as-of rule of a live organisation: the end of the last complete period with events."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from renown.core.events import EventColumn
from renown.scoring.asof import as_period, live_as_of, period_end, period_start


def _events(*moments: datetime) -> pl.LazyFrame:
    return pl.LazyFrame(
        {EventColumn.TIMESTAMP: list(moments)},
        schema={EventColumn.TIMESTAMP: pl.Datetime("us", "UTC")},
    )


NOW = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)


def test_periods_start_and_end_on_their_calendar_bounds() -> None:
    assert period_start(NOW, "month") == datetime(2026, 12, 1, tzinfo=UTC)
    assert period_end(NOW, "month") == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert period_start(NOW, "week") == datetime(2026, 11, 30, tzinfo=UTC)  # a Monday
    assert period_start(NOW, "quarter") == datetime(2026, 10, 1, tzinfo=UTC)
    assert period_end(NOW, "day") == datetime(2026, 12, 6, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_kudos_today_does_not_move_the_as_of_within_the_period() -> None:
    history = [datetime(2026, 6, 3, tzinfo=UTC), datetime(2026, 6, 29, 12, tzinfo=UTC)]
    before = live_as_of(_events(*history), now=NOW)
    after = live_as_of(_events(*history, NOW), now=NOW)
    assert before == after
    assert before.instant == datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)
    assert before.rule == "end of the last complete month"


def test_the_as_of_moves_once_the_period_of_the_new_event_closes() -> None:
    events = _events(datetime(2026, 6, 29, tzinfo=UTC), NOW)
    next_month = datetime(2027, 1, 2, tzinfo=UTC)
    moved = live_as_of(events, now=next_month)
    assert moved.instant == datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_live_org_with_events_only_in_the_current_period_is_as_of_its_newest_event() -> None:
    early = datetime(2026, 12, 2, tzinfo=UTC)
    chosen = live_as_of(_events(early), now=NOW)
    assert chosen.instant == early
    assert chosen.rule.startswith("newest event")


def test_an_empty_lake_and_an_unknown_period_are_refused() -> None:
    with pytest.raises(ValueError, match="no events"):
        live_as_of(_events(), now=NOW)
    with pytest.raises(ValueError, match="one of day, week, month, quarter"):
        as_period("fortnight")
