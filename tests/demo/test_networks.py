"""The demo's synthetic network recordings answer every request the real connectors make."""

from __future__ import annotations

import json
import stat
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from renown.connectors.base import node
from renown.connectors.pull import PullOutcome, run_pull
from renown.connectors.registry import connector
from renown.connectors.replay import UNRECORDED, Replay
from renown.core.clock import FixedClock
from renown.demo.networks import DemoAccount, recordings, write_recordings

NOW = datetime(2026, 12, 7, 12, 30, 15, 123456, tzinfo=UTC)
SINCE = NOW - timedelta(days=365)
SEED = 20_261_207

HANDLES = {
    "github": ("ada-okafor", "bruno-lind", "chen-haddad"),
    "mastodon": (
        "ada@social.example.org",
        "bruno@social.example.org",
        "chen@fosstodon.example.net",
    ),
    "bluesky": ("ada.bsky.social", "bruno.bsky.social", "chen.example.org"),
    "stackexchange": ("stackoverflow/4100001", "stackoverflow/4100002", "stackoverflow/4100003"),
    "rss": (
        "https://ada.blog.example.org/feed.xml",
        "https://bruno.blog.example.org/feed.xml",
        "https://chen.blog.example.org/atom.xml",
    ),
}
NAMES = ("Ada Okafor", "Bruno Lind", "Chen Haddad")
POPULARITY = (0.9, 0.05, 0.4)
"""The popular one, the quiet one, someone in between."""


def accounts(network: str) -> list[DemoAccount]:
    handles = HANDLES[network]
    return [
        DemoAccount(
            network,
            handle,
            name,
            f"{name} builds things. renown-verify: rn-{n}x7q",
            popularity,
            tuple(h for h in handles if h != handle),
        )
        for n, (handle, name, popularity) in enumerate(zip(handles, NAMES, POPULARITY, strict=True))
    ]


class Watched(httpx.BaseTransport):
    """The replay's transport, noting the status of every answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.answers: list[tuple[int, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.answers.append((response.status_code, str(request.url)))
        return response


def pulled(
    network: str, exchanges: list[dict[str, object]]
) -> dict[str, tuple[PullOutcome, PullOutcome, str, list[str]]]:
    """Each account's first and second pull, bio and recent texts; every request answered."""
    plugin = connector(network)
    watched = Watched(Replay(exchanges).transport())
    found = {}
    for account in accounts(network):
        assert plugin.parse_handle(account.handle) == account.handle
        client = plugin.client(account.handle, transport=watched)
        client.clock = FixedClock(NOW)
        client.sleep = lambda seconds: None
        profile = plugin.profile(client, account.handle)
        texts = plugin.recent_texts(client, profile)
        first = run_pull(plugin, client, profile, {}, since=SINCE)
        second = run_pull(plugin, client, profile, first.state, since=SINCE)
        third = run_pull(plugin, client, profile, second.state, since=SINCE)
        assert first.complete and second.complete and third.complete
        found[account.handle] = (first, second, profile.bio, texts)
    unanswered = [url for status, url in watched.answers if status != 200]
    assert unanswered == []
    assert UNRECORDED not in {status for status, _ in watched.answers}
    return found


@pytest.mark.parametrize("network", sorted(HANDLES))
def test_the_connectors_read_every_account_from_the_recordings(network: str) -> None:
    given = accounts(network)
    exchanges = recordings(given, now=NOW, seed=SEED)
    out = pulled(network, exchanges)
    popular, quiet, _ = (out[a.handle] for a in given)
    for account in given:
        first, second, bio, _ = out[account.handle]
        assert account.bio in bio
        assert first.items, account.handle
        # the second pull pages back to its mark: nothing new, nothing unanswered
        assert {e.key for e in second.events} <= {e.key for e in first.events}
    assert len(popular[0].events) > len(quiet[0].events)
    assert len(popular[0].items) > len(quiet[0].items)
    if network != "rss":  # a feed names no one: its comments are counts
        for account in given:
            actors = {e.actor for e in out[account.handle][0].events}
            for peer in account.peers:
                assert node(network, peer) in actors, (account.handle, peer)
    if network in ("mastodon", "bluesky", "rss"):
        assert 10 <= len(popular[3]) <= 20  # reposts of others are not the person's texts
        assert quiet[3]
    # popularity drives a wide, skewed range
    weight = {a.handle: sum(e.weight for e in out[a.handle][0].events) for a in given}
    assert weight[given[0].handle] > 5 * weight[given[1].handle]


def test_counts_look_like_real_accounts() -> None:
    """A popular account has a couple of hundred followers and dozens of items."""
    for network in ("github", "mastodon", "bluesky"):
        given = accounts(network)
        out = pulled(network, recordings(given, now=NOW, seed=SEED))
        kinds = Counter(e.kind for e in out[given[0].handle][0].events)
        quiet = Counter(e.kind for e in out[given[1].handle][0].events)
        assert kinds["follow"] >= 100, network
        assert quiet["follow"] < 20, network
        assert len(out[given[0].handle][0].items) >= 15, network
        dates = [i.created_at for i in out[given[0].handle][0].items]
        if network != "github":  # repositories may be older than a year
            assert all(SINCE <= d <= NOW for d in dates)


def test_anonymous_counts_where_the_api_gives_only_counts() -> None:
    for network in ("stackexchange", "rss"):
        given = accounts(network)
        out = pulled(network, recordings(given, now=NOW, seed=SEED))
        events = out[given[0].handle][0].events
        assert any(e.actor is None and e.weight > 1 for e in events), network


def test_recordings_are_deterministic() -> None:
    everyone = [a for network in sorted(HANDLES) for a in accounts(network)]
    once = recordings(everyone, now=NOW, seed=SEED)
    assert once == recordings(everyone, now=NOW, seed=SEED)
    assert once != recordings(everyone, now=NOW, seed=SEED + 1)
    # an account's recordings do not depend on the order accounts are given in
    backwards = recordings(everyone[::-1], now=NOW, seed=SEED)
    assert sorted(map(json.dumps, once)) == sorted(map(json.dumps, backwards))


def test_rate_limit_headers_are_generous() -> None:
    exchanges = recordings(accounts("github") + accounts("bluesky"), now=NOW, seed=SEED)
    for exchange in exchanges:
        headers = {k.lower(): v for k, v in exchange["response"]["headers"].items()}
        remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
        assert remaining is not None and int(remaining) > 1000
        assert exchange["response"]["status"] == 200


def test_a_demo_sized_organisation_stays_small(tmp_path: Path) -> None:
    """About thirty people with one to three accounts each: a few megabytes at most."""
    everyone = []
    for n in range(30):
        for k, network in enumerate(sorted(HANDLES)):
            if (n + k) % 2:
                continue
            popularity = 0.8 if n < 3 else ((n * 37) % 100) / 100 * 0.6
            handle = {
                "github": f"person-{n}",
                "mastodon": f"person{n}@social.example.org",
                "bluesky": f"person{n}.bsky.social",
                "stackexchange": f"stackoverflow/{4_100_000 + n}",
                "rss": f"https://person{n}.blog.example.org/feed.xml",
            }[network]
            everyone.append(DemoAccount(network, handle, f"Person {n}", "bio", popularity))
    path = write_recordings(tmp_path / "replay", recordings(everyone, now=NOW, seed=SEED), "demo")
    assert path == tmp_path / "replay" / "demo.json"
    assert stat.S_IMODE((tmp_path / "replay").stat().st_mode) == 0o700
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["network"] == "demo"
    assert len(document["exchanges"]) > 100
    assert path.stat().st_size < 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("network", "marker"),
    [
        ("github", "page=2"),  # Link: rel="next" to /user/{id}/followers?page=2
        ("mastodon", "max_id="),  # Link: rel="next" with max_id
        ("bluesky", "cursor="),  # the body's cursor
        ("stackexchange", "page=2"),  # has_more
        ("rss", "page=2"),  # RFC 5005 atom:link rel="next"
    ],
)
def test_the_popular_account_pages_somewhere(network: str, marker: str) -> None:
    exchanges = recordings(accounts(network), now=NOW, seed=SEED)
    assert any(marker in str(e["request"]["url"]) for e in exchanges)
