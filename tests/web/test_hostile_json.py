"""Hostile JSON sent to every JSON-body operation of the API, as an administrator and as an
employee: every answer is a 4xx, never a 5xx, and a small one.

The operations and their body schemas are read from the OpenAPI document, so a new
operation is covered the day it is added. Two kinds of input are sent:

- documents that are not JSON at all (RFC 8259): lone surrogates, NaN and infinities,
  numbers too large for a double. The parser refuses them before anything else, so the
  answer is exactly 422 whoever asks;
- a hostile value at one place of an otherwise empty body, for every place the schema
  describes (nested objects, list items, dictionary keys and values): ``true``, ``"5"``
  and ``1.5`` where an integer belongs, control characters, a 100 000-character string,
  a date without a time zone... Each must be refused; a 422 names the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from renown.core.roles import Role

MAX_ANSWER = 4096
"""Bytes: an error answer explains, it does not repeat the request."""
BIG = "x" * 100_000
NOT_JSON: dict[str, bytes] = {
    "lone high surrogate": b'{"name": "\\ud800"}',
    "lone low surrogate": b'{"text": "a\\udc00b"}',
    "surrogate pair reversed": b'{"text": "\\udc00\\ud800"}',
    "surrogate as UTF-8 bytes": b'{"text": "\xed\xa0\x80"}',
    "NaN": b'{"weight": NaN}',
    "Infinity": b'{"weight": Infinity}',
    "-Infinity": b'{"receiver_id": -Infinity}',
    "overflowing number": b'{"weight": 1e400}',
}
HOSTILE: dict[str, list[Any]] = {
    "integer": [True, "5", 1.5, 2.0, 2**31, -(10**30)],
    "number": [True, "5", -1e308],
    "boolean": [1, "true", "yes"],
    "string": ["a\x00b", "vertical\x0btab", "esc\x1b[2J", "del\x7f", BIG, 5, True],
    "date-time": ["2030-01-01", "2030-01-01T10:00:00", 1_900_000_000, "9999-12-31T23:59:59Z"],
    "key": ["a\x00b", "line\nbreak", "x" * 5_000],
}


@dataclass(frozen=True)
class Place:
    """Where in a body a leaf is: property names, ``[]`` for a list item, ``{}`` for a
    dictionary value and ``{key}`` for a dictionary key."""

    steps: tuple[str, ...]
    kind: str

    def body(self, value: Any) -> Any:
        """A body holding ``value`` at this place and nothing else."""
        built: Any = value
        for step in reversed(self.steps):
            if step == "[]":
                built = [built]
            elif step == "{}":
                built = {"key": built}
            elif step == "{key}":
                built = {built: 1} if isinstance(built, str) else {"key": built}
            else:
                built = {step: built}
        return built

    @property
    def field(self) -> str:
        """The innermost property name (what a 422 must mention)."""
        names = [step for step in self.steps if not step.startswith(("[", "{"))]
        return names[-1] if names else "body"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    schema: dict[str, Any]


def _document(platform: Any) -> dict[str, Any]:
    document: dict[str, Any] = platform.anonymous().get("/api/v1/openapi.json").json()
    return document


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _json_operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                url = path
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "path":
                        sample = "1" if parameter["schema"].get("type") == "integer" else "x"
                        url = url.replace("{" + parameter["name"] + "}", sample)
                found.append(Operation(method, url, content["application/json"]["schema"]))
    return found


def _places(
    document: dict[str, Any], schema: dict[str, Any], steps: tuple[str, ...] = ()
) -> Iterator[Place]:
    """Every leaf the schema describes, depth first."""
    schema = _resolve(document, schema)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            yield from _places(document, option, steps)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        for name, child in schema.get("properties", {}).items():
            yield from _places(document, child, (*steps, name))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) or "patternProperties" in schema:
            yield Place((*steps, "{key}"), "key")
            values = (
                extra
                if isinstance(extra, dict)
                else next(iter(schema["patternProperties"].values()))
            )
            yield from _places(document, values, (*steps, "{}"))
    elif kind == "array":
        yield from _places(document, schema.get("items", {}), (*steps, "[]"))
    elif kind == "string" and schema.get("format") == "date-time":
        yield Place(steps, "date-time")
    elif kind in ("integer", "number", "boolean", "string"):
        yield Place(steps, kind)


def _client(platform: Any, role: Role) -> TestClient:
    platform.bearer(role)
    token = platform.tokens[platform.members[role].email]
    return TestClient(
        platform.app,
        raise_server_exceptions=False,
        headers={"Authorization": f"Bearer {token}"},
    )


def _send(client: TestClient, operation: Operation, content: bytes) -> Any:
    return client.request(
        operation.method,
        operation.path,
        content=content,
        headers={"content-type": "application/json"},
    )


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def operations(platform: Any) -> list[Operation]:
    found = _json_operations(_document(platform))
    assert len(found) >= 25, "the document lists fewer JSON operations than the API has"
    return found


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYEE])
@pytest.mark.parametrize("name", sorted(NOT_JSON))
def test_documents_that_are_not_json_are_422_everywhere(
    platform: Any, operations: list[Operation], role: Role, name: str
) -> None:
    client = _client(platform, role)
    for operation in operations:
        answer = _send(client, operation, NOT_JSON[name])
        where = f"{operation.method.upper()} {operation.path} as {role.value}"
        assert answer.status_code == 422, f"{where}: {answer.status_code} {answer.text[:200]}"
        assert len(answer.content) < MAX_ANSWER, where
        assert answer.json()["detail"][0]["type"] == "json_invalid", where


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYEE])
def test_hostile_values_are_refused_everywhere(
    platform: Any, operations: list[Operation], role: Role
) -> None:
    client = _client(platform, role)
    document = _document(platform)
    checked = 0
    for operation in operations:
        for place in _places(document, operation.schema):
            for value in HOSTILE[place.kind]:
                answer = _send(client, operation, _encode(place.body(value)))
                where = (
                    f"{operation.method.upper()} {operation.path} as {role.value}: "
                    f"{'.'.join(place.steps)} = {str(value)[:30]!r}"
                )
                assert 400 <= answer.status_code < 500, f"{where}: {answer.status_code}"
                assert len(answer.content) < MAX_ANSWER, f"{where}: {len(answer.content)} bytes"
                if answer.status_code == 422 and isinstance(answer.json()["detail"], list):
                    located = [
                        str(step) for issue in answer.json()["detail"] for step in issue["loc"]
                    ]
                    assert place.field in located or place.kind == "key", where
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EMPLOYEE])
def test_a_huge_body_draws_a_small_answer(
    platform: Any, operations: list[Operation], role: Role
) -> None:
    client = _client(platform, role)
    body = _encode({"unexpected": BIG * 10, BIG: [BIG] * 5})
    for operation in operations:
        answer = _send(client, operation, body)
        where = f"{operation.method.upper()} {operation.path} as {role.value}"
        # Unknown fields are ignored, so where every field is optional this may succeed.
        assert answer.status_code < 500, f"{where}: {answer.status_code}"
        assert len(answer.content) < MAX_ANSWER, f"{where}: {len(answer.content)} bytes"
