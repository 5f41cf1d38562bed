"""The Jinja filters ``date`` and ``datetime``: every page writes a day or a moment the one
way :mod:`renown.core.dates` defines (``07 Dec 2026``, ``07 Dec 2026, 14:05 UTC``)."""

from __future__ import annotations

from jinja2 import Environment

from renown.core.dates import format_date, format_datetime


def install(env: Environment) -> None:
    """Give templates the filters ``date`` and ``datetime``."""
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
