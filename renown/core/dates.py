"""The one way pages write a date or a moment: ``07 Dec 2026`` and ``07 Dec 2026, 14:05 UTC``.

Pages used to format dates in their templates, each its own way (ISO on one page, day and
month name on the next), so the same day read differently a click apart. The templates now
call the Jinja filters ``date`` and ``datetime`` (:mod:`renown.web.dates`), and domain text
that names a day (an audit's subject) calls :func:`format_date`. The day
comes first and the month is a name, so no reader mistakes 03/04 for 4 March or 3 April;
times are the stored UTC and say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

DATE_FORMAT: Final = "%d %b %Y"
"""A day: ``07 Dec 2026``."""
DATETIME_FORMAT: Final = "%d %b %Y, %H:%M UTC"
"""A moment, in UTC as stored: ``07 Dec 2026, 14:05 UTC``."""
MISSING: Final = "–"
"""What a page shows for a date that is not there (a run still going has no end)."""


def format_date(value: dt.date | dt.datetime | None) -> str:
    """The day of ``value`` (a date or a moment), or a dash when there is none."""
    return MISSING if value is None else value.strftime(DATE_FORMAT)


def format_datetime(value: dt.datetime | None) -> str:
    """The moment ``value`` to the minute in UTC (an aware moment is converted first), or a
    dash when there is none."""
    if value is None:
        return MISSING
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime(DATETIME_FORMAT)
