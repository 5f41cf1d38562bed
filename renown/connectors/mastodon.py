"""Mastodon (any instance): statuses, who boosted, favourited and replied, and followers.

Everything is read from the person's own instance through the public REST API
(``/api/v1``), with no token: the account by ``accounts/lookup``, its statuses (boosts
excluded) newest first, and for each status with engagement the accounts that boosted
(``reblogged_by``) and favourited it (``favourited_by``) and the direct replies in its
``context``. The API gives no time for a boost or a favourite, so those events carry the
status's own time; it pages engagers newest first, so when a status drew more than
:attr:`Mastodon.MAX_ENGAGER_PAGES` pages of them the rest is one anonymous event with the
remainder. Followers come without a date of following: a follow is dated when first seen.

Accounts are named by their WebFinger address in lowercase (``alice@mastodon.social``):
the API gives a local account's ``acct`` without its server, so it is qualified with the
instance's host. Pages are chained by the ``Link`` header; only its ``max_id`` is kept
(never the address), so a hostile instance cannot point the next request elsewhere, and
every request, redirects included, goes to a public host only
(:class:`~renown.connectors.hosts.PublicOnly`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Final
from urllib.parse import parse_qs, urlsplit

import httpx

from renown.connectors import kinds
from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent, node
from renown.connectors.errors import AccountNotFound
from renown.connectors.hosts import PublicOnly, dns_name
from renown.connectors.http import ApiClient, Page
from renown.connectors.markup import plain_text
from renown.connectors.shapes import Where, ident, items, moment, obj, text, whole
from renown.connectors.streams import Step, floor, stamp, walk

NETWORK: Final = "mastodon"
_USER: Final = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$")
_MAX_INPUT: Final = 400


def _cursor(page: Page) -> str | None:
    """The ``max_id`` of the page's ``Link: rel="next"`` (the only part of it we follow)."""
    if not page.next_url:
        return None
    found = parse_qs(urlsplit(page.next_url).query).get("max_id")
    if not found or not found[0].isalnum() or len(found[0]) > 40:
        return None
    return found[0]


def _as_list(page: Page) -> list[Any]:
    return items(page.data, Where(NETWORK, _shown(page.url)), "")


def _shown(url: str) -> str:
    return url.split("?", 1)[0]


class Mastodon:
    """The Mastodon connector (see the module docstring)."""

    network: ClassVar[str] = NETWORK
    label: ClassVar[str] = "Mastodon"
    verification: ClassVar[tuple[str, ...]] = ("bio", "post")
    MAX_PAGES: ClassVar[int] = 10
    """Pages of statuses and of followers read per pull (each stream)."""
    MAX_ENGAGER_PAGES: ClassVar[int] = 2
    """Pages of boosters and of favouriters read per status (80 accounts a page)."""
    STATUS_PAGE: ClassVar[int] = 40
    ACCOUNT_PAGE: ClassVar[int] = 80

    # -- handles -----------------------------------------------------------------------

    def parse_handle(self, text: str) -> str:
        """``user@host`` from ``@user@host``, ``user@host`` or ``https://host/@user``.

        The host must be a public DNS name (no port, IP literal, userinfo or path): the
        server fetches from it.
        """
        raw = text.strip()
        if not raw or len(raw) > _MAX_INPUT:
            raise ValueError("type a Mastodon handle like @alice@mastodon.social")
        if raw.lower().startswith(("https://", "http://")):
            parts = urlsplit(raw)
            if parts.username is not None or parts.password is not None or "@" in parts.netloc:
                raise ValueError("a profile address has no user name or password before the host")
            if parts.port is not None or ":" in parts.netloc:
                raise ValueError("a Mastodon profile address has no port")
            if parts.query or parts.fragment:
                raise ValueError("a Mastodon profile address has no query or fragment")
            match = re.fullmatch(r"/@([^/@]+)/?", parts.path)
            if not match:
                raise ValueError("a Mastodon profile address looks like https://host/@alice")
            user, host = match.group(1), parts.hostname or ""
        else:
            bare = raw[1:] if raw.startswith("@") else raw
            pieces = bare.split("@")
            if len(pieces) != 2:
                raise ValueError("a Mastodon handle names its server: @alice@mastodon.social")
            user, host = pieces
        if not _USER.match(user):
            raise ValueError(f"{user[:40]!r} is not a Mastodon user name")
        return f"{user.lower()}@{dns_name(host)}"

    @staticmethod
    def _split(handle: str) -> tuple[str, str]:
        user, _, host = handle.partition("@")
        return user, host

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client of the instance that ``handle`` names (public hosts only)."""
        _, host = self._split(self.parse_handle(handle))
        return ApiClient(
            network=NETWORK,
            base_url=f"https://{host}",
            transport=PublicOnly(NETWORK, transport),
            token=token,
        )

    # -- profile and texts --------------------------------------------------------------

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """The account by ``accounts/lookup``; a suspended one is :class:`AccountNotFound`."""
        handle = self.parse_handle(handle)
        user, _ = self._split(handle)
        page = client.get_json("/api/v1/accounts/lookup", {"acct": user})
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        account = obj(page.data, where)
        if account.get("suspended") is True:
            raise AccountNotFound(NETWORK, _shown(page.url), "the account is suspended")
        bio = [plain_text(text(account, "note", where, optional=True))]
        for number, entry in enumerate(items(account, where, "fields"), 1):
            field = obj(entry, where, f"fields[{number}]")
            name = plain_text(text(field, "name", where, optional=True))
            value = plain_text(text(field, "value", where, optional=True))
            bio.append(f"{name}: {value}" if name else value)
        return PublicProfile(
            network=NETWORK,
            handle=handle,
            external_id=ident(account, "id", where),
            display_name=text(account, "display_name", where, optional=True)
            or text(account, "username", where),
            bio="\n".join(line for line in bio if line),
            url=text(account, "url", where),
            audience=whole(account, "followers_count", where, optional=True),
        )

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """The plain text of the newest 20 statuses (boosts excluded)."""
        page = client.get_json(
            f"/api/v1/accounts/{_safe_id(profile.external_id)}/statuses",
            {"limit": 20, "exclude_reblogs": "true"},
        )
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        return [
            plain_text(text(obj(status, where.at(n)), "content", where.at(n), optional=True))
            for n, status in enumerate(_as_list(page), 1)
        ]

    # -- pull ---------------------------------------------------------------------------

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """Statuses (with their engagement) back to ``since``, then new followers."""
        puller = _Puller(self, client, profile, since)
        return walk(
            [("statuses", puller.statuses), ("followers", puller.followers)],
            state,
            max_pages=self.MAX_PAGES,
        )


def _safe_id(value: str, where: Where | None = None, field: str = "id") -> str:
    """An account or status id fit for a path (Mastodon's are digits; other servers' alnum)."""
    if not value.isascii() or not value.isalnum() or len(value) > 64:
        if where is not None:
            raise where.fail(field, "expected an alphanumeric id")
        raise ValueError(f"{value[:40]!r} is not a Mastodon id")
    return value


class _Puller:
    """One pull of one account: the readers of its two streams."""

    def __init__(
        self, connector: Mastodon, client: ApiClient, profile: PublicProfile, since: datetime
    ) -> None:
        self.connector = connector
        self.client = client
        self.profile = profile
        self.since = since
        self.person = node(NETWORK, profile.handle)
        self.host = profile.handle.partition("@")[2]
        self.account_id = _safe_id(profile.external_id)

    def _acct(self, account: Mapping[str, Any], where: Where) -> str:
        """The account's lowercase ``user@host`` (a local ``acct`` qualified by our host)."""
        acct = text(account, "acct", where)
        if not acct or acct.count("@") > 1:
            raise where.fail("acct", "expected user or user@host")
        return (acct if "@" in acct else f"{acct}@{self.host}").lower()

    # statuses ----------------------------------------------------------------------

    def statuses(self, stream: Mapping[str, str]) -> Step:
        """One page of the person's statuses, each with its engagement."""
        params: dict[str, str | int] = {
            "limit": self.connector.STATUS_PAGE,
            "exclude_reblogs": "true",
        }
        if "cursor" in stream:
            params["max_id"] = stream["cursor"]
        page = self.client.get_json(f"/api/v1/accounts/{self.account_id}/statuses", params)
        assert page is not None
        oldest = floor(self.since, stream.get("mark"))
        where = Where(NETWORK, _shown(page.url))
        events: list[SocialEvent] = []
        pulled: list[PulledItem] = []
        newest: datetime | None = None
        reached_floor = False
        for number, raw in enumerate(_as_list(page), 1):
            here = where.at(number)
            status = obj(raw, here)
            created = moment(status, "created_at", here)
            if created < oldest:
                reached_floor = True
                continue
            if status.get("reblog") is not None:
                continue
            newest = created if newest is None or created > newest else newest
            found = self._status(status, here, created)
            if found is not None:
                pulled.append(found[0])
                events.extend(found[1])
        cursor = None if reached_floor else _cursor(page)
        return Step(events, pulled, cursor, stamp(newest) if newest else None)

    def _status(
        self, status: Mapping[str, Any], where: Where, created: datetime
    ) -> tuple[PulledItem, list[SocialEvent]] | None:
        status_id = _safe_id(ident(status, "id", where), where)
        uri = text(status, "uri", where)
        counts = {
            "replies": whole(status, "replies_count", where),
            "boosts": whole(status, "reblogs_count", where),
            "favourites": whole(status, "favourites_count", where),
        }
        content = plain_text(text(status, "content", where, optional=True))
        item = PulledItem(
            key=uri,
            kind="status",
            title=content[:120],
            url=text(status, "url", where, optional=True) or uri,
            created_at=created,
            engagement=counts,
        )
        events = self._own(status, where, uri, created)
        for kind, count, path in (
            (kinds.SHARE, counts["boosts"], "reblogged_by"),
            (kinds.FAVORITE, counts["favourites"], "favourited_by"),
        ):
            if count > 0:
                found = self._engagers(status_id, path, kind, count, uri, created)
                if found is None:
                    return None  # deleted since it was listed
                events.extend(found)
        if counts["replies"] > 0:
            replies = self._replies(status_id, uri)
            if replies is None:
                return None
            events.extend(replies)
        return item, events

    def _own(
        self, status: Mapping[str, Any], where: Where, uri: str, created: datetime
    ) -> list[SocialEvent]:
        """The person's reply (to someone else) and mentions, read from the status."""
        mentioned: dict[str, str] = {}
        for number, raw in enumerate(items(status, where, "mentions"), 1):
            mention = obj(raw, where, f"mentions[{number}]")
            mentioned[ident(mention, "id", where)] = self._acct(mention, where)
        events: list[SocialEvent] = []
        replied = status.get("in_reply_to_account_id")
        target = None
        if replied is not None and str(replied) != self.account_id:
            target = mentioned.get(ident(status, "in_reply_to_account_id", where))
            if target is not None:  # a reply whose mention was removed names no one
                events.append(
                    SocialEvent(
                        f"reply:{uri}",
                        self.person,
                        node(NETWORK, target),
                        created,
                        kinds.REPLY,
                        item=uri,
                    )
                )
        for acct in sorted(set(mentioned.values())):
            if acct not in (target, self.profile.handle):
                events.append(
                    SocialEvent(
                        f"mention:{uri}:{acct}",
                        self.person,
                        node(NETWORK, acct),
                        created,
                        kinds.MENTION,
                        item=uri,
                    )
                )
        return events

    def _engagers(
        self, status_id: str, path: str, kind: str, count: int, uri: str, created: datetime
    ) -> list[SocialEvent] | None:
        """Named events for who boosted / favourited, and the remainder anonymously."""
        events: dict[str, SocialEvent] = {}
        params: dict[str, str | int] = {"limit": self.connector.ACCOUNT_PAGE}
        for _ in range(self.connector.MAX_ENGAGER_PAGES):
            page = self.client.get_json(
                f"/api/v1/statuses/{status_id}/{path}", params, missing_ok=True
            )
            if page is None:
                return None
            where = Where(NETWORK, _shown(page.url))
            for number, raw in enumerate(_as_list(page), 1):
                acct = self._acct(obj(raw, where.at(number)), where.at(number))
                if acct != self.profile.handle:
                    events[acct] = SocialEvent(
                        f"{kind}:{uri}:{acct}",
                        node(NETWORK, acct),
                        self.person,
                        created,
                        kind,
                        item=uri,
                    )
            cursor = _cursor(page)
            if cursor is None:
                break
            params["max_id"] = cursor
        named = list(events.values())
        rest = count - len(named)
        if rest > 0:
            named.append(
                SocialEvent(
                    f"{kind}:{uri}:anonymous",
                    None,
                    self.person,
                    created,
                    kind,
                    weight=float(rest),
                    item=uri,
                )
            )
        return named

    def _replies(self, status_id: str, uri: str) -> list[SocialEvent] | None:
        """Direct replies by others, from the status's ``context``."""
        page = self.client.get_json(f"/api/v1/statuses/{status_id}/context", missing_ok=True)
        if page is None:
            return None
        where = Where(NETWORK, _shown(page.url))
        events: list[SocialEvent] = []
        for number, raw in enumerate(items(page.data, where, "descendants"), 1):
            here = where.at(number)
            reply = obj(raw, here)
            parent = reply.get("in_reply_to_id")
            if parent is None or str(parent) != status_id:
                continue
            acct = self._acct(obj(reply.get("account"), here, "account"), here)
            if acct == self.profile.handle:
                continue
            events.append(
                SocialEvent(
                    f"reply:{text(reply, 'uri', here)}",
                    node(NETWORK, acct),
                    self.person,
                    moment(reply, "created_at", here),
                    kinds.REPLY,
                    item=uri,
                )
            )
        return events

    # followers -----------------------------------------------------------------------

    def followers(self, stream: Mapping[str, str]) -> Step:
        """One page of followers, newest first, back to the newest of the last pass."""
        params: dict[str, str | int] = {"limit": self.connector.ACCOUNT_PAGE}
        if "cursor" in stream:
            params["max_id"] = stream["cursor"]
        page = self.client.get_json(f"/api/v1/accounts/{self.account_id}/followers", params)
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        now = self.client.clock.now()
        known = stream.get("mark")
        events: list[SocialEvent] = []
        first: str | None = None
        for number, raw in enumerate(_as_list(page), 1):
            acct = self._acct(obj(raw, where.at(number)), where.at(number))
            if acct == known:
                return Step(events, (), None, first)
            first = first or acct
            events.append(
                SocialEvent(
                    f"follow:{acct}:{self.profile.handle}",
                    node(NETWORK, acct),
                    self.person,
                    now,
                    kinds.FOLLOW,
                )
            )
        return Step(events, (), _cursor(page), first)
