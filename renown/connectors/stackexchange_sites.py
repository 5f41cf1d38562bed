"""Stack Exchange sites and profile addresses: which hosts are sites, their API names.

Handles go into API addresses, so only the network's own hosts are accepted: the sites
with a domain of their own, ``<name>.stackexchange.com``, their ``meta.`` sites and the
language sites (``ru.stackoverflow.com``); every other host is refused.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

SITE: Final = re.compile(r"^(?:(meta|[a-z]{2})\.)?([a-z0-9]{2,40})$")
"""A site's API parameter:
``stackoverflow``, ``math``, ``meta.stackoverflow``, ``ru.stackoverflow``."""
HANDLE: Final = re.compile(r"([a-z0-9.]{2,50})/([0-9]{1,10})")
_DOMAINS: Final[dict[str, str]] = {
    "stackoverflow.com": "stackoverflow",
    "superuser.com": "superuser",
    "serverfault.com": "serverfault",
    "askubuntu.com": "askubuntu",
    "stackapps.com": "stackapps",
    "mathoverflow.net": "mathoverflow",
}
"""The sites with a domain of their own (every other is ``<name>.stackexchange.com``)."""
_SITE_DOMAINS: Final = {site: domain for domain, site in _DOMAINS.items()}
MAX_ID: Final = 2**31 - 1


def from_url(value: str) -> tuple[str, str]:
    """``(site, id)`` from ``https://stackoverflow.com/users/22656/jon-skeet`` and alike."""
    address = value if "://" in value else f"https://{value}"
    try:
        parts = urlsplit(address)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        raise ValueError("That is not a Stack Exchange profile address.") from None
    if parts.scheme not in ("http", "https") or parts.port is not None or parts.username:
        raise ValueError("That is not a Stack Exchange profile address.")
    site = site_of(host)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) not in (2, 3) or segments[0] != "users":
        raise ValueError("A profile address looks like https://stackoverflow.com/users/22656.")
    return site, segments[1]


def site_of(host: str) -> str:
    """The API site parameter of a site's host name (refusing every other host)."""
    prefix = ""
    labels = host.split(".")
    if labels[0] == "meta" or (len(labels[0]) == 2 and len(labels) >= 3):
        prefix, host = labels[0] + ".", ".".join(labels[1:])
    if host in _DOMAINS:
        return prefix + _DOMAINS[host]
    name, dot, rest = host.partition(".")
    if dot and rest == "stackexchange.com" and name and name not in ("api", "meta", "chat"):
        return prefix + name
    raise ValueError(f"{host[:60]!r} is not a Stack Exchange site.")


def domain_of(site: str) -> str:
    """The host of a site parameter (``math`` -> ``math.stackexchange.com``)."""
    prefix, dot, name = site.rpartition(".")
    base = _SITE_DOMAINS.get(name, f"{name}.stackexchange.com")
    return f"{prefix}{dot}{base}"


def user_id(value: str) -> str:
    """A user id as the API writes it (a positive 32-bit number), or ValueError."""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        raise ValueError("A Stack Exchange user id is a number, like 22656.")
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError("A Stack Exchange user id is a number, like 22656.")
    return str(number)
