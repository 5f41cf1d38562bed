"""JSON request bodies are read as RFC 8259 JSON, and nothing more permissive.

Python's ``json`` module, which Starlette uses, accepts ``NaN``, ``Infinity`` and
``-Infinity``, and lone surrogates such as ``"\\ud800"``: none of them is JSON, and each
ended in a server error (a NaN compared with a bound, a surrogate that could be neither
stored nor echoed as UTF-8). The body is parsed instead with pydantic's own JSON parser
(jiter, already a dependency through pydantic), which refuses all of them, and numbers too
large for a double are refused as well. A refusal is a ``json.JSONDecodeError``, which
FastAPI answers as the usual 422 ``json_invalid`` validation error.

Every API router is built with :class:`StrictJsonRoute`; the routers that read JSON
without it would fall back to Python's parser, which ``tests/web/test_hostile_json.py``
would notice for every JSON operation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic_core import from_json

_WHERE = re.compile(r" at line (\d+) column (\d+)$")
_NOT_A_NUMBER = re.compile(r"\s*-?(NaN|Infinity)")


def parse_json(body: bytes) -> Any:
    """The value of a JSON document, or ``json.JSONDecodeError`` saying what is not JSON."""
    text = body.decode("utf-8", "replace")
    try:
        value = from_json(body, allow_inf_nan=False)
    except ValueError as problem:
        message, position = _located(str(problem), text)
        if _NOT_A_NUMBER.match(text, max(position - 1, 0)):
            message = "NaN and Infinity are not JSON numbers"
        elif "hex escape" in message:
            message = f"{message} (a \\u escape must be a whole character, not a lone surrogate)"
        raise json.JSONDecodeError(message, text, position) from None
    too_large = _first_infinite(value)
    if too_large is not None:
        raise json.JSONDecodeError(f"number out of range at {too_large[:200]}", text, 0)
    return value


def _located(message: str, text: str) -> tuple[str, int]:
    """jiter's message without its "at line L column C", and that place as an offset."""
    found = _WHERE.search(message)
    if found is None:
        return message, 0
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.split("\n", line - 1)
    offset = sum(len(part) + 1 for part in lines[: line - 1]) + max(column - 1, 0)
    return message[: found.start()], min(offset, len(text))


def _first_infinite(value: Any) -> str | None:
    """Where the first number that overflowed to infinity is (``1e400``), if any."""
    stack: list[tuple[str, Any]] = [("body", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return where
        if isinstance(item, dict):
            stack.extend((f"{where}.{key[:40]}", child) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((f"{where}[{index}]", child) for index, child in enumerate(item))
    return None


class StrictJsonRequest(Request):
    """A request whose ``json()`` is :func:`parse_json`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """An API route whose JSON body goes through :class:`StrictJsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
