"""Reading documented JSON shapes strictly: a wrong field is named, never guessed.

Connectors read each response through these helpers, so a missing field, a string where a
number belongs or an unparseable date raises
:class:`~renown.connectors.errors.MalformedResponse` naming the network, the address, the
record's position and the field's dotted path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from renown.connectors.errors import MalformedResponse


@dataclass(frozen=True)
class Where:
    """The place a value came from: network, address and record (1-based) in a list."""

    network: str
    url: str
    record: int | None = None

    def at(self, record: int) -> Where:
        """The same response, its ``record``-th item (1-based)."""
        return Where(self.network, self.url, record)

    def fail(self, field: str | None, message: str) -> MalformedResponse:
        """The error for a wrong ``field``."""
        return MalformedResponse(self.network, self.url, message, record=self.record, field=field)


def obj(value: Any, where: Where, path: str = "") -> Mapping[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, Mapping):
        raise where.fail(path or None, "expected an object")
    return value


def items(value: Any, where: Where, path: str) -> list[Any]:
    """``value[path]`` (or ``value`` itself for path ``""``) as a JSON list."""
    found = value if path == "" else obj(value, where).get(path)
    if not isinstance(found, list):
        raise where.fail(path or None, "expected a list")
    return found


def text(value: Mapping[str, Any], key: str, where: Where, *, optional: bool = False) -> str:
    """A string field (``""`` for a missing or null optional one)."""
    found = value.get(key)
    if found is None and optional:
        return ""
    if not isinstance(found, str):
        raise where.fail(key, "expected a string")
    return found


MAX_COUNT: Final = 10**9
"""More than any count a network has shown (followers, stars, views, votes, comments): a
larger one is a hostile or broken server's, and would overflow a column (a follower count
is stored as a 32-bit integer) or a float weight."""


def whole(value: Mapping[str, Any], key: str, where: Where, *, optional: bool = False) -> int:
    """An integer field (0 for a missing or null optional one), at most :data:`MAX_COUNT`
    either way (a Stack Exchange score may be negative)."""
    found = value.get(key)
    if found is None and optional:
        return 0
    if isinstance(found, bool) or not isinstance(found, int):
        raise where.fail(key, "expected a whole number")
    if abs(found) > MAX_COUNT:
        raise where.fail(key, "the number is larger than any network gives")
    return found


def ident(value: Mapping[str, Any], key: str, where: Where) -> str:
    """An id that an API gives as a number or a string, as a string."""
    found = value.get(key)
    if isinstance(found, bool) or not isinstance(found, (int, str)) or found == "":
        raise where.fail(key, "expected an id")
    return str(found)


def moment(value: Mapping[str, Any], key: str, where: Where) -> datetime:
    """An ISO 8601 time (``Z`` or an offset) or epoch seconds, as an aware UTC datetime."""
    found = value.get(key)
    if isinstance(found, (int, float)) and not isinstance(found, bool):
        try:
            return datetime.fromtimestamp(found, UTC)
        except (OverflowError, OSError, ValueError):
            raise where.fail(key, "expected a time") from None
    if not isinstance(found, str):
        raise where.fail(key, "expected a time")
    try:
        parsed = datetime.fromisoformat(found.replace("Z", "+00:00"))
    except ValueError:
        raise where.fail(key, f"expected an ISO 8601 time, got {found[:40]!r}") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
