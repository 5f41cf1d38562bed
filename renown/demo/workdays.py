"""Working-time calendar of the synthetic organisation.

Real interaction data has a strong weekly and daily rhythm, and decay-based scores are
sensitive to when events happen, so the demo places events on weekdays and mostly inside
office hours instead of spreading them uniformly over the clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np
from numpy.typing import NDArray

MICROS_PER_SECOND: Final = 1_000_000
MICROS_PER_DAY: Final = 86_400 * MICROS_PER_SECOND
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

OFFICE_HOURS_MEAN: Final = 13.0
OFFICE_HOURS_SD: Final = 2.3
OFFICE_START_HOUR: Final = 8.0
OFFICE_END_HOUR: Final = 19.0
EVENING_SHARE: Final = 0.05
"""Share of events sent in the evening (18:00-22:00), like real after-hours mail."""


def months_before(end: datetime, months: int) -> datetime:
    """Return the instant ``months`` calendar months before ``end`` (day clamped to month)."""
    month_index = end.year * 12 + end.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(end.day, calendar.monthrange(year, month + 1)[1])
    return end.replace(year=year, month=month + 1, day=day)


def to_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """The business days of a window ``[start, end)`` as epoch microseconds of their midnights.

    Attributes
    ----------
    start_us, end_us:
        The window in epoch microseconds; every generated event lies inside it.
    day_us:
        Midnight (UTC) of every weekday lying entirely in the window, ascending.
    """

    start_us: int
    end_us: int
    day_us: NDArray[np.int64]

    @classmethod
    def between(cls, start: datetime, end: datetime) -> WorkCalendar:
        """Build the calendar of the weekdays lying entirely inside ``[start, end)``.

        Partial days at either end are left out, so that every instant :meth:`sample`
        returns is inside the window without any filtering.
        """
        first = np.datetime64(start.date(), "D")
        if to_micros(start) > first.astype(np.int64) * MICROS_PER_DAY:
            first += 1
        days = np.arange(first, np.datetime64(end.date(), "D"), dtype="M8[D]")
        weekdays = days[np.is_busday(days)]
        day_us = weekdays.astype(np.int64) * MICROS_PER_DAY
        return cls(start_us=to_micros(start), end_us=to_micros(end), day_us=day_us)

    def day_range(
        self, active_from_us: NDArray[np.int64], active_until_us: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Half-open business-day index ranges ``[lo, hi)`` overlapping each active window."""
        lo = np.searchsorted(self.day_us + MICROS_PER_DAY, active_from_us, side="right")
        hi = np.searchsorted(self.day_us, active_until_us, side="left")
        return lo.astype(np.int64), np.maximum(hi, lo).astype(np.int64)

    def sample(
        self, rng: np.random.Generator, lo: NDArray[np.int64], hi: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Draw one working-time instant per entry, on a business day in ``[lo, hi)``.

        Every ``hi`` must exceed its ``lo``. Hours follow a bell around early afternoon
        clipped to office hours, with a small share of evening messages.
        """
        count = len(lo)
        day = lo + np.floor(rng.random(count) * (hi - lo)).astype(np.int64)
        hours = rng.normal(OFFICE_HOURS_MEAN, OFFICE_HOURS_SD, count)
        # Redraw the tails uniformly rather than clipping, which would pile events up at 8:00.
        outside = (hours < OFFICE_START_HOUR) | (hours >= OFFICE_END_HOUR)
        hours[outside] = rng.uniform(OFFICE_START_HOUR, OFFICE_END_HOUR, int(outside.sum()))
        evening = rng.random(count) < EVENING_SHARE
        hours[evening] = rng.uniform(18.0, 22.0, int(evening.sum()))
        micros = np.floor(hours * 3600.0 * MICROS_PER_SECOND).astype(np.int64)
        return self.day_us[day] + micros
