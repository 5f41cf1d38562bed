"""One polite HTTP client for every connector: rate limits, Retry-After, retries, paging.

Every public API renown reads says how fast it may be called, in one of a few dialects:
GitHub's ``x-ratelimit-remaining`` / ``x-ratelimit-reset`` (epoch seconds), Mastodon's
``X-RateLimit-Reset`` (an ISO time), Bluesky's ``RateLimit-Reset`` (epoch seconds), the
IETF draft's delta seconds, ``Retry-After`` (seconds or an HTTP date) on 429 and 503, and
the Stack Exchange API's ``backoff`` field in the body (:meth:`ApiClient.hold`). The client
reads them all, waits when the wait is short (:attr:`ApiClient.max_wait`) and otherwise
raises :class:`~renown.connectors.errors.RateLimited` with the moment to resume, so a pull
never hammers a network and never spins. Transient failures (500, 502, 504, a dropped
connection) are retried with exponential backoff a few times.

The transport is injectable (``httpx.MockTransport`` in tests and in the demo, which replay
responses written from each API's documented shapes), and so are the clock and the sleep,
so tests wait for nothing.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from renown._version import __version__
from renown.connectors.errors import (
    AccountNotFound,
    ConnectorError,
    MalformedResponse,
    NotAuthorised,
    RateLimited,
)
from renown.core.clock import Clock, SystemClock

USER_AGENT: Final = f"renown/{__version__} (+open social talent intelligence; public APIs only)"
TRANSIENT: Final = frozenset({500, 502, 504})
GONE: Final = frozenset({404, 410})
_EPOCH_THRESHOLD: Final = 1_000_000_000
"""A reset value above this many seconds is an epoch time, below it a delay."""
MAX_BODY_BYTES: Final = 20 * 1024 * 1024
"""No documented page of any connected API comes near this; a larger body is refused."""
MAX_REDIRECTS: Final = 5
"""Redirects followed for one request (each checked again by a connector's transport)."""
MAX_PAUSE: Final = timedelta(days=1)
"""The longest pause a network's rate-limit headers can impose (a reset past any clock, or
years away, from a hostile or broken server is read as this)."""


@dataclass(frozen=True)
class Page:
    """One decoded response: its address, its JSON (or text) and the next page's address."""

    url: str
    data: Any
    headers: Mapping[str, str]
    next_url: str | None = None
    text: str | None = None
    status: int = 200


@dataclass
class ApiClient:
    """A client of one network's public API (see the module docstring for the rules).

    ``token`` is sent as a bearer token and never appears in an error or a log line.
    """

    network: str
    base_url: str = ""
    transport: httpx.BaseTransport | None = None
    token: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], None] = time.sleep
    max_wait: float = 60.0
    """The longest wait (seconds) a pull accepts before it stops and resumes later."""
    max_retries: int = 4
    timeout: float = 20.0
    requests: int = 0
    """Requests sent so far (retries included), for the pull's report."""
    _resume_at: datetime | None = field(default=None, init=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    def _http(self) -> httpx.Client:
        if self._client is None:
            headers = {"User-Agent": USER_AGENT, **self.headers}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            self._client = httpx.Client(
                base_url=self.base_url,
                transport=self.transport,
                headers=headers,
                timeout=self.timeout,
                follow_redirects=False,  # followed by _send, which bounds every body
            )
        return self._client

    def _send(
        self, url: str, params: Mapping[str, str | int] | None, headers: Mapping[str, str]
    ) -> httpx.Response:
        """GET ``url``, following redirects, with every body read only up to the limit: a
        hostile server's endless (or decompressing) body is never held whole. A redirect's
        body is not read at all; httpx drops the token on a redirect to another origin."""
        client = self._http()
        request = client.build_request("GET", url, params=params, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            response = client.send(request, stream=True)
            try:
                if response.next_request is None:
                    response._content = self._bounded(response)
                    return response
            finally:
                response.close()
            request = response.next_request
        raise ConnectorError(self.network, _public(str(request.url)), "too many redirects")

    def _bounded(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise MalformedResponse(
                    self.network, _public(str(response.url)), "the response is too large"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Release the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def hold(self, seconds: float, url: str = "") -> None:
        """Send nothing for ``seconds`` (the Stack Exchange API's ``backoff``)."""
        until = self.clock.now() + timedelta(seconds=max(0.0, seconds))
        if self._resume_at is None or until > self._resume_at:
            self._resume_at = until

    def stop_until(self, resume_at: datetime, url: str) -> None:
        """Give up for now (a daily quota spent): raise :class:`RateLimited`."""
        raise RateLimited(self.network, _public(url), resume_at)

    def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        accept: str | None = None,
        missing_ok: bool = False,
        errors_in_body: bool = False,
    ) -> Page | None:
        """GET ``url`` and decode its JSON; ``None`` for a deleted item when ``missing_ok``.

        ``errors_in_body``: the network answers its errors (a throttle included) with HTTP
        400 and a JSON body that says what went wrong (the Stack Exchange API), so a 400 is
        returned as a :class:`Page` (its :attr:`Page.status` says so) for the connector to read.
        """
        response = self._get(
            url, params, accept=accept, missing_ok=missing_ok, errors_in_body=errors_in_body
        )
        if response is None:
            return None
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
            raise MalformedResponse(
                self.network, _public(str(response.url)), "the response is not JSON"
            ) from None
        return Page(
            str(response.url),
            data,
            response.headers,
            _next_link(response),
            status=response.status_code,
        )

    def get_text(
        self, url: str, *, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Page | None]:
        """GET ``url`` as text (feeds); ``(304, None)`` when unchanged since ``headers``' tag."""
        response = self._get(url, None, extra=headers, allow_not_modified=True)
        assert response is not None
        if response.status_code == 304:
            return 304, None
        return response.status_code, Page(
            str(response.url), None, response.headers, _next_link(response), response.text
        )

    def _get(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        *,
        accept: str | None = None,
        missing_ok: bool = False,
        extra: Mapping[str, str] | None = None,
        allow_not_modified: bool = False,
        errors_in_body: bool = False,
    ) -> httpx.Response | None:
        headers = dict(extra or {})
        if accept:
            headers["Accept"] = accept
        shown = _public(url if "://" in url else self.base_url.rstrip("/") + "/" + url.lstrip("/"))
        for attempt in range(self.max_retries + 1):
            self._wait_turn(shown)
            self.requests += 1
            try:
                response = self._send(url, params, headers)
            except httpx.DecodingError:
                raise MalformedResponse(
                    self.network, shown, "the response's encoding is broken"
                ) from None
            except httpx.TransportError as error:
                if attempt == self.max_retries:
                    raise ConnectorError(
                        self.network, shown, f"the network did not answer ({type(error).__name__})"
                    ) from None
                self.sleep(min(2.0**attempt, self.max_wait))
                continue
            self._note_limits(response)
            status = response.status_code
            if status in {429, 503} or _limit_spent(response):
                self._back_off(response, shown)
                continue
            if status in TRANSIENT:
                if attempt == self.max_retries:
                    raise ConnectorError(self.network, shown, f"server error {status}")
                self.sleep(min(2.0**attempt, self.max_wait))
                continue
            if status in GONE:
                if missing_ok:
                    return None
                raise AccountNotFound(self.network, shown, "not found (deleted or never public)")
            if status in (401, 403):
                raise NotAuthorised(self.network, shown, f"refused ({status})")
            if status == 304 and allow_not_modified:
                return response
            if status == 400 and errors_in_body:
                return response
            if not 200 <= status < 300:
                raise ConnectorError(self.network, shown, f"unexpected status {status}")
            return response
        raise RateLimited(self.network, shown, self._resume_at or self.clock.now())

    def _wait_turn(self, url: str) -> None:
        if self._resume_at is None:
            return
        delay = (self._resume_at - self.clock.now()).total_seconds()
        if delay > self.max_wait:
            raise RateLimited(self.network, url, self._resume_at)
        if delay > 0:
            self.sleep(delay)
        self._resume_at = None

    def _back_off(self, response: httpx.Response, url: str) -> None:
        now = self.clock.now()
        resume = _retry_after(response.headers, now) or _reset_at(response.headers, now)
        if resume is None:
            resume = now + timedelta(seconds=min(60.0, self.max_wait))
        self._resume_at = max(resume, now)

    def _note_limits(self, response: httpx.Response) -> None:
        remaining = _header(response.headers, "x-ratelimit-remaining", "ratelimit-remaining")
        if remaining is None or not remaining.strip().isdigit() or int(remaining) > 0:
            return
        reset = _reset_at(response.headers, self.clock.now())
        if reset is not None and 200 <= response.status_code < 300:
            self._resume_at = reset


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _limit_spent(response: httpx.Response) -> bool:
    """GitHub answers a spent primary limit with 403 and ``x-ratelimit-remaining: 0``."""
    if response.status_code != 403:
        return False
    remaining = _header(response.headers, "x-ratelimit-remaining", "ratelimit-remaining")
    return (remaining is not None and remaining.strip() == "0") or "retry-after" in response.headers


def _bounded_pause(moment: datetime, now: datetime) -> datetime:
    """``moment``, but no later than :data:`MAX_PAUSE` from ``now``."""
    return min(moment, now + MAX_PAUSE)


def _retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value) if len(value) <= 12 else 10**12  # longer: past any clock
        return now + min(timedelta(seconds=seconds), MAX_PAUSE)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return _bounded_pause(moment if moment.tzinfo else moment.replace(tzinfo=UTC), now)


def _reset_at(headers: Mapping[str, str], now: datetime) -> datetime | None:
    value = _header(headers, "x-ratelimit-reset", "ratelimit-reset")
    if value is None:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return _bounded_pause(moment if moment.tzinfo else moment.replace(tzinfo=UTC), now)
    if not math.isfinite(number):
        return now + MAX_PAUSE
    if number > _EPOCH_THRESHOLD:
        try:
            return _bounded_pause(datetime.fromtimestamp(number, UTC), now)
        except (OverflowError, OSError, ValueError):
            return now + MAX_PAUSE
    return now + min(timedelta(seconds=max(0.0, number)), MAX_PAUSE)


def _next_link(response: httpx.Response) -> str | None:
    link = response.links.get("next")
    return link.get("url") if link else None


def _public(url: str) -> str:
    """The address without its query string (which may carry a key or a token)."""
    return url.split("?", 1)[0]
