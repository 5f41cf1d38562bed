"""ApiClient's rate-limit dialects, retries and secrecy; run_pull's rules; Replay's matching."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, ClassVar

import httpx
import pytest

from renown.connectors.base import Checkpoint, PublicProfile, PulledItem, SocialEvent
from renown.connectors.errors import (
    AccountNotFound,
    ConnectorError,
    MalformedResponse,
    NotAuthorised,
    RateLimited,
)
from renown.connectors.http import ApiClient
from renown.connectors.pull import run_pull
from renown.connectors.replay import UNRECORDED, Replay
from renown.core.clock import FixedClock

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
BASE = "https://api.example.org"
SECRET = "ghp_s3cr3tt0k3n"


def make(
    answers: list[httpx.Response | Exception], sleeps: list[float], **kw: Any
) -> tuple[ApiClient, list[httpx.Request]]:
    """A client whose transport gives ``answers`` in turn (the last one repeats)."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = ApiClient(
        network="test",
        base_url=BASE,
        transport=httpx.MockTransport(handle),
        clock=FixedClock(NOW),
        sleep=sleeps.append,
        **kw,
    )
    return client, sent


def ok(**headers: str) -> httpx.Response:
    return httpx.Response(200, headers=headers, json={"ok": True})


def epoch(moment: datetime) -> str:
    return str(int(moment.timestamp()))


# -- rate-limit dialects -------------------------------------------------------------------


def test_github_epoch_reset_after_the_last_request_waits_when_short() -> None:
    sleeps: list[float] = []
    reset = NOW + timedelta(seconds=30)
    client, _ = make(
        [ok(**{"x-ratelimit-remaining": "0", "x-ratelimit-reset": epoch(reset)}), ok()], sleeps
    )
    client.get_json("/a")
    assert sleeps == []
    client.get_json("/b")
    assert sleeps == [30.0]


def test_ietf_delta_reset_on_429() -> None:
    sleeps: list[float] = []
    client, sent = make(
        [httpx.Response(429, headers={"ratelimit-reset": "12"}), ok()],
        sleeps,
    )
    page = client.get_json("/a")
    assert page is not None and page.data == {"ok": True}
    assert sleeps == [12.0]
    assert len(sent) == 2


def test_bluesky_epoch_ratelimit_reset_on_429() -> None:
    sleeps: list[float] = []
    reset = NOW + timedelta(seconds=20)
    client, _ = make([httpx.Response(429, headers={"ratelimit-reset": epoch(reset)}), ok()], sleeps)
    client.get_json("/a")
    assert sleeps == [20.0]


def test_mastodon_iso_reset() -> None:
    sleeps: list[float] = []
    reset = (NOW + timedelta(seconds=45)).isoformat().replace("+00:00", "Z")
    client, _ = make(
        [httpx.Response(429, headers={"x-ratelimit-reset": reset}), ok()],
        sleeps,
    )
    client.get_json("/a")
    assert sleeps == [45.0]


def test_retry_after_seconds() -> None:
    sleeps: list[float] = []
    client, _ = make([httpx.Response(503, headers={"retry-after": "5"}), ok()], sleeps)
    client.get_json("/a")
    assert sleeps == [5.0]


def test_retry_after_http_date() -> None:
    sleeps: list[float] = []
    when = format_datetime(NOW + timedelta(seconds=40), usegmt=True)
    client, _ = make([httpx.Response(429, headers={"retry-after": when}), ok()], sleeps)
    client.get_json("/a")
    assert sleeps == [40.0]


def test_403_with_remaining_zero_is_a_rate_limit_not_a_refusal() -> None:
    sleeps: list[float] = []
    reset = NOW + timedelta(hours=1)
    client, _ = make(
        [
            httpx.Response(
                403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": epoch(reset)}
            )
        ],
        sleeps,
    )
    with pytest.raises(RateLimited) as caught:
        client.get_json("/a")
    assert caught.value.resume_at == reset
    assert sleeps == []


def test_a_plain_403_is_not_authorised() -> None:
    client, _ = make([httpx.Response(403, json={"message": "Forbidden"})], [])
    with pytest.raises(NotAuthorised):
        client.get_json("/a")


def test_a_long_wait_raises_rate_limited_with_resume_at() -> None:
    sleeps: list[float] = []
    client, sent = make([httpx.Response(429, headers={"retry-after": "3600"})], sleeps)
    with pytest.raises(RateLimited) as caught:
        client.get_json("/a")
    assert caught.value.resume_at == NOW + timedelta(hours=1)
    assert sleeps == []
    assert len(sent) == 1
    assert "rate limited until 2024-06-01T13:00:00+00:00" in str(caught.value)


def test_hold_is_the_stack_exchange_backoff() -> None:
    sleeps: list[float] = []
    client, _ = make([ok()], sleeps)
    client.hold(10)
    client.get_json("/a")
    assert sleeps == [10.0]
    client.hold(24 * 3600)
    with pytest.raises(RateLimited):
        client.get_json("/b")


def test_stop_until_raises_without_the_query() -> None:
    client, _ = make([ok()], [])
    with pytest.raises(RateLimited) as caught:
        client.stop_until(NOW + timedelta(hours=12), f"{BASE}/x?key=abc")
    assert "key=abc" not in str(caught.value)
    assert caught.value.resume_at == NOW + timedelta(hours=12)


# -- retries and failures ------------------------------------------------------------------


def test_a_transient_502_is_retried() -> None:
    sleeps: list[float] = []
    client, sent = make([httpx.Response(502), httpx.Response(500), ok()], sleeps)
    page = client.get_json("/a")
    assert page is not None
    assert len(sent) == 3
    assert sleeps == [1.0, 2.0]
    assert client.requests == 3


def test_a_persistent_server_error_is_a_connector_error() -> None:
    sleeps: list[float] = []
    client, sent = make([httpx.Response(502)], sleeps, max_retries=2)
    with pytest.raises(ConnectorError, match="server error 502"):
        client.get_json("/a")
    assert len(sent) == 3


def test_a_transport_error_is_retried_then_a_connector_error() -> None:
    sleeps: list[float] = []
    client, sent = make([httpx.ConnectError("refused"), ok()], sleeps)
    assert client.get_json("/a") is not None
    assert sleeps == [1.0]
    client, sent = make([httpx.ConnectError("refused")], [], max_retries=2)
    with pytest.raises(ConnectorError, match="did not answer") as caught:
        client.get_json("/a")
    assert len(sent) == 3
    assert not isinstance(caught.value, RateLimited)


def test_missing_ok_and_account_not_found() -> None:
    client, _ = make([httpx.Response(404)], [])
    assert client.get_json("/gone", missing_ok=True) is None
    client, _ = make([httpx.Response(410)], [])
    with pytest.raises(AccountNotFound):
        client.get_json("/gone")


def test_non_json_is_malformed_and_names_the_url() -> None:
    client, _ = make([httpx.Response(200, text="<html>")], [])
    with pytest.raises(MalformedResponse) as caught:
        client.get_json("/a", {"page": 2})
    assert str(caught.value) == f"test {BASE}/a: the response is not JSON"


def test_errors_in_body_returns_a_400() -> None:
    client, _ = make([httpx.Response(400, json={"error_id": 400})], [])
    page = client.get_json("/a", errors_in_body=True)
    assert page is not None and page.status == 400 and page.data == {"error_id": 400}
    with pytest.raises(ConnectorError, match="unexpected status 400"):
        client.get_json("/a")


def test_the_token_never_shows() -> None:
    client, sent = make([httpx.Response(500)], [], token=SECRET, max_retries=0)
    with pytest.raises(ConnectorError) as caught:
        client.get_json("/a", {"access_token": SECRET, "q": "x"})
    assert sent[0].headers["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in str(caught.value)
    assert "access_token" not in str(caught.value)
    assert str(caught.value) == f"test {BASE}/a: server error 500"
    assert SECRET not in repr(client)


def test_query_string_is_stripped_from_error_urls() -> None:
    client, _ = make([httpx.Response(404)], [])
    with pytest.raises(AccountNotFound) as caught:
        client.get_json(f"{BASE}/users/x?key=k3y&page=3")
    assert "k3y" not in str(caught.value)
    assert caught.value.url == f"{BASE}/users/x"


def test_next_link_and_headers() -> None:
    link = f'<{BASE}/a?page=2>; rel="next", <{BASE}/a?page=9>; rel="last"'
    client, sent = make([httpx.Response(200, headers={"link": link}, json=[1])], [])
    page = client.get_json("/a", accept="application/vnd.github.star+json")
    assert page is not None and page.next_url == f"{BASE}/a?page=2"
    assert sent[0].headers["accept"] == "application/vnd.github.star+json"
    assert sent[0].headers["user-agent"].startswith("renown/")


def test_get_text_and_not_modified() -> None:
    client, sent = make([httpx.Response(304), httpx.Response(200, text="<rss/>")], [])
    assert client.get_text("/feed", headers={"If-None-Match": '"v1"'}) == (304, None)
    assert sent[0].headers["if-none-match"] == '"v1"'
    status, page = client.get_text("/feed")
    assert status == 200 and page is not None and page.text == "<rss/>"


# -- run_pull ------------------------------------------------------------------------------

PROFILE = PublicProfile("test", "me", "1", "Me", "", "https://example.org/me")


def event(n: int) -> SocialEvent:
    return SocialEvent(f"e{n}", f"test:u{n}", "test:me", NOW, "follow")


class Scripted:
    """A connector whose pull yields ``pages`` then raises ``then`` (if any)."""

    network: ClassVar[str] = "test"
    label: ClassVar[str] = "Test"
    verification: ClassVar[tuple[str, ...]] = ("bio",)

    def __init__(self, pages: list[Checkpoint], then: Exception | None = None) -> None:
        self.pages = pages
        self.then = then
        self.seen_state: Mapping[str, Any] | None = None

    def parse_handle(self, text: str) -> str:
        return text

    def client(
        self,
        handle: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
    ) -> ApiClient:
        return ApiClient(network="test")

    def profile(self, client: ApiClient, handle: str) -> PublicProfile:
        return PROFILE

    def recent_texts(self, client: ApiClient, profile: PublicProfile) -> list[str]:
        return []

    def pull(
        self,
        client: ApiClient,
        profile: PublicProfile,
        state: Mapping[str, Any],
        *,
        since: datetime,
    ) -> Iterator[Checkpoint]:
        self.seen_state = state
        yield from self.pages
        if self.then is not None:
            raise self.then


def test_run_pull_keeps_whole_pages_and_deduplicates() -> None:
    item = PulledItem("i1", "post", "One", "https://example.org/1", NOW, {"likes": 1})
    newer = PulledItem("i1", "post", "One", "https://example.org/1", NOW, {"likes": 4})
    pages = [
        Checkpoint((event(1), event(2)), (item,), {"page": 2}),
        Checkpoint((event(2), event(3)), (newer,), {"page": 3}),
    ]
    connector = Scripted(pages)
    out = run_pull(connector, ApiClient(network="test"), PROFILE, {"page": 1}, since=NOW)
    assert connector.seen_state == {"page": 1}
    assert [e.key for e in out.events] == ["e1", "e2", "e3"]
    assert out.items == (newer,)  # the newest counts of an item win
    assert out.state == {"page": 3}
    assert out.complete and out.resume_at is None


def test_run_pull_keeps_earlier_pages_on_a_rate_limit() -> None:
    resume = NOW + timedelta(hours=1)
    connector = Scripted(
        [Checkpoint((event(1),), (), {"page": 2})], RateLimited("test", "/x", resume)
    )
    out = run_pull(connector, ApiClient(network="test"), PROFILE, {}, since=NOW)
    assert [e.key for e in out.events] == ["e1"]
    assert out.state == {"page": 2}
    assert out.resume_at == resume and not out.complete


@pytest.mark.parametrize(
    "error",
    [
        MalformedResponse("test", "/x", "expected a list", field="items"),
        ConnectorError("t", "/", "x"),
    ],
)
def test_run_pull_keeps_nothing_on_other_errors(error: Exception) -> None:
    connector = Scripted([Checkpoint((event(1),), (), {"page": 2})], error)
    with pytest.raises(type(error)):
        run_pull(connector, ApiClient(network="test"), PROFILE, {}, since=NOW)


# -- Replay --------------------------------------------------------------------------------


def replay_client(rep: Replay) -> ApiClient:
    return ApiClient(network="test", base_url=BASE, transport=rep.transport(), sleep=lambda s: None)


def test_replay_matches_query_parameters_in_any_order() -> None:
    rep = Replay([{"request": {"url": f"{BASE}/a?x=1&y=2"}, "response": {"json": {"hit": True}}}])
    page = replay_client(rep).get_json("/a", {"y": 2, "x": 1})
    assert page is not None and page.data == {"hit": True}
    assert len(rep.requests) == 1


def test_replay_answers_in_order_and_repeats_the_last() -> None:
    rep = Replay([])
    rep.add(f"{BASE}/a", {"status": 429, "headers": {"retry-after": "1"}})
    rep.add(f"{BASE}/a", {"json": 1})
    client = replay_client(rep)
    assert [client.get_json("/a").data for _ in range(3)] == [1, 1, 1]  # type: ignore[union-attr]
    assert len(rep.requests) == 4


def test_replay_text_and_unrecorded() -> None:
    rep = Replay([{"request": {"url": f"{BASE}/feed"}, "response": {"text": "<rss/>"}}])
    client = replay_client(rep)
    assert client.get_text("/feed")[1].text == "<rss/>"  # type: ignore[union-attr]
    with pytest.raises(ConnectorError, match=f"unexpected status {UNRECORDED}"):
        client.get_json("/nothing")


def test_replay_from_files(tmp_path: Any) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        '{"network": "test", "exchanges": [{"request": {"method": "GET", "url": '
        f'"{BASE}/a"}}, "response": {{"json": [1, 2]}}}}]}}',
        encoding="utf-8",
    )
    page = replay_client(Replay.from_files([path])).get_json("/a")
    assert page is not None and page.data == [1, 2]


def test_replay_answers_a_moved_time_window_but_nothing_else_that_differs() -> None:
    replay = Replay(
        [
            {
                "request": {"url": "https://api.example/answers?site=so&fromdate=1733500000"},
                "response": {"json": {"items": []}},
            },
            {
                "request": {"url": "https://api.example/issues?since=2026-01-01T00:00:00Z&page=1"},
                "response": {"json": []},
            },
        ]
    )
    client = httpx.Client(transport=replay.transport())
    later = client.get("https://api.example/answers?site=so&fromdate=1765000000")
    assert later.status_code == 200
    moved = client.get("https://api.example/issues?since=2026-02-03T04:05:06Z&page=1")
    assert moved.status_code == 200
    other_site = client.get("https://api.example/answers?site=su&fromdate=1733500000")
    assert other_site.status_code == 599
    other_page = client.get("https://api.example/issues?since=2026-01-01T00:00:00Z&page=2")
    assert other_page.status_code == 599
