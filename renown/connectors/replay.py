"""Replaying recorded API exchanges: how tests and the demo run connectors offline.

A recording is a JSON document ``{"network": ..., "exchanges": [...]}``; each exchange
pairs a request (``method``, absolute ``url``) with a response (``status``, ``headers`` and
either ``json`` or ``text``). Requests match on method, scheme, host, path and the *set*
of query parameters, so the order a client writes them in does not matter. One address
may be recorded several times (a 429 then a 200): the answers are given in order and the
last one repeats. A request nobody recorded is answered ``599`` with the address, so a
test fails by saying what the connector asked for.

A recording made at one moment is replayed later (the demo keeps running for days), and a
pull's time window moves with the clock (``since=``, ``fromdate=``): when no exchange
matches exactly, one that differs only in parameters holding a *time* (an ISO 8601 date or
an epoch second) answers. A parameter that is not a time still has to match.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import httpx

UNRECORDED = 599


Key = tuple[str, str, frozenset[tuple[str, str]]]
_ISO_TIME: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"
)
_EPOCH: Final = re.compile(r"1\d{9}")


def _key(method: str, url: str) -> Key:
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
    return method.upper(), base, frozenset(parse_qsl(parts.query, keep_blank_values=True))


def _timeless(key: Key) -> Key:
    """``key`` without the query parameters whose value is a time."""
    method, base, query = key
    kept = frozenset(
        (name, value)
        for name, value in query
        if not (_ISO_TIME.fullmatch(value) or _EPOCH.fullmatch(value))
    )
    return method, base, kept


class Replay:
    """An ``httpx`` transport answering from recorded exchanges (and noting each request)."""

    def __init__(self, exchanges: Iterable[Mapping[str, Any]]) -> None:
        self._answers: dict[Key, deque[Any]] = defaultdict(deque)
        self._loose: dict[Key, Key] = {}
        for exchange in exchanges:
            request = exchange["request"]
            self.add(request["url"], exchange["response"], request.get("method", "GET"))
        self.requests: list[httpx.Request] = []

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> Replay:
        """Replay every exchange of the recordings at ``paths``."""
        exchanges: list[Mapping[str, Any]] = []
        for path in paths:
            exchanges.extend(json.loads(path.read_text(encoding="utf-8"))["exchanges"])
        return cls(exchanges)

    def add(self, url: str, response: Mapping[str, Any], method: str = "GET") -> None:
        """Record one more answer for ``url``."""
        key = _key(method, url)
        self._answers[key].append(response)
        self._loose.setdefault(_timeless(key), key)

    def transport(self) -> httpx.MockTransport:
        """The transport to hand to a connector's client."""
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = _key(request.method, str(request.url))
        answers = self._answers.get(key)
        if not answers:
            recorded = self._loose.get(_timeless(key))
            answers = self._answers.get(recorded) if recorded is not None else None
        if not answers:
            return httpx.Response(UNRECORDED, text=f"nothing recorded for {request.url}")
        answer = answers.popleft() if len(answers) > 1 else answers[0]
        headers = dict(answer.get("headers", {}))
        status = int(answer.get("status", 200))
        if "json" in answer:
            return httpx.Response(status, headers=headers, json=answer["json"])
        return httpx.Response(status, headers=headers, text=answer.get("text", ""))
