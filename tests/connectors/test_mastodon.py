"""The Mastodon connector on recordings written from the documented API shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from renown.connectors import kinds
from renown.connectors.base import PublicProfile, SocialEvent
from renown.connectors.errors import AccountNotFound, ConnectorError, MalformedResponse
from renown.connectors.mastodon import Mastodon
from renown.connectors.pull import run_pull
from renown.connectors.replay import Replay
from tests.connectors.recorded import NOW, answers, by_key, client_for, replay

M = Mastodon()
HANDLE = "alice@social.example"
BASE = "https://social.example/api/v1"
STATUSES = f"{BASE}/accounts/109/statuses?limit=40&exclude_reblogs=true"
PAGE2 = f"{STATUSES}&max_id=1004"
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
ALICE = "mastodon:alice@social.example"


def _profile(recorded: Replay | None = None) -> PublicProfile:
    client, _ = client_for(M, HANDLE, recorded or replay("mastodon", "alice"))
    return M.profile(client, HANDLE)


def test_profile_reads_the_bio_with_its_fields_as_plain_text() -> None:
    profile = _profile()
    assert profile.handle == HANDLE
    assert profile.external_id == "109"
    assert profile.display_name == "Alice Example"
    assert profile.audience == 1234
    assert profile.url == "https://social.example/@alice"
    assert profile.bio == (
        "Open-source maintainer. Writing about graphs & #rust\n"
        "renown-verify: rnw-7f3a\n"
        "Website: https://alice.example"
    )


def test_a_suspended_or_unknown_account_is_not_found() -> None:
    gone = replay(
        "mastodon",
        "alice",
        {f"{BASE}/accounts/lookup?acct=alice": [{"status": 404, "json": {"error": "Not found"}}]},
    )
    with pytest.raises(AccountNotFound):
        _profile(gone)
    suspended = replay(
        "mastodon",
        "alice",
        {
            f"{BASE}/accounts/lookup?acct=alice": [
                {"json": {"id": "109", "username": "alice", "acct": "alice", "suspended": True}}
            ]
        },
    )
    with pytest.raises(AccountNotFound, match="suspended"):
        _profile(suspended)


def test_recent_texts_are_the_statuses_in_plain_text() -> None:
    client, _ = client_for(M, HANDLE, replay("mastodon", "alice"))
    texts = M.recent_texts(client, _profile())
    assert len(texts) == 5
    assert texts[0] == "Hello fediverse! renown-verify: rnw-7f3a"
    assert texts[1] == "@bob agreed, cc @frank"


def test_full_pull_pages_statuses_engagers_and_followers() -> None:
    client, sleeps = client_for(M, HANDLE, replay("mastodon", "alice"))
    checkpoints = list(M.pull(client, _profile(), {}, since=SINCE))
    assert len(checkpoints) == 5  # three pages of statuses, two of followers
    assert sleeps == []
    client, _ = client_for(M, HANDLE, replay("mastodon", "alice"))
    outcome = run_pull(M, client, _profile(), {}, since=SINCE)
    assert outcome.complete
    assert sorted(i.key.rsplit("/", 1)[1] for i in outcome.items) == [
        "1001",
        "1002",
        "1004",
        "1005",
    ]  # 1003 was deleted before its favourites were read
    events = by_key(outcome)
    assert len(events) == 13
    s5 = "https://social.example/users/alice/statuses/1005"
    assert events[f"share:{s5}:bob@other.example"] == SocialEvent(
        f"share:{s5}:bob@other.example",
        "mastodon:bob@other.example",
        ALICE,
        datetime(2026, 12, 5, 10, tzinfo=UTC),
        kinds.SHARE,
        item=s5,
    )
    assert events[f"share:{s5}:carol@social.example"].actor == "mastodon:carol@social.example"
    assert events[f"share:{s5}:anonymous"].actor is None
    assert events[f"share:{s5}:anonymous"].weight == 1.0  # 3 boosts, 2 named
    assert {e.actor for e in events.values() if e.kind == kinds.FAVORITE and e.item == s5} == {
        "mastodon:dave@far.example",
        "mastodon:erin@social.example",
    }  # the favourites' second page was followed
    reply = events["reply:https://other.example/users/bob/statuses/88100"]
    assert (reply.actor, reply.target, reply.timestamp) == (
        "mastodon:bob@other.example",
        ALICE,
        datetime(2026, 12, 5, 11, tzinfo=UTC),
    )
    s4 = "https://social.example/users/alice/statuses/1004"
    assert events[f"reply:{s4}"].actor == ALICE
    assert events[f"reply:{s4}"].target == "mastodon:bob@other.example"
    assert events[f"mention:{s4}:frank@social.example"].kind == kinds.MENTION
    assert f"mention:{s4}:bob@other.example" not in events  # the reply already names bob
    follows = sorted(e.actor or "" for e in events.values() if e.kind == kinds.FOLLOW)
    assert follows == [
        "mastodon:xia@x.example",
        "mastodon:yan@social.example",
        "mastodon:zed@z.example",
    ]
    assert all(e.timestamp == NOW for e in events.values() if e.kind == kinds.FOLLOW)
    item = next(i for i in outcome.items if i.key == s5)
    assert item.engagement == {"replies": 1, "boosts": 3, "favourites": 2}
    assert outcome.state["statuses"] == {"mark": "2026-12-05T10:00:00+00:00"}
    assert outcome.state["followers"] == {"mark": "zed@z.example"}


def test_a_second_pull_pages_back_only_to_what_it_saw() -> None:
    first = run_pull(
        M, client_for(M, HANDLE, replay("mastodon", "alice"))[0], _profile(), {}, since=SINCE
    )
    recorded = replay("mastodon", "alice")
    client, _ = client_for(M, HANDLE, recorded)
    again = run_pull(M, client, _profile(), first.state, since=SINCE)
    asked = [str(r.url) for r in recorded.requests]
    assert not any("max_id=1004" in url or "max_id=500" in url for url in asked)
    assert again.complete
    assert [i.key[-4:] for i in again.items] == ["1005"]  # back to the last newest only
    assert not [e for e in again.events if e.kind == kinds.FOLLOW]  # zed was the newest


def test_a_rate_limit_keeps_earlier_pages_and_the_next_pull_finishes() -> None:
    limited = replay(
        "mastodon", "alice", {PAGE2: [{"status": 429, "headers": {"Retry-After": "3600"}}]}
    )
    client, _ = client_for(M, HANDLE, limited)
    part = run_pull(M, client, _profile(), {}, since=SINCE)
    assert not part.complete
    assert part.resume_at == datetime(2026, 12, 7, 13, tzinfo=UTC)
    assert part.state["statuses"]["cursor"] == "1004"
    assert len(part.items) == 2
    client, _ = client_for(M, HANDLE, replay("mastodon", "alice"))
    rest = run_pull(M, client, _profile(), part.state, since=SINCE)
    assert rest.complete
    client, _ = client_for(M, HANDLE, replay("mastodon", "alice"))
    whole = run_pull(M, client, _profile(), {}, since=SINCE)
    union = by_key(part) | by_key(rest)
    assert union == by_key(whole)
    assert {i.key for i in part.items} | {i.key for i in rest.items} == {i.key for i in whole.items}
    assert rest.state == whole.state


def test_a_short_retry_after_is_waited_for() -> None:
    flaky = replay(
        "mastodon",
        "alice",
        {
            PAGE2: [
                {"status": 429, "headers": {"Retry-After": "7"}},
                *answers("mastodon", "alice", PAGE2),
            ]
        },
    )
    client, sleeps = client_for(M, HANDLE, flaky)
    outcome = run_pull(M, client, _profile(), {}, since=SINCE)
    assert outcome.complete and len(outcome.items) == 4
    assert sleeps == [7.0]


def test_since_stops_paging_at_older_statuses() -> None:
    recorded = replay("mastodon", "alice")
    client, _ = client_for(M, HANDLE, recorded)
    outcome = run_pull(M, client, _profile(), {}, since=datetime(2026, 12, 3, tzinfo=UTC))
    assert sorted(i.key[-4:] for i in outcome.items) == ["1004", "1005"]
    asked = [str(r.url) for r in recorded.requests]
    assert not any("max_id=1002" in url for url in asked)
    assert not any("/statuses/1002/" in url for url in asked)


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"json": [{"id": "1003", "uri": "x", "replies_count": 0}]}, "created_at"),
        (
            {
                "json": [
                    {
                        "id": "1003",
                        "created_at": "2026-12-03T08:00:00Z",
                        "uri": "https://social.example/users/alice/statuses/1003",
                        "replies_count": "three",
                        "reblogs_count": 0,
                        "favourites_count": 0,
                        "mentions": [],
                    }
                ]
            },
            "replies_count",
        ),
        ({"json": {"error": "unexpected"}}, None),
    ],
)
def test_a_malformed_page_names_address_and_field_and_keeps_nothing(
    answer: dict[str, object], field: str | None
) -> None:
    client, _ = client_for(M, HANDLE, replay("mastodon", "alice", {PAGE2: [answer]}))
    with pytest.raises(MalformedResponse) as caught:
        run_pull(M, client, _profile(), {}, since=SINCE)
    assert f"{BASE}/accounts/109/statuses" in str(caught.value)
    if field:
        assert field in str(caught.value)
        assert caught.value.line == 1


def test_a_page_that_is_not_json_is_malformed() -> None:
    client, _ = client_for(
        M, HANDLE, replay("mastodon", "alice", {PAGE2: [{"text": "<html>maintenance</html>"}]})
    )
    with pytest.raises(MalformedResponse, match="not JSON"):
        run_pull(M, client, _profile(), {}, since=SINCE)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    hostile = replay(
        "mastodon",
        "alice",
        {
            f"{BASE}/accounts/lookup?acct=alice": [
                {"status": 302, "headers": {"Location": "http://169.254.169.254/latest/meta-data"}}
            ]
        },
    )
    with pytest.raises(ConnectorError, match="refused"):
        _profile(hostile)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("@alice@social.example", HANDLE),
        ("alice@Social.Example", HANDLE),
        ("  @Alice@social.example ", HANDLE),
        ("https://social.example/@alice", HANDLE),
        ("https://social.example/@alice/", HANDLE),
        ("bob_2@mañana.example", "bob_2@xn--maana-pta.example"),
    ],
)
def test_parse_handle_accepts(typed: str, handle: str) -> None:
    assert M.parse_handle(typed) == handle


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "alice",
        "@alice",
        "alice@social.example@evil.example",
        "../@social.example",
        "alice/b@social.example",
        "a/b",
        "alice@evil.com/x",
        "alice@127.0.0.1",
        "alice@[::1]",
        "alice@localhost",
        "alice@metadata.internal",
        "alice@social.example:8443",
        "https://social.example:8443/@alice",
        "https://user:pw@social.example/@alice",
        "https://social.example/@alice/109",
        "https://social.example/@alice?x=1",
        "ftp://social.example/@alice",
        "alice@" + "a" * 250 + ".example",
        "a" * 80 + "@social.example",
        "al ice@social.example",
    ],
)
def test_parse_handle_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        M.parse_handle(typed)


def test_client_serves_the_handles_instance() -> None:
    client = M.client(HANDLE, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert client.base_url == "https://social.example"
    assert client.network == "mastodon"
