"""Bluesky's public AppView as the demo records it: profile, author feed, likes,
reposts and followers."""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from renown.demo.networks.common import (
    _B32_SORT,
    _FIRST,
    _LAST,
    _TOPICS,
    APPVIEW,
    _Context,
    _digest,
    _exchange,
    _millis,
    _number,
    _spread,
)


def _did(handle: str) -> str:
    return "did:plc:" + base64.b32encode(_digest("bluesky", handle)[:15]).decode().lower()


def _tid(moment: datetime, *parts: object) -> str:
    """An atproto record key: microseconds since the epoch and a clock id, base32-sortable."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (_number("clock", *parts) & 0x3FF)
    out = []
    for _ in range(13):
        out.append(_B32_SORT[value & 31])
        value >>= 5
    return "".join(reversed(out))


def _cid(*parts: object) -> str:
    return (
        "bafyrei" + base64.b32encode(_digest("cid", *parts)[:32]).decode().lower().rstrip("=")[:52]
    )


def _bsky_actor(handle: str, name: str, *, full: bool = True) -> dict[str, Any]:
    did = _did(handle)
    found: dict[str, Any] = {
        "did": did,
        "handle": handle,
        "displayName": name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/{_cid('avatar', handle)}@jpeg",
        "labels": [],
        "createdAt": (
            datetime(2023, 4, 1, tzinfo=UTC) + timedelta(days=_number("bsky-joined", handle) % 600)
        ).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    if full:
        found |= {"description": "", "indexedAt": found["createdAt"]}
    return found


def _bsky_stranger(rng: random.Random, n: int) -> str:
    first = rng.choice(_FIRST).lower()
    return rng.choice(
        (
            f"{first}.bsky.social",
            f"{first}{rng.choice(_LAST).lower()}.bsky.social",
            f"{first}.{rng.choice(_LAST).lower()}.example.com",
        )
    )


def _bluesky(ctx: _Context) -> Iterator[dict[str, Any]]:
    handle = ctx.account.handle
    did = _did(handle)
    reset = str(int(ctx.now.timestamp()) + 300)
    pool = ctx.strangers(_bsky_stranger)

    def answer(url: str, data: Any) -> dict[str, Any]:
        headers = {
            "content-type": "application/json; charset=utf-8",
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": ctx.remaining(3000),
            "RateLimit-Reset": reset,
            "RateLimit-Policy": "3000;w=300",
        }
        return _exchange(url, {"status": 200, "headers": headers, "json": data})

    def actor(who: str) -> dict[str, Any]:
        return _bsky_actor(who, ctx.name_of(who))

    followers = list(
        dict.fromkeys(list(ctx.peers) + ctx.crowd(pool, ctx.size(1, 200, 1.6), peer_share=0.0))
    )[:200]
    posts_n = ctx.size(1, 64, 1.4, cap=90)
    times = ctx.times(posts_n) + [ctx.older() for _ in range(int(ctx.rng.random() < 0.6))]
    times.sort(reverse=True)
    me_short = _bsky_actor(handle, ctx.account.display_name, full=False)
    profile = _bsky_actor(handle, ctx.account.display_name) | {
        "description": ctx.account.bio,
        "indexedAt": _millis(ctx.recent(60)),
        "banner": f"https://cdn.bsky.app/img/banner/plain/{did}/{_cid('banner', handle)}@jpeg",
        "followersCount": len(followers),
        "followsCount": ctx.rng.randrange(10, 400),
        "postsCount": len(times) + ctx.rng.randrange(0, 60),
    }
    yield answer(f"{APPVIEW}/app.bsky.actor.getProfile?actor={handle}", profile)

    liked: dict[int, list[str]] = {}
    reposted: dict[int, list[str]] = {}
    for n, when in enumerate(times):
        if when >= ctx.since:
            liked[n] = ctx.crowd(pool, ctx.engagement(8, 100))
            reposted[n] = ctx.crowd(pool, min(100, int(len(liked[n]) * ctx.rng.uniform(0.05, 0.4))))
    _spread(ctx, liked, len([t for t in times if t >= ctx.since]))

    feed: list[dict[str, Any]] = []
    engaged: list[tuple[str, datetime, datetime, list[str], list[str]]] = []
    for n, when in enumerate(times):
        uri = f"at://{did}/app.bsky.feed.post/{_tid(when, handle, n)}"
        indexed = when + timedelta(milliseconds=_number("indexed", uri) % 900 + 50)
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": ctx.rng.choice(_TOPICS),
            "createdAt": _millis(when),
            "langs": ["en"],
        }
        entry: dict[str, Any] = {}
        if ctx.peers and ctx.rng.random() < 0.2:
            peer = ctx.rng.choice(ctx.peers)
            parent_when = when - timedelta(hours=ctx.rng.uniform(0.2, 30))
            parent_uri = f"at://{_did(peer)}/app.bsky.feed.post/{_tid(parent_when, peer, n)}"
            ref = {"uri": parent_uri, "cid": _cid(parent_uri)}
            record["reply"] = {"root": ref, "parent": ref}
            view = {
                "$type": "app.bsky.feed.defs#postView",
                **ref,
                "author": _bsky_actor(peer, ctx.name_of(peer), full=False),
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": ctx.rng.choice(_TOPICS),
                    "createdAt": _millis(parent_when),
                    "langs": ["en"],
                },
                "replyCount": 1,
                "repostCount": 0,
                "likeCount": 0,
                "quoteCount": 0,
                "indexedAt": _millis(parent_when),
                "labels": [],
            }
            entry["reply"] = {"root": view, "parent": view}
        likes = liked.get(n, [])
        reposts = reposted.get(n, [])
        entry["post"] = {
            "uri": uri,
            "cid": _cid(uri),
            "author": me_short,
            "record": record,
            "replyCount": int(len(likes) * ctx.rng.uniform(0.0, 0.3)),
            "repostCount": len(reposts),
            "likeCount": len(likes),
            "quoteCount": int(len(reposts) * ctx.rng.uniform(0.0, 0.3)),
            "indexedAt": _millis(indexed),
            "labels": [],
        }
        feed.append(entry)
        if when >= ctx.since:
            engaged.append((uri, when, indexed, likes, reposts))
        if ctx.rng.random() < 0.1 and pool:  # the person's repost of someone else's post
            other = ctx.rng.choice(pool)
            other_when = when - timedelta(hours=ctx.rng.uniform(1, 48))
            other_uri = f"at://{_did(other)}/app.bsky.feed.post/{_tid(other_when, other)}"
            feed.append(
                {
                    "post": {
                        "uri": other_uri,
                        "cid": _cid(other_uri),
                        "author": _bsky_actor(other, ctx.name_of(other), full=False),
                        "record": {
                            "$type": "app.bsky.feed.post",
                            "text": ctx.rng.choice(_TOPICS),
                            "createdAt": _millis(other_when),
                            "langs": ["en"],
                        },
                        "replyCount": 0,
                        "repostCount": 1,
                        "likeCount": ctx.rng.randrange(0, 30),
                        "quoteCount": 0,
                        "indexedAt": _millis(other_when),
                        "labels": [],
                    },
                    "reason": {
                        "$type": "app.bsky.feed.defs#reasonRepost",
                        "by": me_short,
                        "indexedAt": _millis(when + timedelta(minutes=5)),
                    },
                }
            )
    feed_url = f"{APPVIEW}/app.bsky.feed.getAuthorFeed?actor={did}&filter=posts_with_replies"
    recent: dict[str, Any] = {"feed": feed[:20]}
    if len(feed) > 20:
        recent["cursor"] = feed[19]["post"]["indexedAt"]
    yield answer(f"{feed_url}&limit=20", recent)
    for start in range(0, max(1, len(feed)), 100):
        page: dict[str, Any] = {"feed": feed[start : start + 100]}
        if start + 100 < len(feed):
            page["cursor"] = feed[start + 99]["post"]["indexedAt"]
        cursor_query = f"&cursor={feed[start - 1]['post']['indexedAt']}" if start else ""
        yield answer(f"{feed_url}&limit=100{cursor_query}", page)

    for uri, _when, indexed, likes, reposts in engaged:
        if likes:
            yield answer(
                f"{APPVIEW}/app.bsky.feed.getLikes?uri={uri}&limit=100",
                {
                    "uri": uri,
                    "likes": [
                        {
                            "indexedAt": _millis(at := ctx.between(indexed, ctx.now)),
                            "createdAt": _millis(at),
                            "actor": actor(who),
                        }
                        for who in likes
                    ],
                },
            )
        if reposts:
            yield answer(
                f"{APPVIEW}/app.bsky.feed.getRepostedBy?uri={uri}&limit=100",
                {"uri": uri, "repostedBy": [actor(who) for who in reposts]},
            )

    first = f"{APPVIEW}/app.bsky.graph.getFollowers?actor={did}&limit=100"
    subject = profile
    if len(followers) > 100:
        cursor = _tid(ctx.now - timedelta(days=40), "followers", handle)
        yield answer(
            first,
            {
                "subject": subject,
                "cursor": cursor,
                "followers": [actor(f) for f in followers[:100]],
            },
        )
        yield answer(
            f"{first}&cursor={cursor}",
            {"subject": subject, "followers": [actor(f) for f in followers[100:]]},
        )
    else:
        yield answer(first, {"subject": subject, "followers": [actor(f) for f in followers]})


# -- Stack Exchange ----------------------------------------------------------------------
