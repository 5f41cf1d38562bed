"""Addresses that came from a network, made safe to show as links.

A profile's or a post's address is whatever the network's API says, and some networks
(any Mastodon instance, any blog) are run by whoever likes: an address of
``javascript:...`` would run in the browser of whoever clicks it on a card. Only absolute
``http`` and ``https`` addresses are kept; anything else is stored as empty (no link).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

MAX_URL: Final = 1000


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
