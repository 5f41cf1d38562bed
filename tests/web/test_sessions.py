"""Web sessions end when they should: sign-out, password change, deactivation, idle and
absolute timeouts. Before sessions lived on the server, a cookie replayed after sign-out
stayed valid for its whole 8-hour lifetime."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from renown.accounts.actions import do_create_account
from renown.core.roles import Role
from renown.store.tables.accounts import Account, ApiToken, WebSession
from tests.web.conftest import PASSWORD, SESSION_COOKIE, Platform, csrf_of

NEW_PASSWORD = "quiet-lantern-orbit-meadow"


def _new_account(platform: Platform, role: Role = Role.EMPLOYEE) -> str:
    email = f"s-{uuid.uuid4().hex[:10]}@acme.example"
    with platform.sessions() as session, session.begin():
        do_create_account(
            session, org_id=platform.acme_id, email=email, password=PASSWORD, role=role
        )
    return email


def _signed_in(platform: Platform, email: str, password: str = PASSWORD) -> TestClient:
    client = platform.anonymous(accept="text/html")
    assert platform.signin(client, email, password) == 303
    return client


def _replay(platform: Platform, cookie: str) -> int:
    """The status of a page fetched with nothing but a copy of the session cookie."""
    copy = TestClient(platform.app, follow_redirects=False, cookies={SESSION_COOKIE: cookie})
    return copy.get("/api/v1/me").status_code


def test_a_cookie_replayed_after_sign_out_is_refused(platform: Platform) -> None:
    client = _signed_in(platform, _new_account(platform))
    cookie = client.cookies[SESSION_COOKIE]
    assert _replay(platform, cookie) == 200
    csrf = csrf_of(client.get("/tokens").text)
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    assert _replay(platform, cookie) == 401


def test_a_password_change_ends_every_other_session(platform: Platform) -> None:
    email = _new_account(platform)
    laptop, phone = _signed_in(platform, email), _signed_in(platform, email)
    phone_cookie = phone.cookies[SESSION_COOKIE]
    page = laptop.get("/account")
    assert page.status_code == 200 and page.text.count("Sign out this session") == 1
    changed = laptop.post(
        "/account/password",
        data={
            "csrf_token": csrf_of(page.text),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 200, changed.text
    assert "1 other session signed out" in changed.text
    assert _replay(platform, phone_cookie) == 401
    assert _replay(platform, laptop.cookies[SESSION_COOKIE]) == 200
    assert platform.signin(platform.anonymous(), email, PASSWORD) == 400
    assert platform.signin(platform.anonymous(), email, NEW_PASSWORD) == 303


def test_a_password_change_needs_the_current_password_and_a_strong_new_one(
    platform: Platform,
) -> None:
    client = _signed_in(platform, _new_account(platform))
    csrf = csrf_of(client.get("/account").text)
    for current, new, said in [
        ("wrong-password-here", NEW_PASSWORD, "current password is not right"),
        (PASSWORD, "password12", "too easy to guess"),
        (PASSWORD, "aaaaaaaaaaaa", "too easy to guess"),
    ]:
        answer = client.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": current,
                "new_password": new,
                "repeat_password": new,
            },
        )
        assert answer.status_code == 422 and said in answer.text


def test_the_api_changes_the_password_and_ends_web_sessions(platform: Platform) -> None:
    email = _new_account(platform)
    browser = _signed_in(platform, email)
    cookie = browser.cookies[SESSION_COOKIE]
    with platform.sessions() as session:
        account_id = session.scalar(sa.select(Account.id).where(Account.email == email))
    api = TestClient(platform.app, cookies={SESSION_COOKIE: cookie})
    csrf = {"X-CSRF-Token": csrf_of(browser.get("/account").text)}
    listed = api.get("/api/v1/me/sessions").json()
    assert [s["current"] for s in listed] == [True]
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    other = _signed_in(platform, email)
    changed = api.put("/api/v1/me/password", json=body, headers=csrf)
    assert changed.status_code == 200 and changed.json() == {"sessions_ended": 1}
    assert _replay(platform, other.cookies[SESSION_COOKIE]) == 401
    assert _replay(platform, cookie) == 200
    with platform.sessions() as session:
        reasons = session.scalars(
            sa.select(WebSession.end_reason).where(WebSession.account_id == account_id)
        ).all()
    assert sorted(r or "" for r in reasons) == ["", "password changed"]


def test_deactivation_ends_sessions_and_revokes_tokens_at_once(platform: Platform) -> None:
    email = _new_account(platform)
    browser = _signed_in(platform, email)
    cookie = browser.cookies[SESSION_COOKIE]
    csrf = {"X-CSRF-Token": csrf_of(browser.get("/tokens").text)}
    api = TestClient(platform.app, cookies={SESSION_COOKIE: cookie})
    token = api.post("/api/v1/tokens", json={"name": "script"}, headers=csrf).json()["token"]
    script = TestClient(platform.app, headers={"Authorization": f"Bearer {token}"})
    assert script.get("/api/v1/me").status_code == 200
    with platform.sessions() as session:
        account_id = session.scalar(sa.select(Account.id).where(Account.email == email))
    admin = platform.bearer(Role.ADMIN)
    done = admin.post(f"/api/v1/accounts/{account_id}/deactivate")
    assert done.status_code == 200 and done.json()["active"] is False
    assert _replay(platform, cookie) == 401
    assert script.get("/api/v1/me").status_code == 401
    assert platform.signin(platform.anonymous(), email) == 400
    back = admin.post(f"/api/v1/accounts/{account_id}/reactivate")
    assert back.status_code == 200 and back.json()["active"] is True
    assert _replay(platform, cookie) == 401  # old sessions stay ended ...
    assert script.get("/api/v1/me").status_code == 401  # ... and old tokens revoked
    with platform.sessions() as session:
        assert (
            session.scalar(
                sa.select(sa.func.count()).where(
                    ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None)
                )
            )
            == 0
        )
    assert platform.signin(platform.anonymous(), email) == 303


def test_administrators_deactivate_only_their_organisations_accounts(platform: Platform) -> None:
    other = platform.other_hr
    assert (
        platform.bearer(Role.ADMIN)
        .post(f"/api/v1/accounts/{other.account_id}/deactivate")
        .status_code
        == 404
    )
    admin = platform.members[Role.ADMIN]
    refused = platform.bearer(Role.ADMIN).post(f"/api/v1/accounts/{admin.account_id}/deactivate")
    assert refused.status_code == 422


def _age(platform: Platform, cookie: str, **values: datetime) -> None:
    """Move a session's times into the past (instead of waiting)."""
    copy = TestClient(platform.app, cookies={SESSION_COOKIE: cookie})
    current = [s for s in copy.get("/api/v1/me/sessions").json() if s["current"]]
    with platform.sessions() as session, session.begin():
        session.execute(
            sa.update(WebSession).where(WebSession.id == current[0]["id"]).values(**values)
        )


def test_an_idle_session_times_out(platform: Platform) -> None:
    cookie = _signed_in(platform, _new_account(platform)).cookies[SESSION_COOKIE]
    idle = platform.settings.session_idle_seconds
    _age(platform, cookie, last_seen_at=datetime.now(UTC) - timedelta(seconds=idle - 60))
    assert _replay(platform, cookie) == 200  # used just in time: the clock starts again
    _age(platform, cookie, last_seen_at=datetime.now(UTC) - timedelta(seconds=idle + 1))
    assert _replay(platform, cookie) == 401


def test_a_busy_session_still_ends_at_its_absolute_limit(platform: Platform) -> None:
    cookie = _signed_in(platform, _new_account(platform)).cookies[SESSION_COOKIE]
    _age(platform, cookie, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert _replay(platform, cookie) == 401


def test_sign_out_everywhere_else_keeps_this_session(platform: Platform) -> None:
    email = _new_account(platform)
    first, second, third = (_signed_in(platform, email) for _ in range(3))
    page = first.get("/account")
    assert page.text.count("Sign out this session") == 2
    answer = first.post("/account/sessions/end-others", data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 303
    assert _replay(platform, first.cookies[SESSION_COOKIE]) == 200
    for client in (second, third):
        assert _replay(platform, client.cookies[SESSION_COOKIE]) == 401
