"""A hostile network (any Mastodon instance, any blog) answering to break renown: a body
too large to hold, JSON nested past the parser's depth, rate-limit headers and counts
beyond any clock or number a real network gives. Each is a clean malformed response (or a
bounded pause), never a crash that
would stop a refresh of everyone's accounts or answer a verification with a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from renown.connectors.errors import ConnectorError, MalformedResponse, RateLimited
from renown.connectors.http import MAX_BODY_BYTES, MAX_PAUSE, ApiClient
from renown.connectors.mastodon import Mastodon
from renown.connectors.pull import run_pull
from renown.connectors.rss import Feeds
from renown.core.clock import FixedClock

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HANDLE = "alice@social.example"


class _Endless(httpx.SyncByteStream):
    """A body that never ends; counts how much of it was read."""

    def __init__(self) -> None:
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        chunk = b" " * (1024 * 1024)
        while True:
            self.read += len(chunk)
            yield chunk


def _client(handler: httpx.MockTransport | httpx.BaseTransport) -> ApiClient:
    client = Mastodon().client(HANDLE, transport=handler)
    client.clock = FixedClock(NOW)
    client.sleep = lambda _seconds: None
    return client


def test_an_endless_body_is_refused_without_reading_it_all() -> None:
    body = _Endless()

    class Endless(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, stream=body, headers={"content-type": "application/json"})

    with pytest.raises(MalformedResponse, match="too large"):
        Mastodon().profile(_client(Endless()), HANDLE)
    assert body.read <= MAX_BODY_BYTES + 2 * 1024 * 1024


def test_json_nested_past_the_parsers_depth_is_malformed() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=deep, headers={"content-type": "application/json"})

    with pytest.raises(MalformedResponse, match="not JSON"):
        Mastodon().profile(_client(httpx.MockTransport(answer)), HANDLE)


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "9" * 30},
        {"x-ratelimit-reset": "inf"},
        {"x-ratelimit-reset": "1e30"},
        {"x-ratelimit-reset": "nan"},
        {"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"},
    ],
)
def test_rate_limit_headers_past_any_clock_pause_for_a_bounded_time(
    headers: dict[str, str],
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers=headers, json={})

    with pytest.raises(RateLimited) as limited:
        Mastodon().profile(_client(httpx.MockTransport(answer)), HANDLE)
    assert NOW <= limited.value.resume_at <= NOW + MAX_PAUSE


def test_a_follower_count_no_network_has_is_malformed() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "id": "109",
                "username": "alice",
                "acct": "alice",
                "display_name": "Alice",
                "note": "",
                "url": "https://social.example/@alice",
                "followers_count": 10**30,
                "fields": [],
            },
        )

    with pytest.raises(MalformedResponse, match="followers_count"):
        Mastodon().profile(_client(httpx.MockTransport(answer)), HANDLE)


@pytest.mark.parametrize("count", ["9" * 400, "9" * 30])
def test_a_feeds_comment_count_beyond_belief_is_malformed(count: str) -> None:
    feeds = Feeds()
    url = "https://blog.example.org/feed.xml"
    stamp = (NOW - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    feed = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>t</title>'
        "<link>https://blog.example.org/</link><description>d</description><item>"
        "<title>x</title><link>https://blog.example.org/1</link><guid>1</guid>"
        f"<pubDate>{stamp}</pubDate><slash:comments>{count}</slash:comments></item>"
        "</channel></rss>"
    )

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=feed, headers={"content-type": "application/rss+xml"})

    client = feeds.client(url, transport=httpx.MockTransport(answer))
    profile = feeds.profile(client, url)
    with pytest.raises(MalformedResponse, match="comments"):
        run_pull(feeds, client, profile, {}, since=NOW - timedelta(days=30))


def test_a_feed_redirecting_forever_or_inside_is_refused_without_reading_redirect_bodies() -> None:
    feeds = Feeds()
    url = "https://blog.example.org/feed.xml"
    body = _Endless()

    class Loop(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(302, headers={"location": url}, stream=body)

    with pytest.raises(ConnectorError, match="too many redirects"):
        feeds.profile(feeds.client(url, transport=Loop()), url)
    assert body.read == 0

    def inside(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"})

    with pytest.raises(ConnectorError, match="refused"):
        feeds.profile(feeds.client(url, transport=httpx.MockTransport(inside)), url)


def test_a_redirect_to_another_host_does_not_carry_the_token() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.host == "api.example.org":
            return httpx.Response(301, headers={"location": "https://elsewhere.example.net/x"})
        return httpx.Response(200, json={"ok": True})

    client = ApiClient(
        "test",
        base_url="https://api.example.org",
        transport=httpx.MockTransport(answer),
        token="ghp_s3cr3t",
    )
    page = client.get_json("/users/a")
    assert page is not None and page.data == {"ok": True}
    assert page.url == "https://elsewhere.example.net/x"
    assert sent[0].headers["authorization"] == "Bearer ghp_s3cr3t"
    assert "authorization" not in sent[1].headers
