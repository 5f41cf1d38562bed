"""Bluesky through the AT Protocol's public AppView: posts, likes, reposts and followers.

Everything is read without a token from ``https://public.api.bsky.app/xrpc``: the account
(``app.bsky.actor.getProfile``), its posts and replies (``app.bsky.feed.getAuthorFeed``
with the documented ``posts_with_replies`` filter, the person's reposts of others dropped),
who liked each post (``getLikes``, dated by the like) and who reposted it
(``getRepostedBy``: the API gives no time, so the post's ``indexedAt``), and the followers
(``app.bsky.graph.getFollowers``, dated when first seen). Lists are paged by ``cursor``.

Accounts are named by handle, or by DID when the network marks the handle
``handle.invalid``; event keys use DIDs and at:// URIs, which a rename does not change.
Likes and reposts beyond :attr:`Bluesky.MAX_ENGAGER_PAGES` pages are one anonymous event
with the remainder of the post's count. The AppView answers a post deleted since it was
listed, and an unknown, suspended or deactivated account, with ``400`` and an error name
in the body; :class:`_GoneAs404` turns exactly those into the ``404`` they mean, so a
deleted post is skipped and a missing account is
:class:`~renown.connectors.errors.AccountNotFound`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import httpx

from renown.connectors import kinds
from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent, node
from renown.connectors.http import ApiClient, Page
from renown.connectors.shapes import Where, items, moment, obj, text, whole
from renown.connectors.streams import Step, floor, stamp, walk

NETWORK: Final = "bluesky"
APPVIEW: Final = "https://public.api.bsky.app/xrpc"
INVALID_HANDLE: Final = "handle.invalid"
_HANDLE: Final = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
_DID_PLC: Final = re.compile(r"^did:plc:[a-z2-7]{24}$")
_DID: Final = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}$")
_RESERVED_TLDS: Final = frozenset(
    {"alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion"}
)
_PROFILE_URL: Final = "https://bsky.app/profile/"
_GONE_ERRORS: Final = frozenset(
    {"NotFound", "InvalidRequest", "AccountTakedown", "AccountDeactivated", "ActorNotFound"}
)
_GONE_METHODS: Final = frozenset(
    {
        "app.bsky.actor.getProfile",
        "app.bsky.feed.getLikes",
        "app.bsky.feed.getRepostedBy",
    }
)
_REPOST: Final = "app.bsky.feed.defs#reasonRepost"


class _GoneAs404(httpx.BaseTransport):
    """Turns the AppView's ``400`` for a missing post or account into ``404``.

    Only for the methods whose ``400`` means that (:data:`_GONE_METHODS`) and only for the
    error names that say so; any other ``400`` stays an error.
    """

    def __init__(self, inner: httpx.BaseTransport | None) -> None:
        self.inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, and rewrite a gone-answer."""
        response = self.inner.handle_request(request)
        if response.status_code != 400 or request.url.path.rsplit("/", 1)[-1] not in (
            _GONE_METHODS
        ):
            return response
        response.read()
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        if not isinstance(body, dict) or body.get("error") not in _GONE_ERRORS:
            return response
        limits = {k: v for k, v in response.headers.items() if k.lower().startswith("ratelimit")}
        return httpx.Response(404, headers=limits, json=body, request=request)

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()


def _did_of(uri: str) -> str:
    """The authority (the author's DID) of an ``at://did/collection/rkey`` URI."""
    parts = urlsplit(uri)
    return parts.netloc if parts.scheme == "at" else ""


def _shown(url: str) -> str:
    return url.split("?", 1)[0]


class Bluesky:
    """The Bluesky connector (see the module docstring)."""

    network: ClassVar[str] = NETWORK
    label: ClassVar[str] = "Bluesky"
    verification: ClassVar[tuple[str, ...]] = ("bio", "post")
    MAX_PAGES: ClassVar[int] = 10
    """Pages of posts and of followers read per pull (each stream)."""
    MAX_ENGAGER_PAGES: ClassVar[int] = 2
    """Pages of likers and of reposters read per post (100 accounts a page)."""
    PAGE: ClassVar[int] = 100

    def parse_handle(self, text: str) -> str:
        """A lowercase handle (atproto syntax) or a ``did:plc``, from what a person typed.

        Accepts ``alice.bsky.social``, ``@alice.bsky.social``, a custom domain,
        ``https://bsky.app/profile/<handle or did>`` and ``did:plc:...``.
        """
        raw = text.strip()
        if not raw or len(raw) > 300:
            raise ValueError("type a Bluesky handle like alice.bsky.social")
        if raw.lower().startswith(("https://", "http://")):
            parts = urlsplit(raw)
            if (parts.hostname or "") != "bsky.app" or parts.port or "@" in parts.netloc:
                raise ValueError("a Bluesky profile address starts https://bsky.app/profile/")
            if parts.query or parts.fragment:
                raise ValueError("a Bluesky profile address has no query or fragment")
            match = re.fullmatch(r"/profile/([^/]+)/?", parts.path)
            if not match:
                raise ValueError("a Bluesky profile address looks like bsky.app/profile/alice")
            raw = match.group(1)
        raw = raw.removeprefix("@")
        if raw.startswith("did:"):
            if not _DID_PLC.match(raw):
                raise ValueError("only did:plc identifiers are accepted (did:plc: and 24 letters)")
            return raw
        handle = raw.lower()
        if len(handle) > 253 or not _HANDLE.match(handle):
            raise ValueError(f"{raw[:60]!r} is not a Bluesky handle (like alice.bsky.social)")
        if handle.rsplit(".", 1)[-1] in _RESERVED_TLDS:
            raise ValueError(f"{raw[:60]!r} uses a reserved domain")
        return handle

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        """A client of the public AppView (every account is served there)."""
        return ApiClient(
            network=NETWORK, base_url=APPVIEW, transport=_GoneAs404(transport), token=token
        )

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        """The account by ``getProfile`` (its DID is the stable id)."""
        handle = self.parse_handle(handle)
        page = client.get_json("/app.bsky.actor.getProfile", {"actor": handle})
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        actor = obj(page.data, where)
        did = _did(actor, where)
        shown = text(actor, "handle", where)
        return PublicProfile(
            network=NETWORK,
            handle=handle,
            external_id=did,
            display_name=text(actor, "displayName", where, optional=True) or shown,
            bio=text(actor, "description", where, optional=True),
            url=_PROFILE_URL + (shown if shown != INVALID_HANDLE else did),
            audience=whole(actor, "followersCount", where, optional=True),
        )

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        """The texts of the account's newest 20 own posts and replies."""
        page = client.get_json(
            "/app.bsky.feed.getAuthorFeed",
            {"actor": profile.external_id, "limit": 20, "filter": "posts_with_replies"},
        )
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        found = []
        for number, raw in enumerate(items(page.data, where, "feed"), 1):
            _, post = _own_post(raw, where.at(number), profile.external_id)
            if post:
                found.append(
                    text(
                        obj(post.get("record"), where.at(number), "post.record"),
                        "text",
                        where.at(number),
                        optional=True,
                    )
                )
        return found

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        """Posts (with likes, reposts and replies to others) back to ``since``, then followers."""
        puller = _Puller(self, client, profile, since)
        return walk(
            [("posts", puller.posts), ("followers", puller.followers)],
            state,
            max_pages=self.MAX_PAGES,
        )


def _did(actor: Mapping[str, Any], where: Where) -> str:
    did = text(actor, "did", where)
    if not _DID.match(did):
        raise where.fail("did", "expected a DID")
    return did


def _name(actor: Mapping[str, Any], where: Where) -> tuple[str, str]:
    """The actor's DID and node handle (the DID when the handle is invalid)."""
    did = _did(actor, where)
    handle = text(actor, "handle", where).lower()
    return did, handle if handle and handle != INVALID_HANDLE else did


def _own_post(raw: Any, where: Where, did: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The feed item and its post, or ``({}, {})`` for the person's repost of another's."""
    entry = obj(raw, where)
    reason = entry.get("reason")
    if reason is not None and obj(reason, where, "reason").get("$type") == _REPOST:
        return {}, {}
    post = obj(entry.get("post"), where, "post")
    author = obj(post.get("author"), where, "post.author")
    if _did(author, where) != did:
        return {}, {}
    return entry, post


def _cursor(page: Page, where: Where) -> str | None:
    found = obj(page.data, where).get("cursor")
    if found is None or found == "":
        return None
    if not isinstance(found, str) or len(found) > 500:
        raise where.fail("cursor", "expected a string")
    return found


class _Puller:
    """One pull of one account: the readers of its two streams."""

    def __init__(
        self, connector: Bluesky, client: ApiClient, profile: PublicProfile, since: datetime
    ) -> None:
        self.connector = connector
        self.client = client
        self.profile = profile
        self.since = since
        self.did = profile.external_id
        self.person = node(NETWORK, profile.handle)

    def posts(self, stream: Mapping[str, str]) -> Step:
        """One page of the author feed, each own post with its likes and reposts."""
        params: dict[str, str | int] = {
            "actor": self.did,
            "limit": self.connector.PAGE,
            "filter": "posts_with_replies",
        }
        if "cursor" in stream:
            params["cursor"] = stream["cursor"]
        page = self.client.get_json("/app.bsky.feed.getAuthorFeed", params)
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        oldest = floor(self.since, stream.get("mark"))
        events: list[SocialEvent] = []
        pulled: list[PulledItem] = []
        newest: datetime | None = None
        reached_floor = False
        for number, raw in enumerate(items(page.data, where, "feed"), 1):
            here = where.at(number)
            entry, post = _own_post(raw, here, self.did)
            if not post:
                continue
            record = obj(post.get("record"), here, "post.record")
            created = moment(record, "createdAt", here)
            if created < oldest:
                reached_floor = True
                continue
            newest = created if newest is None or created > newest else newest
            found = self._post(entry, post, record, here, created)
            if found is not None:
                pulled.append(found[0])
                events.extend(found[1])
        cursor = None if reached_floor else _cursor(page, where)
        return Step(events, pulled, cursor, stamp(newest) if newest else None)

    def _post(
        self,
        entry: Mapping[str, Any],
        post: Mapping[str, Any],
        record: Mapping[str, Any],
        where: Where,
        created: datetime,
    ) -> tuple[PulledItem, list[SocialEvent]] | None:
        uri = text(post, "uri", where)
        if _did_of(uri) != self.did:
            raise where.fail("post.uri", "expected an at:// URI of the author's post")
        indexed = moment(post, "indexedAt", where)
        counts = {
            "replies": whole(post, "replyCount", where, optional=True),
            "reposts": whole(post, "repostCount", where, optional=True),
            "likes": whole(post, "likeCount", where, optional=True),
            "quotes": whole(post, "quoteCount", where, optional=True),
        }
        body = text(record, "text", where, optional=True)
        item = PulledItem(
            key=uri,
            kind="post",
            title=body[:120],
            url=f"{_PROFILE_URL}{self.profile.handle}/post/{uri.rsplit('/', 1)[-1]}",
            created_at=created,
            engagement=counts,
        )
        events = self._reply(entry, record, where, uri, created)
        for kind, count, method, field in (
            (kinds.FAVORITE, counts["likes"], "app.bsky.feed.getLikes", "likes"),
            (kinds.SHARE, counts["reposts"], "app.bsky.feed.getRepostedBy", "repostedBy"),
        ):
            if count > 0:
                found = self._engagers(uri, method, field, kind, count, indexed)
                if found is None:
                    return None  # deleted since it was listed
                events.extend(found)
        return item, events

    def _reply(
        self,
        entry: Mapping[str, Any],
        record: Mapping[str, Any],
        where: Where,
        uri: str,
        created: datetime,
    ) -> list[SocialEvent]:
        """The person's reply to another author.

        The author is the DID of ``record.reply.parent.uri``, named by the handle in the
        feed item's ``reply.parent`` view when the AppView gives it (a deleted or blocked
        parent has none: the DID names the author then).
        """
        reply = record.get("reply")
        if reply is None:
            return []
        parent = obj(obj(reply, where, "post.record.reply").get("parent"), where, "reply.parent")
        author_did = _did_of(text(parent, "uri", where))
        if not author_did or author_did == self.did:
            return []
        target = author_did
        view = entry.get("reply")
        if isinstance(view, Mapping) and isinstance(view.get("parent"), Mapping):
            author = view["parent"].get("author")
            if isinstance(author, Mapping):
                did, name = _name(author, where)
                target = name if did == author_did else author_did
        return [
            SocialEvent(
                f"reply:{uri}", self.person, node(NETWORK, target), created, kinds.REPLY, item=uri
            )
        ]

    def _engagers(
        self, uri: str, method: str, field: str, kind: str, count: int, indexed: datetime
    ) -> list[SocialEvent] | None:
        events: dict[str, SocialEvent] = {}
        params: dict[str, str | int] = {"uri": uri, "limit": self.connector.PAGE}
        for _ in range(self.connector.MAX_ENGAGER_PAGES):
            page = self.client.get_json(f"/{method}", params, missing_ok=True)
            if page is None:
                return None
            where = Where(NETWORK, _shown(page.url))
            for number, raw in enumerate(items(page.data, where, field), 1):
                here = where.at(number)
                entry = obj(raw, here)
                if kind == kinds.FAVORITE:
                    actor = obj(entry.get("actor"), here, "actor")
                    when = moment(entry, "createdAt", here)
                else:
                    actor, when = entry, indexed
                did, name = _name(actor, here)
                if did != self.did:
                    events[did] = SocialEvent(
                        f"{kind}:{uri}:{did}",
                        node(NETWORK, name),
                        self.person,
                        when,
                        kind,
                        item=uri,
                    )
            cursor = _cursor(page, where)
            if cursor is None:
                break
            params["cursor"] = cursor
        named = list(events.values())
        rest = count - len(named)
        if rest > 0:
            named.append(
                SocialEvent(
                    f"{kind}:{uri}:anonymous",
                    None,
                    self.person,
                    indexed,
                    kind,
                    weight=float(rest),
                    item=uri,
                )
            )
        return named

    def followers(self, stream: Mapping[str, str]) -> Step:
        """One page of followers, newest first, back to the newest of the last pass."""
        params: dict[str, str | int] = {"actor": self.did, "limit": self.connector.PAGE}
        if "cursor" in stream:
            params["cursor"] = stream["cursor"]
        page = self.client.get_json("/app.bsky.graph.getFollowers", params)
        assert page is not None
        where = Where(NETWORK, _shown(page.url))
        now = self.client.clock.now()
        known = stream.get("mark")
        events: list[SocialEvent] = []
        first: str | None = None
        for number, raw in enumerate(items(page.data, where, "followers"), 1):
            did, name = _name(obj(raw, where.at(number)), where.at(number))
            if did == known:
                return Step(events, (), None, first)
            first = first or did
            events.append(
                SocialEvent(
                    f"follow:{did}:{self.did}",
                    node(NETWORK, name),
                    self.person,
                    now,
                    kinds.FOLLOW,
                )
            )
        return Step(events, (), _cursor(page, where), first)
