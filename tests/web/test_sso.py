"""Single sign-on through a real OpenID Connect exchange with a local provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.accounts.actions import do_create_account
from renown.core.roles import Role
from renown.org.actions import do_create_org
from renown.settings import Settings
from renown.store import session_factory, transaction
from renown.store.tables.audit import AuditEntry
from renown.web import create_app
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def client(
    tmp_path: Path, provider: Provider, database_url: str, engine: sa.Engine
) -> Iterator[TestClient]:
    settings = Settings(
        home=tmp_path,
        database_url=database_url,
        secret_key="test-secret",
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )
    with transaction(session_factory(engine)) as session:
        org = do_create_org(session, "acme", "Acme")
        do_create_account(
            session, org_id=org.id, email="ana@example.org", password=None, role=Role.HR
        )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _sign_in_through_provider(client: TestClient) -> httpx.Response:
    to_provider = client.get("/signin/sso", follow_redirects=False)
    assert to_provider.status_code == 302
    back = httpx.get(to_provider.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}", follow_redirects=False)


def test_the_signin_page_offers_single_sign_on(client: TestClient) -> None:
    page = client.get("/signin").text
    assert (
        '<a class="button secondary" href="/signin/sso">Sign in with your organisation</a>' in page
    )


def test_known_verified_email_signs_in(
    client: TestClient, provider: Provider, engine: sa.Engine
) -> None:
    provider.email = "Ana@Example.org"
    answer = _sign_in_through_provider(client)
    assert answer.status_code == 303
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.org"
    assert me.json()["role"] == "hr"
    with session_factory(engine)() as session:
        last = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        assert last is not None
        assert last.action == "account.sign_in"
        assert last.payload["method"] == "oidc"


def test_unknown_email_is_refused(client: TestClient, provider: Provider) -> None:
    provider.email = "stranger@example.org"
    answer = _sign_in_through_provider(client)
    assert answer.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_unverified_email_is_refused(client: TestClient, provider: Provider) -> None:
    provider.email = "ana@example.org"
    provider.email_verified = False
    assert _sign_in_through_provider(client).status_code == 403


def test_forged_state_is_refused(client: TestClient) -> None:
    client.get("/signin/sso", follow_redirects=False)
    answer = client.get("/signin/sso/callback?code=nothing&state=forged", follow_redirects=False)
    assert answer.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_sso_routes_absent_when_not_configured(
    tmp_path: Path, database_url: str, engine: sa.Engine
) -> None:
    settings = Settings(home=tmp_path, database_url=database_url, secret_key="s")
    with TestClient(create_app(settings)) as test_client:
        assert test_client.get("/signin/sso", follow_redirects=False).status_code == 404
        assert "Sign in with your organisation" not in test_client.get("/signin").text
