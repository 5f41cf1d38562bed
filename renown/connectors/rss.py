"""RSS and Atom feeds: a blog's entries and the comment counts it publishes.

The handle is the feed's address. The *server* fetches it, so an address is a server-side
request forgery risk, and :meth:`Feeds.parse_handle` is the guard: only ``http`` and
``https``, no user name or password, no ``localhost`` or reserved name (``.local``,
``.internal``), no IP literal in a private, loopback, link-local or reserved range, at
most :data:`MAX_URL` characters. Every request (redirects and next pages included) is
checked again by :class:`~renown.connectors.hosts.PublicOnly`, which also refuses a public
name that resolves to a private address.

Feeds are parsed with ``feedparser`` from the fetched text (never from an address: it
would fetch it itself). A feed that is no feed (``bozo`` or unknown format, with neither
entries nor a title) is :class:`~renown.connectors.errors.MalformedResponse`. Each entry
is an item keyed by its id (or link); its date is ``published``, else ``updated``, else
the feed's ``updated``, and an entry with none of them is skipped, since it cannot be
placed in time. A comment count (``slash:comments`` or ``thr:total``) is one anonymous
comment event per entry, keyed by the entry, so a re-pull replaces the count.
``wfw:commentRss`` comment feeds are not followed. An older page that answers 404 or 410
(an archive removed) ends the feed; the feed itself gone is
:class:`~renown.connectors.errors.AccountNotFound`.

Paging follows RFC 5005: a paged feed's ``rel="next"`` or an archived feed's
``prev-archive`` (or an HTTP ``Link: rel="next"``), bounded by :attr:`Feeds.MAX_PAGES`.
The first page is fetched with ``If-None-Match`` / ``If-Modified-Since`` from the last
pull, so an unchanged feed costs one ``304`` and adds nothing.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Final
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import httpx

from renown.connectors import kinds
from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent, node
from renown.connectors.errors import AccountNotFound, MalformedResponse
from renown.connectors.hosts import PublicOnly, public_host
from renown.connectors.http import ApiClient
from renown.connectors.markup import plain_text
from renown.connectors.shapes import MAX_COUNT, Where
from renown.connectors.streams import Step, floor, stamp, walk

NETWORK: Final = "rss"
MAX_URL: Final = 500
_PAGING_RELS: Final = ("next", "prev-archive")
_SCHEME: Final = re.compile(r"^[a-z][a-z0-9+.-]*:")
_AS_UTF8: Final = {"content-type": "application/xml; charset=utf-8"}


def _shown(url: str) -> str:
    return url.split("?", 1)[0]


def _parse(text: str, url: str) -> Any:
    """The parsed feed, or :class:`MalformedResponse` when the text is no feed."""
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=_AS_UTF8)
    if (
        not parsed.entries
        and not parsed.feed.get("title")
        and (parsed.bozo or not parsed.get("version"))
    ):
        why = parsed.get("bozo_exception")
        detail = f" ({str(why)[:80]})" if why else ""
        raise MalformedResponse(NETWORK, _shown(url), f"not an RSS or Atom feed{detail}")
    return parsed


def _time(value: Any) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


class Feeds:
    """The RSS/Atom connector (see the module docstring)."""

    network: ClassVar[str] = NETWORK
    label: ClassVar[str] = "Blog or feed (RSS/Atom)"
    verification: ClassVar[tuple[str, ...]] = ("bio", "post")
    """``post``: the code in an entry's title or content; ``bio``: in the feed's subtitle."""
    MAX_PAGES: ClassVar[int] = 10
    """Feed pages (RFC 5005 next or archive pages) read per pull."""

    def parse_handle(self, text: str) -> str:
        """The feed's address, normalised, if renown may fetch it (the SSRF guard).

        Scheme ``http``/``https`` in lowercase, host lowercased (punycode), port kept only
        when given, fragment dropped, no user name or password; private, loopback,
        link-local and reserved addresses and names are refused.
        """
        raw = text.strip()
        if not raw or len(raw) > MAX_URL:
            raise ValueError(f"type the feed's address (at most {MAX_URL} characters)")
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in raw):
            raise ValueError("a feed address has no spaces or control characters")
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError("a feed address starts with https:// (or http://)")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise ValueError("a feed address has no user name or password")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("the feed address's port is not a number from 1 to 65535") from None
        if port == 0:
            raise ValueError("the feed address's port is not a number from 1 to 65535")
        host = public_host(parts.hostname or "", allow_ip=True)
        netloc = host if port is None else f"{host}:{port}"
        path = parts.path or "/"
        canonical = urlunsplit((scheme, netloc, path, parts.query, ""))
        if len(canonical) > MAX_URL:
            raise ValueError(f"the feed address is longer than {MAX_URL} characters")
        return canonical

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client that fetches from public hosts only (feeds need no token)."""
        return ApiClient(network=NETWORK, transport=PublicOnly(NETWORK, transport))

    def _fetch(self, client: ApiClient, url: str) -> Any:
        _, page = client.get_text(url)
        assert page is not None and page.text is not None
        return _parse(page.text, url)

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """The feed's title, subtitle (the bio) and link; its id when it has one."""
        handle = self.parse_handle(handle)
        feed = self._fetch(client, handle).feed
        title = plain_text(str(feed.get("title") or ""))
        link = str(feed.get("link") or handle)
        return PublicProfile(
            network=NETWORK,
            handle=handle,
            external_id=str(feed.get("id") or handle),
            display_name=title or handle,
            bio=plain_text(str(feed.get("subtitle") or "")),
            url=link if link.startswith(("https://", "http://")) else handle,
        )

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """Each of the newest 20 entries' title, summary and content, as plain text."""
        texts = []
        for entry in self._fetch(client, profile.handle).entries[:20]:
            parts = [str(entry.get("title") or ""), str(entry.get("summary") or "")]
            parts += [str(c.get("value") or "") for c in entry.get("content") or ()]
            texts.append("\n".join(p for p in map(plain_text, parts) if p))
        return texts

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """Entries (and comment counts) back to ``since``, page by page (RFC 5005)."""
        return walk(
            [("feed", _Reader(self, client, profile, since).page)],
            state,
            max_pages=self.MAX_PAGES,
        )


class _Reader:
    """One pull of one feed."""

    def __init__(
        self, connector: Feeds, client: ApiClient, profile: PublicProfile, since: datetime
    ) -> None:
        self.connector = connector
        self.client = client
        self.profile = profile
        self.since = since
        self.person = node(NETWORK, profile.handle)

    def page(self, stream: Mapping[str, str]) -> Step:
        """One page of the feed: the newest (conditionally) or the one the cursor names."""
        url = stream.get("cursor") or self.profile.handle
        conditional: dict[str, str] = {}
        if "cursor" not in stream:
            if stream.get("etag"):
                conditional["If-None-Match"] = stream["etag"]
            if stream.get("modified"):
                conditional["If-Modified-Since"] = stream["modified"]
        try:
            status, page = self.client.get_text(url, headers=conditional)
        except AccountNotFound:
            if "cursor" in stream:
                return Step()  # an older page that is gone ends the feed; the feed itself not
            raise
        if status == 304 or page is None:
            return Step()
        parsed = _parse(page.text or "", url)
        remember = {}
        if "cursor" not in stream:
            for header, key in (("etag", "etag"), ("last-modified", "modified")):
                value = page.headers.get(header)
                if value and len(value) <= 200:
                    remember[key] = value
        where = Where(NETWORK, _shown(url))
        default = _time(parsed.feed.get("updated_parsed"))
        oldest = floor(self.since, stream.get("mark"))
        pulled: list[PulledItem] = []
        events: list[SocialEvent] = []
        newest: datetime | None = None
        reached_floor = False
        for number, entry in enumerate(parsed.entries, 1):
            when = (
                _time(entry.get("published_parsed"))
                or _time(entry.get("updated_parsed"))
                or default
            )
            ident = str(entry.get("id") or entry.get("link") or "")
            if when is None or not ident:
                continue  # no date or no identity: it cannot be placed or kept apart
            if when < oldest:
                reached_floor = True
                continue
            newest = when if newest is None or when > newest else newest
            key = ident if _SCHEME.match(ident) else f"{self.profile.handle}#{ident}"
            comments = _comments(entry, where.at(number))
            link = str(entry.get("link") or "")
            pulled.append(
                PulledItem(
                    key=key,
                    kind="entry",
                    title=plain_text(str(entry.get("title") or ""))[:200],
                    url=link if link.startswith(("https://", "http://")) else self.profile.handle,
                    created_at=when,
                    engagement={} if comments is None else {"comments": comments},
                )
            )
            if comments:
                events.append(
                    SocialEvent(
                        f"comments:{key}",
                        None,
                        self.person,
                        when,
                        kinds.COMMENT,
                        weight=float(comments),
                        item=key,
                    )
                )
        cursor = None if reached_floor else self._next(parsed, page.next_url, url)
        return Step(events, pulled, cursor, stamp(newest) if newest else None, remember)

    def _next(self, parsed: Any, linked: str | None, url: str) -> str | None:
        """The next (older) page's address, checked like a handle; ``None`` at the end."""
        links = parsed.feed.get("links") or ()
        found = linked
        for rel in _PAGING_RELS:
            hrefs = [str(k["href"]) for k in links if k.get("rel") == rel and k.get("href")]
            if hrefs:
                found = hrefs[0]
                break
        if not found:
            return None
        try:
            following = self.connector.parse_handle(urljoin(url, found))
        except ValueError as why:
            raise MalformedResponse(
                NETWORK,
                _shown(url),
                f"the next page's address is refused: {why}",
                field="link[rel=next]",
            ) from None
        if following in (url, self.profile.handle):
            return None
        return following


def _comments(entry: Mapping[str, Any], where: Where) -> int | None:
    """The entry's comment count (``slash:comments`` or ``thr:total``), if it gives one."""
    for key, name in (("slash_comments", "slash:comments"), ("thr_total", "thr:total")):
        value = entry.get(key)
        if value is None:
            continue
        value = str(value).strip()
        if not value.isascii() or not value.isdigit():
            raise where.fail(name, "expected a whole number of comments")
        if len(value) > len(str(MAX_COUNT)) or int(value) > MAX_COUNT:
            raise where.fail(name, "the number of comments is larger than any blog has")
        return int(value)
    return None
