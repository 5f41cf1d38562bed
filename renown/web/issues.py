"""Validation problems as a client may see them: located and explained, never an echo.

FastAPI's own 422 answer repeats each offending ``input`` whole: a missing field repeats
the entire body (a 45 MB body drew a 47 MB error), a bad field next to a password
repeated the password, and a lone surrogate in the input made the answer impossible to
encode (a 500). Here every problem keeps its location, its type and its message, and its
``input`` only when that is a short scalar of a field that is not a secret; strings are cut
to a few dozen characters and only so many problems are listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

MAX_ISSUES: Final = 20
"""A body of ten thousand bad items needs the first few explained, not all of them."""
MAX_INPUT: Final = 60
MAX_MESSAGE: Final = 300
MAX_LOCATION: Final = 60
SECRET_WORDS: Final = ("password", "secret", "token")
"""A field whose name contains one of these never has its value repeated."""
REDACTED: Final = "[redacted]"
MAX_SHOWN_INTEGER: Final = 2**63

_UNENCODABLE = re.compile(r"[\ud800-\udfff]")


def printable(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis) and encodable as UTF-8."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _UNENCODABLE.sub("\ufffd", text)


def public_issues(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The problems of a refused request, bounded and redacted (see the module's doc)."""
    issues: list[dict[str, Any]] = []
    total = 0
    for error in errors:
        total += 1
        if len(issues) < MAX_ISSUES:
            issues.append(_issue(error))
    if total > MAX_ISSUES:
        issues.append(
            {
                "loc": [],
                "msg": f"{total - MAX_ISSUES} more problems not listed; fix these first",
                "type": "too_many_errors",
            }
        )
    return issues


def _issue(error: Mapping[str, Any]) -> dict[str, Any]:
    location = [_location_part(part) for part in error.get("loc", ())]
    kind = str(error.get("type", "value_error"))
    message = str(error.get("msg", "invalid value"))
    context = error.get("ctx")
    if kind == "json_invalid" and isinstance(context, Mapping) and "error" in context:
        message = f"{message}: {context['error']}"
    issue: dict[str, Any] = {
        "loc": location,
        "msg": printable(message, MAX_MESSAGE),
        "type": printable(kind, MAX_LOCATION),
    }
    if "input" in error:
        shown = _shown_input(error["input"], location)
        if shown is not _HIDDEN:
            issue["input"] = shown
    return issue


def _location_part(part: object) -> str | int:
    """A location step: an index, or a name cut short (dictionary keys come from clients)."""
    if isinstance(part, int) and not isinstance(part, bool):
        return part
    return printable(str(part), MAX_LOCATION)


_HIDDEN = object()


def _shown_input(value: object, location: list[str | int]) -> object:
    """What may be repeated of an offending value: short scalars of non-secret fields."""
    if any(isinstance(part, str) and _is_secret(part) for part in location):
        return REDACTED
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        # Python cannot even print an integer of many thousand digits (a 500 once).
        return value if abs(value) <= MAX_SHOWN_INTEGER else _HIDDEN
    if isinstance(value, float):
        return value if math.isfinite(value) else _HIDDEN
    if isinstance(value, str):
        return printable(value, MAX_INPUT)
    return _HIDDEN


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)
