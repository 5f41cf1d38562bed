"""One database session per request: the policy and the route share it, writes still land."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.accounts.actions import do_create_account
from renown.core.roles import Role
from renown.store.tables import Account, ApiToken
from tests.web.conftest import PASSWORD


def _token_client(platform: Any, token: str) -> TestClient:
    return TestClient(platform.app, headers={"Authorization": f"Bearer {token}"})


def test_a_token_records_its_first_use(platform: Any) -> None:
    issued = platform.bearer(Role.EMPLOYEE).post("/api/v1/tokens", json={"name": "probe"}).json()
    with platform.sessions() as session:
        assert session.get(ApiToken, issued["id"]).last_used is None
    assert _token_client(platform, issued["token"]).get("/api/v1/me").status_code == 200
    with platform.sessions() as session:  # committed, so another session sees it
        assert session.get(ApiToken, issued["id"]).last_used is not None


def test_a_token_first_used_for_a_write_records_both(platform: Any) -> None:
    issued = platform.bearer(Role.HR).post("/api/v1/tokens", json={"name": "writer"}).json()
    made = _token_client(platform, issued["token"]).post("/api/v1/tokens", json={"name": "child"})
    assert made.status_code == 201, made.text
    with platform.sessions() as session:
        assert session.get(ApiToken, issued["id"]).last_used is not None
        assert session.get(ApiToken, made.json()["id"]) is not None


def test_a_deactivated_account_is_signed_out(platform: Any) -> None:
    with platform.sessions() as session, session.begin():
        account = do_create_account(
            session,
            org_id=platform.acme_id,
            email="leaving@acme.example",
            password=PASSWORD,
            role=Role.HR,
        )
        account_id = account.id
    client = platform.anonymous(accept="text/html")
    assert platform.signin(client, "leaving@acme.example") == 303
    assert client.get("/leaderboard").status_code == 200
    with platform.sessions() as session, session.begin():
        session.execute(sa.update(Account).where(Account.id == account_id).values(active=False))
    answer = client.get("/leaderboard")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")
