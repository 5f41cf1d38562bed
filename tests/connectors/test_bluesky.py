"""The Bluesky connector on recordings written from the AT Protocol lexicons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from renown.connectors import kinds
from renown.connectors.base import PublicProfile, SocialEvent
from renown.connectors.bluesky import Bluesky
from renown.connectors.errors import AccountNotFound, ConnectorError, MalformedResponse
from renown.connectors.pull import PullOutcome, run_pull
from renown.connectors.replay import Replay
from tests.connectors.recorded import NOW, answers, by_key, client_for, replay

B = Bluesky()
HANDLE = "alice.bsky.social"
DID = "did:plc:k3a7vq2mzx4hn5ruyd6wjbte"
X = "https://public.api.bsky.app/xrpc"
FEED = f"{X}/app.bsky.feed.getAuthorFeed?actor={DID}&limit=100&filter=posts_with_replies"
PAGE2 = f"{FEED}&cursor=2026-12-04T09:30:00.400Z"
PROFILE = f"{X}/app.bsky.actor.getProfile?actor={HANDLE}"
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
ALICE = "bluesky:alice.bsky.social"
P5 = f"at://{DID}/app.bsky.feed.post/3ldq5kq2ze22a"


def _profile(recorded: Replay | None = None) -> PublicProfile:
    client, _ = client_for(B, HANDLE, recorded or replay("bluesky", "alice"))
    return B.profile(client, HANDLE)


def _pull(
    recorded: Replay, state: dict[str, Any] | None = None, since: datetime = SINCE
) -> tuple[PullOutcome, list[float]]:
    client, sleeps = client_for(B, HANDLE, recorded)
    return run_pull(B, client, _profile(), state or {}, since=since), sleeps


def test_profile() -> None:
    profile = _profile()
    assert profile == PublicProfile(
        network="bluesky",
        handle=HANDLE,
        external_id=DID,
        display_name="Alice Example",
        bio="Open-source maintainer.\nrenown-verify: rnw-7f3a",
        url="https://bsky.app/profile/alice.bsky.social",
        audience=2048,
    )


@pytest.mark.parametrize("error", ["InvalidRequest", "AccountTakedown", "AccountDeactivated"])
def test_an_unknown_or_suspended_account_is_not_found(error: str) -> None:
    gone = replay(
        "bluesky",
        "alice",
        {PROFILE: [{"status": 400, "json": {"error": error, "message": "Profile not found"}}]},
    )
    with pytest.raises(AccountNotFound):
        _profile(gone)


def test_another_400_stays_an_error() -> None:
    odd = replay(
        "bluesky", "alice", {PROFILE: [{"status": 400, "json": {"error": "ExpiredToken"}}]}
    )
    with pytest.raises(ConnectorError, match="400"):
        _profile(odd)


def test_recent_texts_are_own_posts() -> None:
    client, _ = client_for(B, HANDLE, replay("bluesky", "alice"))
    assert B.recent_texts(client, _profile()) == [
        "Hello Bluesky! renown-verify: rnw-7f3a",
        "@bob.example.com here is my answer",
    ]


def test_full_pull() -> None:
    client, sleeps = client_for(B, HANDLE, replay("bluesky", "alice"))
    checkpoints = list(B.pull(client, _profile(), {}, since=SINCE))
    assert len(checkpoints) == 5  # three pages of the feed, two of followers
    outcome, sleeps = _pull(replay("bluesky", "alice"))
    assert outcome.complete and sleeps == []
    assert sorted(i.key.rsplit("/", 1)[1] for i in outcome.items) == [
        "3lcx7ffffff2g",
        "3ldq2eeeeee2f",
        "3ldq3ccccccc2",
        "3ldq5kq2ze22a",
    ]  # carol's post that alice reposted is not hers; 3ldq2dddddd2e was deleted
    events = by_key(outcome)
    assert len(events) == 12
    bob = "did:plc:b7wq4nxe2hzk5m3tyv6ralpd"
    assert events[f"favorite:{P5}:{bob}"] == SocialEvent(
        f"favorite:{P5}:{bob}",
        "bluesky:bob.example.com",
        ALICE,
        datetime(2026, 12, 5, 11, tzinfo=UTC),
        kinds.FAVORITE,
        item=P5,
    )
    anonymous = events[f"favorite:{P5}:anonymous"]
    assert (anonymous.actor, anonymous.weight) == (None, 1.0)  # 4 likes, 3 read in 2 pages
    share = events[f"share:{P5}:did:plc:c2rt6ykw4nq3xz7hme5vdaju"]
    assert share.actor == "bluesky:carol.bsky.social"
    assert share.timestamp == datetime(2026, 12, 5, 10, 0, 1, 123000, tzinfo=UTC)
    p4 = f"at://{DID}/app.bsky.feed.post/3ldq3ccccccc2"
    assert events[f"reply:{p4}"].actor == ALICE
    assert events[f"reply:{p4}"].target == "bluesky:bob.example.com"
    p2 = f"at://{DID}/app.bsky.feed.post/3ldq2eeeeee2f"
    invalid = "did:plc:i5vz7qx2wk3mn4eh6rtydajb"
    assert events[f"share:{p2}:{invalid}"].actor == f"bluesky:{invalid}"  # handle.invalid
    follows = sorted(e.actor or "" for e in events.values() if e.kind == kinds.FOLLOW)
    assert follows == [
        "bluesky:xia.bsky.social",
        "bluesky:yan.example.org",
        "bluesky:zed.bsky.social",
    ]
    assert all(e.timestamp == NOW for e in events.values() if e.kind == kinds.FOLLOW)
    item = next(i for i in outcome.items if i.key == P5)
    assert item.engagement == {"replies": 2, "reposts": 1, "likes": 4, "quotes": 1}
    assert item.url == "https://bsky.app/profile/alice.bsky.social/post/3ldq5kq2ze22a"
    assert outcome.state == {
        "posts": {"mark": "2026-12-05T10:00:00+00:00"},
        "followers": {"mark": "did:plc:z3wq5nx7ke2hm4rv6tydajbc"},
    }


def test_a_second_pull_reads_only_newer_posts() -> None:
    first, _ = _pull(replay("bluesky", "alice"))
    recorded = replay("bluesky", "alice")
    again, _ = _pull(recorded, dict(first.state))
    assert [i.key for i in again.items] == [P5]
    assert not any(
        "cursor=" in str(r.url) and "getAuthorFeed" in str(r.url) for r in recorded.requests
    )


def test_a_rate_limit_keeps_earlier_pages_and_the_next_pull_finishes() -> None:
    limited = replay(
        "bluesky",
        "alice",
        {
            PAGE2: [
                {
                    "status": 429,
                    "headers": {"RateLimit-Remaining": "0", "RateLimit-Reset": "1796648400"},
                }
            ]
        },
    )
    part, _ = _pull(limited)
    assert not part.complete
    assert part.resume_at == datetime.fromtimestamp(1796648400, UTC)
    assert part.state["posts"]["cursor"] == "2026-12-04T09:30:00.400Z"
    assert len(part.items) == 2
    rest, _ = _pull(replay("bluesky", "alice"), dict(part.state))
    whole, _ = _pull(replay("bluesky", "alice"))
    assert rest.complete
    assert by_key(part) | by_key(rest) == by_key(whole)
    assert {i.key for i in part.items} | {i.key for i in rest.items} == {i.key for i in whole.items}
    assert rest.state == whole.state


def test_a_short_retry_after_is_waited_for() -> None:
    flaky = replay(
        "bluesky",
        "alice",
        {
            PAGE2: [
                {"status": 429, "headers": {"Retry-After": "12"}},
                *answers("bluesky", "alice", PAGE2),
            ]
        },
    )
    outcome, sleeps = _pull(flaky)
    assert outcome.complete and len(outcome.items) == 4
    assert sleeps == [12.0]


def test_since_stops_paging() -> None:
    recorded = replay("bluesky", "alice")
    outcome, _ = _pull(recorded, since=datetime(2026, 12, 4, tzinfo=UTC))
    assert len(outcome.items) == 2
    assert not any("cursor=2026-12-02" in str(r.url) for r in recorded.requests)


@pytest.mark.parametrize(
    ("feed", "field"),
    [
        (
            {"feed": [{"post": {"uri": "at://x", "author": {"did": DID, "handle": HANDLE}}}]},
            "post.record",
        ),
        ({"feed": "nope"}, "feed"),
        (
            {
                "feed": [
                    {
                        "post": {
                            "uri": f"at://{DID}/app.bsky.feed.post/1",
                            "author": {"did": DID, "handle": HANDLE},
                            "record": {"text": "x", "createdAt": "yesterday"},
                        }
                    }
                ]
            },
            "createdAt",
        ),
        (
            {
                "feed": [
                    {
                        "post": {
                            "uri": f"at://{DID}/app.bsky.feed.post/1",
                            "author": {"did": DID, "handle": HANDLE},
                            "indexedAt": "2026-12-03T00:00:00Z",
                            "likeCount": -1.5,
                            "record": {"text": "x", "createdAt": "2026-12-03T00:00:00Z"},
                        }
                    }
                ]
            },
            "likeCount",
        ),
    ],
)
def test_a_malformed_page_names_address_and_field_and_keeps_nothing(
    feed: dict[str, object], field: str
) -> None:
    with pytest.raises(MalformedResponse) as caught:
        _pull(replay("bluesky", "alice", {PAGE2: [{"json": feed}]}))
    assert f"{X}/app.bsky.feed.getAuthorFeed" in str(caught.value)
    assert field in str(caught.value)


def test_a_page_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="not JSON"):
        _pull(replay("bluesky", "alice", {PAGE2: [{"text": "upstream error"}]}))


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("alice.bsky.social", HANDLE),
        ("@Alice.Bsky.Social", HANDLE),
        ("https://bsky.app/profile/alice.bsky.social", HANDLE),
        ("https://bsky.app/profile/alice.bsky.social/", HANDLE),
        ("jay.example.com", "jay.example.com"),
        (DID, DID),
        (f"https://bsky.app/profile/{DID}", DID),
    ],
)
def test_parse_handle_accepts(typed: str, handle: str) -> None:
    assert B.parse_handle(typed) == handle


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "alice",
        "../alice.bsky.social",
        "a/b",
        "evil.com/x",
        "alice.bsky.social/../../x",
        "alice..bsky.social",
        "-alice.bsky.social",
        "alice.bsky.123",
        "127.0.0.1",
        "alice.test.local",
        "handle.invalid",
        "did:web:evil.example",
        "did:plc:short",
        "did:plc:" + "A" * 24,
        "https://evil.example/profile/alice.bsky.social",
        "https://bsky.app/profile/alice.bsky.social/post/3ldq",
        "https://bsky.app/profile/alice.bsky.social?x=1",
        "a" * 64 + ".bsky.social",
        ".".join(["abcdefghij"] * 30) + ".social",
        "alice bsky.social",
    ],
)
def test_parse_handle_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        B.parse_handle(typed)
