"""The GitHub connector against recordings written from the REST API's documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from renown.connectors import kinds
from renown.connectors.base import PublicProfile, SocialEvent
from renown.connectors.errors import AccountNotFound, MalformedResponse
from renown.connectors.github import GitHub
from renown.connectors.http import ApiClient
from renown.connectors.pull import run_pull
from renown.connectors.replay import Replay
from renown.core.clock import FixedClock

FIXTURES = Path(__file__).parent / "fixtures" / "github"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
A = "https://api.github.com"
GH = GitHub()


def exchanges() -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "octocat.json").read_text(encoding="utf-8"))
    return list(data["exchanges"])


def replay(*, without: tuple[str, ...] = ()) -> Replay:
    return Replay(e for e in exchanges() if e["request"]["url"] not in without)


def client(rep: Replay, sleeps: list[float] | None = None) -> ApiClient:
    c = GH.client("octocat", transport=rep.transport())
    c.clock = FixedClock(NOW)
    c.sleep = (sleeps if sleeps is not None else []).append
    return c


def profile() -> PublicProfile:
    return GH.profile(client(replay()), "octocat")


def by_key(events: tuple[SocialEvent, ...]) -> dict[str, SocialEvent]:
    return {e.key: e for e in events}


def test_profile() -> None:
    p = profile()
    assert p == PublicProfile(
        network="github",
        handle="octocat",
        external_id="583231",
        display_name="The Octocat",
        bio="Mona's friend. renown-verify: rn-7f3a91",
        url="https://github.com/octocat",
        audience=3,
    )
    assert GH.recent_texts(client(replay()), p) == []


def test_profile_of_a_deleted_account_is_not_found() -> None:
    rep = Replay([])
    rep.add(f"{A}/users/ghosted", {"status": 404, "json": {"message": "Not Found"}})
    with pytest.raises(AccountNotFound):
        GH.profile(client(rep), "ghosted")


def test_client_sends_the_documented_headers() -> None:
    rep = replay()
    GH.profile(client(rep), "octocat")
    sent = rep.requests[0].headers
    assert sent["accept"] == "application/vnd.github+json"
    assert sent["x-github-api-version"] == "2022-11-28"


def test_full_pull_over_several_pages() -> None:
    rep = replay()
    out = run_pull(GH, client(rep), profile(), {}, since=SINCE)
    assert out.complete
    events = by_key(out.events)
    counts: dict[str, int] = {}
    for e in out.events:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    assert counts == {
        kinds.FOLLOW: 3,
        kinds.FAVORITE: 3,
        kinds.SHARE: 1,
        kinds.CONTRIBUTION: 3,
        kinds.COMMENT: 1,
        kinds.REVIEW: 1,
    }
    assert len(out.events) == 12
    assert [i.key for i in out.items] == ["repo:1296269", "repo:17881631"]
    hello = out.items[0]
    assert hello.title == "octocat/Hello-World"
    assert hello.engagement == {"stars": 150, "forks": 2, "open_issues": 1}
    assert events["follow:1002"] == SocialEvent(
        "follow:1002", "github:bob", "github:octocat", NOW, kinds.FOLLOW
    )
    assert events["star:1296269:1005"] == SocialEvent(
        "star:1296269:1005",
        "github:erin",
        "github:octocat",
        datetime(2024, 5, 20, 17, 45, tzinfo=UTC),
        kinds.FAVORITE,
        item="repo:1296269",
    )
    assert "star:1296269:1006" not in events  # starred before `since`
    assert events["fork:5001"].actor == "github:gina"
    assert events["pull:7001"].kind == kinds.CONTRIBUTION
    assert events["issue:7003"].actor == "github:judy"
    assert "issue:7002" not in events  # the person's own issue
    assert events["activity:38000"] == SocialEvent(
        "activity:38000",
        "github:octocat",
        "github:torvalds",
        datetime(2024, 5, 29, 9, tzinfo=UTC),
        kinds.CONTRIBUTION,
    )
    assert events["activity:37000"].target == "github:django"
    assert events["activity:37000"].kind == kinds.REVIEW
    assert "activity:37998" not in events  # on the person's own repository
    assert out.state == {"after": "2024-05-30T09:00:00+00:00", "followers_from": None}
    # Stars are read from the last page backwards; the forks' list and the deleted
    # repository's streams are not asked for once the counts or a 404 say there is nothing.
    asked = [str(r.url).removeprefix(A) for r in rep.requests]
    assert asked.index("/repos/octocat/Hello-World/stargazers?per_page=100&page=2") < asked.index(
        "/repos/octocat/Hello-World/stargazers?per_page=100&page=1"
    )
    assert not any("linguist/forks" in a or "linguist/issues" in a for a in asked)
    assert len(rep.requests) == 12


def test_stargazers_are_asked_with_the_star_media_type() -> None:
    rep = replay()
    run_pull(GH, client(rep), profile(), {}, since=SINCE)
    stars = [r for r in rep.requests if "/stargazers" in r.url.path]
    assert {r.headers["accept"] for r in stars} == {"application/vnd.github.star+json"}


def test_resume_after_a_rate_limit_equals_one_full_pull() -> None:
    full = run_pull(GH, client(replay()), profile(), {}, since=SINCE)
    page2 = (
        f"{A}/repositories/1296269/issues?state=all&sort=created&direction=desc"
        "&since=2024-01-01T00%3A00%3A00Z&per_page=100&page=2"
    )
    limited = replay(without=(page2,))
    reset = int(datetime(2024, 6, 1, 13, 0, tzinfo=UTC).timestamp())
    limited.add(
        page2,
        {
            "status": 403,
            "headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
            "json": {"message": "API rate limit exceeded for user ID 1."},
        },
    )
    first = run_pull(GH, client(limited), profile(), {}, since=SINCE)
    assert first.resume_at == datetime(2024, 6, 1, 13, 0, tzinfo=UTC)
    assert not first.complete
    assert first.state["stage"] == "repo"
    assert first.state["sub"] == "issues"
    assert len(first.events) == 9  # followers, stars, the fork and the first issues page
    second = run_pull(GH, client(replay()), profile(), first.state, since=SINCE)
    assert second.complete
    assert by_key(first.events) | by_key(second.events) == by_key(full.events)
    assert {i.key for i in first.items + second.items} == {i.key for i in full.items}
    assert second.state == full.state


def test_a_short_retry_after_is_waited_for() -> None:
    rep = Replay([])
    rep.add(f"{A}/users/octocat", {"status": 429, "headers": {"retry-after": "7"}, "json": {}})
    for e in exchanges()[:1]:
        rep.add(e["request"]["url"], e["response"])
    sleeps: list[float] = []
    p = GH.profile(client(rep, sleeps), "octocat")
    assert p.handle == "octocat"
    assert sleeps == [7.0]


def test_a_deleted_repository_is_skipped() -> None:
    out = run_pull(GH, client(replay()), profile(), {}, since=SINCE)
    assert out.complete
    assert not any(e.item == "repo:17881631" for e in out.events)


@pytest.mark.parametrize(
    ("url", "response", "field"),
    [
        (
            f"{A}/users/octocat/followers?per_page=100",
            {"json": [{"id": 1001}]},
            "login",
        ),
        (
            f"{A}/users/octocat/repos?type=owner&sort=pushed&per_page=100",
            {
                "json": [
                    {
                        "id": 1,
                        "fork": False,
                        "full_name": "octocat/x",
                        "html_url": "https://github.com/octocat/x",
                        "created_at": "2020-01-01T00:00:00Z",
                        "stargazers_count": "many",
                        "forks_count": 0,
                    }
                ]
            },
            "stargazers_count",
        ),
        (
            f"{A}/users/octocat/repos?type=owner&sort=pushed&per_page=100",
            {
                "json": [
                    {
                        "id": 1,
                        "fork": False,
                        "full_name": "octocat/../../admin",
                        "html_url": "https://github.com/octocat/x",
                        "created_at": "2020-01-01T00:00:00Z",
                        "stargazers_count": 1,
                        "forks_count": 0,
                    }
                ]
            },
            "full_name",
        ),
        (f"{A}/users/octocat/followers?per_page=100", {"json": {"message": "x"}}, None),
        (f"{A}/users/octocat/events/public?per_page=100", {"text": "<html>oops</html>"}, None),
    ],
)
def test_malformed_responses_keep_nothing(
    url: str, response: dict[str, Any], field: str | None
) -> None:
    rep = replay(without=(url,))
    rep.add(url, response)
    with pytest.raises(MalformedResponse) as caught:
        run_pull(GH, client(rep), profile(), {}, since=SINCE)
    path = url.split("?", 1)[0]
    assert path in str(caught.value)
    assert caught.value.field == field
    if field:
        assert repr(field) in str(caught.value)


def test_since_is_respected() -> None:
    since = datetime(2024, 5, 1, tzinfo=UTC)
    rep = replay()
    base = f"{A}/repos/octocat/Hello-World/issues?state=all&sort=created&direction=desc"
    original = next(e for e in exchanges() if e["request"]["url"].startswith(base))
    rep.add(
        f"{base}&since=2024-05-01T00:00:00Z&per_page=100",
        {"json": original["response"]["json"][:1]},
    )
    out = run_pull(GH, client(rep), profile(), {}, since=since)
    assert out.complete
    dated = [e for e in out.events if e.kind != kinds.FOLLOW]
    assert all(e.timestamp >= since for e in dated)
    assert sorted(e.key for e in dated) == [
        "activity:38000",
        "activity:38001",
        "pull:7001",
        "star:1296269:1004",
        "star:1296269:1005",
    ]
    # The forks' list is newest first: its first fork older than `since` ends it.
    assert sum("/forks" in r.url.path for r in rep.requests) == 1


def test_a_finished_pull_pages_back_only_to_the_newest_time_seen() -> None:
    rep = replay()
    state = {"after": "2024-05-30T09:00:00+00:00", "followers_from": None}
    rep.add(
        f"{A}/repos/octocat/Hello-World/issues?state=all&sort=created&direction=desc"
        "&since=2024-05-30T09:00:00Z&per_page=100",
        {"json": []},
    )
    out = run_pull(GH, client(rep), profile(), state, since=SINCE)
    assert out.complete
    assert {e.kind for e in out.events} == {kinds.FOLLOW, kinds.COMMENT}
    assert out.state["after"] == "2024-05-30T09:00:00+00:00"


def test_pages_per_stream_are_bounded() -> None:
    rep = Replay([])
    for e in exchanges()[:1]:
        rep.add(e["request"]["url"], e["response"])
    for n in range(1, 13):
        url = f"{A}/users/octocat/followers?per_page=100" if n == 1 else f"{A}/f?page={n}"
        rep.add(
            url,
            {
                "headers": {"link": f'<{A}/f?page={n + 1}>; rel="next"'},
                "json": [{"login": f"u{n}", "id": n}],
            },
        )
    rep.add(f"{A}/users/octocat/repos?type=owner&sort=pushed&per_page=100", {"json": []})
    rep.add(f"{A}/users/octocat/events/public?per_page=100", {"json": []})
    out = run_pull(GH, client(rep), profile(), {}, since=SINCE)
    assert len(out.events) == GitHub.MAX_PAGES
    assert out.state["followers_from"] == f"{A}/f?page=11"


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("octocat", "octocat"),
        ("  @OctoCat ", "octocat"),
        ("https://github.com/octocat", "octocat"),
        ("https://github.com/octocat/", "octocat"),
        ("github.com/Octo-Cat", "octo-cat"),
        ("http://www.github.com/octocat?tab=repositories", "octocat"),
        ("a" * 39, "a" * 39),
    ],
)
def test_parse_handle_accepts(typed: str, handle: str) -> None:
    assert GH.parse_handle(typed) == handle


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "../",
        "..",
        "a/b",
        "evil.com/x",
        "https://evil.com/octocat",
        "https://github.com.evil.com/octocat",
        "https://github.com/octocat/Hello-World",
        "https://user@github.com/octocat",
        "https://github.com:8443/octocat",
        "ftp://github.com/octocat",
        "-octocat",
        "octo_cat",
        "octo cat",
        "octocat%2F..",
        "a" * 40,
        "ｏｃｔｏ",
        "javascript:alert(1)",
    ],
)
def test_parse_handle_refuses(typed: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        GH.parse_handle(typed)
