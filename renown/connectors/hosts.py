"""Which hosts renown may fetch from: public DNS names and public addresses, nothing else.

Two connectors fetch from an address a person typed: a Mastodon handle names its server
and a feed is any URL. The server does the fetching, so an address is a server-side
request forgery risk: ``localhost``, ``10.0.0.1``, ``169.254.169.254`` (cloud metadata) or
a decimal ``2130706433`` must never be reached. :func:`public_host` refuses them when a
handle is parsed, and :class:`PublicOnly` refuses them again on every request the client
sends (redirects included), resolving the name first when it talks to the real network, so
a public name that points at a private address is refused too.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Final

import httpx

from renown.connectors.errors import ConnectorError

_LABEL: Final = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD: Final = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_RESERVED_SUFFIXES: Final = (
    "localhost",
    "local",
    "internal",
    "localdomain",
    "lan",
    "home.arpa",
    "in-addr.arpa",
    "ip6.arpa",
    "onion",
    "invalid",
)
MAX_HOST: Final = 253


def dns_name(host: str) -> str:
    """``host`` as a lowercase public DNS name (:class:`ValueError` saying why not).

    At least two labels, letters in the last one (so no IP literal in any spelling), no
    reserved suffix such as ``.local`` or ``.internal``; non-ASCII names become punycode.
    """
    name = host.strip().rstrip(".").lower()
    if not name:
        raise ValueError("the server name is empty")
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(f"{host[:60]!r} is not a valid server name") from None
    if len(name) > MAX_HOST:
        raise ValueError("the server name is too long")
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{host[:60]!r} is not a public server name (like example.org)")
    if not _TLD.match(labels[-1]):
        raise ValueError(f"{host[:60]!r} is not a public server name (like example.org)")
    for suffix in _RESERVED_SUFFIXES:
        if name == suffix or name.endswith("." + suffix):
            raise ValueError(f"{host[:60]!r} is a private or reserved name")
    return name


def public_address(host: str) -> str:
    """``host`` as an IP address literal if it is one and global (else :class:`ValueError`).

    Returns ``""`` when ``host`` is no IP literal at all.
    """
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        return ""
    if not address.is_global or address.is_multicast:
        raise ValueError(f"{literal} is a private, loopback or reserved address")
    return str(address)


def public_host(host: str, *, allow_ip: bool = False) -> str:
    """``host`` if renown may fetch from it: a public DNS name (or a global IP literal)."""
    literal = public_address(host)
    if literal and not allow_ip:
        raise ValueError("an IP address is not a server name")
    if literal:
        return f"[{literal}]" if ":" in literal else literal
    return dns_name(host)


def _resolves_publicly(host: str, port: int) -> bool:
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return True  # the real transport reports the failure to resolve
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return False
    return True


class PublicOnly(httpx.BaseTransport):
    """A transport that sends a request only to a public host (each redirect is checked).

    With no inner transport (the real network) the name is resolved first and refused if
    any of its addresses is private; replayed transports (tests, demo) skip resolution.
    """

    def __init__(self, network: str, inner: httpx.BaseTransport | None = None) -> None:
        self.network = network
        self.resolve = inner is None
        self.inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse a private destination with :class:`ConnectorError`, else send."""
        url = request.url
        shown = f"{url.scheme}://{url.host}{url.path}"
        try:
            if url.scheme not in ("http", "https"):
                raise ValueError("only http and https are fetched")
            public_host(url.host, allow_ip=True)
        except ValueError as why:
            raise ConnectorError(self.network, shown, f"refused: {why}") from None
        port = url.port or (443 if url.scheme == "https" else 80)
        if self.resolve and not public_address(url.host) and not _resolves_publicly(url.host, port):
            raise ConnectorError(
                self.network, shown, "refused: the name points at a private address"
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()
