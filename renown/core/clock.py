"""Injectable clock.

Scores decay with time, so "now" is an input like any other. Code that needs the
current time takes a :class:`Clock` instead of calling ``datetime.now`` so that tests and
reproduced scoring runs see exactly the instant the original run saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()
"""The wall clock, as the default of every ``clock`` parameter."""


@dataclass(frozen=True)
class FixedClock:
    """A clock frozen at one instant, for tests and reproduced runs."""

    instant: datetime

    def now(self) -> datetime:
        """Return the frozen instant."""
        return self.instant
