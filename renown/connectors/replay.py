"""Replaying recorded API exchanges: how tests and the demo run connectors offline.

A recording is a JSON document ``{"network": ..., "exchanges": [...]}``; each exchange
pairs a request (``method``, absolute ``url``) with a response (``status``, ``headers`` and
either ``json`` or ``text``). Requests match on method, scheme, host, path and the *set*
of query parameters, so the order a client writes them in does not matter. One address
may be recorded several times (a 429 then a 200): the answers are given in order and the
last one repeats. A request nobody recorded is answered ``599`` with the address, so a
test fails by saying what the connector asked for.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

UNRECORDED = 599


def _key(method: str, url: str) -> tuple[str, str, frozenset[tuple[str, str]]]:
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
    return method.upper(), base, frozenset(parse_qsl(parts.query, keep_blank_values=True))


class Replay:
    """An ``httpx`` transport answering from recorded exchanges (and noting each request)."""

    def __init__(self, exchanges: Iterable[Mapping[str, Any]]) -> None:
        self._answers: dict[tuple[str, str, frozenset[tuple[str, str]]], deque[Any]] = (
            defaultdict(deque)
        )
        for exchange in exchanges:
            request = exchange["request"]
            key = _key(request.get("method", "GET"), request["url"])
            self._answers[key].append(exchange["response"])
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
        self._answers[_key(method, url)].append(response)

    def transport(self) -> httpx.MockTransport:
        """The transport to hand to a connector's client."""
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self._answers.get(_key(request.method, str(request.url)))
        if not answers:
            return httpx.Response(UNRECORDED, text=f"nothing recorded for {request.url}")
        answer = answers.popleft() if len(answers) > 1 else answers[0]
        headers = dict(answer.get("headers", {}))
        status = int(answer.get("status", 200))
        if "json" in answer:
            return httpx.Response(status, headers=headers, json=answer["json"])
        return httpx.Response(status, headers=headers, text=answer.get("text", ""))
