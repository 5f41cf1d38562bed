"""Text and addresses that came from a network, made safe to keep and to show.

A network's display names, titles and account names are whatever their owners typed, on
servers run by whoever likes: control characters (a NUL, which PostgreSQL refuses in any
text column and which used to fail a whole refresh), lone surrogates and the bidirectional
overrides that make a name read backwards on a list are dropped (:func:`plain_text`).

A profile's or a post's address is whatever the network's API says, and some networks
(any Mastodon instance, any blog) are run by whoever likes: an address of
``javascript:...`` would run in the browser of whoever clicks it on a card. Only absolute
``http`` and ``https`` addresses are kept; anything else is stored as empty (no link).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

MAX_URL: Final = 1000
_UNSHOWABLE: Final = re.compile(
    "[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def plain_text(value: str, limit: int) -> str:
    """``value`` without control, bidirectional-override or surrogate characters, cut to
    ``limit`` characters."""
    return _UNSHOWABLE.sub("", value)[:limit]


def public_url(value: str) -> str:
    """``value`` if it is an absolute http(s) address of sensible length, else ``""``."""
    candidate = value.strip()
    if len(candidate) > MAX_URL or any(c in candidate for c in "\x00\r\n\t "):
        return ""
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return candidate
