"""Mastodon's API as the demo records it: account lookup, statuses, boosts,
favourites, replies and followers."""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from renown.demo.networks.common import (
    _FIRST,
    _LAST,
    _MASTODON_HOSTS,
    _TOPICS,
    _Context,
    _exchange,
    _millis,
    _number,
    _paragraphs,
    _spread,
)


def _snowflake(moment: datetime, *parts: object) -> str:
    """A Mastodon id: milliseconds since the epoch, then 16 bits of sequence."""
    return str((int(moment.timestamp() * 1000) << 16) | (_number("seq", *parts) & 0xFFFF))


def _masto_id(handle: str) -> str:
    return str(109_000_000_000_000_000 + _number("mastodon", handle) % 10**15)


def _masto_account(handle: str, name: str, host: str, *, note: str = "") -> dict[str, Any]:
    user, _, server = handle.partition("@")
    created = datetime(2022, 11, 1, tzinfo=UTC) + timedelta(days=_number("joined", handle) % 700)
    n = _number("counts", handle)
    return {
        "id": _masto_id(handle),
        "username": user,
        "acct": user if server == host else handle,
        "display_name": name,
        "locked": False,
        "bot": False,
        "created_at": created.strftime("%Y-%m-%dT00:00:00.000Z"),
        "note": note,
        "url": f"https://{server}/@{user}",
        "uri": f"https://{server}/users/{user}",
        "avatar": f"https://{server}/avatars/original/missing.png",
        "followers_count": n % 900,
        "following_count": (n >> 10) % 400,
        "statuses_count": (n >> 20) % 3000,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


def _masto_stranger(rng: random.Random, n: int) -> str:
    first = rng.choice(_FIRST).lower()
    user = rng.choice(
        (first, f"{first}_{rng.choice(_LAST).lower()}", f"{first}{rng.randrange(2, 99)}")
    )
    return f"{user}@{rng.choice(_MASTODON_HOSTS)}"


def _mastodon(ctx: _Context) -> Iterator[dict[str, Any]]:
    handle = ctx.account.handle
    user, _, host = handle.partition("@")
    api = f"https://{host}/api/v1"
    account_id = _masto_id(handle)
    reset = _millis(ctx.now + timedelta(minutes=5))
    pool = ctx.strangers(_masto_stranger)

    def answer(url: str, data: Any, link: str | None = None) -> dict[str, Any]:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": ctx.remaining(300),
            "X-RateLimit-Reset": reset,
        }
        if link:
            headers["Link"] = link
        return _exchange(url, {"status": 200, "headers": headers, "json": data})

    def person(who: str) -> dict[str, Any]:
        return _masto_account(who, ctx.name_of(who), host)

    followers = list(
        dict.fromkeys(list(ctx.peers) + ctx.crowd(pool, ctx.size(1, 160, 1.6), peer_share=0.0))
    )[:160]
    statuses_n = ctx.size(1, 60, 1.4, cap=76)
    times = ctx.times(statuses_n) + [ctx.older() for _ in range(int(ctx.rng.random() < 0.6))]
    times.sort(reverse=True)
    me = _masto_account(handle, ctx.account.display_name, host, note=_paragraphs(ctx.account.bio))
    me |= {
        "followers_count": len(followers),
        "following_count": ctx.rng.randrange(5, 300),
        "statuses_count": len(times) + ctx.rng.randrange(0, 40),
        "last_status_at": times[0].strftime("%Y-%m-%d"),
        "fields": [
            {
                "name": "Website",
                "value": f'<a href="https://{user}.example.org" rel="nofollow noopener me" '
                f'target="_blank">{user}.example.org</a>',
                "verified_at": None,
            }
        ],
    }
    yield answer(f"{api}/accounts/lookup?acct={user}", me)

    boosted: dict[int, list[str]] = {}
    favoured: dict[int, list[str]] = {}
    replied: dict[int, list[str]] = {}
    for n, when in enumerate(times):
        if when < ctx.since:
            continue
        favoured[n] = ctx.crowd(pool, ctx.engagement(7, 80))
        boosted[n] = ctx.crowd(pool, min(80, int(len(favoured[n]) * ctx.rng.uniform(0.1, 0.5))))
        replied[n] = ctx.crowd(pool, min(12, int(len(favoured[n]) * ctx.rng.uniform(0.0, 0.3))))
    _spread(ctx, favoured, len([t for t in times if t >= ctx.since]))

    statuses: list[dict[str, Any]] = []
    for n, when in enumerate(times):
        status_id = _snowflake(when, handle, n)
        mentions = []
        in_reply = None
        in_reply_account = None
        text = ctx.rng.choice(_TOPICS)
        content = f"<p>{html.escape(text)}</p>"
        if ctx.peers and ctx.rng.random() < 0.2:
            peer = ctx.rng.choice(ctx.peers)
            peer_user, _, peer_host = peer.partition("@")
            mention = {
                "id": _masto_id(peer),
                "username": peer_user,
                "url": f"https://{peer_host}/@{peer_user}",
                "acct": peer_user if peer_host == host else peer,
            }
            mentions.append(mention)
            in_reply = _snowflake(when - timedelta(hours=2), peer, n)
            in_reply_account = mention["id"]
            content = (
                f'<p><span class="h-card"><a href="{mention["url"]}" class="u-url mention">'
                f"@<span>{peer_user}</span></a></span> {html.escape(text)}</p>"
            )
        statuses.append(
            {
                "id": status_id,
                "created_at": _millis(when),
                "in_reply_to_id": in_reply,
                "in_reply_to_account_id": in_reply_account,
                "sensitive": False,
                "spoiler_text": "",
                "visibility": "public",
                "language": "en",
                "uri": f"https://{host}/users/{user}/statuses/{status_id}",
                "url": f"https://{host}/@{user}/{status_id}",
                "replies_count": len(replied.get(n, [])),
                "reblogs_count": len(boosted.get(n, [])),
                "favourites_count": len(favoured.get(n, [])),
                "edited_at": None,
                "content": content,
                "reblog": None,
                "application": {"name": "Web", "website": None},
                "account": me,
                "media_attachments": [],
                "mentions": mentions,
                "tags": [],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
    yield answer(
        f"{api}/accounts/{account_id}/statuses?limit=20&exclude_reblogs=true", statuses[:20]
    )
    for start in range(0, len(statuses), 40):
        page = statuses[start : start + 40]
        url = f"{api}/accounts/{account_id}/statuses?limit=40&exclude_reblogs=true"
        if start:
            url += f"&max_id={statuses[start - 1]['id']}"
        links = [f'<{api}/accounts/{account_id}/statuses?min_id={statuses[0]["id"]}>; rel="prev"']
        if start + 40 < len(statuses):
            links.insert(
                0,
                f"<{api}/accounts/{account_id}/statuses?limit=40&exclude_reblogs=true"
                f'&max_id={page[-1]["id"]}>; rel="next"',
            )
        yield answer(url, page, ", ".join(links))

    for n, status in enumerate(statuses):
        if times[n] < ctx.since:
            continue
        status_id = status["id"]
        if boosted.get(n):
            yield answer(
                f"{api}/statuses/{status_id}/reblogged_by?limit=80", [person(w) for w in boosted[n]]
            )
        if favoured.get(n):
            yield answer(
                f"{api}/statuses/{status_id}/favourited_by?limit=80",
                [person(w) for w in favoured[n]],
            )
        if replied.get(n):
            descendants: list[dict[str, Any]] = []
            for k, who in enumerate(replied[n]):
                when = ctx.between(times[n], ctx.now)
                reply_id = _snowflake(when, who, status_id, k)
                who_user, _, who_host = who.partition("@")
                descendants.append(
                    {
                        "id": reply_id,
                        "created_at": _millis(when),
                        "in_reply_to_id": status_id,
                        "in_reply_to_account_id": account_id,
                        "sensitive": False,
                        "spoiler_text": "",
                        "visibility": "public",
                        "language": "en",
                        "uri": f"https://{who_host}/users/{who_user}/statuses/{reply_id}",
                        "url": f"https://{who_host}/@{who_user}/{reply_id}",
                        "replies_count": 0,
                        "reblogs_count": 0,
                        "favourites_count": 0,
                        "edited_at": None,
                        "content": f"<p>@{user} {html.escape(ctx.rng.choice(_TOPICS))}</p>",
                        "reblog": None,
                        "account": person(who),
                        "media_attachments": [],
                        "mentions": [
                            {"id": account_id, "username": user, "url": me["url"], "acct": user}
                        ],
                        "tags": [],
                        "emojis": [],
                        "card": None,
                        "poll": None,
                    }
                )
            descendants.sort(key=lambda s: s["created_at"])
            yield answer(
                f"{api}/statuses/{status_id}/context", {"ancestors": [], "descendants": descendants}
            )

    cursor = str(1000 + _number("follow-page", handle) % 90_000)
    first = f"{api}/accounts/{account_id}/followers?limit=80"
    more = f"{first}&max_id={cursor}"
    if len(followers) > 80:
        yield answer(first, [person(f) for f in followers[:80]], f'<{more}>; rel="next"')
        yield answer(more, [person(f) for f in followers[80:]])
    else:
        yield answer(first, [person(f) for f in followers])


# -- Bluesky -----------------------------------------------------------------------------
