"""The Stack Exchange connector against recordings written from the API 2.3's documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from renown.connectors import kinds
from renown.connectors.base import PublicProfile, SocialEvent
from renown.connectors.errors import AccountNotFound, ConnectorError, MalformedResponse
from renown.connectors.http import ApiClient
from renown.connectors.pull import run_pull
from renown.connectors.replay import Replay
from renown.connectors.stackexchange import StackExchange
from renown.core.clock import FixedClock

FIXTURES = Path(__file__).parent / "fixtures" / "stackexchange"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
A = "https://api.stackexchange.com/2.3"
Q = "site=stackoverflow&pagesize=100"
FROM = 1704067200
SE = StackExchange()
ANSWERS_1 = f"{A}/users/22656/answers?{Q}&page=1&fromdate={FROM}&sort=creation&order=desc"
COMMENTS_2 = (
    f"{A}/posts/78000001;78000002;78000003;78100001/comments?{Q}&page=2"
    f"&fromdate={FROM}&sort=creation&order=desc"
)


def exchanges() -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "jon_skeet.json").read_text(encoding="utf-8"))
    return list(data["exchanges"])


def replay(*, without: tuple[str, ...] = ()) -> Replay:
    return Replay(e for e in exchanges() if e["request"]["url"] not in without)


def client(rep: Replay, sleeps: list[float] | None = None) -> ApiClient:
    c = SE.client("stackoverflow/22656", transport=rep.transport())
    c.clock = FixedClock(NOW)
    c.sleep = (sleeps if sleeps is not None else []).append
    return c


def profile() -> PublicProfile:
    return SE.profile(client(replay()), "stackoverflow/22656")


def by_key(events: tuple[SocialEvent, ...]) -> dict[str, SocialEvent]:
    return {e.key: e for e in events}


def test_profile() -> None:
    p = profile()
    assert p == PublicProfile(
        network="stackexchange",
        handle="stackoverflow/22656",
        external_id="11683",
        display_name="Jon Skeet",
        bio="Author of C# in Depth . renown-verify: rn-se42 & more",
        url="https://stackoverflow.com/users/22656/jon-skeet",
        audience=1454000,
    )
    assert "rn-se42" in p.bio
    assert SE.recent_texts(client(replay()), p) == []


def test_profile_of_no_such_user_is_not_found() -> None:
    rep = replay()
    rep.add(
        f"{A}/users/99999999?site=stackoverflow&filter=!9Z(-x-Q)8",
        {"json": {"items": [], "has_more": False, "quota_max": 300, "quota_remaining": 290}},
    )
    with pytest.raises(AccountNotFound):
        SE.profile(client(rep), "stackoverflow/99999999")


def test_full_pull_over_several_pages() -> None:
    rep = replay()
    sleeps: list[float] = []
    out = run_pull(SE, client(rep, sleeps), profile(), {}, since=SINCE)
    assert out.complete
    counts: dict[str, int] = {}
    for e in out.events:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    assert counts == {kinds.UPVOTE: 3, kinds.ACCEPT: 1, kinds.ANSWER: 1, kinds.COMMENT: 3}
    assert [i.key for i in out.items] == [
        "answer:78000001",
        "answer:78000002",
        "answer:78000003",
        "question:78100001",
        "badge:3",
        "badge:18",
    ]
    items = {i.key: i for i in out.items}
    assert items["question:78100001"].title == 'Why does "DateTime.Parse" fail?'
    assert items["question:78100001"].engagement == {"score": 5, "answers": 3, "views": 321}
    assert items["answer:78000001"].url == "https://stackoverflow.com/a/78000001"
    assert items["badge:18"].title == "Necromancer (silver)"
    assert items["badge:18"].created_at == NOW
    events = by_key(out.events)
    me = "stackexchange:stackoverflow/22656"
    assert events["votes:answer:78000001"] == SocialEvent(
        "votes:answer:78000001",
        None,
        me,
        datetime(2024, 5, 20, 10, tzinfo=UTC),
        kinds.UPVOTE,
        weight=12.0,
        item="answer:78000001",
    )
    assert "votes:answer:78000002" not in events  # a score of 0 is no vote
    assert events["accept:78000001"] == SocialEvent(
        "accept:78000001",
        "stackexchange:stackoverflow/5001",
        me,
        datetime(2024, 5, 20, 10, tzinfo=UTC),
        kinds.ACCEPT,
        item="answer:78000001",
    )
    assert events["answered:78100100"].actor == "stackexchange:stackoverflow/6001"
    assert events["answered:78100100"].item == "question:78100001"
    assert events["comment:1370003"] == SocialEvent(
        "comment:1370003",
        "stackexchange:stackoverflow/7001",
        me,
        datetime(2024, 3, 2, 8, tzinfo=UTC),
        kinds.COMMENT,
        item="answer:78000003",
    )
    assert out.state == {"after": "2024-05-21T08:00:00+00:00"}
    assert sleeps == [2.0]  # the second answers page asked for a backoff of 2 seconds
    assert len(rep.requests) == 8
    assert all(r.url.params["site"] == "stackoverflow" for r in rep.requests)


def test_deleted_question_and_accounts_are_skipped() -> None:
    out = run_pull(SE, client(replay()), profile(), {}, since=SINCE)
    events = by_key(out.events)
    assert "accept:78000003" not in events  # its question was deleted (not returned)
    assert "answered:78100101" not in events  # the person's own answer
    assert "answered:78100102" not in events  # an account that no longer exists


def test_resume_after_a_throttle_violation_equals_one_full_pull() -> None:
    full = run_pull(SE, client(replay()), profile(), {}, since=SINCE)
    throttled = replay(without=(COMMENTS_2,))
    throttled.add(
        COMMENTS_2,
        {
            "status": 400,
            "json": {
                "error_id": 502,
                "error_message": "too many requests from this IP, more requests available in "
                "3600 seconds",
                "error_name": "throttle_violation",
            },
        },
    )
    first = run_pull(SE, client(throttled), profile(), {}, since=SINCE)
    assert first.resume_at == datetime(2024, 6, 1, 13, 0, tzinfo=UTC)
    assert first.state["stage"] == "comments"
    assert first.state["page"] == 2
    second = run_pull(SE, client(replay()), profile(), first.state, since=SINCE)
    assert second.complete
    assert by_key(first.events) | by_key(second.events) == by_key(full.events)
    assert {i.key for i in first.items + second.items} == {i.key for i in full.items}
    assert second.state == full.state


def test_a_spent_daily_quota_keeps_the_page_and_stops_until_midnight() -> None:
    rep = replay(without=(ANSWERS_1,))
    original = next(e for e in exchanges() if e["request"]["url"] == ANSWERS_1)
    rep.add(ANSWERS_1, {"json": {**original["response"]["json"], "quota_remaining": 0}})
    out = run_pull(SE, client(rep), profile(), {}, since=SINCE)
    assert out.resume_at == datetime(2024, 6, 2, tzinfo=UTC)
    assert [i.key for i in out.items] == ["answer:78000001", "answer:78000002"]
    assert out.state["page"] == 2


def test_a_short_retry_after_is_waited_for() -> None:
    rep = replay()
    url = f"{A}/users/22656?site=stackoverflow&filter=!9Z(-x-Q)8"
    original = next(e for e in exchanges() if e["request"]["url"] == url)
    rep = replay(without=(url,))
    rep.add(url, {"status": 429, "headers": {"retry-after": "3"}, "json": {}})
    rep.add(url, original["response"])
    sleeps: list[float] = []
    assert SE.profile(client(rep, sleeps), "stackoverflow/22656").handle == "stackoverflow/22656"
    assert sleeps == [3.0]


def test_an_api_error_names_itself() -> None:
    rep = replay(without=(ANSWERS_1,))
    rep.add(
        ANSWERS_1,
        {
            "status": 400,
            "json": {
                "error_id": 400,
                "error_message": "site is required",
                "error_name": "bad_parameter",
            },
        },
    )
    with pytest.raises(ConnectorError, match="bad_parameter") as caught:
        run_pull(SE, client(rep), profile(), {}, since=SINCE)
    assert "fromdate" not in str(caught.value)  # the query string is not shown


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda w: w["items"][0].update(score="12"), "score"),
        (lambda w: w["items"][1].pop("creation_date"), "creation_date"),
        (lambda w: w.update(has_more="yes"), "has_more"),
        (lambda w: w.update(items={}), "items"),
    ],
)
def test_malformed_responses_keep_nothing(change: Any, field: str) -> None:
    original = next(e for e in exchanges() if e["request"]["url"] == ANSWERS_1)
    wrapper = json.loads(json.dumps(original["response"]["json"]))
    change(wrapper)
    rep = replay(without=(ANSWERS_1,))
    rep.add(ANSWERS_1, {"json": wrapper})
    with pytest.raises(MalformedResponse) as caught:
        run_pull(SE, client(rep), profile(), {}, since=SINCE)
    assert f"{A}/users/22656/answers" in str(caught.value)
    assert caught.value.field == field


def test_non_json_is_malformed() -> None:
    rep = replay(without=(ANSWERS_1,))
    rep.add(ANSWERS_1, {"text": "<html>Service Unavailable</html>"})
    with pytest.raises(MalformedResponse, match="not JSON"):
        run_pull(SE, client(rep), profile(), {}, since=SINCE)


def test_since_is_respected() -> None:
    since = datetime(2024, 5, 1, tzinfo=UTC)
    frm = int(since.timestamp())
    rep = replay()
    page1 = next(e for e in exchanges() if e["request"]["url"] == ANSWERS_1)["response"]["json"]
    page2 = next(
        e
        for e in exchanges()
        if "answers?" in e["request"]["url"] and "page=2" in e["request"]["url"]
    )["response"]["json"]
    # The API filters by fromdate; an answer older than it is dropped all the same, and
    # paging ends there.
    rep.add(
        f"{A}/users/22656/answers?{Q}&page=1&fromdate={frm}&sort=creation&order=desc",
        {"json": {**page1, "items": page1["items"] + page2["items"]}},
    )
    rep.add(
        f"{A}/users/22656/questions?{Q}&page=1&fromdate={frm}&sort=creation&order=desc",
        {"json": {"items": [], "has_more": False}},
    )
    rep.add(
        f"{A}/questions/77990001?{Q}&page=1",
        next(e for e in exchanges() if e["request"]["url"].startswith(f"{A}/questions/77990001;"))[
            "response"
        ],
    )
    rep.add(
        f"{A}/posts/78000001;78000002/comments?{Q}&page=1&fromdate={frm}&sort=creation&order=desc",
        {
            "json": {
                "items": [
                    {
                        "owner": {"user_id": 7001, "display_name": "Commenter A"},
                        "creation_date": frm + 10,
                        "post_id": 78000001,
                        "comment_id": 1370001,
                    }
                ],
                "has_more": False,
            }
        },
    )
    out = run_pull(SE, client(rep), profile(), {}, since=since)
    assert out.complete
    assert all(e.timestamp >= since for e in out.events)
    assert sorted(e.key for e in out.events) == [
        "accept:78000001",
        "comment:1370001",
        "votes:answer:78000001",
    ]
    # Paging stopped at the first answer older than `since`.
    assert not any("answers" in r.url.path and r.url.params["page"] == "2" for r in rep.requests)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("stackoverflow/22656", "stackoverflow/22656"),
        ("https://stackoverflow.com/users/22656/jon-skeet", "stackoverflow/22656"),
        ("https://stackoverflow.com/users/22656", "stackoverflow/22656"),
        ("stackoverflow.com/users/22656/jon-skeet?tab=profile", "stackoverflow/22656"),
        ("https://math.stackexchange.com/users/1234/someone", "math/1234"),
        ("https://meta.stackoverflow.com/users/22656/jon-skeet", "meta.stackoverflow/22656"),
        ("https://ru.stackoverflow.com/users/42/x", "ru.stackoverflow/42"),
        ("https://superuser.com/users/7/x", "superuser/7"),
        ("https://mathoverflow.net/users/7/", "mathoverflow/7"),
        ("  Math/0042 ", "math/42"),
    ],
)
def test_parse_handle_accepts(typed: str, handle: str) -> None:
    assert SE.parse_handle(typed) == handle


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "22656",
        "../",
        "a/b",
        "stackoverflow/0",
        "stackoverflow/-1",
        "stackoverflow/12345678901",
        "stackoverflow/99999999999",
        "stackoverflow/22656/../../x",
        "evil.com/x",
        "https://evil.com/users/1",
        "https://stackoverflow.com.evil.com/users/1",
        "https://stackoverflow.com/questions/1",
        "https://stackoverflow.com/users/abc",
        "https://stackoverflow.com:8080/users/1",
        "https://api.stackexchange.com/users/1",
        "stack overflow/1",
        "stackoverflow/１２",
        "x" * 400,
    ],
)
def test_parse_handle_refuses(typed: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        SE.parse_handle(typed)
