"""What free text people type may contain: one rule for the API, the forms and the domain.

Control characters are never part of a name, an e-mail address, a password or a label:
they come from a paste gone wrong or from a probe, they are invisible when shown, they
break CSV exports and terminals, and PostgreSQL refuses NUL in any text column (an
unchecked NUL used to surface as a server error). Multi-line text (feedback, kudos,
comments, reasons) keeps what writing needs: tab, line feed and carriage return.

Lone surrogates (U+D800 to U+DFFF on their own) are not characters at all and cannot be
written as UTF-8, so they are refused everywhere too.
"""

from __future__ import annotations

import re
from typing import Final

from renown.core.errors import Invalid

SINGLE_LINE_PATTERN: Final = r"^[^\x00-\x1f\x7f]*$"
"""The single-line rule as a JSON-schema pattern, so API clients see it in the document."""
MULTI_LINE_PATTERN: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
"""The multi-line rule (tab, line feed and carriage return allowed) as a pattern."""

_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` is not acceptable text, or ``None`` when it is.

    The answer names the first offending character by code point (never echoes the text),
    so an error can be shown without repeating what was typed.
    """
    found = (_NOT_IN_TEXT if multiline else _NOT_IN_A_LINE).search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains a lone surrogate (U+{code:04X}), which is not a character"
    allowed = " (tab and new lines are allowed)" if multiline else ""
    return f"contains a control character (U+{code:04X}){allowed}"


def check_text(value: str, field: str, *, multiline: bool = False) -> str:
    """``value`` unchanged when acceptable; else :class:`Invalid` naming ``field``."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise Invalid(f"{field} {problem}")
    return value
