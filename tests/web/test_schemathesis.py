"""Property-based tests of the JSON API against its own OpenAPI document (schemathesis).

Schemathesis reads ``/api/v1/openapi.json`` from the app (through ASGI, no server) and
sends generated requests to every operation: valid ones and deliberately invalid ones. The
app must never answer 5xx, every answer must match the schema the document declares, and
every status code must be one the document lists. It runs as an administrator (who may
call everything) and as an employee (who is refused much), each with a bearer token.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from renown.core.roles import Role
from renown.settings import Settings
from renown.store.tables import ApiToken
from renown.web.app import create_app

pytestmark = pytest.mark.schemathesis

EXAMPLES_PER_OPERATION = 20
"""Enough to reach every documented status of each operation; keeps the module under a
minute on two cores."""
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def _document_app() -> Any:
    """An app built only to serve its OpenAPI document (the document needs no database)."""
    home = Path(tempfile.mkdtemp(prefix="renown-openapi-"))
    return create_app(Settings(home=home, database_url="sqlite://", secret_key="openapi"))


# Loaded at collection time so that each operation is a test of its own; requests are sent
# to the test installation's app (``app=`` in each call), which serves the same document.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _document_app())
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, deterministic=True)


def _headers(platform: Any, role: Role) -> dict[str, str]:
    """A working bearer token for ``role``.

    Generated requests may revoke the very token they are sent with (``DELETE
    /tokens/{id}`` with a small id); a fresh one is issued then, so later requests test
    the API rather than an expired credential.
    """
    member = platform.members[role]
    token = platform.tokens.get(member.email)
    if token is not None:
        with platform.sessions() as session:
            revoked = session.scalar(
                sa.select(ApiToken.revoked_at).where(
                    ApiToken.prefix == token[:10], ApiToken.account_id == member.account_id
                )
            )
        if revoked is not None:
            del platform.tokens[member.email]
    platform.bearer(role)
    return {"Authorization": f"Bearer {platform.tokens[member.email]}"}


@schema.parametrize()
def test_api_as_admin(case: Any, platform: Any) -> None:
    case.call_and_validate(app=platform.app, headers=_headers(platform, Role.ADMIN), checks=CHECKS)


@schema.parametrize()
def test_api_as_employee(case: Any, platform: Any) -> None:
    case.call_and_validate(
        app=platform.app, headers=_headers(platform, Role.EMPLOYEE), checks=CHECKS
    )
