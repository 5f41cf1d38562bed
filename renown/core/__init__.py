"""Shared vocabulary of renown: event schema, value types, errors and the clock.

``core`` imports nothing but the standard library so that every other package can
depend on it without dragging a heavy stack along.
"""

from renown.core.clock import Clock, FixedClock, SystemClock
from renown.core.errors import InputError, RenownError
from renown.core.events import (
    EVENT_COLUMNS,
    Channel,
    EventColumn,
    Kind,
    event_key,
)

__all__ = [
    "EVENT_COLUMNS",
    "Channel",
    "Clock",
    "EventColumn",
    "FixedClock",
    "InputError",
    "Kind",
    "RenownError",
    "SystemClock",
    "event_key",
]
