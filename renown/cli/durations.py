"""Parsing of human durations such as ``90d`` for command-line options."""

from __future__ import annotations

import re

_UNITS_IN_DAYS = {"h": 1 / 24, "d": 1.0, "w": 7.0, "m": 30.4375, "y": 365.25}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdwmy]?)\s*$", re.IGNORECASE)


def parse_days(text: str) -> float:
    """Return the number of days in ``text`` (``90d``, ``12w``, ``6m``, ``1y``, ``36h``, ``90``).

    Raises
    ------
    ValueError
        With the accepted forms when ``text`` is not a duration.
    """
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a duration; use a number with h, d, w, m or y (e.g. 90d, 12w)"
        )
    value = float(match.group(1)) * _UNITS_IN_DAYS[(match.group(2) or "d").lower()]
    if value <= 0:
        raise ValueError(f"{text!r}: the duration must be positive")
    return value
