"""The RSS/Atom connector on recorded feeds (RSS 2.0 pages and an RFC 5005 Atom archive)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from renown.connectors import kinds
from renown.connectors.base import PublicProfile, SocialEvent
from renown.connectors.errors import AccountNotFound, ConnectorError, MalformedResponse
from renown.connectors.pull import PullOutcome, run_pull
from renown.connectors.replay import Replay
from renown.connectors.rss import Feeds
from tests.connectors.recorded import answers, by_key, client_for, replay

R = Feeds()
FEED = "https://blog.example/feed.xml"
PAGE2 = f"{FEED}?page=2"
ARCHIVE = "https://blog.example/archive/2026-11.xml"
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
BLOG = f"rss:{FEED}"


def _profile(recorded: Replay | None = None) -> PublicProfile:
    client, _ = client_for(R, FEED, recorded or replay("rss", "blog"))
    return R.profile(client, FEED)


def _pull(
    recorded: Replay, state: dict[str, Any] | None = None, since: datetime = SINCE
) -> tuple[PullOutcome, list[float]]:
    client, sleeps = client_for(R, FEED, recorded)
    return run_pull(R, client, _profile(), state or {}, since=since), sleeps


def test_profile() -> None:
    assert _profile() == PublicProfile(
        network="rss",
        handle=FEED,
        external_id=FEED,
        display_name="Alice on Graphs",
        bio="Notes on graphs & open source. renown-verify: rnw-7f3a",
        url="https://blog.example/",
    )


def test_a_feed_that_is_gone_is_not_found() -> None:
    with pytest.raises(AccountNotFound):
        _profile(replay("rss", "blog", {FEED: [{"status": 410, "text": "gone"}]}))


def test_recent_texts_hold_titles_summaries_and_content() -> None:
    client, _ = client_for(R, FEED, replay("rss", "blog"))
    texts = R.recent_texts(client, _profile())
    assert len(texts) == 3
    assert texts[0] == (
        "PageRank, gently\nA gentle introduction to PageRank.\n"
        "A gentle introduction. renown-verify: rnw-7f3a"
    )


def test_full_pull_follows_next_and_prev_archive() -> None:
    client, _ = client_for(R, FEED, replay("rss", "blog"))
    assert len(list(R.pull(client, _profile(), {}, since=SINCE))) == 3
    outcome, sleeps = _pull(replay("rss", "blog"))
    assert outcome.complete and sleeps == []
    assert sorted(i.key for i in outcome.items) == [
        "https://blog.example/2026/12/graphs-people/",
        "https://blog.example/?p=104",
        "https://blog.example/?p=105",
        "https://blog.example/feed.xml#103",  # a bare guid is qualified by its feed
        "tag:blog.example,2026:post-100",
        "tag:blog.example,2026:post-101",
    ]  # the undated draft is skipped
    items = {i.key: i for i in outcome.items}
    assert items["tag:blog.example,2026:post-100"].created_at == datetime(
        2026, 11, 25, tzinfo=UTC
    )  # no date of its own: the archive's updated
    assert items["https://blog.example/?p=104"].engagement == {"comments": 0}
    events = by_key(outcome)
    assert len(events) == 3
    key = "https://blog.example/?p=105"
    assert events[f"comments:{key}"] == SocialEvent(
        f"comments:{key}",
        None,
        BLOG,
        datetime(2026, 12, 5, 10, tzinfo=UTC),
        kinds.COMMENT,
        weight=4.0,
        item=key,
    )
    assert events["comments:tag:blog.example,2026:post-101"].weight == 3.0  # thr:total
    assert events["comments:https://blog.example/feed.xml#103"].weight == 2.0
    assert outcome.state == {
        "feed": {
            "etag": '"5f3a-1c9"',
            "modified": "Sat, 05 Dec 2026 10:05:00 GMT",
            "mark": "2026-12-05T10:00:00+00:00",
        }
    }


def test_an_unchanged_feed_costs_one_conditional_request() -> None:
    first, _ = _pull(replay("rss", "blog"))
    recorded = replay(
        "rss",
        "blog",
        {FEED: [{"status": 200, "text": answers("rss", "blog", FEED)[0]["text"]}, {"status": 304}]},
    )
    client, _ = client_for(R, FEED, recorded)
    profile = R.profile(client, FEED)
    again = run_pull(R, client, profile, first.state, since=SINCE)
    assert again.complete and again.items == () and again.events == ()
    assert again.state == first.state
    conditional = recorded.requests[-1]
    assert conditional.headers["If-None-Match"] == '"5f3a-1c9"'
    assert conditional.headers["If-Modified-Since"] == "Sat, 05 Dec 2026 10:05:00 GMT"
    assert len(recorded.requests) == 2


def test_a_changed_feed_is_read_back_to_the_last_newest_entry() -> None:
    first, _ = _pull(replay("rss", "blog"))
    recorded = replay("rss", "blog")
    again, _ = _pull(recorded, dict(first.state))
    assert [i.key for i in again.items] == ["https://blog.example/?p=105"]
    assert [str(r.url) for r in recorded.requests] == [FEED]  # the newest page only


def test_a_rate_limit_keeps_earlier_pages_and_the_next_pull_finishes() -> None:
    limited = replay("rss", "blog", {PAGE2: [{"status": 429, "headers": {"Retry-After": "900"}}]})
    part, _ = _pull(limited)
    assert not part.complete
    assert part.state["feed"]["cursor"] == PAGE2
    assert len(part.items) == 2
    rest, _ = _pull(replay("rss", "blog"), dict(part.state))
    whole, _ = _pull(replay("rss", "blog"))
    assert rest.complete
    assert by_key(part) | by_key(rest) == by_key(whole)
    assert {i.key for i in part.items} | {i.key for i in rest.items} == {i.key for i in whole.items}
    assert rest.state == whole.state


def test_a_short_retry_after_is_waited_for() -> None:
    flaky = replay(
        "rss",
        "blog",
        {
            ARCHIVE: [
                {"status": 503, "headers": {"Retry-After": "5"}},
                *answers("rss", "blog", ARCHIVE),
            ]
        },
    )
    outcome, sleeps = _pull(flaky)
    assert outcome.complete and len(outcome.items) == 6
    assert sleeps == [5.0]


def test_a_removed_archive_page_ends_the_feed() -> None:
    outcome, _ = _pull(replay("rss", "blog", {ARCHIVE: [{"status": 404, "text": "Not Found"}]}))
    assert outcome.complete
    assert len(outcome.items) == 4
    assert outcome.state["feed"]["mark"] == "2026-12-05T10:00:00+00:00"


def test_since_stops_paging() -> None:
    recorded = replay("rss", "blog")
    outcome, _ = _pull(recorded, since=datetime(2026, 12, 3, tzinfo=UTC))
    assert len(outcome.items) == 3
    assert ARCHIVE not in [str(r.url) for r in recorded.requests]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("<html><body><p>Our blog moved</p></body></html>", "not an RSS or Atom feed"),
        ("{not a feed", "not an RSS or Atom feed"),
        (
            answers("rss", "blog", PAGE2)[0]["text"].replace(
                "<slash:comments>2</slash:comments>", "<slash:comments>many</slash:comments>"
            ),
            "slash:comments",
        ),
        (
            answers("rss", "blog", PAGE2)[0]["text"].replace(
                "/archive/2026-11.xml", "http://169.254.169.254/latest/meta-data/"
            ),
            "link[rel=next]",
        ),
    ],
)
def test_a_malformed_page_names_address_and_field_and_keeps_nothing(body: str, said: str) -> None:
    with pytest.raises(MalformedResponse) as caught:
        _pull(replay("rss", "blog", {PAGE2: [{"text": body}]}))
    assert "https://blog.example/feed.xml" in str(caught.value)
    assert said in str(caught.value)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    hostile = replay(
        "rss", "blog", {FEED: [{"status": 301, "headers": {"Location": "http://10.0.0.5/admin"}}]}
    )
    with pytest.raises(ConnectorError, match="refused"):
        _profile(hostile)


def test_a_public_name_that_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    client = R.client(FEED)  # the real network: the name is resolved before sending
    with pytest.raises(ConnectorError, match="private address"), client:
        R.profile(client, FEED)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        (FEED, FEED),
        ("  HTTPS://Blog.Example/feed.xml#top ", FEED),
        ("http://blog.example", "http://blog.example/"),
        ("https://blog.example:8443/rss?cat=graphs", "https://blog.example:8443/rss?cat=graphs"),
        ("https://8.8.8.8/feed", "https://8.8.8.8/feed"),
        ("https://café.example/feed", "https://xn--caf-dma.example/feed"),
    ],
)
def test_parse_handle_accepts(typed: str, handle: str) -> None:
    assert R.parse_handle(typed) == handle


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "blog.example/feed.xml",
        "../feed.xml",
        "a/b",
        "evil.com/x",
        "file:///etc/passwd",
        "ftp://blog.example/feed",
        "gopher://blog.example/",
        "https://user:pw@blog.example/feed",
        "https://blog.example@evil.example/feed",
        "http://localhost/feed",
        "http://feeds.localhost/feed",
        "http://127.0.0.1/feed",
        "http://[::1]/feed",
        "http://10.1.2.3/feed",
        "http://192.168.1.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/feed",
        "http://2130706433/feed",
        "http://0x7f000001/feed",
        "http://0/feed",
        "http://metadata.google.internal/feed",
        "http://printer.local/feed",
        "https://blog.example:99999/feed",
        "https://blog.example:0/feed",
        "https://blog.example/feed with space",
        "https://blog.example/" + "a" * 500,
    ],
)
def test_parse_handle_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        R.parse_handle(typed)
